// `ec2keys import <name>` and `ec2keys import --batch FILE|-` (cli.md): a public key in any
// format EC2 takes (OpenSSH line, RFC 4716, base64 DER) plus PEM public keys and private-key
// files of every supported format, whose public half alone is imported (the private key is
// never sent nor stored). ED25519 is refused for Windows unless --platform linux.

import { Option, type Command } from 'commander';
import { Codes, Ec2KeysError, UsageError } from '../errors.js';
import { readKey, readPublicHalf } from '../keys/detect.js';
import type { PublicKey } from '../keys/model.js';
import { publicOf } from '../keys/model.js';
import { assertPlatformAllows, type Platform } from '../keys/policy.js';
import { parseOpenSshLine } from '../keys/ssh-public.js';
import { decodeText } from '../keys/text.js';
import type { ImportKeyPairInput, Tag } from '../store/types.js';
import { stdinIsTTY } from './context.js';
import type { App } from './main.js';
import { readInput, readStdin } from './io.js';
import { table } from './output.js';
import { inputPassphrase } from './passphrase.js';
import { assertStoreEndpoint, collect, openStoreFor, parseTags } from './store.js';

interface ImportOpts {
  publicKeyFile?: string;
  publicKey?: string;
  batch?: string;
  platform: Platform;
  tag?: string[];
}

export function registerImport(program: Command, app: App): void {
  program
    .command('import')
    .summary('import a public key as a key pair')
    .description(
      'Import a public key as a key pair. Takes what EC2 takes (OpenSSH public key line, RFC 4716, base64 DER) and more: ' +
        'PEM public keys and private key files (PEM, PKCS#8, OpenSSH, PuTTY PPK), of which only the public half is imported. ' +
        'The key comes from --public-key-file, --public-key or standard input. With --batch, imports many keys, one ' +
        '"NAME OPENSSH-PUBLIC-KEY-LINE" per line, in one go.',
    )
    .argument('[name]', 'key pair name')
    .option('-f, --public-key-file <file>', 'file holding the key')
    .option('--public-key <text>', 'the key itself (an OpenSSH public key line)')
    .option('--batch <file>', "import one NAME KEY-LINE per line from FILE ('-' for standard input)")
    .addOption(new Option('--platform <platform>', 'where the key will be used').choices(['windows', 'linux']).default('windows'))
    .option('--tag <key=value>', 'tag the key pair (repeatable)', collect)
    .addHelpText(
      'after',
      '\nExamples:\n  ec2keys import my-laptop --public-key-file ~/.ssh/id_rsa.pub\n  ec2keys import web --public-key-file web.ppk\n  cat keys.txt | ec2keys import --batch -',
    )
    .action(async (name: string | undefined, o: ImportOpts, cmd: Command) => {
      const g = app.globals(cmd);
      assertStoreEndpoint(g);
      const tags = parseTags(o.tag);
      if (o.batch !== undefined) {
        if (name || o.publicKey !== undefined || o.publicKeyFile !== undefined) throw new UsageError('--batch takes names and keys from its file; give no NAME, --public-key or --public-key-file');
        return importBatch(app, g, o.batch, o.platform, tags);
      }
      if (!name) throw new UsageError("missing required argument 'name'");
      if (o.publicKey !== undefined && o.publicKeyFile !== undefined) throw new UsageError('give either --public-key or --public-key-file, not both');
      let bytes: Buffer;
      let what: string;
      if (o.publicKey !== undefined) ({ bytes, what } = { bytes: Buffer.from(o.publicKey), what: '--public-key' });
      else if (o.publicKeyFile !== undefined) ({ bytes, what } = await readInput(app.ctx, o.publicKeyFile));
      else {
        if (stdinIsTTY(app.ctx)) throw new UsageError('no key given: use --public-key-file FILE, --public-key TEXT, or pipe the key on standard input');
        bytes = await readStdin(app.ctx, 1024 * 1024 + 1, 'the public key (no --public-key-file or --public-key)');
        what = 'standard input';
      }
      // With a passphrase at hand, read (and so check) the whole private key; without one, PPK and
      // OpenSSH files give their public half in clear, so nobody is asked for a passphrase only to import.
      const given = g.passphraseFile !== undefined || Boolean(app.ctx.env.EC2KEYS_PASSPHRASE);
      const ro = { what, passphrase: inputPassphrase(app.ctx, g), allowExpensiveKdf: g.allowExpensiveKdf };
      const r = given ? await readKey(bytes, ro).then((x) => ({ key: publicOf(x.key), fromPrivate: x.kind === 'private' })) : await readPublicHalf(bytes, ro);
      const pub: PublicKey = r.key;
      assertPlatformAllows(pub.type, o.platform, 'import');
      const store = await openStoreFor(g);
      try {
        const res = await store.importKeyPair({ KeyName: name, PublicKey: pub, Tags: tags });
        const out = { KeyName: res.KeyName, KeyPairId: res.KeyPairId, KeyFingerprint: res.KeyFingerprint, KeyType: pub.type, Tags: res.Tags };
        app.out.result(out, [
          `imported key pair ${res.KeyName} (${res.KeyPairId}) into ${store.kind === 'local' ? 'the local registry' : 'EC2'}, ${store.region}`,
          `fingerprint ${res.KeyFingerprint}${r.fromPrivate ? ' (public half of the private key file; the private key was not sent)' : ''}`,
        ]);
      } finally {
        store.close?.();
      }
    });
}

const LINE_KEY = /(?:^|\s)((?:ssh-|ecdsa-sha2-|sk-)\S+\s+AAAA\S*(?:\s.*)?)$/;

async function importBatch(app: App, g: ReturnType<App['globals']>, file: string, platform: Platform, tags: Tag[]): Promise<void> {
  const bytes = file === '-' ? await readStdin(app.ctx, 64 * 1024 * 1024) : (await readInput(app.ctx, file, 64 * 1024 * 1024)).bytes;
  // Decoded like key files: Windows PowerShell 5.1 `Get-Content keys.txt > batch.txt` writes UTF-16LE with a BOM.
  const text = decodeText(bytes);
  // A private key file given as the batch list (meant: --public-key-file) would otherwise come
  // back line by line as "names" in the result table: its secret printed to the terminal or a log.
  if (/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----|^PuTTY-User-Key-File-\d+:/m.test(text)) {
    throw new Ec2KeysError(Codes.InvalidKeyFormat, `${file === '-' ? 'standard input' : file} is a private key file, not a batch list of "NAME ssh-rsa AAAA…" lines`, {
      hint: 'import its public half with `ec2keys import NAME --public-key-file FILE`',
      target: file,
    });
  }
  const lines = text.split(/\r?\n/);
  type Item = { name: string; input?: ImportKeyPairInput; error?: Ec2KeysError };
  const items: Item[] = [];
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = LINE_KEY.exec(line);
    // Without a key part, the first word is a name only if something follows it: a lone word may be
    // a line of base64 (a pasted private key), which must not be echoed back.
    const name = m ? line.slice(0, line.length - m[1].length).trim() : /\s/.test(line) ? line.split(/\s+/)[0] : '';
    try {
      if (!m || name === '') throw new Ec2KeysError(Codes.InvalidKeyFormat, `line ${i + 1}: expected "NAME ssh-rsa AAAA… [comment]"`);
      const { key } = parseOpenSshLine(m[1]);
      assertPlatformAllows(key.type, platform, 'import');
      items.push({ name, input: { KeyName: name, PublicKey: key, Tags: tags } });
    } catch (e) {
      if (!(e instanceof Ec2KeysError)) throw e;
      items.push({ name, error: new Ec2KeysError(e.code, `line ${i + 1}: ${e.message.replace(/^line \d+: /, '')}`, { hint: e.hint }) });
    }
  });
  const store = await openStoreFor(g);
  try {
    const good = items.filter((x) => x.input);
    const results = good.length ? await store.importKeyPairs(good.map((x) => x.input!)) : [];
    let j = 0;
    const out = items.map((x) => (x.input ? results[j++] : { KeyName: x.name, Error: { Code: String(x.error!.code), Message: x.error!.message } }));
    const failed = out.filter((r) => 'Error' in r).length;
    app.out.result(
      { Results: out },
      table(
        ['KeyName', 'Result'],
        out.map((r) => ['Error' in r ? [r.KeyName, `${r.Error.Code}: ${r.Error.Message}`] : [r.KeyName, `${r.KeyPairId} ${r.KeyFingerprint}`]][0]),
      ) + `\n${out.length - failed} imported, ${failed} failed`,
    );
    if (failed) {
      // The results are already printed; only the exit code remains to say it.
      throw new Ec2KeysError(Codes.PartialFailure, `${failed} of ${out.length} keys could not be imported`);
    }
  } finally {
    store.close?.();
  }
}
