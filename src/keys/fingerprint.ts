// EC2 key fingerprints, exactly as EC2 computes them (../shared/reference/ec2-semantics.md §1):
//   created RSA  = SHA-1 of the DER PKCS#8 PrivateKeyInfo, lower-case colon hex
//   imported RSA = MD5 of the DER SubjectPublicKeyInfo, lower-case colon hex
//                  (NOT RFC 4716 §4's MD5 of the SSH blob, despite the API model's wording)
//   ED25519      = SHA-256 of the SSH wire blob, standard base64 WITH '=' padding (created and imported)
// plus OpenSSH's `SHA256:` + unpadded base64 (what `ssh-keygen -l` prints).

import { createHash } from 'node:crypto';
import { toKeyObject, toPublicKeyObject, type PrivateKey, type PublicKey } from './model.js';
import { publicBlob } from './ssh-public.js';
import { der, OID } from './der.js';

const colonHex = (b: Buffer) => b.toString('hex').replace(/(..)(?!$)/g, '$1:');

export function spkiDer(k: PublicKey | PrivateKey): Buffer {
  return toPublicKeyObject(k).export({ type: 'spki', format: 'der' });
}

/** PKCS#8 DER of the key; for an RSA key read from a file, of the RSAPrivateKey as the file stored it. */
export function pkcs8Der(k: PrivateKey): Buffer {
  if (k.type === 'rsa' && k.storedDer) {
    return der.seq(der.uint(0), der.seq(der.oid(OID.rsaEncryption), der.null()), der.octets(k.storedDer));
  }
  return toKeyObject(k).export({ type: 'pkcs8', format: 'der' });
}

/** What EC2 shows after ImportKeyPair. */
export function importedFingerprint(k: PublicKey | PrivateKey): string {
  if (k.type === 'ed25519') return ed25519Fingerprint(k);
  return colonHex(createHash('md5').update(spkiDer(k)).digest());
}

/** What EC2 shows after CreateKeyPair (needs the private key for RSA). */
export function createdFingerprint(k: PrivateKey): string {
  if (k.type === 'ed25519') return ed25519Fingerprint(k);
  return colonHex(createHash('sha1').update(pkcs8Der(k)).digest());
}

function ed25519Fingerprint(k: PublicKey | PrivateKey): string {
  return createHash('sha256').update(publicBlob(toPublic(k))).digest('base64');
}

/** `ssh-keygen -l` form: SHA256:<unpadded base64>. */
export function sha256Fingerprint(k: PublicKey | PrivateKey): string {
  return 'SHA256:' + createHash('sha256').update(publicBlob(toPublic(k))).digest('base64').replace(/=+$/, '');
}

/** `ssh-keygen -l -E md5` form (MD5 of the SSH blob), shown for people comparing with PuTTYgen. */
export function md5SshFingerprint(k: PublicKey | PrivateKey): string {
  return 'MD5:' + colonHex(createHash('md5').update(publicBlob(toPublic(k))).digest());
}

function toPublic(k: PublicKey | PrivateKey): PublicKey {
  return k.type === 'rsa' ? { type: 'rsa', n: k.n, e: k.e } : { type: 'ed25519', pub: k.pub };
}

/** Does `fp` (any EC2 form, padding optional, case-insensitive hex) name this key? */
export function matchesFingerprint(k: PublicKey | PrivateKey, fp: string): boolean {
  const want = fp.trim();
  const cands = [importedFingerprint(k), sha256Fingerprint(k)];
  if ('d' in k || 'seed' in k) cands.push(createdFingerprint(k as PrivateKey));
  const norm = (s: string) => (s.includes(':') && /^[0-9a-f:]+$/i.test(s) ? s.toLowerCase() : s.replace(/^SHA256:/, '').replace(/=+$/, ''));
  return cands.some((c) => norm(c) === norm(want));
}
