// `ec2keys protect <file>...` (cli.md): restrict existing key files to their owner — the fix for
// OpenSSH's "WARNING: UNPROTECTED PRIVATE KEY FILE!". POSIX: mode 0600. Windows: remove
// inherited ACEs and grant only the current user (icacls), as OpenSSH for Windows requires.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { Codes, Ec2KeysError } from '../errors.js';
import type { App } from './main.js';
import { fileError, restrictWindowsAcl } from './io.js';
import { table } from './output.js';

interface Change {
  Path: string;
  Before: string;
  After: string;
  Changed: boolean;
}

const octal = (m: number) => '0' + (m & 0o777).toString(8).padStart(3, '0');

export function protectFile(file: string, platform: NodeJS.Platform = process.platform): Change {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    throw fileError(e, file, 'protect');
  }
  if (!st.isFile()) throw new Ec2KeysError(Codes.FileError, `cannot protect ${file}: it is not a regular file`, { target: file });
  if (platform === 'win32') {
    restrictWindowsAcl(file);
    return { Path: file, Before: 'inherited ACL', After: 'owner-only ACL', Changed: true };
  }
  const before = st.mode & 0o777;
  if (before === 0o600) return { Path: file, Before: octal(before), After: octal(before), Changed: false };
  try {
    fs.chmodSync(file, 0o600);
  } catch (e) {
    throw fileError(e, file, 'change the permissions of');
  }
  return { Path: file, Before: octal(before), After: '0600', Changed: true };
}

/** One line of `protect --json`'s Results: what changed, or why that file could not be protected. */
type Result = ({ File: string } & Omit<Change, 'Path'>) | { File: string; Error: { Code: string; Message: string } };

export function registerProtect(program: Command, app: App): void {
  program
    .command('protect')
    .summary('restrict key files to their owner (fixes "UNPROTECTED PRIVATE KEY FILE")')
    .description(
      'Restrict existing key files to their owner: mode 0600 on Linux/macOS; on Windows an ACL granting only the current user, inheritance removed. ' +
        'Each file is done on its own: one that fails (missing, not a regular file) does not stop the others; the exit code is 1 if any failed.',
    )
    .argument('<file...>', 'key files')
    .addHelpText('after', '\nExamples:\n  ec2keys protect my-key.pem\n  ec2keys protect ~/.ssh/*.pem --json')
    .action(async (files: string[], _o: unknown, cmd: Command) => {
      app.globals(cmd);
      const results: Result[] = [];
      const errors: Ec2KeysError[] = [];
      for (const f of files) {
        const file = path.resolve(app.ctx.cwd, f);
        try {
          const { Path, ...change } = protectFile(file, app.ctx.platform);
          results.push({ File: Path, ...change });
        } catch (e) {
          if (!(e instanceof Ec2KeysError)) throw e;
          errors.push(e);
          results.push({ File: file, Error: { Code: String(e.code), Message: e.message } });
        }
      }
      // "Prints what it changed" (cli.md), also when some file failed: with --json one document
      // listing every file, like `import --batch` ({"Results":[{File, Before, After, Changed} |
      // {File, Error:{Code, Message}}]}); plain, the table of the files done.
      const done = results.filter((r): r is Extract<Result, { Changed: boolean }> => !('Error' in r));
      app.out.result({ Results: results }, done.length ? table(['File', 'Before', 'After'], done.map((c) => [c.File, c.Before, c.Changed ? c.After : 'unchanged'])) : undefined);
      if (!errors.length) return;
      // The document is out; the error only says so on stderr and sets exit 1. One file: its own
      // error; several: Ec2Keys.PartialFailure naming each failure, as a batch does.
      const err = files.length === 1
        ? errors[0]
        : new Ec2KeysError(Codes.PartialFailure, `${errors.length} of ${files.length} key files could not be protected: ${errors.map((e) => e.message).join('; ')}`);
      throw err;
    });
}
