// PLACEHOLDER: being written (issue #3). PKCS#1 RSAPrivateKey / RSAPublicKey, PEM and DER.
import { formatError } from '../errors.js';
import type { RsaPrivateKey, RsaPublicKey } from './model.js';
import type { PemBlock } from './text.js';
import type { ReadOptions, ReadPrivateResult } from './types.js';
export async function parsePkcs1Pem(_b: PemBlock, _o: ReadOptions): Promise<ReadPrivateResult> { throw formatError('PKCS#1 not yet implemented'); }
export function parsePkcs1Der(_d: Buffer): RsaPrivateKey { throw formatError('PKCS#1 not yet implemented'); }
export function parseRsaPublicDer(_d: Buffer): RsaPublicKey { throw formatError('PKCS#1 not yet implemented'); }
