// Waiting for GetPasswordData to become non-empty (`password --wait`). EC2 documents "up to
// 15 minutes"; the AWS CLI waiter polls every 15 s. The clock and sleep are injectable so the
// logic is tested without waiting (issue #4: moto returns data at once, so the wait itself
// cannot be exercised there).

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
  for (let attempt = 1; ; attempt++) {
    const data = await fetch();
    if (data.trim() !== '') return data;
    const elapsed = now() - start;
    if (elapsed + interval > o.timeoutMs) {
      const e = passwordNotReady(instanceId);
      throw new Ec2KeysError(Codes.PasswordNotReady, `${e.message}; gave up after ${Math.round(elapsed / 1000)} s (${attempt} tries)`, { hint: e.hint, target: instanceId });
    }
    o.onWait?.(elapsed, attempt);
    await sleep(interval);
  }
}
