// Helpers for the standalone-executable tests (issue #6 §2): find the artifacts that
// scripts/build-exe.mjs wrote and check they were built from the current sources, run the Linux
// exe from a clean folder with no node on PATH and no node_modules above it, run the Windows exe
// under Wine (stdout and stderr to files: a pipe gives EBADF under Wine), run the npm CLI for
// comparison, and start moto_server for the --store ec2 smoke tests.
//
// Skip rule: when the executables are missing (or stale) the suites FAIL with the command to
// run, unless EC2KEYS_SKIP_EXE=1, which turns that into a skip with the same message.
// EC2KEYS_EXE_ALLOW_STALE=1 tests executables built from older sources (local iteration only).
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanEnv } from '../helpers/cli.js';
import { corpusDir } from '../helpers/tools.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DIST = path.join(ROOT, 'dist');
export const LINUX_EXE = path.join(DIST, 'ec2keys-linux-x64');
export const WIN_EXE = path.join(DIST, 'ec2keys-win-x64.exe');
export const MANIFEST = path.join(DIST, 'ec2keys-exe.json');
export const NPM_BIN = path.join(ROOT, 'bin', 'ec2keys.js');
export const PKG_VERSION: string = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
export const EMBEDDED_NODE = 'v22.23.3';
export const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

export interface Manifest {
  ec2keysVersion: string;
  nodeVersion: string;
  /** Per executable: its size and sha256, whether its blob carries a code cache, and the sha256 of each source bundled. */
  files: Record<string, { size: number; sha256: string; codeCache: boolean; sources: Record<string, string> }>;
}

/** Why the executable cannot be tested, or null when it is there and built from the current sources. */
export function artifactProblem(exe: string): string | null {
  const rebuild = 'run `npm run build:exe` (node scripts/build-exe.mjs) first, or set EC2KEYS_SKIP_EXE=1 to skip these tests';
  if (!fs.existsSync(exe)) return `${path.relative(ROOT, exe)} is missing; ${rebuild}`;
  if (!fs.existsSync(MANIFEST)) return `${path.relative(ROOT, MANIFEST)} is missing; ${rebuild}`;
  const m = JSON.parse(fs.readFileSync(MANIFEST, 'utf8')) as Manifest;
  const rec = m.files[path.basename(exe)];
  if (!rec || rec.size !== fs.statSync(exe).size) return `${path.relative(ROOT, exe)} does not match ${path.relative(ROOT, MANIFEST)}; ${rebuild}`;
  const changed = Object.entries(rec.sources).filter(([p, sha]) => {
    const f = path.join(ROOT, p);
    return !fs.existsSync(f) || createHash('sha256').update(fs.readFileSync(f)).digest('hex') !== sha;
  });
  // EC2KEYS_EXE_ALLOW_STALE=1: test an older build anyway (while sources are being edited); never in CI.
  if (changed.length && process.env.EC2KEYS_EXE_ALLOW_STALE !== '1') return `${path.relative(ROOT, exe)} was built from other sources (${changed.length} changed, e.g. ${changed[0][0]}); ${rebuild}`;
  return null;
}

export function manifest(): Manifest {
  return JSON.parse(fs.readFileSync(MANIFEST, 'utf8')) as Manifest;
}

/** 'run' | 'skip' | 'fail' and the message, per the skip rule above. */
export function exeGate(exe: string): { mode: 'run' | 'skip' | 'fail'; why: string } {
  const why = artifactProblem(exe);
  if (!why) return { mode: 'run', why: '' };
  return { mode: process.env.EC2KEYS_SKIP_EXE === '1' ? 'skip' : 'fail', why };
}

export function tmp(prefix = 'ec2keys-exe-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOpts {
  cwd: string;
  env?: Record<string, string | undefined>;
  input?: string;
  timeoutMs?: number;
}

function spawnCollect(cmd: string, args: string[], opts: RunOpts, env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    const t = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(t);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}

/** The environment both CLIs get: no AWS_/EC2KEYS_/CI from the caller, a private HOME, no Node hooks. */
export function baseEnv(home: string, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return cleanEnv({ HOME: home, USERPROFILE: home, NODE_OPTIONS: undefined, NODE_PATH: undefined, NODE_V8_COVERAGE: undefined, ...extra });
}

/** The npm CLI as users run it: `node bin/ec2keys.js` (the tests' Node, with the system PATH). */
export function runNpm(args: string[], opts: RunOpts & { home: string }): Promise<Run> {
  return spawnCollect(process.execPath, [NPM_BIN, ...args], opts, baseEnv(opts.home, opts.env));
}

/**
 * The Linux exe copied alone into an empty folder. PATH holds only that folder, so no `node`
 * (nor anything else) can be found; the folder sits in os.tmpdir(), checked to have no
 * node_modules on the way up.
 */
export class LinuxExe {
  readonly dir: string;
  readonly bin: string;
  readonly exe: string;

  constructor() {
    this.dir = tmp('ec2keys-exe-clean-');
    this.bin = path.join(this.dir, 'bin');
    fs.mkdirSync(this.bin);
    this.exe = path.join(this.bin, 'ec2keys');
    fs.copyFileSync(LINUX_EXE, this.exe);
    fs.chmodSync(this.exe, 0o755);
  }

  env(home: string, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
    return baseEnv(home, { PATH: this.bin, ...extra });
  }

  run(args: string[], opts: RunOpts & { home: string }): Promise<Run> {
    return spawnCollect(this.exe, args, opts, this.env(opts.home, opts.env));
  }

  /** Every node_modules folder from `dir` up to the root (must be none). */
  nodeModulesAbove(dir = this.dir): string[] {
    const found: string[] = [];
    for (let d = dir; ; d = path.dirname(d)) {
      if (fs.existsSync(path.join(d, 'node_modules'))) found.push(path.join(d, 'node_modules'));
      if (path.dirname(d) === d) return found;
    }
  }

  dispose(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A Wine prefix set to Windows 10 (scripts/setup-wine.sh installs Wine when missing). */
export function setupWine(): string {
  const r = spawnSync('bash', [path.join(ROOT, 'scripts', 'setup-wine.sh')], { cwd: ROOT, encoding: 'utf8', timeout: 900_000 });
  if (r.status !== 0) throw new Error(`scripts/setup-wine.sh failed (exit ${r.status}):\n${r.stderr}`);
  const prefix = r.stdout.trim().split('\n').pop()!;
  // Keep the wineserver up between runs (it exits by itself 60 s after the last one): saves ~2 s a run.
  spawnSync('wineserver', ['-p', '60'], { env: { ...process.env, WINEPREFIX: prefix, WINEDEBUG: '-all' }, stdio: 'ignore' });
  return prefix;
}

/** Run `fn` over `items`, at most `limit` at a time (the machine has 2 cores). */
export async function pool<T>(items: T[], limit: number, fn: (x: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(Array.from({ length: Math.min(limit, queue.length) }, async () => {
    for (let x = queue.shift(); x !== undefined; x = queue.shift()) await fn(x);
  }));
}

/**
 * Run a Windows program under Wine. stdout/stderr go to files (a pipe gives EBADF under Wine);
 * stdin is /dev/null unless `input` is given, which is then passed as a file too.
 */
export function runWine(prefix: string, exe: string, args: string[], opts: RunOpts & { home: string }): Promise<Run> {
  const io = tmp('ec2keys-wine-io-');
  const outF = path.join(io, 'out');
  const errF = path.join(io, 'err');
  const inF = path.join(io, 'in');
  fs.writeFileSync(inF, opts.input ?? '');
  const fds = [fs.openSync(inF, 'r'), fs.openSync(outF, 'w'), fs.openSync(errF, 'w')];
  const env = baseEnv(opts.home, { WINEPREFIX: prefix, WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=', ...opts.env });
  return new Promise<Run>((resolve, reject) => {
    const child = spawn('wine', [exe, ...args], { cwd: opts.cwd, env, stdio: fds });
    const t = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(t);
      for (const fd of fds) fs.closeSync(fd);
      const res = { code, stdout: fs.readFileSync(outF, 'utf8'), stderr: fs.readFileSync(errF, 'utf8') };
      fs.rmSync(io, { recursive: true, force: true });
      resolve(res);
    });
  });
}

/**
 * Make outputs of two runs comparable: the embedded Node version, and each run's own folder,
 * also in the Windows form Wine shows (Z:\tmp\x, or Z:\\tmp\\x inside JSON), where the
 * separators after the folder are turned into '/' as well.
 */
export function normalize(s: string, dirs: Record<string, string> = {}): string {
  let out = s.replace(/\(node v\d+\.\d+\.\d+\)/g, '(node VERSION)');
  for (const [name, dir] of Object.entries(dirs)) {
    const win = 'Z:' + dir.replace(/\//g, '\\');
    out = out.split(win.replace(/\\/g, '\\\\')).join(`<${name}>`).split(win).join(`<${name}>`).split(dir).join(`<${name}>`);
  }
  return out.replace(/<([A-Z]+)>((?:\\{1,2}[^\s"'\\]+)+)/g, (_m, n: string, rest: string) => `<${n}>${rest.replace(/\\{1,2}/g, '/')}`);
}

/**
 * Heavy libraries that must not run at start. They live in SEA assets (scripts/build-exe.mjs),
 * which show up in coverage as scripts named `ec2keys-asset:<group>.cjs`; inside them (and in
 * the main script) esbuild wraps each CommonJS module in a function named after its path.
 */
export const HEAVY = /^(asset:|node_modules\/(@aws-sdk|@smithy|@inquirer|node-forge|hash-wasm)\/)/;

/**
 * Which bundled modules ran, from V8 precise coverage (NODE_V8_COVERAGE works for a SEA too):
 * `asset:<file>` for every asset script that was loaded, and the path of every module wrapper
 * whose body ran.
 */
export function modulesRun(covDir: string): Set<string> {
  const ran = new Set<string>();
  for (const f of fs.readdirSync(covDir)) {
    const j = JSON.parse(fs.readFileSync(path.join(covDir, f), 'utf8')) as { result: { url: string; functions: { functionName: string; ranges: { count: number }[] }[] }[] };
    for (const s of j.result) {
      if (s.url.startsWith('node:')) continue;
      if (s.url.startsWith('ec2keys-asset:') && s.functions.some((fn) => fn.ranges[0].count > 0)) ran.add(`asset:${s.url.slice('ec2keys-asset:'.length)}`);
      for (const fn of s.functions) if (/^(node_modules|src)\//.test(fn.functionName) && fn.ranges[0].count > 0) ran.add(fn.functionName);
    }
  }
  return ran;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** moto_server on 127.0.0.1 (only), stopped by the returned function. */
export async function startMoto(): Promise<{ url: string; stop: () => void }> {
  const port = await freePort();
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const c = net.connect(port, '127.0.0.1', () => { c.end(); resolve(true); });
      c.on('error', () => resolve(false));
    });
    if (up) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`moto_server did not start on ${url}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, stop: () => child.kill('SIGTERM') };
}

/** The environment that points a CLI (or the aws CLI) at moto: fake credentials, one region. */
export function motoEnv(url: string): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    EC2KEYS_ENDPOINT_URL: url,
  };
}

/** Commands the npm CLI offers right now (from `--help`), so smoke tests cover what exists. */
export function npmCommands(): Set<string> {
  const r = spawnSync(process.execPath, [NPM_BIN, '--help'], { encoding: 'utf8', env: cleanEnv() });
  const after = r.stdout.split(/^Commands:$/m)[1] ?? '';
  return new Set([...after.matchAll(/^ {2}([a-z][a-z-]*)\b/gm)].map((m) => m[1]));
}

export interface CorpusEntry {
  file: string;
  kind: 'private' | 'public';
  format: string;
  keyType: string;
  passphrase: string | null;
  expect: 'ok' | 'reject';
  optional?: boolean;
  importedFingerprint?: string;
  createdFingerprint?: string;
  sha256?: string;
}

export const CORPUS = corpusDir();

/** One non-optional, accepted corpus key per format (real-world files with oracle fingerprints). */
export function corpusSample(formats: string[]): CorpusEntry[] {
  const m = JSON.parse(fs.readFileSync(path.join(CORPUS, 'manifest.json'), 'utf8')) as { files: CorpusEntry[] };
  const out: CorpusEntry[] = [];
  for (const f of formats) {
    const e = m.files.find((x) => x.format === f && x.expect === 'ok' && !x.optional && x.sha256);
    if (e) out.push(e);
  }
  return out;
}
