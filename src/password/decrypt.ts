// Decrypting the EC2 Windows Administrator password (GetPasswordData): the blob is base64 of an
// RSAES-PKCS1-v1_5 ciphertext (RFC 8017 §7.2) under the key pair's RSA public key.
//
// Why not `privateDecrypt(..., RSA_PKCS1_PADDING)`: Node 20 refuses it (CVE-2023-46809) and
// Node 22 / OpenSSL 3.2+ use implicit rejection, returning random bytes for a wrong key with no
// error (runtime.md §3). So: raw RSA (RSA_NO_PADDING) and our own strict unpadding, which tells
// a wrong key apart reliably. Not constant-time, which is fine: a local CLI decrypting its own
// blob is not a padding oracle.

import { constants, privateDecrypt, type KeyObject } from 'node:crypto';
import { Codes, Ec2KeysError } from '../errors.js';
import { bigToBuf, toKeyObject, type PrivateKey, type RsaPrivateKey } from '../keys/model.js';

/**
 * One OpenSSL key per parsed key. OpenSSL sets up its Montgomery and blinding state on a key's
 * first private operation, which for RSA-2048 costs as much as the operation itself (measured by
 * bench/run.mjs: 0.54 ms per call with a new KeyObject each time vs 0.26 ms reused), so a caller
 * decrypting several blobs with one key pays it once. Keyed weakly: dropped with the key.
 */
const keyObjects = new WeakMap<RsaPrivateKey, KeyObject>();
function keyObjectOf(key: RsaPrivateKey): KeyObject {
  let ko = keyObjects.get(key);
  if (!ko) {
    ko = toKeyObject(key);
    keyObjects.set(key, ko);
  }
  return ko;
}

export function passwordNotReady(instanceId?: string): Ec2KeysError {
  return new Ec2KeysError(
    Codes.PasswordNotReady,
    instanceId ? `the password of ${instanceId} is not available yet (EC2 returned no password data)` : 'the password data is empty: the password is not available yet',
    {
      // --wait needs --instance-id (it polls EC2): for data given directly, say how to get there.
      hint: instanceId
        ? 'Windows sets the password a few minutes after first boot (up to 15 minutes); wait with --wait, or check that the AMI generates a random password'
        : 'Windows sets the password a few minutes after first boot (up to 15 minutes): fetch the data again later, or let ec2keys poll EC2 with `--store ec2 --instance-id i-… --wait`; also check that the AMI generates a random password',
      target: instanceId,
    },
  );
}

function wrongKey(detail: string): Ec2KeysError {
  return new Ec2KeysError(Codes.WrongKey, `this key cannot decrypt the password data: ${detail}`, {
    hint: 'use the private key of the key pair the instance was launched with (aws ec2 describe-instances shows its KeyName)',
  });
}

/** Decode the GetPasswordData text (whitespace and line breaks tolerated, as console copies have them). */
export function decodeBlob(data: string): Buffer {
  const s = data.replace(/\s+/g, '');
  if (s === '') throw passwordNotReady();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(s) || s.length % 4 !== 0) {
    throw new Ec2KeysError(Codes.InvalidParameterValue, 'the password data is not base64 (expected the PasswordData text of GetPasswordData)', {
      hint: 'copy the whole PasswordData value, e.g. from `aws ec2 get-password-data --instance-id i-… --query PasswordData --output text`',
    });
  }
  return Buffer.from(s, 'base64');
}

/** Strict EME-PKCS1-v1_5 decoding: 00 02 PS(≥ 8 non-zero bytes) 00 M. */
export function unpadPkcs1v15(em: Buffer, k: number): Buffer {
  if (em.length !== k || em[0] !== 0x00 || em[1] !== 0x02) throw wrongKey('the decrypted block has no PKCS#1 v1.5 padding');
  const sep = em.indexOf(0x00, 2);
  if (sep < 0) throw wrongKey('the decrypted block has no PKCS#1 v1.5 separator');
  if (sep < 10) throw wrongKey('the decrypted block has fewer than 8 padding bytes');
  return em.subarray(sep + 1);
}

/** Decrypt a PasswordData blob (base64 text or raw bytes) with an RSA private key. */
export function decryptPassword(key: PrivateKey, data: string | Buffer): string {
  if (key.type !== 'rsa') {
    throw new Ec2KeysError(Codes.UnsupportedForWindows, 'this is an ED25519 key; ED25519 keys cannot decrypt Windows passwords (EC2 refuses them for Windows instances)', {
      hint: 'Windows instances need an RSA key pair: create one with `ec2keys new NAME`',
    });
  }
  const blob = typeof data === 'string' ? decodeBlob(data) : data;
  if (blob.length === 0) throw passwordNotReady();
  const k = bigToBuf(key.n).length;
  if (blob.length !== k) {
    throw wrongKey(`the password data is ${blob.length} bytes but this ${k * 8}-bit key decrypts blocks of ${k} bytes`);
  }
  const c = BigInt('0x' + blob.toString('hex'));
  if (c >= key.n) throw wrongKey('the password data is larger than the key modulus');
  const em = privateDecrypt({ key: keyObjectOf(key), padding: constants.RSA_NO_PADDING }, blob);
  const msg = unpadPkcs1v15(em, k);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(msg);
  } catch {
    throw wrongKey('the decrypted password is not UTF-8 text');
  }
}
