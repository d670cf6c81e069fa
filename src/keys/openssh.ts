// OpenSSH private keys, "-----BEGIN OPENSSH PRIVATE KEY-----" (openssh-key-v1), as specified in
// openssh PROTOCOL.key and implemented by sshkey.c (sshkey_parse_private2, sshkey_private_to_blob2):
//
//   "openssh-key-v1\0" string ciphername, string kdfname, string kdfoptions, uint32 nkeys (= 1),
//   string publickey, string encrypted section [+ AEAD tag after the string for GCM/ChaCha20-Poly1305]
//   encrypted section = uint32 checkint, uint32 checkint, key type + fields, string comment, padding 1,2,3,…
//
// Read: ciphers none, aes{128,192,256}-{ctr,cbc}, aes{128,256}-gcm@openssh.com, 3des-cbc and
// chacha20-poly1305@openssh.com (cipher-chachapoly.c); KDF bcrypt (bcrypt_pbkdf.c). RSA and Ed25519
// only; DSA, ECDSA and security keys are named and refused from the public key in the envelope,
// before any passphrase is asked. Write: cipher none, or aes256-ctr + bcrypt (16 rounds, 16-byte salt)
// like ssh-keygen.
//
// Limits (hostile input, issue #3): every length prefix is bounds-checked by SshReader; exactly one
// key per file; bcrypt rounds ≤ BCRYPT.maxRounds (Ec2Keys.KdfLimitExceeded unless allowExpensiveKdf)
// and salt 1..BCRYPT.maxSaltBytes (never lifted), both checked before a passphrase is asked or the
// KDF runs; RSA size and consistency via model.ts (stored iqmp never trusted); the public key in the
// envelope must be the one derived from the private section.

import { createCipheriv, createDecipheriv, randomBytes, type CipherGCMTypes } from 'node:crypto';
import { Codes, Ec2KeysError, badPassphrase, corruptError, formatError, passphraseRequired } from '../errors.js';
import { BCRYPT } from './limits.js';
import { ed25519FromSeed, publicOf, rsaFromPrimes, sameKey, type PrivateKey, type PublicKey } from './model.js';
import { parsePublicBlob, publicBlob, refuseAlgorithm, SSH_ED25519, SSH_RSA, sshAlgorithm } from './ssh-public.js';
import type { PemBlock } from './text.js';
import { askPassphrase, type ReadOptions, type ReadPrivateResult } from './types.js';
import { SshReader, SshWriter } from './wire.js';

export const OPENSSH_LABEL = 'OPENSSH PRIVATE KEY';
const MAGIC = Buffer.from('openssh-key-v1\0', 'latin1');
/** ssh-keygen's default (`-a`), also what we write. */
export const DEFAULT_ROUNDS = 16;
const SALT_BYTES = 16;
/** sshbuf_dtob64 wraps at 70 columns; we write the same so diffs against ssh-keygen are byte-exact. */
const LINE = 70;

// ---------------------------------------------------------------- ciphers (openssh cipher.c table)

interface CipherSpec {
  name: string;
  keyLen: number;
  ivLen: number;
  /** The private section is a multiple of this (cipher.c block_size; 8 for none and chacha). */
  blockSize: number;
  /** AEAD tag stored after the encrypted string. */
  tagLen: number;
  kind: 'none' | 'node' | 'gcm' | 'chacha';
  /** node:crypto name for 'node' and 'gcm'. */
  node?: string;
}

const CIPHER_LIST: CipherSpec[] = [
  { name: 'none', keyLen: 0, ivLen: 0, blockSize: 8, tagLen: 0, kind: 'none' },
  { name: 'aes128-ctr', keyLen: 16, ivLen: 16, blockSize: 16, tagLen: 0, kind: 'node', node: 'aes-128-ctr' },
  { name: 'aes192-ctr', keyLen: 24, ivLen: 16, blockSize: 16, tagLen: 0, kind: 'node', node: 'aes-192-ctr' },
  { name: 'aes256-ctr', keyLen: 32, ivLen: 16, blockSize: 16, tagLen: 0, kind: 'node', node: 'aes-256-ctr' },
  { name: 'aes128-cbc', keyLen: 16, ivLen: 16, blockSize: 16, tagLen: 0, kind: 'node', node: 'aes-128-cbc' },
  { name: 'aes192-cbc', keyLen: 24, ivLen: 16, blockSize: 16, tagLen: 0, kind: 'node', node: 'aes-192-cbc' },
  { name: 'aes256-cbc', keyLen: 32, ivLen: 16, blockSize: 16, tagLen: 0, kind: 'node', node: 'aes-256-cbc' },
  { name: '3des-cbc', keyLen: 24, ivLen: 8, blockSize: 8, tagLen: 0, kind: 'node', node: 'des-ede3-cbc' },
  { name: 'aes128-gcm@openssh.com', keyLen: 16, ivLen: 12, blockSize: 16, tagLen: 16, kind: 'gcm', node: 'aes-128-gcm' },
  { name: 'aes256-gcm@openssh.com', keyLen: 32, ivLen: 12, blockSize: 16, tagLen: 16, kind: 'gcm', node: 'aes-256-gcm' },
  // 64-byte key: first half the main (payload) key K_2, second half the length key K_1, unused here.
  { name: 'chacha20-poly1305@openssh.com', keyLen: 64, ivLen: 0, blockSize: 8, tagLen: 16, kind: 'chacha' },
];
const CIPHERS = new Map(CIPHER_LIST.map((c) => [c.name, c]));
export const SUPPORTED_CIPHERS = CIPHER_LIST.map((c) => c.name);

function cipherFor(name: string): CipherSpec {
  const c = CIPHERS.get(name);
  if (!c) {
    throw formatError(`OpenSSH private key uses the unknown cipher "${printable(name)}"; supported: ${SUPPORTED_CIPHERS.join(', ')}`,
      'convert it with `ssh-keygen -p -Z aes256-ctr -f FILE` first');
  }
  return c;
}

/** Decrypt the private section; an AEAD tag failure means the derived key, so the passphrase, is wrong. */
async function decryptSection(c: CipherSpec, km: Buffer, data: Buffer, tag: Buffer, what: string): Promise<Buffer> {
  const key = km.subarray(0, c.keyLen);
  const iv = km.subarray(c.keyLen, c.keyLen + c.ivLen);
  if (c.kind === 'node') {
    try {
      const d = createDecipheriv(c.node!, key, iv);
      d.setAutoPadding(false); // the section is block-aligned with its own 1,2,3… padding
      return Buffer.concat([d.update(data), d.final()]);
    } catch (e) {
      // Only an OpenSSL build without the cipher (3des-cbc in a FIPS build) gets here.
      throw new Ec2KeysError(Codes.Unsupported, `this Node.js cannot decrypt ${c.name}`, { cause: e, hint: 'convert the key with `ssh-keygen -p -Z aes256-ctr -f FILE` first' });
    }
  }
  if (c.kind === 'gcm') {
    // cipher.c sets the whole 12-byte IV as "fixed" and the first IV_GEN uses it as is; no AAD.
    const d = createDecipheriv(c.node as CipherGCMTypes, key, iv, { authTagLength: 16 });
    d.setAuthTag(tag);
    const out = d.update(data);
    try {
      return Buffer.concat([out, d.final()]);
    } catch {
      throw badPassphrase(what);
    }
  }
  if (c.kind === 'chacha') {
    const { chacha20orig } = await import('@noble/ciphers/chacha.js');
    const { poly1305 } = await import('@noble/ciphers/_poly1305.js');
    // cipher-chachapoly.c with seqnr 0: keystream block 0 under the main key (first 32 bytes of
    // the KDF output) gives the Poly1305 key; the payload is encrypted from block 1.
    const mainKey = new Uint8Array(key.subarray(0, 32));
    const polyKey = chacha20orig(mainKey, new Uint8Array(8), new Uint8Array(64), undefined, 0).subarray(0, 32);
    const expected = Buffer.from(poly1305(data, polyKey));
    if (!timingSafeEqual(expected, tag)) throw badPassphrase(what);
    return Buffer.from(chacha20orig(mainKey, new Uint8Array(8), data, undefined, 1));
  }
  return data;
}

function encryptSection(c: CipherSpec, km: Buffer, data: Buffer): Buffer {
  if (c.kind !== 'node') throw new Ec2KeysError(Codes.Internal, `writing OpenSSH keys with ${c.name} is not implemented`);
  const e = createCipheriv(c.node!, km.subarray(0, c.keyLen), km.subarray(c.keyLen, c.keyLen + c.ivLen));
  e.setAutoPadding(false);
  return Buffer.concat([e.update(data), e.final()]);
}

function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}

// ---------------------------------------------------------------- KDF

interface BcryptParams {
  salt: Buffer;
  rounds: number;
}

async function bcryptPbkdf(passphrase: string, p: BcryptParams, keyLen: number): Promise<Buffer> {
  // @ts-ignore: bcrypt-pbkdf ships no type declarations (CJS: module.exports = { pbkdf, … })
  const mod = await import('bcrypt-pbkdf');
  const lib = (mod.default ?? mod) as {
    pbkdf(pass: Uint8Array, passlen: number, salt: Uint8Array, saltlen: number, key: Uint8Array, keylen: number, rounds: number): number;
  };
  const pass = Buffer.from(passphrase, 'utf8');
  const out = Buffer.alloc(keyLen);
  const rc = lib.pbkdf(pass, pass.length, p.salt, p.salt.length, out, keyLen, p.rounds);
  pass.fill(0);
  // Only reachable with parameters we already refuse (empty salt, zero rounds); said anyway.
  if (rc !== 0) throw formatError('OpenSSH private key has bcrypt parameters the KDF refuses');
  return out;
}

/** kdfoptions of "bcrypt": string salt, uint32 rounds. Caps are checked here, before any KDF work. */
function parseBcryptOptions(opts: Buffer, ro: ReadOptions): BcryptParams {
  const r = new SshReader(opts, 'OpenSSH private key bcrypt options');
  const salt = Buffer.from(r.string());
  const rounds = r.u32();
  r.end();
  if (salt.length === 0 || salt.length > BCRYPT.maxSaltBytes) {
    throw formatError(`OpenSSH private key has a ${salt.length}-byte bcrypt salt; accepted are 1 to ${BCRYPT.maxSaltBytes} bytes (ssh-keygen writes 16)`);
  }
  if (rounds === 0) throw formatError('OpenSSH private key has 0 bcrypt rounds; at least 1 is needed (ssh-keygen writes 16)');
  if (rounds > BCRYPT.maxRounds && !ro.allowExpensiveKdf) {
    throw new Ec2KeysError(Codes.KdfLimit,
      `OpenSSH private key asks for ${rounds} bcrypt rounds; the limit is ${BCRYPT.maxRounds} (ssh-keygen writes 16)`,
      { hint: 'if you made this key yourself and trust it, run again with --allow-expensive-kdf' });
  }
  return { salt, rounds };
}

// ---------------------------------------------------------------- reading

interface Envelope {
  cipher: CipherSpec;
  kdf: 'none' | 'bcrypt';
  kdfOptions: Buffer;
  publicBlob: Buffer;
  encrypted: Buffer;
  tag: Buffer;
}

/** The unencrypted envelope, with every structural check sshkey.c private2_decrypt makes. */
function parseEnvelope(body: Buffer): Envelope {
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw formatError('OpenSSH private key does not start with "openssh-key-v1"; the file is damaged or not an OpenSSH key');
  }
  const r = new SshReader(body.subarray(MAGIC.length), 'OpenSSH private key');
  const cipherName = r.text();
  const kdfName = r.text();
  const kdfOptions = Buffer.from(r.string());
  const nkeys = r.u32();
  if (nkeys !== 1) {
    throw formatError(`OpenSSH private key file holds ${nkeys} keys; exactly one is accepted (as ssh-keygen writes)`);
  }
  const pub = Buffer.from(r.string());
  const encrypted = Buffer.from(r.string());
  const cipher = cipherFor(cipherName);
  if (kdfName !== 'none' && kdfName !== 'bcrypt') {
    throw formatError(`OpenSSH private key uses the unknown KDF "${printable(kdfName)}"; supported: bcrypt, none`);
  }
  if ((kdfName === 'none') !== (cipher.name === 'none')) {
    throw formatError(`OpenSSH private key pairs cipher "${cipher.name}" with KDF "${kdfName}"; expected none/none or a cipher with bcrypt`);
  }
  if (kdfName === 'none' && kdfOptions.length !== 0) throw formatError('OpenSSH private key has KDF options but no KDF');
  if (encrypted.length < cipher.blockSize || encrypted.length % cipher.blockSize !== 0) {
    throw formatError(`OpenSSH private key section is ${encrypted.length} bytes, not a multiple of the ${cipher.name} block size ${cipher.blockSize}`);
  }
  if (r.remaining < cipher.tagLen) throw formatError(`OpenSSH private key is truncated: the ${cipher.tagLen}-byte ${cipher.name} tag is missing`);
  const tag = Buffer.from(r.bytes(cipher.tagLen));
  r.end();
  return { cipher, kdf: kdfName, kdfOptions, publicBlob: pub, encrypted, tag };
}

/**
 * The public key of an OpenSSH private key file without decrypting it (the envelope carries it in
 * clear). Nothing checks it against the private part: callers that can decrypt should.
 */
export function readOpenSshPublic(block: PemBlock): PublicKey {
  return parsePublicBlob(parseEnvelope(block.body).publicBlob, 'OpenSSH private key (public part)');
}

/** Read the `OPENSSH PRIVATE KEY` PEM block (from text.ts parsePem). */
export async function parseOpenSshPrivate(block: PemBlock, opts: ReadOptions): Promise<ReadPrivateResult> {
  const what = opts.what ?? 'the OpenSSH private key';
  if (block.label !== OPENSSH_LABEL) throw formatError(`expected a PEM block "${OPENSSH_LABEL}", found "${block.label}"`);
  if (block.headers.size > 0) {
    throw formatError(`OpenSSH private key has PEM headers ("${printable([...block.headers.keys()][0])}:"); the format has none`);
  }
  const env = parseEnvelope(block.body);
  // Refuses DSA/ECDSA/sk-* here, so nobody is asked for the passphrase of a key we cannot use.
  const envelopeKey = parsePublicBlob(env.publicBlob, 'OpenSSH private key (public part)');
  const encrypted = env.cipher.name !== 'none';

  let plain = env.encrypted;
  if (encrypted) {
    const params = parseBcryptOptions(env.kdfOptions, opts);
    const pass = await askPassphrase(opts, what);
    if (pass === undefined) throw passphraseRequired(what);
    // bcrypt_pbkdf refuses an empty passphrase; sshkey.c reports it as the wrong passphrase too.
    if (pass === '') throw badPassphrase(what);
    const km = await bcryptPbkdf(pass, params, env.cipher.keyLen + env.cipher.ivLen);
    try {
      plain = await decryptSection(env.cipher, km, env.encrypted, env.tag, what);
    } finally {
      km.fill(0);
    }
  }

  try {
    const { key, comment } = parsePrivateSection(plain, encrypted, what);
    if (!sameKey(key, envelopeKey)) {
      throw corruptError('OpenSSH private key is damaged: its public key does not match its private key');
    }
    return { kind: 'private', key, format: 'openssh', encrypted, comment };
  } finally {
    if (encrypted) plain.fill(0);
  }
}

function parsePrivateSection(plain: Buffer, encrypted: boolean, what: string): { key: PrivateKey; comment: string } {
  const r = new SshReader(plain, 'OpenSSH private key (private part)');
  const check1 = r.u32();
  const check2 = r.u32();
  if (check1 !== check2) {
    // Encrypted: the only likely cause is a wrong key stream (CBC/CTR have no tag). Unencrypted:
    // nothing to get wrong but the bytes themselves.
    if (encrypted) throw badPassphrase(what);
    throw corruptError('OpenSSH private key is damaged: its two check numbers differ');
  }
  const alg = r.text();
  let key: PrivateKey;
  if (alg === SSH_RSA) {
    const n = r.mpint();
    const e = r.mpint();
    const d = r.mpint();
    const qi = r.mpint(); // iqmp: used by rsaFromPrimes only if q·iqmp ≡ 1 mod p
    const p = r.mpint();
    const q = r.mpint();
    key = rsaFromPrimes({ n, e, d, p, q, qi });
  } else if (alg === SSH_ED25519) {
    const pk = r.string();
    const sk = r.string();
    if (pk.length !== 32) throw formatError(`OpenSSH Ed25519 public key is ${pk.length} bytes; expected 32`);
    if (sk.length !== 64) throw formatError(`OpenSSH Ed25519 private key is ${sk.length} bytes; expected 64 (seed and public key)`);
    if (!sk.subarray(32).equals(pk)) throw corruptError('OpenSSH private key is damaged: the Ed25519 private key does not end with its public key');
    key = ed25519FromSeed(sk.subarray(0, 32), pk);
  } else {
    refuseAlgorithm(alg);
  }
  const commentBytes = r.string();
  // sshbuf_get_cstring refuses an embedded NUL; so do we (it would truncate the comment in C tools).
  if (commentBytes.includes(0)) throw formatError('OpenSSH private key comment contains a NUL byte');
  const comment = commentBytes.toString('utf8');
  // Padding 1,2,3,… of any length: ssh-keygen pads to the cipher block, puttygen to 16. After the
  // check numbers matched a wrong pattern is damage, not a wrong passphrase (sshkey.c: "invalid format").
  const pad = r.rest();
  for (let i = 0; i < pad.length; i++) {
    if (pad[i] !== ((i + 1) & 0xff)) throw corruptError('OpenSSH private key is damaged: its padding is not 1, 2, 3, …');
  }
  return { key, comment };
}

// ---------------------------------------------------------------- writing

export interface OpenSshWriteOptions {
  /** Encrypt with aes256-ctr + bcrypt; none or '' writes an unencrypted key (cipher none). */
  passphrase?: string;
  comment?: string;
  /** bcrypt rounds, 1..BCRYPT.maxRounds; default 16 like ssh-keygen. */
  rounds?: number;
  /** Deterministic check number and salt for byte-exact tests only. */
  random?: (n: number) => Buffer;
}

/** Private section fields after the check numbers (sshkey_private_serialize_opt). */
function privateFields(w: SshWriter, key: PrivateKey): void {
  w.string(sshAlgorithm(key));
  if (key.type === 'rsa') {
    w.mpint(key.n).mpint(key.e).mpint(key.d).mpint(key.qi).mpint(key.p).mpint(key.q);
  } else {
    w.string(key.pub).string(Buffer.concat([key.seed, key.pub]));
  }
}

export async function writeOpenSshPrivate(key: PrivateKey, opts: OpenSshWriteOptions = {}): Promise<string> {
  const random = opts.random ?? randomBytes;
  const comment = opts.comment ?? '';
  if (comment.includes('\0')) {
    throw new Ec2KeysError(Codes.InvalidParameterValue, 'the key comment contains a NUL character, which OpenSSH key files cannot hold',
      { hint: 'give another comment with --comment' });
  }
  const encrypt = opts.passphrase !== undefined && opts.passphrase !== '';
  const rounds = opts.rounds ?? DEFAULT_ROUNDS;
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > BCRYPT.maxRounds) {
    throw new Ec2KeysError(Codes.InvalidParameterValue, `bcrypt rounds must be a whole number from 1 to ${BCRYPT.maxRounds}, got ${rounds}`);
  }
  const cipher = CIPHERS.get(encrypt ? 'aes256-ctr' : 'none')!;

  const rand = (n: number) => {
    const b = Buffer.from(random(n));
    if (b.length !== n) throw new Ec2KeysError(Codes.Internal, `random source returned ${b.length} bytes instead of ${n}`);
    return b;
  };
  const check = rand(4);
  const w = new SshWriter().raw(check).raw(check);
  privateFields(w, key);
  w.string(comment);
  let section = w.toBuffer();
  const padLen = (cipher.blockSize - (section.length % cipher.blockSize)) % cipher.blockSize;
  section = Buffer.concat([section, Buffer.from(Array.from({ length: padLen }, (_, i) => i + 1))]);

  let kdfName = 'none';
  let kdfOptions: Buffer = Buffer.alloc(0);
  if (encrypt) {
    const salt = rand(SALT_BYTES);
    kdfName = 'bcrypt';
    kdfOptions = new SshWriter().string(salt).u32(rounds).toBuffer();
    const km = await bcryptPbkdf(opts.passphrase!, { salt, rounds }, cipher.keyLen + cipher.ivLen);
    const plain = section;
    section = encryptSection(cipher, km, plain);
    km.fill(0);
    plain.fill(0);
  }

  const body = new SshWriter()
    .raw(MAGIC)
    .string(cipher.name)
    .string(kdfName)
    .string(kdfOptions)
    .u32(1)
    .string(publicBlob(publicOf(key)))
    .string(section)
    .toBuffer();
  const b64 = body.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += LINE) lines.push(b64.slice(i, i + LINE));
  return `-----BEGIN ${OPENSSH_LABEL}-----\n${lines.join('\n')}\n-----END ${OPENSSH_LABEL}-----\n`;
}

function printable(s: string): string {
  const t = s.slice(0, 60).replace(/[^\x20-\x7e]/g, '?');
  return s.length > 60 ? t + '…' : t;
}
