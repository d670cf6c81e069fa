// `ec2keys verify <keyfile> <name>` (cli.md): does this key file belong to that key pair?
// Compares in the form EC2 used for the pair — created RSA pairs carry SHA-1 of the PRIVATE key,
// imported ones MD5 of the public key, ED25519 SHA-256 — the mismatch users hit (peers.md §4.6).

import type { Command } from 'commander';
import { Codes, Ec2KeysError } from '../errors.js';
import { createdFingerprint, fingerprintKind, importedFingerprint } from '../keys/fingerprint.js';
import type { App } from './main.js';
import { loadKeyOrPublicHalf } from './keyinput.js';
import type { PrivateKey } from '../keys/model.js';
import { assertStoreEndpoint, openStoreFor } from './store.js';

export function registerVerify(program: Command, app: App): void {
  program
    .command('verify')
    .summary('check that a key file belongs to a key pair')
    .description('Exit 0 when the key file (any format, private or public) belongs to the key pair NAME in the store; else Ec2Keys.KeyMismatch.')
    .argument('<keyfile>', "key file, or '-' for standard input")
    .argument('<name>', 'key pair name')
    .addHelpText('after', '\nExamples:\n  ec2keys verify my-key.ppk my-key\n  ec2keys --store ec2 --region eu-west-1 verify prod.pem prod-key')
    .action(async (file: string, name: string, _o: unknown, cmd: Command) => {
      const g = app.globals(cmd);
      assertStoreEndpoint(g);
      // Encrypted PPK/OpenSSH and no passphrase: the public half (in clear) settles imported and
      // ED25519 pairs; an EC2-created RSA pair needs the private key (PassphraseRequired below).
      const k = await loadKeyOrPublicHalf(app, g, file);
      const locked = k.locked;
      const store = await openStoreFor(g);
      try {
        const [pair] = await store.describeKeyPairs({ KeyNames: [name] });
        // Only the forms EC2 itself gives a pair count: a pair's fingerprint is never ssh-keygen's,
        // and an emulator's created form is its deviation (named in the tests), not EC2's.
        const found = fingerprintKind(k.key, pair.KeyFingerprint);
        const kind = found === 'imported' || found === 'created' ? found : undefined;
        if (!kind) {
          const isCreatedRsa = /^([0-9a-f]{2}:){19}[0-9a-f]{2}$/i.test(pair.KeyFingerprint);
          // The public half cannot tell: the created form hashes the private key, locked away.
          if (locked && isCreatedRsa) {
            throw new Ec2KeysError(locked.code, `${locked.message}, and key pair ${name} carries the fingerprint of a created pair, which hashes the private key`, {
              target: locked.target, exitCode: locked.exitCode, hint: locked.hint,
            });
          }
          const imported = importedFingerprint(k.key);
          const created = k.kind === 'private' ? createdFingerprint(k.key as PrivateKey) : undefined;
          throw new Ec2KeysError(
            Codes.KeyMismatch,
            `${k.what} does not belong to key pair ${name} (${pair.KeyPairId}): the pair's fingerprint is ${pair.KeyFingerprint}, the file's is ${created && isCreatedRsa ? created : imported}`,
            {
              target: name,
              hint: isCreatedRsa && k.kind === 'public'
                ? 'this pair was created by EC2, whose fingerprint hashes the PRIVATE key: verify with the private key file instead'
                : 'check that you have the right file; `ec2keys fingerprint FILE` shows all its fingerprints',
            },
          );
        }
        app.out.result(
          { KeyName: pair.KeyName, KeyPairId: pair.KeyPairId, KeyFingerprint: pair.KeyFingerprint, Match: true, FingerprintKind: kind },
          `${k.what} belongs to key pair ${pair.KeyName} (${pair.KeyPairId}); ${kind} fingerprint ${pair.KeyFingerprint}`,
        );
      } finally {
        store.close?.();
      }
    });
}
