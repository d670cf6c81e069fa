// Loading a key named on the command line: file or '-', passphrase from the usual sources,
// the caps of limits.ts unless --allow-expensive-kdf.

import { readKey, readPrivateKey, readPublicHalf } from '../keys/detect.js';
import { Codes, Ec2KeysError } from '../errors.js';
import type { PublicKey } from '../keys/model.js';
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

/**
 * loadKey, but an encrypted PPK/OpenSSH file without its passphrase gives its public half (in
 * clear) instead of PassphraseRequired, with `locked` set to that error: enough for every
 * fingerprint but the created-RSA one. The input is read once (standard input can be read once).
 */
export async function loadKeyOrPublicHalf(app: App, g: GlobalOptions, file: string): Promise<(ReadResult & { what: string; locked?: undefined }) | { kind: 'public'; key: PublicKey; what: string; locked: Ec2KeysError }> {
  const { bytes, what } = await readInput(app.ctx, file);
  try {
    const r = await readKey(bytes, { what, passphrase: inputPassphrase(app.ctx, g), allowExpensiveKdf: g.allowExpensiveKdf });
    return { ...r, what };
  } catch (e) {
    if (!(e instanceof Ec2KeysError && e.code === Codes.PassphraseRequired)) throw e;
    const half = await readPublicHalf(bytes, { what }).catch(() => {
      throw e;
    });
    return { kind: 'public', key: half.key, what, locked: e };
  }
}
