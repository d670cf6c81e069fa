// Drives the local store from a separate process, for the concurrency and crash tests (the CLI is
// written elsewhere). Runs the built code (dist/, built by the vitest global setup).
//   node driver.mjs create HOME REGION NAME          → one createKeyPair (RSA 2048), JSON result
//   node driver.mjs writer HOME REGION PREFIX COUNT  → READY, then importKeyPair PREFIX-0.. one by
//                                                      one, printing "OK <name>" after each success
//   node driver.mjs hold HOME REGION                 → takes the registry lock, prints LOCKED, waits
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { LocalStore } from '../../dist/store/local.js';
import { withLock } from '../../dist/store/lock.js';

const [op, home, region, a, b] = process.argv.slice(2);
const store = new LocalStore({ home, region, lockTimeoutMs: 60_000 });
const out = (s) => process.stdout.write(s + '\n');

if (op === 'create') {
  try {
    const r = await store.createKeyPair({ KeyName: a });
    out(JSON.stringify({ ok: true, KeyPairId: r.KeyPairId, KeyName: r.KeyName, KeyFingerprint: r.KeyFingerprint }));
  } catch (e) {
    out(JSON.stringify({ ok: false, Code: e.code, Message: e.message }));
    process.exitCode = 1;
  }
} else if (op === 'writer') {
  const jwk = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
  const key = { type: 'ed25519', pub: Buffer.from(jwk.x, 'base64url') };
  out('READY');
  for (let i = 0; i < Number(b); i++) {
    const name = `${a}-${i}`;
    await store.importKeyPair({ KeyName: name, PublicKey: key });
    out(`OK ${name}`);
  }
} else if (op === 'hold') {
  mkdirSync(store.dir, { recursive: true });
  await withLock(store.lockFile, async () => {
    out('LOCKED');
    await new Promise((r) => setTimeout(r, 120_000));
  });
} else {
  console.error(`unknown op ${op}`);
  process.exitCode = 2;
}
