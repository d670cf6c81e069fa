// Content sniffing: which format is this, by content only (never by file name), then hand it
// to that format's module. Everything unknown ends in an InvalidKey.Format naming what was seen
// and listing what is supported.

import { Codes, Ec2KeysError, formatError } from '../errors.js';
import { unsupportedType } from './model.js';
import { parseOpenSshPrivate, readOpenSshPublic } from './openssh.js';
import { parsePkcs1Pem, parseRsaPublicDer, parsePkcs1Der } from './pkcs1.js';
import { parsePkcs8Der } from './pkcs8.js';
import { parsePpk, readPpkPublic } from './ppk.js';
import { parseRfc4716 } from './rfc4716.js';
import { parseOpenSshLine, decodeBase64Strict } from './ssh-public.js';
import { parseSpkiDer } from './spki.js';
import { sequenceTags, TAG } from './der.js';
import { checkInputSize, decodeText, isBinary, parsePem, type PemBlock } from './text.js';
import { publicOf, type PublicKey } from './model.js';
import type { ReadOptions, ReadPrivateResult, ReadPublicResult, ReadResult } from './types.js';

export const SUPPORTED_TEXT =
  'PEM (RSA PRIVATE KEY, PRIVATE KEY, ENCRYPTED PRIVATE KEY, PUBLIC KEY, RSA PUBLIC KEY), OpenSSH private key, PuTTY PPK v2/v3, ' +
  'OpenSSH public key line, RFC 4716 public key, base64 DER';

/** Read any supported key, private or public. Asks the passphrase source again after a wrong passphrase if it is interactive. */
export async function readKey(input: Uint8Array, opts: ReadOptions = {}): Promise<ReadResult> {
  checkInputSize(input);
  const src = opts.passphrase;
  for (let attempt = 0; ; attempt++) {
    const o: ReadOptions = src ? { ...opts, passphrase: { get: (what) => src.get(what, attempt), interactive: src.interactive } } : opts;
    try {
      return await dispatch(input, o);
    } catch (e) {
      if (e instanceof Ec2KeysError && e.code === Codes.BadPassphrase && src?.interactive && attempt < 2) continue;
      throw e;
    }
  }
}

export async function readPrivateKey(input: Uint8Array, opts: ReadOptions = {}): Promise<ReadPrivateResult> {
  const r = await readKey(input, opts);
  if (r.kind !== 'private') {
    throw formatError(`${opts.what ?? 'the input'} is a public key (${r.format}); a private key is needed here`,
      'use the private key file (.pem, .ppk or OpenSSH id_rsa) that belongs to the key pair');
  }
  return r;
}

/**
 * Only the public half of any key input. PuTTY and OpenSSH private key files carry their public
 * key in clear, so this reads it without a passphrase (and so without the MAC or decryption
 * check); other encrypted formats still need the passphrase. Used where only the public key is
 * needed and no passphrase was given (import, fingerprints of an encrypted file).
 */
export async function readPublicHalf(input: Uint8Array, opts: ReadOptions = {}): Promise<{ key: PublicKey; source: string; comment?: string; fromPrivate: boolean }> {
  checkInputSize(input);
  const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (!isBinary(bytes)) {
    const text = decodeText(bytes).trim();
    if (text.startsWith('PuTTY-User-Key-File-')) {
      const r = readPpkPublic(text, opts.what);
      return { key: r.key, source: 'ppk', comment: r.comment, fromPrivate: true };
    }
    if (text.includes('-----BEGIN OPENSSH PRIVATE KEY-----')) {
      const pem = parsePem(text);
      if (pem?.label === 'OPENSSH PRIVATE KEY') return { key: readOpenSshPublic(pem), source: 'openssh', fromPrivate: true };
    }
  }
  const r = await readKey(input, opts);
  return { key: publicOf(r.key), source: r.format, comment: r.comment, fromPrivate: r.kind === 'private' };
}

async function dispatch(input: Uint8Array, opts: ReadOptions): Promise<ReadResult> {
  const what = opts.what ?? 'the input';
  if (input.length === 0) throw formatError(`${what} is empty; expected a key (${SUPPORTED_TEXT})`);
  const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (isBinary(bytes)) return readDer(bytes, opts, 'der');

  const text = decodeText(bytes).trim();
  if (text === '') throw formatError(`${what} is empty (only whitespace); expected a key`);

  if (text.startsWith('PuTTY-User-Key-File-')) return parsePpk(text, opts);
  if (text.startsWith('SSH PRIVATE KEY FILE FORMAT 1.1') || bytes.subarray(0, 32).toString('latin1').startsWith('SSH PRIVATE KEY FILE FORMAT 1.1')) {
    throw formatError('found an SSH-1 (protocol 1) private key; SSH-1 keys are obsolete and not supported', 'create a new RSA key with `ec2keys new NAME`');
  }
  if (text.startsWith('---- BEGIN SSH2 PUBLIC KEY ----')) {
    const r = parseRfc4716(text);
    return { kind: 'public', key: r.key, format: 'rfc4716', comment: r.comment };
  }
  if (text.startsWith('---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----')) {
    throw formatError('found an ssh.com (SSH2 ENCRYPTED PRIVATE KEY) key; this format is not supported', 'convert it with puttygen or ssh-keygen -i first');
  }
  const pem = parsePem(text);
  if (pem) return readPem(pem, opts);
  const firstLine = text.split('\n')[0].trim();
  if (isOpenSshLine(firstLine)) {
    // An authorized_keys file holds many: taking the first in silence imports (or fingerprints)
    // a key nobody chose.
    const more = text.split('\n').slice(1).filter((l) => isOpenSshLine(l.trim())).length;
    if (more > 0) {
      throw formatError(`${what} holds ${more + 1} public keys; give one key`, 'put the one key in a file of its own; to import several, use `ec2keys import --batch FILE` with one "NAME KEY" line each');
    }
    const r = parseOpenSshLine(firstLine);
    return { kind: 'public', key: r.key, format: 'openssh-public', comment: r.comment || undefined };
  }
  if (/^[A-Za-z0-9+/=\s]+$/.test(text) && text.length >= 16) {
    const der = decodeBase64Strict(text.replace(/\s+/g, ''), 'base64 DER key');
    if (der[0] === 0x30) return readDer(der, opts, 'base64');
  }
  if (text.startsWith('PuTTY-User-Key-File') || text.startsWith('{')) {
    throw formatError(`${what} is not a recognised key`);
  }
  throw formatError(`${what} is not a recognised key (${describeFirstLine(firstLine)})`, `supported: ${SUPPORTED_TEXT}`);
}

function isOpenSshLine(line: string): boolean {
  return /^(ssh-|ecdsa-sha2-|sk-ssh-|sk-ecdsa-)/.test(line) || /\s(ssh-rsa|ssh-ed25519|ssh-dss|ecdsa-sha2-\S+)\s+AAAA/.test(line);
}

/**
 * What an unrecognised file starts with, without its content: a file given in the wrong place is
 * often a secret itself (a passphrase file passed as --key, a key body without its armour lines),
 * and errors end up in terminals, CI logs and tickets. Only armour lines (`-----BEGIN …`,
 * `---- BEGIN …`), which are never secret and name what the file claims to be, are shown.
 */
function describeFirstLine(line: string): string {
  if (/^-{3,}/.test(line)) return `it starts with "${printable(line)}"`;
  const n = [...line].length;
  return `its first line, ${n} character${n === 1 ? '' : 's'} long, is no key header; not shown, as it may be secret`;
}

function printable(s: string): string {
  const t = s.slice(0, 40).replace(/[^\x20-\x7e]/g, '?');
  return s.length > 40 ? t + '…' : t;
}

async function readPem(pem: PemBlock, opts: ReadOptions): Promise<ReadResult> {
  switch (pem.label) {
    case 'RSA PRIVATE KEY':
      return parsePkcs1Pem(pem, opts);
    case 'PRIVATE KEY':
    case 'ENCRYPTED PRIVATE KEY': {
      const r = await parsePkcs8Der(pem.body, opts);
      return { ...r, format: 'pkcs8' };
    }
    case 'OPENSSH PRIVATE KEY':
      return parseOpenSshPrivate(pem, opts);
    case 'PUBLIC KEY':
      return { kind: 'public', key: parseSpkiDer(pem.body), format: 'spki-pem' };
    case 'RSA PUBLIC KEY':
      return { kind: 'public', key: parseRsaPublicDer(pem.body), format: 'pkcs1-public-pem' };
    case 'DSA PRIVATE KEY':
      throw unsupportedType('dsa');
    case 'EC PRIVATE KEY':
      throw unsupportedType('ec');
    case 'CERTIFICATE':
    case 'X509 CERTIFICATE':
    case 'TRUSTED CERTIFICATE':
      throw formatError('found an X.509 certificate, not a key', 'use the private key or the public key, not the certificate');
    case 'SSH2 PUBLIC KEY':
      throw formatError('found "-----BEGIN SSH2 PUBLIC KEY-----" (five dashes); RFC 4716 uses "---- BEGIN SSH2 PUBLIC KEY ----"');
    default:
      throw formatError(`found a PEM block "${pem.label}", which is not a supported key`, `supported: ${SUPPORTED_TEXT}`);
  }
}

/** A DER structure: PKCS#8 (plain or encrypted), PKCS#1 private, SPKI, PKCS#1 public — tried by shape. */
async function readDer(der: Buffer, opts: ReadOptions, how: 'der' | 'base64'): Promise<ReadResult> {
  const shape = derShape(der);
  switch (shape) {
    case 'pkcs8':
    case 'encrypted-pkcs8': {
      const r = await parsePkcs8Der(der, opts);
      return { ...r, format: 'pkcs8-der' };
    }
    case 'pkcs1': {
      const key = parsePkcs1Der(der);
      return { kind: 'private', key, format: 'pkcs1-der', encrypted: false };
    }
    case 'spki': {
      const key = parseSpkiDer(der);
      return { kind: 'public', key, format: how === 'base64' ? 'spki-base64' : 'spki-der' } satisfies ReadPublicResult;
    }
    case 'pkcs1-public':
      return { kind: 'public', key: parseRsaPublicDer(der), format: 'pkcs1-public-der' };
    default:
      throw formatError(`${opts.what ?? 'the input'} is binary (DER) data but not a key structure this tool reads`, `supported DER: PKCS#8, PKCS#1, SubjectPublicKeyInfo`);
  }
}

/** Classify a DER SEQUENCE by the tags of its elements without fully parsing it. */
export function derShape(buf: Buffer): 'pkcs8' | 'encrypted-pkcs8' | 'pkcs1' | 'spki' | 'pkcs1-public' | 'unknown' {
  const tags = sequenceTags(buf);
  if (!tags) return 'unknown';
  if (tags[0] === TAG.INTEGER && tags[1] === TAG.SEQUENCE && tags[2] === TAG.OCTET_STRING) return 'pkcs8';
  if (tags.length === 2 && tags[0] === TAG.SEQUENCE && tags[1] === TAG.OCTET_STRING) return 'encrypted-pkcs8';
  if (tags.length >= 9 && tags.slice(0, 9).every((t) => t === TAG.INTEGER)) return 'pkcs1';
  if (tags.length === 2 && tags[0] === TAG.SEQUENCE && tags[1] === TAG.BIT_STRING) return 'spki';
  if (tags.length === 2 && tags[0] === TAG.INTEGER && tags[1] === TAG.INTEGER) return 'pkcs1-public';
  return 'unknown';
}
