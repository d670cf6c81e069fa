// Passphrases: from --passphrase-file (first line), EC2KEYS_PASSPHRASE, or a hidden prompt on a
// terminal — never from a plain argument (argv is visible to every user of the machine).
// The prompt library is loaded only when a prompt is really shown.

import * as path from 'node:path';
import { Codes, Ec2KeysError, UsageError } from '../errors.js';
import { decodeText } from '../keys/text.js';
import type { PassphraseSource } from '../keys/types.js';
import { stdinIsTTY, type Ctx, type GlobalOptions } from './context.js';
import { interruptedError } from './interrupt.js';
import { claimIfStdin, fileError, readBoundedSync } from './io.js';

/** First line of a passphrase file, without its line ending. An empty file is an empty passphrase. */
export function readPassphraseFile(ctx: Ctx, file: string, flag: string): string {
  const stdinFd = claimIfStdin(ctx, file, `${flag} ${file}`);
  let text: string;
  try {
    // Bounded: the "file" may be a device or a pipe (/dev/stdin, <(…), or /dev/zero by mistake).
    const buf = readBoundedSync(stdinFd ?? path.resolve(ctx.cwd, file), 64 * 1024);
    if (buf.length > 64 * 1024) throw new Ec2KeysError(Codes.Usage, `${file} is too large for a passphrase file (more than 64 KiB)`, { exitCode: 2 });
    // Decoded like key files: Windows PowerShell 5.1 `'secret' > pass.txt` writes UTF-16LE with a
    // BOM and CRLF, which read as UTF-8 would be a wrong passphrase.
    text = decodeText(buf);
  } catch (e) {
    if (e instanceof Ec2KeysError) throw e;
    throw fileError(e, file, 'read passphrase file');
  }
  return text.split('\n')[0];
}

export function canPrompt(ctx: Ctx, g: GlobalOptions): boolean {
  return g.interactive && stdinIsTTY(ctx) && Boolean(ctx.stderr.isTTY);
}

/** Source for the passphrase of a key being read. */
export function inputPassphrase(ctx: Ctx, g: GlobalOptions): PassphraseSource {
  if (g.passphraseFile !== undefined) {
    const file = g.passphraseFile;
    let cached: string | undefined;
    return { get: async () => (cached ??= readPassphraseFile(ctx, file, '--passphrase-file')) };
  }
  // An empty variable counts as not set (a wrapper that clears it must not mean "the empty passphrase").
  if (ctx.env.EC2KEYS_PASSPHRASE) {
    const v = ctx.env.EC2KEYS_PASSPHRASE;
    return { get: async () => v };
  }
  if (canPrompt(ctx, g)) {
    return {
      interactive: true,
      get: async (what, attempt) => promptHidden(ctx, attempt > 0 ? `Wrong passphrase. Passphrase for ${what}:` : `Passphrase for ${what}:`),
    };
  }
  return { get: async () => undefined };
}

/**
 * The passphrase for a key being written; undefined = write it unencrypted. `encrypt` (--encrypt)
 * asks on a terminal, and makes "no passphrase" an error: without a terminal, --new-passphrase-file
 * or EC2KEYS_NEW_PASSPHRASE, --encrypt used to write the key in the clear and say nothing.
 *
 * --new-passphrase-file asks for encryption: a file whose first line is empty is a usage error
 * (it used to write the key UNENCRYPTED, exit 0). An empty EC2KEYS_NEW_PASSPHRASE counts as not
 * set, as an empty EC2KEYS_PASSPHRASE does (a wrapper that clears it must not mean anything).
 */
export async function outputPassphrase(ctx: Ctx, g: GlobalOptions, encrypt: boolean): Promise<string | undefined> {
  if (g.newPassphraseFile !== undefined) {
    const file = g.newPassphraseFile;
    const given = readPassphraseFile(ctx, file, '--new-passphrase-file');
    if (given === '') {
      throw new UsageError(
        encrypt
          ? `--encrypt asks for an encrypted key, but the new passphrase (first line of ${file}) is empty`
          : `the new passphrase (first line of --new-passphrase-file ${file}) is empty; an empty passphrase would leave the key unencrypted`,
        { hint: `put the passphrase in the first line of ${file}, or leave out --new-passphrase-file${encrypt ? ' and --encrypt' : ''} to write the key unencrypted`, target: file },
      );
    }
    return given;
  }
  const env = ctx.env.EC2KEYS_NEW_PASSPHRASE;
  if (env) return env;
  if (encrypt && !canPrompt(ctx, g)) {
    throw new UsageError(`--encrypt needs a new passphrase and there is no terminal to ask on${env === '' ? ' (EC2KEYS_NEW_PASSPHRASE is empty, which counts as not set)' : ''}`, {
      hint: 'give it with --new-passphrase-file FILE (first line) or EC2KEYS_NEW_PASSPHRASE, or leave out --encrypt',
    });
  }
  if (encrypt) {
    for (;;) {
      const a = await promptHidden(ctx, 'New passphrase (empty for none):');
      if (!a) return undefined;
      const b = await promptHidden(ctx, 'Same passphrase again:');
      if (a === b) return a;
      ctx.stderr.write('ec2keys: the two passphrases differ; try again\n');
    }
  }
  return undefined;
}

export async function promptHidden(ctx: Ctx, message: string): Promise<string> {
  const { password } = await import('@inquirer/prompts');
  try {
    return await password({ message, mask: '*' }, { input: ctx.stdin, output: ctx.stderr });
  } catch (e) {
    throw interruptedOr(e);
  }
}

/** @inquirer throws ExitPromptError on Ctrl-C: that is exit 130, not a failure. */
export function interruptedOr(e: unknown): unknown {
  if (e && typeof e === 'object' && (e as Error).name === 'ExitPromptError') {
    return interruptedError();
  }
  return e;
}
