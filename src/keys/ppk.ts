// PuTTY private key files, PPK v2 and v3 (`PuTTY-User-Key-File-2/3`), unencrypted and
// aes256-cbc, for ssh-rsa and ssh-ed25519: read, write, and read the public half alone.
// Spec: PuTTY manual appendix C "PPK file format"
// (https://the.earth.li/~sgtatham/putty/0.78/htmldoc/AppendixC.html) as corrected by
// ../shared/reference/ppk.md (checked against puttygen 0.78): Ed25519 `k` is a plain 32-byte
// string, padding is SHA-1(plaintext) not random, Argon2 tag length 80.
//
// Limits (issue #3, ppk.md §4). Everything below is checked while parsing the text, before a
// passphrase is asked for, before any KDF work and before any buffer is sized from the file:
//   - file ≤ 353,621 bytes and Public-/Private-Lines ≤ 5,461 (PuTTY's own limits); lines are
//     read one by one from what is present, never pre-allocated from the count;
//   - base64 lines ≤ 64 characters, a multiple of 4, strict alphabet;
//   - Argon2 numbers are ASCII digits < 2^32; RFC 9106 minimums (parallelism 1..2^24−1,
//     memory ≥ 8·p, passes ≥ 1) and salt 8..64 bytes are structural → InvalidKey.Format, never
//     liftable; the work caps of limits.ts ARGON2 (memory, passes, parallelism, memory×passes)
//     → Ec2Keys.KdfLimitExceeded, lifted only by `allowExpensiveKdf` (--allow-expensive-kdf);
//   - an encrypted private blob must be a whole number of AES blocks (refused before decrypting);
//   - the header algorithm must equal the public blob's (PuTTY does not check; it crashes).
// After the MAC (constant-time compare) the private part is checked against the public part
// with model.ts: n = p·q, e·d ≡ 1 mod p−1 and q−1, Ed25519 public key derived from the seed.

import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { badPassphrase, Codes, corruptError, Ec2KeysError, formatError, passphraseRequired } from '../errors.js';
import { ARGON2 } from './limits.js';
import { ed25519FromSeed, modInverse, publicOf, rsaFromPrimes, type PrivateKey, type PublicKey } from './model.js';
import { parsePublicBlob, publicBlob, refuseAlgorithm, sshAlgorithm, SSH_ED25519, SSH_RSA } from './ssh-public.js';
import { askPassphrase, type Argon2Params, type ReadOptions, type ReadPrivateResult, type WriteOptions } from './types.js';
import { SshReader, SshWriter } from './wire.js';
import type { HashWasmArgon2 } from 'hash-wasm/dist/argon2.umd.min.js';

/** PuTTY's own cap on a key file (sshpubk.c MAX_KEY_FILE_SIZE). */
export const PPK_MAX_FILE_BYTES = 353_621;
/** PuTTY's own cap on Public-/Private-Lines (a 256 KiB blob at 48 bytes a line). */
export const PPK_MAX_LINES = 5461;
/** RFC 9106 §3.1: parallelism is at most 2^24 − 1. */
const ARGON2_RFC_MAX_PARALLELISM = 0xffffff;

/**
 * Argon2 passes we write. A fixed count, not puttygen's 100 ms calibration: output is then
 * reproducible (tests, `random` option) and a write costs no calibration runs, which on the
 * slow Windows VMs our users have would add seconds. 13 is what puttygen 0.78 itself chose on
 * the reference machine (runtime.md §5; it calibrates to 13–21 on ordinary hardware), so
 * PuTTY/Pageant spend the same ~100 ms on each unlock as for a puttygen-made key (hash-wasm
 * here: ~130 ms). 21 would cost an attacker only 1.6× more — less than one extra passphrase
 * character — while every unlock on a slow machine pays it too.
 */
export const PPK_DEFAULT_ARGON2: Argon2Params = { flavour: 'Argon2id', memoryKiB: 8192, passes: 13, parallelism: 1 };
const SALT_BYTES = 16;

type Version = 2 | 3;
type Encryption = 'none' | 'aes256-cbc';
const FLAVOURS = ['Argon2id', 'Argon2i', 'Argon2d'] as const;

interface Argon2Header extends Argon2Params {
  salt: Buffer;
}

/** A PPK file after the structural pass (nothing decrypted or MAC-checked yet). */
interface PpkFile {
  version: Version;
  algorithm: string;
  encryption: Encryption;
  /** Exactly the text after "Comment: " (the MAC covers these bytes, as UTF-8). */
  comment: string;
  publicBlob: Buffer;
  publicKey: PublicKey;
  argon2?: Argon2Header;
  /** As stored: ciphertext when encrypted. */
  privateBlob: Buffer;
  mac: Buffer;
}

// ------------------------------------------------------------------ reading

/**
 * Read a PPK v2/v3 private key. `text` is what decodeText gives (BOM stripped, LF endings,
 * trimmed); CR/CRLF endings are normalised here too for direct callers.
 * Order (ppk.md §3): structure and caps → passphrase → KDF → decrypt → MAC → private key checks.
 */
export async function parsePpk(text: string, opts: ReadOptions): Promise<ReadPrivateResult> {
  const what = opts.what ?? 'the PuTTY key file';
  const f = parseStructure(text, what);
  if (f.argon2 && opts.allowExpensiveKdf !== true) checkArgon2Caps(f.argon2, what);

  const encrypted = f.encryption === 'aes256-cbc';
  let pw = Buffer.alloc(0);
  if (encrypted) {
    const s = await askPassphrase(opts, what);
    if (s === undefined) throw passphraseRequired(what);
    // PuTTY never encrypts with an empty passphrase (it writes `Encryption: none`), and
    // hash-wasm's Argon2 refuses an empty password, so for v3 this can only be a wrong one.
    if (s === '' && f.version === 3) throw badPassphrase(what);
    pw = Buffer.from(s, 'utf8');
  }

  const k = await deriveKeys(f.version, encrypted, pw, f.argon2);
  let plain = f.privateBlob;
  if (encrypted) {
    const d = createDecipheriv('aes-256-cbc', k.cipherKey, k.iv).setAutoPadding(false);
    plain = Buffer.concat([d.update(f.privateBlob), d.final()]);
  }
  const mac = computeMac(f.version, k.macKey, f.algorithm, f.encryption, f.comment, f.publicBlob, plain);
  if (!timingSafeEqual(mac, f.mac)) {
    if (encrypted) throw badPassphrase(what);
    throw corruptError(`${what} is corrupted: its Private-MAC does not match the contents (edited or damaged file)`,
      'use an undamaged copy of the key; to change the comment, use PuTTYgen or `ec2keys convert`, not a text editor');
  }

  const key = privateFromBlob(f.publicKey, plain, what);
  return { kind: 'private', key, format: f.version === 2 ? 'ppk2' : 'ppk3', encrypted, comment: f.comment };
}

/**
 * The public half of a PPK and its comment, without a passphrase. The public lines are not
 * encrypted, so this cannot check the Private-MAC (nothing can without the passphrase, and
 * puttygen -L/-l do not either): an edited file still gives whatever public key it now holds.
 * Use parsePpk when the key must be authentic. No KDF runs, so the Argon2 work caps do not
 * apply here; the structural checks do.
 */
export function readPpkPublic(text: string, what = 'the PuTTY key file'): { key: PublicKey; comment: string } {
  const f = parseStructure(text, what);
  return { key: f.publicKey, comment: f.comment };
}

function parseStructure(text: string, what: string): PpkFile {
  const size = Buffer.byteLength(text, 'utf8');
  if (size > PPK_MAX_FILE_BYTES) {
    throw formatError(`${what} is ${size} bytes; a PuTTY key file is at most ${PPK_MAX_FILE_BYTES} bytes`);
  }
  if (text.charCodeAt(0) === 0xfeff) {
    throw formatError(`${what} starts with a byte-order mark; PuTTY key files are plain ASCII and PuTTY refuses a BOM`,
      'save the file as UTF-8 without BOM (or ASCII)');
  }
  // Final newlines carry nothing (a missing one is fine); dropping them makes a file that stops
  // early report "truncated" rather than "found an empty line".
  const L = new Lines(text.replace(/\r\n?/g, '\n').replace(/\n+$/, '').split('\n'), what);

  const first = L.next('PuTTY-User-Key-File-N: <algorithm>');
  const m = /^PuTTY-User-Key-File-([^:]*): (.*)$/.exec(first);
  if (!m) {
    if (first.startsWith('PuTTY-User-Key-File-')) throw formatError(`${what} has a malformed first line "${printable(first)}"`);
    throw formatError(`${what} is not a PuTTY key file (it starts with "${printable(first)}")`);
  }
  const version = parseVersion(m[1], what);
  const algorithm = m[2];
  if (algorithm !== SSH_RSA && algorithm !== SSH_ED25519) refuseAlgorithm(algorithm);

  const enc = L.field('Encryption');
  if (enc !== 'none' && enc !== 'aes256-cbc') {
    throw formatError(`${what} uses encryption ${JSON.stringify(printable(enc))}; PPK files use "none" or "aes256-cbc"`);
  }
  const encryption: Encryption = enc;
  const comment = L.field('Comment');
  const pub = L.base64Block('Public-Lines');

  let argon2: Argon2Header | undefined;
  if (version === 3 && encryption === 'aes256-cbc') argon2 = readArgon2Header(L, what);

  const priv = L.base64Block('Private-Lines');
  if (encryption === 'aes256-cbc' && priv.length % 16 !== 0) {
    throw formatError(`${what} is damaged: the encrypted private key is ${priv.length} bytes, not a multiple of the 16-byte AES block`);
  }
  const macHex = L.field('Private-MAC');
  const macLen = version === 2 ? 40 : 64;
  if (macHex.length !== macLen || !/^[0-9a-fA-F]*$/.test(macHex)) {
    throw formatError(`${what} has a malformed Private-MAC: PPK v${version} needs ${macLen} hex digits, saw "${printable(macHex)}"`);
  }
  // Anything after the MAC line is ignored, as PuTTY does.

  // The header algorithm must be the public blob's (PuTTY does not check this; ppk.md §1).
  const inner = new SshReader(pub, `${what} (public key)`).text();
  if (inner !== algorithm) {
    throw formatError(`${what} says ${algorithm} in its header but its public key is ${printable(inner)}`);
  }
  const publicKey = parsePublicBlob(pub, `${what} (public key)`);

  return { version, algorithm, encryption, comment, publicBlob: pub, publicKey, argon2, privateBlob: priv, mac: Buffer.from(macHex, 'hex') };
}

function parseVersion(v: string, what: string): Version {
  if (v === '2' || v === '3') return Number(v) as Version;
  if (v === '1') {
    throw formatError(`${what} is PPK v1 (PuTTY-User-Key-File-1), which is not supported; ec2keys reads PPK v2 and v3`,
      'load it in a current PuTTYgen and save it again');
  }
  if (/^[1-9][0-9]{0,8}$/.test(v)) {
    throw formatError(`PPK format too new: ${what} is PuTTY-User-Key-File-${v}; ec2keys reads versions 2 and 3`,
      'in PuTTYgen choose Key > Parameters for saving key files > PPK file version 3, then save again');
  }
  throw formatError(`${what} has an invalid PPK version "${printable(v)}"`);
}

function readArgon2Header(L: Lines, what: string): Argon2Header {
  const kdf = L.field('Key-Derivation');
  const flavour = FLAVOURS.find((x) => x === kdf);
  if (!flavour) {
    throw formatError(`${what} uses key derivation ${JSON.stringify(printable(kdf))}; PPK v3 uses Argon2id, Argon2i or Argon2d`);
  }
  const memoryKiB = u32(L.field('Argon2-Memory'), 'Argon2-Memory', what);
  const passes = u32(L.field('Argon2-Passes'), 'Argon2-Passes', what);
  const parallelism = u32(L.field('Argon2-Parallelism'), 'Argon2-Parallelism', what);
  const saltHex = L.field('Argon2-Salt');
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(saltHex)) {
    throw formatError(`${what} has a malformed Argon2-Salt: it must be an even number of hex digits, saw "${printable(saltHex)}"`);
  }
  const a: Argon2Header = { flavour, memoryKiB, passes, parallelism, salt: Buffer.from(saltHex, 'hex') };
  const problem = argon2StructureProblem(a, a.salt.length);
  if (problem) throw formatError(`${what}: ${problem}`);
  return a;
}

/** ASCII decimal digits only, < 2^32 (PuTTY's strtoul also takes "+8192", " 8192", "0x2000"; we do not). */
function u32(s: string, name: string, what: string): number {
  if (!/^[0-9]+$/.test(s)) throw formatError(`${what}: ${name} must be a decimal number, saw "${printable(s)}"`);
  const v = Number(s);
  if (v > 0xffffffff) throw formatError(`${what}: ${name} is ${printable(s)}, which does not fit in 32 bits`);
  return v;
}

/** RFC 9106 minimums and PuTTY's salt practice: structural, never lifted by --allow-expensive-kdf. */
function argon2StructureProblem(a: Argon2Params, saltBytes: number): string | undefined {
  const { parallelism: p, memoryKiB: m, passes: t } = a;
  if (p < 1 || p > ARGON2_RFC_MAX_PARALLELISM) return `Argon2-Parallelism is ${p}; Argon2 (RFC 9106) allows 1 to ${ARGON2_RFC_MAX_PARALLELISM}`;
  if (m < 8 * p) return `Argon2-Memory is ${m} KiB; Argon2 (RFC 9106) needs at least 8 × parallelism = ${8 * p} KiB`;
  if (t < 1) return `Argon2-Passes is ${t}; Argon2 (RFC 9106) needs at least 1`;
  if (saltBytes < ARGON2.minSaltBytes || saltBytes > ARGON2.maxSaltBytes) {
    return `Argon2-Salt is ${saltBytes} bytes; accepted are ${ARGON2.minSaltBytes} to ${ARGON2.maxSaltBytes} bytes (PuTTY writes 16)`;
  }
  return undefined;
}

/** Work caps (limits.ts ARGON2), checked before hashing; `allowExpensiveKdf` lifts them. */
function argon2CapProblem(a: Argon2Params): string | undefined {
  if (a.parallelism > ARGON2.maxParallelism) return `Argon2-Parallelism ${a.parallelism}; the limit is ${ARGON2.maxParallelism}`;
  if (a.memoryKiB > ARGON2.maxMemoryKiB) return `Argon2-Memory ${a.memoryKiB} KiB; the limit is ${ARGON2.maxMemoryKiB} KiB (1 GiB)`;
  if (a.passes > ARGON2.maxPasses) return `Argon2-Passes ${a.passes}; the limit is ${ARGON2.maxPasses}`;
  if (a.memoryKiB * a.passes > ARGON2.maxMemoryTimesPasses) {
    return `Argon2-Memory × Argon2-Passes = ${a.memoryKiB} × ${a.passes}; the limit is ${ARGON2.maxMemoryTimesPasses} (KiB × passes)`;
  }
  return undefined;
}

function checkArgon2Caps(a: Argon2Params, what: string): void {
  const problem = argon2CapProblem(a);
  if (problem) {
    throw new Ec2KeysError(Codes.KdfLimit, `${what} asks for ${problem}`, {
      hint: 'a normal PuTTY key uses 8192 KiB, 13 to 21 passes and parallelism 1; if you trust this file, add --allow-expensive-kdf',
    });
  }
}

/** The private blob, after the MAC matched, checked against the public key. Bytes after the last field are padding. */
function privateFromBlob(pub: PublicKey, plain: Buffer, what: string): PrivateKey {
  const r = new SshReader(plain, `${what} (private key)`);
  if (pub.type === 'ed25519') {
    const k = r.string();
    if (k.length !== 32) throw formatError(`${what}: the Ed25519 private key is ${k.length} bytes; it must be 32`);
    return ed25519FromSeed(k, pub.pub);
  }
  let d: bigint, p: bigint, q: bigint, qi: bigint;
  try {
    d = r.mpint();
    p = r.mpint();
    q = r.mpint();
    qi = r.mpint(); // iqmp: a blob without it is refused; rsaFromPrimes uses it only if q·iqmp ≡ 1 mod p
  } catch (e) {
    if (e instanceof Ec2KeysError) throw corruptError(`${what}: the RSA private key is incomplete or malformed; it must hold d, p, q and iqmp`);
    throw e;
  }
  return rsaFromPrimes({ n: pub.n, e: pub.e, d, p, q, qi });
}

/** Line cursor over the file; every field is `Name: value` with exactly one space. */
class Lines {
  private i = 0;
  constructor(private readonly lines: string[], private readonly what: string) {}

  next(expected: string): string {
    const l = this.lines[this.i];
    if (l === undefined) throw formatError(`${this.what} is truncated: expected "${expected}"`);
    this.i++;
    return l;
  }

  field(name: string): string {
    const l = this.next(`${name}: …`);
    if (l.startsWith(`${name}: `)) return l.slice(name.length + 2);
    if (l.startsWith(`${name}:`)) {
      throw formatError(`${this.what}: "${name}:" must be followed by exactly one space, saw "${printable(l)}"`);
    }
    // A line without a "Name:" is key data (a miscounted Public-/Private-Lines block): never shown,
    // it may be private key material.
    if (!l.includes(':')) {
      throw formatError(`${this.what}: expected a "${name}: " line, found a line of key data (not shown); a Public-Lines or Private-Lines count is probably wrong`);
    }
    throw formatError(`${this.what}: expected a "${name}: " line, found "${printable(l.split(':')[0])}:"`);
  }

  /** `Name: N` then exactly N base64 lines. N is capped before any line is read. */
  base64Block(name: 'Public-Lines' | 'Private-Lines'): Buffer {
    const s = this.field(name);
    if (!/^[0-9]{1,10}$/.test(s)) throw formatError(`${this.what}: ${name} must be a decimal number, saw "${printable(s)}"`);
    const n = Number(s);
    if (n > PPK_MAX_LINES) throw formatError(`${this.what}: ${name} is ${n}; a PuTTY key has at most ${PPK_MAX_LINES} lines`);
    let b64 = '';
    for (let k = 1; k <= n; k++) {
      const l = this.lines[this.i];
      if (l === undefined) throw formatError(`${this.what} is truncated: ${name} says ${n} lines but the file ends after ${k - 1}`);
      if (l.length === 0 || l.length > 64 || l.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(l)) {
        if (this.i === this.lines.length - 1 && k < n) {
          throw formatError(`${this.what} is truncated: it ends inside the ${name} block (${k} of ${n} lines, the last one cut short)`);
        }
        if (/^[A-Za-z-]+:/.test(l)) {
          throw formatError(`${this.what}: ${name} says ${n} lines but only ${k - 1} come before "${printable(l.split(':')[0])}:"`);
        }
        throw formatError(`${this.what}: line ${k} of the ${name} block is not valid base64 (at most 64 characters, a multiple of 4)`);
      }
      b64 += l;
      this.i++;
    }
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) throw formatError(`${this.what}: the ${name} block has "=" padding before its end`);
    return Buffer.from(b64, 'base64');
  }
}

function printable(s: string): string {
  const t = s.slice(0, 40).replace(/[^\x20-\x7e]/g, '?');
  return s.length > 40 ? t + '…' : t;
}

// ------------------------------------------------------------------ cryptography (ppk.md §3)

interface DerivedKeys {
  cipherKey: Buffer;
  iv: Buffer;
  macKey: Buffer;
}

const sha1 = (...parts: Buffer[]) => {
  const h = createHash('sha1');
  for (const p of parts) h.update(p);
  return h.digest();
};

async function deriveKeys(version: Version, encrypted: boolean, pw: Buffer, a?: Argon2Header): Promise<DerivedKeys> {
  if (version === 2) {
    const ctr = (n: number) => Buffer.from([0, 0, 0, n]);
    return {
      cipherKey: Buffer.concat([sha1(ctr(0), pw), sha1(ctr(1), pw)]).subarray(0, 32),
      iv: Buffer.alloc(16),
      macKey: sha1(Buffer.from('putty-private-key-file-mac-key'), pw),
    };
  }
  if (!encrypted) return { cipherKey: Buffer.alloc(0), iv: Buffer.alloc(0), macKey: Buffer.alloc(0) };
  if (!a) throw new Ec2KeysError(Codes.Internal, 'PPK v3 encrypted file without Argon2 parameters');
  const out = await argon2(a, pw);
  return { cipherKey: out.subarray(0, 32), iv: out.subarray(32, 48), macKey: out.subarray(48, 80) };
}

/**
 * hash-wasm's Argon2-only build (dist/argon2.umd.min.js: Argon2 and the BLAKE2b it uses, 30 KB)
 * rather than its index (270 KB with every algorithm's WebAssembly as base64): the same code and
 * WebAssembly, loaded in a fraction of the time (import alone, in-process: Node 20 25 → 10 ms,
 * Node 22 17 → 7 ms) and a 0.23 → 0.03 MB asset in the executables. It is a UMD file, so
 * import() gives its exports as `default`.
 */
async function loadArgon2(): Promise<HashWasmArgon2> {
  const m = await import('hash-wasm/dist/argon2.umd.min.js');
  return m.default;
}

/** Argon2 (version 0x13, no secret, no associated data, 80-byte tag) via hash-wasm, loaded only here. */
async function argon2(a: Argon2Header, pw: Buffer): Promise<Buffer> {
  const hw = await loadArgon2();
  const fn = a.flavour === 'Argon2id' ? hw.argon2id : a.flavour === 'Argon2i' ? hw.argon2i : hw.argon2d;
  try {
    const out = await fn({
      password: pw, salt: a.salt, iterations: a.passes, parallelism: a.parallelism, memorySize: a.memoryKiB,
      hashLength: 80, outputType: 'binary',
    });
    return Buffer.from(out);
  } catch (e) {
    // Only reachable past the caps (--allow-expensive-kdf), e.g. WebAssembly cannot get the memory.
    throw new Ec2KeysError(Codes.KdfLimit,
      `could not run ${a.flavour} with ${a.memoryKiB} KiB, ${a.passes} passes, parallelism ${a.parallelism}: ${(e as Error)?.message ?? e}`,
      { cause: e });
  }
}

function sshString(b: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
}

/** HMAC over string(alg) ‖ string(enc) ‖ string(comment) ‖ string(public) ‖ string(private plaintext incl. padding). */
function computeMac(version: Version, macKey: Buffer, alg: string, enc: string, comment: string, pub: Buffer, priv: Buffer): Buffer {
  const h = createHmac(version === 2 ? 'sha1' : 'sha256', macKey);
  for (const part of [Buffer.from(alg, 'utf8'), Buffer.from(enc, 'utf8'), Buffer.from(comment, 'utf8'), pub, priv]) {
    h.update(sshString(part));
  }
  return h.digest();
}

// ------------------------------------------------------------------ writing

/**
 * Write a PPK (default v3). With a non-empty passphrase: aes256-cbc, v3 with Argon2 (default
 * PPK_DEFAULT_ARGON2, 16-byte random salt), v2 with its SHA-1 key schedule. LF endings,
 * lower-case hex, 64-character base64 lines, no BOM. v2 files and unencrypted v3 files are
 * byte-identical to puttygen 0.78's for the same key, comment and passphrase.
 */
export async function writePpk(key: PrivateKey, opts: WriteOptions = {}): Promise<string> {
  const version = opts.ppkVersion ?? 3;
  if (version !== 2 && version !== 3) {
    throw new Ec2KeysError(Codes.InvalidParameterValue, `PPK version ${String(version)} cannot be written; choose 2 or 3`);
  }
  const comment = opts.comment ?? '';
  if (/[\r\n]/.test(comment)) {
    throw new Ec2KeysError(Codes.InvalidParameterValue, 'a PPK comment must be a single line; the one given contains a line break',
      { hint: 'give the comment without line breaks' });
  }
  const pw = opts.passphrase ? Buffer.from(opts.passphrase, 'utf8') : undefined;
  const encryption: Encryption = pw ? 'aes256-cbc' : 'none';
  const algorithm = sshAlgorithm(key);
  const pub = publicBlob(publicOf(key));

  let plain = privateBlob(key);
  if (pw) {
    // Padding to the AES block with SHA-1 bytes, as PuTTY does (ppk.md §3); none when aligned.
    const padLen = (16 - (plain.length % 16)) % 16;
    plain = Buffer.concat([plain, sha1(plain).subarray(0, padLen)]);
  }

  let argon2Header: Argon2Header | undefined;
  if (pw && version === 3) {
    const params: Argon2Params = { ...PPK_DEFAULT_ARGON2, ...definedOnly(opts.argon2 ?? {}) };
    if (!FLAVOURS.includes(params.flavour)) {
      throw new Ec2KeysError(Codes.InvalidParameterValue, `Argon2 flavour "${String(params.flavour)}" is not one of ${FLAVOURS.join(', ')}`);
    }
    for (const [name, v] of [['memoryKiB', params.memoryKiB], ['passes', params.passes], ['parallelism', params.parallelism]] as const) {
      if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
        throw new Ec2KeysError(Codes.InvalidParameterValue, `Argon2 ${name} must be a whole number below 2^32, saw ${String(v)}`);
      }
    }
    const salt = opts.random ? opts.random(SALT_BYTES) : randomBytes(SALT_BYTES);
    if (!Buffer.isBuffer(salt) || salt.length !== SALT_BYTES) {
      throw new Ec2KeysError(Codes.Internal, `random source returned ${Buffer.isBuffer(salt) ? salt.length : 'no'} bytes; ${SALT_BYTES} needed`);
    }
    // What we write must be readable by our own reader without --allow-expensive-kdf.
    const problem = argon2StructureProblem(params, salt.length) ?? argon2CapProblem(params);
    if (problem) throw new Ec2KeysError(Codes.InvalidParameterValue, `cannot write this PPK: ${problem}`);
    argon2Header = { ...params, salt };
  }

  const k = await deriveKeys(version, !!pw, pw ?? Buffer.alloc(0), argon2Header);
  const mac = computeMac(version, k.macKey, algorithm, encryption, comment, pub, plain);
  let stored = plain;
  if (pw) {
    const c = createCipheriv('aes-256-cbc', k.cipherKey, k.iv).setAutoPadding(false);
    stored = Buffer.concat([c.update(plain), c.final()]);
  }

  const out = [`PuTTY-User-Key-File-${version}: ${algorithm}`, `Encryption: ${encryption}`, `Comment: ${comment}`];
  out.push(...base64Lines('Public-Lines', pub));
  if (argon2Header) {
    const a = argon2Header;
    out.push(`Key-Derivation: ${a.flavour}`, `Argon2-Memory: ${a.memoryKiB}`, `Argon2-Passes: ${a.passes}`,
      `Argon2-Parallelism: ${a.parallelism}`, `Argon2-Salt: ${a.salt.toString('hex')}`);
  }
  out.push(...base64Lines('Private-Lines', stored));
  out.push(`Private-MAC: ${mac.toString('hex')}`);
  return out.join('\n') + '\n';
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** RSA: mpint d, p, q, iqmp with p > q and iqmp = q⁻¹ mod p. Ed25519: string k (32-byte seed). */
function privateBlob(key: PrivateKey): Buffer {
  if (key.type === 'ed25519') return new SshWriter().string(key.seed).toBuffer();
  // Our keys hold p > q and qi = q⁻¹ mod p already (model.ts rsaFromPrimes); recompute only otherwise.
  if (key.p > key.q) return new SshWriter().mpint(key.d).mpint(key.p).mpint(key.q).mpint(key.qi).toBuffer();
  return new SshWriter().mpint(key.d).mpint(key.q).mpint(key.p).mpint(modInverse(key.p, key.q)).toBuffer();
}

function base64Lines(name: string, b: Buffer): string[] {
  const s = b.toString('base64');
  const lines = s.match(/.{1,64}/g) ?? [];
  return [`${name}: ${lines.length}`, ...lines];
}
