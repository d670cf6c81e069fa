// `ec2keys get [NAME...] [--id ID]... [--filter Name=N,Values=V]... [--include-public-key]`
// (cli.md): DescribeKeyPairs; --json is shaped exactly like `aws ec2 describe-key-pairs`.

import type { Command } from 'commander';
import type { App } from './main.js';
import { table } from './output.js';
import { assertStoreEndpoint, collect, openStoreFor, parseFilters } from './store.js';

interface GetOpts {
  id?: string[];
  filter?: string[];
  includePublicKey?: boolean;
}

export function registerGet(program: Command, app: App): void {
  program
    .command('get')
    .alias('list')
    .summary('list key pairs')
    .description(
      'List key pairs (DescribeKeyPairs). Names and --id must all exist (InvalidKeyPair.NotFound otherwise, as in EC2). ' +
        'Filters: key-pair-id, fingerprint, key-name, tag-key, tag:<key>; values take * and ? wildcards; several values are ORed, several filters ANDed.',
    )
    .argument('[names...]', 'key pair names')
    .option('--id <key-pair-id>', 'key pair id (repeatable)', collect)
    .option('--filter <Name=N,Values=V1,V2>', 'filter, as the AWS CLI writes it (repeatable)', collect)
    .option('--include-public-key', 'include each public key as an OpenSSH line')
    .addHelpText('after', '\nExamples:\n  ec2keys get\n  ec2keys get --filter Name=key-name,Values=web-* --json\n  ec2keys get my-key --include-public-key')
    .action(async (names: string[], o: GetOpts, cmd: Command) => {
      const g = app.globals(cmd);
      assertStoreEndpoint(g);
      const filters = parseFilters(o.filter);
      const store = await openStoreFor(g);
      try {
        const pairs = await store.describeKeyPairs({
          KeyNames: names.length ? names : undefined,
          KeyPairIds: o.id?.length ? o.id : undefined,
          Filters: filters.length ? filters : undefined,
          IncludePublicKey: Boolean(o.includePublicKey),
        });
        // The table only for people: with --json, building it for 5,000 pairs was a quarter of
        // the command's own time (bench/run.mjs, `get --json` over 5,000 pairs).
        if (app.out.json) return app.out.result({ KeyPairs: pairs }, undefined);
        const rows = pairs.map((p) => [p.KeyName, p.KeyType ?? '', p.KeyFingerprint, p.KeyPairId, p.CreateTime]);
        const text = pairs.length ? table(['KeyName', 'KeyType', 'KeyFingerprint', 'KeyPairId', 'CreateTime'], rows) : `no key pairs in ${store.kind === 'local' ? 'the local registry' : 'EC2'}, ${store.region}`;
        const pub = o.includePublicKey ? pairs.map((p) => `${p.PublicKey ?? ''}`).filter(Boolean) : [];
        app.out.result({ KeyPairs: pairs }, pub.length ? [text, '', ...pub] : text);
      } finally {
        store.close?.();
      }
    });
}
