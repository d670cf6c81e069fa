// Shared pieces of the fuzz suites (issue #7 §2): run counts, seed files in every format,
// fast-check mutation arbitraries that keep enough structure to get past the first checks
// (line, header, base64 and container-aware edits: bit flips and truncation inside the decoded
// body, huge SSH-wire and DER length prefixes, PPK blobs re-MAC'd so the parser goes deep),
// text variants that must still load (CRLF, BOM, UTF-16), and the outcome check every property
// shares: only an Ec2KeysError with an expected code may escape, and a key that loads is sane.
//
// Run counts: EC2KEYS_FUZZ_RUNS (what `npm run fuzz` sets, 100000) is the number of cases for
// each robustness property; unset, each property runs the small default it names, a few
// thousand cases in total, so `npm test` stays within its budget.
import { execFileSync } from 'node:child_process';
import { createHash, createHmac, generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { Codes, Ec2KeysError } from '../../src/errors.js';
import { ed25519PublicFromSeed, fromKeyObject, type PrivateKey, type PublicKey } from '../../src/keys/model.js';
import { writeOpenSshPrivate } from '../../src/keys/openssh.js';
import { encodePkcs1Der, encodeRsaPublicDer, writePkcs1, writeRsaPublicPem } from '../../src/keys/pkcs1.js';
import { writePkcs8 } from '../../src/keys/pkcs8.js';
import { writePpk } from '../../src/keys/ppk.js';
import { writeRfc4716 } from '../../src/keys/rfc4716.js';
import { spkiDerOf, writeSpkiPem } from '../../src/keys/spki.js';
import { writeOpenSshLine } from '../../src/keys/ssh-public.js';
import type { ReadResult } from '../../src/keys/types.js';
import { tmpDir, corpusDir } from '../helpers/tools.js';

// ------------------------------------------------------------------ run counts and time boxes

const envRuns = Number(process.env.EC2KEYS_FUZZ_RUNS);
/** True under `npm run fuzz` (or any explicit EC2KEYS_FUZZ_RUNS). */
export const FUZZ_MODE = Number.isFinite(envRuns) && envRuns > 0;

/** Cases for one property: EC2KEYS_FUZZ_RUNS × share when set, else the small default. */
export function runs(defaultRuns: number, share = 1): number {
  return FUZZ_MODE ? Math.max(1, Math.round(envRuns * share)) : defaultRuns;
}

/**
 * A case that takes longer than this is a hang. Generous: the shared 2-core machine can be
 * ten times slower than usual, and no single case legitimately needs more than a second (the
 * parser suites lower the KDF caps; see parsers.test.ts).
 */
export const CASE_DEADLINE_MS = 15_000;

/** vitest timeout for a property of `n` cases at about `msPerCase` each. */
export function testTimeout(n: number, msPerCase: number): number {
  return 120_000 + n * msPerCase * 10;
}

/**
 * fast-check parameters: the per-case timeout (async cases that never settle), and in the
 * default run a wall-clock budget so `npm test` never overstays on a slow machine (the run
 * then stops early and passes with the cases it made; `npm run fuzz` always makes them all).
 */
export function fcParams(numRuns: number, budgetMs = 20_000): fc.Parameters<unknown> {
  const plugins: fc.Plugin<unknown>[] = [fc.timeout(CASE_DEADLINE_MS)];
  if (!FUZZ_MODE) plugins.push(fc.interruptAfterTimeLimit(budgetMs));
  const seed = Number(process.env.EC2KEYS_FUZZ_SEED);
  return { numRuns, plugins, ...(Number.isFinite(seed) ? { seed } : {}) } as fc.Parameters<unknown>;
}

/** Tally of outcomes, printed after each property (counts for the fuzz report). */
export class Tally {
  readonly counts = new Map<string, number>();
  cases = 0;
  private t0 = Date.now();
  add(outcome: string): void {
    this.cases++;
    this.counts.set(outcome, (this.counts.get(outcome) ?? 0) + 1);
  }
  report(name: string): string {
    const parts = [...this.counts.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`);
    const line = `[fuzz] ${name}: ${this.cases} cases in ${((Date.now() - this.t0) / 1000).toFixed(1)} s (${parts.join(', ')})`;
    console.log(line);
    return line;
  }
}

/**
 * Collect unhandled promise rejections while a suite runs (a reader that forgets to await a
 * promise would leak one); call in beforeAll, and check `list` is empty in afterAll.
 */
export function unhandledRejections(): { list: unknown[]; stop(): void } {
  const list: unknown[] = [];
  const on = (e: unknown) => list.push(e);
  process.on('unhandledRejection', on);
  return { list, stop: () => process.off('unhandledRejection', on) };
}

// ------------------------------------------------------------------ outcome checks

/** Every code a key reader may answer with for bad input. */
export const READ_CODES = new Set<string>([
  Codes.InvalidKeyFormat,
  Codes.CorruptKey,
  Codes.BadPassphrase,
  Codes.PassphraseRequired,
  Codes.KdfLimit,
  Codes.Unsupported,
]);

export class Escaped extends Error {
  constructor(detail: string, readonly original?: unknown) {
    super(detail);
    this.name = 'Escaped';
  }
}

/** Our error with an allowed code and a message in the house style; anything else is a finding. */
export function checkError(e: unknown, allowed: Set<string>): string {
  if (!(e instanceof Ec2KeysError)) {
    const s = e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e);
    throw new Escaped(`a non-Ec2KeysError escaped: ${s}`, e);
  }
  if (!allowed.has(e.code)) throw new Escaped(`unexpected code ${e.code}: ${e.message}`, e);
  // (No trailing-period check here: messages may end with an echo of the input, which can end in '.'.)
  if (!e.message.trim() || /\bundefined\b|\[object |\bNaN\b/.test(e.message) || e.message.length > 2000) {
    throw new Escaped(`badly formed message for ${e.code}: ${JSON.stringify(e.message)}`, e);
  }
  return e.code;
}

/** A key that loaded must be a usable one: RSA numbers consistent, Ed25519 public key derived from the seed. */
export function checkSaneKey(r: ReadResult): void {
  const k = r.key;
  if (k.type === 'rsa') {
    const bits = k.n.toString(2).length;
    if (bits < 1024 || bits > 16384) throw new Escaped(`loaded an RSA key of ${bits} bits`);
    if (r.kind === 'private') {
      const pk = k as Extract<PrivateKey, { type: 'rsa' }>;
      if (pk.p * pk.q !== pk.n || (pk.e * pk.d) % (pk.p - 1n) !== 1n || (pk.e * pk.d) % (pk.q - 1n) !== 1n) {
        throw new Escaped('loaded an inconsistent RSA private key');
      }
    }
  } else if (k.type === 'ed25519') {
    if (k.pub.length !== 32) throw new Escaped('loaded an Ed25519 key with a public key that is not 32 bytes');
    if (r.kind === 'private') {
      const pk = k as Extract<PrivateKey, { type: 'ed25519' }>;
      if (!ed25519PublicFromSeed(pk.seed).equals(pk.pub)) throw new Escaped('loaded an Ed25519 key whose public key is not its seed\'s');
    }
  } else {
    throw new Escaped(`loaded a key of type ${(k as { type: string }).type}`);
  }
}

/**
 * Run one case: resolves to 'ok' or the error code; rejects (fails the property) if anything but
 * an allowed Ec2KeysError escapes, a loaded key is not sane, or the case overruns the deadline.
 */
export async function outcome(f: () => Promise<ReadResult | void> | ReadResult | void, allowed = READ_CODES): Promise<string> {
  const t0 = Date.now();
  let res: string;
  try {
    const r = await f();
    if (r) checkSaneKey(r);
    res = 'ok';
  } catch (e) {
    if (e instanceof Escaped) throw e;
    res = checkError(e, allowed);
  }
  const ms = Date.now() - t0;
  if (ms > CASE_DEADLINE_MS) throw new Escaped(`one case took ${ms} ms (deadline ${CASE_DEADLINE_MS} ms): a hang`);
  return res;
}

// ------------------------------------------------------------------ seeds

export type Family = 'pkcs1' | 'pkcs8' | 'openssh' | 'ppk' | 'public' | 'other';

export interface Seed {
  name: string;
  family: Family;
  bytes: Buffer;
  /** The passphrase of an encrypted seed. */
  passphrase?: string;
  encrypted: boolean;
  /** The unmutated seed loads (with its passphrase). */
  loads: boolean;
  /** Its public key, when it loads. */
  key?: PublicKey;
}

/** ASCII on purpose: tools disagree on how to feed non-ASCII to PKCS#12 PBEs; the round-trip suite does unicode. */
export const SEED_PASSPHRASE = 'fuzz pass #1';

const PPK_V2_MAC_KEY = createHash('sha1').update('putty-private-key-file-mac-key').digest();

export interface SeedOptions {
  /** Also generate seeds with openssl/ssh-keygen (PBES1, PKCS#12, scrypt, legacy PEM ciphers, AEAD OpenSSH ciphers). */
  tools?: boolean;
  /** Also take the files of /work/shared/corpus. */
  corpus?: boolean;
}

export const CORPUS = corpusDir();

/** Fresh keys (RSA-1024 keeps the bigint work per case small; RSA-2048 for realism) and every format of them. */
export async function buildSeeds(opts: SeedOptions = {}): Promise<{ seeds: Seed[]; keys: PrivateKey[] }> {
  const pw = SEED_PASSPHRASE;
  const rsa1024 = fromKeyObject(generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey);
  const rsa2048 = fromKeyObject(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
  const ed = fromKeyObject(generateKeyPairSync('ed25519').privateKey);
  const keys: PrivateKey[] = [rsa1024, rsa2048, ed];
  const seeds: Seed[] = [];
  const add = (name: string, family: Family, data: string | Buffer, key: PrivateKey | PublicKey, passphrase?: string) =>
    seeds.push({ name, family, bytes: Buffer.from(data), passphrase, encrypted: passphrase !== undefined, loads: true, key: publicOfAny(key) });

  for (const [kn, k] of [['rsa1024', rsa1024], ['ed25519', ed]] as const) {
    if (k.type === 'rsa') {
      add(`pkcs1-${kn}`, 'pkcs1', writePkcs1(k), k);
      add(`pkcs1-aes256-${kn}`, 'pkcs1', writePkcs1(k, { passphrase: pw }), k, pw);
      add(`pkcs1-der-${kn}`, 'pkcs1', encodePkcs1Der(k), k);
      add(`pkcs1-public-pem-${kn}`, 'public', writeRsaPublicPem(k), k);
      add(`pkcs1-public-der-${kn}`, 'public', encodeRsaPublicDer(k), k);
    }
    add(`pkcs8-${kn}`, 'pkcs8', writePkcs8(k), k);
    add(`pkcs8-der-${kn}`, 'pkcs8', writePkcs8(k, { der: true }), k);
    add(`pkcs8-pbkdf2-${kn}`, 'pkcs8', writePkcs8(k, { passphrase: pw, iterations: 1000 }), k, pw);
    add(`pkcs8-pbkdf2-der-${kn}`, 'pkcs8', writePkcs8(k, { passphrase: pw, iterations: 1000, der: true }), k, pw);
    add(`openssh-${kn}`, 'openssh', await writeOpenSshPrivate(k, { comment: `c-${kn}`, rounds: 1 }), k);
    add(`openssh-aes256ctr-${kn}`, 'openssh', await writeOpenSshPrivate(k, { comment: `c-${kn}`, passphrase: pw, rounds: 1 }), k, pw);
    add(`ppk2-${kn}`, 'ppk', await writePpk(k, { ppkVersion: 2, comment: `c-${kn}` }), k);
    add(`ppk2-enc-${kn}`, 'ppk', await writePpk(k, { ppkVersion: 2, comment: `c-${kn}`, passphrase: pw }), k, pw);
    add(`ppk3-${kn}`, 'ppk', await writePpk(k, { ppkVersion: 3, comment: `c-${kn}` }), k);
    add(`ppk3-enc-${kn}`, 'ppk', await writePpk(k, { ppkVersion: 3, comment: `c-${kn}`, passphrase: pw, argon2: { memoryKiB: 64, passes: 1 } }), k, pw);
    add(`openssh-line-${kn}`, 'public', writeOpenSshLine(k, `c-${kn}`) + '\n', k);
    add(`rfc4716-${kn}`, 'public', writeRfc4716(k, `c-${kn}`), k);
    add(`spki-pem-${kn}`, 'public', writeSpkiPem(k), k);
    add(`spki-der-${kn}`, 'public', spkiDerOf(k), k);
    add(`spki-base64-${kn}`, 'public', spkiDerOf(k).toString('base64'), k);
  }
  add('pkcs1-rsa2048', 'pkcs1', writePkcs1(rsa2048 as Extract<PrivateKey, { type: 'rsa' }>), rsa2048);
  add('ppk3-rsa2048', 'ppk', await writePpk(rsa2048, { comment: 'c' }), rsa2048);

  // What Windows makes of text files, as seeds of their own: mutations then hit the decoding too.
  for (const s of seeds.filter((x) => ['pkcs1-rsa1024', 'openssh-ed25519', 'ppk3-rsa1024', 'rfc4716-ed25519', 'pkcs8-pbkdf2-rsa1024'].includes(x.name))) {
    const text = s.bytes.toString('latin1');
    seeds.push({ ...s, name: `${s.name}-utf16le-crlf`, bytes: applyTextVariant(text, { eol: 'crlf', encoding: 'utf16le-bom', lead: '', trail: '', mix: 0 }) });
    seeds.push({ ...s, name: `${s.name}-utf8bom-cr`, bytes: applyTextVariant(text, { eol: 'cr', encoding: 'utf8-bom', lead: '', trail: '', mix: 0 }) });
  }

  if (opts.tools) toolSeeds(seeds, rsa1024, ed);
  if (opts.corpus) corpusSeeds(seeds);
  return { seeds, keys };
}

function publicOfAny(k: PrivateKey | PublicKey): PublicKey {
  return k.type === 'rsa' ? { type: 'rsa', n: k.n, e: k.e } : { type: 'ed25519', pub: Buffer.from(k.pub) };
}

/** Seeds other tools write: the encryption schemes our writers never produce. */
function toolSeeds(seeds: Seed[], rsa: PrivateKey, ed: PrivateKey): void {
  const dir = tmpDir('ec2keys-fuzz-seeds-');
  const pw = SEED_PASSPHRASE;
  try {
    const rsaFile = path.join(dir, 'rsa.pem');
    const edFile = path.join(dir, 'ed.pem');
    fs.writeFileSync(rsaFile, writePkcs8(rsa), { mode: 0o600 });
    fs.writeFileSync(edFile, writePkcs8(ed), { mode: 0o600 });
    const jobs: [string, Family, string[], PrivateKey][] = [
      ['openssl-pkcs1-des3', 'pkcs1', ['rsa', '-in', rsaFile, '-traditional', '-des3', '-passout', `pass:${pw}`], rsa],
      ['openssl-pkcs1-aes128', 'pkcs1', ['rsa', '-in', rsaFile, '-traditional', '-aes128', '-passout', `pass:${pw}`], rsa],
      ['openssl-pkcs8-pbkdf2-sha1-des3', 'pkcs8', ['pkcs8', '-topk8', '-in', rsaFile, '-v2', 'des3', '-v2prf', 'hmacWithSHA1', '-iter', '1000', '-passout', `pass:${pw}`], rsa],
      ['openssl-pkcs8-scrypt', 'pkcs8', ['pkcs8', '-topk8', '-in', rsaFile, '-scrypt', '-scrypt_N', '1024', '-scrypt_r', '8', '-scrypt_p', '1', '-passout', `pass:${pw}`], rsa],
      ['openssl-pkcs8-scrypt-ed25519', 'pkcs8', ['pkcs8', '-topk8', '-in', edFile, '-scrypt', '-scrypt_N', '1024', '-scrypt_r', '8', '-scrypt_p', '1', '-passout', `pass:${pw}`], ed],
      ['openssl-pkcs8-pkcs12-3des', 'pkcs8', ['pkcs8', '-topk8', '-in', rsaFile, '-v1', 'PBE-SHA1-3DES', '-iter', '64', '-passout', `pass:${pw}`], rsa],
    ];
    for (const [name, family, args, key] of jobs) {
      const out = path.join(dir, name);
      execFileSync('openssl', [...args, '-out', out], { stdio: 'ignore' });
      seeds.push({ name, family, bytes: fs.readFileSync(out), passphrase: pw, encrypted: true, loads: true, key: publicOfAny(key) });
    }
    // OpenSSH's other ciphers (AEAD included), one bcrypt round.
    for (const cipher of ['chacha20-poly1305@openssh.com', 'aes256-gcm@openssh.com', 'aes128-cbc']) {
      const f = path.join(dir, `ssh-${cipher}`);
      fs.writeFileSync(f, writePkcs1(rsa as Extract<PrivateKey, { type: 'rsa' }>), { mode: 0o600 });
      execFileSync('ssh-keygen', ['-p', '-q', '-f', f, '-P', '', '-N', pw, '-Z', cipher, '-a', '1'], { stdio: 'ignore' });
      seeds.push({ name: `ssh-keygen-${cipher}`, family: 'openssh', bytes: fs.readFileSync(f), passphrase: pw, encrypted: true, loads: true, key: publicOfAny(rsa) });
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

interface CorpusEntry {
  file: string;
  kind: string;
  format: string;
  passphrase: string | null;
  expect: 'ok' | 'reject';
}

function corpusSeeds(seeds: Seed[]): void {
  let entries: CorpusEntry[];
  try {
    entries = JSON.parse(fs.readFileSync(path.join(CORPUS, 'manifest.json'), 'utf8')).files;
  } catch {
    return; // the corpus is optional for the fuzz suites
  }
  for (const e of entries) {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(path.join(CORPUS, e.file));
    } catch {
      continue;
    }
    const f = e.format;
    const family: Family = f.startsWith('pkcs1') ? 'pkcs1' : f.startsWith('pkcs8') ? 'pkcs8' : f.startsWith('openssh-public') || f.startsWith('rfc4716') || f.startsWith('spki') || f.startsWith('der-public')
      ? 'public' : f.startsWith('openssh') ? 'openssh' : f.startsWith('ppk') ? 'ppk' : 'other';
    seeds.push({
      name: `corpus:${e.file}`, family, bytes, passphrase: e.passphrase ?? undefined, encrypted: e.passphrase != null,
      loads: false, // not asserted: expectations of the corpus are the format suites' business
    });
  }
}

// ------------------------------------------------------------------ containers (structure-aware edits)

type BodyKind = 'ssh' | 'der' | 'raw';

interface Container {
  kind: 'pem' | 'ppk-pub' | 'ppk-priv' | 'rfc4716' | 'line' | 'der' | 'b64der';
  body: Buffer;
  bodyKind: BodyKind;
  /** Rebuild the file around a new body; `remac` re-computes an unencrypted PPK's MAC. */
  join(body: Buffer, remac: boolean): Buffer;
}

const b64lines = (b: Buffer, width: number) => (b.toString('base64').match(new RegExp(`.{1,${width}}`, 'g')) ?? []);

/** The decoded binary inside a file, and how to put a changed one back; undefined for other shapes. */
export function containers(bytes: Buffer, pick: number): Container | undefined {
  const text = bytes.toString('latin1');
  if (bytes.length > 0 && bytes[0] === 0x30 && /[^\x09\x0a\x0d\x20-\x7e]/.test(text.slice(0, 64))) {
    return { kind: 'der', body: bytes, bodyKind: 'der', join: (b) => b };
  }
  const pem = /^([\s\S]*?-----BEGIN ([A-Z0-9 ]+)-----\r?\n)((?:[A-Za-z-]+:[^\n]*\n)*\r?\n?)([A-Za-z0-9+/=\r\n]*?)(\r?\n?-----END [A-Z0-9 ]+-----[\s\S]*)$/.exec(text);
  if (pem) {
    const [, head, label, headers, b64, tail] = pem;
    const body = Buffer.from(b64.replace(/\s+/g, ''), 'base64');
    const bodyKind: BodyKind = headers.includes('ENCRYPTED') ? 'raw' : label === 'OPENSSH PRIVATE KEY' ? 'ssh' : 'der';
    const width = label === 'OPENSSH PRIVATE KEY' ? 70 : 64;
    return { kind: 'pem', body, bodyKind, join: (b) => Buffer.from(head + headers + b64lines(b, width).join('\n') + (tail.startsWith('\n') ? '' : '\n') + tail, 'latin1') };
  }
  if (text.startsWith('PuTTY-User-Key-File-')) return ppkContainer(text, pick);
  if (text.startsWith('---- BEGIN SSH2 PUBLIC KEY ----')) {
    const lines = text.split('\n');
    const end = lines.findIndex((l) => l.startsWith('---- END SSH2'));
    let i = 1;
    while (i < end && (/^[A-Za-z-]+:/.test(lines[i]) || lines[i - 1].endsWith('\\'))) i++;
    if (end < 0) return undefined;
    const body = Buffer.from(lines.slice(i, end).join(''), 'base64');
    return { kind: 'rfc4716', body, bodyKind: 'ssh', join: (b) => Buffer.from([...lines.slice(0, i), ...b64lines(b, 70), ...lines.slice(end)].join('\n'), 'latin1') };
  }
  const line = /^(\S+) (AAAA[A-Za-z0-9+/=]+)(.*)$/s.exec(text);
  if (line) {
    return { kind: 'line', body: Buffer.from(line[2], 'base64'), bodyKind: 'ssh', join: (b) => Buffer.from(`${line[1]} ${b.toString('base64')}${line[3]}`, 'latin1') };
  }
  if (/^[A-Za-z0-9+/=\s]+$/.test(text) && text.trim().length >= 16) {
    return { kind: 'b64der', body: Buffer.from(text.replace(/\s+/g, ''), 'base64'), bodyKind: 'der', join: (b) => Buffer.from(b.toString('base64'), 'latin1') };
  }
  return undefined;
}

function ppkContainer(text: string, pick: number): Container | undefined {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const block = (name: string) => {
    const i = lines.findIndex((l) => l.startsWith(`${name}: `));
    if (i < 0) return undefined;
    const n = Number(lines[i].slice(name.length + 2));
    if (!Number.isInteger(n) || n < 0 || i + 1 + n > lines.length) return undefined;
    return { i, n, body: Buffer.from(lines.slice(i + 1, i + 1 + n).join(''), 'base64') };
  };
  const pub = block('Public-Lines');
  const priv = block('Private-Lines');
  if (!pub || !priv) return undefined;
  const which = pick % 2 === 0 ? pub : priv;
  const field = (name: string) => lines.find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2) ?? '';
  return {
    kind: which === pub ? 'ppk-pub' : 'ppk-priv',
    body: which.body,
    bodyKind: field('Encryption') === 'none' || which === pub ? 'ssh' : 'raw',
    join: (b, remac) => {
      const out = [...lines];
      const newLines = b64lines(b, 64);
      out.splice(which.i, which.n + 1, `${which === pub ? 'Public' : 'Private'}-Lines: ${newLines.length}`, ...newLines);
      if (remac && field('Encryption') === 'none') {
        const version = text.startsWith('PuTTY-User-Key-File-2') ? 2 : 3;
        const pubBlob = which === pub ? b : pub.body;
        const privBlob = which === priv ? b : priv.body;
        const alg = /^PuTTY-User-Key-File-\d+: (.*)$/.exec(lines[0])?.[1] ?? '';
        const h = version === 2 ? createHmac('sha1', PPK_V2_MAC_KEY) : createHmac('sha256', Buffer.alloc(0));
        for (const part of [Buffer.from(alg), Buffer.from('none'), Buffer.from(field('Comment'), 'utf8'), pubBlob, privBlob]) {
          const len = Buffer.alloc(4);
          len.writeUInt32BE(part.length);
          h.update(len).update(part);
        }
        const m = out.findIndex((l) => l.startsWith('Private-MAC: '));
        if (m >= 0) out[m] = `Private-MAC: ${h.digest('hex')}`;
      }
      return Buffer.from(out.join('\n'), 'latin1');
    },
  };
}

/** Offsets of plausible SSH-wire uint32 length prefixes (value fits in what follows). */
export function sshLengthOffsets(b: Buffer): number[] {
  const out: number[] = [];
  for (let i = 0; i + 4 <= b.length; i++) {
    const v = b.readUInt32BE(i);
    if (v > 0 && v <= b.length - i - 4 && v < 1 << 20) out.push(i);
  }
  return out;
}

/** DER length fields (offset and size), recursing into constructed types and DER wrapped in OCTET/BIT STRINGs. */
export function derLengthFields(buf: Buffer, base = 0, depth = 0, out: { off: number; size: number; value: number }[] = []) {
  let p = 0;
  while (p + 2 <= buf.length && depth < 10) {
    const tag = buf[p];
    let len = buf[p + 1];
    let q = p + 2;
    let size = 1;
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n === 0 || n > 4 || q + n > buf.length) break;
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + buf[q + i];
      q += n;
      size = 1 + n;
    }
    if (q + len > buf.length) break;
    out.push({ off: base + p + 1, size, value: len });
    if (tag & 0x20) derLengthFields(buf.subarray(q, q + len), base + q, depth + 1, out);
    else if (tag === 0x04 || tag === 0x03) {
      const inner = tag === 0x03 ? q + 1 : q;
      if (inner < q + len && buf[inner] === 0x30) derLengthFields(buf.subarray(inner, q + len), base + inner, depth + 1, out);
    }
    p = q + len;
  }
  return out;
}

// ------------------------------------------------------------------ mutations

const at = fc.nat();
const HEADER_VALUES = [
  '', ' ', '0', '1', '-1', '7', '8', '4294967295', '4294967296', '99999999999999999999', '0x10', '+5', ' 5', '5 ', '1e3',
  'none', 'aes256-cbc', 'aes128-cbc', 'aes256-ctr', 'Argon2id', 'Argon2i', 'Argon2d', 'Argon2x', 'argon2id', 'ssh-rsa',
  'ssh-ed25519', 'ssh-dss', 'ecdsa-sha2-nistp256', 'ssh-ed448', 'rsa-sha2-256', '4,ENCRYPTED', '4,ENCRYPTED,extra',
  'AES-256-CBC,00', 'AES-256-CBC,' + '0'.repeat(32), 'AES-128-CBC,' + 'Z'.repeat(32), 'DES-EDE3-CBC,0011223344556677',
  'DES-CBC,0011223344556677', 'RC2-CBC,0011223344556677', 'BF-CBC,0011223344556677', 'AES-256-CBC', ',', '5461', '5462',
  '100000', '1048576', '1048577', '16', '17', '1000', '1001', 'ab', 'zz', '00'.repeat(8), '00'.repeat(65), 'x'.repeat(300),
];
const headerValue = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HEADER_VALUES) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.bigInt({ min: 0n, max: 2n ** 70n }).map(String) },
);
const headerName = fc.constantFrom(
  'Encryption', 'Comment', 'Public-Lines', 'Private-Lines', 'Private-MAC', 'Key-Derivation', 'Argon2-Memory', 'Argon2-Passes',
  'Argon2-Parallelism', 'Argon2-Salt', 'Proc-Type', 'DEK-Info', 'Subject', 'x-unknown', 'PuTTY-User-Key-File-3', 'PuTTY-User-Key-File-1',
);
const badB64 = fc.constantFrom('*', '-', '_', '=', '==', '!', 'é', '\0', ' ', '\t', '.', '\u00ff', '\r', '\\', '%');
const LENGTH_VALUES = [0, 1, 0x7f, 0x80, 0xffff, 0x7fffffff, 0x80000000, 0xfffffff0, 0xffffffff, 'minus1', 'plus1', 'double', 'all'] as const;
const DER_LENGTHS = ['84ffffffff', '847fffffff', '88ffffffffffffffff', '85ffffffffff', '80', '81ff', '8100', '820000', '00', 'plus1', 'minus1', 'long-form'] as const;

export const bodyOp = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at, bit: fc.nat(7) }),
  fc.record({ op: fc.constant('truncate' as const), at }),
  fc.record({ op: fc.constant('insert' as const), at, bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ op: fc.constant('delete' as const), at, len: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ op: fc.constant('splice' as const), at, from: at, len: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ op: fc.constant('sshLen' as const), which: at, value: fc.constantFrom(...LENGTH_VALUES) }),
  fc.record({ op: fc.constant('derLen' as const), which: at, value: fc.constantFrom(...DER_LENGTHS) }),
);
export type BodyOp = typeof bodyOp extends fc.Arbitrary<infer T> ? T : never;

export const mutation = fc.oneof(
  // bytes
  { weight: 3, arbitrary: fc.record({ m: fc.constant('flip' as const), at, bit: fc.nat(7) }) },
  { weight: 1, arbitrary: fc.record({ m: fc.constant('byte' as const), at, value: fc.nat(255) }) },
  { weight: 2, arbitrary: fc.record({ m: fc.constant('truncate' as const), at }) },
  { weight: 1, arbitrary: fc.record({ m: fc.constant('insert' as const), at, bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }) },
  { weight: 1, arbitrary: fc.record({ m: fc.constant('delete' as const), at, len: fc.integer({ min: 1, max: 80 }) }) },
  // lines
  { weight: 2, arbitrary: fc.record({ m: fc.constant('truncateLine' as const), line: at, where: fc.constantFrom('before-eol', 'after-eol', 'mid', 'start') }) },
  { weight: 1, arbitrary: fc.record({ m: fc.constant('dupLine' as const), line: at }) },
  { weight: 1, arbitrary: fc.record({ m: fc.constant('delLine' as const), line: at }) },
  { weight: 1, arbitrary: fc.record({ m: fc.constant('swapLines' as const), a: at, b: at }) },
  { weight: 2, arbitrary: fc.record({ m: fc.constant('editHeader' as const), line: at, value: headerValue }) },
  { weight: 1, arbitrary: fc.record({ m: fc.constant('renameHeader' as const), line: at, name: headerName, sep: fc.constantFrom(': ', ':', ':  ', ' : ', '=') }) },
  { weight: 1, arbitrary: fc.record({ m: fc.constant('insertLine' as const), line: at, name: headerName, value: headerValue }) },
  { weight: 1, arbitrary: fc.record({ m: fc.constant('blankLine' as const), line: at }) },
  // base64
  { weight: 2, arbitrary: fc.record({ m: fc.constant('badBase64' as const), at, ch: badB64, replace: fc.boolean() }) },
  // inside the container
  { weight: 6, arbitrary: fc.record({ m: fc.constant('body' as const), pick: fc.nat(), op: bodyOp, remac: fc.boolean() }) },
);
export type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function applyBody(b: Buffer, op: BodyOp, kind: BodyKind): Buffer {
  const n = b.length;
  const pos = (x: number) => (n === 0 ? 0 : x % (n + 1));
  switch (op.op) {
    case 'flip': {
      if (n === 0) return b;
      const c = Buffer.from(b);
      c[op.at % n] ^= 1 << op.bit;
      return c;
    }
    case 'truncate':
      return b.subarray(0, pos(op.at));
    case 'insert':
      return Buffer.concat([b.subarray(0, pos(op.at)), Buffer.from(op.bytes), b.subarray(pos(op.at))]);
    case 'delete':
      return Buffer.concat([b.subarray(0, pos(op.at)), b.subarray(Math.min(n, pos(op.at) + op.len))]);
    case 'splice': {
      const from = pos(op.from);
      return Buffer.concat([b.subarray(0, pos(op.at)), b.subarray(from, from + op.len), b.subarray(pos(op.at))]);
    }
    case 'sshLen': {
      const offs = kind === 'der' ? [] : sshLengthOffsets(b);
      if (offs.length === 0) return b;
      const o = offs[op.which % offs.length];
      const v = b.readUInt32BE(o);
      const rest = n - o - 4;
      const nv = typeof op.value === 'number' ? op.value : op.value === 'minus1' ? v - 1 : op.value === 'plus1' ? v + 1 : op.value === 'double' ? v * 2 : rest + 1;
      const c = Buffer.from(b);
      c.writeUInt32BE(nv >>> 0, o);
      return c;
    }
    case 'derLen': {
      const fields = kind === 'der' ? derLengthFields(b) : [];
      if (fields.length === 0) return b;
      const f = fields[op.which % fields.length];
      let enc: Buffer;
      if (op.value === 'plus1' || op.value === 'minus1' || op.value === 'long-form') {
        const v = Math.max(0, f.value + (op.value === 'plus1' ? 1 : op.value === 'minus1' ? -1 : 0));
        enc = v < 0x80 && op.value !== 'long-form' ? Buffer.from([v]) : Buffer.from([0x84, v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff]);
      } else enc = Buffer.from(op.value, 'hex');
      return Buffer.concat([b.subarray(0, f.off), enc, b.subarray(f.off + f.size)]);
    }
  }
}

/** Apply one mutation to a file; line edits work on latin1 text so every byte survives. */
export function applyMutation(bytes: Buffer, m: Mutation): Buffer {
  const n = bytes.length;
  const pos = (x: number) => (n === 0 ? 0 : x % (n + 1));
  const text = () => bytes.toString('latin1');
  const lines = () => text().split('\n');
  const fromLines = (ls: string[]) => Buffer.from(ls.join('\n'), 'latin1');
  switch (m.m) {
    case 'flip': {
      if (n === 0) return bytes;
      const c = Buffer.from(bytes);
      c[m.at % n] ^= 1 << m.bit;
      return c;
    }
    case 'byte': {
      if (n === 0) return bytes;
      const c = Buffer.from(bytes);
      c[m.at % n] = m.value;
      return c;
    }
    case 'truncate':
      return bytes.subarray(0, pos(m.at));
    case 'insert':
      return Buffer.concat([bytes.subarray(0, pos(m.at)), Buffer.from(m.bytes), bytes.subarray(pos(m.at))]);
    case 'delete':
      return Buffer.concat([bytes.subarray(0, pos(m.at)), bytes.subarray(Math.min(n, pos(m.at) + m.len))]);
    case 'truncateLine': {
      // Boundary classes: just before a line's EOL, just after it, inside the line, at its start.
      const ls = lines();
      const i = m.line % ls.length;
      const start = ls.slice(0, i).reduce((s, l) => s + l.length + 1, 0);
      const cut = m.where === 'start' ? start : m.where === 'before-eol' ? start + ls[i].length : m.where === 'after-eol' ? start + ls[i].length + 1 : start + (ls[i].length >> 1);
      return bytes.subarray(0, Math.min(n, cut));
    }
    case 'dupLine': {
      const ls = lines();
      const i = m.line % ls.length;
      ls.splice(i, 0, ls[i]);
      return fromLines(ls);
    }
    case 'delLine': {
      const ls = lines();
      ls.splice(m.line % ls.length, 1);
      return fromLines(ls);
    }
    case 'swapLines': {
      const ls = lines();
      const a = m.a % ls.length;
      const b = m.b % ls.length;
      [ls[a], ls[b]] = [ls[b], ls[a]];
      return fromLines(ls);
    }
    case 'editHeader': {
      // The n-th "Name: value" line (PPK fields, PEM headers, RFC 4716 headers) gets a new value.
      const ls = lines();
      const idx = ls.map((l, i) => (/^[A-Za-z][A-Za-z0-9-]*: ?/.test(l) ? i : -1)).filter((i) => i >= 0);
      if (idx.length === 0) return bytes;
      const i = idx[m.line % idx.length];
      ls[i] = ls[i].replace(/^([A-Za-z][A-Za-z0-9-]*: ?).*$/, (_, k) => k + Buffer.from(m.value, 'utf8').toString('latin1'));
      return fromLines(ls);
    }
    case 'renameHeader': {
      const ls = lines();
      const idx = ls.map((l, i) => (/^[A-Za-z][A-Za-z0-9-]*: /.test(l) ? i : -1)).filter((i) => i >= 0);
      if (idx.length === 0) return bytes;
      const i = idx[m.line % idx.length];
      ls[i] = ls[i].replace(/^[A-Za-z][A-Za-z0-9-]*: /, m.name + m.sep);
      return fromLines(ls);
    }
    case 'insertLine': {
      const ls = lines();
      ls.splice(m.line % (ls.length + 1), 0, `${m.name}: ${Buffer.from(m.value, 'utf8').toString('latin1')}`);
      return fromLines(ls);
    }
    case 'blankLine': {
      const ls = lines();
      ls.splice(m.line % (ls.length + 1), 0, '');
      return fromLines(ls);
    }
    case 'badBase64': {
      // Somewhere in a base64-looking run, put a character that is not base64 (or drop one).
      const t = text();
      const spots: number[] = [];
      const re = /[A-Za-z0-9+/]{8,}/g;
      for (let r = re.exec(t); r; r = re.exec(t)) spots.push(r.index + ((m.at >> 3) % r[0].length));
      if (spots.length === 0) return bytes;
      const p = spots[m.at % spots.length];
      const ch = Buffer.from(m.ch, 'utf8').toString('latin1');
      return Buffer.from(t.slice(0, p) + ch + t.slice(p + (m.replace ? 1 : 0)), 'latin1');
    }
    case 'body': {
      const c = containers(bytes, m.pick);
      if (!c) return applyMutation(bytes, { m: 'flip', at: m.pick, bit: m.pick % 8 });
      return c.join(applyBody(c.body, m.op, c.bodyKind), m.remac);
    }
  }
}

export const mutations = fc.array(mutation, { minLength: 1, maxLength: 4 });

export function applyAll(bytes: Buffer, ms: Mutation[]): Buffer {
  let b = bytes;
  for (const m of ms) b = applyMutation(b, m);
  return b;
}

// ------------------------------------------------------------------ text variants that must still load

export type Eol = 'lf' | 'crlf' | 'cr' | 'mixed';
export type Encoding = 'utf8' | 'utf8-bom' | 'utf16le-bom' | 'utf16be-bom' | 'utf16le';
export interface TextVariant {
  eol: Eol;
  encoding: Encoding;
  lead: string;
  trail: string;
  /** For `mixed`: which lines get CRLF. */
  mix: number;
}

export const EOLS: Eol[] = ['lf', 'crlf', 'cr', 'mixed'];
export const ENCODINGS: Encoding[] = ['utf8', 'utf8-bom', 'utf16le-bom', 'utf16be-bom', 'utf16le'];
const ws = fc.string({ unit: fc.constantFrom(' ', '\t', '\n', '\r\n'), maxLength: 4 });
export const textVariant: fc.Arbitrary<TextVariant> = fc.record({
  eol: fc.constantFrom(...EOLS), encoding: fc.constantFrom(...ENCODINGS), lead: ws, trail: ws, mix: fc.nat(),
});

/** What Windows editors and PowerShell 5.1 make of a text key file. */
export function applyTextVariant(text: string, v: TextVariant): Buffer {
  const lines = text.replace(/\r\n?/g, '\n').replace(/\n$/, '').split('\n');
  let eolText: string;
  if (v.eol === 'mixed') eolText = lines.map((l, i) => l + (((v.mix >> (i % 30)) & 1) ? '\r\n' : '\n')).join('');
  else eolText = lines.join(v.eol === 'crlf' ? '\r\n' : v.eol === 'cr' ? '\r' : '\n') + (v.eol === 'crlf' ? '\r\n' : v.eol === 'cr' ? '\r' : '\n');
  // A UTF-16 file without a BOM is only recognisable when it starts with ASCII (no leading whitespace then).
  const s = v.encoding === 'utf16le' ? eolText + v.trail : v.lead + eolText + v.trail;
  switch (v.encoding) {
    case 'utf8':
      return Buffer.from(s, 'utf8');
    case 'utf8-bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(s, 'utf8')]);
    case 'utf16le-bom':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]);
    case 'utf16be-bom':
      return Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(s, 'utf16le').swap16()]);
    case 'utf16le':
      return Buffer.from(s, 'utf16le');
  }
}

/** Is this seed text (so text variants apply)? DER seeds are binary. */
export function isTextSeed(s: Seed): boolean {
  return !/[^\x09\x0a\x0d\x20-\x7e]/.test(s.bytes.toString('latin1'));
}
