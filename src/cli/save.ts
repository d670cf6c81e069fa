// Saving a private key the way every command that produces one must (issues #3, #4): in the
// chosen format, atomically, owner-only, never over an existing file without --force; or to
// stdout with --out -.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { Codes, Ec2KeysError, UsageError } from '../errors.js';
import type { PrivateKey } from '../keys/model.js';
import { defaultExtension, OUTPUT_FORMATS, writePrivateKey, type OutputFormat } from '../keys/write.js';
import { givenOption, type Ctx } from './context.js';
import { checkWritable, cutToBytes, NAME_MAX, writeSecretFile } from './io.js';
import { writeChecked } from './output.js';

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

/** --ppk-version for a key written in another format: `--ppk-version 2` with pem output wrote PEM. */
export function ppkVersionFor(cmd: Command, value: string | undefined, format: OutputFormat, formatFlag: string): 2 | 3 {
  if (format !== 'ppk' && givenOption(cmd, 'ppkVersion')) {
    throw new UsageError(`--ppk-version applies to PPK output only, and the key would be written as ${format}`, {
      hint: `add ${formatFlag} ppk, or leave out --ppk-version`,
    });
  }
  return parsePpkVersion(value);
}

/**
 * A file name from a key name: EC2 names may hold / : * ? and other characters Windows refuses,
 * and may be a Windows device name: `con.pem` or `NUL.pem` opens the console or the null device
 * there (the key would be shown or lost), so those get a `_` in front — on every platform, so a
 * key file keeps its name when copied to Windows.
 */
export function safeFileStem(name: string): string {
  let s = name.replace(/[\\/:*?"<>|\x00-\x1f]/g, '_').replace(/^\.+/, '_').replace(/[. ]+$/, '');
  if (/^(con|prn|aux|nul|com[0-9\u00b9\u00b2\u00b3]|lpt[0-9\u00b9\u00b2\u00b3]|conin\$|conout\$)( *\.|$)/i.test(s)) s = '_' + s;
  return s === '' ? 'key' : s;
}

export interface SaveTarget {
  /** Absolute path, or '-' for stdout. */
  out: string;
  force: boolean;
}

/**
 * `defaultName`: the file name used without --out, and inside a folder given as --out: an
 * existing folder, or a path ending in a separator (`--out C:\Keys`, `--out keys/`) means
 * "save it in there", as cp and Copy-Item do. Before, such an --out was "already exists; add
 * --force", and with --force the pair was created, the write failed and the pair was deleted again.
 */
export function resolveTarget(ctx: Ctx, out: string | undefined, defaultName: string, force: boolean): SaveTarget {
  if (out === '-') return { out: '-', force };
  const name = fitFileName(path.basename(defaultName));
  if (out === undefined) return { out: path.resolve(ctx.cwd, path.dirname(defaultName), name), force };
  const abs = path.resolve(ctx.cwd, out);
  if (/[\\/]$/.test(out) || isFolder(abs)) return { out: path.join(abs, name), force };
  return { out: abs, force };
}

/**
 * A default file name the file system takes: EC2 key names reach 255 characters, and NAME plus
 * ".pem" would not fit NAME_MAX, so the stem is cut (the extension kept). Names given with --out
 * are never changed (too long ones are refused by checkWritable).
 */
function fitFileName(name: string): string {
  if (Buffer.byteLength(name) <= NAME_MAX) return name;
  const ext = /(\.p8)?\.[A-Za-z0-9]+$/.exec(name)?.[0] ?? '';
  return cutToBytes(name.slice(0, name.length - ext.length), NAME_MAX - Buffer.byteLength(ext)) + ext;
}

function isFolder(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Fail before any side effect when the target cannot be written. `loses`: what a key written
 * nowhere would lose (for `new`, the pair would have no private key): then `--out -` with
 * standard output on the null device (`> /dev/null`, or `>&-`, which Node reopens as
 * /dev/null) is refused, as `--out /dev/null` is.
 */
export function precheckTarget(t: SaveTarget, loses?: string): void {
  if (t.out !== '-') return checkWritable(t.out, t.force);
  if (loses && stdoutIsNullDevice()) {
    throw new Ec2KeysError(Codes.FileError, `standard output is the null device: the private key written there would be lost, and ${loses}`, {
      target: 'standard output',
      hint: 'save it with --out FILE, or send standard output where it is kept (a file or a pipe)',
    });
  }
}

function stdoutIsNullDevice(): boolean {
  if (process.platform === 'win32') return false; // NUL: no cheap test; --out NUL is refused as a device
  try {
    const out = fs.fstatSync(1);
    return out.isCharacterDevice() && out.rdev === fs.statSync('/dev/null').rdev;
  } catch {
    return false;
  }
}

export async function serialize(key: PrivateKey, format: OutputFormat, o: { passphrase?: string; comment?: string; ppkVersion?: 2 | 3 }): Promise<string> {
  return writePrivateKey(key, format, o);
}

/** Save to the file, or to stdout with `--out -` (waited for: a stdout that takes nothing is an error). */
export async function saveText(t: SaveTarget, text: string, ctx: Ctx): Promise<string | undefined> {
  if (t.out === '-') {
    await writeChecked(ctx.stdout, text);
    return undefined;
  }
  return writeSecretFile(t.out, text, { force: t.force, platform: ctx.platform });
}

export { defaultExtension };

export function noKeyWritten(cause: Ec2KeysError, rolledBack: string): Ec2KeysError {
  return new Ec2KeysError(cause.code, `${cause.message} (${rolledBack})`, { hint: cause.hint, target: cause.target, exitCode: cause.exitCode });
}

export const INTERNAL = Codes.Internal;
