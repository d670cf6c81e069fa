// `ec2keys verify <keyfile> <name>` (cli.md): does this key file belong to that key pair?
// Compares in the form EC2 used for the pair — created RSA pairs carry SHA-1 of the PRIVATE key,
// imported ones MD5 of the public key, ED25519 SHA-256 — the mismatch users hit (peers.md §4.6).

import type { Command } from 'commander';
import { Codes, Ec2KeysError } from '../errors.js';
import { createdFingerprint, importedFingerprint } from '../keys/fingerprint.js';
import type { App } from './main.js';
import { loadKey } from './keyinput.js';
import { readInput } from './io.js';
import { readPublicHalf } from '../keys/detect.js';
import type { PrivateKey, PublicKey } from '../keys/model.js';
import { openStoreFor } from './store.js';

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
      let k: { kind: 'private' | 'public'; key: PrivateKey | PublicKey; what: string };
      try {
        k = await loadKey(app, g, file);
      } catch (e) {
        // Encrypted PPK/OpenSSH and no passphrase: the public half (in clear) settles imported and
        // ED25519 pairs; an EC2-created RSA pair then gets the KeyMismatch hint below.
        if (!(e instanceof Ec2KeysError && e.code === Codes.PassphraseRequired)) throw e;
        const { bytes, what } = await readInput(app.ctx, file);
        const half = await readPublicHalf(bytes, { what }).catch(() => {
          throw e;
        });
        k = { kind: 'public', key: half.key, what };
      }
      const store = await openStoreFor(app, g);
      try {
        const [pair] = await store.describeKeyPairs({ KeyNames: [name] });
        const norm = (s: string) => s.trim().replace(/=+$/, '').toLowerCase();
        const want = norm(pair.KeyFingerprint);
        const imported = importedFingerprint(k.key);
        const created = k.kind === 'private' ? createdFingerprint(k.key as PrivateKey) : undefined;
        const kind = norm(imported) === want ? 'imported' : created && norm(created) === want ? 'created' : undefined;
        if (!kind) {
          const isCreatedRsa = /^([0-9a-f]{2}:){19}[0-9a-f]{2}$/i.test(pair.KeyFingerprint);
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
