// OpenSSH public keys: the SSH wire blob (RFC 4253 §6.6, RFC 8709 §4) and the one-line
// `authorized_keys` form `type base64 [comment]` (sshd(8) AUTHORIZED_KEYS FILE FORMAT).
// RSA and ED25519 only; DSA, ECDSA, security-key and certificate types are named and refused.

import { formatError } from '../errors.js';
import { checkEd25519Public, checkRsaPublic, unsupportedType, type PublicKey } from './model.js';
import { SshReader, SshWriter } from './wire.js';

export const SSH_RSA = 'ssh-rsa';
export const SSH_ED25519 = 'ssh-ed25519';

export function sshAlgorithm(k: { type: PublicKey['type'] }): string {
  return k.type === 'rsa' ? SSH_RSA : SSH_ED25519;
}

/** The SSH wire blob of a public key. */
export function publicBlob(k: PublicKey): Buffer {
  const w = new SshWriter().string(sshAlgorithm(k));
  return k.type === 'rsa' ? w.mpint(k.e).mpint(k.n).toBuffer() : w.string(k.pub).toBuffer();
}

/** Refuse an algorithm name we do not support, naming what it is. */
export function refuseAlgorithm(alg: string): never {
  if (alg.includes('-cert-v01@openssh.com')) {
    throw formatError(`found an OpenSSH certificate (${alg}), not a plain public key`,
      'import the key itself: the .pub file next to the certificate');
  }
  if (alg.startsWith('sk-')) throw formatError(`found a security-key (FIDO) key (${alg}); EC2 does not support these`);
  if (alg === 'ssh-dss' || alg.startsWith('ecdsa-sha2-') || alg === 'ssh-ed448') throw unsupportedType(alg === 'ssh-ed448' ? 'ed448' : alg);
  throw formatError(`unknown key type "${alg.slice(0, 60)}"; supported: ssh-rsa, ssh-ed25519`);
}

export function parsePublicBlob(blob: Buffer, what = 'public key'): PublicKey {
  const r = new SshReader(blob, what);
  const alg = r.text();
  if (alg === SSH_RSA) {
    const e = r.mpint();
    const n = r.mpint();
    r.end();
    checkRsaPublic(n, e);
    return { type: 'rsa', n, e };
  }
  if (alg === SSH_ED25519) {
    const pub = Buffer.from(r.string());
    r.end();
    checkEd25519Public(pub);
    return { type: 'ed25519', pub };
  }
  refuseAlgorithm(alg);
}

const KNOWN_PREFIX = /^(ssh-|ecdsa-sha2-|sk-ssh-|sk-ecdsa-)/;

/** Strict base64 (standard alphabet, padding optional only at the end). */
export function decodeBase64Strict(s: string, what: string): Buffer {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 === 1) throw formatError(`${what}: invalid base64`);
  return Buffer.from(s, 'base64');
}

/**
 * Parse one OpenSSH public key line. Leading authorized_keys options (`from="…",no-pty ssh-rsa …`)
 * are skipped. The type named on the line must equal the type inside the blob.
 */
export function parseOpenSshLine(line: string): { key: PublicKey; comment: string } {
  const text = line.trim();
  const tokens = text.split(/[ \t]+/);
  let i = tokens.findIndex((t) => KNOWN_PREFIX.test(t));
  if (i < 0) throw formatError('not an OpenSSH public key line (expected "ssh-rsa AAAA… [comment]")');
  const alg = tokens[i];
  const b64 = tokens[i + 1];
  if (!b64) throw formatError(`OpenSSH public key line has no key data after "${alg}"`);
  if (!/^AAAA/.test(b64)) throw formatError('OpenSSH public key line: key data is not base64 of an SSH key blob');
  const blob = decodeBase64Strict(b64, 'OpenSSH public key');
  const inner = new SshReader(blob, 'OpenSSH public key').text();
  if (inner !== alg) throw formatError(`OpenSSH public key line says "${alg}" but the key inside is "${inner}"`);
  const key = parsePublicBlob(blob, 'OpenSSH public key');
  i += 2;
  return { key, comment: tokens.slice(i).join(' ') };
}

export function writeOpenSshLine(k: PublicKey, comment?: string): string {
  const base = `${sshAlgorithm(k)} ${publicBlob(k).toString('base64')}`;
  return comment ? `${base} ${comment}` : base;
}
