// `ec2keys remove (<name> | --id ID) [--yes]` (cli.md): DeleteKeyPair with EC2's semantics
// (deleting a missing NAME succeeds; a missing id is InvalidKeyPair.NotFound). Asks first on a
// terminal, showing name and id; never asks with --yes; without a terminal --yes is required.

import type { Command } from 'commander';
import { Codes, Ec2KeysError, UsageError } from '../errors.js';
import type { App } from './main.js';
import { canPrompt, interruptedOr } from './passphrase.js';
import { openStoreFor } from './store.js';

interface RemoveOpts {
  id?: string;
  yes?: boolean;
}

export function registerRemove(program: Command, app: App): void {
  program
    .command('remove')
    .alias('rm')
    .summary('delete a key pair')
    .description(
      'Delete a key pair (DeleteKeyPair). By name, deleting a pair that does not exist succeeds, as in EC2; by --id it is InvalidKeyPair.NotFound. ' +
        'Key files on disk are not touched. Asks for confirmation on a terminal unless --yes.',
    )
    .argument('[name]', 'key pair name')
    .option('--id <key-pair-id>', 'delete by key pair id')
    .option('-y, --yes', 'do not ask for confirmation')
    .addHelpText('after', '\nExamples:\n  ec2keys remove my-key\n  ec2keys remove --id key-0123456789abcdef0 --yes --json')
    .action(async (name: string | undefined, o: RemoveOpts, cmd: Command) => {
      const g = app.globals(cmd);
      if ((name === undefined) === (o.id === undefined)) throw new UsageError('give a key pair name or --id, not both and not neither');
      if (!o.yes && !canPrompt(app.ctx, g)) {
        throw new UsageError('removing a key pair needs confirmation: add --yes (no terminal to ask on)');
      }
      const store = await openStoreFor(app, g);
      try {
        if (!o.yes) {
          let label = name ? `"${name}"` : o.id!;
          try {
            const [p] = await store.describeKeyPairs(name ? { KeyNames: [name] } : { KeyPairIds: [o.id!] });
            label = `"${p.KeyName}" (${p.KeyPairId}, ${p.KeyFingerprint})`;
          } catch (e) {
            if (!(e instanceof Ec2KeysError && e.code === Codes.NotFound && name)) throw e;
            app.out.note(`key pair "${name}" does not exist in ${store.region}; nothing to remove`);
          }
          const { confirm } = await import('@inquirer/prompts');
          let ok: boolean;
          try {
            ok = await confirm({ message: `Delete key pair ${label} from ${store.kind === 'local' ? 'the local registry' : 'EC2'} (${store.region})?`, default: false }, { input: app.ctx.stdin, output: app.ctx.stderr });
          } catch (e) {
            throw interruptedOr(e);
          }
          if (!ok) throw new Ec2KeysError(Codes.Interrupted, 'not removed: cancelled at the confirmation', { exitCode: 1 });
        }
        const res = await store.deleteKeyPair(name ? { KeyName: name } : { KeyPairId: o.id });
        app.out.result(res, res.KeyPairId ? `removed key pair ${name ?? ''}${name ? ' ' : ''}(${res.KeyPairId})` : `key pair "${name}" did not exist; nothing removed`);
      } finally {
        store.close?.();
      }
    });
}
