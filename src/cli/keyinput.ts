// Loading a key named on the command line: file or '-', passphrase from the usual sources,
// the caps of limits.ts unless --allow-expensive-kdf.

import { readKey, readPrivateKey } from '../keys/detect.js';
import type { ReadPrivateResult, ReadResult } from '../keys/types.js';
import type { App } from './main.js';
import type { GlobalOptions } from './context.js';
import { readInput } from './io.js';
import { inputPassphrase } from './passphrase.js';

export async function loadKey(app: App, g: GlobalOptions, file: string): Promise<ReadResult & { what: string }> {
  const { bytes, what } = await readInput(app.ctx, file);
  const r = await readKey(bytes, { what, passphrase: inputPassphrase(app.ctx, g), allowExpensiveKdf: g.allowExpensiveKdf });
  return { ...r, what };
}

export async function loadPrivateKey(app: App, g: GlobalOptions, file: string): Promise<ReadPrivateResult & { what: string }> {
  const { bytes, what } = await readInput(app.ctx, file);
  const r = await readPrivateKey(bytes, { what, passphrase: inputPassphrase(app.ctx, g), allowExpensiveKdf: g.allowExpensiveKdf });
  return { ...r, what };
}
