// Open the store a command asked for (cli.md: --store local|ec2, default local). The two
// implementations are imported lazily: the local registry never loads the AWS SDK.

import type { KeyPairStore } from './types.js';

export interface OpenStoreOptions {
  store?: 'local' | 'ec2';
  /** Local registry folder (EC2KEYS_HOME or ~/.ec2keys). */
  home?: string;
  region?: string;
  profile?: string;
  endpointUrl?: string;
  lockTimeoutMs?: number;
}

export async function openStore(o: OpenStoreOptions): Promise<KeyPairStore> {
  if (o.store === 'ec2') {
    const { Ec2Store } = await import('./ec2.js');
    return Ec2Store.open({ region: o.region, profile: o.profile, endpointUrl: o.endpointUrl });
  }
  const [{ LocalStore }, { resolveRegion }, os, path] = await Promise.all([
    import('./local.js'), import('./region.js'), import('node:os'), import('node:path'),
  ]);
  const region = await resolveRegion({ region: o.region, profile: o.profile });
  const { Codes, Ec2KeysError } = await import('../errors.js');
  if (!region) {
    throw new Ec2KeysError(Codes.Usage, 'no AWS region is set; key pairs are kept per region, as in EC2', {
      exitCode: 2, hint: 'give --region (e.g. --region us-east-1) or set AWS_REGION',
    });
  }
  return new LocalStore({ home: o.home ?? path.join(os.homedir(), '.ec2keys'), region, lockTimeoutMs: o.lockTimeoutMs });
}

export type * from './types.js';
