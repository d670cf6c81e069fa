// Names every failed test of the runs just made, for the end of `npm test`'s output (CI shows
// only its tail): vitest JSON reports (file, test, first lines of the failure) and Pester logs
// ("[-]" lines). Usage: node scripts/failures.cjs REPORT.json… -- PESTER.log…
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const args = process.argv.slice(2);
const cut = args.indexOf('--');
const jsons = cut < 0 ? args : args.slice(0, cut);
const logs = cut < 0 ? [] : args.slice(cut + 1);
const plain = (s) => String(s).replace(/\x1b\[[0-9;]*m/g, '');
const lines = [];
for (const f of jsons) {
  if (!fs.existsSync(f)) continue;
  let r;
  try {
    r = JSON.parse(fs.readFileSync(f, 'utf8'));
  } catch {
    lines.push(`${f}: unreadable report`);
    continue;
  }
  for (const file of r.testResults ?? []) {
    const rel = path.relative(process.cwd(), file.name ?? '?');
    const failed = (file.assertionResults ?? []).filter((a) => a.status === 'failed');
    if (file.status === 'failed' && failed.length === 0) lines.push(`${rel}: ${plain(file.message || 'suite failed').split('\n').slice(0, 6).join('\n    ')}`);
    for (const a of failed) {
      const msg = plain((a.failureMessages ?? []).join('\n')).split('\n').filter((l) => l.trim() && !/node_modules|node:internal|new Promise/.test(l)).slice(0, 10).join('\n    ');
      lines.push(`${rel} > ${a.fullName}\n    ${msg}`);
    }
  }
}
for (const f of logs) {
  if (!fs.existsSync(f)) continue;
  const text = plain(fs.readFileSync(f, 'utf8')).split('\n');
  text.forEach((l, i) => {
    if (/^\s*\[-\]/.test(l)) lines.push(`${path.basename(f)}: ${l.trim()}\n    ${text.slice(i + 1, i + 5).map((x) => x.trim()).filter(Boolean).join('\n    ')}`);
  });
}
if (lines.length) {
  console.log(`\nFailed (${lines.length}):`);
  for (const l of lines) console.log(`- ${l}`);
}
