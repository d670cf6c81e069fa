// The one sink for command results and errors: text for people, one JSON document for scripts
// and the PowerShell module (--json). Commands never write to stdout themselves.

import { Codes, Ec2KeysError } from '../errors.js';
import type { Ctx } from './context.js';

export class Reporter {
  constructor(private readonly ctx: Ctx, readonly json: boolean) {}

  /** A command's result: `data` as JSON with --json, else `text` (a string or lines). */
  result(data: unknown, text: string | string[] | undefined): void {
    if (this.json) {
      this.ctx.stdout.write(JSON.stringify(data, null, 2) + '\n');
      return;
    }
    if (text === undefined) return;
    const s = Array.isArray(text) ? text.join('\n') : text;
    this.ctx.stdout.write(s.endsWith('\n') || s === '' ? s : s + '\n');
  }

  /** Raw bytes to stdout (a key with --out -). */
  raw(s: string | Buffer): void {
    this.ctx.stdout.write(s);
  }

  /** Progress and notes for people: stderr, never with --json. */
  note(s: string): void {
    if (!this.json) this.ctx.stderr.write(s.endsWith('\n') ? s : s + '\n');
  }

  /** `alreadyReported`: the command printed its (partial) result document already; stdout stays one document. */
  error(e: Ec2KeysError & { alreadyReported?: boolean }): void {
    const hint = e.hint ? `hint: ${e.hint}\n` : '';
    this.ctx.stderr.write(`ec2keys: ${e.code}: ${e.message}\n${hint}`);
    if (this.json && !e.alreadyReported) this.ctx.stdout.write(JSON.stringify({ Error: e.toJSON() }) + '\n');
  }
}

/** Anything that is not ours is an internal error: one line, stack only with EC2KEYS_DEBUG. */
export function internalError(e: unknown, env: NodeJS.ProcessEnv): Ec2KeysError {
  const msg = e instanceof Error ? e.message : String(e);
  const err = new Ec2KeysError(Codes.Internal, `unexpected error: ${msg}`, {
    hint: env.EC2KEYS_DEBUG ? undefined : 'run again with EC2KEYS_DEBUG=1 for details, and report it',
    cause: e,
  });
  return err;
}

/** Table of rows with a header, columns padded; used for `get` and friends. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : (c ?? '').padEnd(widths[i]))).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}
