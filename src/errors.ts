// One typed error family for everything ec2keys reports to a user.
//
// Every error carries an EC2-style code (EC2's own where EC2 has one, else `Ec2Keys.<Name>`),
// a message naming what was seen and what is accepted, and optionally a hint naming what to do.
// The CLI prints `ec2keys: <Code>: <message>` / `hint: <hint>` and exits with `exitCode`;
// with --json the same fields go into {"Error":{Code,Message,Hint}}. No stack traces for these.
//
// Codes are listed in ../shared/reference/cli.md; keep `Codes` in step with it.

export const Codes = {
  // EC2's own codes
  InvalidKeyFormat: 'InvalidKey.Format',
  Duplicate: 'InvalidKeyPair.Duplicate',
  NotFound: 'InvalidKeyPair.NotFound',
  InvalidParameterValue: 'InvalidParameterValue',
  InvalidParameter: 'InvalidParameter',
  MissingParameter: 'MissingParameter',
  InvalidFilter: 'InvalidFilter',
  KeyPairLimitExceeded: 'KeyPairLimitExceeded',
  Unsupported: 'Unsupported',
  TagLimitExceeded: 'TagLimitExceeded',
  InvalidTagKey: 'InvalidTagKey.Malformed',
  InvalidInstanceIdNotFound: 'InvalidInstanceID.NotFound',
  // ec2keys' own
  PassphraseRequired: 'Ec2Keys.PassphraseRequired',
  BadPassphrase: 'Ec2Keys.BadPassphrase',
  CorruptKey: 'Ec2Keys.CorruptKey',
  KdfLimit: 'Ec2Keys.KdfLimitExceeded',
  WrongKey: 'Ec2Keys.WrongKey',
  UnsupportedForWindows: 'Ec2Keys.UnsupportedForWindows',
  FileExists: 'Ec2Keys.FileExists',
  FileError: 'Ec2Keys.FileError',
  PasswordNotReady: 'Ec2Keys.PasswordNotReady',
  KeyMismatch: 'Ec2Keys.KeyMismatch',
  StoreCorrupt: 'Ec2Keys.StoreCorrupt',
  StoreLocked: 'Ec2Keys.StoreLocked',
  Endpoint: 'Ec2Keys.EndpointError',
  Credentials: 'Ec2Keys.CredentialsError',
  /** --profile / AWS_PROFILE names a profile that is in neither AWS file. */
  ProfileNotFound: 'Ec2Keys.ProfileNotFound',
  Timeout: 'Ec2Keys.Timeout',
  Usage: 'Ec2Keys.Usage',
  /** Ctrl-C / SIGINT: exit 130. */
  Interrupted: 'Ec2Keys.Interrupted',
  /** The user answered No at a confirmation (remove, the wizard): nothing was done; exit 1, not 130. */
  Cancelled: 'Ec2Keys.Cancelled',
  Internal: 'Ec2Keys.InternalError',
  /** Some items of a batch (import --batch lines, push regions) failed; each result names its own error. */
  PartialFailure: 'Ec2Keys.PartialFailure',
} as const;

export type Code = (typeof Codes)[keyof typeof Codes] | string;

export interface ErrorOptions {
  hint?: string;
  cause?: unknown;
  /** What the error is about (a key name, a file path); the PowerShell module uses it as TargetObject. */
  target?: string;
  /** Process exit code; 1 unless said otherwise. */
  exitCode?: number;
}

export class Ec2KeysError extends Error {
  readonly code: Code;
  readonly hint?: string;
  readonly target?: string;
  readonly exitCode: number;

  constructor(code: Code, message: string, opts: ErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'Ec2KeysError';
    this.code = code;
    this.hint = opts.hint;
    this.target = opts.target;
    this.exitCode = opts.exitCode ?? (code === Codes.Usage ? 2 : code === Codes.Interrupted ? 130 : 1);
  }

  toJSON(): { Code: string; Message: string; Hint?: string; Target?: string } {
    const o: { Code: string; Message: string; Hint?: string; Target?: string } = { Code: this.code, Message: this.message };
    if (this.hint) o.Hint = this.hint;
    if (this.target) o.Target = this.target;
    return o;
  }
}

/** A command-line usage mistake: exit 2. */
export class UsageError extends Ec2KeysError {
  constructor(message: string, opts: Omit<ErrorOptions, 'exitCode'> = {}) {
    super(Codes.Usage, message, { ...opts, exitCode: 2 });
    this.name = 'UsageError';
  }
}

export function isEc2KeysError(e: unknown): e is Ec2KeysError {
  return e instanceof Ec2KeysError;
}

/** Shorthand for the most common error: input that is not a key we can use. */
export function formatError(message: string, hint?: string, cause?: unknown): Ec2KeysError {
  return new Ec2KeysError(Codes.InvalidKeyFormat, message, { hint, cause });
}

/** Integrity failure of a key file that parsed (MAC mismatch, inconsistent RSA numbers). */
export function corruptError(message: string, hint?: string): Ec2KeysError {
  return new Ec2KeysError(Codes.CorruptKey, message, { hint });
}

export function badPassphrase(what: string): Ec2KeysError {
  return new Ec2KeysError(Codes.BadPassphrase, `wrong passphrase for ${what} (or the file is damaged)`, {
    hint: 'check the passphrase; it is read from --passphrase-file (first line), EC2KEYS_PASSPHRASE or the prompt',
  });
}

export function passphraseRequired(what: string): Ec2KeysError {
  return new Ec2KeysError(Codes.PassphraseRequired, `${what} is encrypted and no passphrase was given`, {
    hint: 'give it with --passphrase-file FILE or the EC2KEYS_PASSPHRASE environment variable, or run on a terminal to be asked',
  });
}

/** How an endpoint URL that is not one is told, for ours (--endpoint-url) and the SDK's (AWS_ENDPOINT_URL…) alike. */
export const NEEDS_HTTP_URL = 'it needs an http:// or https:// URL, like https://ec2.us-east-1.amazonaws.com or http://127.0.0.1:5000';
