// PKCS#1 RSA keys (RFC 8017 appendix A.1): RSAPrivateKey (`BEGIN RSA PRIVATE KEY`, and raw DER)
// and RSAPublicKey (`BEGIN RSA PUBLIC KEY`), plus OpenSSL's legacy PEM encryption (RFC 1421
// `Proc-Type: 4,ENCRYPTED` / `DEK-Info: <cipher>,<IV hex>` headers; key = EVP_BytesToKey with
// MD5, one iteration, salt = the first 8 IV bytes — what `openssl rsa -aes256` and every
// `ssh-keygen -m PEM -N pass` file use).
//
// Also home of the CBC helpers pkcs8.ts shares (AES, 3DES via node:crypto; single DES and RC2,
// which Node 20's default OpenSSL provider lacks, via node-forge loaded lazily).
//
// Limits and checks: the DER is parsed strictly by DerReader (every length bounded, no
// trailing data); version 0 only (two primes; multi-prime keys are refused by name); the CRT
// values in the file are never trusted — rsaFromPrimes checks n = p·q and e·d ≡ 1 and
// recomputes dP, dQ, qInv (and enforces 1024..16384 bits). A wrong passphrase shows up as bad
// CBC padding or as plaintext that is not a DER RSAPrivateKey (x/crypto/ssh's observation:
// legacy PEM encryption has no MAC), and is reported as Ec2Keys.BadPassphrase.

import { createCipheriv, createDecipheriv, createHash, getCiphers, randomBytes } from 'node:crypto';
import { badPassphrase, Codes, Ec2KeysError, formatError, passphraseRequired } from '../errors.js';
import { der, DerReader, TAG } from './der.js';
import { checkRsaPublic, rsaFromPrimes, type RsaPrivateKey, type RsaPublicKey } from './model.js';
import { writePem, type PemBlock } from './text.js';
import { askPassphrase, type ReadOptions, type ReadPrivateResult } from './types.js';

// ---------------------------------------------------------------- CBC ciphers (shared with pkcs8.ts)

export type CbcCipher = 'aes-128-cbc' | 'aes-192-cbc' | 'aes-256-cbc' | 'des-ede3-cbc' | 'des-ede-cbc' | 'des-cbc' | 'rc2-cbc';

export interface CbcSpec {
  cipher: CbcCipher;
  keyLen: number;
  block: number;
  /** RC2 effective key bits (RFC 2268); only for rc2-cbc. */
  rc2Bits?: number;
}

export const CBC: Record<Exclude<CbcCipher, 'rc2-cbc'>, CbcSpec> = {
  'aes-128-cbc': { cipher: 'aes-128-cbc', keyLen: 16, block: 16 },
  'aes-192-cbc': { cipher: 'aes-192-cbc', keyLen: 24, block: 16 },
  'aes-256-cbc': { cipher: 'aes-256-cbc', keyLen: 32, block: 16 },
  'des-ede3-cbc': { cipher: 'des-ede3-cbc', keyLen: 24, block: 8 },
  // Two-key 3DES: K1‖K2‖K1 as three-key 3DES, so only des-ede3-cbc is needed from OpenSSL.
  'des-ede-cbc': { cipher: 'des-ede-cbc', keyLen: 16, block: 8 },
  'des-cbc': { cipher: 'des-cbc', keyLen: 8, block: 8 },
};

export function rc2Spec(keyLen: number, effectiveBits: number): CbcSpec {
  return { cipher: 'rc2-cbc', keyLen, block: 8, rc2Bits: effectiveBits };
}

/** Strict PKCS#7 unpadding; undefined when the padding is wrong (the usual sign of a wrong passphrase). */
export function unpadPkcs7(b: Buffer, block: number): Buffer | undefined {
  if (b.length === 0 || b.length % block !== 0) return undefined;
  const n = b[b.length - 1];
  if (n < 1 || n > block) return undefined;
  for (let i = b.length - n; i < b.length; i++) if (b[i] !== n) return undefined;
  return b.subarray(0, b.length - n);
}

let nodeHasDes: boolean | undefined;

/**
 * CBC-decrypt `data` (whole blocks, checked by the caller) and strip the PKCS#7 padding.
 * Returns undefined when the padding is wrong.
 */
export async function cbcDecrypt(spec: CbcSpec, key: Buffer, iv: Buffer, data: Buffer): Promise<Buffer | undefined> {
  if (key.length !== spec.keyLen || iv.length !== spec.block) throw new Ec2KeysError(Codes.Internal, `bad key or IV length for ${spec.cipher}`);
  let plain: Buffer;
  if (spec.cipher === 'rc2-cbc' || (spec.cipher === 'des-cbc' && !(nodeHasDes ??= getCiphers().includes('des-cbc')))) {
    plain = await forgeDecrypt(spec, key, iv, data);
  } else {
    const [name, k] = spec.cipher === 'des-ede-cbc' ? ['des-ede3-cbc', Buffer.concat([key, key.subarray(0, 8)])] : [spec.cipher, key];
    try {
      const d = createDecipheriv(name, k, iv).setAutoPadding(false);
      plain = Buffer.concat([d.update(data), d.final()]);
    } catch (e) {
      throw formatError(`cannot decrypt with ${spec.cipher} here: ${(e as Error).message}`, undefined, e);
    }
  }
  return unpadPkcs7(plain, spec.block);
}

/** Single DES and RC2 through node-forge (pure JS), loaded only on this path. */
async function forgeDecrypt(spec: CbcSpec, key: Buffer, iv: Buffer, data: Buffer): Promise<Buffer> {
  const forge = (await import('node-forge')).default;
  const bin = (b: Buffer) => forge.util.createBuffer(b.toString('binary'));
  const noPad = () => true; // we check the padding ourselves, strictly
  let out: string;
  if (spec.cipher === 'rc2-cbc') {
    const c = forge.rc2.createDecryptionCipher(bin(key), spec.rc2Bits ?? key.length * 8);
    c.start(bin(iv));
    c.update(bin(data));
    c.finish(noPad);
    out = c.output.getBytes();
  } else {
    const c = forge.cipher.createDecipher('DES-CBC', bin(key));
    c.start({ iv: bin(iv) });
    c.update(bin(data));
    (c.finish as unknown as (pad: () => boolean) => boolean)(noPad);
    out = c.output.getBytes();
  }
  return Buffer.from(out, 'binary');
}

/** CBC-encrypt with PKCS#7 padding (writers use AES only). */
export function cbcEncrypt(spec: CbcSpec, key: Buffer, iv: Buffer, data: Buffer): Buffer {
  const c = createCipheriv(spec.cipher, key, iv);
  return Buffer.concat([c.update(data), c.final()]);
}

// ---------------------------------------------------------------- DER

interface RsaParts {
  n: bigint;
  e: bigint;
  d: bigint;
  p: bigint;
  q: bigint;
  qi?: bigint;
}

/**
 * Structural parse of RSAPrivateKey (no arithmetic). Every failure here is an InvalidKey.Format
 * from DerReader, which the encrypted path maps to "wrong passphrase".
 */
function decodePkcs1Der(buf: Buffer, what: string): RsaParts & { version: bigint; raw: Buffer } {
  const outer = new DerReader(buf, what);
  const r = outer.seq();
  outer.end();
  const version = r.uint();
  if (version > 1n) r.fail(`version ${version}; expected 0`);
  const n = r.uint();
  const e = r.uint();
  const d = r.uint();
  const p = r.uint();
  const q = r.uint();
  // dP, dQ are read to check the structure, then recomputed; qInv is used only if it checks out.
  r.uint();
  r.uint();
  const qi = r.uint();
  // Version 1 (multi-prime) has otherPrimeInfos after qInv; refused by the caller.
  if (version === 0n) r.end();
  else r.next(TAG.SEQUENCE);
  return { version, n, e, d, p, q, qi, raw: buf };
}

function rsaFromDecoded(parts: RsaParts & { version: bigint; raw?: Buffer }): RsaPrivateKey {
  if (parts.version !== 0n) {
    throw formatError('found a multi-prime RSA key (PKCS#1 version 1, more than two primes); only two-prime RSA keys are supported',
      'create a new two-prime RSA key with `ec2keys new NAME`');
  }
  const key = rsaFromPrimes(parts);
  // Keep the stored encoding when it is not ours (p < q, other CRT values): EC2's created
  // fingerprint hashes the key as stored (model.ts, storedDer).
  if (parts.raw && !encodePkcs1Der(key).equals(parts.raw)) key.storedDer = Buffer.from(parts.raw);
  return key;
}

/** PKCS#1 RSAPrivateKey DER → checked key (CRT values recomputed). */
export function parsePkcs1Der(buf: Buffer): RsaPrivateKey {
  return rsaFromDecoded(decodePkcs1Der(buf, 'PKCS#1 RSA private key'));
}

/** PKCS#1 RSAPublicKey DER: SEQUENCE { modulus, publicExponent }. */
export function parseRsaPublicDer(buf: Buffer): RsaPublicKey {
  const outer = new DerReader(buf, 'PKCS#1 RSA public key');
  const r = outer.seq();
  outer.end();
  const n = r.uint();
  const e = r.uint();
  r.end();
  checkRsaPublic(n, e);
  return { type: 'rsa', n, e };
}

/** RSAPrivateKey DER as OpenSSL writes it: version 0, n, e, d, p, q, dP, dQ, qInv. */
export function encodePkcs1Der(key: RsaPrivateKey): Buffer {
  return der.seq(der.uint(0), der.uint(key.n), der.uint(key.e), der.uint(key.d), der.uint(key.p), der.uint(key.q),
    der.uint(key.dp), der.uint(key.dq), der.uint(key.qi));
}

export function encodeRsaPublicDer(pub: RsaPublicKey): Buffer {
  return der.seq(der.uint(pub.n), der.uint(pub.e));
}

// ---------------------------------------------------------------- legacy PEM encryption

/** DEK-Info cipher names OpenSSL writes (`openssl rsa -aes128|-aes192|-aes256|-des3|-des`). */
const DEK_CIPHERS: Record<string, CbcSpec> = {
  'AES-128-CBC': CBC['aes-128-cbc'],
  'AES-192-CBC': CBC['aes-192-cbc'],
  'AES-256-CBC': CBC['aes-256-cbc'],
  'DES-EDE3-CBC': CBC['des-ede3-cbc'],
  'DES-EDE-CBC': CBC['des-ede-cbc'],
  'DES-CBC': CBC['des-cbc'],
};

/** EVP_BytesToKey(MD5, salt, pass, count = 1): D_i = MD5(D_{i-1} ‖ pass ‖ salt). */
export function evpBytesToKey(pass: Buffer, salt: Buffer, keyLen: number): Buffer {
  const out: Buffer[] = [];
  let prev = Buffer.alloc(0);
  let have = 0;
  while (have < keyLen) {
    prev = createHash('md5').update(prev).update(pass).update(salt).digest();
    out.push(prev);
    have += prev.length;
  }
  return Buffer.concat(out).subarray(0, keyLen);
}

function parseDekInfo(block: PemBlock, what: string): { spec: CbcSpec; name: string; iv: Buffer } {
  const procType = block.headers.get('Proc-Type');
  const dek = block.headers.get('DEK-Info');
  if (procType?.replace(/\s+/g, '') !== '4,ENCRYPTED') {
    throw formatError(`${what} has a Proc-Type header "${(procType ?? '').slice(0, 40)}"; expected "4,ENCRYPTED"`);
  }
  if (dek === undefined) throw formatError(`${what} says it is encrypted (Proc-Type: 4,ENCRYPTED) but has no DEK-Info header`);
  const m = /^([A-Za-z0-9-]+)\s*,\s*([0-9A-Fa-f]*)\s*$/.exec(dek);
  if (!m) throw formatError(`${what} has a malformed DEK-Info header "${dek.slice(0, 60)}"; expected "CIPHER,IV-HEX"`);
  const name = m[1].toUpperCase();
  const spec = DEK_CIPHERS[name];
  if (!spec) {
    throw formatError(`${what} is encrypted with ${m[1].slice(0, 40)}; supported PEM ciphers: ${Object.keys(DEK_CIPHERS).join(', ')}`,
      'convert it with `openssl rsa -aes256` or `openssl pkcs8 -topk8` first');
  }
  if (m[2].length !== spec.block * 2) {
    throw formatError(`${what}: DEK-Info IV for ${name} must be ${spec.block * 2} hex digits, saw ${m[2].length}`);
  }
  return { spec, name, iv: Buffer.from(m[2], 'hex') };
}

/** `BEGIN RSA PRIVATE KEY`, plain or with OpenSSL's legacy encryption. */
export async function parsePkcs1Pem(block: PemBlock, opts: ReadOptions): Promise<ReadPrivateResult> {
  const what = opts.what ?? 'the RSA private key';
  const encrypted = block.headers.has('Proc-Type') || block.headers.has('DEK-Info');
  if (!encrypted) {
    if (block.headers.size) {
      const h = [...block.headers.keys()][0];
      throw formatError(`${what} has an unexpected PEM header "${h.slice(0, 40)}"; only Proc-Type and DEK-Info are known`);
    }
    return { kind: 'private', key: parsePkcs1Der(block.body), format: 'pkcs1', encrypted: false };
  }
  const { spec, iv } = parseDekInfo(block, what);
  const body = block.body;
  if (body.length === 0 || body.length % spec.block !== 0) {
    throw formatError(`${what} is damaged: encrypted data of ${body.length} bytes is not a whole number of ${spec.block}-byte blocks`);
  }
  const pass = await askPassphrase(opts, what);
  if (pass === undefined) throw passphraseRequired(what);
  const key = evpBytesToKey(Buffer.from(pass, 'utf8'), iv.subarray(0, 8), spec.keyLen);
  const plain = await cbcDecrypt(spec, key, iv, body);
  if (!plain) throw badPassphrase(what);
  let parts: ReturnType<typeof decodePkcs1Der>;
  try {
    parts = decodePkcs1Der(plain, what);
  } catch (e) {
    // The padding comes out right by chance about once in 256 wrong passphrases; a strict DER
    // RSAPrivateKey does not.
    if (e instanceof Ec2KeysError && e.code === Codes.InvalidKeyFormat) throw badPassphrase(what);
    throw e;
  }
  return { kind: 'private', key: rsaFromDecoded(parts), format: 'pkcs1', encrypted: true };
}

export interface Pkcs1WriteOptions {
  /** Encrypt (AES-256-CBC, OpenSSL legacy PEM encryption); none or '' writes plain PKCS#1. */
  passphrase?: string;
  /** IV source, for byte-exact tests. */
  random?: (n: number) => Buffer;
}

/**
 * `-----BEGIN RSA PRIVATE KEY-----`, 64-column base64, LF, exactly as `openssl genrsa -traditional`
 * and EC2's CreateKeyPair write it. With a passphrase: `Proc-Type: 4,ENCRYPTED` and
 * `DEK-Info: AES-256-CBC,<IV upper hex>`, as `openssl rsa -traditional -aes256` writes.
 */
export function writePkcs1(key: RsaPrivateKey, opts: Pkcs1WriteOptions = {}): string {
  const body = encodePkcs1Der(key);
  if (!opts.passphrase) return writePem('RSA PRIVATE KEY', body);
  const spec = CBC['aes-256-cbc'];
  const iv = (opts.random ?? randomBytes)(spec.block);
  if (iv.length !== spec.block) throw new Ec2KeysError(Codes.Internal, 'random source returned the wrong length');
  const k = evpBytesToKey(Buffer.from(opts.passphrase, 'utf8'), iv.subarray(0, 8), spec.keyLen);
  return writePem('RSA PRIVATE KEY', cbcEncrypt(spec, k, iv, body), [
    ['Proc-Type', '4,ENCRYPTED'],
    ['DEK-Info', `AES-256-CBC,${iv.toString('hex').toUpperCase()}`],
  ]);
}

/** `-----BEGIN RSA PUBLIC KEY-----` (PKCS#1 RSAPublicKey), as `openssl rsa -RSAPublicKey_out` writes. */
export function writeRsaPublicPem(pub: RsaPublicKey): string {
  return writePem('RSA PUBLIC KEY', encodeRsaPublicDer(pub));
}
