// Opening the key-pair store a command works on (cli.md global options), and option parsing
// shared by the store commands (--tag, --filter).

import type { Command } from 'commander';
import { NEEDS_HTTP_URL, UsageError } from '../errors.js';
import { openStore } from '../store/index.js';
import { resolveRegion } from '../store/region.js';
import type { Filter, KeyPairStore, Tag } from '../store/types.js';
import type { GlobalOptions } from './context.js';
import type { App } from './main.js';

/**
 * The local registry needs a region too (pairs are per region, as in EC2). With no region set
 * anywhere (no --region, AWS_REGION, AWS_DEFAULT_REGION or profile region) it uses us-east-1,
 * so `ec2keys new my-key` works offline on a fresh machine; EC2 itself still needs a real one.
 */
export const LOCAL_DEFAULT_REGION = 'us-east-1';

export async function regionFor(g: GlobalOptions, store: 'local' | 'ec2' = g.store): Promise<string | undefined> {
  const r = await resolveRegion({ region: g.region, profile: g.profile });
  return r ?? (store === 'local' ? LOCAL_DEFAULT_REGION : undefined);
}

/** The store of --store (or `store`), opened for these options; EC2 only with a valid endpoint URL. */
export async function openStoreFor(g: GlobalOptions, store: 'local' | 'ec2' = g.store): Promise<KeyPairStore> {
  assertStoreEndpoint(g, store);
  return openStore({ store, home: g.home, region: await regionFor(g, store), profile: g.profile, endpointUrl: g.endpointUrl });
}

/**
 * The EC2 endpoint (--endpoint-url / EC2KEYS_ENDPOINT_URL) must be an http:// or https:// URL.
 * Checked by every command that talks to EC2 or SSM before it does anything else (and before
 * the SDK is loaded): the SDK's own "Invalid URL" came out as Ec2Keys.InternalError, exit 1.
 */
export function assertEndpointUrl(g: GlobalOptions): void {
  const v = g.endpointUrl;
  if (v === undefined) return;
  const from = g.endpointUrlFrom ?? '--endpoint-url';
  let ok = /^https?:\/\/[^/?#]/i.test(v);
  if (ok) {
    try {
      ok = new URL(v).hostname !== '';
    } catch {
      ok = false;
    }
  }
  if (ok) return;
  throw new UsageError(`${from} is ${v === '' ? 'empty' : `"${v}"`}; ${NEEDS_HTTP_URL}`, {
    hint: from === '--endpoint-url'
      ? 'give the scheme and host (--endpoint-url http://HOST:PORT), or leave --endpoint-url out to use the region\'s own EC2 endpoint'
      : 'fix EC2KEYS_ENDPOINT_URL (scheme and host, like http://HOST:PORT), or unset it to use the region\'s own EC2 endpoint',
  });
}

/** assertEndpointUrl for the commands that use the store of --store (or `store`): only EC2 has an endpoint. */
export function assertStoreEndpoint(g: GlobalOptions, store: 'local' | 'ec2' = g.store): void {
  if (store === 'ec2') assertEndpointUrl(g);
}

export function collect(value: string, prev: string[] = []): string[] {
  return [...prev, value];
}

export function parseTags(tags: string[] | undefined): Tag[] {
  return (tags ?? []).map((t) => {
    const i = t.indexOf('=');
    if (i <= 0) throw new UsageError(`--tag takes KEY=VALUE, saw "${t}"`, { hint: 'for example --tag Owner=alice (an empty value is KEY=)' });
    return { Key: t.slice(0, i), Value: t.slice(i + 1) };
  });
}

/** AWS CLI shorthand `Name=key-name,Values=a,b` (also `Name=tag:Env,Values=prod`). */
export function parseFilters(filters: string[] | undefined): Filter[] {
  return (filters ?? []).map((f) => {
    const m = /^Name=([^,]+),Values=(.*)$/.exec(f);
    if (!m) throw new UsageError(`--filter takes Name=NAME,Values=V1,V2, saw "${f}"`, { hint: 'for example --filter Name=key-name,Values=web-*' });
    return { Name: m[1], Values: splitValues(m[2]) };
  });
}

/** Comma-separated values; a backslash keeps a comma (`a\\,b`). */
function splitValues(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && s[i + 1] === ',') {
      cur += ',';
      i++;
    } else if (s[i] === ',') {
      out.push(cur);
      cur = '';
    } else cur += s[i];
  }
  out.push(cur);
  return out;
}

export function globals(app: App, cmd: Command): GlobalOptions {
  return app.globals(cmd);
}
