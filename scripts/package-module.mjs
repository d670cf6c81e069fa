#!/usr/bin/env node
// Packages the PowerShell module with the standalone executable next to it, so that a Windows
// admin can unzip one folder and `Import-Module .\EC2Keys` with no Node.js anywhere: the module's
// gateway looks for ec2keys(.exe) in its own folder before PATH (Private/Invoke-Ec2KeysCli.ps1).
//
//   node scripts/package-module.mjs        (after `npm run build:exe`)
//
// For each executable present in dist/ it writes
//   dist/module/<platform>/EC2Keys/   the module (manifest, psm1, Public/, Private/, format file,
//                                     en-US help; not Tests/) plus ec2keys.exe or ec2keys
//   dist/EC2Keys-<version>-<platform>.zip   that folder, zipped (Unix modes kept for Linux)
// The folder is assembled under a temp name and renamed, the zip written to a temp name and
// renamed: an interrupted run never leaves a half-made package under the final name.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const src = path.join(root, 'ps-module', 'EC2Keys');
const version = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version;
const manifest = fs.readFileSync(path.join(src, 'EC2Keys.psd1'), 'utf8');
const moduleVersion = /ModuleVersion\s*=\s*'([^']+)'/.exec(manifest)?.[1];
if (moduleVersion !== version) {
  console.error(`package-module: EC2Keys.psd1 ModuleVersion '${moduleVersion}' differs from package.json version '${version}'`);
  process.exit(1);
}

const targets = [
  { platform: 'win-x64', exe: 'ec2keys-win-x64.exe', as: 'ec2keys.exe' },
  { platform: 'linux-x64', exe: 'ec2keys-linux-x64', as: 'ec2keys' },
];

function copyModule(from, to) {
  fs.mkdirSync(to, { recursive: true });
  for (const e of fs.readdirSync(from, { withFileTypes: true })) {
    if (e.name === 'Tests') continue;
    const a = path.join(from, e.name), b = path.join(to, e.name);
    if (e.isDirectory()) copyModule(a, b);
    else fs.copyFileSync(a, b);
  }
}

let made = 0;
for (const t of targets) {
  const exe = path.join(dist, t.exe);
  if (!fs.existsSync(exe)) { console.log(`package-module: no ${path.relative(root, exe)}; skipped ${t.platform}`); continue; }
  const base = path.join(dist, 'module', t.platform);
  const tmp = path.join(base, `.EC2Keys.tmp-${process.pid}`);
  const final = path.join(base, 'EC2Keys');
  fs.rmSync(tmp, { recursive: true, force: true });
  copyModule(src, tmp);
  fs.copyFileSync(exe, path.join(tmp, t.as));
  fs.chmodSync(path.join(tmp, t.as), 0o755);
  fs.rmSync(final, { recursive: true, force: true });
  fs.renameSync(tmp, final);

  const zip = path.join(dist, `EC2Keys-${version}-${t.platform}.zip`);
  const zipTmp = `${zip}.tmp-${process.pid}.zip`;
  fs.rmSync(zipTmp, { force: true });
  const r = spawnSync('zip', ['-q', '-r', '-X', zipTmp, 'EC2Keys'], { cwd: base, stdio: 'inherit' });
  if (r.status !== 0) { fs.rmSync(zipTmp, { force: true }); console.error(`package-module: zip failed (${r.error?.message ?? `exit ${r.status}`})`); process.exit(1); }
  fs.renameSync(zipTmp, zip);
  console.log(`package-module: ${path.relative(root, final)} and ${path.relative(root, zip)} (${(fs.statSync(zip).size / 1e6).toFixed(1)} MB)`);
  made++;
}
if (!made) { console.error('package-module: no executable in dist/; run `npm run build:exe` first'); process.exit(1); }
