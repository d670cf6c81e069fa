// Round-trip property (issue #3 §6 "fast-check: round trips across all format pairs preserve the
// key"): a random key × a random ordered pair of formats × a random passphrase (none, ASCII
// punctuation, any Unicode code point, graphemes) × a random comment: write A, read, write B,
// read — the key is the same in every field, the encryption is what was asked, and the comment
// survives wherever both formats carry one. The KDFs run with their least work so thousands of
// cases stay fast; interop.test.ts covers the production parameters against the real tools.
import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readKey } from '../../src/keys/detect.js';
import { fromKeyObject, type PrivateKey } from '../../src/keys/model.js';
import { writeOpenSshPrivate } from '../../src/keys/openssh.js';
import { encodePkcs1Der, writePkcs1 } from '../../src/keys/pkcs1.js';
import { writePkcs8 } from '../../src/keys/pkcs8.js';
import { writePpk } from '../../src/keys/ppk.js';
import type { ReadPrivateResult } from '../../src/keys/types.js';
import { writePrivateKey } from '../../src/keys/write.js';
import { fcParams, runs, testTimeout, unhandledRejections } from './arbitraries.js';

const unhandled = unhandledRejections();
afterAll(() => {
  unhandled.stop();
  expect(unhandled.list, 'unhandled promise rejections').toEqual([]);
});

type Fmt = 'pkcs1' | 'pkcs1-der' | 'pkcs8' | 'pkcs8-der' | 'openssh' | 'ppk2' | 'ppk3';
const FMTS: Fmt[] = ['pkcs1', 'pkcs1-der', 'pkcs8', 'pkcs8-der', 'openssh', 'ppk2', 'ppk3'];
const RSA_ONLY = new Set<Fmt>(['pkcs1', 'pkcs1-der']);
/** No encryption exists for PKCS#1 DER. */
const PLAIN_ONLY = new Set<Fmt>(['pkcs1-der']);
const COMMENTED = new Set<Fmt>(['openssh', 'ppk2', 'ppk3']);

let keys: PrivateKey[] = [];
beforeAll(() => {
  keys = [
    fromKeyObject(generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey),
    fromKeyObject(generateKeyPairSync('rsa', { modulusLength: 1024, publicExponent: 3 }).privateKey),
    fromKeyObject(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey),
    fromKeyObject(generateKeyPairSync('rsa', { modulusLength: 1536 }).privateKey),
    fromKeyObject(generateKeyPairSync('ed25519').privateKey),
    fromKeyObject(generateKeyPairSync('ed25519').privateKey),
  ];
});

async function write(key: PrivateKey, f: Fmt, pw: string | undefined, comment: string, viaEntry: boolean): Promise<Buffer> {
  if (viaEntry && (f === 'pkcs1' || f === 'ppk2' || !pw)) {
    // The product entry (writePrivateKey) where its production parameters are cheap.
    if (f === 'pkcs1' || f === 'pkcs8' || f === 'openssh' || f === 'ppk2' || f === 'ppk3') {
      const format = f === 'pkcs1' ? 'pem' : f === 'ppk2' || f === 'ppk3' ? 'ppk' : f;
      return Buffer.from(await writePrivateKey(key, format, { passphrase: pw, comment, ppkVersion: f === 'ppk2' ? 2 : 3 }));
    }
  }
  switch (f) {
    case 'pkcs1':
      return Buffer.from(writePkcs1(key as Extract<PrivateKey, { type: 'rsa' }>, { passphrase: pw }));
    case 'pkcs1-der':
      return encodePkcs1Der(key as Extract<PrivateKey, { type: 'rsa' }>);
    case 'pkcs8':
      return Buffer.from(writePkcs8(key, { passphrase: pw, iterations: 1000 }));
    case 'pkcs8-der':
      return writePkcs8(key, { passphrase: pw, iterations: 1000, der: true });
    case 'openssh':
      return Buffer.from(await writeOpenSshPrivate(key, { passphrase: pw, comment, rounds: 1 }));
    case 'ppk2':
      return Buffer.from(await writePpk(key, { passphrase: pw, comment, ppkVersion: 2 }));
    case 'ppk3':
      return Buffer.from(await writePpk(key, { passphrase: pw, comment, ppkVersion: 3, argon2: { memoryKiB: 64, passes: 1 } }));
  }
}

const FORMAT_OF: Record<Fmt, string> = { pkcs1: 'pkcs1', 'pkcs1-der': 'pkcs1-der', pkcs8: 'pkcs8', 'pkcs8-der': 'pkcs8-der', openssh: 'openssh', ppk2: 'ppk2', ppk3: 'ppk3' };

async function read(b: Buffer, pw: string | undefined): Promise<ReadPrivateResult> {
  const r = await readKey(b, { passphrase: { get: async () => pw } });
  if (r.kind !== 'private') throw new Error('read a public key');
  return r;
}

function sameFields(a: PrivateKey, b: PrivateKey): boolean {
  if (a.type === 'rsa' && b.type === 'rsa') return (['n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi'] as const).every((f) => a[f] === b[f]);
  if (a.type === 'ed25519' && b.type === 'ed25519') return a.seed.equals(b.seed) && a.pub.equals(b.pub);
  return false;
}

const passphrase = fc.oneof(
  fc.constant(undefined),
  fc.string({ maxLength: 24 }),
  fc.string({ unit: 'binary', maxLength: 16 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
);
/** Comments a key file can hold: one line, no NUL. */
const comment = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 12 }))
  .filter((c) => !/[\r\n\0]/.test(c));

describe('round trips across every format pair preserve the key', () => {
  const n = runs(150, 0.05);
  it(`random key × format pair × passphrase × comment (${n} cases)`, async () => {
    let encrypted = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.constantFrom(...FMTS), fc.constantFrom(...FMTS), passphrase, comment, fc.boolean(), async (ki, a0, b0, pw0, c, viaEntry) => {
        const key = keys[ki % keys.length];
        const fix = (f: Fmt): Fmt => (key.type === 'ed25519' && RSA_ONLY.has(f) ? 'pkcs8' : f);
        const a = fix(a0);
        const b = fix(b0);
        const pwA = PLAIN_ONLY.has(a) ? undefined : pw0;
        const pwB = PLAIN_ONLY.has(b) ? undefined : pw0;
        const ra = await read(await write(key, a, pwA, c, viaEntry), pwA);
        expect(ra.format).toBe(FORMAT_OF[a]);
        expect(ra.encrypted).toBe(Boolean(pwA));
        expect(sameFields(ra.key, key), `${a}`).toBe(true);
        const rb = await read(await write(ra.key, b, pwB, ra.comment ?? c, viaEntry), pwB);
        expect(rb.format).toBe(FORMAT_OF[b]);
        expect(rb.encrypted).toBe(Boolean(pwB));
        expect(sameFields(rb.key, key), `${a} → ${b}`).toBe(true);
        if (COMMENTED.has(b)) expect(rb.comment).toBe(c);
        if (pwB) encrypted++;
      }),
      fcParams(n),
    );
    expect(encrypted).toBeGreaterThan(0);
  }, testTimeout(n, 100));
});
