// Saving a private key the way every command that produces one must (issues #3, #4): in the
// chosen format, atomically, owner-only, never over an existing file without --force; or to
// stdout with --out -.

import * as path from 'node:path';
import { Codes, Ec2KeysError, UsageError } from '../errors.js';
import type { PrivateKey } from '../keys/model.js';
import { defaultExtension, OUTPUT_FORMATS, writePrivateKey, type OutputFormat } from '../keys/write.js';
import type { Ctx } from './context.js';
import { checkWritable, writeSecretFile } from './io.js';

export function parseFormat(s: string | undefined, def: OutputFormat): OutputFormat {
  const f = (s ?? def).toLowerCase();
  if (!OUTPUT_FORMATS.includes(f as OutputFormat)) throw new UsageError(`unknown format "${s}"; choose one of ${OUTPUT_FORMATS.join(', ')}`);
  return f as OutputFormat;
}

export function parsePpkVersion(s: string | undefined): 2 | 3 {
  if (s === undefined || s === '3') return 3;
  if (s === '2') return 2;
  throw new UsageError(`--ppk-version must be 2 or 3, saw "${s}"`);
}

/** A file name from a key name: EC2 names may hold / : * ? and other characters Windows refuses. */
export function safeFileStem(name: string): string {
  const s = name.replace(/[\\/:*?"<>|\x00-\x1f]/g, '_').replace(/^\.+/, '_').replace(/[. ]+$/, '');
  return s === '' ? 'key' : s;
}

export interface SaveTarget {
  /** Absolute path, or '-' for stdout. */
  out: string;
  force: boolean;
}

export function resolveTarget(ctx: Ctx, out: string | undefined, defaultName: string, force: boolean): SaveTarget {
  if (out === '-') return { out: '-', force };
  const abs = path.resolve(ctx.cwd, out ?? defaultName);
  return { out: abs, force };
}

/** Fail before any side effect when the target cannot be written. */
export function precheckTarget(t: SaveTarget): void {
  if (t.out !== '-') checkWritable(t.out, t.force);
}

export async function serialize(key: PrivateKey, format: OutputFormat, o: { passphrase?: string; comment?: string; ppkVersion?: 2 | 3 }): Promise<string> {
  return writePrivateKey(key, format, o);
}

export async function saveText(t: SaveTarget, text: string, ctx: Ctx): Promise<string | undefined> {
  if (t.out === '-') {
    ctx.stdout.write(text);
    return undefined;
  }
  return writeSecretFile(t.out, text, { force: t.force, platform: ctx.platform });
}

export { defaultExtension };

export function noKeyWritten(cause: Ec2KeysError, rolledBack: string): Ec2KeysError {
  return new Ec2KeysError(cause.code, `${cause.message} (${rolledBack})`, { hint: cause.hint, target: cause.target, exitCode: cause.exitCode });
}

export const INTERNAL = Codes.Internal;
