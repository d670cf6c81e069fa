// Build dist/ once before the suites that spawn `node bin/ec2keys.js`, so the CLI tests run
// exactly what users run. Type errors do not stop the tests here (tsc still emits): the strict
// type check is scripts/test.sh's own step, before vitest, so CI fails on them all the same.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';

export default function setup(): void {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) process.stderr.write(`global-setup: tsc reported errors (dist/ was still emitted):\n${r.stdout}${r.stderr}\n`);
}
