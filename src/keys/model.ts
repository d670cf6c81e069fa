// The in-memory key model every format reads into and writes from, plus the checks that
// node:crypto does not do for us (ppk.md §2: a JWK with an inconsistent RSA `d` or a
// mismatched Ed25519 `x` is accepted by createPrivateKey, so we do the arithmetic ourselves).
//
// Limits enforced here (hostile input, issue #3): RSA modulus 1024..16384 bits, public
// exponent odd and 3 <= e < 2^64.

import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { corruptError, formatError } from '../errors.js';

export interface RsaPrivateKey {
  type: 'rsa';
  n: bigint;
  e: bigint;
  d: bigint;
  /** Larger prime first (PuTTY and OpenSSL order). */
  p: bigint;
  q: bigint;
  dp: bigint;
  dq: bigint;
  /** q^-1 mod p */
  qi: bigint;
  /**
   * The RSAPrivateKey DER exactly as a PKCS#1/PKCS#8 file stored it, kept only when it differs
   * from our canonical re-encoding (p < q, or other valid CRT values). EC2's created fingerprint
   * is SHA-1 over the key as stored (`openssl pkcs8 -topk8 | openssl sha1 -c`), so fingerprint.ts
   * hashes these bytes; everything else uses the checked, canonical numbers.
   */
  storedDer?: Buffer;
}

export interface Ed25519PrivateKey {
  type: 'ed25519';
  /** RFC 8032 32-byte seed (PuTTY's k, OpenSSH's sk[0:32], PKCS#8's inner OCTET STRING). */
  seed: Buffer;
  /** 32-byte public key A. */
  pub: Buffer;
}

export type PrivateKey = RsaPrivateKey | Ed25519PrivateKey;

export interface RsaPublicKey {
  type: 'rsa';
  n: bigint;
  e: bigint;
}
export interface Ed25519PublicKey {
  type: 'ed25519';
  pub: Buffer;
}
export type PublicKey = RsaPublicKey | Ed25519PublicKey;
export type KeyType = PublicKey['type'];

export const RSA_MIN_BITS = 1024;
export const RSA_MAX_BITS = 16384;

// ---------------------------------------------------------------- bigint <-> bytes

export function bufToBig(b: Uint8Array): bigint {
  if (b.length === 0) return 0n;
  return BigInt('0x' + Buffer.from(b).toString('hex'));
}

/** Minimal unsigned big-endian bytes (zero is one 0x00 byte unless `empty0`). */
export function bigToBuf(x: bigint, minLen = 0): Buffer {
  if (x < 0n) throw new RangeError('negative');
  let h = x.toString(16);
  if (h.length % 2) h = '0' + h;
  let b = Buffer.from(h, 'hex');
  if (x === 0n) b = Buffer.alloc(0);
  if (b.length < minLen) b = Buffer.concat([Buffer.alloc(minLen - b.length), b]);
  return b;
}

export function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

export function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let r = 1n;
  base %= mod;
  while (exp > 0n) {
    if (exp & 1n) r = (r * base) % mod;
    base = (base * base) % mod;
    exp >>= 1n;
  }
  return r;
}

export function modInverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [((a % m) + m) % m, m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  if (oldR !== 1n) throw corruptError('RSA key is inconsistent: the primes are not coprime');
  return ((oldS % m) + m) % m;
}

const b64url = (x: bigint) => bigToBuf(x).toString('base64url');
const fromB64url = (s: string | undefined) => bufToBig(Buffer.from(s ?? '', 'base64url'));

// ---------------------------------------------------------------- RSA

export function checkRsaPublic(n: bigint, e: bigint): void {
  const bits = bitLength(n);
  if (bits < RSA_MIN_BITS || bits > RSA_MAX_BITS) {
    throw formatError(
      `RSA key of ${bits} bits; accepted sizes are ${RSA_MIN_BITS} to ${RSA_MAX_BITS} bits`,
      bits < RSA_MIN_BITS ? 'EC2 refuses RSA keys below 1024 bits; create a new 2048-bit key' : undefined,
    );
  }
  if (e < 3n || (e & 1n) === 0n || bitLength(e) > 64 || (n & 1n) === 0n) {
    throw formatError(`RSA key has an invalid public exponent or modulus (e = ${e})`);
  }
}

/**
 * Build a checked RSA private key from (n?, e, d, p, q). The CRT values are recomputed and the
 * primes ordered p > q, so a stored iqmp/dP/dQ is never trusted (ppk.md §2, row 20).
 */
export function rsaFromPrimes(parts: { n?: bigint; e: bigint; d: bigint; p: bigint; q: bigint; /** The file's q⁻¹ mod p: used only if it checks out. */ qi?: bigint }): RsaPrivateKey {
  let { p, q } = parts;
  const { e, d } = parts;
  if (p < q) [p, q] = [q, p];
  if (q < 2n) throw corruptError('RSA key is inconsistent: a prime is zero or one');
  const n = p * q;
  if (parts.n !== undefined && parts.n !== n) throw corruptError('RSA key is inconsistent: n is not p·q');
  checkRsaPublic(n, e);
  if (d <= 0n || d >= n) throw corruptError('RSA key is inconsistent: d is out of range');
  // e·d ≡ 1 mod (p−1) and mod (q−1); not mod φ(n), OpenSSL reduces d mod λ(n).
  if ((e * d) % (p - 1n) !== 1n || (e * d) % (q - 1n) !== 1n) {
    throw corruptError('RSA key is inconsistent: d does not match e, p and q');
  }
  // A stored q⁻¹ mod p is checked with one multiplication (q·qi ≡ 1 mod p, which also proves p and
  // q coprime) instead of being recomputed: the extended Euclid costs ~2.5 ms per 2048-bit key.
  const given = parts.qi;
  const qi = given !== undefined && given > 0n && given < p && (given * q) % p === 1n ? given : modInverse(q, p);
  return { type: 'rsa', n, e, d, p, q, dp: d % (p - 1n), dq: d % (q - 1n), qi };
}

// ---------------------------------------------------------------- Ed25519

const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function ed25519PublicFromSeed(seed: Uint8Array): Buffer {
  if (seed.length !== 32) throw formatError(`Ed25519 private key must be 32 bytes, saw ${seed.length}`);
  const ko = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const jwk = createPublicKey(ko).export({ format: 'jwk' });
  return Buffer.from(jwk.x as string, 'base64url');
}

/** Checked Ed25519 key; if `pub` is given it must be the one derived from the seed (ppk.md row 17). */
export function ed25519FromSeed(seed: Uint8Array, pub?: Uint8Array): Ed25519PrivateKey {
  const derived = ed25519PublicFromSeed(seed);
  if (pub !== undefined && !derived.equals(Buffer.from(pub))) {
    throw corruptError('Ed25519 private key does not match its public key');
  }
  return { type: 'ed25519', seed: Buffer.from(seed), pub: derived };
}

export function checkEd25519Public(pub: Uint8Array): void {
  if (pub.length !== 32) throw formatError(`Ed25519 public key must be 32 bytes, saw ${pub.length}`);
}

// ---------------------------------------------------------------- node:crypto bridges

export function publicOf(k: PrivateKey | PublicKey): PublicKey {
  return k.type === 'rsa' ? { type: 'rsa', n: k.n, e: k.e } : { type: 'ed25519', pub: Buffer.from(k.pub) };
}

export function toKeyObject(k: PrivateKey): KeyObject {
  if (k.type === 'rsa') {
    return createPrivateKey({
      format: 'jwk',
      key: {
        kty: 'RSA', n: b64url(k.n), e: b64url(k.e), d: b64url(k.d), p: b64url(k.p), q: b64url(k.q),
        dp: b64url(k.dp), dq: b64url(k.dq), qi: b64url(k.qi),
      },
    });
  }
  return createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, k.seed]), format: 'der', type: 'pkcs8' });
}

export function toPublicKeyObject(k: PublicKey | PrivateKey): KeyObject {
  if (k.type === 'rsa') return createPublicKey({ format: 'jwk', key: { kty: 'RSA', n: b64url(k.n), e: b64url(k.e) } });
  return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, k.pub]), format: 'der', type: 'spki' });
}

/** Our model from a node KeyObject (private). Rejects key types other than RSA and Ed25519. */
export function fromKeyObject(ko: KeyObject): PrivateKey {
  const t = ko.asymmetricKeyType;
  if (t === 'rsa') {
    const j = ko.export({ format: 'jwk' });
    return rsaFromPrimes({ n: fromB64url(j.n), e: fromB64url(j.e), d: fromB64url(j.d), p: fromB64url(j.p), q: fromB64url(j.q), qi: fromB64url(j.qi) });
  }
  if (t === 'ed25519') {
    const j = ko.export({ format: 'jwk' });
    return ed25519FromSeed(Buffer.from(j.d as string, 'base64url'), Buffer.from(j.x as string, 'base64url'));
  }
  throw unsupportedType(t ?? 'unknown');
}

export function publicFromKeyObject(ko: KeyObject): PublicKey {
  const t = ko.asymmetricKeyType;
  const j = ko.export({ format: 'jwk' });
  if (t === 'rsa') {
    const k = { type: 'rsa' as const, n: fromB64url(j.n), e: fromB64url(j.e) };
    checkRsaPublic(k.n, k.e);
    return k;
  }
  if (t === 'ed25519') return { type: 'ed25519', pub: Buffer.from(j.x as string, 'base64url') };
  throw unsupportedType(t ?? 'unknown');
}

/** DSA, ECDSA, Ed448, RSA-PSS...: named, refused (EC2 answers InvalidKey.Format for these too). */
export function unsupportedType(seen: string) {
  const names: Record<string, string> = {
    dsa: 'DSA', dss: 'DSA', 'ssh-dss': 'DSA', ec: 'ECDSA', ecdsa: 'ECDSA', ed448: 'Ed448', 'rsa-pss': 'RSA-PSS', x25519: 'X25519', x448: 'X448',
  };
  const name = names[seen.toLowerCase()] ?? (seen.startsWith('ecdsa-') ? 'ECDSA' : seen);
  return formatError(`found ${/^[AEIOUX]/i.test(name) ? 'an' : 'a'} ${name} key; ec2keys and EC2 support RSA and ED25519 keys only`,
    'create a new RSA key with `ec2keys new NAME` (ED25519 works only for Linux instances)');
}

export function sameKey(a: PublicKey | PrivateKey, b: PublicKey | PrivateKey): boolean {
  if (a.type === 'rsa' && b.type === 'rsa') return a.n === b.n && a.e === b.e;
  if (a.type === 'ed25519' && b.type === 'ed25519') return Buffer.from(a.pub).equals(Buffer.from(b.pub));
  return false;
}

export function keyBits(k: PublicKey | PrivateKey): number {
  return k.type === 'rsa' ? bitLength(k.n) : 256;
}
