// `ec2keys fingerprint <file|->` (cli.md): the fingerprints EC2 shows for this key, and
// OpenSSH's SHA256 form, so a user can match a local file against the console.

import type { Command } from 'commander';
import { createdFingerprint, importedFingerprint, sha256Fingerprint } from '../keys/fingerprint.js';
import { keyBits, type PrivateKey } from '../keys/model.js';
import { table } from './output.js';
import type { App } from './main.js';
import { loadKeyOrPublicHalf } from './keyinput.js';

export function registerFingerprint(program: Command, app: App): void {
  program
    .command('fingerprint')
    .summary('print the EC2 fingerprints of a key file')
    .description(
      'Print the fingerprints EC2 shows for a key: ImportedFingerprint (after import-key-pair: MD5 of the public key for RSA), ' +
        'CreatedFingerprint (after create-key-pair: SHA-1 of the private key for RSA; private keys only) and OpenSSH\'s SHA256 form. ' +
        'Reads any supported private or public key format.',
    )
    .argument('<file>', "key file, or '-' for standard input")
    .addHelpText('after', '\nExamples:\n  ec2keys fingerprint my-key.pem\n  ec2keys fingerprint --json ~/.ssh/id_rsa.pub')
    .action(async (file: string, _o: unknown, cmd: Command) => {
      const g = app.globals(cmd);
      // An encrypted PPK/OpenSSH file and no passphrase: its public half is in clear, which is
      // enough for every fingerprint but the created-RSA one.
      const r = await loadKeyOrPublicHalf(app, g, file);
      const locked = r.locked !== undefined;
      if (locked && r.key.type === 'rsa') app.out.note('note: the key is encrypted and no passphrase was given: CreatedFingerprint (SHA-1 of the private key) is not shown');
      const key = r.key;
      const res: Record<string, unknown> = { KeyType: key.type, Bits: keyBits(key), ImportedFingerprint: importedFingerprint(key) };
      if (r.kind === 'private') res.CreatedFingerprint = createdFingerprint(r.key as PrivateKey);
      // ED25519's created form is its one form: the public half of a locked file gives it too.
      else if (locked && key.type === 'ed25519') res.CreatedFingerprint = res.ImportedFingerprint;
      res.Sha256 = sha256Fingerprint(key);
      const rows = [
        ['KeyType', `${key.type} ${keyBits(key)}`, ''],
        ['ImportedFingerprint', String(res.ImportedFingerprint), 'EC2, after import-key-pair'],
      ];
      if (res.CreatedFingerprint) rows.push(['CreatedFingerprint', String(res.CreatedFingerprint), 'EC2, after create-key-pair']);
      rows.push(['Sha256', String(res.Sha256), 'ssh-keygen -l, PuTTYgen']);
      app.out.result(res, table(['Field', 'Value', 'Where you see it'], rows));
    });
}
