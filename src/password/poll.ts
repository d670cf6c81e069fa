// Waiting for GetPasswordData to become non-empty (`password --wait`). EC2 documents "up to
// 15 minutes"; the AWS CLI waiter polls every 15 s. The clock and sleep are injectable so the
// logic is tested without waiting (issue #4: moto returns data at once, so the wait itself
// cannot be exercised there).
//
// Schedule: a poll at once, then one every `intervalMs`, and the last one AT the deadline: the
// sleep before a poll is min(interval, time left). Skipping a poll that would pass the deadline
// made `--wait --timeout 4` give up after its first try ("gave up after 0 s (1 tries)").

import { Codes, Ec2KeysError } from '../errors.js';
import { passwordNotReady } from './decrypt.js';

export interface PollOptions {
  timeoutMs: number;
  intervalMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Called before each wait with the elapsed time, for a progress line. */
  onWait?: (elapsedMs: number, attempt: number) => void;
}

export async function pollPasswordData(fetch: () => Promise<string>, instanceId: string, o: PollOptions): Promise<string> {
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const interval = o.intervalMs ?? 15_000;
  const start = now();
  const deadline = start + o.timeoutMs;
  for (let attempt = 1; ; attempt++) {
    const data = await fetch();
    if (data.trim() !== '') return data;
    const t = now();
    const left = deadline - t;
    if (left <= 0) throw gaveUp(instanceId, t - start, attempt, o.timeoutMs);
    o.onWait?.(t - start, attempt);
    await sleep(Math.min(interval, left));
  }
}

/** PasswordNotReady after --wait: the hint cannot be "wait with --wait" (it was given), so: a longer --timeout. */
function gaveUp(instanceId: string, elapsedMs: number, tries: number, timeoutMs: number): Ec2KeysError {
  const e = passwordNotReady(instanceId);
  const timeout = Math.round(timeoutMs / 1000);
  return new Ec2KeysError(Codes.PasswordNotReady, `${e.message}; gave up after ${Math.round(elapsedMs / 1000)} s (${tries} ${tries === 1 ? 'try' : 'tries'})`, {
    hint: `Windows sets the password a few minutes after first boot (up to 15 minutes): wait longer with a larger --timeout (it was ${timeout} s; the default is 900), or check that the AMI generates a random password`,
    target: instanceId,
  });
}
