// One entry for writing a private key in any output format the CLI offers (cli.md `convert`,
// `new`, `retrieve`). Format modules are imported lazily: writing PEM never loads the PPK code
// (and with it hash-wasm), and so on.

import type { PrivateKey } from './model.js';
import type { Argon2Params } from './types.js';

export type OutputFormat = 'pem' | 'pkcs8' | 'openssh' | 'ppk';
export const OUTPUT_FORMATS: OutputFormat[] = ['pem', 'pkcs8', 'openssh', 'ppk'];

export interface PrivateWriteOptions {
  passphrase?: string;
  comment?: string;
  ppkVersion?: 2 | 3;
  argon2?: Partial<Argon2Params>;
}

/** File extension conventionally used for each format. */
export function defaultExtension(format: OutputFormat, key: { type: PrivateKey['type'] }): string {
  if (format === 'ppk') return '.ppk';
  if (format === 'pkcs8') return '.p8.pem';
  if (format === 'openssh' || (format === 'pem' && key.type === 'ed25519')) return '.key';
  return '.pem';
}

/**
 * Serialize. `pem` of an RSA key is PKCS#1 (`BEGIN RSA PRIVATE KEY`, what EC2 returns and what
 * the AWS tools need for password decryption); `pem` of an ED25519 key is the OpenSSH format
 * (what EC2's KeyFormat=pem returns for ED25519, as PKCS#1 is RSA-only).
 */
export async function writePrivateKey(key: PrivateKey, format: OutputFormat, opts: PrivateWriteOptions = {}): Promise<string> {
  const passphrase = opts.passphrase || undefined;
  switch (format) {
    case 'pem':
      if (key.type === 'rsa') {
        const { writePkcs1 } = await import('./pkcs1.js');
        return writePkcs1(key, { passphrase });
      }
      return writePrivateKey(key, 'openssh', opts);
    case 'pkcs8': {
      const { writePkcs8 } = await import('./pkcs8.js');
      return writePkcs8(key, { passphrase });
    }
    case 'openssh': {
      const { writeOpenSshPrivate } = await import('./openssh.js');
      return writeOpenSshPrivate(key, { passphrase, comment: opts.comment });
    }
    case 'ppk': {
      const { writePpk } = await import('./ppk.js');
      return writePpk(key, { passphrase, comment: opts.comment, ppkVersion: opts.ppkVersion ?? 3, argon2: opts.argon2 });
    }
  }
}
