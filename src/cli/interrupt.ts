// Ctrl-C for the CLI (issue #4), kept apart from io.ts so that the entry (main.ts) loads no
// crypto or child_process at start: the SIGINT state, the undo hooks, critical sections, and the
// temp files of writes in flight.

import * as fs from 'node:fs';
import { Codes, Ec2KeysError } from '../errors.js';

/** Temp files in flight; removed by the SIGINT handler in main.ts. */
export const pendingTempFiles = new Set<string>();

/**
 * Ctrl-C (issue #4): the SIGINT handler in main.ts sets `interruption.interrupted`, waits for
 * the critical sections in flight (a store write and the registration of its undo step are one
 * section, so no pair is ever created without its rollback hook), runs the undo hooks, removes
 * temp files and exits 130. Once interrupted, no new critical section starts: the command's
 * own continuation cannot write a key file or create a pair after its undo has run.
 */
export const interruption = { interrupted: false };
const inflight = new Set<Promise<unknown>>();

/**
 * Undo steps to run if the user presses Ctrl-C mid-command (e.g. delete a key pair just created
 * whose key file is not written yet: no orphan pair without its private key).
 */
export const interruptHooks = new Set<() => Promise<void>>();

/**
 * The error behind every exit 130 (cli.md): SIGINT (Ctrl-C, or `kill -INT` without a terminal),
 * Ctrl-C at a prompt, and a side effect refused once interrupted. One wording, so scripts and the
 * PowerShell module see the same `Ec2Keys.Interrupted` document whatever path stopped the command.
 */
export function interruptedError(hint?: string): Ec2KeysError {
  return new Ec2KeysError(Codes.Interrupted, 'interrupted by Ctrl-C (SIGINT)', { exitCode: 130, hint });
}

/** Run a side effect that must either finish whole (with its undo step registered) or not start. */
export async function critical<T>(fn: () => Promise<T>): Promise<T> {
  if (interruption.interrupted) throw interruptedError();
  const p = fn();
  inflight.add(p);
  try {
    return await p;
  } finally {
    inflight.delete(p);
  }
}

/** The hint after a second Ctrl-C cut the wait short: what was running may have happened. */
const STILL_RUNNING = 'an operation was still running when ec2keys stopped; check its result (for example with `ec2keys get`)';

const never = new Promise<never>(() => {});

/**
 * What SIGINT does: stop new side effects, let the running one finish, then undo. No clock cuts
 * the wait: every side effect is bounded on its own (a store call by its whole-call deadline,
 * connect + 2 × read timeout), and a fixed wait would leave exactly the orphan pair the wait is
 * for whenever EC2 is slow. `force` (a second Ctrl-C) stops waiting at once; `onSlow` runs once
 * if the wait lasts a second (on a terminal: say why nothing happens yet). Returns the
 * STILL_RUNNING hint when forced while something was still running (its effect unknown).
 */
export async function interrupt(force: Promise<unknown> = never, onSlow?: () => void): Promise<string | undefined> {
  interruption.interrupted = true;
  const forced = force.then(() => 'forced' as const);
  let warning: string | undefined;
  const slow = onSlow ? setTimeout(onSlow, 1000) : undefined;
  try {
    if (inflight.size > 0) {
      const settled = Promise.allSettled([...inflight]).then(() => 'done' as const);
      if ((await Promise.race([settled, forced])) === 'forced') warning = STILL_RUNNING;
    }
    if (!warning && interruptHooks.size > 0 && (await Promise.race([runInterruptHooks().then(() => 'done' as const), forced])) === 'forced') warning = STILL_RUNNING;
  } finally {
    clearTimeout(slow);
    interruptHooks.clear(); // forced before the undo ran: its steps are dropped
    cleanupTempFiles();
  }
  return warning;
}

/** Run the undo steps once each (a failed one does not stop the others). */
async function runInterruptHooks(): Promise<void> {
  const all = [...interruptHooks];
  interruptHooks.clear();
  await Promise.allSettled(all.map((f) => f()));
}

/** Remove the temp files of writes cut short (SIGINT). */
function cleanupTempFiles(): void {
  for (const f of pendingTempFiles) {
    try {
      fs.unlinkSync(f);
    } catch {
      /* gone */
    }
  }
  pendingTempFiles.clear();
}
