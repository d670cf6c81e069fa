// PLACEHOLDER: being written (issue #3).
import { formatError } from '../errors.js';
import type { ReadOptions, ReadPrivateResult } from './types.js';
export async function parsePkcs8Der(_d: Buffer, _o: ReadOptions): Promise<ReadPrivateResult> { throw formatError('PKCS#8 not yet implemented'); }
