// PLACEHOLDER: being written (issue #3).
import { formatError } from '../errors.js';
import type { PublicKey } from './model.js';
export function parseSpkiDer(_d: Buffer): PublicKey { throw formatError('SPKI not yet implemented'); }
