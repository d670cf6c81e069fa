// OpenSSH private keys (openssh PROTOCOL.key) against the real tools: keys made by ssh-keygen
// (every cipher it can write, bcrypt rounds via -a) are read and compared with `ssh-keygen -y`,
// pyca/cryptography and `puttygen --dump`; our writer's output is read back by ssh-keygen, puttygen
// and pyca, and byte-compared with ssh-keygen's own file. Hostile files are crafted by editing real
// ones. Plus every OpenSSH private-key entry of the shared corpus.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusDir } from '../helpers/tools.js';
import { Codes, Ec2KeysError } from '../../src/errors.js';
import { readKey } from '../../src/keys/detect.js';
import { createdFingerprint, importedFingerprint, sha256Fingerprint } from '../../src/keys/fingerprint.js';
import { BCRYPT } from '../../src/keys/limits.js';
import { publicOf, sameKey, type PrivateKey, type RsaPrivateKey } from '../../src/keys/model.js';
import { parseOpenSshPrivate, SUPPORTED_CIPHERS, writeOpenSshPrivate } from '../../src/keys/openssh.js';
import { publicBlob, writeOpenSshLine } from '../../src/keys/ssh-public.js';
import { parsePem } from '../../src/keys/text.js';
import type { ReadOptions, ReadPrivateResult, ReadResult } from '../../src/keys/types.js';
import { SshWriter } from '../../src/keys/wire.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ec2keys-openssh-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const f = (name: string) => path.join(dir, name);

function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
const keygen = (...args: string[]) => run('ssh-keygen', args);
function passFile(pass: string): string {
  const p = f(`pp-${Buffer.from(pass).toString('hex')}.txt`);
  fs.writeFileSync(p, pass);
  return p;
}

/** A passphrase source that counts how often it was asked. */
function source(pass: string | undefined) {
  const s = { asked: 0, opts: {} as ReadOptions };
  s.opts = { passphrase: { get: async () => (s.asked++, pass) } };
  return s;
}
const readFile = (file: string, pass?: string, extra: ReadOptions = {}) =>
  readKey(fs.readFileSync(file), { ...source(pass).opts, ...extra });
const readText = (text: string | Buffer, opts: ReadOptions = {}) => readKey(Buffer.from(text), opts);

async function errorOf(p: Promise<unknown>): Promise<Ec2KeysError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(Ec2KeysError);
    return e as Ec2KeysError;
  }
  throw new Error('expected an Ec2KeysError, the call succeeded');
}
const codeOf = async (p: Promise<unknown>) => (await errorOf(p)).code;

function privateOf(r: ReadResult): ReadPrivateResult {
  expect(r.kind).toBe('private');
  return r as ReadPrivateResult;
}

// ---------------------------------------------------------------- envelope surgery (PROTOCOL.key)

interface Env {
  cipher: string;
  kdf: string;
  kdfOptions: Buffer;
  nkeys: number;
  pubs: Buffer[];
  section: Buffer;
  rest: Buffer; // AEAD tag and anything after the section string
}
const MAGIC = Buffer.from('openssh-key-v1\0', 'latin1');

function bodyOf(text: string): Buffer {
  return parsePem(text)!.body;
}
function splitEnv(body: Buffer): Env {
  expect(body.subarray(0, MAGIC.length).equals(MAGIC)).toBe(true);
  let o = MAGIC.length;
  const str = () => {
    const n = body.readUInt32BE(o);
    const v = body.subarray(o + 4, o + 4 + n);
    o += 4 + n;
    return Buffer.from(v);
  };
  const cipher = str().toString();
  const kdf = str().toString();
  const kdfOptions = str();
  const nkeys = body.readUInt32BE(o);
  o += 4;
  const pubs = Array.from({ length: nkeys }, str);
  const section = str();
  return { cipher, kdf, kdfOptions, nkeys, pubs, section, rest: Buffer.from(body.subarray(o)) };
}
function joinEnv(e: Env): Buffer {
  const w = new SshWriter().raw(MAGIC).string(e.cipher).string(e.kdf).string(e.kdfOptions).u32(e.nkeys);
  for (const p of e.pubs) w.string(p);
  return Buffer.concat([w.string(e.section).toBuffer(), e.rest]);
}
function pemOf(body: Buffer): string {
  const b64 = body.toString('base64').replace(/(.{70})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${b64}\n-----END OPENSSH PRIVATE KEY-----\n`;
}
function edit(text: string, fn: (e: Env) => void): string {
  const e = splitEnv(bodyOf(text));
  fn(e);
  return pemOf(joinEnv(e));
}
const bcryptOptions = (salt: Buffer, rounds: number) => new SshWriter().string(salt).u32(rounds).toBuffer();

// ---------------------------------------------------------------- oracles

/** pyca/cryptography's view of an unencrypted OpenSSH key: RSA numbers or the Ed25519 seed, as hex. */
function pyca(file: string): Record<string, string> {
  const py = `
import sys, json
from cryptography.hazmat.primitives import serialization as s
from cryptography.hazmat.primitives.asymmetric import rsa, ed25519
k = s.load_ssh_private_key(open(sys.argv[1], 'rb').read(), None)
if isinstance(k, rsa.RSAPrivateKey):
    n = k.private_numbers()
    print(json.dumps({'n': hex(n.public_numbers.n), 'e': hex(n.public_numbers.e), 'd': hex(n.d), 'p': hex(n.p), 'q': hex(n.q)}))
else:
    print(json.dumps({'seed': k.private_bytes(s.Encoding.Raw, s.PrivateFormat.Raw, s.NoEncryption()).hex()}))
`;
  return JSON.parse(run('python3', ['-c', py, file]));
}
function expectPyca(file: string, key: PrivateKey) {
  const o = pyca(file);
  if (key.type === 'rsa') {
    expect(BigInt(o.n)).toBe(key.n);
    expect(BigInt(o.e)).toBe(key.e);
    expect(BigInt(o.d)).toBe(key.d);
    expect(new Set([BigInt(o.p), BigInt(o.q)])).toEqual(new Set([key.p, key.q]));
  } else {
    expect(o.seed).toBe(key.seed.toString('hex'));
  }
}

/** `puttygen --dump` (name=0x… lines) of a key file. */
function puttyDump(file: string, pass?: string): Record<string, string> {
  const args = [file, '--dump'];
  if (pass !== undefined) args.push('--old-passphrase', passFile(pass));
  const out: Record<string, string> = {};
  for (const l of run('puttygen', args).trim().split('\n')) {
    const i = l.indexOf('=');
    out[l.slice(0, i)] = l.slice(i + 1).replace(/^"|"$/g, '');
  }
  return out;
}
function expectPuttyRsa(d: Record<string, string>, k: RsaPrivateKey) {
  expect(d.key_type).toBe('RSA');
  expect(BigInt(d.public_modulus)).toBe(k.n);
  expect(BigInt(d.public_exponent)).toBe(k.e);
  expect(BigInt(d.private_exponent)).toBe(k.d);
  expect(new Set([BigInt(d.private_p), BigInt(d.private_q)])).toEqual(new Set([k.p, k.q]));
}

/** ssh-keygen -y prints "type base64 comment". */
function expectSshKeygenPublic(file: string, key: PrivateKey, comment: string, pass = '') {
  const line = keygen('-y', '-P', pass, '-f', file).trim();
  expect(line).toBe(writeOpenSshLine(publicOf(key), comment));
}

// ---------------------------------------------------------------- fixtures

const PASS = 'pâss phrase';
const CIPHERS = SUPPORTED_CIPHERS.filter((c) => c !== 'none');
const base: Record<'rsa' | 'ed25519', { file: string; key: PrivateKey; comment: string }> = {} as never;

beforeAll(async () => {
  keygen('-q', '-t', 'rsa', '-b', '2048', '-N', '', '-C', 'rsa comment', '-f', f('rsa'));
  keygen('-q', '-t', 'ed25519', '-N', '', '-C', 'héllo wörld', '-f', f('ed25519'));
  for (const t of ['rsa', 'ed25519'] as const) {
    const r = privateOf(await readFile(f(t)));
    base[t] = { file: f(t), key: r.key, comment: t === 'rsa' ? 'rsa comment' : 'héllo wörld' };
    for (const c of CIPHERS) {
      const enc = f(`${t}.${c}`);
      fs.copyFileSync(f(t), enc);
      keygen('-q', '-p', '-f', enc, '-P', '', '-N', PASS, '-Z', c, '-a', '2');
    }
  }
}, 120_000);

// ---------------------------------------------------------------- reading ssh-keygen's files

describe('reading ssh-keygen keys', () => {
  it.each(['rsa', 'ed25519'] as const)('unencrypted %s: same key as ssh-keygen -y and pyca/cryptography, with its comment', async (t) => {
    const r = privateOf(await readFile(f(t)));
    expect(r).toMatchObject({ format: 'openssh', encrypted: false, comment: base[t].comment });
    expect(r.key.type).toBe(t);
    expectSshKeygenPublic(f(t), r.key, base[t].comment);
    expectPyca(f(t), r.key);
    if (r.key.type === 'rsa') expectPuttyRsa(puttyDump(f(t)), r.key);
  });

  it('really wrote every cipher (the fixtures are what they claim)', () => {
    for (const t of ['rsa', 'ed25519']) {
      for (const c of CIPHERS) {
        const e = splitEnv(bodyOf(fs.readFileSync(f(`${t}.${c}`), 'utf8')));
        expect([e.cipher, e.kdf, e.kdfOptions.readUInt32BE(e.kdfOptions.length - 4)]).toEqual([c, 'bcrypt', 2]);
      }
    }
  });

  describe.each(['rsa', 'ed25519'] as const)('%s encrypted with', (t) => {
    it.each(CIPHERS)('%s: right passphrase loads it, a wrong one is BadPassphrase', async (c) => {
      const file = f(`${t}.${c}`);
      const r = privateOf(await readFile(file, PASS));
      expect(r).toMatchObject({ format: 'openssh', encrypted: true, comment: base[t].comment });
      expect(sameKey(r.key, base[t].key)).toBe(true);
      if (r.key.type === 'rsa') expect(r.key).toEqual(base[t].key);
      else expect(r.key.seed.equals((base[t].key as { seed: Buffer }).seed)).toBe(true);
      expect(await codeOf(readFile(file, 'pass phrase'))).toBe(Codes.BadPassphrase);
    });
  });

  it('honours the bcrypt rounds (-a 24) and the default 16', async () => {
    for (const rounds of ['24', '16']) {
      const file = f(`ed-a${rounds}`);
      fs.copyFileSync(f('ed25519'), file);
      keygen('-q', '-p', '-f', file, '-P', '', '-N', 'secret', '-a', rounds);
      expect(splitEnv(bodyOf(fs.readFileSync(file, 'utf8'))).kdfOptions.readUInt32BE(20)).toBe(Number(rounds));
      const r = privateOf(await readFile(file, 'secret'));
      expect(sameKey(r.key, base.ed25519.key)).toBe(true);
      expect(await codeOf(readFile(file, 'secreT'))).toBe(Codes.BadPassphrase);
    }
  });

  it('no passphrase source → PassphraseRequired; an empty passphrase → BadPassphrase', async () => {
    const file = f('ed25519.aes256-ctr');
    expect(await codeOf(readKey(fs.readFileSync(file)))).toBe(Codes.PassphraseRequired);
    expect(await codeOf(readFile(file, undefined))).toBe(Codes.PassphraseRequired);
    expect(await codeOf(readFile(file, ''))).toBe(Codes.BadPassphrase);
    const e = await errorOf(readKey(fs.readFileSync(file), { what: 'id_ed25519' }));
    expect(e.message).toContain('id_ed25519');
  });

  it('an interactive source is asked again after a wrong passphrase (detect.ts retry)', async () => {
    const answers = ['wrong', 'also wrong', PASS];
    let asked = 0;
    const r = await readKey(fs.readFileSync(f('rsa.aes256-gcm@openssh.com')), {
      passphrase: { interactive: true, get: async () => answers[asked++] },
    });
    expect(asked).toBe(3);
    expect(sameKey(r.key, base.rsa.key)).toBe(true);
  });

  it('reads CRLF, a UTF-8 BOM and UTF-16LE copies of the same file', async () => {
    const text = fs.readFileSync(f('ed25519'), 'utf8');
    for (const bytes of [
      Buffer.from(text.replace(/\n/g, '\r\n')),
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]),
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
    ]) {
      expect(sameKey((await readKey(bytes)).key, base.ed25519.key)).toBe(true);
    }
  });

  it('reads what puttygen writes (padding to 16, its own encryption)', async () => {
    for (const t of ['rsa', 'ed25519'] as const) {
      // via PPK: puttygen refuses to rewrite an OpenSSH key into the same format unchanged
      const ppk = f(`${t}.ppk`);
      run('puttygen', [f(t), '-O', 'private', '-o', ppk, '--new-passphrase', passFile('')]);
      const plain = f(`${t}.putty-new`);
      run('puttygen', [ppk, '-O', 'private-openssh-new', '-o', plain, '--new-passphrase', passFile('')]);
      const r = privateOf(await readFile(plain));
      expect(sameKey(r.key, base[t].key)).toBe(true);
      expect(r.comment).toBe(base[t].comment);
      const enc = f(`${t}.putty-new-enc`);
      run('puttygen', [ppk, '-O', 'private-openssh-new', '-o', enc, '--new-passphrase', passFile('putty pass')]);
      expect(splitEnv(bodyOf(fs.readFileSync(enc, 'utf8'))).kdf).toBe('bcrypt');
      const re = privateOf(await readFile(enc, 'putty pass'));
      expect(sameKey(re.key, base[t].key)).toBe(true);
    }
  });
});

// ---------------------------------------------------------------- writing

describe('writeOpenSshPrivate', () => {
  it.each(['rsa', 'ed25519'] as const)('unencrypted %s is byte-for-byte what ssh-keygen wrote (given its check number)', async (t) => {
    const text = fs.readFileSync(f(t), 'utf8');
    const check = splitEnv(bodyOf(text)).section.subarray(0, 4);
    const ours = await writeOpenSshPrivate(base[t].key, {
      comment: base[t].comment,
      random: (n) => {
        expect(n).toBe(4);
        return Buffer.from(check);
      },
    });
    expect(ours).toBe(text);
  });

  it.each(['rsa', 'ed25519'] as const)('unencrypted %s is read by ssh-keygen, puttygen and pyca/cryptography', async (t) => {
    const { key } = base[t];
    const file = f(`${t}.ours`);
    fs.writeFileSync(file, await writeOpenSshPrivate(key, { comment: 'written by ec2keys' }), { mode: 0o600 });
    expectSshKeygenPublic(file, key, 'written by ec2keys');
    expectPyca(file, key);
    const d = puttyDump(file);
    if (key.type === 'rsa') expectPuttyRsa(d, key);
    else expect(d.curve_name).toBe('Ed25519');
    expect(run('puttygen', [file, '-L']).trim()).toBe(writeOpenSshLine(publicOf(key), 'written by ec2keys'));
  });

  it.each([
    ['rsa', 16],
    ['ed25519', 3],
  ] as const)('encrypted %s (aes256-ctr, bcrypt %i rounds) is read by ssh-keygen -P and puttygen --old-passphrase', async (t, rounds) => {
    const { key } = base[t];
    const file = f(`${t}.ours-enc`);
    const pass = 'ßecret pass';
    const text = await writeOpenSshPrivate(key, { passphrase: pass, comment: 'enc', rounds: rounds === 16 ? undefined : rounds });
    fs.writeFileSync(file, text, { mode: 0o600 });
    const e = splitEnv(bodyOf(text));
    expect([e.cipher, e.kdf, e.kdfOptions.readUInt32BE(0), e.kdfOptions.readUInt32BE(20), e.section.length % 16]).toEqual([
      'aes256-ctr', 'bcrypt', 16, rounds, 0,
    ]);
    expect(text.split('\n').slice(1, -3).every((l) => l.length === 70)).toBe(true);
    expectSshKeygenPublic(file, key, 'enc', pass);
    expect(() => keygen('-y', '-P', 'not it', '-f', file)).toThrow();
    const d = puttyDump(file, pass);
    if (key.type === 'rsa') expectPuttyRsa(d, key);
    else expect(d.curve_name).toBe('Ed25519');
    const back = privateOf(await readFile(file, pass));
    expect(back).toMatchObject({ encrypted: true, comment: 'enc' });
    expect(sameKey(back.key, key)).toBe(true);
  });

  it('round trips through our reader, pads with 1,2,3… to 8 unencrypted, and is deterministic given `random`', async () => {
    for (const t of ['rsa', 'ed25519'] as const) {
      for (let len = 0; len < 9; len++) {
        const comment = 'x'.repeat(len);
        const text = await writeOpenSshPrivate(base[t].key, { comment });
        const e = splitEnv(bodyOf(text));
        expect([e.cipher, e.kdf, e.kdfOptions.length, e.section.length % 8]).toEqual(['none', 'none', 0, 0]);
        const r = privateOf(await readText(text));
        expect(r).toMatchObject({ encrypted: false, comment });
        expect(sameKey(r.key, base[t].key)).toBe(true);
      }
    }
    const rnd = (n: number) => Buffer.alloc(n, 7);
    const a = await writeOpenSshPrivate(base.ed25519.key, { passphrase: 'p', rounds: 2, random: rnd });
    const b = await writeOpenSshPrivate(base.ed25519.key, { passphrase: 'p', rounds: 2, random: rnd });
    expect(a).toBe(b);
    expect(await writeOpenSshPrivate(base.ed25519.key, { passphrase: 'p', rounds: 2 })).not.toBe(a);
    expect(await writeOpenSshPrivate(base.ed25519.key, { passphrase: '' })).toContain('AAAABG5vbmUAAAAEbm9uZQ'); // none/none
  });

  it('refuses rounds outside 1..cap and a comment with NUL', async () => {
    for (const rounds of [0, -1, 1.5, BCRYPT.maxRounds + 1]) {
      expect(await codeOf(writeOpenSshPrivate(base.ed25519.key, { passphrase: 'p', rounds }))).toBe(Codes.InvalidParameterValue);
    }
    expect(await codeOf(writeOpenSshPrivate(base.ed25519.key, { comment: 'a\0b' }))).toBe(Codes.InvalidParameterValue);
  });
});

// ---------------------------------------------------------------- hostile and damaged files

describe('hostile and damaged files', () => {
  const encText = () => fs.readFileSync(f('ed25519.aes256-ctr'), 'utf8');
  const plainText = () => fs.readFileSync(f('ed25519'), 'utf8');

  it('bcrypt rounds over the cap (kdfoptions edited) → KdfLimitExceeded before the passphrase is asked', async () => {
    for (const rounds of [BCRYPT.maxRounds + 1, 0xffffffff]) {
      const text = edit(encText(), (e) => e.kdfOptions.writeUInt32BE(rounds, e.kdfOptions.length - 4));
      const s = source(PASS);
      const err = await errorOf(readText(text, s.opts));
      expect(err.code).toBe(Codes.KdfLimit);
      expect(err.message).toContain(String(rounds));
      expect(err.message).toContain(String(BCRYPT.maxRounds));
      expect(err.hint).toContain('--allow-expensive-kdf');
      expect(s.asked).toBe(0); // no passphrase, so no KDF work happened
      // --allow-expensive-kdf lifts the cap: now the passphrase is needed (none given here)
      expect(await codeOf(readText(text, { allowExpensiveKdf: true }))).toBe(Codes.PassphraseRequired);
    }
  });

  it('rounds 0, an empty or oversized salt, trailing kdfoptions → InvalidKey.Format, never asking', async () => {
    const salt = splitEnv(bodyOf(encText())).kdfOptions.subarray(4, 20);
    const cases = [
      bcryptOptions(salt, 0),
      bcryptOptions(Buffer.alloc(0), 16),
      bcryptOptions(Buffer.alloc(BCRYPT.maxSaltBytes + 1, 1), 16),
      Buffer.concat([bcryptOptions(salt, 16), Buffer.from([0])]),
      Buffer.alloc(3),
    ];
    for (const opts of cases) {
      const s = source(PASS);
      expect(await codeOf(readText(edit(encText(), (e) => (e.kdfOptions = opts)), s.opts))).toBe(Codes.InvalidKeyFormat);
      expect(s.asked).toBe(0);
    }
  });

  it('unknown cipher or KDF → InvalidKey.Format naming it and listing the supported ones', async () => {
    let e = await errorOf(readText(edit(encText(), (x) => (x.cipher = 'twofish256-cbc')), source(PASS).opts));
    expect(e.code).toBe(Codes.InvalidKeyFormat);
    expect(e.message).toContain('twofish256-cbc');
    expect(e.message).toContain('chacha20-poly1305@openssh.com');
    e = await errorOf(readText(edit(encText(), (x) => (x.kdf = 'scrypt')), source(PASS).opts));
    expect(e.message).toContain('scrypt');
    expect(e.message).toContain('bcrypt');
    // a cipher without a KDF, or a KDF without a cipher
    expect(await codeOf(readText(edit(encText(), (x) => ((x.kdf = 'none'), (x.kdfOptions = Buffer.alloc(0)))), source(PASS).opts))).toBe(Codes.InvalidKeyFormat);
    expect(await codeOf(readText(edit(plainText(), (x) => (x.kdf = 'bcrypt')), source(PASS).opts))).toBe(Codes.InvalidKeyFormat);
    expect(await codeOf(readText(edit(plainText(), (x) => (x.kdfOptions = Buffer.from('x')))))).toBe(Codes.InvalidKeyFormat);
  });

  it('nkeys 0 or 2 → InvalidKey.Format', async () => {
    for (const n of [0, 2]) {
      const text = edit(plainText(), (e) => {
        e.nkeys = n;
        e.pubs = Array.from({ length: n }, () => e.pubs[0] ?? publicBlob(publicOf(base.ed25519.key)));
      });
      const err = await errorOf(readText(text));
      expect(err.code).toBe(Codes.InvalidKeyFormat);
      expect(err.message).toContain(`${n} keys`);
    }
  });

  it('huge length prefixes are format errors, not allocations', async () => {
    const body = bodyOf(plainText());
    // offsets of every uint32 length in the envelope: cipher, kdf, kdfoptions, nkeys, pub, section
    const offsets: number[] = [];
    let o = MAGIC.length;
    for (let i = 0; i < 6; i++) {
      offsets.push(o);
      o += i === 3 ? 4 : 4 + body.readUInt32BE(o);
    }
    for (const off of offsets) {
      for (const v of [0xffffffff, 0x7ffffff0, body.length]) {
        const b = Buffer.from(body);
        b.writeUInt32BE(v, off);
        expect(await codeOf(readText(pemOf(b)))).toBe(Codes.InvalidKeyFormat);
      }
    }
    // and inside the private section: the comment length
    const text = edit(plainText(), (e) => e.section.writeUInt32BE(0xfffffff0, 8 + 15 + 36 + 68));
    expect(await codeOf(readText(text))).toBe(Codes.InvalidKeyFormat);
  });

  it('every truncation of the binary body, plain or encrypted, is an Ec2KeysError without asking', async () => {
    for (const text of [plainText(), fs.readFileSync(f('rsa.aes256-gcm@openssh.com'), 'utf8'), fs.readFileSync(f('ed25519.chacha20-poly1305@openssh.com'), 'utf8')]) {
      const body = bodyOf(text);
      for (let n = 0; n < body.length; n++) {
        const s = source(PASS);
        const err = await errorOf(readText(pemOf(body.subarray(0, n)), s.opts));
        expect([Codes.InvalidKeyFormat, Codes.CorruptKey]).toContain(err.code);
        expect(s.asked).toBe(0);
      }
    }
  });

  it('truncated text (lines missing) is an Ec2KeysError', async () => {
    const lines = plainText().split('\n');
    for (let n = 1; n < lines.length - 1; n++) {
      await errorOf(readText(lines.slice(0, n).join('\n')));
      await errorOf(readText([...lines.slice(0, n), ...lines.slice(n + 1)].join('\n')));
    }
  });

  it('trailing bytes after the section, a missing or damaged AEAD tag', async () => {
    expect(await codeOf(readText(edit(plainText(), (e) => (e.rest = Buffer.from([0])))))).toBe(Codes.InvalidKeyFormat);
    for (const c of ['aes256-gcm@openssh.com', 'chacha20-poly1305@openssh.com']) {
      const text = fs.readFileSync(f(`ed25519.${c}`), 'utf8');
      expect(await codeOf(readText(edit(text, (e) => (e.rest = e.rest.subarray(0, 15))), source(PASS).opts))).toBe(Codes.InvalidKeyFormat);
      // A tag that does not verify cannot tell a wrong passphrase from damage; openssh says passphrase too.
      expect(await codeOf(readText(edit(text, (e) => (e.rest[0] ^= 1)), source(PASS).opts))).toBe(Codes.BadPassphrase);
      expect(await codeOf(readText(edit(text, (e) => (e.section[20] ^= 1)), source(PASS).opts))).toBe(Codes.BadPassphrase);
    }
  });

  it('a section that is not a multiple of the cipher block → InvalidKey.Format', async () => {
    expect(await codeOf(readText(edit(plainText(), (e) => (e.section = e.section.subarray(0, e.section.length - 1)))))).toBe(Codes.InvalidKeyFormat);
    expect(await codeOf(readText(edit(encText(), (e) => (e.section = e.section.subarray(0, e.section.length - 8))), source(PASS).opts))).toBe(Codes.InvalidKeyFormat);
  });

  // Unencrypted ed25519 section layout: check(4) check(4) "ssh-ed25519"(4+11) pk(4+32) sk(4+64) comment(4+n) pad
  const PK = 8 + 15 + 4;
  const SK = PK + 32 + 4;
  it('check numbers that differ: CorruptKey unencrypted (the same mismatch is BadPassphrase when encrypted)', async () => {
    const err = await errorOf(readText(edit(plainText(), (e) => (e.section[0] ^= 1))));
    expect(err.code).toBe(Codes.CorruptKey);
    expect(err.message).toContain('check');
  });

  it('wrong padding → CorruptKey; any 1,2,3… run is accepted', async () => {
    const key = base.ed25519.key;
    const text = await writeOpenSshPrivate(key, { comment: 'c' }); // 132-byte section + 4 padding bytes
    expect(splitEnv(bodyOf(text)).section.subarray(-4)).toEqual(Buffer.from([1, 2, 3, 4]));
    expect(await codeOf(readText(edit(text, (e) => (e.section[e.section.length - 1] = 9))))).toBe(Codes.CorruptKey);
    expect(await codeOf(readText(edit(text, (e) => (e.section[e.section.length - 4] = 0))))).toBe(Codes.CorruptKey);
    // 12 bytes of padding (puttygen-style, to 16) is fine
    const long = edit(text, (e) => (e.section = Buffer.concat([e.section, Buffer.from([5, 6, 7, 8, 9, 10, 11, 12])])));
    expect(sameKey((await readText(long)).key, key)).toBe(true);
  });

  it('public key in the envelope ≠ private key → CorruptKey', async () => {
    const other = publicBlob(privateOf(await readFile(f('rsa'))).key);
    const edOther = Buffer.from(publicBlob(publicOf(base.ed25519.key)));
    edOther[edOther.length - 1] ^= 1;
    for (const pub of [other, edOther]) {
      const err = await errorOf(readText(edit(plainText(), (e) => (e.pubs = [pub]))));
      expect([Codes.CorruptKey, Codes.InvalidKeyFormat]).toContain(err.code);
    }
    expect(await codeOf(readText(edit(plainText(), (e) => (e.pubs = [other]))))).toBe(Codes.CorruptKey);
  });

  it('Ed25519: damaged seed, pk or second half of sk → CorruptKey; wrong sizes → InvalidKey.Format', async () => {
    for (const off of [SK, SK + 40, PK + 3]) {
      expect(await codeOf(readText(edit(plainText(), (e) => (e.section[off] ^= 0x40))))).toBe(Codes.CorruptKey);
    }
    const { seed, pub } = base.ed25519.key as { seed: Buffer; pub: Buffer };
    const section = (pk: Buffer, sk: Buffer) => {
      const b = new SshWriter().u32(5).u32(5).string('ssh-ed25519').string(pk).string(sk).string('').toBuffer();
      return Buffer.concat([b, Buffer.from([1, 2, 3, 4, 5, 6, 7].slice(0, (8 - (b.length % 8)) % 8))]);
    };
    expect(sameKey((await readText(edit(plainText(), (e) => (e.section = section(pub, Buffer.concat([seed, pub])))))).key, base.ed25519.key)).toBe(true);
    for (const [pk, sk] of [
      [pub.subarray(0, 31), Buffer.concat([seed, pub])],
      [pub, Buffer.concat([seed, pub.subarray(0, 31)])],
      [pub, seed],
    ]) {
      expect(await codeOf(readText(edit(plainText(), (e) => (e.section = section(pk, sk)))))).toBe(Codes.InvalidKeyFormat);
    }
  });

  it('RSA: inconsistent numbers → CorruptKey, iqmp is never trusted', async () => {
    const k = base.rsa.key as RsaPrivateKey;
    const section = (fields: bigint[], iqmp = k.qi) => {
      const w = new SshWriter().u32(1).u32(1).string('ssh-rsa');
      const [n, e, d, p, q] = fields;
      w.mpint(n).mpint(e).mpint(d).mpint(iqmp).mpint(p).mpint(q).string('c');
      let b = w.toBuffer();
      const pad = (8 - (b.length % 8)) % 8;
      b = Buffer.concat([b, Buffer.from([1, 2, 3, 4, 5, 6, 7].slice(0, pad))]);
      return b;
    };
    const rsaText = fs.readFileSync(f('rsa'), 'utf8');
    // a bogus iqmp is ignored (recomputed)
    const ok = privateOf(await readText(edit(rsaText, (e) => (e.section = section([k.n, k.e, k.d, k.p, k.q], 12345n)))));
    expect(ok.key).toEqual(k);
    expect(await codeOf(readText(edit(rsaText, (e) => (e.section = section([k.n, k.e, k.d + 2n, k.p, k.q])))))).toBe(Codes.CorruptKey);
    expect(await codeOf(readText(edit(rsaText, (e) => (e.section = section([k.n, k.e, k.d, k.p + 2n, k.q])))))).toBe(Codes.CorruptKey);
  });

  it('PEM headers inside the block, and a different label given to the parser directly', async () => {
    const lines = plainText().split('\n');
    lines.splice(1, 0, 'Proc-Type: 4,ENCRYPTED');
    expect(await codeOf(readText(lines.join('\n')))).toBe(Codes.InvalidKeyFormat);
    const block = parsePem(plainText())!;
    expect(await codeOf(parseOpenSshPrivate({ ...block, label: 'RSA PRIVATE KEY' }, {}))).toBe(Codes.InvalidKeyFormat);
    expect(await codeOf(readText(pemOf(Buffer.from('openssh-key-v2\0' + 'x'.repeat(40)))))).toBe(Codes.InvalidKeyFormat);
  });

  it('ECDSA and DSA keys from ssh-keygen, plain or encrypted, are refused by name without asking', async () => {
    for (const [t, name] of [['ecdsa', 'ECDSA'], ['dsa', 'DSA']] as const) {
      for (const pass of ['', 'secret']) {
        const file = f(`${t}${pass}`);
        keygen('-q', '-t', t, '-N', pass, '-f', file);
        const s = source(pass);
        const err = await errorOf(readKey(fs.readFileSync(file), s.opts));
        expect(err.code).toBe(Codes.InvalidKeyFormat);
        expect(err.message).toContain(name);
        expect(s.asked).toBe(0);
      }
    }
  });

  it('random byte changes never escape as anything but Ec2KeysError (fast-check)', async () => {
    const bodies = [bodyOf(plainText()), bodyOf(fs.readFileSync(f('rsa'), 'utf8'))];
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        async (which, changes) => {
          const b = Buffer.from(bodies[which]);
          for (const [i, v] of changes) b[i % b.length] = v;
          try {
            const r = await readText(pemOf(b));
            expect(r.kind).toBe('private');
          } catch (e) {
            expect(e).toBeInstanceOf(Ec2KeysError);
          }
        },
      ),
      { numRuns: Number(process.env.EC2KEYS_FUZZ_RUNS ?? 400) },
    );
  });
});

// ---------------------------------------------------------------- shared corpus

interface Entry {
  file: string;
  format: string;
  expect: 'ok' | 'reject';
  optional?: boolean;
  passphrase: string | null;
  keyType: string;
  importedFingerprint?: string;
  createdFingerprint?: string;
  createdFingerprintAlternatives?: string[];
  sha256?: string;
}
const CORPUS = corpusDir();
const manifest = JSON.parse(fs.readFileSync(path.join(CORPUS, 'manifest.json'), 'utf8')) as { files: Entry[] };
const entries = manifest.files.filter((e) => ['openssh', 'openssh-encrypted', 'dropbear'].includes(e.format));

describe('corpus: OpenSSH private keys', () => {
  it('has the entries this suite expects', () => {
    expect(entries.length).toBeGreaterThanOrEqual(40);
  });

  it.each(entries.map((e) => [e.file, e] as const))('%s', async (_name, e) => {
    let r: ReadResult;
    try {
      r = await readKey(fs.readFileSync(path.join(CORPUS, e.file)), { passphrase: { get: async () => e.passphrase ?? undefined } });
    } catch (err) {
      expect(err).toBeInstanceOf(Ec2KeysError);
      if (!e.optional) expect(e.expect).toBe('reject');
      return;
    }
    if (!e.optional) expect(e.expect).toBe('ok');
    expect(r.key.type).toBe(e.keyType);
    expect(importedFingerprint(r.key)).toBe(e.importedFingerprint);
    expect(sha256Fingerprint(r.key)).toBe(e.sha256);
    if (r.kind === 'private' && e.createdFingerprint) {
      expect([e.createdFingerprint, ...(e.createdFingerprintAlternatives ?? [])]).toContain(createdFingerprint(r.key));
    }
  });
});
