// PLACEHOLDER: being written (issue #3).
import { formatError } from '../errors.js';
import type { PemBlock } from './text.js';
import type { ReadOptions, ReadPrivateResult } from './types.js';
export async function parseOpenSshPrivate(_b: PemBlock, _o: ReadOptions): Promise<ReadPrivateResult> { throw formatError('OpenSSH not yet implemented'); }
