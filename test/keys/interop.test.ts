// The interop matrix of the key engine (issue #3 §6): for fresh RSA-2048, RSA-4096 and Ed25519
// keys, every private format we write (PKCS#1 PEM, PKCS#8, OpenSSH, PPK v2, PPK v3), plain and
// encrypted with a passphrase full of punctuation and non-ASCII characters:
//   1. ours → ours, every ordered pair of formats: the key read back is the same key, field by field;
//   2. ours → oracle: what we write loads in every real tool that reads that format (openssl for
//      PKCS#1/PKCS#8, ssh-keygen -y for OpenSSH/PKCS#1/PKCS#8, puttygen --dump/-L for PPK, OpenSSH
//      and plain PKCS#1 — puttygen reads neither PKCS#8 nor AES-256 PKCS#1, ssh-keygen 9.2 no
//      Ed25519 PKCS#8) and the tool sees the same private key (openssl's DER re-export, puttygen's
//      component dump) or at least the same public key (ssh-keygen -y);
//   3. oracle → ours: what each tool writes in each format (conversions of the same key, and keys
//      the tools generate themselves) loads in ours as the same key.
// Per-format edge cases live in the format test files; this file only crosses formats and tools.
// Keys are generated once per run; oracle subprocesses run a few at a time.
import { spawn } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Codes, Ec2KeysError } from '../../src/errors.js';
import { readKey } from '../../src/keys/detect.js';
import { pkcs8Der, spkiDer } from '../../src/keys/fingerprint.js';
import { fromKeyObject, sameKey, type PrivateKey, type PublicKey } from '../../src/keys/model.js';
import { writeOpenSshPrivate } from '../../src/keys/openssh.js';
import { writePkcs1 } from '../../src/keys/pkcs1.js';
import { writePkcs8 } from '../../src/keys/pkcs8.js';
import { writePpk } from '../../src/keys/ppk.js';
import { parseOpenSshLine } from '../../src/keys/ssh-public.js';
import type { PrivateFormat, ReadPrivateResult } from '../../src/keys/types.js';
import { writePrivateKey } from '../../src/keys/write.js';
import { tmpDir } from '../helpers/tools.js';

/** Punctuation (shell and quoting specials included), Latin-1, a BMP symbol and an astral emoji. */
const PW = 'pä$$ wörd!"#%&\'()*+,-./:;<=>?@[\\]^_`{|}~€🔑';
const COMMENT = 'interop@ec2keys';

type Fmt = 'pkcs1' | 'pkcs8' | 'openssh' | 'ppk2' | 'ppk3';
const RSA_FMTS: Fmt[] = ['pkcs1', 'pkcs8', 'openssh', 'ppk2', 'ppk3'];
/** PKCS#1 is RSA-only (our `pem` of an Ed25519 key is the OpenSSH format, covered by `openssh`). */
const ED_FMTS: Fmt[] = ['pkcs8', 'openssh', 'ppk2', 'ppk3'];
const KEY_NAMES = ['rsa2048', 'rsa4096', 'ed25519'] as const;
type KeyName = (typeof KEY_NAMES)[number];

interface TestKey {
  key: PrivateKey;
  /** PKCS#8 PEM as `openssl genpkey` wrote it. */
  orig: string;
  /** A file ssh-keygen and puttygen read, not written by us: PKCS#1 from `openssl pkey -traditional`
   *  (RSA) or the OpenSSH format from python `cryptography` (Ed25519). */
  toolInput: string;
}

const fmtsOf = (k: PrivateKey) => (k.type === 'rsa' ? RSA_FMTS : ED_FMTS);
let DIR = '';
let PWFILE = '';
const KEYS = {} as Record<KeyName, TestKey>;

// ------------------------------------------------------------------ subprocesses

interface Out {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** At most this many oracle processes at once (2 cores, shared machine). */
const MAX_CHILDREN = 4;
let running = 0;
const waiting: (() => void)[] = [];

async function run(cmd: string, args: string[], input?: string | Buffer): Promise<Out> {
  if (running >= MAX_CHILDREN) await new Promise<void>((r) => waiting.push(r));
  running++;
  try {
    return await new Promise<Out>((resolve, reject) => {
      const c = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      c.stdout.on('data', (d) => out.push(d));
      c.stderr.on('data', (d) => err.push(d));
      c.on('error', reject);
      c.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') }));
      c.stdin.on('error', () => {});
      c.stdin.end(input ?? '');
    });
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** Run and insist on success; the failure message names the command and its stderr. */
async function ok(cmd: string, args: string[], input?: string | Buffer): Promise<Buffer> {
  const r = await run(cmd, args, input);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
  return r.stdout;
}

/** Like Promise.all, but waits for every check, so none rejects unobserved after the test ended. */
async function settleAll(ps: Promise<unknown>[]): Promise<void> {
  const rs = await Promise.allSettled(ps);
  const bad = rs.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (bad) throw bad.reason;
}

let seq = 0;
/** A private key file, owner-only (ssh-keygen refuses anything wider). */
function keyFile(name: string, data: string | Buffer): string {
  const f = path.join(DIR, `${++seq}-${name}`);
  fs.writeFileSync(f, data, { mode: 0o600 });
  return f;
}
const newFile = (name: string) => path.join(DIR, `${++seq}-${name}`);

// ------------------------------------------------------------------ our side

const pass = (pw: string | undefined) => ({ passphrase: { get: async () => pw } });

async function readOurs(data: string | Buffer, pw?: string): Promise<ReadPrivateResult> {
  const r = await readKey(Buffer.from(data), pass(pw));
  if (r.kind !== 'private') throw new Error(`expected a private key, read a ${r.format} public key`);
  return r;
}

/**
 * Our writer. `cheap` (the encrypted pair matrix only): the same formats and ciphers with the
 * least KDF work each format allows, so 40 encrypted round trips stay fast; the oracle tests use
 * the production writer and its real parameters.
 */
async function writeOurs(key: PrivateKey, fmt: Fmt, pw?: string, cheap = false): Promise<string> {
  if (cheap && pw) {
    switch (fmt) {
      case 'pkcs1':
        if (key.type !== 'rsa') throw new Error('PKCS#1 is RSA only');
        return writePkcs1(key, { passphrase: pw });
      case 'pkcs8':
        return writePkcs8(key, { passphrase: pw, iterations: 2048 });
      case 'openssh':
        return writeOpenSshPrivate(key, { passphrase: pw, comment: COMMENT, rounds: 1 });
      case 'ppk2':
        return writePpk(key, { passphrase: pw, comment: COMMENT, ppkVersion: 2 });
      case 'ppk3':
        return writePpk(key, { passphrase: pw, comment: COMMENT, ppkVersion: 3, argon2: { memoryKiB: 64, passes: 1 } });
    }
  }
  const format = fmt === 'pkcs1' ? 'pem' : fmt === 'ppk2' || fmt === 'ppk3' ? 'ppk' : fmt;
  return writePrivateKey(key, format, { passphrase: pw, comment: COMMENT, ppkVersion: fmt === 'ppk2' ? 2 : 3 });
}

const readFormat: Record<Fmt, PrivateFormat> = { pkcs1: 'pkcs1', pkcs8: 'pkcs8', openssh: 'openssh', ppk2: 'ppk2', ppk3: 'ppk3' };
const carriesComment = (f: Fmt) => f === 'openssh' || f === 'ppk2' || f === 'ppk3';

/** The whole key, every field (bigint CRT values, Ed25519 seed and public key). */
function expectSameKey(got: PrivateKey, want: PrivateKey, ctx: string): void {
  expect(got.type, ctx).toBe(want.type);
  if (want.type === 'rsa' && got.type === 'rsa') {
    for (const f of ['n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi'] as const) expect(got[f] === want[f], `${ctx}: RSA ${f}`).toBe(true);
  } else if (want.type === 'ed25519' && got.type === 'ed25519') {
    expect(got.seed.equals(want.seed), `${ctx}: Ed25519 seed`).toBe(true);
    expect(got.pub.equals(want.pub), `${ctx}: Ed25519 public key`).toBe(true);
  }
}

function expectSamePublic(got: PublicKey | PrivateKey, want: PrivateKey, ctx: string): void {
  expect(sameKey(got, want), `${ctx}: public key differs`).toBe(true);
}

/** Is the text what the format looks like when encrypted (so "encrypted" is not just a flag)? */
function looksEncrypted(text: string, fmt: Fmt): boolean {
  switch (fmt) {
    case 'pkcs1':
      return /Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,[0-9A-F]{32}\n/.test(text);
    case 'pkcs8':
      return text.startsWith('-----BEGIN ENCRYPTED PRIVATE KEY-----');
    case 'openssh':
      return Buffer.from(text.split('\n').slice(1, -2).join(''), 'base64').includes('aes256-ctr');
    case 'ppk2':
    case 'ppk3':
      return text.includes('\nEncryption: aes256-cbc\n');
  }
}

// ------------------------------------------------------------------ oracle readers

/** puttygen --dump: key_type, public/private numbers as 0x hex. */
function parseDump(s: string): Record<string, string> {
  const m: Record<string, string> = {};
  for (const line of s.trim().split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) m[line.slice(0, i)] = line.slice(i + 1).replace(/^"|"$/g, '');
  }
  return m;
}

/** RFC 8032 encoding of an Edwards point: y little-endian, the sign of x in the top bit. */
function ed25519PointEncoding(x: bigint, y: bigint): Buffer {
  const b = Buffer.from(y.toString(16).padStart(64, '0'), 'hex').reverse();
  if (x & 1n) b[31] |= 0x80;
  return b;
}

function expectDumpIsKey(dump: string, key: PrivateKey, ctx: string): void {
  const m = parseDump(dump);
  if (key.type === 'rsa') {
    expect(m.key_type, ctx).toBe('RSA');
    expect(BigInt(m.public_modulus) === key.n, `${ctx}: n`).toBe(true);
    expect(BigInt(m.public_exponent) === key.e, `${ctx}: e`).toBe(true);
    // d may be reduced differently by different tools; it must act as the same exponent.
    const d = BigInt(m.private_exponent);
    expect(d % (key.p - 1n) === key.dp && d % (key.q - 1n) === key.dq, `${ctx}: d`).toBe(true);
    const primes = [BigInt(m.private_p), BigInt(m.private_q)].sort((a, b) => (a > b ? -1 : 1));
    expect(primes[0] === key.p && primes[1] === key.q, `${ctx}: p, q`).toBe(true);
  } else {
    expect(m.key_type, ctx).toBe('EdDSA');
    expect(m.curve_name, ctx).toBe('Ed25519');
    // PuTTY shows the 32-byte secret as a little-endian number.
    expect(BigInt(m.private_exponent) === BigInt('0x' + Buffer.from(key.seed).reverse().toString('hex')), `${ctx}: seed`).toBe(true);
    const pub = ed25519PointEncoding(BigInt(m.public_affine_x), BigInt(m.public_affine_y));
    expect(pub.equals(key.pub), `${ctx}: public key`).toBe(true);
  }
}

const opensslPass = (enc: boolean) => (enc ? ['-passin', `file:${PWFILE}`] : ['-passin', 'pass:']);
const sshPass = (enc: boolean) => ['-P', enc ? PW : ''];
const puttyPass = (enc: boolean) => (enc ? ['--old-passphrase', PWFILE] : []);

// ------------------------------------------------------------------ setup

beforeAll(async () => {
  DIR = tmpDir('ec2keys-interop-');
  PWFILE = path.join(DIR, 'passphrase.txt');
  fs.writeFileSync(PWFILE, PW + '\n', { mode: 0o600 });
  const gen = async (name: KeyName) => {
    const file = newFile(`${name}.p8.pem`);
    const args = name === 'ed25519' ? ['-algorithm', 'ed25519'] : ['-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${name.slice(3)}`];
    await ok('openssl', ['genpkey', ...args, '-out', file]);
    fs.chmodSync(file, 0o600);
    const orig = fs.readFileSync(file, 'utf8');
    const key = fromKeyObject(createPrivateKey(orig));
    let toolInput: string;
    if (key.type === 'rsa') {
      toolInput = newFile(`${name}.pkcs1.pem`);
      await ok('openssl', ['pkey', '-in', file, '-traditional', '-out', toolInput]);
    } else {
      toolInput = keyFile(`${name}.openssh`, await ok('python3', ['-c', [
        'import sys',
        'from cryptography.hazmat.primitives import serialization as s',
        'k = s.load_pem_private_key(sys.stdin.buffer.read(), None)',
        'sys.stdout.buffer.write(k.private_bytes(s.Encoding.PEM, s.PrivateFormat.OpenSSH, s.NoEncryption()))',
      ].join('\n')], orig));
    }
    fs.chmodSync(toolInput, 0o600);
    KEYS[name] = { key, orig: file, toolInput };
  };
  await Promise.all(KEY_NAMES.map(gen));
}, 180_000);

// ------------------------------------------------------------------ 1. ours → ours, every pair

describe('ours → ours: every ordered pair of formats gives the same key', () => {
  const cases = KEY_NAMES.flatMap((k) => (['plain', 'encrypted'] as const).map((e) => [k, e] as const))
    // RSA-4096 crosses every pair in plain; its encrypted writes are covered below with the oracles.
    .filter(([k, e]) => !(k === 'rsa4096' && e === 'encrypted'));
  it.each(cases)('%s, %s', async (name, mode) => {
    const { key } = KEYS[name];
    const pw = mode === 'encrypted' ? PW : undefined;
    const fmts = fmtsOf(key);
    let pairs = 0;
    for (const a of fmts) {
      const textA = await writeOurs(key, a, pw, true);
      if (pw) expect(looksEncrypted(textA, a), `${a} written encrypted`).toBe(true);
      const rA = await readOurs(textA, pw);
      expect(rA.format, a).toBe(readFormat[a]);
      expect(rA.encrypted, a).toBe(Boolean(pw));
      expectSameKey(rA.key, key, `${a} → ours`);
      for (const b of fmts) {
        const textB = await writeOurs(rA.key, b, pw, true);
        const rB = await readOurs(textB, pw);
        const ctx = `${name} ${mode}: ${a} → ${b}`;
        expect(rB.format, ctx).toBe(readFormat[b]);
        expect(rB.encrypted, ctx).toBe(Boolean(pw));
        expectSameKey(rB.key, key, ctx);
        if (carriesComment(b)) expect(rB.comment, ctx).toBe(COMMENT);
        pairs++;
      }
    }
    expect(pairs).toBe(fmts.length ** 2);
  });

  it('a wrong passphrase is refused in every encrypted format, never a wrong key', async () => {
    for (const name of ['rsa2048', 'ed25519'] as const) {
      const { key } = KEYS[name];
      for (const f of fmtsOf(key)) {
        const text = await writeOurs(key, f, PW, true);
        let err: unknown;
        try {
          await readOurs(text, PW.slice(0, -2));
        } catch (e) {
          err = e;
        }
        expect(err, `${name} ${f}`).toBeInstanceOf(Ec2KeysError);
        expect((err as Ec2KeysError).code, `${name} ${f}`).toBe(Codes.BadPassphrase);
      }
    }
  });
});

// ------------------------------------------------------------------ 2. ours → oracles

// Concurrent: the oracles of one case run while our (synchronous) KDF writes the next file.
describe.concurrent('ours → oracles: our files load in openssl, ssh-keygen and puttygen as the same key', () => {
  const cases = KEY_NAMES.flatMap((k) => (k === 'ed25519' ? ED_FMTS : RSA_FMTS).flatMap((f) => [[k, f, 'plain'], [k, f, 'encrypted']] as const));

  it.each(cases)('%s as %s, %s', async (name, fmt, mode) => {
    const { key } = KEYS[name];
    const enc = mode === 'encrypted';
    const text = await writeOurs(key, fmt, enc ? PW : undefined);
    expect(looksEncrypted(text, fmt), `encryption of ${fmt}`).toBe(enc);
    const file = keyFile(`ours-${name}.${fmt}`, text);
    const checks: Promise<void>[] = [];
    let oracles = 0;

    if (fmt === 'pkcs1' || fmt === 'pkcs8') {
      oracles++;
      checks.push((async () => {
        // openssl re-exports exactly the private key it understood; it must be ours byte for byte.
        // (`openssl pkey -outform DER` would give PKCS#1 for RSA; pkcs8 -topk8 always PKCS#8.)
        const der = await ok('openssl', ['pkcs8', '-topk8', '-nocrypt', '-in', file, ...opensslPass(enc), '-outform', 'DER']);
        expect(der.equals(pkcs8Der(key)), 'openssl pkey sees another private key').toBe(true);
      })());
    }
    // ssh-keygen 9.2 reads RSA PKCS#1/PKCS#8 through OpenSSL, but no Ed25519 PKCS#8.
    if (fmt === 'openssh' || (key.type === 'rsa' && (fmt === 'pkcs1' || fmt === 'pkcs8'))) {
      oracles++;
      checks.push((async () => {
        const line = (await ok('ssh-keygen', ['-y', ...sshPass(enc), '-f', file])).toString('utf8').trim();
        const pub = parseOpenSshLine(line);
        expectSamePublic(pub.key, key, 'ssh-keygen -y');
        if (fmt === 'openssh') expect(pub.comment).toBe(COMMENT);
      })());
    }
    // puttygen reads PPK, OpenSSH and PKCS#1 — but not PKCS#8, nor PKCS#1 encrypted with AES-256
    // (it knows DES-EDE3-CBC and AES-128-CBC only), which is what we write.
    if (fmt === 'ppk2' || fmt === 'ppk3' || fmt === 'openssh' || (fmt === 'pkcs1' && !enc)) {
      oracles++;
      checks.push((async () => {
        const dump = (await ok('puttygen', [file, ...puttyPass(enc), '--dump'])).toString('utf8');
        expectDumpIsKey(dump, key, `puttygen --dump of our ${fmt}`);
        const line = (await ok('puttygen', [file, ...puttyPass(enc), '-L'])).toString('utf8').trim();
        const pub = parseOpenSshLine(line);
        expectSamePublic(pub.key, key, 'puttygen -L');
        if (fmt !== 'pkcs1') expect(pub.comment).toBe(COMMENT);
      })());
    }
    if (fmt === 'pkcs1' && enc) {
      // Documented limit of the oracle, asserted so the matrix notices if puttygen ever changes.
      const r = await run('puttygen', [file, '--old-passphrase', PWFILE, '-L']);
      expect(r.code).not.toBe(0);
    }
    await settleAll(checks);
    expect(oracles, 'every format has at least one oracle').toBeGreaterThan(0);
  });
});

// ------------------------------------------------------------------ 3. oracles → ours

interface Job {
  name: string;
  /** Produces the file; returns its path. */
  make: (k: TestKey) => Promise<string>;
  format: PrivateFormat;
  encrypted: boolean;
}

/** `ssh-keygen -p` rewrites a copy in place: -m PEM (PKCS#1), PKCS8, or the OpenSSH format (default). */
const sshKeygenRewrite = (m: 'PEM' | 'PKCS8' | 'openssh', enc: boolean) => async (k: TestKey) => {
  const f = keyFile(`ssh-keygen-${m}${enc ? '-enc' : ''}`, fs.readFileSync(k.toolInput));
  await ok('ssh-keygen', ['-p', '-q', '-f', f, '-P', '', '-N', enc ? PW : '', ...(m === 'openssh' ? [] : ['-m', m])]);
  return f;
};

const puttygenOut = (type: string, enc: boolean, version?: 2 | 3) => async (k: TestKey) => {
  const f = newFile(`puttygen-${type}${version ?? ''}${enc ? '-enc' : ''}`);
  // -P (change passphrase) so puttygen also rewrites a file already in the output format.
  const args = [k.toolInput, '-P', '-O', type, '-o', f];
  if (version) args.push('--ppk-param', `version=${version}`);
  // Without --new-passphrase puttygen would prompt; an empty file means "no passphrase".
  const np = enc ? PWFILE : newFile('empty-pass');
  if (!enc) fs.writeFileSync(np, '');
  args.push('--new-passphrase', np);
  await ok('puttygen', args);
  return f;
};

const openssl = (args: (k: TestKey) => string[]) => async (k: TestKey) => {
  const f = newFile('openssl-out');
  await ok('openssl', [...args(k), '-out', f]);
  return f;
};

const RSA_JOBS: Job[] = [
  { name: 'openssl pkey -traditional (PKCS#1)', make: openssl((k) => ['pkey', '-in', k.orig, '-traditional']), format: 'pkcs1', encrypted: false },
  { name: 'openssl rsa -aes256 (PKCS#1, AES-256-CBC)', make: openssl((k) => ['rsa', '-in', k.orig, '-traditional', '-aes256', '-passout', `file:${PWFILE}`]), format: 'pkcs1', encrypted: true },
  { name: 'openssl rsa -des3 (PKCS#1, DES-EDE3-CBC)', make: openssl((k) => ['rsa', '-in', k.orig, '-traditional', '-des3', '-passout', `file:${PWFILE}`]), format: 'pkcs1', encrypted: true },
  { name: 'openssl rsa -outform DER (PKCS#1 DER)', make: openssl((k) => ['rsa', '-in', k.orig, '-traditional', '-outform', 'DER']), format: 'pkcs1-der', encrypted: false },
  { name: 'openssl genpkey (PKCS#8)', make: async (k) => k.orig, format: 'pkcs8', encrypted: false },
  { name: 'openssl pkcs8 -v2 aes-256-cbc', make: openssl((k) => ['pkcs8', '-topk8', '-in', k.orig, '-v2', 'aes-256-cbc', '-passout', `file:${PWFILE}`]), format: 'pkcs8', encrypted: true },
  { name: 'openssl pkcs8 -v2 des3', make: openssl((k) => ['pkcs8', '-topk8', '-in', k.orig, '-v2', 'des3', '-passout', `file:${PWFILE}`]), format: 'pkcs8', encrypted: true },
  { name: 'openssl pkcs8 -topk8 -nocrypt -outform DER', make: openssl((k) => ['pkcs8', '-topk8', '-nocrypt', '-in', k.orig, '-outform', 'DER']), format: 'pkcs8-der', encrypted: false },
  { name: 'openssl pkcs8 -v2 aes-256-cbc -outform DER', make: openssl((k) => ['pkcs8', '-topk8', '-in', k.orig, '-v2', 'aes-256-cbc', '-outform', 'DER', '-passout', `file:${PWFILE}`]), format: 'pkcs8-der', encrypted: true },
  { name: 'ssh-keygen -p (OpenSSH)', make: sshKeygenRewrite('openssh', false), format: 'openssh', encrypted: false },
  { name: 'ssh-keygen -p -N (OpenSSH, aes256-ctr)', make: sshKeygenRewrite('openssh', true), format: 'openssh', encrypted: true },
  { name: 'ssh-keygen -p -m PEM (PKCS#1)', make: sshKeygenRewrite('PEM', false), format: 'pkcs1', encrypted: false },
  { name: 'ssh-keygen -p -m PEM -N (PKCS#1, AES-128-CBC)', make: sshKeygenRewrite('PEM', true), format: 'pkcs1', encrypted: true },
  { name: 'ssh-keygen -p -m PKCS8', make: sshKeygenRewrite('PKCS8', false), format: 'pkcs8', encrypted: false },
  { name: 'ssh-keygen -p -m PKCS8 -N', make: sshKeygenRewrite('PKCS8', true), format: 'pkcs8', encrypted: true },
  { name: 'puttygen -O private (PPK v3)', make: puttygenOut('private', false, 3), format: 'ppk3', encrypted: false },
  { name: 'puttygen -O private (PPK v3, Argon2id)', make: puttygenOut('private', true, 3), format: 'ppk3', encrypted: true },
  { name: 'puttygen -O private (PPK v2)', make: puttygenOut('private', false, 2), format: 'ppk2', encrypted: false },
  { name: 'puttygen -O private (PPK v2, encrypted)', make: puttygenOut('private', true, 2), format: 'ppk2', encrypted: true },
  { name: 'puttygen -O private-openssh (PKCS#1)', make: puttygenOut('private-openssh', false), format: 'pkcs1', encrypted: false },
  { name: 'puttygen -O private-openssh (PKCS#1, DES-EDE3-CBC)', make: puttygenOut('private-openssh', true), format: 'pkcs1', encrypted: true },
  { name: 'puttygen -O private-openssh-new', make: puttygenOut('private-openssh-new', false), format: 'openssh', encrypted: false },
  { name: 'puttygen -O private-openssh-new (aes256-ctr)', make: puttygenOut('private-openssh-new', true), format: 'openssh', encrypted: true },
];

const ED_JOBS: Job[] = [
  { name: 'openssl genpkey (PKCS#8)', make: async (k) => k.orig, format: 'pkcs8', encrypted: false },
  { name: 'openssl pkcs8 -v2 aes-256-cbc', make: openssl((k) => ['pkcs8', '-topk8', '-in', k.orig, '-v2', 'aes-256-cbc', '-passout', `file:${PWFILE}`]), format: 'pkcs8', encrypted: true },
  { name: 'openssl pkcs8 -topk8 -nocrypt -outform DER', make: openssl((k) => ['pkcs8', '-topk8', '-nocrypt', '-in', k.orig, '-outform', 'DER']), format: 'pkcs8-der', encrypted: false },
  { name: 'openssl pkcs8 -v2 aes-256-cbc -outform DER', make: openssl((k) => ['pkcs8', '-topk8', '-in', k.orig, '-v2', 'aes-256-cbc', '-outform', 'DER', '-passout', `file:${PWFILE}`]), format: 'pkcs8-der', encrypted: true },
  { name: 'python cryptography (OpenSSH)', make: async (k) => k.toolInput, format: 'openssh', encrypted: false },
  { name: 'ssh-keygen -p -N (OpenSSH, aes256-ctr)', make: sshKeygenRewrite('openssh', true), format: 'openssh', encrypted: true },
  { name: 'puttygen -O private (PPK v3)', make: puttygenOut('private', false, 3), format: 'ppk3', encrypted: false },
  { name: 'puttygen -O private (PPK v3, Argon2id)', make: puttygenOut('private', true, 3), format: 'ppk3', encrypted: true },
  { name: 'puttygen -O private (PPK v2)', make: puttygenOut('private', false, 2), format: 'ppk2', encrypted: false },
  { name: 'puttygen -O private (PPK v2, encrypted)', make: puttygenOut('private', true, 2), format: 'ppk2', encrypted: true },
  { name: 'puttygen -O private-openssh-new', make: puttygenOut('private-openssh-new', false), format: 'openssh', encrypted: false },
  { name: 'puttygen -O private-openssh-new (aes256-ctr)', make: puttygenOut('private-openssh-new', true), format: 'openssh', encrypted: true },
];

/** RSA-4096: one encrypted file from each tool. */
const RSA4096_JOBS = RSA_JOBS.filter((j) =>
  ['openssl rsa -aes256 (PKCS#1, AES-256-CBC)', 'openssl pkcs8 -v2 aes-256-cbc', 'ssh-keygen -p -N (OpenSSH, aes256-ctr)', 'puttygen -O private (PPK v3, Argon2id)'].includes(j.name));

describe.concurrent('oracles → ours: what openssl, ssh-keygen and puttygen write loads as the same key', () => {
  const cases: [KeyName, Job][] = [
    ...RSA_JOBS.map((j) => ['rsa2048', j] as [KeyName, Job]),
    ...RSA4096_JOBS.map((j) => ['rsa4096', j] as [KeyName, Job]),
    ...ED_JOBS.map((j) => ['ed25519', j] as [KeyName, Job]),
  ];
  it.each(cases.map(([k, j]) => [k, j.name, j] as const))('%s: %s', async (name, _label, job) => {
    const k = KEYS[name];
    const file = await job.make(k);
    const r = await readOurs(fs.readFileSync(file), PW);
    expect(r.format).toBe(job.format);
    expect(r.encrypted).toBe(job.encrypted);
    expectSameKey(r.key, k.key, job.name);
    // And the public half is what openssl derives from the original.
    expect(spkiDer(r.key).equals(await ok('openssl', ['pkey', '-in', k.orig, '-pubout', '-outform', 'DER']))).toBe(true);
  });

  it('keys the tools generate themselves load with the public key the tool reports', async () => {
    const jobs: { name: string; make: () => Promise<{ file: string; pub: PublicKey }>; format: PrivateFormat }[] = [
      ...(['rsa', 'ed25519'] as const).map((t) => ({
        name: `ssh-keygen -t ${t}`,
        format: 'openssh' as const,
        make: async () => {
          const f = newFile(`sk-${t}`);
          await ok('ssh-keygen', ['-q', '-t', t, ...(t === 'rsa' ? ['-b', '2048'] : []), '-N', PW, '-C', COMMENT, '-f', f]);
          return { file: f, pub: parseOpenSshLine(fs.readFileSync(f + '.pub', 'utf8').trim()).key };
        },
      })),
      ...(['rsa', 'ed25519'] as const).map((t) => ({
        name: `puttygen -t ${t}`,
        format: 'ppk3' as const,
        make: async () => {
          const f = newFile(`pg-${t}.ppk`);
          await ok('puttygen', ['-q', '-t', t, ...(t === 'rsa' ? ['-b', '2048'] : []), '-C', COMMENT, '--new-passphrase', PWFILE, '-o', f]);
          const line = (await ok('puttygen', [f, '--old-passphrase', PWFILE, '-L'])).toString('utf8').trim();
          return { file: f, pub: parseOpenSshLine(line).key };
        },
      })),
      ...(['RSA', 'ed25519'] as const).map((t) => ({
        name: `openssl genpkey -algorithm ${t} -aes-256-cbc`,
        format: 'pkcs8' as const,
        make: async () => {
          const f = newFile(`os-${t}.pem`);
          await ok('openssl', ['genpkey', '-algorithm', t, ...(t === 'RSA' ? ['-pkeyopt', 'rsa_keygen_bits:2048'] : []), '-aes-256-cbc', '-pass', `file:${PWFILE}`, '-out', f]);
          const spki = await ok('openssl', ['pkey', '-in', f, '-passin', `file:${PWFILE}`, '-pubout', '-outform', 'DER']);
          const pub = await readKey(spki);
          if (pub.kind !== 'public') throw new Error('expected a public key');
          return { file: f, pub: pub.key };
        },
      })),
    ];
    await settleAll(jobs.map(async (j) => {
      const { file, pub } = await j.make();
      const r = await readOurs(fs.readFileSync(file), PW);
      expect(r.format, j.name).toBe(j.format);
      expect(r.encrypted, j.name).toBe(true);
      expect(sameKey(r.key, pub), `${j.name}: public key differs from the tool's`).toBe(true);
      if (j.format !== 'pkcs8') expect(r.comment, j.name).toBe(COMMENT);
    }));
  });
});
