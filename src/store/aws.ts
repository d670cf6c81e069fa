// Shared AWS SDK plumbing for the EC2 store and the SSM helper: client configuration (standard
// credential chain, --region/--profile/--endpoint-url, bounded retries and timeouts) and the one
// mapping from SDK errors to Ec2KeysError (issue #4 §1: "SDK errors mapped to the contract's codes
// with their messages"). No SDK import here: callers load the SDK lazily (runtime.md, lazy loading).
//
// Limits: maxAttempts 3 (the SDK's standard retry mode), connect timeout 10 s, request timeout 60 s,
// so an unreachable endpoint fails in seconds, not after the OS's two-minute TCP timeout. The
// request timeout is the SDK's socket IDLE timeout: an endpoint that trickles a byte now and then
// (a broken proxy) would hold a command forever, so every call also has a whole-call deadline,
// retries included (addCallDeadline: connect + 2 × request timeout, 130 s by default), which aborts
// the request itself.
// EC2KEYS_CONNECT_TIMEOUT / EC2KEYS_READ_TIMEOUT (seconds, like the AWS CLI's --cli-connect-timeout
// and --cli-read-timeout) change them, for slow links, and for the fault tests.

import { Codes, Ec2KeysError, NEEDS_HTTP_URL } from '../errors.js';
import type { Ec2StoreOptions } from './types.js';

export const CONNECT_TIMEOUT_MS = 10_000;
export const REQUEST_TIMEOUT_MS = 60_000;

export interface ClientConfig {
  region?: string;
  profile?: string;
  endpoint?: string;
  maxAttempts: number;
  requestHandler: { connectionTimeout: number; requestTimeout: number; throwOnRequestTimeout: boolean };
  logger: { trace(...a: unknown[]): void; debug(...a: unknown[]): void; info(...a: unknown[]): void; warn(...a: unknown[]): void; error(...a: unknown[]): void };
}

/** Connect, request (idle) and whole-call timeouts in ms, from the environment or the defaults. */
export function timeouts(env: NodeJS.ProcessEnv = process.env): { connectMs: number; requestMs: number; callMs: number } {
  const seconds = (name: string, def: number): number => {
    const v = env[name];
    if (v === undefined || v === '') return def;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0 || n > 3600) {
      throw new Ec2KeysError(Codes.Usage, `${name} is "${v}"; give a number of seconds between 0 and 3600, like 30`, { exitCode: 2 });
    }
    return Math.round(n * 1000);
  };
  const connectMs = seconds('EC2KEYS_CONNECT_TIMEOUT', CONNECT_TIMEOUT_MS);
  const requestMs = seconds('EC2KEYS_READ_TIMEOUT', REQUEST_TIMEOUT_MS);
  return { connectMs, requestMs, callMs: connectMs + 2 * requestMs };
}

/**
 * Bound every call of `client` (all its attempts) by `ms`: each send gets an AbortSignal that fires
 * then, so the request (and its socket) really stops and the call fails as an abort
 * (→ Ec2Keys.EndpointError "no answer in time"). A caller's own abortSignal is kept.
 */
export function addCallDeadline<C extends object>(client: C, ms: number = timeouts().callMs): C {
  type Send = (command: unknown, options?: unknown) => Promise<unknown>;
  const c = client as unknown as { send: Send };
  const send: Send = c.send.bind(client);
  c.send = (command, options) => {
    const o = typeof options === 'object' && options !== null ? (options as { abortSignal?: AbortSignal }) : {};
    return send(command, { ...o, abortSignal: o.abortSignal ?? AbortSignal.timeout(ms) });
  };
  return client;
}

export function clientConfig(opts: Ec2StoreOptions): ClientConfig {
  // The SDK warns on stderr under Node < 22 (our executables embed Node 22; a dev machine may not):
  // a warning no user can act on must not pollute stderr, which scripts read.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const t = timeouts();
  const c: ClientConfig = {
    // The SDK logs to console.warn, on our stderr, which scripts read. With --profile (or
    // AWS_PROFILE) and AWS_ACCESS_KEY_ID both set it printed a 9-line "Multiple credential sources
    // detected" block on every run, although using the profile named explicitly is what the AWS CLI
    // does too, silently. That one is dropped; any other SDK warning still reaches stderr. SDK
    // errors are thrown to us and reported as ours, so its own error log lines are dropped too.
    logger: SDK_LOGGER,
    maxAttempts: opts.maxAttempts ?? 3,
    // throwOnRequestTimeout: without it the SDK only logs a warning when the request timeout passes.
    requestHandler: { connectionTimeout: t.connectMs, requestTimeout: t.requestMs, throwOnRequestTimeout: true },
  };
  if (opts.region) c.region = opts.region;
  // `profile` makes the SDK's default chain (env, SSO, assume-role, credentials/config files,
  // process, IMDS) read that profile, for credentials and region alike.
  if (opts.profile) c.profile = opts.profile;
  if (opts.endpointUrl) c.endpoint = opts.endpointUrl;
  return c;
}

/** The profile the SDK reads for these options (--profile, else AWS_PROFILE), for credential errors. */
export function profileOf(opts: Ec2StoreOptions): string | undefined {
  return opts.profile || process.env.AWS_PROFILE || undefined;
}

const noop = () => {};
const SDK_LOGGER = {
  trace: noop,
  debug: noop,
  info: noop,
  warn: (...args: unknown[]) => {
    if (/Multiple credential sources detected/.test(String(args[0]))) return;
    console.warn(...args);
  },
  error: noop,
};

/** Where requests go, for messages. */
export function endpointName(service: 'ec2' | 'ssm', opts: Ec2StoreOptions, region?: string): string {
  return opts.endpointUrl ?? process.env[`AWS_ENDPOINT_URL_${service.toUpperCase()}`] ?? process.env.AWS_ENDPOINT_URL ??
    `https://${service}.${region ?? opts.region ?? '<region>'}.amazonaws.com`;
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed (temporary DNS failure)',
  ETIMEDOUT: 'connection timed out',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed',
  ECONNABORTED: 'connection aborted',
  CERT_HAS_EXPIRED: 'TLS certificate has expired',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate cannot be verified',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS certificate chain has a self-signed certificate',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS certificate is self-signed',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not match the host name',
};

const CREDENTIAL_CODES = new Set([
  'AuthFailure', 'UnrecognizedClientException', 'InvalidClientTokenId', 'SignatureDoesNotMatch', 'ExpiredToken',
  'ExpiredTokenException', 'RequestExpired', 'InvalidAccessKeyId', 'MissingAuthenticationToken', 'IncompleteSignature',
]);

const CODE_HINTS: Record<string, string> = {
  'InvalidKeyPair.NotFound': 'list the key pairs with `ec2keys get --store ec2`',
  'InvalidKeyPair.Duplicate': 'choose another name, or remove the existing pair first with `ec2keys remove NAME`',
  UnauthorizedOperation: 'the AWS identity in use lacks this EC2 permission; ask for it or use another --profile',
  AccessDeniedException: 'the AWS identity in use lacks this permission; ask for it or use another --profile',
  OptInRequired: 'this account is not subscribed to EC2 in this region; choose another --region',
  InvalidInstanceID: 'instance ids look like i-0123456789abcdef0',
  'InvalidInstanceID.NotFound': 'check the instance id and the --region it runs in',
  'InvalidInstanceID.Malformed': 'instance ids look like i-0123456789abcdef0',
  ParameterNotFound: 'CloudFormation (AWS::EC2::KeyPair) keeps the private keys it creates at /ec2/keypair/<key-pair-id>; other key pairs have none',
};

/**
 * Any SDK (or network) failure → Ec2KeysError with EC2's code and message where there is one.
 * `profile`: the profile the client used (profileOf), named when it gave no credentials.
 */
export function mapAwsError(raw: unknown, endpoint: string, profile?: string): Ec2KeysError {
  if (raw instanceof Ec2KeysError) return raw;
  const err = (raw ?? {}) as Error & { code?: string; Code?: string; $fault?: string; $metadata?: { httpStatusCode?: number; requestId?: string }; $response?: unknown };
  const name = err.name ?? 'Error';
  const message = String(err.message ?? raw);
  const status = err.$metadata?.httpStatusCode;
  // The SDK error drags the whole HTTP response (sockets, agent) along; keep only what helps.
  const e = Object.assign(new Error(`${name}: ${message}`), {
    name, code: err.code, httpStatusCode: status, requestId: err.$metadata?.requestId,
  });

  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
    if (profile) {
      // The usual cause: a mistyped profile (the SDK only says it could load nothing).
      return new Ec2KeysError(Codes.Credentials, `no AWS credentials from profile "${profile}": ${lowerFirst(message)}`, {
        cause: e,
        hint: `check that the profile "${profile}" exists in ${process.env.AWS_CONFIG_FILE || '~/.aws/config'} or ${process.env.AWS_SHARED_CREDENTIALS_FILE || '~/.aws/credentials'} (\`aws configure list-profiles\`), and log in if it uses SSO (\`aws sso login --profile ${profile}\`)`,
      });
    }
    return new Ec2KeysError(Codes.Credentials, `no AWS credentials found: ${lowerFirst(message)}`, {
      cause: e,
      hint: 'set AWS_PROFILE (or --profile) to a configured profile, run `aws configure` or `aws sso login`, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
    });
  }
  if (err.code === 'ERR_INVALID_URL' || /^Invalid URL/.test(message)) {
    // ec2keys checks --endpoint-url and EC2KEYS_ENDPOINT_URL itself (cli/store.ts); the SDK reads these.
    const v = ['AWS_ENDPOINT_URL_EC2', 'AWS_ENDPOINT_URL_SSM', 'AWS_ENDPOINT_URL'].find((n) => process.env[n]);
    const needs = NEEDS_HTTP_URL;
    return new Ec2KeysError(Codes.Usage, v ? `${v} is ${JSON.stringify(process.env[v])}; ${needs}` : `the AWS profile's endpoint_url is not a URL; ${needs}`, {
      cause: e, exitCode: 2,
      hint: v ? `fix ${v}, or unset it to use AWS's own endpoints` : `fix endpoint_url in ${process.env.AWS_CONFIG_FILE || '~/.aws/config'}, or remove it to use AWS's own endpoints`,
    });
  }
  if (/region is missing/i.test(message)) {
    return new Ec2KeysError(Codes.Usage, 'no AWS region is set', { cause: e, exitCode: 2, hint: 'give --region (e.g. --region us-east-1), set AWS_REGION, or set a region in the profile' });
  }
  const net = err.code && NETWORK_CODES[err.code];
  if (net || name === 'TimeoutError' || name === 'RequestTimeout' || name === 'AbortError') {
    const why = net || 'no answer in time';
    return new Ec2KeysError(Codes.Endpoint, `cannot reach ${endpoint}: ${why}`, {
      cause: e, target: endpoint,
      hint: endpoint.includes('amazonaws.com') ? 'check the network connection, proxy settings and --region' : 'check --endpoint-url (or EC2KEYS_ENDPOINT_URL) and that the endpoint is running',
    });
  }
  // An answer without an error code or request id did not come from AWS (a proxy's or captive
  // portal's page): the SDK then invents a name from the HTTP status ("NotFound") and "Unknown".
  const fromAws = err.Code !== undefined || (err as { Error?: { Code?: string } }).Error?.Code !== undefined || err.$metadata?.requestId !== undefined;
  if (status !== undefined && err.$fault && name !== 'Error' && fromAws) {
    if (CREDENTIAL_CODES.has(name)) {
      return new Ec2KeysError(Codes.Credentials, `${name}: ${message}`, {
        cause: e, hint: 'the AWS credentials are wrong or expired: refresh them (`aws sso login`, new keys) or use another --profile',
      });
    }
    const base = name.split('.')[0];
    return new Ec2KeysError(name, message, { cause: e, hint: CODE_HINTS[name] ?? CODE_HINTS[base] });
  }
  if (status !== undefined) {
    // Not an EC2 error document (a proxy page, an emulator's HTTP 500 trace…).
    return new Ec2KeysError(Codes.Endpoint, `${endpoint} answered HTTP ${status} with something that is not an AWS response`, {
      cause: e, target: endpoint, hint: status >= 500 ? 'try again later; if it persists, check --endpoint-url' : 'check --endpoint-url and proxy settings',
    });
  }
  return new Ec2KeysError(Codes.Internal, `AWS request failed: ${message}`, { cause: e });
}

function lowerFirst(s: string): string {
  return s ? s[0].toLowerCase() + s.slice(1).replace(/\.$/, '') : s;
}
