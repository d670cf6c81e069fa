// Fuzzing decryptPassword (issue #7 §2 "the password decryptor"): whatever the PasswordData
// text or bytes — random bytes of any length, random text, base64 of the right length,
// whitespace-sprinkled copies, bit-flipped real blobs — only Ec2Keys.WrongKey,
// Ec2Keys.PasswordNotReady, InvalidParameterValue (not base64) or, for an ED25519 key,
// Ec2Keys.UnsupportedForWindows may come out; and every password a real RSAES-PKCS1-v1_5
// encryption produced (random unicode included) decrypts to itself.
import { constants, generateKeyPairSync, publicEncrypt } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { Codes } from '../../src/errors.js';
import { fromKeyObject, toPublicKeyObject, type PrivateKey } from '../../src/keys/model.js';
import { decryptPassword } from '../../src/password/decrypt.js';
import { checkError, fcParams, runs, Tally, testTimeout } from './arbitraries.js';

const CODES = new Set<string>([Codes.WrongKey, Codes.PasswordNotReady, Codes.InvalidParameterValue, Codes.UnsupportedForWindows]);
let keys: PrivateKey[] = [];

beforeAll(() => {
  keys = [
    fromKeyObject(generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey),
    fromKeyObject(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey),
    fromKeyObject(generateKeyPairSync('ed25519').privateKey),
  ];
});

const modBytes = (k: PrivateKey) => (k.type === 'rsa' ? (k.n.toString(16).length + 1) >> 1 : 256);
const encrypt = (k: PrivateKey, m: Buffer) => publicEncrypt({ key: toPublicKeyObject(k), padding: constants.RSA_PKCS1_PADDING }, m);

function run(k: PrivateKey, data: string | Buffer): string {
  try {
    const pw = decryptPassword(k, data);
    if (typeof pw !== 'string') throw new Error(`decryptPassword returned ${typeof pw}`);
    return k.type === 'ed25519' ? 'ed25519-ok?!' : 'ok';
  } catch (e) {
    return checkError(e, CODES);
  }
}

describe('decryptPassword', () => {
  const n = runs(1000);
  it(`random and mutated PasswordData only raise our errors (${n} cases)`, () => {
    const t = new Tally();
    const data = (k: PrivateKey) => fc.oneof(
      fc.uint8Array({ maxLength: 600 }).map((u) => Buffer.from(u)),
      fc.string({ unit: 'binary', maxLength: 400 }),
      fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/= \r\n\t'), maxLength: 400 }),
      // the right length, any content (often ≥ n, or unpadded)
      fc.uint8Array({ minLength: modBytes(k), maxLength: modBytes(k) }).map((u) => Buffer.from(u).toString('base64')),
      // a real blob, then damaged: bit flip, truncated, extended, whitespace inside
      fc.tuple(fc.uint8Array({ maxLength: 20 }), fc.nat(), fc.nat(7), fc.constantFrom('flip', 'cut', 'extend', 'spaces', 'none')).map(([m, at, bit, how]) => {
        if (k.type !== 'rsa') return Buffer.from(m).toString('base64');
        const c = encrypt(k, Buffer.from(m));
        if (how === 'flip') c[at % c.length] ^= 1 << bit;
        if (how === 'cut') return c.subarray(0, at % c.length).toString('base64');
        if (how === 'extend') return Buffer.concat([c, Buffer.from([at & 0xff])]).toString('base64');
        const b = c.toString('base64');
        return how === 'spaces' ? b.replace(/(.{1,7})/g, (x) => x + ' \r\n'.charAt(at % 3)) : b;
      }),
    );
    fc.assert(
      fc.property(fc.nat(keys.length - 1).chain((i) => fc.tuple(fc.constant(i), data(keys[i]))), ([i, d]) => {
        const r = run(keys[i], d);
        t.add(r);
        if (keys[i].type === 'ed25519') expect(r).toBe(Codes.UnsupportedForWindows);
      }),
      fcParams(n),
    );
    t.report('decryptPassword');
    expect(t.counts.get(Codes.WrongKey)).toBeGreaterThan(0);
  }, testTimeout(n, 5));

  const m = runs(300, 0.2);
  it(`any password encrypted under the key decrypts to itself (${m} cases)`, () => {
    fc.assert(
      fc.property(fc.nat(1), fc.oneof(fc.string({ unit: 'binary', maxLength: 29 }), fc.string({ unit: 'grapheme', maxLength: 29 }), fc.string({ maxLength: 29 })), (i, pw) => {
        const k = keys[i];
        const bytes = Buffer.from(pw, 'utf8');
        fc.pre(bytes.length <= modBytes(k) - 11);
        const blob = encrypt(k, bytes);
        expect(decryptPassword(k, blob.toString('base64'))).toBe(pw);
        expect(decryptPassword(k, blob)).toBe(pw);
      }),
      fcParams(m),
    );
  }, testTimeout(m, 5));
});
