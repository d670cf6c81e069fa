// readPublicHalf: the public key of encrypted PuTTY and OpenSSH files without a passphrase,
// checked against the tools' own public exports; other encrypted formats still need one.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ec2KeysError } from '../../src/errors.js';
import { readPublicHalf } from '../../src/keys/detect.js';
import { parseOpenSshLine } from '../../src/keys/ssh-public.js';
import { sameKey } from '../../src/keys/model.js';
import { tmpDir, tool } from '../helpers/tools.js';

describe('readPublicHalf', () => {
  const dir = tmpDir();
  const pp = path.join(dir, 'pp');
  fs.writeFileSync(pp, 'Pässword!');

  it('reads encrypted PPK v3 and OpenSSH files without asking for a passphrase', async () => {
    tool('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', 'Pässword!', '-f', path.join(dir, 'id')]);
    const want = parseOpenSshLine(fs.readFileSync(path.join(dir, 'id.pub'), 'utf8')).key;
    tool('puttygen', [path.join(dir, 'id'), '--old-passphrase', pp, '-O', 'private', '-o', path.join(dir, 'id.ppk'), '--new-passphrase', pp]);
    let asked = 0;
    const src = { get: async () => { asked++; return undefined; } };
    for (const f of ['id', 'id.ppk']) {
      const r = await readPublicHalf(fs.readFileSync(path.join(dir, f)), { passphrase: src });
      expect(sameKey(r.key, want), f).toBe(true);
      expect(r.fromPrivate).toBe(true);
    }
    expect(asked).toBe(0);
  });

  it('an encrypted PKCS#8 file still needs its passphrase', async () => {
    tool('openssl', ['genpkey', '-algorithm', 'ed25519', '-out', path.join(dir, 'ed.pem')]);
    tool('openssl', ['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-in', path.join(dir, 'ed.pem'), '-out', path.join(dir, 'ed.p8'), '-passout', `file:${pp}`]);
    await expect(readPublicHalf(fs.readFileSync(path.join(dir, 'ed.p8')))).rejects.toMatchObject({ code: 'Ec2Keys.PassphraseRequired' });
    await expect(readPublicHalf(fs.readFileSync(path.join(dir, 'ed.p8')))).rejects.toBeInstanceOf(Ec2KeysError);
  });
});
