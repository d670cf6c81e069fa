// GetPasswordData for `password --instance-id` (always EC2: the local registry has no
// instances). With --wait, polls until the data is there or --timeout passes, showing elapsed
// time on a terminal (stderr) and staying silent otherwise.

import { passwordNotReady } from '../password/decrypt.js';
import { pollPasswordData } from '../password/poll.js';
import type { GlobalOptions } from './context.js';
import type { App } from './main.js';
import { regionFor } from './store.js';

export async function fetchPasswordData(app: App, g: GlobalOptions, instanceId: string, o: { wait: boolean; timeoutSeconds: number }): Promise<string> {
  const { Ec2Store } = await import('../store/ec2.js');
  const store = await Ec2Store.open({ region: await regionFor(g, 'ec2'), profile: g.profile, endpointUrl: g.endpointUrl });
  const tty = Boolean(app.ctx.stderr.isTTY) && !app.out.json;
  try {
    const fetch = async () => (await store.getPasswordData(instanceId)).PasswordData ?? '';
    if (!o.wait) {
      const d = await fetch();
      if (d.trim() === '') throw passwordNotReady(instanceId);
      return d;
    }
    const intervalMs = Number(app.ctx.env.EC2KEYS_POLL_INTERVAL_MS) || 15_000;
    const data = await pollPasswordData(fetch, instanceId, {
      timeoutMs: o.timeoutSeconds * 1000,
      intervalMs,
      onWait: (elapsed) => {
        if (tty) app.ctx.stderr.write(`\rwaiting for the password of ${instanceId}… ${Math.round(elapsed / 1000)} s (Ctrl-C to stop)   `);
      },
    });
    if (tty) app.ctx.stderr.write('\n');
    return data;
  } finally {
    store.close();
  }
}
