// PKCS#8 private keys: PrivateKeyInfo / OneAsymmetricKey (RFC 5208, RFC 5958; `BEGIN PRIVATE KEY`
// and DER) and EncryptedPrivateKeyInfo (`BEGIN ENCRYPTED PRIVATE KEY`).
//   keys:    rsaEncryption (RFC 8017 A.1 inside the OCTET STRING), Ed25519 (RFC 8410 §7, with the
//            optional [1] publicKey of OneAsymmetricKey checked against the seed). ECDSA, DSA,
//            Ed448, X25519/X448, RSA-PSS are named and refused; unknown OIDs are named.
//   schemes: PBES2 (RFC 8018 §6.2) with PBKDF2 (PRF hmacWithSHA1 by default, SHA-224/256/384/512,
//            SHA-512/224, SHA-512/256) or scrypt (RFC 7914 §7), ciphers AES-128/192/256-CBC,
//            DES-EDE3-CBC, DES-CBC; PBES1 (RFC 8018 §6.1: MD5/SHA-1 with DES or RC2); the PKCS#12
//            PBEs (RFC 7292 appendix B/C: SHA-1 with 3-key and 2-key 3DES, 128- and 40-bit RC2).
//            The KDFs run on node:crypto hashes; only single DES and RC2 go through node-forge
//            (lazily, see pkcs1.ts cbcDecrypt), because Node 20's default provider lacks them.
//
// Limits (limits.ts, issue #3): PBKDF2 iterations ≤ PBKDF2.maxIterations; PBKDF1 and PKCS#12
// iterations ≤ LEGACY_KDF_MAX_ITERATIONS (below); scrypt N, r, p and memory ≤ SCRYPT. All are
// checked while parsing the parameters, before a
// passphrase is asked for and before any KDF work or allocation; over a cap is
// Ec2Keys.KdfLimitExceeded unless `allowExpensiveKdf`. Structural limits are never lifted.
// A wrong passphrase shows as bad CBC padding or a decryption that is not a DER PrivateKeyInfo
// (there is no MAC), reported as Ec2Keys.BadPassphrase.
//
// Writing: `BEGIN PRIVATE KEY` byte-identical to `openssl pkey`; encrypted output is PBES2 with
// PBKDF2-HMAC-SHA256 and AES-256-CBC, 16-byte salt (NIST SP 800-132: ≥ 128 bits) and 600,000
// iterations (OWASP's 2023 figure for PBKDF2-HMAC-SHA256; about 120 ms here, the same order as
// ssh-keygen's and PuTTY's own KDF calibration, and well under our 10M read cap). OpenSSL 3.0's
// default of 2048 iterations costs an attacker ~300× less per guess; every reader (openssl,
// ssh-keygen, pyca, .NET, Java) accepts any count.

import { createHash, hash, pbkdf2 as pbkdf2Cb, pbkdf2Sync, randomBytes, scrypt as scryptCb, type ScryptOptions } from 'node:crypto';
import { badPassphrase, Codes, corruptError, Ec2KeysError, formatError, passphraseRequired } from '../errors.js';
import { der, DerReader, OID, TAG, type DerNode } from './der.js';
import { PBKDF2, SCRYPT } from './limits.js';
import { ed25519FromSeed, type PrivateKey } from './model.js';
import { CBC, cbcDecrypt, cbcEncrypt, encodePkcs1Der, parsePkcs1Der, parseRsaPublicDer, rc2Spec, type CbcSpec } from './pkcs1.js';
import { refuseKeyOid } from './spki.js';
import { writePem } from './text.js';
import { askPassphrase, type ReadOptions, type ReadPrivateResult } from './types.js';

/** PBKDF2 iterations we write (see the header comment for why). */
export const PKCS8_WRITE_ITERATIONS = 600_000;

/**
 * Cap on PBKDF1 (PBES1) and PKCS#12 PBE iterations. These KDFs loop in JS (one native hash call
 * per iteration, ~3–6 µs here) and PKCS#12 runs the loop three times (key blocks + IV), so
 * PBKDF2's 10M cap would mean minutes. OpenSSL writes 2048, Java's PKCS#12 10,000–50,000, .NET
 * samples 100,000; 1M is ~10 s at worst. `allowExpensiveKdf` lifts it like the others.
 */
export const LEGACY_KDF_MAX_ITERATIONS = 1_000_000;

const PBES1 = {
  md2Des: '1.2.840.113549.1.5.1',
  md5Des: '1.2.840.113549.1.5.3',
  md2Rc2: '1.2.840.113549.1.5.4',
  md5Rc2: '1.2.840.113549.1.5.6',
  sha1Des: '1.2.840.113549.1.5.10',
  sha1Rc2: '1.2.840.113549.1.5.11',
} as const;

const P12 = {
  rc4128: '1.2.840.113549.1.12.1.1',
  rc440: '1.2.840.113549.1.12.1.2',
  des3: '1.2.840.113549.1.12.1.3',
  des2: '1.2.840.113549.1.12.1.4',
  rc2128: '1.2.840.113549.1.12.1.5',
  rc240: '1.2.840.113549.1.12.1.6',
} as const;

const PRF: Record<string, string> = {
  [OID.hmacWithSHA1]: 'sha1',
  [OID.hmacWithSHA224]: 'sha224',
  [OID.hmacWithSHA256]: 'sha256',
  [OID.hmacWithSHA384]: 'sha384',
  [OID.hmacWithSHA512]: 'sha512',
  '1.2.840.113549.2.12': 'sha512-224',
  '1.2.840.113549.2.13': 'sha512-256',
};

const PBES2_CIPHERS: Record<string, CbcSpec> = {
  [OID.aes128cbc]: CBC['aes-128-cbc'],
  [OID.aes192cbc]: CBC['aes-192-cbc'],
  [OID.aes256cbc]: CBC['aes-256-cbc'],
  [OID.desEde3cbc]: CBC['des-ede3-cbc'],
  [OID.desCbc]: CBC['des-cbc'],
};

/** Names for OIDs we recognise but do not support, so the message says what it saw. */
const KNOWN_UNSUPPORTED: Record<string, string> = {
  [PBES1.md2Des]: 'pbeWithMD2AndDES-CBC (MD2)',
  [PBES1.md2Rc2]: 'pbeWithMD2AndRC2-CBC (MD2)',
  [P12.rc4128]: 'pbeWithSHAAnd128BitRC4 (RC4)',
  [P12.rc440]: 'pbeWithSHAAnd40BitRC4 (RC4)',
  '1.2.840.113549.1.5.14': 'PBMAC1 (a MAC scheme, not an encryption scheme)',
  '1.2.840.113549.3.2': 'RC2-CBC',
  '1.2.840.113549.3.4': 'RC4',
  '1.2.840.113549.3.9': 'RC5-CBC-Pad',
  '2.16.840.1.101.3.4.1.6': 'AES-128-GCM',
  '2.16.840.1.101.3.4.1.26': 'AES-192-GCM',
  '2.16.840.1.101.3.4.1.46': 'AES-256-GCM',
  '1.2.840.113549.1.9.16.3.18': 'ChaCha20-Poly1305',
};

const SUPPORTED_SCHEMES =
  'PBES2 (PBKDF2 or scrypt; AES-128/192/256-CBC, DES-EDE3-CBC, DES-CBC), PBES1 (MD5/SHA-1 with DES or RC2), ' +
  'PKCS#12 (SHA-1 with 3DES or RC2)';

function unknownOid(what: string, role: string, oid: string, supported: string): never {
  const known = KNOWN_UNSUPPORTED[oid];
  throw formatError(`${what} uses ${role} ${known ? `${known}, OID ${oid}` : `OID ${oid}`}, which is not supported; supported: ${supported}`,
    'convert it with `openssl pkcs8 -topk8 -v2 aes-256-cbc` first');
}

function kdfLimit(what: string, detail: string): Ec2KeysError {
  return new Ec2KeysError(Codes.KdfLimit, `${what} asks for ${detail}`, {
    hint: 'this much key-derivation work is refused by default; if you trust the file, run again with --allow-expensive-kdf',
  });
}

// ---------------------------------------------------------------- PrivateKeyInfo

interface DecodedPki {
  version: bigint;
  oid: string;
  params?: DerNode;
  privateKey: Buffer;
  publicKey?: Buffer;
}

/** Structural parse of PrivateKeyInfo / OneAsymmetricKey (RFC 5958 §2). */
function decodePrivateKeyInfo(buf: Buffer, what: string): DecodedPki {
  const outer = new DerReader(buf, what);
  const r = outer.seq();
  outer.end();
  const version = r.uint();
  if (version > 1n) r.fail(`PrivateKeyInfo version ${version}; expected 0 or 1`);
  const alg = r.seq();
  const oid = alg.oid();
  const params = alg.done ? undefined : alg.next();
  alg.end();
  const privateKey = r.octets();
  let publicKey: Buffer | undefined;
  if (r.peekTag() === 0xa0) r.next(0xa0); // attributes: ignored
  if (r.peekTag() === 0x81) {
    // [1] IMPLICIT BIT STRING: first content byte is the unused-bits count.
    const v = r.next(0x81).value;
    if (v.length === 0 || v[0] !== 0) r.fail('publicKey BIT STRING with unused bits');
    publicKey = v.subarray(1);
  } else if (r.peekTag() === 0xa1) {
    // Seen from some encoders: [1] EXPLICIT around a BIT STRING. Same content.
    const inner = new DerReader(r.next(0xa1).value, what);
    publicKey = inner.bitString();
    inner.end();
  }
  r.end();
  if (publicKey && version !== 1n) r.fail('a publicKey field needs version 1 (RFC 5958)');
  return { version, oid, params, privateKey, publicKey };
}

function keyFromPki(k: DecodedPki, what: string): PrivateKey {
  if (k.oid === OID.rsaEncryption) {
    if (k.params && k.params.tag !== TAG.NULL) throw formatError(`${what}: rsaEncryption parameters must be NULL`);
    const key = parsePkcs1Der(k.privateKey);
    if (k.publicKey) {
      const pub = parseRsaPublicDer(k.publicKey);
      if (pub.n !== key.n || pub.e !== key.e) throw corruptError(`${what}: the RSA private key does not match its public key`);
    }
    return key;
  }
  if (k.oid === OID.ed25519) {
    if (k.params) throw formatError(`${what}: Ed25519 must have no algorithm parameters (RFC 8410)`);
    // RFC 8410 §7: the privateKey OCTET STRING holds CurvePrivateKey, itself an OCTET STRING.
    const r = new DerReader(k.privateKey, `${what} (Ed25519 private key)`);
    const seed = r.octets();
    r.end();
    if (seed.length !== 32) throw formatError(`${what}: Ed25519 private key must be 32 bytes, saw ${seed.length}`);
    if (k.publicKey && k.publicKey.length !== 32) throw formatError(`${what}: Ed25519 public key must be 32 bytes, saw ${k.publicKey.length}`);
    return ed25519FromSeed(seed, k.publicKey);
  }
  refuseKeyOid(k.oid, what);
}

/** PrivateKeyInfo DER, identical to `openssl pkey -outform DER` (version 0, no attributes). */
export function pkcs8DerOf(key: PrivateKey): Buffer {
  if (key.type === 'rsa') {
    return der.seq(der.uint(0), der.seq(der.oid(OID.rsaEncryption), der.null()), der.octets(encodePkcs1Der(key)));
  }
  return der.seq(der.uint(0), der.seq(der.oid(OID.ed25519)), der.octets(der.octets(Buffer.from(key.seed))));
}

// ---------------------------------------------------------------- encryption schemes

type Kdf =
  | { kind: 'pbkdf2'; salt: Buffer; iterations: number; prf: string }
  | { kind: 'scrypt'; salt: Buffer; N: number; r: number; p: number }
  | { kind: 'pbkdf1'; hash: 'md5' | 'sha1'; salt: Buffer; iterations: number }
  | { kind: 'pkcs12'; salt: Buffer; iterations: number };

interface Scheme {
  kdf: Kdf;
  spec: CbcSpec;
  /** Fixed IV (PBES2); PBES1 and PKCS#12 derive it. */
  iv?: Buffer;
}

/** An iteration count: ≥ 1, under `cap` unless lifted, and never beyond what the KDFs take. */
function iterationCount(r: DerReader, what: string, kdfName: string, opts: ReadOptions, cap: number): number {
  const it = r.uint();
  if (it < 1n) r.fail(`${kdfName} iteration count is 0`);
  if (it > BigInt(cap) && !opts.allowExpensiveKdf) throw kdfLimit(what, `${it} ${kdfName} iterations; the limit is ${cap}`);
  if (it > 0x7fffffffn) r.fail(`${kdfName} iteration count ${it} is larger than 2^31-1`);
  return Number(it);
}

function parsePbkdf2(params: DerReader, what: string, opts: ReadOptions): { kdf: Kdf; keyLength?: number } {
  if (params.peekTag() !== TAG.OCTET_STRING) params.fail('PBKDF2 salt must be an OCTET STRING (otherSource is not supported)');
  const salt = params.octets();
  const iterations = iterationCount(params, what, 'PBKDF2', opts, PBKDF2.maxIterations);
  let keyLength: number | undefined;
  if (params.peekTag() === TAG.INTEGER) keyLength = params.int();
  let prf = 'sha1'; // RFC 8018 A.2: DEFAULT algid-hmacWithSHA1
  if (!params.done) {
    const a = params.seq();
    const oid = a.oid();
    if (!a.done) a.next(TAG.NULL);
    a.end();
    const h = PRF[oid];
    if (!h) unknownOid(what, 'the PBKDF2 PRF', oid, 'hmacWithSHA1, hmacWithSHA224, hmacWithSHA256, hmacWithSHA384, hmacWithSHA512');
    prf = h;
  }
  params.end();
  return { kdf: { kind: 'pbkdf2', salt, iterations, prf }, keyLength };
}

function parseScrypt(params: DerReader, what: string, opts: ReadOptions): { kdf: Kdf; keyLength?: number } {
  const salt = params.octets();
  const Nb = params.uint();
  const rb = params.uint();
  const pb = params.uint();
  let keyLength: number | undefined;
  if (!params.done) keyLength = params.int();
  params.end();
  // Structure first (RFC 7914 §2: N a power of two > 1, r ≥ 1, p ≥ 1) — never lifted.
  if (Nb < 2n || (Nb & (Nb - 1n)) !== 0n) params.fail(`scrypt N = ${Nb} is not a power of two greater than 1`);
  if (rb < 1n || pb < 1n) params.fail(`scrypt r = ${rb}, p = ${pb}; both must be at least 1`);
  if (!opts.allowExpensiveKdf) {
    const mem = 128n * rb * (Nb + pb);
    if (Nb > BigInt(SCRYPT.maxN)) throw kdfLimit(what, `scrypt N = ${Nb}; the limit is ${SCRYPT.maxN}`);
    if (rb > BigInt(SCRYPT.maxR)) throw kdfLimit(what, `scrypt r = ${rb}; the limit is ${SCRYPT.maxR}`);
    if (pb > BigInt(SCRYPT.maxP)) throw kdfLimit(what, `scrypt p = ${pb}; the limit is ${SCRYPT.maxP}`);
    if (mem > BigInt(SCRYPT.maxMemoryBytes)) {
      throw kdfLimit(what, `${mem} bytes of scrypt memory (N = ${Nb}, r = ${rb}); the limit is ${SCRYPT.maxMemoryBytes}`);
    }
  }
  // Beyond what Node's scrypt can take at all (even when the caps are lifted).
  if (Nb > 2n ** 40n || rb > 2n ** 20n || pb > 2n ** 20n) params.fail(`scrypt parameters N = ${Nb}, r = ${rb}, p = ${pb} are out of range`);
  return { kdf: { kind: 'scrypt', salt, N: Number(Nb), r: Number(rb), p: Number(pb) }, keyLength };
}

function parsePbes2(params: DerNode, what: string, opts: ReadOptions): Scheme {
  const r = new DerReader(params.raw, what).seq();
  const kdfAlg = r.seq();
  const encAlg = r.seq();
  r.end();
  // The cipher first: its key length is needed to check PBKDF2's keyLength.
  const encOid = encAlg.oid();
  const spec = PBES2_CIPHERS[encOid];
  if (!spec) unknownOid(what, 'the PBES2 cipher', encOid, 'AES-128/192/256-CBC, DES-EDE3-CBC, DES-CBC');
  const iv = encAlg.octets();
  encAlg.end();
  if (iv.length !== spec.block) encAlg.fail(`${spec.cipher} IV must be ${spec.block} bytes, saw ${iv.length}`);

  const kdfOid = kdfAlg.oid();
  let parsed: { kdf: Kdf; keyLength?: number };
  if (kdfOid === OID.pbkdf2) parsed = parsePbkdf2(kdfAlg.seq(), what, opts);
  else if (kdfOid === OID.scrypt) parsed = parseScrypt(kdfAlg.seq(), what, opts);
  else unknownOid(what, 'the PBES2 key-derivation function', kdfOid, 'PBKDF2, scrypt');
  kdfAlg.end();
  if (parsed.keyLength !== undefined && parsed.keyLength !== spec.keyLen) {
    kdfAlg.fail(`key length ${parsed.keyLength} does not match ${spec.cipher} (${spec.keyLen} bytes)`);
  }
  return { kdf: parsed.kdf, spec, iv };
}

/** PBES1 and PKCS#12 parameters: SEQUENCE { salt OCTET STRING, iterations INTEGER }. */
function parseSaltIter(params: DerNode | undefined, what: string, kdfName: string, opts: ReadOptions): { salt: Buffer; iterations: number } {
  if (!params || params.tag !== TAG.SEQUENCE) throw formatError(`${what} is malformed: ${kdfName} parameters missing`);
  const r = new DerReader(params.value, what);
  const salt = r.octets();
  const iterations = iterationCount(r, what, kdfName, opts, LEGACY_KDF_MAX_ITERATIONS);
  r.end();
  return { salt, iterations };
}

function parseScheme(oid: string, params: DerNode | undefined, what: string, opts: ReadOptions): Scheme {
  if (oid === OID.pbes2) {
    if (!params || params.tag !== TAG.SEQUENCE) throw formatError(`${what} is malformed: PBES2 parameters missing`);
    return parsePbes2(params, what, opts);
  }
  const pbes1: Record<string, [hash: 'md5' | 'sha1', spec: CbcSpec]> = {
    [PBES1.md5Des]: ['md5', CBC['des-cbc']],
    [PBES1.sha1Des]: ['sha1', CBC['des-cbc']],
    [PBES1.md5Rc2]: ['md5', rc2Spec(8, 64)],
    [PBES1.sha1Rc2]: ['sha1', rc2Spec(8, 64)],
  };
  if (pbes1[oid]) {
    const [hash, spec] = pbes1[oid];
    const { salt, iterations } = parseSaltIter(params, what, 'PBES1', opts);
    if (salt.length !== 8) throw formatError(`${what} is malformed: PBES1 salt must be 8 bytes, saw ${salt.length}`);
    return { kdf: { kind: 'pbkdf1', hash, salt, iterations }, spec };
  }
  const p12: Record<string, CbcSpec> = {
    [P12.des3]: CBC['des-ede3-cbc'],
    [P12.des2]: CBC['des-ede-cbc'],
    [P12.rc2128]: rc2Spec(16, 128),
    [P12.rc240]: rc2Spec(5, 40),
  };
  if (p12[oid]) {
    const { salt, iterations } = parseSaltIter(params, what, 'PKCS#12 PBE', opts);
    return { kdf: { kind: 'pkcs12', salt, iterations }, spec: p12[oid] };
  }
  unknownOid(what, 'the encryption scheme', oid, SUPPORTED_SCHEMES);
}

/** RFC 8018 §5.1 PBKDF1: T1 = H(P ‖ S), Ti = H(Ti−1); 16 bytes = DES/RC2 key ‖ IV. */
function pbkdf1(alg: 'md5' | 'sha1', pass: Buffer, salt: Buffer, iterations: number): Buffer {
  let t = createHash(alg).update(pass).update(salt).digest();
  for (let i = 1; i < iterations; i++) t = hash(alg, t, 'buffer');
  return t.subarray(0, 16);
}

/**
 * RFC 7292 appendix B.2 with SHA-1 (u = 20, v = 64). The password is the BMPString (UTF-16BE)
 * with a two-byte NUL terminator, as OpenSSL's PKCS12_key_gen_utf8 makes it.
 */
export function pkcs12Kdf(password: string, salt: Buffer, id: 1 | 2 | 3, iterations: number, n: number): Buffer {
  const u = 20;
  const v = 64;
  const pw = Buffer.concat([Buffer.from(password, 'utf16le').swap16(), Buffer.alloc(2)]);
  const rep = (b: Buffer) => {
    const len = v * Math.ceil(b.length / v);
    const out = Buffer.alloc(len);
    for (let i = 0; i < len; i++) out[i] = b[i % b.length];
    return out;
  };
  const I = Buffer.concat([salt.length ? rep(salt) : Buffer.alloc(0), rep(pw)]);
  const D = Buffer.alloc(v, id);
  const out: Buffer[] = [];
  for (let have = 0; have < n; have += u) {
    let a = createHash('sha1').update(D).update(I).digest();
    for (let i = 1; i < iterations; i++) a = hash('sha1', a, 'buffer');
    out.push(a);
    // I_j = (I_j + B + 1) mod 2^(8v), B = A repeated to v bytes.
    const B = rep(a).subarray(0, v);
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const x = I[j + k] + B[k] + carry;
        I[j + k] = x & 0xff;
        carry = x >> 8;
      }
    }
  }
  return Buffer.concat(out).subarray(0, n);
}

const pbkdf2Async = (pass: Buffer, salt: Buffer, it: number, len: number, digest: string) =>
  new Promise<Buffer>((res, rej) => pbkdf2Cb(pass, salt, it, len, digest, (e, k) => (e ? rej(e) : res(k))));
const scryptAsync = (pass: Buffer, salt: Buffer, len: number, o: ScryptOptions) =>
  new Promise<Buffer>((res, rej) => scryptCb(pass, salt, len, o, (e, k) => (e ? rej(e) : res(k))));

async function deriveKeyIv(s: Scheme, pass: string, what: string): Promise<{ key: Buffer; iv: Buffer }> {
  const pw = Buffer.from(pass, 'utf8');
  const { kdf, spec } = s;
  try {
    switch (kdf.kind) {
      case 'pbkdf2':
        return { key: await pbkdf2Async(pw, kdf.salt, kdf.iterations, spec.keyLen, kdf.prf), iv: s.iv! };
      case 'scrypt': {
        const maxmem = 128 * kdf.r * (kdf.N + kdf.p) + 1024 * 1024;
        return { key: await scryptAsync(pw, kdf.salt, spec.keyLen, { N: kdf.N, r: kdf.r, p: kdf.p, maxmem }), iv: s.iv! };
      }
      case 'pbkdf1': {
        const dk = pbkdf1(kdf.hash, pw, kdf.salt, kdf.iterations);
        return { key: dk.subarray(0, 8), iv: dk.subarray(8, 16) };
      }
      case 'pkcs12':
        return {
          key: pkcs12Kdf(pass, kdf.salt, 1, kdf.iterations, spec.keyLen),
          iv: pkcs12Kdf(pass, kdf.salt, 2, kdf.iterations, spec.block),
        };
    }
  } catch (e) {
    throw formatError(`${what}: key derivation failed (${(e as Error).message})`, undefined, e);
  }
}

// ---------------------------------------------------------------- reading

/** PKCS#8 DER: PrivateKeyInfo or EncryptedPrivateKeyInfo (told apart by the first element). */
export async function parsePkcs8Der(buf: Buffer, opts: ReadOptions): Promise<ReadPrivateResult> {
  const what = opts.what ?? 'the PKCS#8 key';
  const outer = new DerReader(buf, what);
  const r = outer.seq();
  outer.end();
  if (r.peekTag() === TAG.INTEGER) {
    const k = decodePrivateKeyInfo(buf, what);
    return { kind: 'private', key: keyFromPki(k, what), format: 'pkcs8', encrypted: false };
  }
  // EncryptedPrivateKeyInfo ::= SEQUENCE { encryptionAlgorithm AlgorithmIdentifier, encryptedData OCTET STRING }
  const alg = r.seq();
  const data = r.octets();
  r.end();
  const oid = alg.oid();
  const params = alg.done ? undefined : alg.next();
  alg.end();
  const scheme = parseScheme(oid, params, what, opts); // all caps checked here, before anything costly
  if (data.length === 0 || data.length % scheme.spec.block !== 0) {
    throw formatError(`${what} is damaged: encrypted data of ${data.length} bytes is not a whole number of ${scheme.spec.block}-byte blocks`);
  }
  const pass = await askPassphrase(opts, what);
  if (pass === undefined) throw passphraseRequired(what);
  const { key, iv } = await deriveKeyIv(scheme, pass, what);
  const plain = await cbcDecrypt(scheme.spec, key, iv, data);
  if (!plain) throw badPassphrase(what);
  let k: DecodedPki;
  try {
    k = decodePrivateKeyInfo(plain, what);
  } catch (e) {
    // Right padding by chance (~1/256 of wrong passphrases) but not a DER PrivateKeyInfo.
    if (e instanceof Ec2KeysError && e.code === Codes.InvalidKeyFormat) throw badPassphrase(what);
    throw e;
  }
  return { kind: 'private', key: keyFromPki(k, what), format: 'pkcs8', encrypted: true };
}

// ---------------------------------------------------------------- writing

export interface Pkcs8WriteOptions {
  /** Encrypt (PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC); none or '' writes `BEGIN PRIVATE KEY`. */
  passphrase?: string;
  /** Return DER bytes instead of PEM text. */
  der?: boolean;
  /** Salt and IV source, for byte-exact tests. */
  random?: (n: number) => Buffer;
  /** PBKDF2 iterations; default PKCS8_WRITE_ITERATIONS. */
  iterations?: number;
}

/** EncryptedPrivateKeyInfo DER of `plain` (a PrivateKeyInfo). */
function encryptPki(plain: Buffer, passphrase: string, opts: Pkcs8WriteOptions): Buffer {
  const rnd = opts.random ?? randomBytes;
  const spec = CBC['aes-256-cbc'];
  const iterations = opts.iterations ?? PKCS8_WRITE_ITERATIONS;
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > PBKDF2.maxIterations) {
    throw new Ec2KeysError(Codes.InvalidParameterValue, `PBKDF2 iteration count ${iterations}; accepted: 1 to ${PBKDF2.maxIterations}`);
  }
  const salt = rnd(16);
  const iv = rnd(spec.block);
  if (salt.length !== 16 || iv.length !== spec.block) throw new Ec2KeysError(Codes.Internal, 'random source returned the wrong length');
  const key = pbkdf2Sync(Buffer.from(passphrase, 'utf8'), salt, iterations, spec.keyLen, 'sha256');
  const algorithm = der.seq(
    der.oid(OID.pbes2),
    der.seq(
      der.seq(der.oid(OID.pbkdf2), der.seq(der.octets(salt), der.uint(iterations), der.seq(der.oid(OID.hmacWithSHA256), der.null()))),
      der.seq(der.oid(OID.aes256cbc), der.octets(iv)),
    ),
  );
  return der.seq(algorithm, der.octets(cbcEncrypt(spec, key, iv, plain)));
}

/**
 * PKCS#8 for RSA or Ed25519. Unencrypted: `BEGIN PRIVATE KEY`, byte-identical to `openssl pkey`.
 * With a passphrase: `BEGIN ENCRYPTED PRIVATE KEY`, PBES2 / PBKDF2-HMAC-SHA256 / AES-256-CBC.
 */
export function writePkcs8(key: PrivateKey, opts: Pkcs8WriteOptions & { der: true }): Buffer;
export function writePkcs8(key: PrivateKey, opts?: Pkcs8WriteOptions & { der?: false }): string;
export function writePkcs8(key: PrivateKey, opts?: Pkcs8WriteOptions): string | Buffer;
export function writePkcs8(key: PrivateKey, opts: Pkcs8WriteOptions = {}): string | Buffer {
  const plain = pkcs8DerOf(key);
  if (!opts.passphrase) return opts.der ? plain : writePem('PRIVATE KEY', plain);
  const enc = encryptPki(plain, opts.passphrase, opts);
  return opts.der ? enc : writePem('ENCRYPTED PRIVATE KEY', enc);
}
