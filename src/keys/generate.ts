// Native key generation through node:crypto (OpenSSL): RSA 2048/3072/4096 (EC2's CreateKeyPair
// makes 2048), ED25519 for Linux instances. Async so the event loop stays free for a spinner
// and for Ctrl-C.

import { generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { fromKeyObject, type PrivateKey } from './model.js';

export const RSA_SIZES = [2048, 3072, 4096] as const;
export type RsaSize = (typeof RSA_SIZES)[number];

const gen = promisify(generateKeyPair);

/**
 * A fresh private key as node:crypto (OpenSSL) holds it; e = 65537 for RSA. The store uses the
 * KeyObject itself to export KeyMaterial exactly as EC2 would (PKCS#1 PEM, as OpenSSL stores it).
 */
export async function generateKeyObject(type: 'rsa' | 'ed25519', bits: number = 2048): Promise<KeyObject> {
  if (type === 'ed25519') return (await gen('ed25519')).privateKey;
  return (await gen('rsa', { modulusLength: bits, publicExponent: 0x10001 })).privateKey;
}

/** A fresh key in our model (checked like every key we read). */
export async function generateKey(type: 'rsa' | 'ed25519', bits: RsaSize = 2048): Promise<PrivateKey> {
  return fromKeyObject(await generateKeyObject(type, bits));
}
