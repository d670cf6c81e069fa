// Passphrases: from --passphrase-file (first line), EC2KEYS_PASSPHRASE, or a hidden prompt on a
// terminal — never from a plain argument (argv is visible to every user of the machine).
// The prompt library is loaded only when a prompt is really shown.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { Codes, Ec2KeysError } from '../errors.js';
import { decodeText } from '../keys/text.js';
import type { PassphraseSource } from '../keys/types.js';
import type { Ctx, GlobalOptions } from './context.js';
import { fileError } from './io.js';

/** First line of a passphrase file, without its line ending. An empty file is an empty passphrase. */
export function readPassphraseFile(ctx: Ctx, file: string): string {
  let text: string;
  try {
    const buf = fs.readFileSync(path.resolve(ctx.cwd, file));
    if (buf.length > 64 * 1024) throw new Ec2KeysError(Codes.Usage, `${file} is too large for a passphrase file`, { exitCode: 2 });
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
  return g.interactive && Boolean(ctx.stdin.isTTY) && Boolean(ctx.stderr.isTTY);
}

/** Source for the passphrase of a key being read. */
export function inputPassphrase(ctx: Ctx, g: GlobalOptions): PassphraseSource {
  if (g.passphraseFile !== undefined) {
    const file = g.passphraseFile;
    let cached: string | undefined;
    return { get: async () => (cached ??= readPassphraseFile(ctx, file)) };
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

/** The passphrase for a key being written; undefined = write it unencrypted. */
export async function outputPassphrase(ctx: Ctx, g: GlobalOptions, askIfTty: boolean): Promise<string | undefined> {
  if (g.newPassphraseFile !== undefined) return readPassphraseFile(ctx, g.newPassphraseFile) || undefined;
  if (ctx.env.EC2KEYS_NEW_PASSPHRASE !== undefined) return ctx.env.EC2KEYS_NEW_PASSPHRASE || undefined;
  if (askIfTty && canPrompt(ctx, g)) {
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
    return new Ec2KeysError(Codes.Interrupted, 'interrupted', { exitCode: 130 });
  }
  return e;
}
