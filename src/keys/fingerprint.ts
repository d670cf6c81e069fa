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

/**
 * SHA-1 of the DER SubjectPublicKeyInfo: what moto (and the emulators built on it) report for an
 * RSA pair they created, where EC2 hashes the PKCS#8 private key (ec2-semantics.md §0). No EC2
 * pair carries it; it names the same public key, so accepting it cannot pass a wrong key.
 */
export function spkiSha1Fingerprint(k: PublicKey | PrivateKey): string {
  return colonHex(createHash('sha1').update(spkiDer(k)).digest());
}

/** Which form of this key's fingerprints `fp` is (EC2's by origin, ssh-keygen's, or an emulator's). */
export type FingerprintKind = 'imported' | 'created' | 'sha256' | 'emulator-created';

/**
 * Which of this key's fingerprints `fp` is: EC2's imported form (also ED25519's one form), its
 * created form (private keys only), ssh-keygen's SHA256:, or the SHA-1-of-SPKI form EC2 emulators
 * give created pairs (spkiSha1Fingerprint); undefined when it names another key. Padding is
 * optional; colon hex compares case-insensitively, base64 exactly.
 */
export function fingerprintKind(k: PublicKey | PrivateKey, fp: string): FingerprintKind | undefined {
  const norm = (s: string) => {
    const t = s.trim();
    return t.includes(':') && /^[0-9a-f:]+$/i.test(t) ? t.toLowerCase() : t.replace(/^SHA256:/, '').replace(/=+$/, '');
  };
  const want = norm(fp);
  const cands: [FingerprintKind, () => string][] = [
    ['imported', () => importedFingerprint(k)],
    ['created', () => ('d' in k || 'seed' in k ? createdFingerprint(k as PrivateKey) : '')],
    ['sha256', () => sha256Fingerprint(k)],
    ['emulator-created', () => (k.type === 'rsa' ? spkiSha1Fingerprint(k) : '')],
  ];
  for (const [kind, make] of cands) {
    const c = make();
    if (c && norm(c) === want) return kind;
  }
  return undefined;
}

/** Does `fp` (any form fingerprintKind knows) name this key? */
export function matchesFingerprint(k: PublicKey | PrivateKey, fp: string): boolean {
  return fingerprintKind(k, fp) !== undefined;
}
