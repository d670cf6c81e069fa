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

export function registerProtect(program: Command, app: App): void {
  program
    .command('protect')
    .summary('restrict key files to their owner (fixes "UNPROTECTED PRIVATE KEY FILE")')
    .description('Restrict existing key files to their owner: mode 0600 on Linux/macOS; on Windows an ACL granting only the current user, inheritance removed.')
    .argument('<file...>', 'key files')
    .addHelpText('after', '\nExamples:\n  ec2keys protect my-key.pem\n  ec2keys protect ~/.ssh/*.pem')
    .action(async (files: string[], _o: unknown, cmd: Command) => {
      app.globals(cmd);
      const changes: Change[] = [];
      const errors: Ec2KeysError[] = [];
      for (const f of files) {
        try {
          changes.push(protectFile(path.resolve(app.ctx.cwd, f), app.ctx.platform));
        } catch (e) {
          if (!(e instanceof Ec2KeysError)) throw e;
          errors.push(e);
        }
      }
      // One JSON document only: on any failure the error document stands for the whole call.
      if (!(app.out.json && errors.length)) app.out.result(
        { Files: changes },
        changes.length ? table(['File', 'Before', 'After'], changes.map((c) => [c.Path, c.Before, c.Changed ? c.After : 'unchanged'])) : undefined,
      );
      if (errors.length === 1) throw errors[0];
      if (errors.length > 1) throw new Ec2KeysError(Codes.FileError, errors.map((e) => e.message).join('; '));
    });
}
