// Entry point of the standalone executables (issue #6 §1): scripts/build-exe.mjs bundles this
// file with esbuild (CommonJS, every `import()` turned into `require()`) into a Node 22
// single-executable-application blob. It only hands argv to the same `run` the npm bin uses,
// so the exe and `node bin/ec2keys.js` behave alike; nothing here may import a heavy library
// (AWS SDK, prompts, node-forge, hash-wasm), or every start of the exe would pay for it.
//
// In a SEA process.argv is [exe, exe, ...args], as for `node script args`, so slice(2) holds.
// The exit code goes to process.exitCode, never process.exit(), so buffered stdout (a pipe,
// or a file under Wine) is flushed before the process ends.

import { run } from './cli/main.js';

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    // run() reports every error itself; reaching this is a bug, shown without a stack unless asked.
    const detail = process.env.EC2KEYS_DEBUG && e instanceof Error ? (e.stack ?? e.message) : String((e as Error)?.message ?? e);
    process.stderr.write(`ec2keys: Ec2Keys.InternalError: ${detail}\n`);
    process.exitCode = 1;
  },
);
