#!/usr/bin/env node
// Startup benchmark of the standalone executable (issue #6 §4; method and earlier numbers in
// ../shared/reference/runtime.md §1 and §6). In ONE hyperfine run per environment, so machine
// noise hits all commands alike:
//   - dist/ec2keys-linux-x64 --version, and a local command (fingerprint of a fresh RSA key)
//   - node bin/ec2keys.js --version (the npm CLI on this machine's Node)
//   - aws --version (the baseline users know)
// once with NODE_EXTRA_CA_CERTS set (as on these machines and behind TLS-inspecting proxies;
// Node 20 parses the file at every start) and once without. Target: exe ≤ 0.1 × aws.
// Also reports the executables' sizes (raw and gzip -6) and the bundle size.
//
//   node bench/startup.mjs [--runs N] [--warmup N] [--wine] [--check] [--aws PATH]
//
// --aws names the AWS CLI to time (default: `aws` from PATH). bench/run.mjs passes the real
// entry point: on this machine PATH's `aws` is a pyenv shim, a bash script adding ~250 ms.
// --wine adds `wine dist/ec2keys-win-x64.exe --version` (stdout to a file: pipes fail under
// Wine; a persistent wineserver is started so its start-up is not counted).
// Then interleaved rounds (exe, npm CLI, Node 22 floor, the smallest SEA, aws; order reversed every round) give a
// per-pair exe/aws ratio, steadier on a busy machine; --check exits 1 when its median exceeds 0.1
// in any environment.
// Results: bench/out/startup.json (raw hyperfine exports included) and a table on stdout.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'bench', 'out');
const EXE = path.join(ROOT, 'dist', 'ec2keys-linux-x64');
const WIN = path.join(ROOT, 'dist', 'ec2keys-win-x64.exe');
const CA = process.env.NODE_EXTRA_CA_CERTS || '/etc/ssl/certs/ca-certificates.crt';
const TARGET = 0.1;

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? Number(args[i + 1]) : dflt; };
const runs = opt('--runs', 20);
const warmup = opt('--warmup', 3);
const withWine = args.includes('--wine');
const check = args.includes('--check');
const AWS = args.includes('--aws') ? args[args.indexOf('--aws') + 1] : 'aws';

function need(cmd, why) {
  if (spawnSync('sh', ['-c', `command -v ${cmd}`]).status !== 0) {
    console.error(`bench/startup: ${cmd} is not installed (${why})`);
    process.exit(2);
  }
}
need('hyperfine', 'apt-get install hyperfine');
need(AWS, 'the baseline: pip install awscli');
for (const f of [EXE, path.join(ROOT, 'dist', 'cli', 'main.js')]) {
  if (!fs.existsSync(f)) {
    console.error(`bench/startup: ${path.relative(ROOT, f)} is missing: run \`npm run build\` and \`npm run build:exe\` first`);
    process.exit(2);
  }
}
if (!fs.existsSync(CA)) console.error(`bench/startup: ${CA} not found; the "with NODE_EXTRA_CA_CERTS" rows will be skipped`);

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ec2keys-bench-'));
const key = path.join(work, 'k.pem');
execFileSync('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', key], { stdio: 'ignore' });
fs.mkdirSync(OUT, { recursive: true });

const q = (s) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
const NODE22 = path.join(ROOT, '.cache', 'node-bin', '22.23.3', 'node');
const commands = [
  { name: 'exe --version', cmd: `${q(EXE)} --version` },
  { name: 'exe fingerprint k.pem', cmd: `${q(EXE)} fingerprint ${q(key)}` },
  { name: 'node bin/ec2keys.js --version', cmd: `${q(process.execPath)} ${q(path.join(ROOT, 'bin', 'ec2keys.js'))} --version` },
  { name: 'aws --version', cmd: `${q(AWS)} --version` },
];
// The floors: the embedded Node starting with nothing to do, and the smallest possible SEA on it
// (one write, code cache on): what any single-executable application costs at least.
if (fs.existsSync(NODE22)) commands.push({ name: 'node22 -e 0 (floor)', cmd: `${q(NODE22)} -e 0` });
const SEA_FLOOR = fs.existsSync(NODE22) ? smallestSea() : null;
if (SEA_FLOOR) commands.push({ name: 'smallest SEA (floor)', cmd: q(SEA_FLOOR) });

/**
 * A SEA whose main script writes one line, made exactly as scripts/build-exe.mjs makes the real
 * one (blob by the embedded Node itself, code cache, postject with Node's fuse). Cached under
 * .cache/bench-sea-floor/ by the sha256 of the Node binary.
 */
function smallestSea() {
  const sha = createHash('sha256').update(fs.readFileSync(NODE22)).digest('hex').slice(0, 16);
  const dir = path.join(ROOT, '.cache', 'bench-sea-floor', sha);
  const exe = path.join(dir, 'floor');
  if (fs.existsSync(exe)) return exe;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'main.js'), 'process.stdout.write("ec2keys 0.0.0\\n");\n');
  fs.writeFileSync(path.join(dir, 'sea.json'), JSON.stringify({ main: 'main.js', output: 'floor.blob', useCodeCache: true, disableExperimentalSEAWarning: true }));
  execFileSync(NODE22, ['--experimental-sea-config', 'sea.json'], { cwd: dir, stdio: 'ignore' });
  fs.copyFileSync(NODE22, `${exe}.tmp`);
  fs.chmodSync(`${exe}.tmp`, 0o755);
  execFileSync(path.join(ROOT, 'node_modules', '.bin', 'postject'), [`${exe}.tmp`, 'NODE_SEA_BLOB', 'floor.blob', '--sentinel-fuse', 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2'], { cwd: dir, stdio: 'ignore' });
  if (execFileSync(`${exe}.tmp`, { encoding: 'utf8' }) !== 'ec2keys 0.0.0\n') throw new Error('the smallest SEA does not run');
  fs.renameSync(`${exe}.tmp`, exe);
  return exe;
}
let wineEnv = null;
if (withWine) {
  need('wine', 'scripts/setup-wine.sh');
  const prefix = execFileSync('bash', [path.join(ROOT, 'scripts', 'setup-wine.sh')], { encoding: 'utf8' }).trim().split('\n').pop();
  wineEnv = { WINEPREFIX: prefix, WINEDEBUG: '-all' };
  spawnSync('wineserver', ['-p', '600'], { env: { ...process.env, ...wineEnv } });
  commands.push({ name: 'wine exe.exe --version', cmd: `sh -c ${q(`exec wine ${q(WIN)} --version >${q(path.join(work, 'wine.out'))} 2>&1`)}` });
}

function bench(label, env) {
  const json = path.join(OUT, `startup-${label}.json`);
  const hf = ['-N', '--warmup', String(warmup), '--runs', String(runs), '--export-json', json, '--style', 'basic'];
  for (const c of commands) hf.push('-n', c.name, c.cmd);
  console.error(`\n== ${label} (${runs} runs, ${warmup} warm-up) ==`);
  const r = spawnSync('hyperfine', hf, { env, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`hyperfine failed (exit ${r.status})`);
  const res = JSON.parse(fs.readFileSync(json, 'utf8')).results;
  return Object.fromEntries(res.map((x) => [x.command, { median: x.median, mean: x.mean, min: x.min, max: x.max, stddev: x.stddev }]));
}

const baseEnv = { ...process.env, ...(wineEnv ?? {}) };
delete baseEnv.NODE_OPTIONS;
const without = { ...baseEnv };
delete without.NODE_EXTRA_CA_CERTS;
const envs = [['without-extra-ca', without]];
if (fs.existsSync(CA)) envs.push(['with-extra-ca', { ...baseEnv, NODE_EXTRA_CA_CERTS: CA }]);

/**
 * Interleaved pairs (exe, aws, exe, aws, ...): machine noise that comes and goes hits both sides
 * of a pair alike, so the per-pair ratio is steadier than a ratio of two separate medians.
 * The npm CLI and the Node 22 floor run inside the same rounds (order reversed every round), and
 * every time is kept in `interleaved` (ms per round), so bench/run.mjs can pair any two of them.
 */
function paired(env, n) {
  const time = (cmd, argv) => {
    const t = process.hrtime.bigint();
    const r = spawnSync(cmd, argv, { env, stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} exited ${r.status}`);
    return Number(process.hrtime.bigint() - t) / 1e6;
  };
  const cmds = [
    ['exe', EXE, ['--version']],
    ['npm', process.execPath, [path.join(ROOT, 'bin', 'ec2keys.js'), '--version']],
    ...(fs.existsSync(NODE22) ? [['floor', NODE22, ['-e', '0']]] : []),
    ...(SEA_FLOOR ? [['seaFloor', SEA_FLOOR, []]] : []),
    ['aws', AWS, ['--version']],
  ];
  for (let i = 0; i < 2; i++) for (const [, cmd, argv] of cmds) time(cmd, argv);
  const ratios = [];
  const times = Object.fromEntries(cmds.map(([k]) => [k, []]));
  for (let i = 0; i < n; i++) {
    for (const [k, cmd, argv] of i % 2 ? cmds : [...cmds].reverse()) times[k].push(time(cmd, argv));
    ratios.push(times.exe[i] / times.aws[i]);
  }
  ratios.sort((x, y) => x - y);
  return { n, median: ratios[Math.floor(n / 2)], min: ratios[0], max: ratios[n - 1], times };
}

const results = {};
const pairs = {};
const interleaved = {};
for (const [label, env] of envs) {
  results[label] = bench(label, env);
  const { times, ...p } = paired(env, runs);
  pairs[label] = p;
  interleaved[label] = times;
}

const size = (f) => (fs.existsSync(f) ? fs.statSync(f).size : null);
const gz = (f) => (fs.existsSync(f) ? gzipSync(fs.readFileSync(f), { level: 6 }).length : null);
const bundle = path.join(ROOT, '.cache', 'exe-build', 'ec2keys.cjs');
const sizes = {
  'ec2keys-linux-x64': { bytes: size(EXE), gzip6: gz(EXE) },
  'ec2keys-win-x64.exe': { bytes: size(WIN), gzip6: gz(WIN) },
  'bundle (ec2keys.cjs)': { bytes: size(bundle), gzip6: gz(bundle) },
};

const ms = (s) => `${(s * 1000).toFixed(1)} ms`;
const mb = (b) => (b == null ? '—' : `${(b / 1e6).toFixed(1)} MB`);
let ok = true;
const lines = ['', '| command | environment | median | mean ± sd | min–max | × aws (median) |', '|---|---|---|---|---|---|'];
for (const [label, r] of Object.entries(results)) {
  const aws = r['aws --version'].median;
  for (const [name, s] of Object.entries(r)) {
    lines.push(`| ${name} | ${label} | ${ms(s.median)} | ${ms(s.mean)} ± ${ms(s.stddev)} | ${ms(s.min)}–${ms(s.max)} | ${(s.median / aws).toFixed(3)} |`);
  }
}
lines.push('', '| paired, interleaved: exe --version / aws --version | pairs | median | min–max |', '|---|---|---|---|');
for (const [label, p] of Object.entries(pairs)) {
  lines.push(`| ${label} | ${p.n} | ${p.median.toFixed(3)} | ${p.min.toFixed(3)}–${p.max.toFixed(3)} |`);
  if (p.median > TARGET) ok = false;
}
lines.push('', '| file | size | gzip -6 |', '|---|---|---|');
for (const [n, s] of Object.entries(sizes)) lines.push(`| ${n} | ${s.bytes ?? '—'} (${mb(s.bytes)}) | ${mb(s.gzip6)} |`);
lines.push('', `target: exe --version ≤ ${TARGET} × aws --version (paired median): ${ok ? 'met' : 'NOT met'}`);
console.log(lines.join('\n'));

const meta = {
  date: new Date().toISOString(),
  host: { cpus: os.cpus().length, model: os.cpus()[0]?.model, loadavg: os.loadavg() },
  node: process.version,
  aws: spawnSync(AWS, ['--version'], { encoding: 'utf8' }).stdout.trim() || spawnSync(AWS, ['--version'], { encoding: 'utf8' }).stderr.trim(),
  awsCommand: AWS,
  runs, warmup, results, pairs, interleaved, sizes, targetMet: ok,
};
fs.writeFileSync(path.join(OUT, 'startup.json'), JSON.stringify(meta, null, 2) + '\n');
fs.rmSync(work, { recursive: true, force: true });
if (withWine) spawnSync('wineserver', ['-k'], { env: { ...process.env, ...wineEnv } });
process.exit(check && !ok ? 1 : 0);
