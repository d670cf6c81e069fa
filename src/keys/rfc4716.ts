// PLACEHOLDER: being written (issue #3).
import { formatError } from '../errors.js';
import type { PublicKey } from './model.js';
export function parseRfc4716(_t: string): { key: PublicKey; comment?: string } { throw formatError('RFC 4716 not yet implemented'); }
