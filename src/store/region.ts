// The AWS region without loading the SDK (the local store needs one too: key pairs are per region,
// cli.md "Global options"). Standard AWS resolution order: --region, AWS_REGION,
// AWS_DEFAULT_REGION, then `region` of the profile (--profile, AWS_PROFILE, else default) in the
// shared config file (AWS_CONFIG_FILE or ~/.aws/config; `[default]` / `[profile NAME]` sections).
// Limits: the config file is read only if smaller than 1 MiB.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export function resolveRegion(opts: { region?: string; profile?: string } = {}, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (opts.region) return opts.region;
  if (env.AWS_REGION) return env.AWS_REGION;
  if (env.AWS_DEFAULT_REGION) return env.AWS_DEFAULT_REGION;
  const profile = opts.profile || env.AWS_PROFILE || env.AWS_DEFAULT_PROFILE || 'default';
  const file = env.AWS_CONFIG_FILE || path.join(os.homedir(), '.aws', 'config');
  let text: string;
  try {
    if (fs.statSync(file).size > 1 << 20) return undefined;
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const want = profile === 'default' ? ['default', 'profile default'] : [`profile ${profile}`];
  let inSection = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/^\s+|\s+$/g, '');
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const sec = /^\[\s*(.+?)\s*\]$/.exec(line);
    if (sec) {
      inSection = want.includes(sec[1].replace(/\s+/g, ' '));
      continue;
    }
    if (!inSection || /^\s/.test(raw)) continue; // indented lines belong to a nested block (s3 = …)
    const kv = /^region\s*=\s*(\S+)/.exec(line);
    if (kv) return kv[1];
  }
  return undefined;
}
