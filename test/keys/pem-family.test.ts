// The PEM/DER family (src/keys/pkcs1.ts, pkcs8.ts, spki.ts) against the real tools: fresh keys
// from `openssl genpkey`, every read path against what openssl writes, every writer's output
// checked by `openssl rsa|pkey -check` and compared byte for byte with openssl's own output,
// hostile and damaged inputs, and the shared corpus through readKey.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Codes, Ec2KeysError } from '../../src/errors.js';
import { der, OID } from '../../src/keys/der.js';
import { readKey } from '../../src/keys/detect.js';
import { createdFingerprint, fingerprintKind, importedFingerprint, matchesFingerprint, sha256Fingerprint, spkiSha1Fingerprint } from '../../src/keys/fingerprint.js';
import type { PrivateKey, PublicKey } from '../../src/keys/model.js';
import { encodePkcs1Der, parsePkcs1Der, parseRsaPublicDer, writePkcs1, writeRsaPublicPem } from '../../src/keys/pkcs1.js';
import { LEGACY_KDF_MAX_ITERATIONS, parsePkcs8Der, pkcs12Kdf, pkcs8DerOf, PKCS8_WRITE_ITERATIONS, writePkcs8 } from '../../src/keys/pkcs8.js';
import { parseSpkiDer, spkiDerOf, writeSpkiPem } from '../../src/keys/spki.js';
import type { PassphraseSource, ReadOptions, ReadResult } from '../../src/keys/types.js';
import { corpusDir } from '../helpers/tools.js';

const PASS = 'pässwörd 1'; // non-ASCII on purpose: UTF-8 for PEM/PBES2, BMPString for PKCS#12
let dir: string;
const f = (name: string) => path.join(dir, name);
const LEGACY = ['-provider', 'legacy', '-provider', 'default'];

function openssl(args: string[], input?: Buffer | string): Buffer {
  return execFileSync('openssl', args, { input, stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 1 << 24 });
}

/** openssl exit status and stderr, without throwing. */
function opensslStatus(args: string[]): { ok: boolean; out: string } {
  try {
    return { ok: true, out: openssl(args).toString() };
  } catch (e) {
    const err = e as { stderr?: Buffer; stdout?: Buffer };
    return { ok: false, out: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}

function src(pw: string | undefined): PassphraseSource & { calls: number } {
  const s = {
    calls: 0,
    get: async () => {
      s.calls++;
      return pw;
    },
  };
  return s;
}

async function read(bytes: Buffer | string, pw?: string, extra: ReadOptions = {}): Promise<ReadResult> {
  return readKey(typeof bytes === 'string' ? Buffer.from(bytes) : bytes, { passphrase: pw === undefined ? undefined : src(pw), ...extra });
}

async function readPriv(bytes: Buffer | string, pw?: string): Promise<PrivateKey> {
  const r = await read(bytes, pw);
  expect(r.kind).toBe('private');
  return r.key as PrivateKey;
}

/** The Ec2KeysError a promise rejects with (fails the test on success or on any other error type). */
async function rejection(p: Promise<unknown> | (() => unknown)): Promise<Ec2KeysError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    if (!(e instanceof Ec2KeysError)) throw new Error(`expected an Ec2KeysError, got ${(e as Error)?.name}: ${(e as Error)?.message}`);
    return e;
  }
  throw new Error('expected a rejection, but it loaded');
}

/** A generated key: its files and what openssl says about it. */
interface Src {
  pem: string; // path of the PKCS#8 PEM openssl genpkey wrote
  pkcs8Der: Buffer; // openssl pkey -outform DER
  spkiDer: Buffer; // openssl pkey -pubout -outform DER
}

const keys: Record<'rsa2048' | 'rsa3072' | 'ed25519', Src> = {} as never;

function genKey(name: string, args: string[]): Src {
  const pem = f(`${name}.pem`);
  openssl(['genpkey', ...args, '-out', pem]);
  return {
    pem,
    // `openssl pkey -outform DER` writes RSA as PKCS#1; -topk8 -nocrypt gives PrivateKeyInfo.
    pkcs8Der: openssl(['pkcs8', '-topk8', '-nocrypt', '-in', pem, '-outform', 'DER']),
    spkiDer: openssl(['pkey', '-in', pem, '-pubout', '-outform', 'DER']),
  };
}

/** The loaded private key is the source key: all private components (PKCS#8 DER) and the public key. */
function expectSameKey(k: PrivateKey | PublicKey, s: Src): void {
  expect(spkiDerOf(k).equals(s.spkiDer)).toBe(true);
  if ('d' in k || 'seed' in k) expect(pkcs8DerOf(k as PrivateKey).equals(s.pkcs8Der)).toBe(true);
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'ec2keys-pem-'));
  writeFileSync(f('pp'), PASS);
  writeFileSync(f('wrong'), 'not the passphrase');
  keys.rsa2048 = genKey('rsa2048', ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048']);
  keys.rsa3072 = genKey('rsa3072', ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:3072']);
  keys.ed25519 = genKey('ed25519', ['-algorithm', 'ED25519']);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// ---------------------------------------------------------------- reading what openssl writes

describe('PKCS#1 RSA PRIVATE KEY', () => {
  it.each(['rsa2048', 'rsa3072'] as const)('plain PEM and DER (%s)', async (name) => {
    const s = keys[name];
    const pem = openssl(['rsa', '-in', s.pem, '-traditional']);
    expect(pem.toString()).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    const r = await read(pem);
    expect(r).toMatchObject({ kind: 'private', format: 'pkcs1', encrypted: false });
    expectSameKey(r.key, s);
    const derBytes = openssl(['rsa', '-in', s.pem, '-traditional', '-outform', 'DER']);
    const rd = await read(derBytes);
    expect(rd).toMatchObject({ kind: 'private', format: 'pkcs1-der' });
    expectSameKey(rd.key, s);
    expectSameKey(parsePkcs1Der(derBytes), s);
  });

  const ciphers: [string, string, string[]][] = [
    ['-aes128', 'AES-128-CBC', []],
    ['-aes192', 'AES-192-CBC', []],
    ['-aes256', 'AES-256-CBC', []],
    ['-des3', 'DES-EDE3-CBC', []],
    ['-des', 'DES-CBC', LEGACY],
  ];
  it.each(ciphers)('legacy encrypted %s (DEK-Info %s)', async (flag, dek, extra) => {
    const s = keys.rsa2048;
    const pem = openssl(['rsa', '-in', s.pem, '-traditional', flag, '-passout', `file:${f('pp')}`, ...extra]).toString();
    expect(pem).toContain(`DEK-Info: ${dek},`); // openssl without the legacy provider silently writes DES keys unencrypted
    const r = await read(pem, PASS);
    expect(r).toMatchObject({ kind: 'private', format: 'pkcs1', encrypted: true });
    expectSameKey(r.key, s);
    expect((await rejection(read(pem, 'not the passphrase'))).code).toBe(Codes.BadPassphrase);
    expect((await rejection(read(pem))).code).toBe(Codes.PassphraseRequired);
    expect((await rejection(read(pem, undefined, { passphrase: src(undefined) }))).code).toBe(Codes.PassphraseRequired);
  });

  it('3072-bit AES-256 legacy encrypted', async () => {
    const pem = openssl(['rsa', '-in', keys.rsa3072.pem, '-traditional', '-aes256', '-passout', `file:${f('pp')}`]);
    expectSameKey(await readPriv(pem, PASS), keys.rsa3072);
  });

  it('refuses an unknown DEK-Info cipher by name, and broken headers', async () => {
    const pem = openssl(['rsa', '-in', keys.rsa2048.pem, '-traditional', '-camellia256', '-passout', `file:${f('pp')}`]).toString();
    const e = await rejection(read(pem, PASS));
    expect(e.code).toBe(Codes.InvalidKeyFormat);
    expect(e.message).toContain('CAMELLIA-256-CBC');
    const noDek = pem.replace(/DEK-Info:.*\n/, '');
    expect((await rejection(read(noDek, PASS))).code).toBe(Codes.InvalidKeyFormat);
    const aes = openssl(['rsa', '-in', keys.rsa2048.pem, '-traditional', '-aes128', '-passout', `file:${f('pp')}`]).toString();
    const shortIv = aes.replace(/(DEK-Info: [^,]+,)(..)/, '$1');
    expect((await rejection(read(shortIv, PASS))).message).toMatch(/IV/);
    const noProc = aes.replace(/Proc-Type:.*\n/, '');
    expect((await rejection(read(noProc, PASS))).code).toBe(Codes.InvalidKeyFormat);
    const cut = aes.replace(/\n[^\n]*\n-----END/, '\n-----END'); // drops the last base64 line: not whole blocks or bad padding
    expect([Codes.InvalidKeyFormat, Codes.BadPassphrase]).toContain((await rejection(read(cut, PASS))).code);
  });

  it('refuses a multi-prime RSA key by name', async () => {
    const mp = f('mp.pem');
    openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-pkeyopt', 'rsa_keygen_primes:3', '-out', mp]);
    const e = await rejection(read(openssl(['rsa', '-in', mp, '-traditional'])));
    expect(e.code).toBe(Codes.InvalidKeyFormat);
    expect(e.message).toMatch(/multi-prime/);
  });
});

describe('PKCS#8', () => {
  it.each(['rsa2048', 'rsa3072', 'ed25519'] as const)('plain PEM and DER (%s)', async (name) => {
    const s = keys[name];
    const r = await read(readFileSync(s.pem));
    expect(r).toMatchObject({ kind: 'private', format: 'pkcs8', encrypted: false });
    expectSameKey(r.key, s);
    const rd = await read(s.pkcs8Der);
    expect(rd).toMatchObject({ kind: 'private', format: 'pkcs8-der', encrypted: false });
    expectSameKey(rd.key, s);
  });

  const variants: [string, string[]][] = [
    ['PBES2 aes-256-cbc (PBKDF2-HMAC-SHA256)', ['-v2', 'aes-256-cbc']],
    ['PBES2 aes-128-cbc hmacWithSHA1', ['-v2', 'aes-128-cbc', '-v2prf', 'hmacWithSHA1']],
    ['PBES2 aes-192-cbc hmacWithSHA512', ['-v2', 'aes-192-cbc', '-v2prf', 'hmacWithSHA512']],
    ['PBES2 aes-256-cbc hmacWithSHA384', ['-v2', 'aes-256-cbc', '-v2prf', 'hmacWithSHA384']],
    ['PBES2 aes-256-cbc hmacWithSHA224', ['-v2', 'aes-256-cbc', '-v2prf', 'hmacWithSHA224']],
    ['PBES2 des3', ['-v2', 'des3']],
    ['PBES2 des-cbc', ['-v2', 'des-cbc', ...LEGACY]],
    ['PBES2 scrypt', ['-scrypt']],
    ['PBES1 PBE-MD5-DES', ['-v1', 'PBE-MD5-DES', ...LEGACY]],
    ['PBES1 PBE-SHA1-DES', ['-v1', 'PBE-SHA1-DES', ...LEGACY]],
    ['PBES1 PBE-SHA1-RC2-64', ['-v1', 'PBE-SHA1-RC2-64', ...LEGACY]],
    ['PBES1 PBE-MD5-RC2-64', ['-v1', 'PBE-MD5-RC2-64', ...LEGACY]],
    ['PKCS#12 PBE-SHA1-3DES', ['-v1', 'PBE-SHA1-3DES']],
    ['PKCS#12 PBE-SHA1-2DES', ['-v1', 'PBE-SHA1-2DES']],
    ['PKCS#12 PBE-SHA1-RC2-128', ['-v1', 'PBE-SHA1-RC2-128', ...LEGACY]],
    ['PKCS#12 PBE-SHA1-RC2-40', ['-v1', 'PBE-SHA1-RC2-40', ...LEGACY]],
  ];
  it.each(variants)('encrypted %s, RSA', async (_label, args) => {
    const s = keys.rsa2048;
    const pem = openssl(['pkcs8', '-topk8', '-in', s.pem, ...args, '-passout', `file:${f('pp')}`]);
    expect(pem.toString()).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    const r = await read(pem, PASS);
    expect(r).toMatchObject({ kind: 'private', format: 'pkcs8', encrypted: true });
    expectSameKey(r.key, s);
    expect((await rejection(read(pem, 'not the passphrase'))).code).toBe(Codes.BadPassphrase);
    expect((await rejection(read(pem))).code).toBe(Codes.PassphraseRequired);
  });

  it('encrypted DER (PBES2 and PKCS#12), RSA 3072 and Ed25519', async () => {
    for (const [name, args] of [['rsa3072', ['-v2', 'aes-256-cbc']], ['ed25519', ['-v1', 'PBE-SHA1-3DES']], ['ed25519', ['-scrypt']]] as const) {
      const s = keys[name];
      const d = openssl(['pkcs8', '-topk8', '-in', s.pem, ...args, '-passout', `file:${f('pp')}`, '-outform', 'DER']);
      const r = await read(d, PASS);
      expect(r).toMatchObject({ kind: 'private', format: 'pkcs8-der', encrypted: true });
      expectSameKey(r.key, s);
    }
  });

  it('Ed25519 OneAsymmetricKey (v2) with the [1] public key: checked against the seed', async () => {
    const s = keys.ed25519;
    const seed = s.pkcs8Der.subarray(-32);
    const pub = s.spkiDer.subarray(-32);
    const v2 = (p: Buffer) =>
      der.seq(der.uint(1), der.seq(der.oid(OID.ed25519)), der.octets(der.octets(seed)), Buffer.concat([Buffer.from([0x81, 33, 0]), p]));
    // OpenSSL 3.0 and pyca cannot read v2 at all; the oracle is the seed-only form of the same key.
    expectSameKey(await readPriv(v2(pub)), s);
    const bad = Buffer.from(pub);
    bad[5] ^= 1;
    expect((await rejection(read(v2(bad)))).code).toBe(Codes.CorruptKey);
    const v0WithPub = der.seq(der.uint(0), der.seq(der.oid(OID.ed25519)), der.octets(der.octets(seed)), Buffer.concat([Buffer.from([0x81, 33, 0]), pub]));
    expect((await rejection(parsePkcs8Der(v0WithPub, {}))).code).toBe(Codes.InvalidKeyFormat);
    // RFC 8410 §10.3's example (with an attribute and the public key): the public key openssl derives
    // from the seed alone is the one in the [1] field.
    const rfc = '-----BEGIN PRIVATE KEY-----\nMHICAQEwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC\n' +
      'oB8wHQYKKoZIhvcNAQkJFDEPDA1DdXJkbGUgQ2hhaXJzgSEAGb9ECWmEzf6FQbrB\nZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PRIVATE KEY-----\n';
    const k = await readPriv(rfc);
    const v1 = writeTmp('rfc8410-v1.pem', writePkcs8(k));
    expect(openssl(['pkey', '-in', v1, '-pubout', '-outform', 'DER']).subarray(-32).toString('hex'))
      .toBe('19bf44096984cdfe8541bac167dc3b96c85086aa30b6b6cb0c5c38ad703166e1');
    expect(k.type === 'ed25519' && k.pub.toString('hex')).toBe('19bf44096984cdfe8541bac167dc3b96c85086aa30b6b6cb0c5c38ad703166e1');
  });
});

function writeTmp(name: string, data: Buffer | string): string {
  writeFileSync(f(name), data);
  return f(name);
}

describe('public keys', () => {
  it.each(['rsa2048', 'rsa3072', 'ed25519'] as const)('SPKI PEM, DER and base64 DER (%s)', async (name) => {
    const s = keys[name];
    const pem = openssl(['pkey', '-in', s.pem, '-pubout']).toString();
    const r = await read(pem);
    expect(r).toMatchObject({ kind: 'public', format: 'spki-pem' });
    expectSameKey(r.key, s);
    expect(await read(s.spkiDer)).toMatchObject({ kind: 'public', format: 'spki-der' });
    const b64 = s.spkiDer.toString('base64');
    const rb = await read(b64);
    expect(rb).toMatchObject({ kind: 'public', format: 'spki-base64' });
    expectSameKey(rb.key, s);
    expectSameKey(parseSpkiDer(s.spkiDer), s);
  });

  it('PKCS#1 RSA PUBLIC KEY, PEM and DER', async () => {
    const s = keys.rsa2048;
    const pem = openssl(['rsa', '-in', s.pem, '-RSAPublicKey_out']);
    expect(pem.toString()).toMatch(/^-----BEGIN RSA PUBLIC KEY-----/);
    const r = await read(pem);
    expect(r).toMatchObject({ kind: 'public', format: 'pkcs1-public-pem' });
    expectSameKey(r.key, s);
    const d = openssl(['rsa', '-in', s.pem, '-RSAPublicKey_out', '-outform', 'DER']);
    expect(await read(d)).toMatchObject({ kind: 'public', format: 'pkcs1-public-der' });
    expectSameKey(parseRsaPublicDer(d), s);
  });
});

// ---------------------------------------------------------------- writers

describe('writers', () => {
  it.each(['rsa2048', 'rsa3072'] as const)('writePkcs1 is byte-identical to openssl -traditional, and passes rsa -check (%s)', async (name) => {
    const s = keys[name];
    const k = await readPriv(readFileSync(s.pem));
    const ours = writePkcs1(k as never);
    expect(ours).toBe(openssl(['rsa', '-in', s.pem, '-traditional']).toString());
    expect(opensslStatus(['rsa', '-check', '-noout', '-in', writeTmp(`${name}-ours1.pem`, ours)]).out).toMatch(/RSA key ok/);
    expect(encodePkcs1Der(k as never).equals(openssl(['rsa', '-in', s.pem, '-traditional', '-outform', 'DER']))).toBe(true);
  });

  it('writePkcs1 round-trips what openssl genrsa -traditional writes', async () => {
    const g = openssl(['genrsa', '-traditional', '2048']).toString();
    expect(writePkcs1((await readPriv(g)) as never)).toBe(g);
  });

  it('encrypted writePkcs1: AES-256-CBC legacy PEM that openssl decrypts to the same key', async () => {
    const s = keys.rsa2048;
    const k = (await readPriv(readFileSync(s.pem))) as never;
    const enc = writePkcs1(k, { passphrase: PASS });
    const lines = enc.split('\n');
    expect(lines[0]).toBe('-----BEGIN RSA PRIVATE KEY-----');
    expect(lines[1]).toBe('Proc-Type: 4,ENCRYPTED');
    expect(lines[2]).toMatch(/^DEK-Info: AES-256-CBC,[0-9A-F]{32}$/);
    expect(lines[3]).toBe('');
    expect(lines.slice(4, -3).every((l) => l.length === 64)).toBe(true);
    const file = writeTmp('enc1.pem', enc);
    expect(opensslStatus(['rsa', '-check', '-noout', '-in', file, '-passin', `file:${f('pp')}`]).out).toMatch(/RSA key ok/);
    expect(opensslStatus(['rsa', '-check', '-noout', '-in', file, '-passin', `file:${f('wrong')}`]).ok).toBe(false);
    expect(openssl(['pkcs8', '-topk8', '-nocrypt', '-in', file, '-passin', `file:${f('pp')}`, '-outform', 'DER']).equals(s.pkcs8Der)).toBe(true);
    expectSameKey(await readPriv(enc, PASS), s);
    // Deterministic with a fixed IV; the salt is the first 8 IV bytes (openssl reads it back above).
    const fixed = writePkcs1(k, { passphrase: PASS, random: (n) => Buffer.alloc(n, 0xab) });
    expect(fixed).toContain(`DEK-Info: AES-256-CBC,${'AB'.repeat(16)}\n`);
    expect(writePkcs1(k, { passphrase: PASS, random: (n) => Buffer.alloc(n, 0xab) })).toBe(fixed);
    expect(writePkcs1(k, { passphrase: '' })).toBe(writePkcs1(k));
  });

  it('writeRsaPublicPem and writeSpkiPem are byte-identical to openssl', async () => {
    for (const name of ['rsa2048', 'rsa3072', 'ed25519'] as const) {
      const s = keys[name];
      const k = await readPriv(readFileSync(s.pem));
      expect(writeSpkiPem(k)).toBe(openssl(['pkey', '-in', s.pem, '-pubout']).toString());
      expect(spkiDerOf(k).equals(s.spkiDer)).toBe(true);
      if (k.type === 'rsa') expect(writeRsaPublicPem(k)).toBe(openssl(['rsa', '-in', s.pem, '-RSAPublicKey_out']).toString());
    }
  });

  it.each(['rsa2048', 'rsa3072', 'ed25519'] as const)('unencrypted writePkcs8 is byte-identical to openssl pkey (%s)', async (name) => {
    const s = keys[name];
    // Load through a different format first, so the output is rebuilt from the model.
    const via = name === 'ed25519' ? s.pkcs8Der : openssl(['rsa', '-in', s.pem, '-traditional', '-outform', 'DER']);
    const k = await readPriv(via);
    const ours = writePkcs8(k);
    expect(ours).toBe(openssl(['pkey', '-in', s.pem]).toString());
    expect(writePkcs8(k, { der: true }).equals(s.pkcs8Der)).toBe(true);
    const check = opensslStatus(['pkey', '-check', '-noout', '-in', writeTmp(`${name}-ours8.pem`, ours)]);
    expect(check.out).toMatch(/valid/i);
    expect(check.ok).toBe(true);
  });

  it.each(['rsa2048', 'ed25519'] as const)('encrypted writePkcs8: PBES2/PBKDF2-SHA256/AES-256-CBC that openssl reads (%s)', async (name) => {
    const s = keys[name];
    const k = await readPriv(readFileSync(s.pem));
    const enc = writePkcs8(k, { passphrase: PASS });
    expect(enc).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/);
    const file = writeTmp(`${name}-enc8.pem`, enc);
    const asn = openssl(['asn1parse', '-in', file]).toString();
    expect(asn).toMatch(/:PBES2/);
    expect(asn).toMatch(/:PBKDF2/);
    expect(asn).toMatch(/:hmacWithSHA256/);
    expect(asn).toMatch(/:aes-256-cbc/);
    expect(asn).toContain(`INTEGER           :${PKCS8_WRITE_ITERATIONS.toString(16).toUpperCase().padStart(6, '0')}`);
    const check = opensslStatus(['pkey', '-check', '-noout', '-in', file, '-passin', `file:${f('pp')}`]);
    expect(check.ok).toBe(true);
    expect(openssl(['pkcs8', '-topk8', '-nocrypt', '-in', file, '-passin', `file:${f('pp')}`, '-outform', 'DER']).equals(s.pkcs8Der)).toBe(true);
    expect(opensslStatus(['pkey', '-noout', '-in', file, '-passin', `file:${f('wrong')}`]).ok).toBe(false);
    expectSameKey(await readPriv(enc, PASS), s);
    expect((await rejection(read(enc, 'nope'))).code).toBe(Codes.BadPassphrase);
    // DER form, with a cheap iteration count to keep the suite fast.
    const encDer = writePkcs8(k, { passphrase: PASS, der: true, iterations: 1000 });
    const dfile = writeTmp(`${name}-enc8.der`, encDer);
    expect(openssl(['pkcs8', '-topk8', '-nocrypt', '-inform', 'DER', '-in', dfile, '-passin', `file:${f('pp')}`, '-outform', 'DER']).equals(s.pkcs8Der)).toBe(true);
    expectSameKey((await read(encDer, PASS)).key, s);
  });

  it('our PKCS#12 KDF agrees with OpenSSL and with an independent implementation (RFC 7292 B.2, BMPString password)', async () => {
    // OpenSSL derives key and IV from the UTF-16BE password: files it wrote decrypt, ASCII and not.
    for (const pw of ['123456', 'Ünïcødé ✓']) {
      writeFileSync(f('pp2'), pw);
      const pem = openssl(['pkcs8', '-topk8', '-in', keys.ed25519.pem, '-v1', 'PBE-SHA1-3DES', '-passout', `file:${f('pp2')}`]);
      expectSameKey(await readPriv(pem, pw), keys.ed25519);
    }
    // A 3-block output with a 20-byte salt exercises the I_j += B + 1 carry loop; checked against Python.
    const py = execFileSync('python3', ['-c', [
      'import hashlib',
      'def kdf(pw, salt, ident, it, n):',
      '  v, u = 64, 20',
      '  P = pw.encode("utf-16-be") + b"\\0\\0"',
      '  rep = lambda b: (b * (v // len(b) + 2))[: v * (-(-len(b) // v))]',
      '  I = bytearray(rep(salt) + rep(P)); D = bytes([ident]) * v; out = b""',
      '  while len(out) < n:',
      '    A = hashlib.sha1(D + bytes(I)).digest()',
      '    for _ in range(it - 1): A = hashlib.sha1(A).digest()',
      '    out += A; B = int.from_bytes((A * 4)[:v], "big")',
      '    for j in range(0, len(I), v):',
      '      I[j:j+v] = ((int.from_bytes(I[j:j+v], "big") + B + 1) % (1 << (8 * v))).to_bytes(v, "big")',
      '  return out[:n]',
      'print(kdf("Ünïcødé ✓", bytes(range(1, 21)), 1, 2048, 48).hex())',
    ].join('\n')]).toString().trim();
    expect(py).toMatch(/^[0-9a-f]{96}$/);
    expect(pkcs12Kdf('Ünïcødé ✓', Buffer.from(Array.from({ length: 20 }, (_, i) => i + 1)), 1, 2048, 48).toString('hex')).toBe(py);
  });
});

// ---------------------------------------------------------------- refusals and damage

/** EncryptedPrivateKeyInfo around arbitrary algorithm parameters (the data is never decrypted). */
function epki(alg: Buffer, data = Buffer.alloc(32)): Buffer {
  return der.seq(alg, der.octets(data));
}
const pbes2 = (kdf: Buffer, enc = der.seq(der.oid(OID.aes256cbc), der.octets(Buffer.alloc(16)))) => der.seq(der.oid(OID.pbes2), der.seq(kdf, enc));
const pbkdf2Alg = (iter: bigint | number, prf?: Buffer) =>
  der.seq(der.oid(OID.pbkdf2), der.seq(der.octets(Buffer.alloc(8, 1)), der.uint(iter), ...(prf ? [prf] : [])));
const scryptAlg = (N: bigint | number, r: number, p: number) =>
  der.seq(der.oid(OID.scrypt), der.seq(der.octets(Buffer.alloc(8, 1)), der.uint(N), der.uint(r), der.uint(p)));
const pem8 = (d: Buffer) => `-----BEGIN ENCRYPTED PRIVATE KEY-----\n${d.toString('base64')}\n-----END ENCRYPTED PRIVATE KEY-----\n`;

describe('KDF caps are checked before any work', () => {
  const cases: [string, Buffer, RegExp][] = [
    ['PBKDF2 10,000,001 iterations', epki(pbes2(pbkdf2Alg(10_000_001))), /PBKDF2.*limit is 10000000/],
    ['PBKDF2 2^40 iterations', epki(pbes2(pbkdf2Alg(2n ** 40n))), /1099511627776 PBKDF2 iterations/],
    ['PBKDF2 2^64-1 iterations, SHA-512', epki(pbes2(pbkdf2Alg(2n ** 64n - 1n, der.seq(der.oid(OID.hmacWithSHA512), der.null())))), /PBKDF2/],
    ['scrypt N = 2^21', epki(pbes2(scryptAlg(1 << 21, 8, 1))), /scrypt N = 2097152/],
    ['scrypt r = 64', epki(pbes2(scryptAlg(1024, 64, 1))), /scrypt r = 64/],
    ['scrypt p = 1024', epki(pbes2(scryptAlg(1024, 8, 1024))), /scrypt p = 1024/],
    ['scrypt 2 GiB of memory', epki(pbes2(scryptAlg(1 << 20, 16, 1))), /bytes of scrypt memory/],
    ['PKCS#12 3DES 50M iterations', epki(der.seq(der.oid('1.2.840.113549.1.12.1.3'), der.seq(der.octets(Buffer.alloc(8)), der.uint(50_000_000)))), /PKCS#12/],
    ['PBES1 MD5-DES 50M iterations', epki(der.seq(der.oid('1.2.840.113549.1.5.3'), der.seq(der.octets(Buffer.alloc(8)), der.uint(50_000_000)))), /PBES1/],
    // The JS-looped legacy KDFs have their own, lower cap.
    ['PKCS#12 2DES 1,000,001 iterations', epki(der.seq(der.oid('1.2.840.113549.1.12.1.4'), der.seq(der.octets(Buffer.alloc(8)), der.uint(LEGACY_KDF_MAX_ITERATIONS + 1)))), /PKCS#12 PBE iterations; the limit is 1000000/],
  ];
  it.each(cases)('%s → Ec2Keys.KdfLimitExceeded, passphrase never asked', async (_l, d, msg) => {
    const s = src(PASS);
    const e = await rejection(readKey(Buffer.from(pem8(d)), { passphrase: s }));
    expect(e.code).toBe(Codes.KdfLimit);
    expect(e.message).toMatch(msg);
    expect(e.hint).toMatch(/--allow-expensive-kdf/);
    expect(s.calls).toBe(0);
    // Same through the DER path.
    expect((await rejection(readKey(d, { passphrase: s }))).code).toBe(Codes.KdfLimit);
  });

  it('allowExpensiveKdf lifts the work caps (the passphrase is then asked) but not the structural limits', async () => {
    const over = epki(pbes2(pbkdf2Alg(20_000_000)));
    expect((await rejection(readKey(over, { allowExpensiveKdf: true }))).code).toBe(Codes.PassphraseRequired);
    const huge = epki(pbes2(pbkdf2Alg(2n ** 40n)));
    const s = src(PASS);
    expect((await rejection(readKey(huge, { allowExpensiveKdf: true, passphrase: s }))).code).toBe(Codes.InvalidKeyFormat);
    expect(s.calls).toBe(0);
    for (const bad of [scryptAlg(3, 8, 1), scryptAlg(1, 8, 1), scryptAlg(1024, 0, 1), pbkdf2Alg(0)]) {
      const e = await rejection(readKey(epki(pbes2(bad)), { allowExpensiveKdf: true, passphrase: s }));
      expect(e.code).toBe(Codes.InvalidKeyFormat);
    }
    expect(s.calls).toBe(0);
  });
});

describe('unknown and unsupported algorithms', () => {
  const unknown = '1.3.6.1.4.1.99999.1.2';
  const cases: [string, Buffer, string][] = [
    ['encryption scheme', epki(der.seq(der.oid(unknown), der.null())), unknown],
    ['PBES2 KDF', epki(pbes2(der.seq(der.oid(unknown), der.seq()))), unknown],
    ['PBES2 cipher', epki(pbes2(pbkdf2Alg(2048), der.seq(der.oid(unknown), der.octets(Buffer.alloc(16))))), unknown],
    ['PBKDF2 PRF', epki(pbes2(pbkdf2Alg(2048, der.seq(der.oid(unknown), der.null())))), unknown],
    ['PBES2 AES-256-GCM', epki(pbes2(pbkdf2Alg(2048), der.seq(der.oid('2.16.840.1.101.3.4.1.46'), der.octets(Buffer.alloc(12))))), 'AES-256-GCM'],
    ['PKCS#12 RC4', epki(der.seq(der.oid('1.2.840.113549.1.12.1.1'), der.seq(der.octets(Buffer.alloc(8)), der.uint(2048)))), 'RC4'],
    ['PrivateKeyInfo algorithm', der.seq(der.uint(0), der.seq(der.oid(unknown)), der.octets(Buffer.alloc(4))), unknown],
    ['SPKI algorithm', der.seq(der.seq(der.oid(unknown)), der.bitString(Buffer.alloc(4))), unknown],
  ];
  it.each(cases)('unknown %s OID → InvalidKey.Format naming it', async (_l, d, name) => {
    const s = src(PASS);
    const e = await rejection(readKey(d, { passphrase: s }));
    expect(e.code).toBe(Codes.InvalidKeyFormat);
    expect(e.message).toContain(name);
    expect(s.calls).toBe(0);
  });

  it('ECDSA, DSA, Ed448, X25519, RSA-PSS keys are refused by name (PKCS#8, encrypted PKCS#8, SPKI, traditional PEM)', async () => {
    const gens: [string, string[], RegExp][] = [
      ['ec', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'], /ECDSA/],
      ['ed448', ['-algorithm', 'ED448'], /Ed448/],
      ['x25519', ['-algorithm', 'X25519'], /X25519/],
      ['pss', ['-algorithm', 'RSA-PSS', '-pkeyopt', 'rsa_keygen_bits:2048'], /RSA-PSS/],
    ];
    openssl(['genpkey', '-genparam', '-algorithm', 'DSA', '-pkeyopt', 'dsa_paramgen_bits:1024', '-out', f('dsaparam.pem')]);
    openssl(['genpkey', '-paramfile', f('dsaparam.pem'), '-out', f('dsa.pem')]);
    const all: [string, string, RegExp][] = [['dsa', f('dsa.pem'), /DSA/]];
    for (const [name, args, re] of gens) {
      openssl(['genpkey', ...args, '-out', f(`${name}.pem`)]);
      all.push([name, f(`${name}.pem`), re]);
    }
    for (const [name, file, re] of all) {
      const inputs: [string, Buffer, string | undefined][] = [
        ['pkcs8', readFileSync(file), undefined],
        ['pkcs8-der', openssl(['pkcs8', '-topk8', '-nocrypt', '-in', file, '-outform', 'DER']), undefined],
        ['encrypted', openssl(['pkcs8', '-topk8', '-in', file, '-v2', 'aes-256-cbc', '-passout', `file:${f('pp')}`]), PASS],
        ['spki', openssl(['pkey', '-in', file, '-pubout']), undefined],
      ];
      if (name === 'ec' || name === 'dsa') inputs.push(['traditional', openssl([name, '-in', file]), undefined]);
      for (const [how, bytes, pw] of inputs) {
        const e = await rejection(read(bytes, pw));
        expect(e.code, `${name} ${how}`).toBe(Codes.InvalidKeyFormat);
        expect(e.message, `${name} ${how}`).toMatch(re);
      }
      // A wrong passphrase on an encrypted ECDSA key is still a wrong passphrase.
      const enc = openssl(['pkcs8', '-topk8', '-in', file, '-v2', 'aes-256-cbc', '-passout', `file:${f('pp')}`]);
      expect((await rejection(read(enc, 'nope'))).code).toBe(Codes.BadPassphrase);
    }
  });
});

describe('damaged input', () => {
  it('truncated DER never loads, and only ever fails with an Ec2KeysError', async () => {
    const s = keys.rsa2048;
    const samples: Buffer[] = [
      s.pkcs8Der,
      s.spkiDer,
      keys.ed25519.pkcs8Der,
      keys.ed25519.spkiDer,
      openssl(['rsa', '-in', s.pem, '-traditional', '-outform', 'DER']),
      openssl(['rsa', '-in', s.pem, '-RSAPublicKey_out', '-outform', 'DER']),
      openssl(['pkcs8', '-topk8', '-in', s.pem, '-v2', 'aes-256-cbc', '-passout', `file:${f('pp')}`, '-outform', 'DER']),
    ];
    let n = 0;
    for (const d of samples) {
      for (const cut of [1, 2, 3, 7, 16, 17, Math.floor(d.length / 2), d.length - 2]) {
        const t = d.subarray(0, d.length - cut);
        await rejection(read(t, PASS));
        await rejection(() => parsePkcs1Der(t));
        await rejection(() => parseSpkiDer(t));
        await rejection(parsePkcs8Der(t, { passphrase: src(PASS) }));
        n++;
      }
    }
    expect(n).toBe(samples.length * 8);
  });

  it('bit flips in PKCS#1 DER: refused with an Ec2KeysError or (CRT fields) the same key', async () => {
    const d = openssl(['rsa', '-in', keys.rsa2048.pem, '-traditional', '-outform', 'DER']);
    let refused = 0;
    let same = 0;
    for (let i = 0; i < d.length; i++) {
      const x = Buffer.from(d);
      x[i] ^= 1 << (i % 8);
      try {
        const k = parsePkcs1Der(x);
        expect(pkcs8DerOf(k).equals(keys.rsa2048.pkcs8Der)).toBe(true); // only dP/dQ/qInv flips: recomputed
        same++;
      } catch (e) {
        expect(e).toBeInstanceOf(Ec2KeysError);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(d.length / 2);
    expect(same).toBeGreaterThan(0);
    expect(refused + same).toBe(d.length);
  });

  it('bit flips in PKCS#8, SPKI and encrypted data: only Ec2KeysErrors; ciphertext flips are never a silent wrong key', async () => {
    for (const d of [keys.ed25519.pkcs8Der, keys.ed25519.spkiDer, keys.rsa2048.spkiDer]) {
      let refused = 0;
      for (let i = 0; i < d.length; i++) {
        const x = Buffer.from(d);
        x[i] ^= 0x80 >> (i % 8);
        try {
          await read(x);
        } catch (e) {
          expect(e).toBeInstanceOf(Ec2KeysError);
          refused++;
        }
      }
      expect(refused).toBeGreaterThanOrEqual(10); // every header byte at least
    }
    const enc = openssl(['pkcs8', '-topk8', '-in', keys.rsa2048.pem, '-v2', 'aes-256-cbc', '-iter', '1', '-passout', `file:${f('pp')}`, '-outform', 'DER']);
    for (const i of [enc.length - 1, enc.length - 17, enc.length - 600, 120, 100]) {
      const x = Buffer.from(enc);
      x[i] ^= 0x04;
      const e = await rejection(read(x, PASS));
      expect([Codes.BadPassphrase, Codes.InvalidKeyFormat, Codes.CorruptKey]).toContain(e.code);
    }
  });

  it('RSA with inconsistent numbers (d) is a CorruptKey, and a PEM with a wrong label or garbage body is InvalidKey.Format', async () => {
    const k = (await readPriv(readFileSync(keys.rsa2048.pem))) as Extract<PrivateKey, { type: 'rsa' }>;
    const bad = encodePkcs1Der({ ...k, d: k.d + 2n });
    expect((await rejection(read(bad))).code).toBe(Codes.CorruptKey);
    expect((await rejection(read('-----BEGIN RSA PRIVATE KEY-----\nMAMCAQA=\n-----END RSA PRIVATE KEY-----\n'))).code).toBe(Codes.InvalidKeyFormat);
  });
});

describe('fuzz: random and mutated input only ever fails with an Ec2KeysError', () => {
  it('parsers', async () => {
    const seeds = [
      keys.rsa2048.pkcs8Der,
      keys.ed25519.pkcs8Der,
      keys.ed25519.spkiDer,
      keys.rsa2048.spkiDer,
      openssl(['rsa', '-in', keys.rsa2048.pem, '-RSAPublicKey_out', '-outform', 'DER']),
      openssl(['pkcs8', '-topk8', '-in', keys.ed25519.pem, '-v2', 'aes-128-cbc', '-iter', '1', '-passout', `file:${f('pp')}`, '-outform', 'DER']),
      openssl(['pkcs8', '-topk8', '-in', keys.ed25519.pem, '-v1', 'PBE-SHA1-3DES', '-iter', '1', '-passout', `file:${f('pp')}`, '-outform', 'DER']),
    ];
    const mutated = fc.tuple(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), fc.nat())
      .map(([seed, edits, cut]) => {
        const x = Buffer.from(seed);
        for (const [pos, val] of edits) x[pos % x.length] = val;
        return cut % 4 === 0 ? x.subarray(0, cut % x.length) : x;
      });
    const input = fc.oneof(mutated, fc.uint8Array({ minLength: 0, maxLength: 200 }).map((a) => Buffer.concat([Buffer.from([0x30, a.length & 0x7f]), a])));
    await fc.assert(
      fc.asyncProperty(input, async (x) => {
        for (const run of [
          () => parsePkcs8Der(x, { passphrase: src(PASS) }),
          () => parseSpkiDer(x),
          () => parsePkcs1Der(x),
          () => parseRsaPublicDer(x),
          () => readKey(x, { passphrase: src(PASS) }),
        ]) {
          try {
            await run();
          } catch (e) {
            if (!(e instanceof Ec2KeysError)) throw e;
          }
        }
      }),
      { numRuns: 400 },
    );
  });
});

// ---------------------------------------------------------------- corpus

const CORPUS = corpusDir();
interface Entry {
  file: string;
  kind: string;
  format: string;
  keyType: string;
  passphrase: string | null;
  expect: 'ok' | 'reject';
  optional?: boolean;
  importedFingerprint?: string;
  createdFingerprint?: string;
}
const manifest: { files: Entry[] } = JSON.parse(readFileSync(path.join(CORPUS, 'manifest.json'), 'utf8'));
const ours = manifest.files.filter((e) => /^(pkcs1|pkcs8|spki|der-public|sec1|dsa-pem|x509)/.test(e.format));

/**
 * Files whose RSA key is stored in a non-canonical form: p < q, or a dP/dQ that is a valid but
 * different exponent from d mod (p−1). The model orders p > q and recomputes the CRT values
 * (never trusting them), so the "created" fingerprint (SHA-1 of the PKCS#8 re-encoding) of these
 * would differ from openssl's, which keeps the stored numbers — so the model keeps the stored
 * DER (RsaPrivateKey.storedDer) and the created fingerprint hashes that, matching openssl.
 */
const NON_CANONICAL = new Set([
  'node-sshpk/test/assets/ppk3.pem',
  'node-sshpk/test/assets/rsa-ppk',
  'pyca-cryptography/asymmetric/DER_Serialization/enc-rsa-pkcs8.der',
  'pyca-cryptography/asymmetric/DER_Serialization/unenc-rsa-pkcs8.der',
  'pyca-cryptography/asymmetric/PKCS8/enc-rsa-pkcs8.pem',
  'pyca-cryptography/asymmetric/PKCS8/enc2-rsa-pkcs8.pem',
  'pyca-cryptography/asymmetric/PKCS8/unenc-rsa-pkcs8.pem',
]);

describe('matchesFingerprint (retrieve: is the key in SSM this pair\'s?)', () => {
  it('takes every form EC2 shows for the key, and the SHA-1-of-SPKI form of EC2 emulators, and no other key\'s', async () => {
    const rsa = (await readKey(readFileSync(keys.rsa2048.pem))).key as PrivateKey;
    const other = (await readKey(readFileSync(keys.rsa3072.pem))).key as PrivateKey;
    const ed = (await readKey(readFileSync(keys.ed25519.pem))).key as PrivateKey;
    const sha1 = (b: Buffer) => openssl(['sha1', '-c'], b).toString().replace(/^.*= /, '').trim();
    const md5 = (b: Buffer) => openssl(['md5', '-c'], b).toString().replace(/^.*= /, '').trim();
    // What openssl says the forms are (ec2-semantics.md §1).
    expect(createdFingerprint(rsa)).toBe(sha1(keys.rsa2048.pkcs8Der));
    expect(importedFingerprint(rsa)).toBe(md5(keys.rsa2048.spkiDer));
    expect(spkiSha1Fingerprint(rsa)).toBe(sha1(keys.rsa2048.spkiDer));
    for (const fp of [createdFingerprint(rsa), importedFingerprint(rsa), spkiSha1Fingerprint(rsa), createdFingerprint(rsa).toUpperCase(), sha256Fingerprint(rsa)]) {
      expect(matchesFingerprint(rsa, fp), fp).toBe(true);
      expect(matchesFingerprint(other, fp), fp).toBe(false);
    }
    expect(matchesFingerprint(rsa, importedFingerprint(other))).toBe(false);
    // The public half alone: the created (private-key) form cannot be checked, the others can.
    const pub = { type: 'rsa', n: rsa.type === 'rsa' ? rsa.n : 0n, e: rsa.type === 'rsa' ? rsa.e : 0n } as PublicKey;
    expect(matchesFingerprint(pub, importedFingerprint(rsa))).toBe(true);
    expect(matchesFingerprint(pub, createdFingerprint(rsa))).toBe(false);
    // ED25519: padded or not.
    expect(matchesFingerprint(ed, importedFingerprint(ed))).toBe(true);
    expect(matchesFingerprint(ed, importedFingerprint(ed).replace(/=+$/, ''))).toBe(true);
    expect(matchesFingerprint(ed, importedFingerprint(rsa))).toBe(false);
    // base64 is case-sensitive: a case-folded ED25519 fingerprint names no key.
    const swapped = importedFingerprint(ed).replace(/[a-z]/gi, (c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()));
    expect(matchesFingerprint(ed, swapped)).toBe(false);
  });

  it('fingerprintKind tells the forms apart (verify counts only imported and created)', async () => {
    const rsa = (await readKey(readFileSync(keys.rsa2048.pem))).key as PrivateKey;
    const ed = (await readKey(readFileSync(keys.ed25519.pem))).key as PrivateKey;
    expect(fingerprintKind(rsa, importedFingerprint(rsa))).toBe('imported');
    expect(fingerprintKind(rsa, ` ${createdFingerprint(rsa).toUpperCase()} `)).toBe('created');
    expect(fingerprintKind(rsa, sha256Fingerprint(rsa))).toBe('sha256');
    expect(fingerprintKind(rsa, spkiSha1Fingerprint(rsa))).toBe('emulator-created');
    expect(fingerprintKind(ed, createdFingerprint(ed))).toBe('imported');
    // ED25519's EC2 form is ssh-keygen's SHA-256, padded: the same fingerprint.
    expect(fingerprintKind(ed, sha256Fingerprint(ed))).toBe('imported');
    expect(fingerprintKind(rsa, importedFingerprint(ed))).toBeUndefined();
    expect(fingerprintKind(rsa, '')).toBeUndefined();
  });
});

describe('corpus', () => {
  it('has the files this suite is about', () => {
    expect(ours.length).toBeGreaterThan(80);
  });
  it.each(ours.map((e) => [e.file, e] as const))('%s', async (_f, e) => {
    const file = path.join(CORPUS, e.file);
    const bytes = readFileSync(file);
    const opts: ReadOptions = { passphrase: e.passphrase === null ? undefined : src(e.passphrase), what: e.file };
    let r: ReadResult;
    try {
      r = await readKey(bytes, opts);
    } catch (err) {
      expect(err, `${e.file}: ${(err as Error).message}`).toBeInstanceOf(Ec2KeysError);
      if (e.expect === 'ok' && !e.optional) throw err;
      return;
    }
    expect(e.expect, `${e.file} loaded but the manifest expects a refusal`).toBe('ok');
    expect(importedFingerprint(r.key)).toBe(e.importedFingerprint);
    if (r.kind === 'private' && r.key.type === 'rsa' && e.createdFingerprint) {
      // The numbers exactly as stored, through openssl.
      const stored = execFileSync('openssl', ['rsa', '-in', file, '-traditional', '-outform', 'DER', '-passin', 'env:PEMTEST_PW', ...LEGACY], {
        env: { ...process.env, PEMTEST_PW: e.passphrase ?? '' }, stdio: ['pipe', 'pipe', 'pipe'],
      });
      const canonical = encodePkcs1Der(r.key).equals(stored);
      expect(canonical, `${e.file}: canonical form`).toBe(!NON_CANONICAL.has(e.file));
      // Either way the created fingerprint is over the key as stored, like openssl's.
      expect(createdFingerprint(r.key)).toBe(e.createdFingerprint);
    }
  });
});
