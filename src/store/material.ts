// Key material for the stores: generating a pair the way EC2's CreateKeyPair does, and checking
// and fingerprinting a public key for ImportKeyPair (../shared/reference/ec2-semantics.md §1, §3).
// Loaded lazily (create/import only), so listing the registry never pays for key code.
//
//   RSA      keys/generate.ts (node:crypto, never a pure-JS generator: runtime.md), e = 65537,
//            KeyMaterial = unencrypted PKCS#1 PEM ("BEGIN RSA PRIVATE KEY"), as EC2 returns it;
//            created fingerprint = SHA-1 of the PKCS#8 DER.
//   ED25519  KeyMaterial = unencrypted OpenSSH private key (what EC2's KeyFormat=pem gives), the
//            key name as its comment; fingerprint = padded base64 SHA-256 of the SSH blob.
// Limits: RSA 2048/3072/4096 bits (checked by the caller, names.ts); imported keys pass the key
// model's checks again (RSA 1024..16384 bits, sane exponent; Ed25519 32 bytes), InvalidKey.Format.

import { formatError } from '../errors.js';
import { createdFingerprint, importedFingerprint } from '../keys/fingerprint.js';
import { generateKeyObject } from '../keys/generate.js';
import { checkEd25519Public, checkRsaPublic, fromKeyObject, publicOf, toKeyObject, unsupportedType, type PrivateKey, type PublicKey, type RsaPrivateKey } from '../keys/model.js';
import { writeOpenSshLine } from '../keys/ssh-public.js';
import type { KeyType } from './types.js';

export interface Generated {
  key: PrivateKey;
  /** Ends with one newline. */
  material: string;
  /** EC2's created form. */
  fingerprint: string;
  /** EC2's imported form (differs from `fingerprint` for RSA). */
  importedFingerprint: string;
  /** OpenSSH public line without a comment. */
  publicLine: string;
}

export async function generateLocally(type: KeyType, bits: number, comment: string): Promise<Generated> {
  let key: PrivateKey;
  let material: string;
  if (type === 'rsa') {
    const privateKey = await generateKeyObject('rsa', bits);
    const rsa = fromKeyObject(privateKey) as RsaPrivateKey;
    key = rsa;
    material = privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
    // The created fingerprint hashes the key exactly as KeyMaterial holds it (model.ts storedDer);
    // OpenSSL generates p > q, our canonical order, but do not rely on it.
    const asStored = privateKey.export({ type: 'pkcs1', format: 'der' });
    if (!asStored.equals(toKeyObject(rsa).export({ type: 'pkcs1', format: 'der' }))) rsa.storedDer = asStored;
  } else {
    const privateKey = await generateKeyObject('ed25519');
    key = fromKeyObject(privateKey);
    const { writeOpenSshPrivate } = await import('../keys/openssh.js');
    material = await writeOpenSshPrivate(key, { comment });
  }
  if (!material.endsWith('\n')) material += '\n';
  const pub = publicOf(key);
  return { key, material, fingerprint: createdFingerprint(key), importedFingerprint: importedFingerprint(pub), publicLine: writeOpenSshLine(pub) };
}

/** Check a caller-parsed public key again and compute what ImportKeyPair records. */
export function prepareImport(key: PublicKey | undefined): { type: KeyType; fingerprint: string; publicLine: string } {
  if (!key || typeof key !== 'object') throw formatError('no public key given to import');
  if (key.type === 'rsa') {
    if (typeof key.n !== 'bigint' || typeof key.e !== 'bigint') throw formatError('the RSA public key is incomplete');
    checkRsaPublic(key.n, key.e);
  } else if (key.type === 'ed25519') {
    if (!(key.pub instanceof Uint8Array)) throw formatError('the ED25519 public key is incomplete');
    checkEd25519Public(key.pub);
  } else {
    throw unsupportedType(String((key as { type?: unknown }).type));
  }
  const pub = publicOf(key);
  return { type: pub.type, fingerprint: importedFingerprint(pub), publicLine: writeOpenSshLine(pub) };
}
