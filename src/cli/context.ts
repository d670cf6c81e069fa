// What a command may touch: its streams, environment and working directory. Commands get this
// instead of reaching for `process` so the whole CLI can run in-process in tests.

import type { Command } from 'commander';
import type { Readable, Writable } from 'node:stream';
import { createRequire } from 'node:module';

export interface Ctx {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  stdin: Readable & { isTTY?: boolean };
  /** Whether stdin is a terminal, known without creating process.stdin (a stream, ~5 ms at start). */
  stdinIsTTY?: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
  platform: NodeJS.Platform;
  /** The file descriptor behind `stdin` (0 for the process), to spot /dev/stdin and the like given as a file name. */
  stdinFd?: number;
  /** Who has read standard input so far ('-', /dev/stdin, …): it is one stream, and a second reader finds it empty. */
  stdinReader?: string;
}

let ttyIn: boolean | undefined;
let pipeGuard = false;

/**
 * `ec2keys get --json | head -1`: once the reader has gone, every write to stdout fails with
 * EPIPE, emitted as an 'error' event that nobody handles — Node then dies with a stack trace
 * ("Unhandled 'error' event"), which the contract rules out. The reader chose to stop reading,
 * so the rest of the output is dropped quietly and the command keeps its own exit code (the
 * work it did — a key file saved, a pair created — is done). Any other write error is reported
 * once, as an error of ours, and makes the exit code 1.
 */
function guardStreams(): void {
  if (pipeGuard) return;
  pipeGuard = true;
  let reported = false;
  const onError = (name: string) => (e: NodeJS.ErrnoException) => {
    if (e?.code === 'EPIPE' || e?.code === 'ERR_STREAM_DESTROYED' || e?.code === 'ERR_STREAM_WRITE_AFTER_END') return;
    if (reported) return;
    reported = true;
    process.exitCode = 1;
    if (name === 'stdout') {
      try {
        process.stderr.write(`ec2keys: Ec2Keys.FileError: cannot write to standard output: ${e?.code ?? e?.message ?? String(e)}\n`);
      } catch {
        /* nowhere left to say it */
      }
    }
  };
  process.stdout.on('error', onError('stdout'));
  process.stderr.on('error', onError('stderr'));
}

export function processCtx(): Ctx {
  guardStreams();
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    // Created on first use only: most commands never read stdin, and asking isTTY must not create it.
    get stdin() {
      return process.stdin;
    },
    // node:tty loads net and streams (~5 ms): only asked when a command may prompt.
    get stdinIsTTY() {
      return (ttyIn ??= (createRequire(import.meta.url)('node:tty') as typeof import('node:tty')).isatty(0));
    },
    env: process.env,
    cwd: process.cwd(),
    platform: process.platform,
    stdinFd: 0,
  };
}

/** stdin is a terminal (without creating the process.stdin stream when the context knows). */
export function stdinIsTTY(ctx: Ctx): boolean {
  return ctx.stdinIsTTY ?? Boolean(ctx.stdin.isTTY);
}

/** Global options, resolved from flags and the environment (cli.md "Global options"). */
export interface GlobalOptions {
  store: 'local' | 'ec2';
  home?: string;
  region?: string;
  profile?: string;
  endpointUrl?: string;
  /** Where endpointUrl came from, for messages: the flag or the environment variable. */
  endpointUrlFrom?: '--endpoint-url' | 'EC2KEYS_ENDPOINT_URL';
  json: boolean;
  /** false with --no-input, CI set, or stdin not a terminal. */
  interactive: boolean;
  passphraseFile?: string;
  newPassphraseFile?: string;
  allowExpensiveKdf: boolean;
}

/**
 * True when the user gave the option (command line or environment), not when only its default
 * is in force: an option that cannot apply is a usage error (age: each conflicting flag pair has
 * its own error), never silently ignored.
 */
export function givenOption(cmd: Command, key: string): boolean {
  const src = cmd.getOptionValueSource(key);
  return src !== undefined && src !== 'default';
}
