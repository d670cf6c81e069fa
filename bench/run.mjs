#!/usr/bin/env node
// `npm run bench` — issue #7 §1 (and the bench parts of issues #3 §6, #4 §3, #6 §4): every figure
// is a ratio of ec2keys against a peer measured IN THE SAME RUN (these 2-core machines are
// shared and noisy, so a number from another run means nothing), with medians and spread, and
// the 1-minute load average at the time. Writes bench/results.md (printed too), bench/ratios.svg
// and the raw data in bench/out/results.json. No network: the EC2 cases run against
// moto_server on 127.0.0.1, behind a tiny counting proxy (a second process of this script).
//
//   node bench/run.mjs [--quick] [--only startup,new,password,ppk,convert,registry,ec2] [--build] [--check]
//
// --quick: about a third of the repetitions (a smoke run; written to bench/out/*-partial.*, as is
// any --only run). --build: rebuild dist/ (tsc) and, when its sources changed, the Linux binary.
// --check: exit 1 when a target is missed.
// Method, per case:
//   - whole processes: interleaved rounds (every command once per round, order rotated and
//     reversed round by round; direct spawn, no shell); the ratio is the median of per-round
//     ratios with a 95% bootstrap interval (seeded: the same times print the same interval).
//     Back-to-back blocks, as hyperfine runs them, let the load swings of this shared machine
//     (3 → 30 within minutes) pose as differences; paired rounds cancel them. hyperfine still
//     times cold start (bench/startup.mjs, reused here) for its exported raw data.
//   - in-process (password decryption): ours and OpenSSL's operation alternate in chunks inside
//     one Node process; the ratio is the median of the per-chunk ratios, spread = min–max.
//   - EC2 commands: ours and `aws ec2 …` alternate per iteration (new names each time), requests
//     counted by the proxy per invocation; paired like the whole-process cases.
// Targets (issue #7 §1) are checked on the median; where one is missed the note under the table
// says why (measured floors, profiles) — see also the "Why" section this script writes.
// Limits: refuses to start without hyperfine/openssl/puttygen/ssh-keygen/python3 (rsa)/aws/
// moto_server; builds dist/ (tsc) only when missing or with --build, and the Linux SEA binary
// only when missing; all files go to a temp folder that is removed at the end.

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BENCH = path.join(ROOT, 'bench');
const OUT = path.join(BENCH, 'out');
const BIN = path.join(ROOT, 'bin', 'ec2keys.js');
const EXE = path.join(ROOT, 'dist', 'ec2keys-linux-x64');
const NODE22 = path.join(ROOT, '.cache', 'node-bin', '22.23.3', 'node');
const SELF = fileURLToPath(import.meta.url);
const REGION = 'us-east-1';

// Worker modes (this same file, started as a child; dispatched at the end of the file): the
// in-process password loop and the counting proxy. They must run outside the main process:
// hyperfine and spawnSync block it.

/**
 * In-process decryption of one GetPasswordData blob (issue #3 §6). Ours: decryptPassword with a
 * key parsed once (what the target is about); OpenSSL: privateDecrypt(RSA_NO_PADDING) on a
 * KeyObject made once — the RSA private operation alone, the floor for any Node implementation.
 * Chunks alternate so that machine noise hits both alike. Also the "cold" pair: key file bytes
 * in, password out, per call (ours: readPrivateKey + decryptPassword; OpenSSL: createPrivateKey
 * of the PEM + the private op + the same unpadding), i.e. one CLI invocation's crypto work.
 */
async function workerPasswordLoop([keyFile, blobFile, chunksS, opsS]) {
  const { constants, createPrivateKey, privateDecrypt } = await import('node:crypto');
  const { readPrivateKey } = await import(path.join(ROOT, 'dist/keys/detect.js'));
  const { decryptPassword, unpadPkcs1v15 } = await import(path.join(ROOT, 'dist/password/decrypt.js'));
  const pem = fs.readFileSync(keyFile);
  const b64 = fs.readFileSync(blobFile, 'utf8').trim();
  const blob = Buffer.from(b64, 'base64');
  const key = (await readPrivateKey(pem, { what: keyFile })).key;
  const ko = createPrivateKey(pem);
  const k = blob.length;
  const expected = decryptPassword(key, b64);
  const raw = () => privateDecrypt({ key: ko, padding: constants.RSA_NO_PADDING }, blob);
  if (unpadPkcs1v15(raw(), k).toString('utf8') !== expected) throw new Error('raw OpenSSL op and decryptPassword disagree');
  const impl = {
    ours: () => decryptPassword(key, b64),
    openssl: raw,
    oursCold: async () => decryptPassword((await readPrivateKey(pem, { what: keyFile })).key, b64),
    opensslCold: () => unpadPkcs1v15(privateDecrypt({ key: createPrivateKey(pem), padding: constants.RSA_NO_PADDING }, Buffer.from(b64, 'base64')), k).toString('utf8'),
  };
  const chunks = Number(chunksS);
  const ops = Number(opsS);
  const time = async (f, n) => {
    const t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await f();
    return Number(process.hrtime.bigint() - t) / 1e3 / n; // µs per op
  };
  for (const f of Object.values(impl)) await time(f, 20); // warm-up: JIT, OpenSSL tables
  const res = { warm: { ours: [], openssl: [] }, cold: { ours: [], openssl: [] } };
  for (let c = 0; c < chunks; c++) {
    const pairs = [['warm', 'ours', impl.ours], ['warm', 'openssl', impl.openssl], ['cold', 'ours', impl.oursCold], ['cold', 'openssl', impl.opensslCold]];
    if (c % 2) pairs.reverse();
    for (const [grp, who, f] of pairs) res[grp][who].push(await time(f, ops));
  }
  process.stdout.write(JSON.stringify({ expectedLength: expected.length, ...res }) + '\n');
}

/**
 * The PPK floor: hash-wasm's Argon2id (what ppk.ts runs) at puttygen's parameters, in-process,
 * first call included (WASM compile) as a command pays it; prints ms per call as JSON.
 */
async function workerArgon2([runsS]) {
  const t0 = process.hrtime.bigint();
  const { argon2id } = (await import('hash-wasm/dist/argon2.umd.min.js')).default; // the build ppk.ts loads
  const once = () => argon2id({ password: 'correct horse battery staple', salt: randomBytes(16), iterations: 13, parallelism: 1, memorySize: 8192, hashLength: 80, outputType: 'binary' });
  await once();
  const first = Number(process.hrtime.bigint() - t0) / 1e6;
  const ms = [];
  for (let i = 0; i < Number(runsS); i++) {
    const t = process.hrtime.bigint();
    await once();
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  process.stdout.write(JSON.stringify({ first, ms }) + '\n');
}

/** Forwards every request to TARGET and appends one line per request (its EC2 Action) to LOG. */
async function workerProxy([target, log]) {
  const http = await import('node:http');
  const up = new URL(target);
  const server = http.createServer((req, res) => {
    const body = [];
    req.on('data', (d) => body.push(d));
    req.on('end', () => {
      const buf = Buffer.concat(body);
      let action = req.headers['x-amz-target'] ?? '';
      if (!action) {
        const q = new URLSearchParams(req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '');
        const b = new URLSearchParams(/x-www-form-urlencoded/.test(req.headers['content-type'] ?? '') ? buf.toString('utf8') : '');
        action = b.get('Action') ?? q.get('Action') ?? `${req.method} ${req.url}`;
      }
      fs.appendFileSync(log, `${action}\n`);
      const fwd = http.request({ host: up.hostname, port: up.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      fwd.on('error', (e) => { res.writeHead(502); res.end(String(e)); });
      fwd.end(buf);
    });
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
  process.on('SIGTERM', () => process.exit(0));
}

// ---------------------------------------------------------------------------------------------
// Statistics

function quantile(sorted, q) {
  if (!sorted.length) return NaN;
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (i - lo);
}
const median = (xs) => quantile([...xs].sort((a, b) => a - b), 0.5);
function summary(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return { n: s.length, median: quantile(s, 0.5), p25: quantile(s, 0.25), p75: quantile(s, 0.75), min: s[0], max: s[s.length - 1], mean: s.reduce((a, b) => a + b, 0) / s.length };
}
/** Seeded PRNG (mulberry32): the bootstrap intervals are reproducible for the same times. */
function rng(seed) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
/** 95% bootstrap interval of f(resample(a), resample(b)). */
function bootstrap(a, b, f, B = 2000) {
  const r = rng(0x5eed);
  const pick = (xs) => Array.from(xs, () => xs[Math.floor(r() * xs.length)]);
  const est = [];
  for (let i = 0; i < B; i++) est.push(f(pick(a), pick(b)));
  est.sort((x, y) => x - y);
  return { est: f(a, b), lo: quantile(est, 0.025), hi: quantile(est, 0.975) };
}
const ratioOfMedians = (a, b) => bootstrap(a, b, (x, y) => median(x) / median(y));
/** Median of per-round values f(a[i], b[i]) with a 95% bootstrap interval (rounds resampled). */
function pairedStat(a, b, f, B = 2000) {
  const v = a.map((x, i) => f(x, b[i]));
  const r = rng(0x5eed);
  const est = [];
  for (let i = 0; i < B; i++) est.push(median(Array.from(v, () => v[Math.floor(r() * v.length)])));
  est.sort((x, y) => x - y);
  return { est: median(v), lo: quantile(est, 0.025), hi: quantile(est, 0.975), kind: 'paired' };
}
const pairedRatio = (a, b) => pairedStat(a, b, (x, y) => x / y);
const pairedDiff = (a, b) => pairedStat(a, b, (x, y) => x - y);

/** Split a command line written for a POSIX shell (single quotes, backslash) into [cmd, argv]. */
function argvOf(line) {
  const out = [];
  let cur = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === "'") {
      const j = line.indexOf("'", i + 1);
      cur = (cur ?? '') + line.slice(i + 1, j);
      i = j;
    } else if (ch === '\\') {
      cur = (cur ?? '') + line[++i];
    } else if (/\s/.test(ch)) {
      if (cur !== null) out.push(cur);
      cur = null;
    } else {
      cur = (cur ?? '') + ch;
    }
  }
  if (cur !== null) out.push(cur);
  return [out[0], out.slice(1)];
}

// ---------------------------------------------------------------------------------------------
// Main

async function main() {
  const args = process.argv.slice(2);
  if (args[0] === '--render') {
    // Re-render results.md / ratios.svg from a saved results.json (no measuring).
    const { meta, rows, extra } = JSON.parse(fs.readFileSync(args[1], 'utf8'));
    const md = report(meta, rows, extra);
    const mdFile = args[2] ?? path.join(OUT, 'rendered.md');
    fs.writeFileSync(mdFile, md);
    fs.writeFileSync(path.join(path.dirname(mdFile), args[2] ? 'ratios.svg' : 'rendered.svg'), svg(rows, meta));
    process.stdout.write(md);
    return;
  }
  const quick = args.includes('--quick');
  const check = args.includes('--check');
  const onlyArg = args.includes('--only') ? args[args.indexOf('--only') + 1] : '';
  const ALL = ['startup', 'new', 'password', 'ppk', 'convert', 'registry', 'ec2'];
  const only = onlyArg ? onlyArg.split(',') : ALL;
  for (const o of only) if (!ALL.includes(o)) die(`unknown case "${o}"; cases: ${ALL.join(', ')}`);
  const partial = only.length !== ALL.length || quick;
  const R = (n) => (quick ? Math.max(3, Math.ceil(n / 3)) : n);

  const t0 = Date.now();
  const loadStart = os.loadavg();

  // -- preflight: the peers, the built CLI, the standalone binary
  for (const [cmd, why] of [['hyperfine', 'apt-get install hyperfine'], ['openssl', 'the peer for keygen and decryption'], ['puttygen', 'apt-get install putty-tools'], ['ssh-keygen', 'the peer for convert'], ['python3', 'python-rsa, what the AWS CLI decrypts with'], ['aws', 'the AWS CLI (pip install awscli)'], ['moto_server', 'pip install "moto[server]"']]) {
    if (!which(cmd)) die(`${cmd} is not installed (${why})`);
  }
  // The PATH's aws/python3 may be pyenv shims (a bash script that adds ~250 ms per start):
  // time the real entry points, as a venv or pip install would run them.
  const PY = realPython();
  const AWS = realAws(PY);
  if (spawnSync(PY, ['-c', 'import rsa'], { stdio: 'ignore' }).status !== 0) die(`python-rsa is missing for ${PY} (pip install rsa)`);

  const srcNewer = staleDist();
  if (args.includes('--build') || !fs.existsSync(path.join(ROOT, 'dist', 'cli', 'main.js'))) {
    note('building dist/ (npx tsc -p tsconfig.json)');
    const r = spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
    if (!fs.existsSync(path.join(ROOT, 'dist', 'cli', 'main.js'))) die(`tsc failed (exit ${r.status})`);
  } else if (srcNewer.length) {
    note(`warning: dist/ is older than ${srcNewer.length} source file(s) (e.g. ${srcNewer[0]}); run with --build to rebuild`);
  }
  if (!fs.existsSync(EXE) || (args.includes('--build') && staleExe().length)) {
    note('building the standalone binary (node scripts/build-exe.mjs --only linux)');
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build-exe.mjs'), '--only', 'linux'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
    if (r.status !== 0 || !fs.existsSync(EXE)) die('building dist/ec2keys-linux-x64 failed');
  }
  const exeStale = staleExe();
  if (exeStale.length) note(`warning: ${path.relative(ROOT, EXE)} was built from other sources (${exeStale.length} changed, e.g. ${exeStale[0]}); rebuild with npm run build:exe`);

  const WORK = fs.mkdtempSync(path.join(os.tmpdir(), 'ec2keys-bench-'));
  const w = (...p) => path.join(WORK, ...p);
  fs.mkdirSync(w('home'));
  fs.mkdirSync(OUT, { recursive: true });

  // One environment for every command: nothing of the caller's AWS or ec2keys settings, fake
  // credentials (moto), no config files, no IMDS, and without NODE_EXTRA_CA_CERTS (it costs
  // Node 20 50–90 ms per start; the startup case measures both ways).
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(AWS_|EC2KEYS_)/.test(k) || ['CI', 'NODE_OPTIONS', 'NODE_EXTRA_CA_CERTS'].includes(k)) continue;
    env[k] = v;
  }
  Object.assign(env, {
    HOME: w('home'), AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: REGION, AWS_DEFAULT_REGION: REGION,
    AWS_CONFIG_FILE: '/nonexistent/aws-config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials', AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });

  const q = (s) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  const NODE = process.execPath;
  const npm = (a) => `${q(NODE)} ${q(BIN)} ${a}`;
  const exe = (a) => `${q(EXE)} ${a}`;
  const node22 = fs.existsSync(NODE22) ? NODE22 : null;

  // -- fixtures (fresh keys every run; nothing is committed)
  note('fixtures: fresh RSA keys, a password blob, a PuTTY PPK v3, 5,000 public keys');
  const KEY = w('k.pem'); // PKCS#1, what EC2 hands out
  run('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', w('k8.pem')]);
  run('openssl', ['rsa', '-traditional', '-in', w('k8.pem'), '-out', KEY]);
  fs.chmodSync(KEY, 0o600);
  run('openssl', ['pkey', '-in', KEY, '-pubout', '-out', w('pub.pem')]);
  const PASSWORD = `Bench-${randomBytes(6).toString('base64url')}!$%&*()`;
  fs.writeFileSync(w('pw.txt'), PASSWORD);
  const ct = run('openssl', ['pkeyutl', '-encrypt', '-pubin', '-inkey', w('pub.pem'), '-pkeyopt', 'rsa_padding_mode:pkcs1', '-in', w('pw.txt')]);
  fs.writeFileSync(w('blob.bin'), ct);
  fs.writeFileSync(w('blob.b64'), ct.toString('base64') + '\n');
  fs.writeFileSync(w('pass'), 'correct horse battery staple\n');
  const ARGON = 'memory=8192,passes=13,parallelism=1';
  run('puttygen', [KEY, '-O', 'private', '-o', w('k.ppk'), '--new-passphrase', w('pass'), '--ppk-param', ARGON]);
  fs.writeFileSync(w('k.pub'), run('ssh-keygen', ['-y', '-f', KEY]));

  const rows = [];
  const extra = { ec2: [], modules: staticModules(path.join(ROOT, 'dist', 'cli', 'main.js')) };
  // The 1-minute load average when the current case started (set by hyper() and the other timers).
  let caseLoadAt = os.loadavg()[0];
  const markLoad = () => { caseLoadAt = os.loadavg()[0]; };
  const caseLoad = () => Number(caseLoadAt.toFixed(2));

  /**
   * Interleaved rounds: each command once per round, the order rotated and reversed from round to
   * round, so a load change (other engineers' test runs on this 2-core machine swing the load
   * from 3 to 30 within minutes) hits every command alike; times stay aligned by round, which is
   * what the paired ratios need. Wall time of spawnSync (no shell); `prepare` runs untimed first.
   * Returns {name: [ms per round]}; a failing command fails the bench.
   */
  function hyper(label, cmds, { runs, warmup = 1, rounds = 1 }) {
    const total = runs * rounds;
    const times = Object.fromEntries(cmds.map((c) => [c.name, []]));
    markLoad();
    note(`\n== ${label}: ${total} interleaved rounds (+${warmup} warm-up), load ${os.loadavg()[0].toFixed(2)}`);
    for (let i = -warmup; i < total; i++) {
      const k = ((i % cmds.length) + cmds.length) % cmds.length;
      const order = [...cmds.slice(k), ...cmds.slice(0, k)];
      if (i % 2) order.reverse();
      for (const c of order) {
        if (c.prepare) spawnSync(...argvOf(c.prepare), { cwd: WORK, env, stdio: 'ignore' });
        const [cmd, argv] = argvOf(c.cmd);
        const t = process.hrtime.bigint();
        const r = spawnSync(cmd, argv, { cwd: WORK, env, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
        const ms = Number(process.hrtime.bigint() - t) / 1e6;
        if (r.status !== 0) throw new Error(`${label}: \`${c.cmd}\` failed (exit ${r.status}): ${String(r.stderr).trim()}`);
        if (i >= 0) times[c.name].push(ms);
      }
      if (i >= 0 && ((i + 1) % 5 === 0 || i + 1 === total)) {
        note(`  ${i + 1}/${total}: ${cmds.map((c) => `${c.name} ${fmtMs(median(times[c.name]))}`).join(', ')} (load ${os.loadavg()[0].toFixed(2)})`);
      }
    }
    return times;
  }

  function addRow(r) {
    rows.push({ load: caseLoad(), ...r });
  }
  /** A whole-process ratio row from interleaved times (ms, aligned by round): paired statistics. */
  function ratioRow(group, name, times, ours, peer, target, extraFields = {}) {
    const a = times[ours];
    const b = times[peer];
    const ratio = pairedRatio(a, b);
    let met = null;
    let targetText = '—';
    if (target?.ratio !== undefined) {
      met = ratio.est <= target.ratio;
      targetText = `≤ ${target.ratio}×`;
    }
    extraFields.added = pairedDiff(a, b);
    if (target?.addedMs !== undefined) {
      met = extraFields.added.est <= target.addedMs;
      targetText = `≤ +${target.addedMs} ms`;
    }
    if (target?.ms !== undefined) {
      met = median(a) <= target.ms;
      targetText = `≤ ${target.ms} ms`;
    }
    addRow({ group, name, ours: { label: ours, ...summary(a) }, peer: { label: peer, ...summary(b) }, ratio, method: 'whole process, interleaved rounds', target, targetText, met, ...extraFields });
  }

  try {
    // ============================== cold start (issue #6 §4) ==============================
    if (only.includes('startup')) {
      // Reuses bench/startup.mjs (a hyperfine session per environment, with and without
      // NODE_EXTRA_CA_CERTS, then interleaved rounds of the binary, the npm CLI, the Node 22 floor
      // and aws), pointed at the real aws entry; the rows below use the interleaved rounds.
      const runs = R(12);
      markLoad();
      const r = spawnSync(NODE, [path.join(BENCH, 'startup.mjs'), '--runs', String(runs), '--warmup', '2', '--aws', AWS], { cwd: ROOT, env: { ...env, NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS ?? '' }, stdio: ['ignore', 2, 2] });
      if (r.status !== 0) throw new Error(`bench/startup.mjs failed (exit ${r.status})`);
      const s = JSON.parse(fs.readFileSync(path.join(OUT, 'startup.json'), 'utf8'));
      for (const [envName, t] of Object.entries(s.interleaved)) {
        const tag = envName === 'with-extra-ca' ? 'with NODE_EXTRA_CA_CERTS' : 'without NODE_EXTRA_CA_CERTS';
        const times = { 'dist/ec2keys-linux-x64 --version': t.exe, 'node bin/ec2keys.js --version': t.npm, 'aws --version': t.aws, 'node22 -e 0': t.floor, 'smallest SEA (one write)': t.seaFloor };
        ratioRow('startup', `cold start \`--version\`, binary, ${tag}`, times, 'dist/ec2keys-linux-x64 --version', 'aws --version', { ratio: 0.1 });
        ratioRow('startup', `cold start \`--version\`, npm CLI (Node ${process.versions.node.split('.')[0]}), ${tag}`, times, 'node bin/ec2keys.js --version', 'aws --version', null);
        if (t.floor) {
          ratioRow('startup', `floor: Node 22 \`-e 0\` (what the binary embeds), ${tag}`, times, 'node22 -e 0', 'aws --version', null, { floorRow: true });
          ratioRow('startup', `cold start \`--version\`, binary vs its runtime doing nothing, ${tag}`, times, 'dist/ec2keys-linux-x64 --version', 'node22 -e 0', null, { floorRow: true, showAdded: true });
        }
        if (t.seaFloor) {
          ratioRow('startup', `floor: the smallest SEA (one write, same Node 22, code cache), ${tag}`, times, 'smallest SEA (one write)', 'aws --version', null, { floorRow: true });
          ratioRow('startup', `cold start \`--version\`, binary vs the smallest SEA, ${tag}`, times, 'dist/ec2keys-linux-x64 --version', 'smallest SEA (one write)', null, { floorRow: true, showAdded: true });
        }
      }
      extra.startup = { sizes: s.sizes, pairs: s.pairs };
    }

    // ============================== new RSA (issue #4 §3) ==============================
    if (only.includes('new')) {
      for (const [bits, runs] of [[2048, R(24)], [4096, R(8)]]) {
        const mk = (who, cli) => ({ name: `ec2keys new (${who})`, prepare: `rm -rf ${w(`new-${who}`)}`, cmd: cli(`--home ${w(`new-${who}`)} new bench --bits ${bits} --out ${w(`new-${who}.pem`)} --force`) });
        const cmds = [mk('npm', npm), mk('exe', exe), { name: 'openssl genpkey', cmd: `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:${bits} -out ${w('genpkey.pem')}` }];
        if (bits === 2048) cmds.push({ name: 'ec2keys --version (npm)', cmd: npm('--version') }, { name: 'ec2keys --version (exe)', cmd: exe('--version') });
        const t = hyper(`new RSA-${bits}`, cmds, { runs, warmup: 1 });
        if (bits === 2048) extra.newRef = { npmVersion: median(t['ec2keys --version (npm)']), exeVersion: median(t['ec2keys --version (exe)']), openssl: median(t['openssl genpkey']) };
        // Sanity: what we wrote is an RSA key of that size that openssl accepts.
        const txt = run('openssl', ['rsa', '-in', w('new-npm.pem'), '-noout', '-text']).toString();
        if (!txt.includes(`Private-Key: (${bits} bit`)) throw new Error(`ec2keys new --bits ${bits} did not write a ${bits}-bit key`);
        const tg = bits === 2048 ? { ratio: 1.3 } : null;
        ratioRow('new', `\`new\` RSA-${bits}, npm CLI (Node ${process.versions.node.split('.')[0]}, OpenSSL ${process.versions.openssl})`, t, 'ec2keys new (npm)', 'openssl genpkey', tg, { meanRatio: summary(t['ec2keys new (npm)']).mean / summary(t['openssl genpkey']).mean });
        ratioRow('new', `\`new\` RSA-${bits}, binary (Node 22)`, t, 'ec2keys new (exe)', 'openssl genpkey', tg, { meanRatio: summary(t['ec2keys new (exe)']).mean / summary(t['openssl genpkey']).mean });
      }
    }

    // ============================== password (issue #3 §4, §6) ==============================
    if (only.includes('password')) {
      // In-process: our decryption vs OpenSSL's RSA private operation, alternating chunks.
      const chunks = R(20);
      markLoad();
      note(`\n== password, in-process: ${chunks} alternating chunks, load ${os.loadavg()[0].toFixed(2)}`);
      const loop = JSON.parse(execFileSync(NODE, [SELF, '--worker', 'pwloop', KEY, w('blob.b64'), String(chunks), '50'], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
      if (loop.expectedLength !== PASSWORD.length) throw new Error('decryptPassword returned the wrong password');
      const chunkRatio = (a, b) => {
        const rs = a.map((x, i) => x / b[i]).sort((x, y) => x - y);
        return { est: median(rs), lo: rs[0], hi: rs[rs.length - 1], kind: 'minmax' };
      };
      const us = (xs, label) => ({ label, unit: 'µs', ...summary(xs) });
      addRow({
        group: 'password', name: 'password decryption, in-process, key parsed once', ours: us(loop.warm.ours, 'decryptPassword(key, blob)'),
        peer: us(loop.warm.openssl, 'privateDecrypt NO_PADDING (OpenSSL private op)'), ratio: chunkRatio(loop.warm.ours, loop.warm.openssl),
        method: `in-process, ${chunks} alternating chunks of 50`, target: { ratio: 1.2 }, targetText: '≤ 1.2×', met: chunkRatio(loop.warm.ours, loop.warm.openssl).est <= 1.2,
      });
      addRow({
        group: 'password', name: 'password decryption, in-process, from the key file bytes each time', ours: us(loop.cold.ours, 'readPrivateKey + decryptPassword'),
        peer: us(loop.cold.openssl, 'createPrivateKey(PEM) + private op + unpad'), ratio: chunkRatio(loop.cold.ours, loop.cold.openssl),
        method: `in-process, ${chunks} alternating chunks of 50`, target: null, targetText: '—', met: null,
      });
      // OpenSSL's own speed test (same OpenSSL 3.0 as Node 20 here) and python-rsa (AWS CLI's path).
      const sp = run('openssl', ['speed', '-seconds', '1', '-mr', 'rsa2048'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
      const f2 = /^\+F2:\d+:2048:([\d.]+):/m.exec(sp);
      const pyOps = R(15);
      const py = JSON.parse(run(PY, ['-c', PY_RSA_LOOP, KEY, w('blob.b64'), String(pyOps)]).toString());
      if (py.len !== PASSWORD.length) throw new Error('python-rsa decrypted the wrong password');
      const oursMed = median(loop.warm.ours);
      if (f2) {
        const sslUs = 1e6 / Number(f2[1]);
        addRow({
          group: 'password', name: 'password decryption vs `openssl speed rsa2048` (sign = private op)', ours: us(loop.warm.ours, 'decryptPassword(key, blob)'),
          peer: { label: 'openssl speed -seconds 1 rsa2048, sign', unit: 'µs', n: 1, median: sslUs, p25: NaN, p75: NaN, min: sslUs, max: sslUs, mean: sslUs },
          ratio: { est: oursMed / sslUs, lo: NaN, hi: NaN }, method: 'in-process median vs openssl speed, one after the other (not paired)', target: null, targetText: '(reference; the target is checked on the paired row)', met: null,
        });
      }
      addRow({
        group: 'password', name: 'password decryption vs Python `rsa` (what the AWS CLI uses)', ours: us(loop.warm.ours, 'decryptPassword(key, blob)'),
        peer: us(py.us, `python-rsa ${py.version} rsa.decrypt`), ratio: ratioOfMedians(loop.warm.ours, py.us), method: `in-process loops (${pyOps} python ops)`, target: null, targetText: '—', met: null,
      });
      // Whole command: what we add over the bare runtime (Node 20 for npm, Node 22 for the
      // binary), and over the least any Node program can do for the same job (min-decrypt.cjs:
      // load node:crypto, read the PEM, one private op, unpad, print) — the floor of a Node CLI.
      const pwArgs = `password --data-file ${w('blob.b64')} --key ${KEY}`;
      fs.writeFileSync(w('min-decrypt.cjs'), MIN_DECRYPT);
      const minArgs = `${w('min-decrypt.cjs')} ${KEY} ${w('blob.b64')}`;
      const cmds = [
        { name: 'ec2keys password (npm)', cmd: npm(pwArgs) },
        { name: 'node -e 0', cmd: `${q(NODE)} -e 0` },
        { name: 'node min-decrypt.cjs', cmd: `${q(NODE)} ${minArgs}` },
        { name: 'ec2keys password (exe)', cmd: exe(pwArgs) },
        ...(node22 ? [{ name: 'node22 -e 0', cmd: `${q(node22)} -e 0` }, { name: 'node22 min-decrypt.cjs', cmd: `${q(node22)} ${minArgs}` }] : []),
        { name: 'openssl pkeyutl -decrypt', cmd: `openssl pkeyutl -decrypt -inkey ${KEY} -in ${w('blob.bin')} -pkeyopt rsa_padding_mode:pkcs1` },
        { name: 'python3 rsa (one blob)', cmd: `${q(PY)} -c ${q(PY_RSA_ONE)} ${KEY} ${w('blob.b64')}` },
      ];
      for (const c of cmds.filter((c) => /^ec2keys|min-decrypt/.test(c.name))) {
        const out = run('sh', ['-c', c.cmd], { env }).toString();
        if (out !== PASSWORD + '\n') throw new Error(`${c.name} printed the wrong password`);
      }
      const t = hyper('password, whole process', cmds, { runs: R(15), rounds: 2 });
      ratioRow('password', `\`password\` whole process, npm CLI, added over \`node -e 0\` (Node ${process.versions.node.split('.')[0]})`, t, 'ec2keys password (npm)', 'node -e 0', { addedMs: 30 });
      if (node22) ratioRow('password', '`password` whole process, binary, added over Node 22 `-e 0`', t, 'ec2keys password (exe)', 'node22 -e 0', { addedMs: 30 });
      ratioRow('password', 'floor: minimal Node decrypt script, added over `node -e 0` (Node 20)', t, 'node min-decrypt.cjs', 'node -e 0', null, { floorRow: true, showAdded: true });
      if (node22) ratioRow('password', 'floor: minimal Node decrypt script, added over Node 22 `-e 0`', t, 'node22 min-decrypt.cjs', 'node22 -e 0', null, { floorRow: true, showAdded: true });
      ratioRow('password', '`password` whole process, npm CLI vs the minimal Node decrypt script', t, 'ec2keys password (npm)', 'node min-decrypt.cjs', null);
      if (node22) ratioRow('password', '`password` whole process, binary vs the minimal Node decrypt script (Node 22)', t, 'ec2keys password (exe)', 'node22 min-decrypt.cjs', null);
      ratioRow('password', '`password` whole process, binary vs `openssl pkeyutl -decrypt` (reference)', t, 'ec2keys password (exe)', 'openssl pkeyutl -decrypt', null);
      ratioRow('password', '`password` whole process, binary vs Python `rsa` script (the AWS CLI path)', t, 'ec2keys password (exe)', 'python3 rsa (one blob)', null);
    }

    // ============================== PPK v3 (issue #3 §6) ==============================
    if (only.includes('ppk')) {
      const pg = `--ppk-param ${ARGON}`;
      // Same parameters on both sides, checked: our writer's Argon2 header must equal puttygen's.
      run('sh', ['-c', npm(`convert ${KEY} --to ppk --new-passphrase-file ${w('pass')} --out ${w('ours.ppk')} --force`)], { env });
      const hdr = (f) => fs.readFileSync(f, 'utf8').split(/\r?\n/).filter((l) => /^(Encryption|Key-Derivation|Argon2-(Memory|Passes|Parallelism)):/.test(l)).join('\n');
      if (hdr(w('ours.ppk')) !== hdr(w('k.ppk'))) throw new Error(`Argon2 parameters differ:\nours:\n${hdr(w('ours.ppk'))}\nputtygen:\n${hdr(w('k.ppk'))}`);
      // And each reads the other's file.
      run('puttygen', [w('ours.ppk'), '-O', 'public-openssh', '--old-passphrase', w('pass'), '-o', w('ours.ppk.pub')]);
      if (keyPart(fs.readFileSync(w('ours.ppk.pub'))) !== keyPart(fs.readFileSync(w('k.pub')))) throw new Error('puttygen reads a different key from our PPK');
      const write = [
        { name: 'ec2keys convert → ppk (npm)', cmd: npm(`convert ${KEY} --to ppk --new-passphrase-file ${w('pass')} --out ${w('w-npm.ppk')} --force`) },
        { name: 'ec2keys convert → ppk (exe)', cmd: exe(`convert ${KEY} --to ppk --new-passphrase-file ${w('pass')} --out ${w('w-exe.ppk')} --force`) },
        { name: 'puttygen -O private', cmd: `puttygen ${KEY} -O private -o ${w('w-pg.ppk')} --new-passphrase ${w('pass')} ${pg}` },
      ];
      const tw = hyper('PPK v3 write (Argon2id 8 MiB × 13)', write, { runs: R(12) });
      ratioRow('ppk', 'PPK v3 write (pem → encrypted ppk), npm CLI', tw, write[0].name, write[2].name, { ratio: 1.2 });
      ratioRow('ppk', 'PPK v3 write (pem → encrypted ppk), binary', tw, write[1].name, write[2].name, { ratio: 1.2 });
      const read = [
        { name: 'ec2keys convert ppk → pem (npm)', cmd: npm(`convert ${w('k.ppk')} --to pem --passphrase-file ${w('pass')} --out ${w('r-npm.pem')} --force`) },
        { name: 'ec2keys convert ppk → pem (exe)', cmd: exe(`convert ${w('k.ppk')} --to pem --passphrase-file ${w('pass')} --out ${w('r-exe.pem')} --force`) },
        { name: 'puttygen -O private-openssh', cmd: `puttygen ${w('k.ppk')} -O private-openssh -o ${w('r-pg.pem')} --old-passphrase ${w('pass')}` },
      ];
      const tr = hyper('PPK v3 read (Argon2id 8 MiB × 13)', read, { runs: R(12) });
      if (!run('openssl', ['rsa', '-in', w('r-npm.pem'), '-noout', '-modulus']).equals(run('openssl', ['rsa', '-in', KEY, '-noout', '-modulus']))) throw new Error('ppk → pem gave another key');
      ratioRow('ppk', 'PPK v3 read (encrypted ppk → pem), npm CLI', tr, read[0].name, read[2].name, { ratio: 1.2 });
      ratioRow('ppk', 'PPK v3 read (encrypted ppk → pem), binary', tr, read[1].name, read[2].name, { ratio: 1.2 });
      // Floor: the KDF alone in WebAssembly against puttygen's whole read (same run).
      markLoad();
      const a2 = JSON.parse(execFileSync(NODE, [SELF, '--worker', 'argon2', String(R(10))], { cwd: ROOT, env, encoding: 'utf8' }));
      addRow({
        group: 'ppk', name: 'floor: hash-wasm Argon2id 8 MiB × 13 alone (in-process) vs puttygen\'s whole read', floorRow: true,
        ours: { label: 'hash-wasm argon2id, per call', ...summary(a2.ms) }, peer: { label: read[2].name, ...summary(tr[read[2].name]) },
        ratio: ratioOfMedians(a2.ms, tr[read[2].name]), method: 'in-process KDF vs whole process', target: null, targetText: `(floor; first call, import and WASM compile included: ${fmtMs(a2.first)})`, met: null,
      });
    }

    // ============================== convert PEM → OpenSSH ==============================
    if (only.includes('convert')) {
      // Peer: `ssh-keygen -p -m RFC4716 -P '' -N ''` on a fresh copy of the PEM — the one
      // whole-process tool that reads a PKCS#1 PEM and writes the same key in the OpenSSH
      // private format (`-e` exports only the public half; `-m RFC4716` on -p means the OpenSSH
      // private format). It rewrites in place, so each run gets a new copy (untimed prepare).
      const cmds = [
        { name: 'ec2keys convert → openssh (npm)', cmd: npm(`convert ${KEY} --to openssh --out ${w('c-npm.key')} --force`) },
        { name: 'ec2keys convert → openssh (exe)', cmd: exe(`convert ${KEY} --to openssh --out ${w('c-exe.key')} --force`) },
        { name: 'ssh-keygen -p -m RFC4716', prepare: `cp -p ${KEY} ${w('c-ssh.key')}`, cmd: `ssh-keygen -q -p -m RFC4716 -P '' -N '' -f ${w('c-ssh.key')}` },
      ];
      const t = hyper('convert PEM → OpenSSH', cmds, { runs: R(12), rounds: 2 });
      if (keyPart(run('ssh-keygen', ['-y', '-f', w('c-npm.key')])) !== keyPart(fs.readFileSync(w('k.pub')))) throw new Error('ssh-keygen reads a different key from our OpenSSH file');
      ratioRow('convert', 'convert PEM → OpenSSH, npm CLI', t, cmds[0].name, cmds[2].name, null);
      ratioRow('convert', 'convert PEM → OpenSSH, binary', t, cmds[1].name, cmds[2].name, null);
    }

    // ============================== local registry: 5,000 pairs (issue #4 §3) ==============================
    if (only.includes('registry')) {
      // 5,000 RSA-2048 public keys with random odd moduli: structurally valid RSA public keys
      // (neither EC2 nor our registry can tell them from real ones), made in milliseconds
      // instead of the ~20 minutes 5,000 real keygens take here.
      const lines = [];
      for (let i = 0; i < 5000; i++) {
        const n = randomBytes(256);
        n[0] |= 0x80;
        n[255] |= 1;
        lines.push(`bench-${String(i).padStart(5, '0')} ssh-rsa ${sshRsaBlob(n).toString('base64')} bench-${i}`);
      }
      fs.writeFileSync(w('batch.txt'), lines.join('\n') + '\n');
      const H = w('reg');
      const H2 = w('reg-exe');
      const imp = [
        { name: 'ec2keys import --batch (npm)', prepare: `rm -rf ${H}`, cmd: npm(`--home ${H} import --batch ${w('batch.txt')}`) },
        { name: 'ec2keys import --batch (exe)', prepare: `rm -rf ${H2}`, cmd: exe(`--home ${H2} import --batch ${w('batch.txt')}`) },
        { name: 'ssh-keygen -l -E md5 (5,000 keys)', cmd: `ssh-keygen -l -E md5 -f ${w('batch.txt')}` },
      ];
      const ti = hyper('import --batch of 5,000 public keys', imp, { runs: R(5), warmup: 1 });
      ratioRow('registry', '`import --batch` 5,000 keys into an empty registry, npm CLI', ti, imp[0].name, imp[2].name, null);
      ratioRow('registry', '`import --batch` 5,000 keys into an empty registry, binary', ti, imp[1].name, imp[2].name, null);
      const listed = JSON.parse(run('sh', ['-c', npm(`--home ${H} get --json`)], { env }).toString()).KeyPairs;
      if (listed.length !== 5000) throw new Error(`the registry holds ${listed.length} pairs, not 5,000`);
      const get = [
        { name: 'ec2keys get --json (npm)', cmd: npm(`--home ${H} get --json`) },
        { name: 'node -e 0', cmd: `${q(NODE)} -e 0` },
        { name: 'ec2keys --version (npm)', cmd: npm('--version') },
        { name: 'ec2keys get --json (exe)', cmd: exe(`--home ${H} get --json`) },
        ...(node22 ? [{ name: 'node22 -e 0', cmd: `${q(node22)} -e 0` }] : []),
        { name: 'ec2keys --version (exe)', cmd: exe('--version') },
      ];
      const tg = hyper('get --json over 5,000 pairs', get, { runs: R(15), rounds: 2 });
      extra.ref = {
        npmVersion: median(tg['ec2keys --version (npm)']), exeVersion: median(tg['ec2keys --version (exe)']),
        registryBytes: fs.statSync(path.join(H, 'regions', REGION, 'keypairs.json')).size, outputBytes: run('sh', ['-c', npm(`--home ${H} get --json`)], { env }).length,
      };
      ratioRow('registry', '`get --json` over 5,000 pairs, npm CLI (vs bare Node start)', tg, 'ec2keys get --json (npm)', 'node -e 0', { ms: 150 });
      if (node22) ratioRow('registry', '`get --json` over 5,000 pairs, binary (vs bare Node 22 start)', tg, 'ec2keys get --json (exe)', 'node22 -e 0', { ms: 150 });
    }

    // ============================== EC2 store against moto (issue #4 §3) ==============================
    if (only.includes('ec2')) {
      markLoad();
      await ec2Case({ env, w, AWS, npm, exe, R, rows, extra, caseLoad });
    }
  } finally {
    fs.rmSync(WORK, { recursive: true, force: true });
  }

  // ============================== report ==============================
  const meta = machine({ PY, AWS, loadStart, loadEnd: os.loadavg(), seconds: (Date.now() - t0) / 1000, quick, only, exeStale, srcNewer });
  fs.writeFileSync(path.join(OUT, partial ? 'results-partial.json' : 'results.json'), JSON.stringify({ meta, rows, extra }, null, 2) + '\n');
  const md = report(meta, rows, extra);
  fs.writeFileSync(path.join(partial ? OUT : BENCH, partial ? 'results-partial.md' : 'results.md'), md);
  fs.writeFileSync(path.join(partial ? OUT : BENCH, partial ? 'ratios-partial.svg' : 'ratios.svg'), svg(rows, meta));
  process.stdout.write(md);
  if (partial) note(`\n(partial run: written to bench/out/results-partial.md and ratios-partial.svg; bench/results.md is left as it was)`);
  const missed = rows.filter((r) => r.met === false);
  process.exit(check && missed.length ? 1 : 0);
}

// ---------------------------------------------------------------------------------------------
// EC2 store against moto_server, through the counting proxy.

async function ec2Case({ env, w, AWS, npm, exe, R, rows, extra, caseLoad }) {
  const moto = await startMoto(env);
  const log = w('proxy.log');
  fs.writeFileSync(log, '');
  const proxy = spawn(process.execPath, [SELF, '--worker', 'proxy', moto.endpoint, log], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise((resolve, reject) => {
      proxy.stdout.once('data', (d) => resolve(Number(String(d).trim())));
      proxy.once('exit', (c) => reject(new Error(`proxy exited (${c})`)));
    });
    const P = `http://127.0.0.1:${port}`;
    const actions = () => fs.readFileSync(log, 'utf8').split('\n').filter(Boolean);
    const ours = (who, a) => (who === 'exe' ? exe : npm)(`--store ec2 --endpoint-url ${P} --region ${REGION} ${a}`);
    const aws = (a) => `${AWS} ec2 ${a} --endpoint-url ${P} --region ${REGION}`;
    /** One timed invocation: wall ms and the API requests it made. stdout → file when given. */
    const invoke = (cmd, stdoutFile) => {
      const before = actions().length;
      const fd = stdoutFile ? fs.openSync(stdoutFile, 'w') : 'ignore';
      const t = process.hrtime.bigint();
      const r = spawnSync('sh', ['-c', `exec ${cmd}`], { env, stdio: ['ignore', fd, 'pipe'] });
      const ms = Number(process.hrtime.bigint() - t) / 1e6;
      if (typeof fd === 'number') fs.closeSync(fd);
      if (r.status !== 0) throw new Error(`${cmd} failed (exit ${r.status}): ${r.stderr}`);
      return { ms, calls: actions().slice(before) };
    };
    const localHome = w('ec2-local');
    const contestants = ['npm', 'exe'];
    const cases = {
      new: { min: ['CreateKeyPair'], ours: (who, i) => [ours(who, `new n-${who}-${i} --out ${w(`n-${who}-${i}.pem`)}`)], aws: (i) => [aws(`create-key-pair --key-name n-aws-${i} --query KeyMaterial --output text`), w(`n-aws-${i}.pem`)] },
      import: { min: ['ImportKeyPair'], ours: (who, i) => [ours(who, `import i-${who}-${i} --public-key-file ${w('k.pub')}`)], aws: (i) => [aws(`import-key-pair --key-name i-aws-${i} --public-key-material fileb://${w('k.pub')}`)] },
      get: { min: ['DescribeKeyPairs'], ours: (who) => [ours(who, 'get --json')], aws: () => [aws('describe-key-pairs')] },
      remove: { min: ['DeleteKeyPair'], ours: (who, i) => [ours(who, `remove n-${who}-${i} --yes`)], aws: (i) => [aws(`delete-key-pair --key-name n-aws-${i}`)] },
      // Two regions; the AWS CLI equivalent is one import-key-pair per region, run in parallel as push does.
      'push (2 regions)': {
        min: ['ImportKeyPair', 'ImportKeyPair'],
        prep: (who, i) => invoke(npm(`--home ${localHome} import p-${who}-${i} --public-key-file ${w('k.pub')}`)),
        ours: (who, i) => [`${(who === 'exe' ? exe : npm)(`--home ${localHome} --store ec2 --endpoint-url ${P} push p-${who}-${i} --regions us-east-1,us-west-2`)}`],
        aws: (i) => [`sh -c ${shq(`${aws(`import-key-pair --key-name p-aws-${i} --public-key-material fileb://${w('k.pub')}`)} >/dev/null & ${AWS} ec2 import-key-pair --key-name p-aws-${i} --public-key-material fileb://${w('k.pub')} --endpoint-url ${P} --region us-west-2 >/dev/null & wait`)}`],
      },
    };
    const n = R(5);
    const data = {};
    for (const c of Object.keys(cases)) data[c] = { npm: [], exe: [], aws: [], calls: { npm: null, exe: null, aws: null } };
    note(`\n== EC2 store vs aws ec2 against moto_server ${moto.version} through a counting proxy: ${n} iterations + 1 warm-up, load ${os.loadavg()[0].toFixed(2)}`);
    for (let i = -1; i < n; i++) {
      for (const [c, spec] of Object.entries(cases)) {
        if (i < 0 && c !== 'get') continue; // warm-up: one call each loads the SDK / botocore into the page cache
        const order = i % 2 ? ['aws', ...contestants] : [...contestants, 'aws'];
        for (const who of order) {
          const tag = i < 0 ? `w${who}` : `${i}`;
          if (who !== 'aws') spec.prep?.(who, tag);
          const [cmd, file] = who === 'aws' ? spec.aws(tag) : spec.ours(who, tag);
          const r = invoke(cmd, file);
          if (i < 0) continue;
          data[c][who].push(r.ms);
          const calls = r.calls.map((a) => a.replace(/^.*\./, ''));
          const prev = data[c].calls[who];
          if (prev && prev.join() !== calls.join()) data[c].calls[who + 'Varies'] = true;
          data[c].calls[who] = calls;
        }
      }
      if (i >= 0) process.stderr.write(`  iteration ${i + 1}/${n} done (load ${os.loadavg()[0].toFixed(2)})\n`);
    }
    // Check that aws and we made real pairs: moto lists them.
    const listed = JSON.parse(spawnSync('sh', ['-c', `exec ${aws('describe-key-pairs --output json')}`], { env, encoding: 'utf8' }).stdout).KeyPairs.map((k) => k.KeyName);
    for (const want of [`i-npm-0`, `i-exe-0`, `i-aws-0`, `p-npm-0`]) if (!listed.includes(want)) throw new Error(`moto does not list ${want}`);
    for (const [c, d] of Object.entries(data)) {
      for (const who of contestants) {
        const ratio = pairedRatio(d[who], d.aws);
        const minimal = d.calls[who].join() === cases[c].min.join() && !d.calls[who + 'Varies'];
        rows.push({
          group: 'ec2', name: `EC2 store \`${c}\`, ${who === 'exe' ? 'binary' : 'npm CLI'} (requests: ${d.calls[who].length}, aws: ${d.calls.aws.length})`, load: caseLoad(),
          ours: { label: `ec2keys ${c} (${who})`, ...summary(d[who]) }, peer: { label: `aws ec2 (${c})`, ...summary(d.aws) }, ratio,
          method: `interleaved, ${n} iterations, paired`, target: { calls: cases[c].min.length }, targetText: `${cases[c].min.length} request${cases[c].min.length > 1 ? 's' : ''}`, met: minimal,
        });
      }
      extra.ec2.push({ command: c, minimum: cases[c].min, npm: d.calls.npm, exe: d.calls.exe, aws: d.calls.aws, varies: Boolean(d.calls.npmVaries || d.calls.exeVaries || d.calls.awsVaries) });
    }
    extra.moto = moto.version;
  } finally {
    proxy.kill('SIGTERM');
    await moto.stop();
  }
}

async function startMoto(env) {
  const port = await new Promise((resolve, reject) => {
    import('node:net').then((net) => {
      const s = net.createServer();
      s.on('error', reject);
      s.listen(0, '127.0.0.1', () => {
        const p = s.address().port;
        s.close(() => resolve(p));
      });
    });
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { env, stdio: 'ignore', detached: true });
  let exited = false;
  child.on('exit', () => { exited = true; });
  const kill = (sig) => { try { process.kill(-child.pid, sig); } catch { /* gone */ } };
  process.once('exit', () => kill('SIGKILL'));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error('moto_server exited before answering');
    try {
      const r = await fetch(`${endpoint}/moto-api/data.json`, { signal: AbortSignal.timeout(2000) });
      if (r.ok) break;
    } catch { /* not yet */ }
    if (Date.now() > deadline) { kill('SIGKILL'); throw new Error(`moto_server did not answer on ${endpoint}`); }
    await new Promise((r) => setTimeout(r, 100));
  }
  const version = spawnSync(realPython(), ['-c', 'import moto; print(moto.__version__)'], { encoding: 'utf8' }).stdout.trim();
  return {
    endpoint, version,
    stop: async () => {
      kill('SIGTERM');
      for (let i = 0; i < 50 && !exited; i++) await new Promise((r) => setTimeout(r, 100));
      if (!exited) kill('SIGKILL');
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Python peers

// python-rsa loop: load the PKCS#1 key once, decrypt N times (aws ec2 get-password-data
// --priv-launch-key does rsa.PrivateKey.load_pkcs1 + rsa.decrypt: awscli/customizations/ec2/decryptpassword.py).
const PY_RSA_LOOP = `
import sys, json, time, base64, rsa
key = rsa.PrivateKey.load_pkcs1(open(sys.argv[1], 'rb').read())
blob = base64.b64decode(open(sys.argv[2]).read())
n = int(sys.argv[3]); out = []
pw = rsa.decrypt(blob, key)
for i in range(n):
    t = time.perf_counter(); rsa.decrypt(blob, key); out.append((time.perf_counter() - t) * 1e6)
print(json.dumps({"us": out, "len": len(pw.decode()), "version": rsa.__version__}))
`;
// The least a Node program does to decrypt a password blob: the floor for any Node CLI.
const MIN_DECRYPT = `const c = require('node:crypto'), fs = require('node:fs');
const k = c.createPrivateKey(fs.readFileSync(process.argv[2]));
const em = c.privateDecrypt({ key: k, padding: c.constants.RSA_NO_PADDING }, Buffer.from(fs.readFileSync(process.argv[3], 'utf8'), 'base64'));
if (em[0] !== 0 || em[1] !== 2) process.exit(1);
process.stdout.write(em.subarray(em.indexOf(0, 2) + 1).toString('utf8') + '\\n');
`;
const PY_RSA_ONE = 'import sys,base64,rsa;k=rsa.PrivateKey.load_pkcs1(open(sys.argv[1],"rb").read());print(rsa.decrypt(base64.b64decode(open(sys.argv[2]).read()),k).decode())';

// ---------------------------------------------------------------------------------------------
// Report: results.md and ratios.svg

function fmtMs(x, unit = 'ms') {
  if (!Number.isFinite(x)) return '—';
  if (unit === 'µs') return x >= 1000 ? `${(x / 1000).toFixed(2)} ms` : `${x.toFixed(0)} µs`;
  return x >= 1000 ? `${(x / 1000).toFixed(2)} s` : x >= 100 ? `${x.toFixed(0)} ms` : `${x.toFixed(1)} ms`;
}
const fmtR = (x) => (!Number.isFinite(x) ? '—' : x >= 10 ? x.toFixed(1) : x >= 0.1 ? x.toFixed(2) : x.toFixed(3));
function side(s) {
  const spread = Number.isFinite(s.p25) ? `IQR ${fmtMs(s.p25, s.unit)}–${fmtMs(s.p75, s.unit)}` : `${fmtMs(s.min, s.unit)}–${fmtMs(s.max, s.unit)}`;
  return `${fmtMs(s.median, s.unit)} (${spread}, n=${s.n})`;
}
function ratioText(r) {
  const ci = Number.isFinite(r.lo) ? ` (${r.kind === 'minmax' ? 'min–max' : '95% CI'} ${fmtR(r.lo)}–${fmtR(r.hi)})` : '';
  return `**${fmtR(r.est)}×**${ci}`;
}
const verdict = (r) => (r.met === true ? 'met' : r.met === false ? '**missed**' : '');

function report(meta, rows, extra) {
  const L = [];
  L.push('# ec2keys benchmark results', '');
  L.push(`Written by \`npm run bench\` (bench/run.mjs) on ${meta.date}${meta.quick ? ' — QUICK run (fewer repetitions)' : ''}. Every ratio is ec2keys ÷ a peer timed in the same run, on medians; below 1 means ec2keys is faster. Chart: [ratios.svg](ratios.svg).`, '');
  L.push('## Machine and versions', '', '| | |', '|---|---|');
  for (const [k, v] of Object.entries(meta.table)) L.push(`| ${k} | ${v} |`);
  L.push('');
  L.push('## Results', '');
  L.push('Each side: median, inter-quartile range and number of runs. Ratio: median of the per-round ratios (ours and the peer run in the same interleaved round), with a 95% bootstrap interval; in-process rows: median and min–max of per-chunk ratios. "added": median per-round difference. "load": the 1-minute load average when the case started (2 cores, shared with other engineers\' test runs). Whole-process cases run without `NODE_EXTRA_CA_CERTS` unless the row says otherwise.', '');
  L.push('| case | ec2keys | peer | ratio | target | | load |', '|---|---|---|---|---|---|---|');
  for (const r of rows) {
    let target = r.targetText;
    if (r.added && (r.target?.addedMs !== undefined || r.showAdded)) target += ` (added ${fmtMs(r.added.est)}, CI ${fmtMs(r.added.lo)}–${fmtMs(r.added.hi)})`;
    if (r.meanRatio) target += ` (mean ratio ${fmtR(r.meanRatio)}×)`;
    L.push(`| ${r.name} | ${r.ours.label}: ${side(r.ours)} | ${r.peer.label}: ${side(r.peer)} | ${ratioText(r.ratio)} | ${target} | ${verdict(r)} | ${r.load} |`);
  }
  L.push('');
  if (extra.ec2.length) {
    L.push(`## EC2 API requests per command (moto_server ${extra.moto}, counted by a proxy)`, '');
    L.push('| command | minimum the API needs | ec2keys npm CLI | ec2keys binary | aws ec2 |', '|---|---|---|---|---|');
    for (const e of extra.ec2) L.push(`| ${e.command} | ${e.minimum.length}: ${e.minimum.join(', ')} | ${e.npm.length}: ${e.npm.join(', ')} | ${e.exe.length}: ${e.exe.join(', ')} | ${e.aws.length}: ${e.aws.join(', ')}${e.varies ? ' (varied between runs)' : ''} |`);
    L.push('');
  }
  if (extra.startup?.sizes) {
    L.push('## Binary sizes', '', '| file | bytes | gzip -6 |', '|---|---|---|');
    for (const [n, s] of Object.entries(extra.startup.sizes)) L.push(`| ${n} | ${s.bytes ?? '—'} | ${s.gzip6 ?? '—'} |`);
    L.push('');
  }
  const met = rows.filter((r) => r.met === true).length;
  const missed = rows.filter((r) => r.met === false);
  L.push('## Targets', '', `${met} met, ${missed.length} missed${missed.length ? ': ' + missed.map((r) => r.name).join('; ') : ''}.`, '');
  L.push(why(rows, extra), '');
  L.push('## Method', '', METHOD.trim(), '');
  return L.join('\n');
}

// Why a target is missed or where its floor is: computed from the floor and reference rows
// measured in the same run, plus what the profiles (node --cpu-prof) showed when this was written.
function why(rows, extra) {
  const row = (re) => rows.find((r) => re.test(r.name));
  const ms = (x) => fmtMs(x);
  const out = ['## Why: floors, profiles and fixes', ''];
  const item = (s) => out.push(`- ${s.replace(/\s+/g, ' ').trim()}`);
  for (const tag of ['without', 'with']) {
    const b = row(new RegExp(`^cold start .*binary, ${tag} NODE`));
    const f = row(new RegExp(`^floor: Node 22 .*${tag} NODE`));
    const d = row(new RegExp(`^cold start .*binary vs its runtime .*${tag} NODE`));
    const sf = row(new RegExp(`^floor: the smallest SEA .*${tag} NODE`));
    const sd = row(new RegExp(`^cold start .*binary vs the smallest SEA, ${tag} NODE`));
    if (!b || !f || !d) continue;
    item(`Cold start, ${tag} NODE_EXTRA_CA_CERTS: binary ${fmtR(b.ratio.est)}× \`aws --version\`. Node 22 doing nothing
      (\`node -e 0\`, the runtime the binary embeds) is already ${fmtR(f.ratio.est)}× (${ms(f.ours.median)} vs ${ms(f.peer.median)}),
      so ${b.met ? 'the target is met' : 'no change inside ec2keys can reach 0.1× on this machine'}; the binary adds
      ${ms(d.added.est)} (paired, CI ${ms(d.added.lo)}–${ms(d.added.hi)}) over that floor (27 ms before the changes
      below). ${sf && sd ? `The smallest possible SEA on the same Node 22 (one write, code cache) is ${fmtR(sf.ratio.est)}×
      \`aws --version\` (${ms(sf.ours.median)})${sf.ratio.est > 0.1 ? ', so even an empty single-executable application misses 0.1× here' : ''}; ec2keys
      adds ${ms(sd.added.est)} (paired, CI ${ms(sd.added.lo)}–${ms(sd.added.hi)}) over it: commander and the one command on the line.` : ''} Made for this: only the command on the line is registered
      (all of them for help), stdin is not created to ask whether it is a terminal, and node:crypto,
      node:child_process (also commander's) and node:tty are loaded on first use. The heavy libraries are
      SEA assets, loaded on first use, each with its own code cache. (The \`aws\` on PATH here is a pyenv
      shim — a bash script adding ~250 ms — so the AWS CLI is timed through its real entry point, which is
      the stricter comparison.)`);
  }
  const n2 = row(/^`new` RSA-2048, npm/);
  const n2e = row(/^`new` RSA-2048, binary/);
  if (n2) {
    item(`\`new\` RSA-2048: npm CLI ${fmtR(n2.ratio.est)}× (mean ${fmtR(n2.meanRatio)}×), binary ${n2e ? fmtR(n2e.ratio.est) + '×' : '—'} \`openssl genpkey\`.
      Key generation is a random prime search (see the spread). Node 20 links the same OpenSSL 3.0 as the
      \`openssl\` here, so the search costs the same; the npm CLI's extra is its start: \`--version\` alone took
      ${extra.newRef ? ms(extra.newRef.npmVersion) : '—'} in the same rounds, against ${extra.newRef ? ms(extra.newRef.openssl) : '—'} for the whole
      \`openssl genpkey\` — so on Node 20 the npm CLI cannot get under 1.3× whatever \`new\` itself does. The
      binary embeds Node 22 (OpenSSL 3.5), whose RSA key generation is about 4× faster, which pays for its
      ${extra.newRef ? ms(extra.newRef.exeVersion) : '—'} start.`);
  }
  const pin = row(/^password decryption, in-process, key parsed once/);
  if (pin) {
    item(`Password decryption in-process: ${fmtR(pin.ratio.est)}× OpenSSL's private operation. Before this bench
      it was ~2.1×: decryptPassword built a new OpenSSL key per call, and OpenSSL sets up its Montgomery and
      blinding state on a key's first private operation (as long as the operation itself). Fixed in
      src/password/decrypt.ts (one KeyObject per parsed key). The "from the key file bytes" row is what one
      CLI call does (parse + first operation); it is near 1× of OpenSSL doing the same.`);
  }
  const pn = row(/^`password` whole process, npm CLI, added/);
  const pe = row(/^`password` whole process, binary, added/);
  const fn = row(/^floor: minimal Node decrypt script, added over `node -e 0`/);
  const fe = row(/^floor: minimal Node decrypt script, added over Node 22/);
  if (pn && fn) {
    item(`\`password\` whole process: added over a bare Node start — npm CLI ${ms(pn.added.est)}, binary
      ${pe ? ms(pe.added.est) : '—'}; the least any Node program adds for the same job (load node:crypto, read the
      PEM, one private operation, print: min-decrypt.cjs) is ${ms(fn.added.est)} on Node 20 and
      ${fe ? ms(fe.added.est) : '—'} on Node 22. The rest is the CLI itself. On the npm CLI (Node 20, profile
      \`--cpu-prof\` 50 µs, 3 runs) it is spread thin: Node compiling its own internal modules (~8 ms),
      compiling our ${extra.modules ?? ''} ES modules (~6 ms), the ESM resolver's file system calls (~10 ms), commander
      (~4 ms), garbage collection (~5 ms). Bundling the npm CLI into one file (esbuild, code splitting for the
      lazy parts) was tried and gains nothing there (hyperfine, 2 × 40 runs on a quiet machine: 152.7 vs 151.1
      ms and 162.2 vs 162.4 ms), and Node 22's module.enableCompileCache() run from bin/ec2keys.js showed no
      difference above the noise either; so that is Node 20 itself, and the binary is the fast path. The binary runs one bundled script with a code cache; its profile (\`--cpu-prof\`, 50 µs)
      showed building the commander program for all 11 commands, node:child_process with node:net (required
      by commander itself), creating process.stdin to ask whether it is a terminal, and a second RSA
      consistency computation; all four are gone (only the command on the line is registered, commander's
      child_process is loaded on use in the bundle, isatty on demand, a stored qi is checked with one
      multiplication). What is left is node:crypto, parsing the key and the private operation.`);
  }
  const pw = row(/^PPK v3 write .*binary/);
  const pr = row(/^PPK v3 read .*binary/);
  const pf = row(/^floor: hash-wasm Argon2id/);
  const cb = row(/^convert PEM → OpenSSH, binary/);
  if (pw && pf) {
    const floorSum = cb ? ` Add what the binary spends on a convert without a KDF (convert → openssh: ${fmtMs(cb.ours.median)}:
      Node 22's start, the CLI, node:crypto, the key) and the sum is ${fmtR((cb.ours.median + pf.ours.median) / pf.peer.median)}×
      puttygen's read: the floor for WebAssembly on Node 22, whatever the PPK code does.` : '';
    item(`PPK v3: binary ${fmtR(pw.ratio.est)}× (write) and ${pr ? fmtR(pr.ratio.est) : '—'}× (read) puttygen. Argon2id
      (8 MiB × 13 passes) is most of the work on both sides: puttygen runs it in C; ec2keys in WebAssembly
      (hash-wasm, the fastest of the JS options measured in runtime.md §5: 6× @noble/hashes; a native
      addon cannot live inside a single-file executable). The KDF alone, in-process and warm, is
      ${fmtR(pf.ratio.est)}× puttygen's whole read.${floorSum} The first call in a process
      (${pf.targetText.replace(/^\(floor; first call, /, '').replace(/\)$/, '')}) also loads hash-wasm (its Argon2-only build) and
      compiles its WebAssembly; V8 tiers the block functions up to TurboFan during that call (only
      Hash_Calculate's outer loop stays in baseline Liftoff code, as there is no on-stack replacement), so
      forcing TurboFan from the start (\`--no-liftoff\` around the call) gained nothing measurable (binary,
      150 paired runs: 1.00×). Node 24.7+ has a native \`crypto.argon2\` (needs OpenSSL ≥ 3.2; Node 24 ships
      3.5): the way to ≤ 1.2× once the binary moves to Node 24 (runtime.md: not yet testable under Wine 8).`);
  }
  const gn = row(/^`get --json` over 5,000 pairs, npm/);
  const ge = row(/^`get --json` over 5,000 pairs, binary/);
  if (gn) {
    const v = extra.ref ?? {};
    item(`\`get --json\` over 5,000 pairs: npm CLI ${ms(gn.ours.median)}, binary ${ge ? ms(ge.ours.median) : '—'}
      (target ${gn.target.ms} ms); in the same session \`--version\` took ${v.npmVersion ? ms(v.npmVersion) : '—'} (npm) and
      ${v.exeVersion ? ms(v.exeVersion) : '—'} (binary), bare Node ${ms(gn.peer.median)} / ${ge ? ms(ge.peer.median) : '—'}. So the
      listing itself costs ${v.exeVersion && ge ? ms(ge.ours.median - v.exeVersion) : '—'} in the binary: open and check the
      registry${v.registryBytes ? ` (${(v.registryBytes / 1e6).toFixed(1)} MB, of which only the metadata part is parsed)` : ''}, copy
      5,000 records, JSON.stringify and write ${v.outputBytes ? `${(v.outputBytes / 1e6).toFixed(1)} MB` : 'the output'} (profile: stringify ~12 ms,
      write ~10 ms, parse and copy ~25 ms, the rest garbage collection). Fixed: the text table was built
      even with --json (a quarter of the command's own time); the registry text is decoded as Latin-1 when it
      is ASCII (3× faster than UTF-8 for 1 MB); node:crypto and worker_threads are loaded only by writers;
      the output goes out in 64 KiB pieces instead of one 1.3 MB buffer plus a copy for the newline (~10 ms
      of page faults); and the start-up work above.${gn.met ? '' : ` The npm CLI on Node 20 cannot reach 150 ms while its
      \`--version\` alone takes ${v.npmVersion ? ms(v.npmVersion) : '—'} and Node 20 parses JSON and builds strings slower.`}`);
  }
  const bi = row(/^`import --batch` 5,000 keys .*npm/);
  if (bi) {
    item(`\`import --batch\` of 5,000 keys: ${ms(bi.ours.median)} (npm CLI). No target; the peer parses and hashes the
      same 5,000 keys natively. Fixed here: each key's duplicate and id checks scanned the whole registry
      (quadratic: ~20% of the time at 5,000). The rest is per key: OpenSSH parsing, validation through
      OpenSSL (createPublicKey) and the MD5 fingerprint of its DER form, ~0.1 ms each.`);
  }
  if (extra.ec2?.length) {
    const over = extra.ec2.filter((e) => e.npm.length > e.minimum.length || e.exe.length > e.minimum.length);
    item(`EC2 store: ${over.length ? `more requests than needed for ${over.map((e) => e.command).join(', ')}` : 'every command makes exactly the requests the API needs (same as the AWS CLI)'}.
      Wall time is mostly loading the AWS SDK for JavaScript against the AWS CLI loading botocore; moto's answer,
      the same for both, is a small part. npm CLI: the whole @aws-sdk/client-ec2 from node_modules (~300 ms
      on Node 20). Binary: src/store/sdk-ec2.ts names the client and the seven commands used, and the asset is
      bundled from the SDK's ES modules, so it is tree-shaken (2.7 → 1.3 MB) and loaded with a V8 code cache
      made by the same Node (compile 90 → 5 ms): \`get\` against moto went from 577 ms to 194 ms.`);
  }
  return out.join('\n');
}

const METHOD = `
- Whole processes: interleaved rounds — every command of a case once per round, the order rotated and
  reversed from round to round, timed as wall time of a direct spawn (no shell; ~1 ms of spawn cost on
  both sides). On this shared machine the load swings between ~3 and ~30 within minutes; back-to-back
  blocks (hyperfine's way) turned that drift into false differences, paired rounds cancel it. Cold
  start also gets a hyperfine session per environment (bench/startup.mjs; raw exports in bench/out/).
  Commands that write files get \`--force\` or an untimed preparation (fresh registry, fresh input copy).
- Keys are fresh for every run: an RSA-2048 key from \`openssl genpkey\` (PKCS#1 PEM, as EC2 hands
  out), a password blob from \`openssl pkeyutl -encrypt -pkeyopt rsa_padding_mode:pkcs1\`, a PPK v3
  from \`puttygen --ppk-param memory=8192,passes=13,parallelism=1\` (our writer's default; the bench
  checks both headers are equal). Outputs are checked once (right password, same key) before timing.
- \`new\`: a fresh local registry before each run (untimed), key file replaced with \`--force\`.
  Key generation is a random prime search, so RSA-4096 has a wide spread: read its interval.
- Password in-process: decryptPassword and OpenSSL's private operation (Node's privateDecrypt with
  RSA_NO_PADDING on a ready KeyObject, the same OpenSSL as \`openssl\` here) alternate in chunks of 50
  calls in one process; also \`openssl speed rsa2048\` (sign = the private operation) and python-rsa.
- 5,000 pairs: \`import --batch\` of 5,000 RSA public keys with random odd 2048-bit moduli into an
  empty registry (peer: \`ssh-keygen -l -E md5\`, which parses and hashes the same file), then
  \`get --json\` over the filled registry.
- EC2: moto_server on 127.0.0.1 behind a counting proxy (one line per request with its Action);
  ec2keys (npm CLI and binary) and the AWS CLI (v1, Python) alternate per iteration, each with new
  key names, after one warm-up \`get\` each. The AWS CLI and Python are run through their real
  entry points, not the pyenv shims on PATH (a bash script adding ~250 ms to every start).
`;

function svg(rows, meta) {
  // The rows with a timing target, and the floors that explain them (EC2 rows: their target is
  // the request count, in the table).
  const timed = (r) => r.target && (r.target.ratio !== undefined || r.target.addedMs !== undefined || r.target.ms !== undefined);
  const items = rows.filter((r) => (timed(r) || r.floorRow) && Number.isFinite(r.ratio?.est) && r.ratio.est > 0);
  const W = 980;
  const left = 430;
  const right = 90;
  const top = 56;
  const rowH = 24;
  const H = top + items.length * rowH + 50;
  const lo = -2;
  const hi = 2; // log10 axis: 0.01× … 100×
  const x = (v) => Number((left + ((Math.log10(Math.min(Math.max(v, 10 ** lo), 10 ** hi)) - lo) / (hi - lo)) * (W - left - right)).toFixed(1));
  const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/`/g, '');
  const o = [];
  o.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Arial, sans-serif" font-size="11">`);
  o.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  o.push(`<text x="10" y="20" font-size="14" font-weight="bold">ec2keys ÷ peer (median, same run; log scale; &lt; 1 = ec2keys faster)</text>`);
  o.push(`<text x="10" y="38" fill="#555">${esc(meta.date)} · ${esc(meta.table.CPU)} · load ${esc(meta.table['Load average (1 min) start → end'])} · bar green = target met, red = missed, grey = no target; black tick = target</text>`);
  for (let e = lo; e <= hi; e++) {
    const X = x(10 ** e);
    o.push(`<line x1="${X}" y1="${top - 6}" x2="${X}" y2="${top + items.length * rowH}" stroke="${e === 0 ? '#333' : '#ddd'}" ${e === 0 ? 'stroke-dasharray="4 3"' : ''}/>`);
    o.push(`<text x="${X}" y="${top + items.length * rowH + 16}" text-anchor="middle" fill="#333">${10 ** e}×</text>`);
  }
  items.forEach((r, i) => {
    const y = top + i * rowH;
    const v = r.ratio.est;
    const x1 = x(Math.min(1, v));
    const x2 = x(Math.max(1, v));
    const color = r.met === true ? '#3a9d4a' : r.met === false ? '#d0453b' : '#9aa4ad';
    o.push(`<text x="${left - 8}" y="${y + 15}" text-anchor="end">${esc(r.name.length > 72 ? r.name.slice(0, 70) + '…' : r.name)}</text>`);
    o.push(`<rect x="${x1}" y="${y + 5}" width="${Math.max(1, x2 - x1).toFixed(1)}" height="${rowH - 10}" fill="${color}"/>`);
    if (Number.isFinite(r.ratio.lo) && Number.isFinite(r.ratio.hi)) {
      o.push(`<line x1="${x(r.ratio.lo)}" y1="${y + rowH / 2}" x2="${x(r.ratio.hi)}" y2="${y + rowH / 2}" stroke="#222" stroke-width="1"/>`);
    }
    let t = r.target?.ratio;
    if (r.target?.addedMs !== undefined) t = (r.peer.median + r.target.addedMs) / r.peer.median;
    if (r.target?.ms !== undefined) t = r.target.ms / r.peer.median;
    if (t) o.push(`<line x1="${x(t)}" y1="${y + 2}" x2="${x(t)}" y2="${y + rowH - 2}" stroke="#000" stroke-width="2.5"/>`);
    o.push(`<text x="${x(Math.max(v, t ?? 0, r.ratio.hi || 0)) + 6}" y="${y + 15}">${fmtR(v)}×</text>`);
  });
  o.push(`<text x="10" y="${H - 10}" fill="#555">Rows with a timing target and the floors that explain them (all rows, EC2 request counts: results.md). Absolute targets (+30 ms, 150 ms) drawn as the ratio they allow over the bare-runtime peer.</text>`);
  o.push('</svg>');
  return o.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// Helpers

function machine({ PY, AWS, loadStart, loadEnd, seconds, quick, only, exeStale, srcNewer }) {
  const v = (cmd, a, re = /.*/) => {
    const r = spawnSync(cmd, a, { encoding: 'utf8' });
    const s = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n')[0] ?? '';
    return (re.exec(s)?.[0] ?? s).trim();
  };
  let exeInfo = '';
  try {
    const j = JSON.parse(fs.readFileSync(path.join(ROOT, 'dist', 'ec2keys-exe.json'), 'utf8'));
    exeInfo = `ec2keys ${j.ec2keysVersion} on Node ${j.nodeVersion} (SEA, code cache)${exeStale.length ? `; built from older sources (${exeStale.length} files changed since)` : ''}`;
  } catch { exeInfo = '(no ec2keys-exe.json)'; }
  const git = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no', 'src'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim() ? ' (src/ has uncommitted changes)' : '';
  const cpu = os.cpus();
  const table = {
    Date: new Date().toISOString(),
    CPU: `${cpu[0]?.model ?? '?'} × ${cpu.length}`,
    Memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    OS: `${os.type()} ${os.release()}`,
    'Load average (1 min) start → end': `${loadStart[0].toFixed(2)} → ${loadEnd[0].toFixed(2)}`,
    'Bench duration': `${seconds.toFixed(0)} s${quick ? ' (--quick)' : ''}${only.length < 7 ? ` (only ${only.join(',')})` : ''}`,
    'ec2keys (npm CLI)': `${JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version} at ${git}${dirty} on Node ${process.version} (OpenSSL ${process.versions.openssl})${srcNewer.length ? `; dist/ older than ${srcNewer.length} source files` : ''}`,
    'ec2keys (binary)': exeInfo,
    openssl: v('openssl', ['version']),
    puttygen: v('puttygen', ['--version']),
    'ssh-keygen': v('ssh', ['-V']),
    'AWS CLI': `${v(AWS, ['--version'])} (${AWS})`,
    'Python / rsa': `${v(PY, ['--version'])} / rsa ${v(PY, ['-c', 'import rsa; print(rsa.__version__)'])}`,
    hyperfine: v('hyperfine', ['--version']),
  };
  return { date: table.Date, table, loadStart, loadEnd, seconds, quick, only };
}

/** "ssh-rsa AAAA…" of an OpenSSH public key line (type and blob, no comment). */
const keyPart = (line) => String(line).trim().split(/\s+/).slice(0, 2).join(' ');

function sshRsaBlob(n) {
  const str = (b) => Buffer.concat([Buffer.from([b.length >>> 24, (b.length >>> 16) & 255, (b.length >>> 8) & 255, b.length & 255]), b]);
  const mpint = (b) => str(b[0] & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b);
  return Buffer.concat([str(Buffer.from('ssh-rsa')), mpint(Buffer.from([1, 0, 1])), mpint(n)]);
}

function run(cmd, a, opts = {}) {
  return execFileSync(cmd, a, { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024, ...opts });
}
function which(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim();
}
function realPython() {
  const r = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' });
  return r.stdout.trim() || 'python3';
}
function realAws(py) {
  // pyenv: `pyenv which aws` names the real script; otherwise the PATH entry is the real one.
  const r = spawnSync('pyenv', ['which', 'aws'], { encoding: 'utf8' });
  if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  const p = path.join(path.dirname(py), 'aws');
  return fs.existsSync(p) ? p : which('aws');
}
const shq = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
function note(s) {
  process.stderr.write(`${s}\n`);
}
function die(s) {
  process.stderr.write(`bench: ${s}\n`);
  process.exit(2);
}
/** How many dist/ files the npm CLI loads before any command runs (static imports from main.js). */
function staticModules(entry) {
  const seen = new Set();
  const visit = (f) => {
    if (seen.has(f) || !fs.existsSync(f)) return;
    seen.add(f);
    const src = fs.readFileSync(f, 'utf8');
    for (const m of src.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/gm)) visit(path.resolve(path.dirname(f), m[1]));
  };
  visit(entry);
  return seen.size;
}

/** Source files newer than their compiled output: dist/ may not be what src/ says. */
function staleDist() {
  const out = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) {
        const js = path.join(ROOT, 'dist', path.relative(path.join(ROOT, 'src'), p)).replace(/\.ts$/, '.js');
        if (!fs.existsSync(js) || fs.statSync(js).mtimeMs < fs.statSync(p).mtimeMs) out.push(path.relative(ROOT, p));
      }
    }
  };
  walk(path.join(ROOT, 'src'));
  return out;
}
/** Sources that changed since the binary was built (dist/ec2keys-exe.json records their sha256). */
function staleExe() {
  try {
    const rec = JSON.parse(fs.readFileSync(path.join(ROOT, 'dist', 'ec2keys-exe.json'), 'utf8')).files['ec2keys-linux-x64'];
    return Object.entries(rec.sources).filter(([p, sha]) => {
      const f = path.join(ROOT, p);
      return !fs.existsSync(f) || createHash('sha256').update(fs.readFileSync(f)).digest('hex') !== sha;
    }).map(([p]) => p);
  } catch {
    return [];
  }
}

// ---------------------------------------------------------------------------------------------
// Entry (last, so every constant above is initialised).
if (process.argv[2] === '--worker') {
  const mode = process.argv[3];
  if (mode === 'pwloop') await workerPasswordLoop(process.argv.slice(4));
  else if (mode === 'proxy') await workerProxy(process.argv.slice(4));
  else if (mode === 'argon2') await workerArgon2(process.argv.slice(4));
  else throw new Error(`unknown worker ${mode}`);
} else {
  await main();
}
