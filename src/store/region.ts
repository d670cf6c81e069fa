// The AWS region for a command (the local store needs one too: key pairs are per region,
// cli.md "Global options"). Standard AWS resolution order: --region, AWS_REGION,
// AWS_DEFAULT_REGION, then `region` of the profile (--profile, AWS_PROFILE, else default) in the
// shared config file (AWS_CONFIG_FILE or ~/.aws/config).
// The config file is read with the AWS SDK's own loader (@smithy/core/config, a part of the SDK),
// loaded only when that file exists and no flag or variable names the region: it costs ~60–110 ms,
// which commands given --region or AWS_REGION never pay.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export async function resolveRegion(opts: { region?: string; profile?: string } = {}, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  if (opts.region) return opts.region;
  if (env.AWS_REGION) return env.AWS_REGION;
  if (env.AWS_DEFAULT_REGION) return env.AWS_DEFAULT_REGION;
  const configFilepath = env.AWS_CONFIG_FILE || path.join(os.homedir(), '.aws', 'config');
  if (!fs.existsSync(configFilepath)) return undefined;
  const profile = opts.profile || env.AWS_PROFILE || env.AWS_DEFAULT_PROFILE || 'default';
  try {
    const { loadSharedConfigFiles } = await import('@smithy/core/config');
    const { configFile } = await loadSharedConfigFiles({ configFilepath, filepath: env.AWS_SHARED_CREDENTIALS_FILE || path.join(os.homedir(), '.aws', 'credentials'), ignoreCache: true });
    const region = configFile[profile]?.region;
    return typeof region === 'string' && region.trim() ? region.trim() : undefined;
  } catch {
    return undefined; // an unreadable config is the SDK's to report when EC2 is used
  }
}
