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
import { Codes, Ec2KeysError } from '../errors.js';

export async function resolveRegion(opts: { region?: string; profile?: string } = {}, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  if (opts.region) return opts.region;
  if (env.AWS_REGION) return env.AWS_REGION;
  if (env.AWS_DEFAULT_REGION) return env.AWS_DEFAULT_REGION;
  const configFilepath = env.AWS_CONFIG_FILE || path.join(os.homedir(), '.aws', 'config');
  const credentialsFilepath = env.AWS_SHARED_CREDENTIALS_FILE || path.join(os.homedir(), '.aws', 'credentials');
  // A profile named on purpose (--profile, AWS_PROFILE) that exists nowhere is a mistake to say,
  // as the AWS CLI does ("The config profile (x) could not be found"): falling back to another
  // region would put key pairs in a registry the user is not looking at.
  const named = opts.profile || env.AWS_PROFILE || undefined;
  const hasConfig = fs.existsSync(configFilepath);
  if (!hasConfig && !(named && fs.existsSync(credentialsFilepath))) {
    if (named) throw profileNotFound(named, configFilepath, credentialsFilepath);
    return undefined;
  }
  const profile = named || env.AWS_DEFAULT_PROFILE || 'default';
  let files: { configFile: Record<string, Record<string, unknown> | undefined>; credentialsFile: Record<string, Record<string, unknown> | undefined> };
  try {
    const { loadSharedConfigFiles } = await import('@smithy/core/config');
    files = await loadSharedConfigFiles({ configFilepath, filepath: credentialsFilepath, ignoreCache: true });
  } catch {
    return undefined; // an unreadable config is the SDK's to report when EC2 is used
  }
  if (named && !files.configFile[named] && !files.credentialsFile[named]) throw profileNotFound(named, configFilepath, credentialsFilepath);
  const region = files.configFile[profile]?.region;
  return typeof region === 'string' && region.trim() ? region.trim() : undefined;
}

function profileNotFound(profile: string, config: string, credentials: string): Ec2KeysError {
  return new Ec2KeysError(Codes.ProfileNotFound, `the AWS profile "${profile}" is in neither ${config} nor ${credentials}`, {
    target: profile,
    hint: '`aws configure list-profiles` lists the profiles there; give --region to use the local registry without one, or drop --profile / AWS_PROFILE',
  });
}
