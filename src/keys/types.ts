// Shapes shared by every format module (sshpk's layout: one file per format, each exporting a
// parse/write pair; detect.ts only sniffs and dispatches).

import type { PrivateKey, PublicKey } from './model.js';

export type PrivateFormat = 'pkcs1' | 'pkcs8' | 'openssh' | 'ppk2' | 'ppk3' | 'pkcs1-der' | 'pkcs8-der';
export type PublicFormat =
  | 'openssh-public'
  | 'rfc4716'
  | 'spki-pem'
  | 'spki-der'
  | 'spki-base64'
  | 'pkcs1-public-pem'
  | 'pkcs1-public-der';

/**
 * Where a passphrase comes from. `get` returns undefined when none is available (then the
 * reader throws Ec2Keys.PassphraseRequired). `interactive` sources (a TTY prompt) are asked
 * again after a wrong passphrase, up to three times.
 */
export interface PassphraseSource {
  get(what: string, attempt: number): Promise<string | undefined>;
  interactive?: boolean;
}

export interface ReadOptions {
  passphrase?: PassphraseSource;
  /** Lift the KDF work caps of limits.ts (never the structural checks). */
  allowExpensiveKdf?: boolean;
  /** How the input is named in messages ("key.ppk", "standard input"). */
  what?: string;
}

export interface ReadPrivateResult {
  kind: 'private';
  key: PrivateKey;
  format: PrivateFormat;
  encrypted: boolean;
  comment?: string;
}

export interface ReadPublicResult {
  kind: 'public';
  key: PublicKey;
  format: PublicFormat;
  comment?: string;
}

export type ReadResult = ReadPrivateResult | ReadPublicResult;

export interface Argon2Params {
  flavour: 'Argon2id' | 'Argon2i' | 'Argon2d';
  memoryKiB: number;
  passes: number;
  parallelism: number;
}

export interface WriteOptions {
  /** Encrypt with this passphrase (UTF-8); none or '' writes an unencrypted file. */
  passphrase?: string;
  comment?: string;
  /** PPK only. */
  ppkVersion?: 2 | 3;
  /** PPK v3 only; default Argon2id, 8192 KiB, 1 lane, passes calibrated or fixed. */
  argon2?: Partial<Argon2Params>;
  /** Deterministic salt/IV/check bytes for byte-exact tests only. */
  random?: (n: number) => Buffer;
}

/** Ask the source; undefined → PassphraseRequired is the caller's job. */
export async function askPassphrase(opts: ReadOptions, what: string, attempt = 0): Promise<string | undefined> {
  return opts.passphrase ? opts.passphrase.get(what, attempt) : undefined;
}
