// `ec2keys password` (cli.md): decrypt the Windows Administrator password from the
// GetPasswordData blob with the key pair's private key in ANY supported format, encrypted or
// not — the gap every peer tool leaves (peers.md §0). The password goes to stdout only.

import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { decodeText } from '../keys/text.js';
import { decryptPassword, passwordNotReady } from '../password/decrypt.js';
import { givenOption, stdinIsTTY } from './context.js';
import type { App } from './main.js';
import { readInput, readStdin } from './io.js';
import { loadPrivateKey } from './keyinput.js';
import { assertEndpointUrl } from './store.js';

interface PasswordOpts {
  key?: string;
  data?: string;
  dataFile?: string;
  instanceId?: string;
  wait?: boolean;
  timeout?: string;
}

export function registerPassword(program: Command, app: App): void {
  program
    .command('password')
    .summary('decrypt the EC2 Windows Administrator password')
    .description(
      'Decrypt the Windows Administrator password of an EC2 instance. The encrypted password data comes from --data, ' +
        '--data-file, standard input, or EC2 itself with --instance-id; the key may be PEM, PKCS#8, OpenSSH or PuTTY PPK, encrypted or not.',
    )
    .requiredOption('-k, --key <file>', 'private key of the key pair the instance was launched with (any format)')
    .option('--data <base64>', 'the PasswordData text returned by GetPasswordData')
    .option('--data-file <file>', "file holding the PasswordData text ('-' for standard input)")
    .option('-i, --instance-id <id>', 'fetch the password data from EC2 (GetPasswordData)')
    .option('--wait', 'with --instance-id: poll until the password is available')
    .option('--timeout <seconds>', 'with --wait: give up after this many seconds', '900')
    .addHelpText(
      'after',
      '\nExamples:\n  ec2keys password --data-file blob.txt --key my-key.ppk\n  aws ec2 get-password-data --instance-id i-0abc --query PasswordData --output text | ec2keys password --key my-key.pem\n  ec2keys password --store ec2 --instance-id i-0abc --wait --key my-key.pem',
    )
    .action(async (o: PasswordOpts, cmd: Command) => {
      const g = app.globals(cmd);
      const sources = [o.data !== undefined, o.dataFile !== undefined, o.instanceId !== undefined].filter(Boolean).length;
      if (sources > 1) throw new UsageError('give only one of --data, --data-file and --instance-id');
      if (o.wait && !o.instanceId) throw new UsageError('--wait needs --instance-id');
      if (!o.wait && givenOption(cmd, 'timeout')) throw new UsageError('--timeout applies with --wait only: without it, the password data is fetched once', { hint: 'add --wait to poll until the password is ready, or leave out --timeout' });
      // Standard input is one stream: read as the password data first, nothing was left for the
      // key (`--data-file - --key -` said "InvalidKey.Format: standard input is empty").
      if (o.key === '-' && (o.dataFile === '-' || sources === 0)) {
        throw new UsageError(
          `standard input can feed only one of the key and the password data, and both would come from it (--key - with ${o.dataFile === '-' ? '--data-file -' : 'no --data, --data-file or --instance-id'})`,
          { hint: 'save one of them to a file: --key FILE with the data on standard input, or --key - with --data-file FILE (or --data TEXT)' },
        );
      }
      if (o.instanceId !== undefined) assertEndpointUrl(g);
      let data: string;
      if (o.data !== undefined) data = o.data;
      // Decoded like key files: Windows PowerShell 5.1 `… --output text > blob.txt` writes UTF-16LE with a BOM.
      else if (o.dataFile !== undefined) data = decodeText((await readInput(app.ctx, o.dataFile)).bytes);
      else if (o.instanceId !== undefined) {
        const { fetchPasswordData } = await import('./password-fetch.js');
        data = await fetchPasswordData(app, g, o.instanceId, { wait: Boolean(o.wait), timeoutSeconds: parseTimeout(o.timeout) });
      } else {
        if (stdinIsTTY(app.ctx)) {
          throw new UsageError('no password data: give --data, --data-file, --instance-id, or pipe it on standard input');
        }
        data = decodeText(await readStdin(app.ctx, 64 * 1024, 'the password data (no --data, --data-file or --instance-id)'));
      }
      if (data.trim() === '') throw passwordNotReady(o.instanceId);
      const k = await loadPrivateKey(app, g, o.key!);
      const password = decryptPassword(k.key, data);
      const res: Record<string, string> = {};
      if (o.instanceId) res.InstanceId = o.instanceId;
      res.Password = password;
      app.out.result(res, password);
    });
}

function parseTimeout(s: string | undefined): number {
  const n = Number(s);
  if (!Number.isFinite(n) || n <= 0 || n > 86400) throw new UsageError(`--timeout must be a number of seconds from 1 to 86400, saw "${s}"`);
  return n;
}
