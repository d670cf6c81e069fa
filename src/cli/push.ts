// `ec2keys push <name> --regions R1,R2|all` (cli.md): import a local key pair's public key into
// EC2 in each region, in parallel, one result line per region. Idempotent: a pair of the same
// name with the same key already there is fine; a DIFFERENT key under that name is an error for
// that region (Ec2Keys.KeyMismatch), never silently replaced.

import type { Command } from 'commander';
import { Codes, Ec2KeysError, UsageError } from '../errors.js';
import { importedFingerprint } from '../keys/fingerprint.js';
import { parseOpenSshLine } from '../keys/ssh-public.js';
import type { PublicKey } from '../keys/model.js';
import { addCallDeadline, clientConfig, endpointName, mapAwsError, profileOf } from '../store/aws.js';
import type { Tag } from '../store/types.js';
import type { App } from './main.js';
import type { GlobalOptions } from './context.js';
import { table } from './output.js';
import { assertEndpointUrl, openStoreFor, regionFor } from './store.js';

interface PushResult {
  Region: string;
  Status: 'imported' | 'exists' | 'failed';
  KeyPairId?: string;
  KeyFingerprint?: string;
  Error?: { Code: string; Message: string };
}

export function registerPush(program: Command, app: App): void {
  program
    .command('push')
    .summary('import a local key pair into EC2 in several regions')
    .description(
      'Import the public key of a key pair from the local registry into EC2 in each region given (all: every region the account has enabled). ' +
        'A region that already has the same key under that name counts as done; a different key under that name is an error for that region.',
    )
    .argument('<name>', 'key pair name in the local registry')
    .requiredOption('--regions <list>', "comma-separated regions, or 'all'")
    .addHelpText('after', '\nExamples:\n  ec2keys push my-key --regions us-east-1,eu-west-1\n  ec2keys push my-key --regions all --json')
    .action(async (name: string, o: { regions: string }, cmd: Command) => {
      const g = app.globals(cmd);
      assertEndpointUrl(g); // EC2 in every region, whatever --store says
      const local = await openStoreFor(g, 'local');
      const [pair] = await local.describeKeyPairs({ KeyNames: [name], IncludePublicKey: true });
      if (!pair.PublicKey) throw new Ec2KeysError(Codes.Internal, `the local registry has no public key for ${name}`);
      const pub = parseOpenSshLine(pair.PublicKey).key;
      // Each region once: `--regions a,b,a` would import twice into a at the same time.
      const regions = o.regions.trim() === 'all' ? await enabledRegions(g) : [...new Set(o.regions.split(',').map((r) => r.trim()).filter(Boolean))];
      if (!regions.length) throw new UsageError('--regions names no region');
      const results = await Promise.all(regions.map((r) => pushOne(g, r, name, pub, pair.Tags ?? [])));
      const failed = results.filter((r) => r.Status === 'failed').length;
      app.out.result(
        { KeyName: name, Results: results },
        table(['Region', 'Result', 'KeyPairId', 'Detail'], results.map((r) => [r.Region, r.Status, r.KeyPairId ?? '', r.Error ? `${r.Error.Code}: ${r.Error.Message}` : r.KeyFingerprint ?? ''])),
      );
      if (failed) throw new Ec2KeysError(Codes.PartialFailure, `${failed} of ${results.length} regions failed`); // the document is out already
    });
}

async function pushOne(g: GlobalOptions, region: string, name: string, pub: PublicKey, tags: Tag[]): Promise<PushResult> {
  const { Ec2Store } = await import('../store/ec2.js');
  let store: Awaited<ReturnType<typeof Ec2Store.open>> | undefined;
  try {
    store = await Ec2Store.open({ region, profile: g.profile, endpointUrl: g.endpointUrl });
    try {
      const r = await store.importKeyPair({ KeyName: name, PublicKey: pub, Tags: tags });
      return { Region: region, Status: 'imported', KeyPairId: r.KeyPairId, KeyFingerprint: r.KeyFingerprint };
    } catch (e) {
      if (!(e instanceof Ec2KeysError && e.code === Codes.Duplicate)) throw e;
      const [there] = await store.describeKeyPairs({ KeyNames: [name] });
      const mine = importedFingerprint(pub).replace(/=+$/, '');
      if (there.KeyFingerprint.replace(/=+$/, '') === mine) {
        return { Region: region, Status: 'exists', KeyPairId: there.KeyPairId, KeyFingerprint: there.KeyFingerprint };
      }
      throw new Ec2KeysError(Codes.KeyMismatch, `a different key is registered as ${name} in ${region} (${there.KeyPairId}, ${there.KeyFingerprint}); not replaced`);
    }
  } catch (e) {
    const err = e instanceof Ec2KeysError ? e : mapAwsError(e, endpointName('ec2', { endpointUrl: g.endpointUrl }, region), profileOf({ profile: g.profile }));
    return { Region: region, Status: 'failed', Error: { Code: String(err.code), Message: err.message } };
  } finally {
    store?.close();
  }
}

/** DescribeRegions: the regions enabled for the account. */
async function enabledRegions(g: GlobalOptions): Promise<string[]> {
  const sdk = await import('../store/sdk-ec2.js');
  const region = (await regionFor(g, 'ec2')) ?? 'us-east-1';
  const client = addCallDeadline(new sdk.EC2Client(clientConfig({ region, profile: g.profile, endpointUrl: g.endpointUrl })));
  try {
    const r = await client.send(new sdk.DescribeRegionsCommand({}));
    return (r.Regions ?? []).map((x) => x.RegionName!).filter(Boolean).sort();
  } catch (e) {
    throw mapAwsError(e, endpointName('ec2', { endpointUrl: g.endpointUrl }, region), profileOf({ profile: g.profile }));
  } finally {
    client.destroy();
  }
}
