// Fault-injection plumbing for test/faults and test/security (issue #7 §3, §4): the real CLI run
// under a wrapper (a file-size ulimit, another user), small tmpfs mounts that can be filled or
// turned read-only, a snapshot of a folder (every entry, hidden ones too, with mode and content
// hash) to prove "nothing lost, nothing overwritten, nothing left behind", and local TCP/HTTP
// servers that misbehave on purpose (a proxy that loses answers, a server that never answers,
// one that trickles a byte at a time).
//
// Root-only tools (mount, setpriv) are probed once; tests that need them are skipped with the
// reason in their name when the machine does not allow them (a non-root CI runner).
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { expect } from 'vitest';
import { BIN, ROOT, cleanEnv, hasStack, type CliResult } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tools.js';

export const IS_ROOT = process.getuid?.() === 0;
const NOBODY = 65534;

/** Root and a kernel that lets us mount a tmpfs here (containers may refuse). */
export const CAN_MOUNT: boolean = (() => {
  if (!IS_ROOT || process.platform !== 'linux') return false;
  const d = tmpDir('ec2keys-mount-probe-');
  try {
    if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', d]).status !== 0) return false;
    spawnSync('umount', [d]);
    return true;
  } finally {
    fs.rmSync(d, { recursive: true, force: true });
  }
})();

/** Root, setpriv, and the unprivileged user can run Node and read the CLI. */
export const CAN_DROP_PRIVILEGES: boolean = (() => {
  if (!IS_ROOT || process.env.EC2KEYS_TEST_BIN) return false;
  const r = spawnSync('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', process.execPath, BIN, '--version'], { encoding: 'utf8' });
  return r.status === 0 && /^ec2keys /.test(r.stdout);
})();

/** Run the unprivileged user's commands with this prefix. */
export const AS_NOBODY = ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups'];

export interface RunOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  input?: string;
  timeoutMs?: number;
  /** Command words before the CLI (e.g. AS_NOBODY). */
  wrapper?: string[];
  /** A bash script run before the CLI, which is "$@" inside it (e.g. `ulimit -f 1; exec "$@"`). */
  shell?: string;
  /** Called with the child process once spawned (to signal it mid-command). */
  onSpawn?: (child: import('node:child_process').ChildProcess) => void;
}

/** The real CLI (or EC2KEYS_TEST_BIN) with a scrubbed environment, optionally wrapped. */
export function run(args: string[], o: RunOptions = {}): Promise<CliResult & { ms: number }> {
  const bin = process.env.EC2KEYS_TEST_BIN;
  let argv = bin ? [bin, ...args] : [process.execPath, BIN, ...args];
  if (o.shell !== undefined) argv = ['bash', '-c', o.shell, 'ec2keys', ...argv];
  if (o.wrapper) argv = [...o.wrapper, ...argv];
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const c = spawn(argv[0], argv.slice(1), { cwd: o.cwd ?? ROOT, env: cleanEnv(o.env), stdio: ['pipe', 'pipe', 'pipe'] });
    o.onSpawn?.(c);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    c.stdout.on('data', (d) => out.push(d));
    c.stderr.on('data', (d) => err.push(d));
    const timer = setTimeout(() => c.kill('SIGKILL'), o.timeoutMs ?? 60_000);
    c.on('error', reject);
    c.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), ms: Date.now() - t0 });
    });
    c.stdin.on('error', () => {});
    c.stdin.end(o.input ?? '');
  });
}

/**
 * A failed command as the contract says: exit `exit`, `ec2keys: CODE: …` on stderr, no stack trace;
 * with --json one {"Error"} document on stdout. Returns the message line (and the JSON error).
 */
export function expectFailure(r: CliResult, code: string, exit = 1): { line: string; json?: { Code: string; Message: string; Hint?: string; Target?: string } } {
  expect(r.signal, `killed: ${r.stderr}`).toBe(null);
  expect(r.code, `exit code${r.signal ? ` (killed by ${r.signal})` : ""}; stderr: ${r.stderr}`).toBe(exit);
  expect(hasStack(r.stderr), `stack trace in stderr:\n${r.stderr}`).toBe(false);
  const line = r.stderr.split('\n').find((l) => l.startsWith('ec2keys: ')) ?? '';
  expect(line, r.stderr).toMatch(new RegExp(`^ec2keys: ${code.replace(/\./g, '\\.')}: \\S`));
  let json;
  if (r.stdout.trim().startsWith('{')) {
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(['Error']);
    expect(doc.Error.Code).toBe(code);
    json = doc.Error;
  }
  return { line, json };
}

export function expectOk(r: CliResult): void {
  expect(r.signal, `killed: ${r.stderr}`).toBe(null);
  expect(r.code, `exit code${r.signal ? ` (killed by ${r.signal})` : ""}; stderr: ${r.stderr}`).toBe(0);
  expect(hasStack(r.stderr)).toBe(false);
}

export interface Entry {
  mode: string;
  size?: number;
  sha256?: string;
}

/** Every entry under `dir` (hidden ones too), with octal mode and content hash: `ls -laR` as data. */
export function snapshot(dir: string): Record<string, Entry> {
  const out: Record<string, Entry> = {};
  const walk = (d: string, rel: string) => {
    for (const name of fs.readdirSync(d).sort()) {
      const p = path.join(d, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = fs.lstatSync(p);
      const mode = (st.mode & 0o7777).toString(8).padStart(4, '0');
      if (st.isDirectory()) {
        out[r + '/'] = { mode };
        walk(p, r);
      } else {
        out[r] = { mode, size: st.size, sha256: st.isFile() ? createHash('sha256').update(fs.readFileSync(p)).digest('hex') : undefined };
      }
    }
  };
  walk(dir, '');
  return out;
}

/** A tmpfs of `sizeKb` mounted on a fresh temp folder: filled, made read-only, unmounted. */
export class Tmpfs {
  readonly dir: string;
  private mounted = false;

  constructor(sizeKb: number, prefix = 'ec2keys-tmpfs-') {
    this.dir = tmpDir(prefix);
    sh('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k,mode=0755`, 'tmpfs', this.dir]);
    this.mounted = true;
  }

  readOnly(): void {
    sh('mount', ['-o', 'remount,ro', this.dir]);
  }

  writable(): void {
    sh('mount', ['-o', 'remount,rw', this.dir]);
  }

  /** Bytes still free. */
  free(): number {
    return fs.statfsSync(this.dir).bavail * fs.statfsSync(this.dir).bsize;
  }

  /** Fill the file system until only `leave` bytes are free (a file named .fill). */
  fill(leave = 0): void {
    const f = path.join(this.dir, '.fill');
    const want = this.free() - leave;
    if (want <= 0) return;
    const fd = fs.openSync(f, 'a');
    try {
      fs.writeSync(fd, Buffer.alloc(want));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
    } finally {
      fs.closeSync(fd);
    }
    expect(this.free()).toBe(leave);
  }

  unfill(): void {
    fs.rmSync(path.join(this.dir, '.fill'), { force: true });
  }

  unmount(): void {
    if (!this.mounted) return;
    spawnSync('umount', ['-l', this.dir]);
    this.mounted = false;
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

function sh(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
}

// ------------------------------------------------------------------ misbehaving servers

export interface Server {
  url: string;
  port: number;
  close(): Promise<void>;
}

function listen(srv: net.Server, sockets: Set<net.Socket>): Promise<Server> {
  srv.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return new Promise((resolve) => {
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      resolve({
        url: `http://127.0.0.1:${port}`,
        port,
        close: () => new Promise<void>((r) => {
          for (const s of sockets) s.destroy();
          srv.close(() => r());
        }),
      });
    });
  });
}

/** Accepts connections and reads requests, and never answers. */
export function silentServer(): Promise<Server> {
  const sockets = new Set<net.Socket>();
  return listen(net.createServer((c) => c.on('data', () => {})), sockets);
}

/** Answers 200 with headers, then one space every `everyMs`, forever: the socket is never idle. */
export function tricklingServer(everyMs = 200): Promise<Server> {
  const sockets = new Set<net.Socket>();
  const srv = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/xml' });
    const t = setInterval(() => res.write(' '), everyMs);
    res.on('close', () => clearInterval(t));
  });
  return listen(srv, sockets);
}

/** A free port with nothing listening on it (connections are refused). */
export async function refusedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export interface FaultProxy extends Server {
  /** How many requests matched the rule. */
  hits(): number;
  /** Resolves when the first matching request has reached the proxy. */
  matched: Promise<void>;
}

/**
 * A TCP proxy to 127.0.0.1:`upstream` that breaks the first request whose bytes contain `match`:
 *   'lose-answer' — forward it, let the server do the work, swallow the answer and reset the
 *                   client's connection; everything afterwards passes (a network hiccup);
 *   'cut'         — the same, and from then on the endpoint is gone (the listener closes:
 *                   connections are refused), as when the server dies in the middle of a command;
 *   'cut-before'  — the request never reaches the server, and the endpoint is gone from then on.
 *   'delay-answer' — forward it and pass the answer on `delayMs` late (a slow EC2).
 */
export function faultProxy(upstream: number, match: string, mode: 'lose-answer' | 'cut' | 'cut-before' | 'delay-answer', delayMs = 1500): Promise<FaultProxy> {
  const sockets = new Set<net.Socket>();
  let armed = true;
  let hits = 0;
  let onMatch!: () => void;
  const matched = new Promise<void>((r) => (onMatch = r));
  let srv: net.Server;
  let server: Server;
  const goAway = () => {
    srv.close();
    for (const s of sockets) s.destroy();
  };
  srv = net.createServer((client) => {
    const up = net.connect(upstream, '127.0.0.1');
    let broken = false;
    let gate: Promise<unknown> = Promise.resolve();
    client.on('data', (d) => {
      if (armed && d.toString('latin1').includes(match)) {
        armed = false;
        hits++;
        broken = true;
        onMatch();
        if (mode === 'delay-answer') gate = new Promise((r) => setTimeout(r, delayMs));
        if (mode === 'cut-before') {
          client.resetAndDestroy();
          up.destroy();
          goAway();
          return;
        }
      }
      up.write(d);
    });
    up.on('data', (d) => {
      if (mode === 'delay-answer') {
        void gate.then(() => client.write(d)); // in order, held back until the gate opens
        return;
      }
      if (broken) {
        client.resetAndDestroy();
        up.destroy();
        if (mode === 'cut') goAway();
        return;
      }
      client.write(d);
    });
    client.on('error', () => up.destroy());
    up.on('error', () => client.destroy());
    client.on('end', () => up.end());
    up.on('end', () => void gate.then(() => client.end()));
  });
  return listen(srv, sockets).then((s) => {
    server = s;
    return { ...server, hits: () => hits, matched };
  });
}
