// SubjectPublicKeyInfo (RFC 5280 §4.1.2.7): `BEGIN PUBLIC KEY`, raw DER, and the base64 DER that
// EC2's ImportKeyPair accepts ("(RSA only) Base64 encoded DER format", ec2-semantics.md §2).
// RSA (RFC 3279 §2.3.1: rsaEncryption, NULL parameters, BIT STRING holding a PKCS#1
// RSAPublicKey) and Ed25519 (RFC 8410 §4: id-Ed25519, parameters absent, 32-byte key).
// ECDSA, DSA, Ed448, X25519/X448, RSA-PSS and DH are named and refused; unknown OIDs are named.
//
// Limits: strict DER (DerReader: bounded lengths, no trailing data); RSA 1024..16384 bits and a
// sane exponent (checkRsaPublic); Ed25519 exactly 32 bytes. The DER we write is what
// `openssl pkey -pubout` writes, byte for byte (the imported-RSA fingerprint is MD5 over it).

import { formatError } from '../errors.js';
import { der, DerReader, OID, TAG } from './der.js';
import { checkEd25519Public, unsupportedType, type PublicKey } from './model.js';
import { encodeRsaPublicDer, parseRsaPublicDer } from './pkcs1.js';
import { writePem } from './text.js';

/** Algorithm OIDs we recognise but refuse, mapped to the names unsupportedType() knows. */
export const REFUSED_KEY_OIDS: Record<string, string> = {
  [OID.ecPublicKey]: 'ec',
  [OID.dsa]: 'dsa',
  [OID.ed448]: 'ed448',
  [OID.x25519]: 'x25519',
  '1.3.101.111': 'x448',
  [OID.rsaPss]: 'rsa-pss',
  '1.2.840.10046.2.1': 'X9.42 Diffie-Hellman',
  '1.2.840.113549.1.3.1': 'PKCS#3 Diffie-Hellman',
  '1.2.156.10197.1.301': 'SM2',
  '1.2.643.7.1.1.1.1': 'GOST R 34.10-2012',
};

/** Refuse a key algorithm OID: a named unsupported type, or "unknown algorithm <oid>". */
export function refuseKeyOid(oid: string, what: string): never {
  const name = REFUSED_KEY_OIDS[oid];
  if (name) throw unsupportedType(name);
  throw formatError(`${what} uses the unknown key algorithm OID ${oid}; supported: rsaEncryption (1.2.840.113549.1.1.1), Ed25519 (1.3.101.112)`);
}

/** SubjectPublicKeyInfo DER → RSA or Ed25519 public key. */
export function parseSpkiDer(buf: Buffer): PublicKey {
  const what = 'SubjectPublicKeyInfo public key';
  const outer = new DerReader(buf, what);
  const r = outer.seq();
  outer.end();
  const alg = r.seq();
  const oid = alg.oid();
  const params = alg.done ? undefined : alg.next();
  alg.end();
  const bits = r.bitString();
  r.end();
  if (oid === OID.rsaEncryption) {
    // RFC 3279 says NULL; a missing parameter is tolerated the way OpenSSL tolerates it.
    if (params && params.tag !== TAG.NULL) throw formatError(`${what}: rsaEncryption parameters must be NULL`);
    return parseRsaPublicDer(bits);
  }
  if (oid === OID.ed25519) {
    if (params) throw formatError(`${what}: Ed25519 must have no algorithm parameters (RFC 8410)`);
    checkEd25519Public(bits);
    return { type: 'ed25519', pub: Buffer.from(bits) };
  }
  refuseKeyOid(oid, what);
}

/** DER SubjectPublicKeyInfo, identical to `openssl pkey -pubout -outform DER`. */
export function spkiDerOf(pub: PublicKey): Buffer {
  if (pub.type === 'rsa') {
    return der.seq(der.seq(der.oid(OID.rsaEncryption), der.null()), der.bitString(encodeRsaPublicDer(pub)));
  }
  checkEd25519Public(pub.pub);
  return der.seq(der.seq(der.oid(OID.ed25519)), der.bitString(Buffer.from(pub.pub)));
}

/** `-----BEGIN PUBLIC KEY-----` (64-column base64, LF), as `openssl pkey -pubout` writes. */
export function writeSpkiPem(pub: PublicKey): string {
  return writePem('PUBLIC KEY', spkiDerOf(pub));
}
