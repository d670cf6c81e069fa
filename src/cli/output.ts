// The one sink for command results and errors: text for people, one JSON document for scripts
// and the PowerShell module (--json). Commands never write to stdout themselves.

import { Codes, Ec2KeysError } from '../errors.js';
import type { Ctx } from './context.js';

export class Reporter {
  /** A JSON document went to stdout already (--json): stdout carries one document, never a second. */
  private documented = false;

  constructor(private readonly ctx: Ctx, readonly json: boolean) {}

  /** A command's result: `data` as JSON with --json, else `text` (a string or lines). */
  result(data: unknown, text: string | string[] | undefined): void {
    if (this.json) {
      this.documented = true;
      writeText(this.ctx.stdout, JSON.stringify(data, null, 2));
      this.ctx.stdout.write('\n');
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

  /**
   * A result that holds a private key (`--out -` with --json): written, then waited for, so a
   * stdout that takes nothing (a closed pipe) is an error — for `new`, one that deletes the
   * pair again — instead of a quiet exit 0 with the key gone.
   */
  async secretResult(data: unknown): Promise<void> {
    this.documented = true;
    await writeChecked(this.ctx.stdout, JSON.stringify(data, null, 2) + '\n');
  }

  /** Progress and notes for people: stderr, never with --json. */
  note(s: string): void {
    if (!this.json) this.ctx.stderr.write(s.endsWith('\n') ? s : s + '\n');
  }

  /** A command that printed its (partial) result document already keeps stdout one document (`documented`). */
  error(e: Ec2KeysError): void {
    this.errorText(e);
    this.errorDocument(e);
  }

  /** The stderr half of an error: `ec2keys: <Code>: <message>`, then `hint: …` unless `withHint` is false. */
  errorText(e: Ec2KeysError, withHint = true): void {
    const hint = withHint && e.hint ? `hint: ${e.hint}\n` : '';
    this.ctx.stderr.write(`ec2keys: ${e.code}: ${e.message}\n${hint}`);
  }

  /** The stdout half of an error with --json: `{"Error":{Code,Message,Hint?,Target?}}`, unless a document was printed already. */
  errorDocument(e: Ec2KeysError): void {
    if (!this.json || this.documented) return;
    this.documented = true;
    this.ctx.stdout.write(JSON.stringify({ Error: e.toJSON() }) + '\n');
  }
}

/** Resolves once what was written to `s` so far has been handed to the OS (or after `ms`): before a process.exit(). */
export function drained(s: NodeJS.WritableStream, ms = 2000): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    try {
      s.write('', () => {
        clearTimeout(t);
        resolve();
      });
    } catch {
      clearTimeout(t);
      resolve();
    }
  });
}

/**
 * Write a long string in 64 KiB pieces: `get --json` over 5,000 pairs is 1.2 MB, and one write
 * of it (plus appending the newline, which copies it) cost 10 ms of a 150 ms command in page
 * faults for one big buffer. A piece never ends between the two halves of a surrogate pair.
 */
export function writeText(out: NodeJS.WritableStream, s: string, piece = 65536): void {
  for (let i = 0; i < s.length; ) {
    let end = Math.min(i + piece, s.length);
    const c = s.charCodeAt(end - 1);
    if (end < s.length && c >= 0xd800 && c <= 0xdbff) end += end - 1 > i ? -1 : 1;
    out.write(s.slice(i, end));
    i = end;
  }
}

/**
 * Write `s` and wait until the stream has taken it. A failed write (EPIPE: the reader has gone;
 * a stream already destroyed by an earlier EPIPE) is Ec2Keys.FileError — for a key, nothing
 * received it. The process-wide EPIPE guard (context.ts) stays quiet for ordinary output only.
 */
export function writeChecked(out: NodeJS.WritableStream, s: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (e: NodeJS.ErrnoException | null | undefined) => {
      if (settled) return;
      settled = true;
      out.removeListener('error', fail);
      reject(new Ec2KeysError(Codes.FileError, `cannot write the key to standard output (${e?.code ?? e?.message ?? 'write failed'}): nothing received it`, {
        target: 'standard output',
        hint: 'write it to a file with --out FILE, or make sure whatever reads standard output reads all of it',
      }));
    };
    out.once('error', fail);
    try {
      out.write(s, (e?: Error | null) => {
        if (e) return fail(e as NodeJS.ErrnoException);
        if (settled) return;
        settled = true;
        out.removeListener('error', fail);
        resolve();
      });
    } catch (e) {
      fail(e as NodeJS.ErrnoException);
    }
  });
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
