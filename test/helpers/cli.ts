// Spawn the real CLI (node bin/ec2keys.js, or the standalone binary named by EC2KEYS_TEST_BIN)
// with a scrubbed environment, and collect exit code, stdout and stderr.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(ROOT, 'bin/ec2keys.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  input?: string | Buffer;
  cwd?: string;
  timeoutMs?: number;
  /** 'null': stdout is /dev/null (as `> /dev/null`, or `>&-`, which Node reopens so); 'closed': a pipe whose reader has gone. */
  stdout?: 'null' | 'closed';
}

/** Environment with nothing of the caller's AWS_/EC2KEYS_ settings. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(AWS_|EC2KEYS_)/.test(k) || k === 'CI') continue;
    env[k] = v;
  }
  env.AWS_CONFIG_FILE = '/nonexistent/aws-config';
  env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/aws-credentials';
  env.AWS_EC2_METADATA_DISABLED = 'true';
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  const bin = process.env.EC2KEYS_TEST_BIN;
  const [cmd, argv] = bin ? [bin, args] : [process.execPath, [BIN, ...args]];
  return new Promise((resolve, reject) => {
    const nul = opts.stdout === 'null' ? fs.openSync('/dev/null', 'w') : undefined;
    const child = spawn(cmd, argv, { cwd: opts.cwd ?? ROOT, env: cleanEnv(opts.env), stdio: ['pipe', nul ?? 'pipe', 'pipe'] });
    if (nul !== undefined) fs.closeSync(nul);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    if (opts.stdout === 'closed') child.stdout!.destroy();
    else child.stdout?.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    const t = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(t);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}

/** Assert-friendly: no JS stack trace in stderr. */
export function hasStack(s: string): boolean {
  return /\n\s+at .+:\d+:\d+\)?/.test(s) || /TypeError|RangeError|ReferenceError|ERR_[A-Z_]+/.test(s);
}
