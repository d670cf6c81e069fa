// Crafted KDF parameters at the real caps of limits.ts (issue #3 §2 "hostile input caps, checked
// before any expensive work"): PPK v3 Argon2 memory/passes/parallelism/salt, OpenSSH bcrypt
// rounds/salt, PKCS#8 PBKDF2 iterations, scrypt N/r/p and PKCS#12 PBE iterations. Every crafted
// file that is over a cap or structurally impossible must be refused with the right code
// (Ec2Keys.KdfLimitExceeded for work, InvalidKey.Format for structure) WITHOUT the passphrase
// being asked for — the readers ask right before the KDF runs, so "not asked" proves the KDF
// never started. Parameters a normal KDF run would accept are pushed over a cap by the
// generators, so no case does real KDF work. --allow-expensive-kdf never lifts structural checks.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Codes, Ec2KeysError } from '../../src/errors.js';
import { der, OID } from '../../src/keys/der.js';
import { readKey } from '../../src/keys/detect.js';
import { ARGON2, BCRYPT, PBKDF2, SCRYPT } from '../../src/keys/limits.js';
import type { PrivateKey } from '../../src/keys/model.js';
import { SUPPORTED_CIPHERS, writeOpenSshPrivate } from '../../src/keys/openssh.js';
import { LEGACY_KDF_MAX_ITERATIONS } from '../../src/keys/pkcs8.js';
import { writePpk } from '../../src/keys/ppk.js';
import { parsePem } from '../../src/keys/text.js';
import { SshReader, SshWriter } from '../../src/keys/wire.js';
import { buildSeeds, fcParams, runs, Tally, testTimeout, unhandledRejections } from './arbitraries.js';

const unhandled = unhandledRejections();
afterAll(() => {
  unhandled.stop();
  expect(unhandled.list, 'unhandled promise rejections').toEqual([]);
});

let rsa: PrivateKey;
let ppkLines: string[] = [];
let sshParts: { pub: Buffer; section: Buffer } = { pub: Buffer.alloc(0), section: Buffer.alloc(0) };

beforeAll(async () => {
  rsa = (await buildSeeds()).keys[0];
  ppkLines = (await writePpk(rsa, { passphrase: 'p', comment: 'c', argon2: { memoryKiB: 64, passes: 1 } })).trimEnd().split('\n');
  const body = parsePem(await writeOpenSshPrivate(rsa, { passphrase: 'p', rounds: 1 }))!.body;
  const r = new SshReader(body.subarray('openssh-key-v1\0'.length));
  r.text();
  r.text();
  r.string();
  r.u32();
  sshParts = { pub: Buffer.from(r.string()), section: Buffer.from(r.string()) };
}, 60_000);

interface Asked {
  asked: number;
}

/** Read with a counting passphrase source; returns the error code and how often the passphrase was asked. */
async function attempt(input: string | Buffer, allowExpensiveKdf = false): Promise<{ code: string; asked: number }> {
  const a: Asked = { asked: 0 };
  try {
    await readKey(Buffer.from(input), { allowExpensiveKdf, passphrase: { get: async () => { a.asked++; return 'p'; } } });
  } catch (e) {
    if (!(e instanceof Ec2KeysError)) throw e;
    return { code: e.code, asked: a.asked };
  }
  return { code: 'ok', asked: a.asked };
}

const FORMAT = Codes.InvalidKeyFormat;
const LIMIT = Codes.KdfLimit;

// ------------------------------------------------------------------ PPK v3 Argon2

interface Argon2Case {
  flavour: string;
  memory: string;
  passes: string;
  parallelism: string;
  salt: string;
}

const U32 = 0xffffffff;
const num = (lo: number, hi: number) => fc.integer({ min: lo, max: hi }).map(String);
/** Mostly sane values with one or two fields out of bounds, so both refusals (structure, work) are common. */
const w = <T>(...xs: [number, fc.Arbitrary<T>][]) => fc.oneof(...xs.map(([weight, arbitrary]) => ({ weight, arbitrary })));
const argon2Case: fc.Arbitrary<Argon2Case> = fc.record({
  flavour: fc.constantFrom('Argon2id', 'Argon2i', 'Argon2d'),
  memory: w([4, num(128, ARGON2.maxMemoryKiB)], [3, fc.oneof(num(ARGON2.maxMemoryKiB + 1, U32), fc.constant('4194304'))], [1, num(0, 7)],
    [1, fc.oneof(fc.bigInt({ min: 2n ** 32n, max: 2n ** 80n }).map(String), fc.constantFrom('-1', '0x100', '1e6', '', ' 64', '8192 '))]),
  passes: w([4, num(1, ARGON2.maxPasses)], [3, num(ARGON2.maxPasses + 1, U32)], [1, fc.constant('0')],
    [1, fc.oneof(fc.bigInt({ min: 2n ** 32n, max: 2n ** 64n }).map(String), fc.constantFrom('+1', 'NaN'))]),
  parallelism: w([5, num(1, ARGON2.maxParallelism)], [2, num(ARGON2.maxParallelism + 1, 0xffffff)], [1, fc.constant('0')],
    [1, fc.oneof(num(0x1000000, U32), fc.constant('4294967296'))]),
  salt: w([5, fc.integer({ min: ARGON2.minSaltBytes, max: ARGON2.maxSaltBytes }).map((n) => 'ab'.repeat(n))],
    [2, fc.oneof(fc.integer({ min: 0, max: ARGON2.minSaltBytes - 1 }), fc.integer({ min: ARGON2.maxSaltBytes + 1, max: 100 })).map((n) => 'ab'.repeat(n))],
    [1, fc.constantFrom('abc', 'zz'.repeat(16), 'AB'.repeat(16))]),
});

/** What ppk.ts must answer, from the spec (ppk.md §4): structure first (never liftable), then work caps. */
function classifyArgon2(c: Argon2Case): { code: string; structural: boolean } | 'allowed' {
  const dec = (s: string) => (/^[0-9]+$/.test(s) ? BigInt(s) : undefined);
  const m = dec(c.memory);
  const t = dec(c.passes);
  const p = dec(c.parallelism);
  if (m === undefined || t === undefined || p === undefined || m > U32 || t > U32 || p > U32) return { code: FORMAT, structural: true };
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(c.salt)) return { code: FORMAT, structural: true };
  const saltBytes = c.salt.length / 2;
  if (p < 1n || p > 0xffffffn || m < 8n * p || t < 1n || saltBytes < ARGON2.minSaltBytes || saltBytes > ARGON2.maxSaltBytes) return { code: FORMAT, structural: true };
  if (p > ARGON2.maxParallelism || m > ARGON2.maxMemoryKiB || t > ARGON2.maxPasses || m * t > ARGON2.maxMemoryTimesPasses) return { code: LIMIT, structural: false };
  return 'allowed';
}

/** Within every cap, a case would run Argon2 for real: push passes over the cap instead. */
const overOrBroken = argon2Case.map((c) => (classifyArgon2(c) === 'allowed' ? { ...c, passes: String(ARGON2.maxPasses + 1) } : c));

function ppkWith(c: Argon2Case): string {
  const set: Record<string, string> = {
    'Key-Derivation': c.flavour, 'Argon2-Memory': c.memory, 'Argon2-Passes': c.passes, 'Argon2-Parallelism': c.parallelism, 'Argon2-Salt': c.salt,
  };
  return ppkLines.map((l) => {
    const k = l.slice(0, l.indexOf(': '));
    return k in set ? `${k}: ${set[k]}` : l;
  }).join('\n') + '\n';
}

describe('PPK v3: crafted Argon2 headers are refused before Argon2 runs', () => {
  const n = runs(300);
  it(`memory, passes, parallelism, salt (${n} cases)`, async () => {
    const t = new Tally();
    await fc.assert(
      fc.asyncProperty(overOrBroken, fc.boolean(), async (c, allow) => {
        const want = classifyArgon2(c);
        if (want === 'allowed') throw new Error('generator produced an allowed case');
        if (allow && !want.structural) return; // lifted on purpose: it would really run
        const got = await attempt(ppkWith(c), allow);
        t.add(got.code);
        expect(got, JSON.stringify(c)).toEqual({ code: want.code, asked: 0 });
      }),
      fcParams(n),
    );
    t.report('ppk argon2');
    expect(t.counts.get(LIMIT)).toBeGreaterThan(0);
    expect(t.counts.get(FORMAT)).toBeGreaterThan(0);
  }, testTimeout(n, 2));

  it('4 GiB of Argon2 memory (the issue\'s example) is Ec2Keys.KdfLimitExceeded, passphrase never asked', async () => {
    const got = await attempt(ppkWith({ flavour: 'Argon2id', memory: '4194304', passes: '1', parallelism: '1', salt: 'ab'.repeat(16) }));
    expect(got).toEqual({ code: LIMIT, asked: 0 });
  });
});

// ------------------------------------------------------------------ OpenSSH bcrypt

interface BcryptCase {
  cipher: string;
  saltLen: number;
  rounds: number;
  trailing: number;
}

const bcryptCase: fc.Arbitrary<BcryptCase> = fc.record({
  cipher: fc.constantFrom(...SUPPORTED_CIPHERS.filter((c) => c !== 'none')),
  saltLen: w([4, fc.integer({ min: 1, max: BCRYPT.maxSaltBytes })], [1, fc.constant(0)], [1, fc.integer({ min: BCRYPT.maxSaltBytes + 1, max: 300 })]),
  rounds: w([3, fc.integer({ min: 1, max: BCRYPT.maxRounds })], [3, fc.integer({ min: BCRYPT.maxRounds + 1, max: U32 })], [1, fc.constantFrom(0, U32)]),
  trailing: w([6, fc.constant(0)], [1, fc.integer({ min: 1, max: 8 })]),
});

function classifyBcrypt(c: BcryptCase): { code: string; structural: boolean } | 'allowed' {
  if (c.trailing > 0 || c.saltLen === 0 || c.saltLen > BCRYPT.maxSaltBytes || c.rounds === 0) return { code: FORMAT, structural: true };
  if (c.rounds > BCRYPT.maxRounds) return { code: LIMIT, structural: false };
  return 'allowed';
}

function opensshWith(c: BcryptCase): string {
  const opts = new SshWriter().string(Buffer.alloc(c.saltLen, 7)).u32(c.rounds).raw(Buffer.alloc(c.trailing)).toBuffer();
  const aead = c.cipher.endsWith('@openssh.com');
  const body = new SshWriter().raw(Buffer.from('openssh-key-v1\0', 'latin1')).string(c.cipher).string('bcrypt').string(opts).u32(1)
    .string(sshParts.pub).string(sshParts.section).raw(aead ? Buffer.alloc(16) : Buffer.alloc(0)).toBuffer();
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${body.toString('base64')}\n-----END OPENSSH PRIVATE KEY-----\n`;
}

describe('OpenSSH: crafted bcrypt options are refused before bcrypt runs', () => {
  const n = runs(300);
  it(`rounds, salt, trailing bytes, every cipher (${n} cases)`, async () => {
    const t = new Tally();
    const arb = bcryptCase.map((c) => (classifyBcrypt(c) === 'allowed' ? { ...c, rounds: BCRYPT.maxRounds + 1 } : c));
    await fc.assert(
      fc.asyncProperty(arb, fc.boolean(), async (c, allow) => {
        const want = classifyBcrypt(c);
        if (want === 'allowed') throw new Error('generator produced an allowed case');
        if (allow && !want.structural) return;
        const got = await attempt(opensshWith(c), allow);
        t.add(got.code);
        expect(got, JSON.stringify(c)).toEqual({ code: want.code, asked: 0 });
      }),
      fcParams(n),
    );
    t.report('openssh bcrypt');
    expect(t.counts.get(LIMIT)).toBeGreaterThan(0);
    expect(t.counts.get(FORMAT)).toBeGreaterThan(0);
  }, testTimeout(n, 2));
});

// ------------------------------------------------------------------ PKCS#8

type Pkcs8Case =
  | { kind: 'pbkdf2'; iterations: bigint; saltLen: number; keyLength?: number; prf: string }
  | { kind: 'scrypt'; N: bigint; r: bigint; p: bigint; keyLength?: number }
  | { kind: 'pkcs12'; iterations: bigint };

const PRFS = [OID.hmacWithSHA1, OID.hmacWithSHA256, OID.hmacWithSHA512];
const big = (lo: bigint, hi: bigint) => fc.bigInt({ min: lo, max: hi });
const pkcs8Case: fc.Arbitrary<Pkcs8Case> = fc.oneof(
  fc.record({
    kind: fc.constant('pbkdf2' as const),
    iterations: fc.oneof(fc.constant(0n), big(1n, BigInt(PBKDF2.maxIterations)), big(BigInt(PBKDF2.maxIterations) + 1n, 2n ** 31n), big(2n ** 31n, 2n ** 64n)),
    saltLen: fc.integer({ min: 0, max: 64 }),
    keyLength: fc.option(fc.constantFrom(32, 16, 0), { nil: undefined }),
    prf: fc.constantFrom(...PRFS),
  }),
  fc.record({
    kind: fc.constant('scrypt' as const),
    N: fc.oneof(fc.integer({ min: 0, max: 64 }).map((k) => 2n ** BigInt(k)), big(0n, 2n ** 64n)),
    r: fc.oneof(big(0n, 64n), big(0n, 2n ** 40n)),
    p: fc.oneof(big(0n, 32n), big(0n, 2n ** 40n)),
    keyLength: fc.option(fc.constantFrom(32, 16), { nil: undefined }),
  }),
  fc.record({
    kind: fc.constant('pkcs12' as const),
    iterations: fc.oneof(fc.constant(0n), big(1n, BigInt(LEGACY_KDF_MAX_ITERATIONS)), big(BigInt(LEGACY_KDF_MAX_ITERATIONS) + 1n, 2n ** 40n)),
  }),
);

function classifyPkcs8(c: Pkcs8Case): { code: string; structural: boolean } | 'allowed' {
  const F = { code: FORMAT, structural: true };
  const L = { code: LIMIT, structural: false };
  if (c.kind === 'pbkdf2') {
    if (c.iterations < 1n) return F;
    if (c.iterations > BigInt(PBKDF2.maxIterations)) return L; // checked as soon as the count is read
    if (c.keyLength !== undefined && c.keyLength !== 32) return F;
    return 'allowed';
  }
  if (c.kind === 'scrypt') {
    if (c.N < 2n || (c.N & (c.N - 1n)) !== 0n || c.r < 1n || c.p < 1n) return F;
    if (c.N > BigInt(SCRYPT.maxN) || c.r > BigInt(SCRYPT.maxR) || c.p > BigInt(SCRYPT.maxP) || 128n * c.r * (c.N + c.p) > BigInt(SCRYPT.maxMemoryBytes)) return L;
    if (c.keyLength !== undefined && c.keyLength !== 32) return F;
    return 'allowed';
  }
  if (c.iterations < 1n) return F;
  if (c.iterations > BigInt(LEGACY_KDF_MAX_ITERATIONS)) return L;
  return 'allowed';
}

function pushOver(c: Pkcs8Case): Pkcs8Case {
  if (classifyPkcs8(c) !== 'allowed') return c;
  if (c.kind === 'pbkdf2') return { ...c, iterations: BigInt(PBKDF2.maxIterations) + 1n };
  if (c.kind === 'scrypt') return { ...c, N: BigInt(SCRYPT.maxN) * 2n };
  return { ...c, iterations: BigInt(LEGACY_KDF_MAX_ITERATIONS) + 1n };
}

function pkcs8With(c: Pkcs8Case): string {
  let alg: Buffer;
  if (c.kind === 'pkcs12') {
    alg = der.seq(der.oid('1.2.840.113549.1.12.1.3'), der.seq(der.octets(Buffer.alloc(8, 1)), der.uint(c.iterations)));
  } else {
    const kdf = c.kind === 'pbkdf2'
      ? der.seq(der.oid(OID.pbkdf2), der.seq(der.octets(Buffer.alloc(c.saltLen, 2)), der.uint(c.iterations),
        ...(c.keyLength !== undefined ? [der.uint(c.keyLength)] : []), der.seq(der.oid(c.prf), der.null())))
      : der.seq(der.oid(OID.scrypt), der.seq(der.octets(Buffer.alloc(16, 3)), der.uint(c.N), der.uint(c.r), der.uint(c.p),
        ...(c.keyLength !== undefined ? [der.uint(c.keyLength)] : [])));
    alg = der.seq(der.oid(OID.pbes2), der.seq(kdf, der.seq(der.oid(OID.aes256cbc), der.octets(Buffer.alloc(16, 4)))));
  }
  const epki = der.seq(alg, der.octets(Buffer.alloc(64, 5)));
  return `-----BEGIN ENCRYPTED PRIVATE KEY-----\n${epki.toString('base64')}\n-----END ENCRYPTED PRIVATE KEY-----\n`;
}

describe('PKCS#8: crafted PBKDF2, scrypt and PKCS#12 parameters are refused before the KDF runs', () => {
  const n = runs(300);
  it(`iterations, N, r, p, key length (${n} cases)`, async () => {
    const t = new Tally();
    await fc.assert(
      fc.asyncProperty(pkcs8Case.map(pushOver), fc.boolean(), async (c, allow) => {
        const want = classifyPkcs8(c);
        if (want === 'allowed') throw new Error('generator produced an allowed case');
        if (allow && !want.structural) return;
        const got = await attempt(pkcs8With(c), allow);
        t.add(`${c.kind} ${got.code}`);
        expect(got, JSON.stringify(c, (_, v) => (typeof v === 'bigint' ? v.toString() : v))).toEqual({ code: want.code, asked: 0 });
      }),
      fcParams(n),
    );
    t.report('pkcs8 kdf');
    for (const k of ['pbkdf2', 'scrypt', 'pkcs12']) expect(t.counts.get(`${k} ${LIMIT}`), k).toBeGreaterThan(0);
  }, testTimeout(n, 2));
});
