// moto_server (moto 5.2.1, preinstalled) as a local EC2/SSM endpoint for the EC2-store tests:
// started on a free 127.0.0.1 port, awaited until it answers, reset between tests, stopped
// afterwards (also when a test fails or the worker exits). Only fake credentials ("testing"),
// no profile or config files of the machine, no instance metadata lookups: nothing can reach AWS.
import { spawn, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import { afterAll, beforeAll } from 'vitest';

export const MOTO_REGION = 'us-east-1';

/** The environment every SDK client and `aws` CLI call of the tests runs with. */
export const FAKE_AWS_ENV: Record<string, string | undefined> = {
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_SESSION_TOKEN: undefined,
  AWS_SECURITY_TOKEN: undefined,
  AWS_PROFILE: undefined,
  AWS_DEFAULT_PROFILE: undefined,
  AWS_REGION: undefined,
  AWS_DEFAULT_REGION: undefined,
  AWS_ENDPOINT_URL: undefined,
  AWS_CONFIG_FILE: '/nonexistent/aws-config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

export function applyEnv(env: NodeJS.ProcessEnv, extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export interface Moto {
  endpoint: string;
  port: number;
  region: string;
  /** Forget every resource (POST /moto-api/reset). */
  reset(): Promise<void>;
  stop(): Promise<void>;
  /** The AWS CLI (v1) against this endpoint, `--output json`, parsed: a second oracle. */
  aws(args: string[]): Promise<any>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal); // the whole group: the pyenv shim execs, but be sure
  } catch {
    try { child.kill(signal); } catch { /* gone */ }
  }
}

async function startOnce(timeoutMs: number): Promise<Moto> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const env = applyEnv({ ...process.env }, FAKE_AWS_ENV);
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let log = '';
  const keep = (d: Buffer) => { log = (log + d.toString()).slice(-4000); };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exited = false;
  const exitP = new Promise<void>((r) => child.on('exit', () => { exited = true; r(); }));
  child.on('error', (e) => { exited = true; log += `\nspawn error: ${e.message}`; });
  const onExit = () => killGroup(child, 'SIGKILL');
  process.once('exit', onExit);

  const stop = async () => {
    process.removeListener('exit', onExit);
    if (exited) return;
    killGroup(child, 'SIGTERM');
    const t = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
    await exitP;
    clearTimeout(t);
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) throw new Error(`moto_server exited before answering on ${endpoint}:\n${log}`);
    try {
      const r = await fetch(`${endpoint}/moto-api/data.json`, { signal: AbortSignal.timeout(2000) });
      if (r.ok) break;
    } catch { /* not yet */ }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs} ms:\n${log}`);
    }
    await sleep(100);
  }

  return {
    endpoint,
    port,
    region: MOTO_REGION,
    stop,
    async reset() {
      const r = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (!r.ok) throw new Error(`moto reset failed: HTTP ${r.status}`);
    },
    aws(args: string[]) {
      return new Promise((resolve, reject) => {
        const p = spawn('aws', [...args, '--endpoint-url', endpoint, '--region', MOTO_REGION, '--output', 'json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        p.stdout.on('data', (d) => { out += d; });
        p.stderr.on('data', (d) => { err += d; });
        p.on('error', reject);
        p.on('close', (code) => {
          if (code !== 0) return reject(Object.assign(new Error(`aws ${args.join(' ')} failed (${code}): ${err.trim()}`), { stderr: err, code }));
          try { resolve(out.trim() ? JSON.parse(out) : {}); } catch (e) { reject(e); }
        });
      });
    },
  };
}

/** Start moto_server; a port grabbed in between is retried on a new port. */
export async function startMoto(timeoutMs = 60_000): Promise<Moto> {
  let last: unknown;
  for (let i = 0; i < 3; i++) {
    try {
      return await startOnce(timeoutMs);
    } catch (e) {
      last = e;
    }
  }
  throw last;
}

/**
 * Per test file: start moto before the tests, stop it after them. Also points this worker's
 * process.env at fake credentials so SDK clients built by the code under test find them.
 */
export function useMoto(): () => Moto {
  let moto: Moto | undefined;
  let saved: NodeJS.ProcessEnv | undefined;
  beforeAll(async () => {
    saved = { ...process.env };
    applyEnv(process.env, FAKE_AWS_ENV);
    moto = await startMoto();
  }, 120_000);
  afterAll(async () => {
    await moto?.stop();
    if (saved) {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
  });
  return () => {
    if (!moto) throw new Error('moto_server is not running (beforeAll failed?)');
    return moto;
  };
}
