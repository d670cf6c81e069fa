// PLACEHOLDER: being written (issue #3).
import { formatError } from '../errors.js';
import type { ReadOptions, ReadPrivateResult } from './types.js';
export async function parsePpk(_t: string, _o: ReadOptions): Promise<ReadPrivateResult> { throw formatError('PPK not yet implemented'); }
