// Native key generation through node:crypto (OpenSSL): RSA 2048/3072/4096 (EC2's CreateKeyPair
// makes 2048), ED25519 for Linux instances. Async so the event loop stays free for a spinner
// and for Ctrl-C.

import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import { fromKeyObject, type PrivateKey } from './model.js';

export const RSA_SIZES = [2048, 3072, 4096] as const;
export type RsaSize = (typeof RSA_SIZES)[number];

const gen = promisify(generateKeyPair);

export async function generateKey(type: 'rsa' | 'ed25519', bits: RsaSize = 2048): Promise<PrivateKey> {
  if (type === 'ed25519') {
    const { privateKey } = await gen('ed25519');
    return fromKeyObject(privateKey);
  }
  const { privateKey } = await gen('rsa', { modulusLength: bits, publicExponent: 0x10001 });
  return fromKeyObject(privateKey);
}
