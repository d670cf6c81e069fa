// `ec2keys remove (<name> | --id ID) [--yes]` (cli.md): DeleteKeyPair with EC2's semantics
// (deleting a missing NAME succeeds; a missing id is InvalidKeyPair.NotFound). Asks first on a
// terminal, showing name and id; never asks with --yes; without a terminal --yes is required.

import type { Command } from 'commander';
import { Codes, Ec2KeysError, UsageError } from '../errors.js';
import type { App } from './main.js';
import { canPrompt, interruptedOr } from './passphrase.js';
import { assertStoreEndpoint, openStoreFor } from './store.js';

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
      assertStoreEndpoint(g);
      if ((name === undefined) === (o.id === undefined)) throw new UsageError('give a key pair name or --id, not both and not neither');
      if (!o.yes && !canPrompt(app.ctx, g)) {
        throw new UsageError('removing a key pair needs confirmation: add --yes (no terminal to ask on)');
      }
      const store = await openStoreFor(g);
      try {
        let described: string | undefined;
        if (!o.yes) {
          let label = name ? `"${name}"` : o.id!;
          try {
            const found = await store.describeKeyPairs(name ? { KeyNames: [name] } : { KeyPairIds: [o.id!] });
            // An endpoint that ignores KeyPairIds (moto) answers with every pair: take the one asked for.
            const p = found.find((x) => (name ? x.KeyName === name : x.KeyPairId === o.id)) ?? found[0];
            label = `"${p.KeyName}" (${p.KeyPairId}, ${p.KeyFingerprint})`;
            described = p.KeyName;
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
          // A No is an answer, not Ctrl-C (Ec2Keys.Interrupted, exit 130): its own code, exit 1.
          if (!ok) throw new Ec2KeysError(Codes.Cancelled, `nothing was removed: the removal of key pair ${name ? `"${name}"` : o.id} was not confirmed`, { target: name ?? o.id });
        }
        const res = await store.deleteKeyPair(name ? { KeyName: name } : { KeyPairId: o.id });
        let text: string;
        if (name !== undefined) text = res.KeyPairId ? `removed key pair ${name} (${res.KeyPairId})` : `key pair "${name}" did not exist; nothing removed`;
        // By id a missing pair is NotFound; an answer without KeyPairId (moto ignores KeyPairId) proves nothing.
        else if (!res.KeyPairId) text = `the store accepted the removal of ${o.id} but named no removed key pair; check with \`ec2keys get --id ${o.id}\``;
        else text = `removed key pair ${described === undefined ? res.KeyPairId : `${described} (${res.KeyPairId})`}`;
        app.out.result(res, text);
      } finally {
        store.close?.();
      }
    });
}
