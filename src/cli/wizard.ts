// The interactive mode of ec2keys (issue #6 §3; cli.md, last paragraph):
//
// - `ec2keys` with no command on a terminal (a double-clicked ec2keys.exe opens a console
//   window) shows a menu: create, import, list, remove, Windows password, convert, protect,
//   fingerprint. Every task ends in the same commands a script would run: the wizard only builds
//   an argv from the answers and calls `run()` in-process, so behaviour, files and errors are
//   exactly the CLI's. After a task, "Press Enter to close" keeps a console window open until
//   the user has read the result.
// - `fillMissing`: a command typed on a terminal without a required value (`ec2keys new`,
//   `ec2keys password` without --key) asks for it and runs again, instead of failing. Which values
//   are missing is read from commander's own parse (a probe program whose arguments and options
//   are made optional), so option syntax is never re-implemented here.
// - Never prompts with --no-input, CI set, or no terminal: main.ts calls in here only on a TTY
//   and `canPrompt` decides for the probed command.
// - Ctrl-C at any prompt: @inquirer's ExitPromptError becomes Ec2Keys.Interrupted (exit 130);
//   nothing is written before the last answer is given, and the commands themselves clean up
//   (temp files, rollback of a just-created pair) on SIGINT. Answering No at a confirmation (the
//   Linux-only import of an ED25519 key; `remove`'s own question) is Ec2Keys.Cancelled, exit 1.
//
// Limits: key names are checked with EC2's rules (store/names.ts: 1..255 printable ASCII, no
// leading/trailing space) while typing; a file is never overwritten (the save prompt refuses an
// existing path, and the commands run without --force); the file pickers list at most 15 key
// files of at most 1 MiB from a few well-known folders. @inquirer/prompts is loaded lazily.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { styleText } from 'node:util';
import type { Command } from 'commander';
import { makeDirs } from '../dirs.js';
import { Codes, Ec2KeysError, isEc2KeysError } from '../errors.js';
import { validateKeyName } from '../store/names.js';
import type { KeyPairInfo } from '../store/types.js';
import type { Ctx, GlobalOptions } from './context.js';
import { buildProgram, createProgram, resolveGlobals, run, version, type App } from './main.js';
import { internalError, Reporter } from './output.js';
import { canPrompt, interruptedOr } from './passphrase.js';
import { defaultExtension, safeFileStem } from './save.js';
import { openStoreFor, regionFor } from './store.js';

type Prompts = typeof import('@inquirer/prompts');
type InputConfig = Parameters<Prompts['input']>[0];
type ConfirmConfig = Parameters<Prompts['confirm']>[0];
interface Choice<T> {
  name: string;
  value: T;
  description?: string;
}

const PICK_MAX = 15;
const KEY_FILE_MAX = 1024 * 1024;
const PRIVATE_NAME = /\.(pem|ppk|key|p8|pk8)$|^id_(rsa|ed25519)$/i;
const PUBLIC_NAME = /\.pub$/i;
const INSTANCE_ID = /^i-([0-9a-f]{8}|[0-9a-f]{17})$/;
const REGION = /^[a-z]{2}(-[a-z0-9]+)+-\d{1,2}$/;

const red = (s: string) => styleText('red', s);
const dim = (s: string) => styleText('dim', s);
const bold = (s: string) => styleText('bold', s);

/** Prompts on the terminal: input from stdin, drawing on stderr (stdout stays for results). */
class Ui {
  readonly out: NodeJS.WritableStream;
  private constructor(readonly ctx: Ctx, readonly p: Prompts) {
    this.out = ctx.stderr.isTTY ? ctx.stderr : ctx.stdout;
  }

  static async open(ctx: Ctx): Promise<Ui> {
    return new Ui(ctx, await import('@inquirer/prompts'));
  }

  private get io() {
    return { input: this.ctx.stdin, output: this.out };
  }

  async select<T>(message: string, choices: Array<Choice<T> | 'separator'>, def?: T): Promise<T> {
    const list = choices.map((c) => (c === 'separator' ? new this.p.Separator() : c));
    try {
      return (await this.p.select<T>({ message, choices: list, default: def, pageSize: 14, loop: false }, this.io)) as T;
    } catch (e) {
      throw interruptedOr(e);
    }
  }

  async input(cfg: InputConfig): Promise<string> {
    try {
      return await this.p.input(cfg, this.io);
    } catch (e) {
      throw interruptedOr(e);
    }
  }

  async confirm(cfg: ConfirmConfig): Promise<boolean> {
    try {
      return await this.p.confirm(cfg, this.io);
    } catch (e) {
      throw interruptedOr(e);
    }
  }

  say(s = ''): void {
    this.out.write(s + '\n');
  }
}

/** What the tasks share: the terminal, the global options the wizard was started with, the store chosen. */
interface Session {
  ctx: Ctx;
  ui: Ui;
  /** Global options given on the command line (`ec2keys --home D` starts the wizard too); passed on to every command. */
  base: string[];
  g: GlobalOptions;
  store?: { args: string[]; g: GlobalOptions; label: string; asked?: boolean };
}

// ---------------------------------------------------------------------------------------------
// The menu

type Task = 'create' | 'import' | 'list' | 'remove' | 'password' | 'convert' | 'protect' | 'fingerprint' | 'store' | 'quit';

const TASKS: Array<Choice<Task> | 'separator'> = [
  { name: 'Create a key pair', value: 'create', description: 'a new key pair (RSA; ED25519 for Linux-only keys), saved as .pem, .ppk (PuTTY) or OpenSSH' },
  { name: 'Import a public key', value: 'import', description: 'make a key pair from a public key file (.pub, or the public half of a private key file)' },
  { name: 'List key pairs', value: 'list' },
  { name: 'Remove a key pair', value: 'remove', description: 'asks before deleting; key files on disk are not touched' },
  { name: 'Get the Windows Administrator password', value: 'password', description: 'decrypt it with the key file (.pem, .ppk or OpenSSH, encrypted or not)' },
  { name: 'Convert a key file (to PuTTY .ppk, .pem, OpenSSH)', value: 'convert' },
  { name: 'Fix key-file permissions ("UNPROTECTED PRIVATE KEY FILE")', value: 'protect', description: 'make a key file readable by you only, as ssh requires' },
  { name: "Show a key file's fingerprint", value: 'fingerprint', description: 'the fingerprint the EC2 console shows for the key pair' },
];

function menu(s: Session): Array<Choice<Task> | 'separator'> {
  // Once a store was chosen in this session it can be changed (e.g. EC2 without credentials).
  const change: Array<Choice<Task>> = s.store?.asked ? [{ name: `Switch where key pairs live (now: ${s.store.label})`, value: 'store' }] : [];
  return [...TASKS, ...change, 'separator', { name: 'Quit', value: 'quit' }];
}

/** `ec2keys` with no command on a terminal. Returns the exit code of the last task (0 if none). */
export async function runWizard(argv: string[], ctx: Ctx): Promise<number> {
  const ui = await Ui.open(ctx);
  const s: Session = { ctx, ui, base: argv, g: globalsOf(argv, ctx) };
  ui.say(`${bold('ec2keys')} ${version()} — Amazon EC2 key pairs for Windows ${dim('(arrow keys and Enter to choose, Ctrl-C to quit)')}`);
  let last = 0;
  for (;;) {
    const task = await ui.select<Task>('What do you want to do?', menu(s));
    if (task === 'quit') return last;
    if (task === 'store') {
      s.store = undefined;
      await chooseStore(s);
      continue;
    }
    last = await runTask(s, task);
    if (last === 130) return 130;
    const next = await ui.select<'close' | 'menu'>('Press Enter to close', [
      { name: 'Close', value: 'close' },
      { name: 'Back to the menu', value: 'menu' },
    ]);
    if (next === 'close') return last;
    ui.say();
  }
}

async function runTask(s: Session, task: Exclude<Task, 'quit' | 'store'>): Promise<number> {
  try {
    switch (task) {
      case 'create':
        return await createTask(s);
      case 'import':
        return await importTask(s);
      case 'list':
        await chooseStore(s);
        return await command(s, ['get'], [], true);
      case 'remove':
        return await removeTask(s);
      case 'password':
        return await passwordTask(s);
      case 'convert':
        return await convertTask(s);
      case 'protect':
        return await command(s, ['protect'], [await pickFile(s, 'private', 'Key file to make private to you:')]);
      case 'fingerprint':
        return await command(s, ['fingerprint'], [await pickFile(s, 'any', 'Key file:')]);
    }
  } catch (e) {
    // Ctrl-C ends the wizard (exit 130); any other failure is shown and the user may go on.
    if (isEc2KeysError(e) && e.code === Codes.Interrupted) throw e;
    const err = isEc2KeysError(e) ? e : internalError(e, s.ctx.env);
    new Reporter(s.ctx, false).error(err);
    return err.exitCode;
  }
}

/**
 * Run one ec2keys command in-process: `[cmd, ...options, <globals>, '--', ...positionals]`
 * (the `--` keeps a name or path starting with '-' from being read as an option).
 */
async function command(s: Session, head: string[], positionals: string[], useStore = false): Promise<number> {
  const argv = [...head, ...s.base, ...(useStore && s.store ? s.store.args : []), '--', ...positionals];
  return run(argv, s.ctx, { nested: true });
}

// ---------------------------------------------------------------------------------------------
// Tasks

async function createTask(s: Session): Promise<number> {
  const { ui } = s;
  const store = await chooseStore(s);
  const name = await askKeyName(s, 'Name of the new key pair:', { unique: store });
  const platform = await ui.select<'windows' | 'linux'>('Which instances will use this key pair?', [
    { name: 'Windows (or both Windows and Linux)', value: 'windows' },
    { name: 'Linux only', value: 'linux' },
  ]);
  let type: 'rsa' | 'ed25519' = 'rsa';
  if (platform === 'windows') {
    ui.say(
      dim('  Key type: RSA. ED25519 is not offered for Windows: EC2 refuses ED25519 key pairs for Windows instances, and\n' +
        '  Windows encrypts the Administrator password with RSA, so only an RSA key can decrypt it.'),
    );
  } else {
    type = await ui.select<'rsa' | 'ed25519'>('Key type:', [
      { name: 'RSA', value: 'rsa', description: 'works everywhere (also for Windows, should you need it later)' },
      { name: 'ED25519', value: 'ed25519', description: 'short and modern; Linux only' },
    ]);
  }
  let bits: string | undefined;
  if (type === 'rsa') {
    bits = await ui.select<string>('Key size:', [
      { name: '2048 bits', value: '2048', description: 'what EC2 itself creates; fine for most uses' },
      { name: '3072 bits', value: '3072' },
      { name: '4096 bits', value: '4096', description: 'stronger, slightly slower to create and use' },
    ]);
  }
  const format = await ui.select<'pem' | 'ppk' | 'openssh'>('File format:', [
    {
      name: type === 'rsa' ? 'PEM (.pem)' : 'PEM (.key, OpenSSH format for ED25519)',
      value: 'pem',
      description: 'what EC2 and the AWS console give you; OpenSSH, WinSCP and the console\'s "Get password" read it',
    },
    { name: 'PuTTY (.ppk, version 3)', value: 'ppk', description: 'for PuTTY 0.75 or later and WinSCP' },
    { name: 'OpenSSH (.key)', value: 'openssh', description: 'the format ssh-keygen writes' },
  ]);
  const encrypt = await ui.confirm({
    message: 'Protect the key file with a passphrase?',
    default: false,
  });
  const ext = defaultExtension(format, { type });
  const file = await askSavePath(s, 'Save the private key as:', safeFileStem(name) + ext);
  await ensureFolder(s, file);
  const opts = ['--type', type, ...(bits ? ['--bits', bits] : []), '--format', format, '--platform', platform, '--out', file, ...(encrypt ? ['--encrypt'] : [])];
  return command(s, ['new', ...opts], [name], true);
}

async function importTask(s: Session): Promise<number> {
  const { ui } = s;
  const store = await chooseStore(s);
  const file = await pickFile(s, 'public', 'Public key file to import:');
  let platform: 'windows' | 'linux' = 'windows';
  if ((await sniffKeyType(file)) === 'ed25519') {
    ui.say('  This is an ED25519 key. Windows instances cannot use ED25519 key pairs: EC2 refuses them, and only an RSA key can decrypt the Administrator password.');
    const linux = await ui.confirm({ message: 'Import it for Linux instances only?', default: true });
    // Declined: Ec2Keys.Cancelled (exit 1), shown like any failed task; Ctrl-C here stays Interrupted (130).
    if (!linux) throw new Ec2KeysError(Codes.Cancelled, `nothing was imported: ${path.basename(file)} is an ED25519 key, which Windows instances cannot use, and importing it for Linux only was declined`, { target: file });
    platform = 'linux';
  }
  const stem = path.basename(file).replace(/\.(pub|pem|ppk|key|p8|pk8)$/i, '');
  const name = await askKeyName(s, 'Name of the key pair:', { unique: store, default: nameProblem(stem) ? undefined : stem });
  return command(s, ['import', '--public-key-file', file, '--platform', platform], [name], true);
}

async function removeTask(s: Session): Promise<number> {
  const store = await chooseStore(s);
  const id = await pickKeyPair(s, store, 'Key pair to remove:');
  if (!id) return 0;
  // `remove` itself asks for confirmation, showing name, id and fingerprint.
  return command(s, ['remove', '--id', id], [], true);
}

async function passwordTask(s: Session): Promise<number> {
  const key = await pickFile(s, 'private', 'Key file of the key pair the instance was launched with:');
  const source = await askPasswordSource(s);
  const { code, stdout } = await captured(s, ['password', '--key', key, ...source]);
  if (code !== 0) return code;
  const pw = stdout.replace(/\r?\n$/, '');
  const { ui } = s;
  ui.say();
  ui.say(`  Windows Administrator password:  ${bold(pw)}`);
  ui.say();
  ui.say(
    dim(s.ctx.platform === 'win32'
      ? '  To copy it: select it with the mouse, then press Enter (console window) or Ctrl+C (Windows Terminal), and paste it\n  into the Remote Desktop password box with Ctrl+V.'
      : '  To copy it: select it with the mouse, then press Ctrl+Shift+C (most terminals) or use the terminal\'s Copy menu.') +
      '\n' + dim('  If you type it instead, mind look-alikes such as l, 1 and I, or O and 0. User name: Administrator.'),
  );
  return 0;
}

async function convertTask(s: Session): Promise<number> {
  const { ui } = s;
  const input = await pickFile(s, 'private', 'Key file to convert:');
  const to = await ui.select<string>('Convert to:', [
    { name: 'PuTTY .ppk (version 3)', value: 'ppk:3', description: 'PuTTY 0.75 or later, WinSCP' },
    { name: 'PuTTY .ppk (version 2)', value: 'ppk:2', description: 'older PuTTY and tools that cannot read version 3' },
    { name: 'PEM (.pem)', value: 'pem', description: 'what EC2 gives: OpenSSH, WinSCP, the AWS console\'s "Get password"' },
    { name: 'PKCS#8 (.p8.pem)', value: 'pkcs8', description: '"BEGIN PRIVATE KEY", for Java, .NET and libraries' },
    { name: 'OpenSSH (.key)', value: 'openssh', description: 'the format ssh-keygen writes' },
  ]);
  const [format, ppkVersion] = to.split(':') as ['pem' | 'pkcs8' | 'openssh' | 'ppk', string | undefined];
  const encrypt = await ui.confirm({ message: 'Protect the new file with a passphrase?', default: false });
  const type = (await sniffKeyType(input)) ?? 'rsa';
  const stem = path.basename(input).replace(/\.(pem|ppk|key|p8|pk8|der)$/i, '').replace(/\.p8$/i, '');
  const ext = defaultExtension(format, { type });
  let def = path.join(path.dirname(input), stem + ext);
  for (let i = 2; fs.existsSync(def) && i < 100; i++) def = path.join(path.dirname(input), `${stem}-${i}${ext}`);
  const out = await askSavePath(s, 'Save the converted key as:', def);
  const opts = ['--to', format, ...(ppkVersion ? ['--ppk-version', ppkVersion] : []), '--out', out, ...(encrypt ? ['--encrypt'] : [])];
  return command(s, ['convert', ...opts], [input]);
}

/** Run a command with stdout captured (the password is shown by the wizard with a copy hint). */
async function captured(s: Session, head: string[]): Promise<{ code: number; stdout: string }> {
  const chunks: Buffer[] = [];
  const stdout = new Writable({
    write(c: Buffer | string, _e, cb) {
      chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
      cb();
    },
  });
  const code = await run([...head, ...s.base], { ...s.ctx, stdout }, { nested: true });
  return { code, stdout: Buffer.concat(chunks).toString('utf8') };
}

// ---------------------------------------------------------------------------------------------
// Questions shared by the menu and `fillMissing`

/** The store, asked once per session: the local registry by default, EC2 when the user says so. */
async function chooseStore(s: Session): Promise<GlobalOptions> {
  if (s.store) return s.store.g;
  const fixed = s.base.some((a) => a === '--store' || a.startsWith('--store=')) || Boolean(s.ctx.env.EC2KEYS_STORE);
  const home = s.g.home ?? path.join(homeDir(s.ctx), '.ec2keys');
  if (fixed) {
    s.store = { args: [], g: s.g, label: s.g.store === 'ec2' ? 'EC2' : 'the local registry' };
    return s.g;
  }
  const creds = awsCredentialsHint(s.ctx);
  const where = await s.ui.select<'local' | 'ec2'>('Where do your key pairs live?', [
    { name: 'On this computer (the ec2keys registry)', value: 'local', description: `kept in ${home}; no AWS account needed` },
    { name: 'In Amazon EC2 (your AWS account)', value: 'ec2', description: creds },
  ]);
  if (where === 'local') {
    s.store = { args: [], g: { ...s.g, store: 'local' }, label: 'the local registry', asked: true };
    return s.store.g;
  }
  const region = await askRegion(s, await regionFor(s.g, 'ec2'));
  s.store = { args: ['--store', 'ec2', '--region', region], g: { ...s.g, store: 'ec2', region }, label: `EC2, ${region}`, asked: true };
  return s.store.g;
}

function awsCredentialsHint(ctx: Ctx): string {
  const env = ctx.env;
  if (env.AWS_ACCESS_KEY_ID) return 'uses the AWS credentials in AWS_ACCESS_KEY_ID';
  if (env.AWS_PROFILE) return `uses the AWS profile ${env.AWS_PROFILE}`;
  const files = [env.AWS_SHARED_CREDENTIALS_FILE ?? path.join(homeDir(ctx), '.aws', 'credentials'), env.AWS_CONFIG_FILE ?? path.join(homeDir(ctx), '.aws', 'config')];
  if (files.some((f) => fs.existsSync(f))) return 'uses your AWS credentials (as the AWS CLI does)';
  return 'needs AWS credentials: none found on this computer (set them up with `aws configure` first)';
}

async function askRegion(s: Session, def: string | undefined): Promise<string> {
  return (
    await s.ui.input({
      message: 'AWS region (for example us-east-1, eu-west-1):',
      default: def,
      validate: (v) => (REGION.test(v.trim()) ? true : `"${v.trim()}" is not a region name; regions look like us-east-1 or eu-central-1`),
    })
  ).trim();
}

/** Why `name` is not a key name EC2 accepts, in a few words (for the live check); undefined if it is fine. */
export function nameProblem(name: string): string | undefined {
  try {
    validateKeyName(name);
    return undefined;
  } catch (e) {
    if (!isEc2KeysError(e)) throw e;
    if (name === '') return 'a name is needed';
    if (name.length > 255) return `${name.length} characters; EC2 allows up to 255`;
    const bad = /[^\x20-\x7e]/.exec(name);
    if (bad) {
      const cp = bad[0].codePointAt(0)!;
      return cp < 0x20 || cp === 0x7f ? 'no control characters' : `"${bad[0]}" is not ASCII; EC2 accepts ASCII characters only`;
    }
    return 'no spaces at the start or end';
  }
}

async function askKeyName(s: Session, message: string, o: { unique?: GlobalOptions; default?: string } = {}): Promise<string> {
  return s.ui.input({
    message,
    default: o.default,
    // Checked while typing: the problem shows next to the name at once.
    transformer: (v, { isFinal }) => {
      if (isFinal || v === '') return v;
      const p = nameProblem(v);
      return p ? `${v}  ${red('✗ ' + p)}` : v;
    },
    validate: async (v) => {
      const p = nameProblem(v);
      if (p) return `${p} (key names: 1 to 255 ASCII characters, no spaces at the start or end)`;
      if (o.unique) {
        const pairs = await listPairs(o.unique, { KeyNames: [v] }).catch(() => []);
        if (pairs.length) return `a key pair named "${v}" already exists in ${await storeLabel(o.unique)}; choose another name`;
      }
      return true;
    },
  });
}

async function storeLabel(g: GlobalOptions): Promise<string> {
  return g.store === 'ec2' ? `EC2 (${(await regionFor(g, 'ec2')) ?? 'no region'})` : `the local registry (${await regionFor(g, 'local')})`;
}

async function listPairs(g: GlobalOptions, q: { KeyNames?: string[] } = {}): Promise<KeyPairInfo[]> {
  const store = await openStoreFor(g);
  try {
    return await store.describeKeyPairs(q);
  } catch (e) {
    if (isEc2KeysError(e) && e.code === Codes.NotFound) return [];
    throw e;
  } finally {
    store.close?.();
  }
}

/** Pick a key pair from the store; returns its id, or undefined when there is none. */
async function pickKeyPair(s: Session, g: GlobalOptions, message: string): Promise<string | undefined> {
  const pairs = await listPairs(g);
  if (!pairs.length) {
    s.ui.say(`  no key pairs in ${await storeLabel(g)}`);
    return undefined;
  }
  pairs.sort((a, b) => a.KeyName.localeCompare(b.KeyName));
  return s.ui.select<string>(
    message,
    pairs.map((p) => ({ name: `${p.KeyName}  ${dim(`${p.KeyPairId}  ${p.KeyType ?? ''}`)}`, value: p.KeyPairId, description: `fingerprint ${p.KeyFingerprint}, created ${p.CreateTime}` })),
  );
}

function homeDir(ctx: Ctx): string {
  return (ctx.platform === 'win32' ? ctx.env.USERPROFILE : ctx.env.HOME) || os.homedir();
}

/**
 * Where new key files go by default, and why:
 * - Windows: Documents\EC2Keys — easy to find in Explorer, and inside the user's profile, which
 *   only that user (and administrators) can read. Only the local %USERPROFILE%\Documents: when
 *   Documents is redirected to OneDrive it is absent, and then %USERPROFILE%\.ssh is used, so a
 *   private key is not synced to the cloud by default.
 * - elsewhere: ~/.ssh — where ssh and most tools look for keys, and private to the user.
 */
export function defaultKeyDir(ctx: Ctx): string {
  const home = homeDir(ctx);
  const p = ctx.platform === 'win32' ? path.win32 : path;
  if (ctx.platform === 'win32') {
    const docs = p.join(home, 'Documents');
    return fs.existsSync(docs) ? p.join(docs, 'EC2Keys') : p.join(home, '.ssh');
  }
  return p.join(home, '.ssh');
}

/** A path as typed or pasted: quotes from Explorer's "Copy as path" or a drag-and-drop removed, ~ expanded. */
function typedPath(ctx: Ctx, v: string): string {
  let t = v.trim();
  if (t.length >= 2 && ((t[0] === '"' && t.endsWith('"')) || (t[0] === "'" && t.endsWith("'")))) t = t.slice(1, -1);
  if (t === '~' || t.startsWith('~/') || t.startsWith('~\\')) t = path.join(homeDir(ctx), t.slice(1));
  return path.resolve(ctx.cwd, t);
}

/** Ask where to save a new file; an existing file is refused (never overwritten). */
async function askSavePath(s: Session, message: string, fileOrPath: string): Promise<string> {
  const dir = defaultKeyDir(s.ctx);
  const def = path.isAbsolute(fileOrPath) ? fileOrPath : path.join(dir, fileOrPath);
  if (!path.isAbsolute(fileOrPath)) {
    s.ui.say(dim(`  Default folder: ${dir} — ${s.ctx.platform === 'win32' ? 'easy to find in Explorer and private to your Windows account' : 'where ssh looks for keys, and private to you'}.`));
  }
  const answer = await s.ui.input({
    message: `${message} ${dim('(Enter to accept, Tab to edit)')}`,
    default: def,
    validate: (v) => {
      const p = typedPath(s.ctx, v || def);
      let st: fs.Stats | undefined;
      try {
        st = fs.statSync(p);
      } catch {
        /* does not exist: good */
      }
      if (st?.isDirectory()) return `${p} is a folder; add a file name`;
      if (st) return `${p} already exists; ec2keys never overwrites a key file: choose another name`;
      const parent = path.dirname(p);
      if (!fs.existsSync(parent) && parent !== dir) return `folder ${parent} does not exist`;
      return true;
    },
  });
  return typedPath(s.ctx, answer || def);
}

/** The default key folder is created on first use, owner-only (as ssh-keygen creates ~/.ssh). */
async function ensureFolder(s: Session, file: string): Promise<void> {
  const parent = path.dirname(file);
  if (fs.existsSync(parent)) return;
  await makeDirs(parent, 0o700); // not Node's recursive mkdir, which can spin for ever (src/dirs.ts)
  s.ui.say(dim(`  created folder ${parent}`));
}

/** Key files in the places people keep them: the default key folder, ~/.ssh, Downloads (EC2 console downloads), the current folder. */
function findKeyFiles(ctx: Ctx, kind: 'private' | 'public' | 'any'): string[] {
  const home = homeDir(ctx);
  const dirs = [...new Set([defaultKeyDir(ctx), path.join(home, '.ssh'), path.join(home, 'Downloads'), ctx.cwd].map((d) => path.resolve(d)))];
  const want = (n: string) => (kind === 'private' ? PRIVATE_NAME.test(n) : kind === 'public' ? PUBLIC_NAME.test(n) || PRIVATE_NAME.test(n) : PRIVATE_NAME.test(n) || PUBLIC_NAME.test(n));
  const found: Array<{ file: string; mtime: number }> = [];
  for (const d of dirs) {
    let names: string[];
    try {
      names = fs.readdirSync(d);
    } catch {
      continue;
    }
    for (const n of names) {
      if (!want(n) || n.startsWith('.')) continue;
      const file = path.join(d, n);
      try {
        const st = fs.statSync(file);
        if (!st.isFile() || st.size === 0 || st.size > KEY_FILE_MAX) continue;
        if (kind === 'private' && looksPublic(file)) continue;
        found.push({ file, mtime: st.mtimeMs });
      } catch {
        /* unreadable: skip */
      }
    }
  }
  // Public keys first when importing (the usual case), then newest first.
  const rank = (f: string) => (kind === 'public' && PUBLIC_NAME.test(f) ? 0 : 1);
  found.sort((a, b) => rank(a.file) - rank(b.file) || b.mtime - a.mtime);
  return found.slice(0, PICK_MAX).map((f) => f.file);
}

/** A public key under a private-key name (pub.pem): not offered where a private key is needed. */
function looksPublic(file: string): boolean {
  const head = Buffer.alloc(128);
  let n = 0;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      n = fs.readSync(fd, head, 0, head.length, 0);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return false;
  }
  const t = head.subarray(0, n).toString('latin1').replace(/^\uFEFF|^\xEF\xBB\xBF/, '').trimStart();
  return /^-----BEGIN (RSA )?PUBLIC KEY-----|^---- BEGIN SSH2 PUBLIC KEY|^ssh-(rsa|ed25519) /.test(t);
}

function shown(ctx: Ctx, file: string): string {
  const home = homeDir(ctx);
  if (ctx.platform !== 'win32' && (file === home || file.startsWith(home + path.sep))) return '~' + file.slice(home.length);
  return file;
}

/** Choose a key file from those found, or type/paste/drag a path. */
async function pickFile(s: Session, kind: 'private' | 'public' | 'any', message: string): Promise<string> {
  const found = findKeyFiles(s.ctx, kind);
  if (found.length) {
    const choice = await s.ui.select<string>(message, [
      ...found.map((f) => ({ name: shown(s.ctx, f), value: f })),
      'separator',
      { name: 'Another file… (type or paste its path)', value: '' },
    ]);
    if (choice) return choice;
  }
  const answer = await s.ui.input({
    message: found.length ? `Path of the file ${dim('(you can drag it onto this window)')}:` : `${message} ${dim('(path; you can drag the file onto this window)')}`,
    validate: (v) => {
      if (v.trim() === '') return 'type the path of the file';
      const p = typedPath(s.ctx, v);
      let st: fs.Stats;
      try {
        st = fs.statSync(p);
      } catch {
        return `${p} does not exist`;
      }
      if (!st.isFile()) return `${p} is not a file`;
      return true;
    },
  });
  return typedPath(s.ctx, answer);
}

/** RSA or ED25519, when the file says so without a passphrase; undefined otherwise. */
async function sniffKeyType(file: string): Promise<'rsa' | 'ed25519' | undefined> {
  try {
    const { readKey } = await import('../keys/detect.js');
    const r = await readKey(fs.readFileSync(file), { what: path.basename(file), passphrase: { get: async () => undefined } });
    return r.key.type === 'ed25519' ? 'ed25519' : 'rsa';
  } catch {
    return undefined;
  }
}

/** `password` options naming where the encrypted password comes from. */
async function askPasswordSource(s: Session, g: GlobalOptions = s.g): Promise<string[]> {
  const { ui } = s;
  const how = await ui.select<'paste' | 'instance'>('Where is the encrypted password?', [
    {
      name: 'I will paste the password data',
      value: 'paste',
      description: 'the PasswordData text of `aws ec2 get-password-data --instance-id i-… --query PasswordData --output text`',
    },
    { name: 'Fetch it from EC2 (instance id and region)', value: 'instance', description: awsCredentialsHint(s.ctx) },
  ]);
  if (how === 'paste') {
    const data = await ui.input({
      message: 'Password data (paste it, then Enter):',
      transformer: (v, { isFinal }) => (isFinal ? dim(`(${v.trim().length} characters)`) : v),
      validate: (v) => {
        const t = v.replace(/\s+/g, '');
        if (t === '') return 'paste the PasswordData text (base64, ends with "=" mostly)';
        if (!/^[A-Za-z0-9+/]+={0,2}$/.test(t)) return 'that is not password data: expected base64 text (letters, digits, + / and = at the end)';
        if (t.length < 88) return `that is too short for password data (${t.length} characters; a 2048-bit key gives 344)`;
        return true;
      },
    });
    return ['--data', data.replace(/\s+/g, '')];
  }
  const id = (
    await ui.input({
      message: 'Instance id:',
      validate: (v) => (INSTANCE_ID.test(v.trim()) ? true : `"${v.trim()}" is not an instance id; ids look like i-0123456789abcdef0`),
    })
  ).trim();
  const region = await askRegion(s, await regionFor(g, 'ec2'));
  const wait = await ui.confirm({ message: 'Wait if the password is not ready yet? (Windows needs a few minutes after launch)', default: true });
  return ['--instance-id', id, '--region', region, ...(wait ? ['--wait'] : [])];
}

// ---------------------------------------------------------------------------------------------
// Missing values of a typed command

function globalsOf(argv: string[], ctx: Ctx): GlobalOptions {
  const program = createProgram(quietApp(ctx));
  program.parseOptions(argv);
  return resolveGlobals(ctx, program);
}

function quietApp(ctx: Ctx): App {
  const sink = new Writable({ write: (_c, _e, cb) => cb() });
  const q: Ctx = { ...ctx, stdout: sink, stderr: sink };
  return { ctx: q, out: new Reporter(q, false), globals: (cmd) => resolveGlobals(ctx, cmd) };
}

interface Probe {
  name: string;
  args: unknown[];
  opts: Record<string, unknown>;
  g: GlobalOptions;
}

/**
 * Parse argv exactly as the real program does, but with every argument and option optional and
 * the actions replaced by a recorder: what the user gave, and so what is missing.
 */
async function probe(argv: string[], ctx: Ctx): Promise<Probe | undefined> {
  const program = await buildProgram(quietApp(ctx), argv);
  let got: Probe | undefined;
  for (const sub of program.commands) {
    for (const a of sub.registeredArguments) a.required = false;
    for (const o of sub.options) o.mandatory = false;
    sub.action((...xs: unknown[]) => {
      const cmd = xs[xs.length - 1] as Command;
      got = { name: cmd.name(), args: xs.slice(0, -2), opts: cmd.opts(), g: resolveGlobals(ctx, cmd) };
    });
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch {
    return undefined;
  }
  return got;
}

/**
 * A command run on a terminal failed with a usage error: if that is because a required value
 * is missing, ask for it and return the argv to run again; undefined when nothing can be asked
 * (the original error then stands). Never prompts without a terminal, with --no-input or CI.
 */
export async function fillMissing(argv: string[], ctx: Ctx): Promise<string[] | undefined> {
  const p = await probe(argv, ctx);
  if (!p || !canPrompt(ctx, p.g)) return undefined;
  const ui = await Ui.open(ctx);
  const s: Session = { ctx, ui, base: [], g: p.g, store: { args: [], g: p.g, label: await storeLabel(p.g) } };
  const opts: string[] = [];
  const pos: string[] = [];
  const o = p.opts;
  const missingArg = (i: number) => p.args[i] === undefined || (Array.isArray(p.args[i]) && (p.args[i] as unknown[]).length === 0);
  switch (p.name) {
    case 'new':
      if (missingArg(0)) pos.push(await askKeyName(s, 'Name of the new key pair:', { unique: p.g }));
      break;
    case 'import':
      if (o.batch !== undefined) break;
      if (o.publicKey === undefined && o.publicKeyFile === undefined && ctx.stdin.isTTY) opts.push(`--public-key-file=${await pickFile(s, 'public', 'Public key file to import:')}`);
      if (missingArg(0)) pos.push(await askKeyName(s, 'Name of the key pair:', { unique: p.g }));
      break;
    case 'remove':
      if (missingArg(0) && o.id === undefined) {
        const id = await pickKeyPair(s, p.g, 'Key pair to remove:');
        if (id) opts.push(`--id=${id}`);
      }
      break;
    case 'retrieve':
      if (missingArg(0) && o.id === undefined) pos.push(await askKeyName(s, 'Name of the key pair (created by CloudFormation):'));
      break;
    case 'verify':
      if (missingArg(0)) pos.push(await pickFile(s, 'any', 'Key file to check:'));
      if (missingArg(1)) pos.push(await askKeyName(s, 'Name of the key pair it should belong to:'));
      break;
    case 'push':
      if (missingArg(0)) pos.push(await askKeyName(s, 'Name of the key pair in the local registry:'));
      if (o.regions === undefined) {
        const r = await ui.input({
          message: 'Regions to import it into (comma-separated, or all):',
          validate: (v) => (v.trim() === 'all' || v.split(',').map((x) => x.trim()).filter(Boolean).every((x) => REGION.test(x)) && v.trim() !== '' ? true : 'give regions such as us-east-1,eu-west-1, or all'),
        });
        opts.push(`--regions=${r.trim()}`);
      }
      break;
    case 'fingerprint':
      if (missingArg(0)) pos.push(await pickFile(s, 'any', 'Key file:'));
      break;
    case 'convert':
      if (missingArg(0)) pos.push(await pickFile(s, 'private', 'Key file to convert:'));
      if (o.to === undefined) {
        const to = await ui.select<string>('Convert to:', [
          { name: 'PuTTY .ppk', value: 'ppk' },
          { name: 'PEM (.pem)', value: 'pem' },
          { name: 'PKCS#8 (.p8.pem)', value: 'pkcs8' },
          { name: 'OpenSSH (.key)', value: 'openssh' },
        ]);
        opts.push(`--to=${to}`);
      }
      break;
    case 'password':
      if (o.key === undefined) opts.push(`--key=${await pickFile(s, 'private', 'Key file of the key pair the instance was launched with:')}`);
      if (o.data === undefined && o.dataFile === undefined && o.instanceId === undefined && ctx.stdin.isTTY) {
        const src = await askPasswordSource(s, p.g);
        for (let i = 0; i < src.length; i++) {
          if (src[i] === '--wait') opts.push('--wait');
          else opts.push(`${src[i]}=${src[++i]}`);
        }
      }
      break;
    case 'protect':
      if (missingArg(0)) pos.push(await pickFile(s, 'private', 'Key file to make private to you:'));
      break;
  }
  if (!opts.length && !pos.length) return undefined;
  // Options go before a `--` the user typed (after it everything is an operand); new operands at the very end.
  const dd = argv.indexOf('--');
  if (dd >= 0) return [...argv.slice(0, dd), ...opts, ...argv.slice(dd), ...pos];
  return [...argv, ...opts, ...(pos.length ? ['--', ...pos] : [])];
}

