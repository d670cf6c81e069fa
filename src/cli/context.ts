// What a command may touch: its streams, environment and working directory. Commands get this
// instead of reaching for `process` so the whole CLI can run in-process in tests.

import type { Readable, Writable } from 'node:stream';

export interface Ctx {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  stdin: Readable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
  platform: NodeJS.Platform;
}

export function processCtx(): Ctx {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd(), platform: process.platform };
}

/** Global options, resolved from flags and the environment (cli.md "Global options"). */
export interface GlobalOptions {
  store: 'local' | 'ec2';
  home?: string;
  region?: string;
  profile?: string;
  endpointUrl?: string;
  json: boolean;
  /** false with --no-input, CI set, or stdin not a terminal. */
  interactive: boolean;
  passphraseFile?: string;
  newPassphraseFile?: string;
  allowExpensiveKdf: boolean;
}
