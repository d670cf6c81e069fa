// `ec2keys new <name>` (cli.md): create a key pair in the store and save its private key.
// Order of work, so nothing is left half-done:
//   1. check options, the platform rule (ED25519 is refused for Windows) and the target file;
//   2. create the pair (the store generates the key, like EC2's CreateKeyPair);
//   3. convert and write the key file atomically, owner-only;
//   4. if 3 fails or the user presses Ctrl-C, delete the pair again: no orphan pair whose
//      private key nobody has.

import { Option, type Command } from 'commander';
import { Codes, Ec2KeysError, UsageError } from '../errors.js';
import { readPrivateKey } from '../keys/detect.js';
import { assertPlatformAllows, type Platform } from '../keys/policy.js';
import type { CreateKeyPairOutput, KeyPairStore, RsaBits } from '../store/types.js';
import { critical, interruptHooks, interruption } from './interrupt.js';
import type { App } from './main.js';
import { outputPassphrase } from './passphrase.js';
import { defaultExtension, parseFormat, ppkVersionFor, precheckTarget, resolveTarget, safeFileStem, saveText, serialize, type SaveTarget } from './save.js';
import { assertStoreEndpoint, collect, openStoreFor, parseTags } from './store.js';
import type { OutputFormat } from '../keys/write.js';

interface NewOpts {
  type: 'rsa' | 'ed25519';
  bits?: string;
  format: string;
  ppkVersion?: string;
  platform: Platform;
  tag?: string[];
  out?: string;
  force?: boolean;
  encrypt?: boolean;
}

export function registerNew(program: Command, app: App): void {
  program
    .command('new')
    .summary('create a key pair and save its private key')
    .description(
      'Create a key pair in the store (the local registry by default, or EC2 with --store ec2) and save the private key, ' +
        'owner-only, as PEM (PKCS#1, as EC2 returns it), PuTTY PPK or OpenSSH. RSA 2048 by default; ED25519 only with --platform linux, ' +
        'because Windows instances cannot use ED25519 key pairs.',
    )
    .argument('<name>', 'key pair name (up to 255 ASCII characters, no leading or trailing spaces)')
    .addOption(new Option('-t, --type <type>', 'key type').choices(['rsa', 'ed25519']).default('rsa'))
    .addOption(new Option('-b, --bits <bits>', 'RSA key size (default 2048, what EC2 creates)').choices(['2048', '3072', '4096']))
    .addOption(new Option('--format <format>', 'private key file format').choices(['pem', 'ppk', 'openssh']).default('pem'))
    .addOption(new Option('--ppk-version <n>', 'PPK version with --format ppk').choices(['3', '2']).default('3'))
    .addOption(new Option('--platform <platform>', 'where the key will be used').choices(['windows', 'linux']).default('windows'))
    .option('--tag <key=value>', 'tag the key pair (repeatable)', collect)
    .option('-o, --out <file>', "where to save the private key: a file, a folder (<name>.pem|.ppk|.key in it), or '-' for standard output (default: ./<name>.pem|.ppk|.key)")
    .option('--encrypt', 'ask for a passphrase to protect the key file (or give --new-passphrase-file / EC2KEYS_NEW_PASSPHRASE)')
    .option('-f, --force', 'replace the key file if it exists')
    .addHelpText(
      'after',
      '\nExamples:\n  ec2keys new my-key\n  ec2keys new web-admin --format ppk --tag Team=web\n  ec2keys new build-box --type ed25519 --platform linux --format openssh\n  ec2keys --store ec2 --region eu-west-1 new prod-key --out C:\\Keys\\prod-key.pem',
    )
    .action(async (name: string, o: NewOpts, cmd: Command) => {
      const g = app.globals(cmd);
      assertStoreEndpoint(g);
      if (o.type === 'ed25519' && o.bits) throw new UsageError('--bits applies to RSA keys only (ED25519 keys have a fixed size)');
      assertPlatformAllows(o.type, o.platform, 'create');
      const format = parseFormat(o.format, 'pem');
      const ppkVersion = ppkVersionFor(cmd, o.ppkVersion, format, '--format');
      const tags = parseTags(o.tag);
      const target = resolveTarget(app.ctx, o.out, safeFileStem(name) + defaultExtension(format, { type: o.type }), Boolean(o.force));
      precheckTarget(target, `the key pair ${name} would have no private key`);
      const passphrase = await outputPassphrase(app.ctx, g, Boolean(o.encrypt));
      const store = await openStoreFor(g);
      try {
        // The pair and its undo step come into being together (one critical section): a Ctrl-C
        // at any moment either finds no pair or finds the hook that deletes it again.
        const { created, undo } = await critical(async () => {
          const c = await store.createKeyPair({ KeyName: name, KeyType: o.type, Bits: o.bits ? (Number(o.bits) as RsaBits) : undefined, Tags: tags });
          return { created: c, undo: rollbackOnInterrupt(store, c) };
        });
        const res: Record<string, unknown> = {
          KeyName: created.KeyName,
          KeyPairId: created.KeyPairId,
          KeyFingerprint: created.KeyFingerprint,
          KeyType: o.type,
          Tags: created.Tags,
        };
        // --out - --json: the document holding KeyMaterial is the key's only copy; it is written
        // as the save (a stdout that takes nothing deletes the pair again).
        const emitJson = target.out === '-' && app.out.json ? (text: string) => app.out.secretResult({ ...res, KeyMaterial: text }) : undefined;
        const saved = await saveOrRollBack(app, created, { target, format, ppkVersion, passphrase, comment: name, emitJson }, undo);
        if (saved.file) res.KeyFile = saved.file;
        const text = [
          `created key pair ${created.KeyName} (${created.KeyPairId}) in ${store.kind === 'local' ? 'the local registry' : 'EC2'}, ${store.region}`,
          `fingerprint ${created.KeyFingerprint}`,
        ];
        if (saved.file) {
          text.push(`private key saved to ${saved.file} (${format === 'ppk' ? `ppk${ppkVersion}` : format}${passphrase ? ', encrypted' : ''}, owner-only)`);
          app.out.result(res, text);
        } else if (!app.out.json) app.out.note(text.join('\n'));
      } finally {
        // After Ctrl-C the SIGINT handler deletes the pair through this store (and exits): closing
        // it here would cut that request's connection under it.
        if (!interruption.interrupted) store.close?.();
      }
    });
}

interface SaveSpec {
  target: SaveTarget;
  format: OutputFormat;
  ppkVersion: 2 | 3;
  passphrase?: string;
  comment: string;
  /** With `--out -` and --json: writes the result document holding the key (it is the save). */
  emitJson?: (text: string) => Promise<void>;
}

/** Deletes a just-created pair again; runs at most once, whoever asks first (the command or Ctrl-C). */
interface Undo {
  run(): Promise<void>;
  /** The key file is saved: the pair stays, and Ctrl-C no longer deletes it. */
  keep(): void;
}

/** Register the rollback of `created` as an interrupt hook (call it in the critical section that created the pair). */
function rollbackOnInterrupt(store: KeyPairStore, created: CreateKeyPairOutput): Undo {
  let once: Promise<void> | undefined;
  const run = () =>
    (once ??= (async () => {
      await store.deleteKeyPair({ KeyPairId: created.KeyPairId });
      // An endpoint that ignores KeyPairId on DeleteKeyPair answers Return true and deletes nothing
      // (moto 5.2.1 does): look again, and if OUR pair (same id) is still there, delete it by name.
      if (store.kind !== 'local') {
        let still = false;
        try {
          const [p] = await store.describeKeyPairs({ KeyNames: [created.KeyName] });
          still = p?.KeyPairId === created.KeyPairId;
        } catch (e) {
          if (!(e instanceof Ec2KeysError && e.code === Codes.NotFound)) throw e;
        }
        if (still) await store.deleteKeyPair({ KeyName: created.KeyName });
      }
    })());
  interruptHooks.add(run);
  return { run, keep: () => interruptHooks.delete(run) };
}

/**
 * Convert KeyMaterial (PKCS#1 PEM / OpenSSH, as EC2 returns it) to the chosen format and save it.
 * If anything fails, the just-created pair is deleted again (`undo`, registered when the pair
 * was created, also runs on Ctrl-C). Saving the file and dropping the undo hook are one critical
 * section: after Ctrl-C either both the pair and its key file exist, or neither.
 */
async function saveOrRollBack(app: App, created: CreateKeyPairOutput, spec: SaveSpec, undo: Undo): Promise<{ file?: string }> {
  try {
    let text: string;
    if (spec.format === 'pem' && !spec.passphrase && created.KeyMaterial.startsWith('-----BEGIN RSA PRIVATE KEY-----')) {
      text = created.KeyMaterial; // byte for byte what the store (EC2) returned
    } else {
      const parsed = await readPrivateKey(Buffer.from(created.KeyMaterial), { what: 'the new key' });
      text = await serialize(parsed.key, spec.format, { passphrase: spec.passphrase, comment: spec.comment, ppkVersion: spec.ppkVersion });
    }
    return await critical(async () => {
      const file = spec.emitJson ? (await spec.emitJson(text), undefined) : await saveText(spec.target, text, app.ctx);
      undo.keep();
      return { file };
    });
  } catch (e) {
    if (e instanceof Ec2KeysError && e.code === Codes.Interrupted) throw e; // the SIGINT handler undoes
    let undone = 'the key pair was deleted again, so none is left without its private key';
    try {
      await undo.run();
    } catch {
      undone = `the key pair ${created.KeyName} (${created.KeyPairId}) could not be deleted again: delete it with \`ec2keys remove --id ${created.KeyPairId} --yes\``;
    } finally {
      undo.keep();
    }
    if (e instanceof Ec2KeysError) throw new Ec2KeysError(e.code, `${e.message}; ${undone}`, { hint: e.hint, target: e.target, exitCode: e.exitCode });
    throw e;
  }
}
