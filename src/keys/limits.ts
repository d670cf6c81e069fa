// Caps on attacker-controlled work, checked BEFORE any KDF runs or any buffer is allocated
// (issue #3, ../shared/reference/ppk.md §4). A file over a cap is refused with
// Ec2Keys.KdfLimitExceeded naming the parameter and the limit; `allowExpensiveKdf` (the CLI's
// --allow-expensive-kdf) lifts the work caps but never the structural ones (RFC minimums, salt size).

export const ARGON2 = {
  /** KiB. PuTTY default 8192; 1 GiB takes ~3 s with hash-wasm here (runtime.md §5). */
  maxMemoryKiB: 1_048_576,
  maxPasses: 1000,
  maxParallelism: 16,
  /** memory × passes: ~100× PuTTY's default (8192 × 13), about 45 s of hash-wasm at the cap. */
  maxMemoryTimesPasses: 16_777_216,
  minSaltBytes: 8,
  maxSaltBytes: 64,
} as const;

/** bcrypt-pbkdf rounds in OpenSSH keys: ssh-keygen writes 16 (default) to a few hundred; x/crypto caps. */
export const BCRYPT = { maxRounds: 2048, maxSaltBytes: 64 } as const;

/** PBKDF2 iterations in PKCS#8 PBES2 (openssl writes 2048; 10M ≈ 10 s of SHA-256). */
export const PBKDF2 = { maxIterations: 10_000_000 } as const;

/** scrypt in PKCS#8 (RFC 7914): N ≤ 2^20 with r = 8 is 1 GiB. */
export const SCRYPT = { maxN: 1 << 20, maxR: 32, maxP: 16, maxMemoryBytes: 1024 * 1024 * 1024 + 65536 } as const;
