// What EC2 and Windows accept, in one place (ec2-semantics.md §2–§4):
// - EC2 key types: RSA (imported: 1024..16384 bits here; EC2 documents 1024/2048/4096 but
//   accepts 3072 and 8192 in practice) and ED25519. DSA/ECDSA are refused by the parsers.
// - Windows: RSA only. ED25519 keys cannot decrypt the Administrator password, and EC2 refuses
//   to launch a Windows AMI with one ("ED25519 key pairs are not supported with Windows AMIs").

import { Codes, Ec2KeysError } from '../errors.js';
import type { KeyType } from './model.js';

export type Platform = 'windows' | 'linux';

export function assertPlatformAllows(type: KeyType, platform: Platform, doing: 'create' | 'import'): void {
  if (type === 'ed25519' && platform === 'windows') {
    throw new Ec2KeysError(
      Codes.UnsupportedForWindows,
      `cannot ${doing} an ED25519 key pair for Windows: EC2 refuses ED25519 key pairs for Windows instances and ED25519 cannot decrypt the Administrator password`,
      {
        hint: doing === 'create'
          ? 'use an RSA key (the default: drop --type ed25519), or add --platform linux if the key is only for Linux instances'
          : 'import an RSA public key, or add --platform linux if the key is only for Linux instances',
      },
    );
  }
}
