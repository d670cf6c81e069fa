// `ec2keys convert <in|-> --to pem|pkcs8|openssh|ppk` (cli.md): any supported private key in,
// the chosen format out, encrypted with --new-passphrase-file / EC2KEYS_NEW_PASSPHRASE or not.

import * as path from 'node:path';
import { Option, type Command } from 'commander';
import { UsageError } from '../errors.js';
import type { App } from './main.js';
import { loadPrivateKey } from './keyinput.js';
import { outputPassphrase } from './passphrase.js';
import { defaultExtension, parseFormat, ppkVersionFor, precheckTarget, resolveTarget, saveText, serialize } from './save.js';

interface ConvertOpts {
  to: string;
  ppkVersion?: string;
  out?: string;
  comment?: string;
  force?: boolean;
  encrypt?: boolean;
}

export function registerConvert(program: Command, app: App): void {
  program
    .command('convert')
    .summary('convert a private key between PEM, PKCS#8, OpenSSH and PuTTY PPK')
    .description(
      'Convert a private key (PEM/PKCS#1, PKCS#8, OpenSSH, PuTTY PPK v2/v3; encrypted or not) to another format. ' +
        'The output is unencrypted unless --new-passphrase-file or EC2KEYS_NEW_PASSPHRASE gives a passphrase (or --encrypt asks for one). ' +
        '--to pem writes PKCS#1 for RSA and the OpenSSH format for ED25519 (as EC2 does).',
    )
    .argument('<in>', "private key file, or '-' for standard input")
    .addOption(new Option('--to <format>', 'output format').choices(['pem', 'pkcs8', 'openssh', 'ppk']).makeOptionMandatory())
    .addOption(new Option('--ppk-version <n>', 'PPK version to write').choices(['3', '2']).default('3'))
    .option('-o, --out <file>', "output file, a folder to write it in, or '-' for standard output (default: the input name with the format's extension)")
    .option('--comment <text>', 'key comment (OpenSSH and PPK; default: the input key\'s comment or file name)')
    .option('--encrypt', 'ask for a new passphrase on the terminal')
    .option('-f, --force', 'replace the output file if it exists')
    .addHelpText('after', '\nExamples:\n  ec2keys convert my-key.pem --to ppk\n  ec2keys convert id_rsa --to pem --out my-key.pem\n  EC2KEYS_PASSPHRASE=… ec2keys convert secret.ppk --to pem --out - > plain.pem')
    .action(async (input: string, o: ConvertOpts, cmd: Command) => {
      const g = app.globals(cmd);
      const format = parseFormat(o.to, 'pem');
      const ppkVersion = ppkVersionFor(cmd, o.ppkVersion, format, '--to');
      if (o.comment !== undefined && format === 'pkcs8') throw noComment(format);
      const k = await loadPrivateKey(app, g, input);
      const stem = input === '-' ? 'key' : path.basename(input).replace(/\.(pem|ppk|key|p8|pk8|der)$/i, '').replace(/\.p8$/i, '');
      const defOut = input === '-' ? '-' : path.join(path.dirname(input), stem + defaultExtension(format, k.key));
      const target = resolveTarget(app.ctx, o.out ?? defOut, stem + defaultExtension(format, k.key), Boolean(o.force));
      precheckTarget(target);
      const passphrase = await outputPassphrase(app.ctx, g, Boolean(o.encrypt));
      // --to pem writes PKCS#1 for RSA (no comment field) and the OpenSSH format for ED25519.
      if (o.comment !== undefined && format === 'pem' && k.key.type === 'rsa') throw noComment(format);
      const comment = o.comment ?? k.comment ?? (input === '-' ? undefined : stem);
      const text = await serialize(k.key, format, { passphrase, comment, ppkVersion });
      const to = format === 'ppk' ? `ppk${ppkVersion}` : format;
      const res: Record<string, unknown> = { KeyType: k.key.type, From: k.format, To: to, Encrypted: Boolean(passphrase) };
      if (target.out === '-' && app.out.json) {
        // One JSON document on stdout: the key travels inside it.
        await app.out.secretResult({ ...res, KeyMaterial: text });
        return;
      }
      const file = await saveText(target, text, app.ctx);
      if (file) app.out.result({ ...res, KeyFile: file }, `wrote ${file} (${to}${passphrase ? ', encrypted' : ''}, owner-only)`);
    });
}

function noComment(format: string): UsageError {
  return new UsageError(`--comment applies to OpenSSH and PPK output only: a ${format === 'pem' ? 'PKCS#1 PEM' : 'PKCS#8'} file has no place for a comment`, {
    hint: 'use --to openssh or --to ppk to keep a comment, or leave out --comment',
  });
}
