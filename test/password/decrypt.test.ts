// Password decryption against blobs made by OpenSSL (the same RSAES-PKCS1-v1_5 the EC2 launch
// agent uses), with python-rsa (what the AWS CLI uses) as a second oracle.
import { createPrivateKey, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { Ec2KeysError } from '../../src/errors.js';
import { fromKeyObject, type PrivateKey } from '../../src/keys/model.js';
import { decryptPassword, unpadPkcs1v15 } from '../../src/password/decrypt.js';
import { opensslEncryptPassword, opensslGenRsa, tmpDir, tool } from '../helpers/tools.js';

const dir = tmpDir();
const load = (f: string) => fromKeyObject(createPrivateKey(fs.readFileSync(f)));
const keys: Record<string, { file: string; key: PrivateKey }> = {};

function randomPassword(): string {
  // EC2Launch passwords: letters, digits and punctuation, 32 characters.
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!@#$%^&*()-_=+[]{};:,.<>/?~`\'"\\|';
  return Array.from(randomBytes(32), (b) => alphabet[b % alphabet.length]).join('');
}

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(Ec2KeysError);
    return (e as Ec2KeysError).code;
  }
  throw new Error('expected an error');
}

beforeAll(() => {
  for (const bits of [2048, 3072, 4096]) {
    const file = path.join(dir, `k${bits}.pem`);
    opensslGenRsa(file, bits);
    keys[bits] = { file, key: load(file) };
  }
  const other = path.join(dir, 'other2048.pem');
  opensslGenRsa(other, 2048);
  keys.other = { file: other, key: load(other) };
}, 120_000);

describe('decryptPassword', () => {
  it.each([2048, 3072, 4096])('decrypts an openssl-made blob with a %i-bit key', (bits) => {
    const pw = randomPassword();
    const blob = opensslEncryptPassword(keys[bits].file, pw);
    expect(decryptPassword(keys[bits].key, blob)).toBe(pw);
  });

  it('agrees with python-rsa (the AWS CLI decryptor) on the same blob', () => {
    const pw = randomPassword();
    const blob = opensslEncryptPassword(keys[2048].file, pw);
    const pkcs1 = tool('openssl', ['rsa', '-in', keys[2048].file, '-traditional']).toString();
    const py = tool('python3', ['-c', 'import rsa,sys,base64;k=rsa.PrivateKey.load_pkcs1(sys.argv[1].encode());print(rsa.decrypt(base64.b64decode(sys.argv[2]),k).decode(),end="")', pkcs1, blob]).toString();
    expect(decryptPassword(keys[2048].key, blob)).toBe(py);
    expect(py).toBe(pw);
  });

  it('tolerates line breaks and spaces in the base64 (console copies)', () => {
    const pw = randomPassword();
    const blob = opensslEncryptPassword(keys[2048].file, pw);
    expect(decryptPassword(keys[2048].key, blob.replace(/(.{60})/g, '$1\r\n ') + '\n')).toBe(pw);
  });

  it('decrypts a non-ASCII UTF-8 password', () => {
    const pw = 'Pässwörd-€-密码';
    expect(decryptPassword(keys[2048].key, opensslEncryptPassword(keys[2048].file, pw))).toBe(pw);
  });

  it('a different key of the same size is Ec2Keys.WrongKey (not garbage)', () => {
    for (let i = 0; i < 20; i++) {
      const blob = opensslEncryptPassword(keys[2048].file, randomPassword());
      expect(codeOf(() => decryptPassword(keys.other.key, blob))).toBe('Ec2Keys.WrongKey');
    }
  });

  it('a key of another size is Ec2Keys.WrongKey naming the sizes', () => {
    const blob = opensslEncryptPassword(keys[2048].file, 'x');
    try {
      decryptPassword(keys[4096].key, blob);
      throw new Error('no error');
    } catch (e) {
      expect((e as Ec2KeysError).code).toBe('Ec2Keys.WrongKey');
      expect((e as Error).message).toMatch(/256 bytes.*4096-bit/);
    }
  });

  it('empty data is Ec2Keys.PasswordNotReady', () => {
    expect(codeOf(() => decryptPassword(keys[2048].key, ''))).toBe('Ec2Keys.PasswordNotReady');
    expect(codeOf(() => decryptPassword(keys[2048].key, '  \n'))).toBe('Ec2Keys.PasswordNotReady');
  });

  it('moto-style random text is WrongKey; non-base64 is InvalidParameterValue', () => {
    const motoLike = Array.from(randomBytes(128), (b) => 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'[b % 62]).join('');
    expect(codeOf(() => decryptPassword(keys[2048].key, motoLike))).toBe('Ec2Keys.WrongKey');
    expect(codeOf(() => decryptPassword(keys[2048].key, 'not base64 at all!'))).toBe('InvalidParameterValue');
  });

  it('an ED25519 key is Ec2Keys.UnsupportedForWindows', async () => {
    const { generateKey } = await import('../../src/keys/generate.js');
    const ed = await generateKey('ed25519');
    expect(codeOf(() => decryptPassword(ed, 'AAAA'))).toBe('Ec2Keys.UnsupportedForWindows');
  });

  it('unpadding is strict: every malformed block is refused', () => {
    const k = 256;
    const good = Buffer.concat([Buffer.from([0, 2]), Buffer.alloc(8, 7), Buffer.from([0]), Buffer.from('pw')]);
    const padded = Buffer.concat([good.subarray(0, 2), Buffer.alloc(k - good.length, 9), good.subarray(2)]);
    expect(unpadPkcs1v15(padded, k).toString()).toBe('pw');
    const bad = [
      Buffer.concat([Buffer.from([1]), padded.subarray(1)]),
      Buffer.concat([Buffer.from([0, 1]), padded.subarray(2)]),
      Buffer.concat([Buffer.from([0, 2, 5, 0]), Buffer.alloc(k - 4, 1)]), // < 8 padding bytes
      Buffer.concat([Buffer.from([0, 2]), Buffer.alloc(k - 2, 1)]), // no separator
      padded.subarray(1),
    ];
    for (const b of bad) expect(codeOf(() => unpadPkcs1v15(b, k))).toBe('Ec2Keys.WrongKey');
  });

  it('random blobs of any length only ever raise our typed errors', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 600 }), (bytes) => {
        try {
          decryptPassword(keys[2048].key, Buffer.from(bytes).toString('base64'));
        } catch (e) {
          return e instanceof Ec2KeysError;
        }
        return true; // a random 256-byte block that unpads is possible in theory
      }),
      { numRuns: Number(process.env.EC2KEYS_FUZZ_RUNS ?? 2000) },
    );
  });
});
