// The interactive mode (issue #6 §3, src/cli/wizard.ts), driven through a real pseudo-terminal:
// each test starts `node bin/ec2keys.js` inside its own tmux server, presses keys as a person
// would (arrows, Enter, typing, Ctrl-C) and reads the screen with capture-pane. Nothing of the
// prompt library is mocked. Outcomes are checked on disk and against real tools: puttygen and
// ssh-keygen read the files written, `ec2keys verify`/`get --json` read the registry.
//
// Robust on a loaded machine: every step waits for the text it expects (polling, generous
// timeout) instead of sleeping, and keys are only sent once the prompt they answer is drawn.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli } from '../helpers/cli.js';
import { Term } from '../helpers/term.js';
import { FAKE_AWS_ENV, startMoto } from '../helpers/moto.js';
import { faultProxy } from '../faults/helpers.js';
import { hasTool, opensslEncryptPassword, opensslGenRsa, tmpDir, tool } from '../helpers/tools.js';

const HAVE_TMUX = hasTool('tmux');

const terms: Term[] = [];
let ROOT = '';

beforeAll(() => {
  ROOT = tmpDir('ec2keys-wizard-');
});
afterEach(() => {
  for (const t of terms.splice(0)) t.close();
});
afterAll(() => {
  fs.rmSync(ROOT, { recursive: true, force: true });
});

/** A fresh user: HOME, local registry, working folder. */
function user(name: string) {
  const base = path.join(ROOT, name);
  const u = { home: path.join(base, 'home'), reg: path.join(base, 'registry'), cwd: path.join(base, 'work') };
  for (const d of [u.home, u.cwd]) fs.mkdirSync(d, { recursive: true });
  return { ...u, env: { HOME: u.home, EC2KEYS_HOME: u.reg, AWS_REGION: 'eu-west-1' } };
}

function start(u: ReturnType<typeof user>, args: string[] = [], env: Record<string, string | undefined> = {}): Term {
  const t = Term.start([process.execPath, BIN, ...args], { cwd: u.cwd, env: { ...u.env, ...env } });
  terms.push(t);
  return t;
}

async function registry(u: ReturnType<typeof user>): Promise<Array<{ KeyName: string; KeyPairId: string; KeyType: string; KeyFingerprint: string }>> {
  const r = await runCli(['get', '--json'], { env: u.env, cwd: u.cwd });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout).KeyPairs;
}

/** Every file under `dir`, relative (temp files of an interrupted write would show here). */
function tree(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).sort();
}

/** OpenSSH public key (type and base64) of a PEM public key, as ssh-keygen converts it. */
function sshPublicOfPem(file: string): string {
  return tool('ssh-keygen', ['-i', '-m', 'PKCS8', '-f', file]).toString().trim().split(/\s+/).slice(0, 2).join(' ');
}

const MENU = 'What do you want to do?';
const CLOSE = 'Press Enter to close';

describe.skipIf(!HAVE_TMUX)('ec2keys interactive mode (tmux)', { timeout: 150_000 }, () => {
  it('without a terminal, with --no-input or with CI: no menu and no prompt (help exit 0; missing value exit 2)', async () => {
    const u = user('plain');
    const help = await runCli([], { env: u.env });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: ec2keys/m);
    expect(help.stdout + help.stderr).not.toContain(MENU);
    const missing = await runCli(['new'], { env: u.env, cwd: u.cwd });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("missing required argument 'name'");

    // A terminal, but --no-input: the help, exit 0.
    const t1 = start(u, ['--no-input']);
    expect(await t1.exitCode()).toBe(0);
    expect(t1.screen()).toContain('Usage: ec2keys');
    expect(t1.screen()).not.toContain(MENU);
    // A terminal, but CI set: a missing --key is a usage error, nothing asked.
    const t2 = start(u, ['password'], { CI: 'true' });
    expect(await t2.exitCode()).toBe(2);
    expect(t2.screen()).toContain("required option '-k, --key <file>' not specified");
    expect(t2.screen()).not.toContain('Key file of the key pair');
    const t3 = start(u, ['new', '--no-input']);
    expect(await t3.exitCode()).toBe(2);
    expect(t3.screen()).not.toContain('Name of the new key pair');
    expect(tree(u.cwd)).toEqual([]);
    expect(tree(u.reg).filter((f) => f.endsWith('.json'))).toEqual([]);
  });

  it('creates a key pair: live name check, RSA-only explanation, size, PPK, default folder, no overwrite; then lists it', async () => {
    const u = user('create');
    const blocker = path.join(u.cwd, 'taken.ppk');
    fs.writeFileSync(blocker, 'do not touch\n');
    // Global options alone (here --home) still open the menu.
    const t = start(u, ['--home', u.reg], { EC2KEYS_HOME: undefined });
    await t.waitFor(MENU);
    await t.step(() => t.keys('Enter'), 'Where do your key pairs live?');
    await t.step(() => t.keys('Enter'), 'Name of the new key pair:');
    t.type(' web admin');
    await t.waitFor('✗ no spaces at the start or end');
    t.keys('C-u');
    t.type('wiz-\u00e9');
    await t.waitFor('is not ASCII');
    t.keys('C-u');
    t.type('wiz-key');
    let s = await t.step(() => t.keys('Enter'), 'Which instances will use this key pair?');
    expect(s).not.toContain('✗');
    s = await t.step(() => t.keys('Enter'), 'Key size:');
    expect(s).toContain('ED25519 is not offered for Windows');
    expect(s).not.toMatch(/^[?✔] Key type:/m); // no type question for Windows
    await t.step(() => t.keys('Down', 'Enter'), 'File format:');
    await t.step(() => t.keys('Down', 'Enter'), 'Protect the key file with a passphrase?');
    s = await t.step(() => t.keys('Enter'), 'Save the private key as:');
    const def = path.join(u.home, '.ssh', 'wiz-key.ppk');
    expect(s).toContain(def);
    // An existing file is refused, and the question stays.
    t.type(blocker);
    await t.step(() => t.keys('Enter'), 'already exists; ec2keys never overwrites a key file');
    t.keys('C-u');
    s = await t.step(() => t.keys('Enter'), CLOSE);
    expect(s).toContain(`private key saved to ${def} (ppk3, owner-only)`);
    expect(fs.readFileSync(blocker, 'utf8')).toBe('do not touch\n');
    // Back to the menu, list: the store question is not asked twice.
    await t.step(() => t.keys('Down', 'Enter'), MENU);
    s = await t.step(() => t.keys('Down', 'Down', 'Enter'), CLOSE);
    expect(s.split('Where do your key pairs live?').length - 1).toBe(1);
    expect(s).toMatch(/KeyName\s+KeyType\s+KeyFingerprint[\s\S]*wiz-key\s+rsa/);
    t.keys('Enter');
    expect(await t.exitCode()).toBe(0);

    // The file: owner-only in an owner-only ~/.ssh, a PPK v3 puttygen loads, 3072 bits, the pair's key.
    expect(fs.statSync(def).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(def)).mode & 0o777).toBe(0o700);
    expect(fs.readFileSync(def, 'utf8')).toMatch(/^PuTTY-User-Key-File-3: ssh-rsa\r?\n/);
    const pub = path.join(u.cwd, 'pub');
    tool('puttygen', [def, '-O', 'public-openssh', '-o', pub]);
    expect(tool('ssh-keygen', ['-l', '-f', pub]).toString()).toMatch(/^3072 SHA256:/);
    const v = await runCli(['verify', def, 'wiz-key'], { env: u.env, cwd: u.cwd });
    expect(v.code, v.stderr).toBe(0);
    const pairs = await registry(u);
    expect(pairs.map((p) => [p.KeyName, p.KeyType])).toEqual([['wiz-key', 'rsa']]);
  });

  it('imports an ED25519 public key for Linux only, then removes a pair after a confirmation naming it', async () => {
    const u = user('import');
    tool('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'me@host', '-f', path.join(u.cwd, 'laptop')]);
    const keep = await runCli(['new', 'keep-me', '--out', path.join(u.cwd, 'keep.pem')], { env: u.env, cwd: u.cwd });
    expect(keep.code, keep.stderr).toBe(0);
    const t = start(u);
    await t.waitFor(MENU);
    await t.step(() => t.keys('Down', 'Enter'), 'Where do your key pairs live?');
    let s = await t.step(() => t.keys('Enter'), 'Public key file to import:');
    // The .pub file is offered first.
    expect(s).toMatch(/Public key file to import:\s*\n❯ .*laptop\.pub/);
    s = await t.step(() => t.keys('Enter'), 'Import it for Linux instances only?');
    expect(s).toContain('Windows instances cannot use ED25519 key pairs');
    s = await t.step(() => t.keys('Enter'), 'Name of the key pair:');
    expect(s).toContain('(laptop)'); // the file name is offered as the name
    s = await t.step(() => t.keys('Enter'), CLOSE);
    expect(s).toMatch(/imported key pair laptop \(key-[0-9a-f]{17}\)/);

    let pairs = await registry(u);
    const laptop = pairs.find((p) => p.KeyName === 'laptop')!;
    expect(laptop.KeyType).toBe('ed25519');
    const fp = await runCli(['fingerprint', '--json', path.join(u.cwd, 'laptop.pub')], { env: u.env });
    expect(laptop.KeyFingerprint).toBe(JSON.parse(fp.stdout).ImportedFingerprint);

    // Remove: pick "laptop" from the list (sorted by name: keep-me, laptop); the confirmation names it.
    await t.step(() => t.keys('Down', 'Enter'), MENU);
    await t.step(() => t.keys('Down', 'Down', 'Down', 'Enter'), 'Key pair to remove:');
    s = await t.step(() => t.keys('Down', 'Enter'), 'Delete key pair');
    expect(s).toContain(`Delete key pair "laptop" (${laptop.KeyPairId}, ${laptop.KeyFingerprint})`);
    t.type('y');
    s = await t.step(() => t.keys('Enter'), CLOSE);
    expect(s).toContain(`removed key pair laptop (${laptop.KeyPairId})`);
    t.keys('Enter');
    expect(await t.exitCode()).toBe(0);
    pairs = await registry(u);
    expect(pairs.map((p) => p.KeyName)).toEqual(['keep-me']);
  });

  it('answering No at a confirmation is Ec2Keys.Cancelled, exit 1 (not Ctrl-C\'s Ec2Keys.Interrupted): remove keeps the pair, the wizard imports nothing', async () => {
    const u = user('cancel');
    tool('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'me@host', '-f', path.join(u.cwd, 'laptop')]);
    const keep = await runCli(['new', 'keep-me', '--out', path.join(u.cwd, 'keep.pem')], { env: u.env, cwd: u.cwd });
    expect(keep.code, keep.stderr).toBe(0);
    const before = await registry(u);

    // `ec2keys remove keep-me` on a terminal, answered No.
    const t1 = start(u, ['remove', 'keep-me']);
    await t1.waitFor(`Delete key pair "keep-me" (${before[0].KeyPairId}`);
    t1.type('n');
    t1.keys('Enter');
    expect(await t1.exitCode()).toBe(1);
    let s = t1.screen();
    expect(s).toMatch(/^ec2keys: Ec2Keys\.Cancelled: nothing was removed: the removal of key pair "keep-me" was not confirmed$/m);
    expect(s).not.toContain('Interrupted');

    // The same with --json: the document on stdout carries the code.
    const t2 = start(u, ['--json', 'remove', 'keep-me']);
    await t2.waitFor('Delete key pair "keep-me"');
    t2.type('n');
    t2.keys('Enter');
    expect(await t2.exitCode()).toBe(1);
    s = t2.screen();
    const doc = /^(\{"Error".*\})$/m.exec(s);
    expect(doc, s).not.toBeNull();
    expect(JSON.parse(doc![1])).toEqual({ Error: { Code: 'Ec2Keys.Cancelled', Message: 'nothing was removed: the removal of key pair "keep-me" was not confirmed', Target: 'keep-me' } });
    expect(await registry(u)).toEqual(before);

    // The wizard: an ED25519 public key, "Import it for Linux instances only?" answered No.
    const t3 = start(u);
    await t3.waitFor(MENU);
    await t3.step(() => t3.keys('Down', 'Enter'), 'Where do your key pairs live?');
    await t3.step(() => t3.keys('Enter'), 'Public key file to import:');
    await t3.step(() => t3.keys('Enter'), 'Import it for Linux instances only?');
    t3.type('n');
    s = await t3.step(() => t3.keys('Enter'), CLOSE);
    expect(s).toMatch(/^ec2keys: Ec2Keys\.Cancelled: nothing was imported: laptop\.pub is an ED25519 key, which Windows instances cannot use, and importing it for Linux only was declined$/m);
    t3.keys('Enter');
    expect(await t3.exitCode()).toBe(1);
    expect(await registry(u)).toEqual(before);
  });

  it('decrypts the Windows password with an encrypted key (hidden passphrase), converts to PPK and fixes permissions', async () => {
    const u = user('password');
    const plain = path.join(u.cwd, 'plain.tmp');
    opensslGenRsa(plain, 2048);
    const key = path.join(u.cwd, 'win-box.pem');
    tool('openssl', ['pkcs8', '-topk8', '-in', plain, '-out', key, '-passout', 'pass:open sesame', '-v2', 'aes-256-cbc']);
    const password = 'Zq7;&Wk$x(9Lm=Yv!2Pt"';
    const blob = opensslEncryptPassword(plain, password);
    tool('openssl', ['pkey', '-in', plain, '-pubout', '-out', path.join(u.cwd, 'public.pem')]);
    fs.renameSync(plain, path.join(u.cwd, 'rsa.key'));
    fs.chmodSync(path.join(u.cwd, 'rsa.key'), 0o644);

    const t = start(u);
    await t.waitFor(MENU);
    let s = await t.step(() => t.keys('Down', 'Down', 'Down', 'Down', 'Enter'), 'Key file of the key pair the instance was launched with:');
    expect(s).toContain('win-box.pem');
    expect(s).not.toContain('public.pem'); // a public key is not offered where a private key is needed
    const pick = (name: string) => {
      const lines = t.screen().split('\n');
      const first = lines.findLastIndex((l) => l.includes('Key file of the key pair') || l.includes('Key file to'));
      const idx = lines.slice(first + 1).findIndex((l) => l.includes(name));
      return Array(idx).fill('Down');
    };
    const down = pick('win-box.pem');
    await t.step(() => t.keys(...down, 'Enter'), 'Where is the encrypted password?');
    await t.step(() => t.keys('Enter'), 'Password data (paste it, then Enter):');
    t.type(blob);
    await t.step(() => t.keys('Enter'), 'Passphrase for win-box.pem');
    t.type('open sesame');
    s = await t.step(() => t.keys('Enter'), CLOSE);
    expect(s).toContain(`Windows Administrator password:  ${password}`);
    expect(s).toContain('To copy it');
    expect(s).not.toContain('open sesame'); // typed hidden
    expect(s).toContain('***********');

    // Convert the unencrypted key to PPK v3 next to it.
    await t.step(() => t.keys('Down', 'Enter'), MENU);
    await t.step(() => t.keys('Down', 'Down', 'Down', 'Down', 'Down', 'Enter'), 'Key file to convert:');
    const d2 = pick('rsa.key');
    await t.step(() => t.keys(...d2, 'Enter'), 'Convert to:');
    await t.step(() => t.keys('Enter'), 'Protect the new file with a passphrase?');
    s = await t.step(() => t.keys('Enter'), 'Save the converted key as:');
    const ppk = path.join(u.cwd, 'rsa.ppk');
    expect(s).toContain(ppk);
    s = await t.step(() => t.keys('Enter'), CLOSE);
    expect(s).toContain(`wrote ${ppk} (ppk3, owner-only)`);
    const viaPutty = path.join(u.cwd, 'via-putty.pub');
    tool('puttygen', [ppk, '-O', 'public-openssh', '-o', viaPutty]);
    expect(fs.readFileSync(viaPutty, 'utf8').split(/\s+/).slice(0, 2).join(' ')).toBe(sshPublicOfPem(path.join(u.cwd, 'public.pem')));

    // Fix the permissions of the world-readable key.
    await t.step(() => t.keys('Down', 'Enter'), MENU);
    await t.step(() => t.keys('Down', 'Down', 'Down', 'Down', 'Down', 'Down', 'Enter'), 'Key file to make private to you:');
    const d3 = pick('rsa.key');
    s = await t.step(() => t.keys(...d3, 'Enter'), CLOSE);
    expect(s).toMatch(/rsa\.key\s+0644\s+0600/);
    t.keys('Enter');
    expect(await t.exitCode()).toBe(0);
    expect(fs.statSync(path.join(u.cwd, 'rsa.key')).mode & 0o777).toBe(0o600);
  });

  it('a command missing its values asks for them on a terminal: new without a name, password without --key or data', async () => {
    const u = user('missing');
    const t = start(u, ['new', '--format', 'openssh']);
    await t.waitFor('Name of the new key pair:');
    t.type('-starts-with-dash');
    let s = await t.step(() => t.keys('Enter'), '[exit');
    expect(s).toContain('created key pair -starts-with-dash');
    expect(await t.exitCode()).toBe(0);
    const file = path.join(u.cwd, '-starts-with-dash.key');
    expect(fs.readFileSync(file, 'utf8')).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----/);
    expect((await runCli(['verify', '--', file, '-starts-with-dash'], { env: u.env, cwd: u.cwd })).code).toBe(0);

    const plain = path.join(u.cwd, 'k.pem');
    opensslGenRsa(plain, 2048);
    const blob = opensslEncryptPassword(plain, 'S3cret-Pass');
    const t2 = start(u, ['password']);
    s = await t2.waitFor('Key file of the key pair the instance was launched with:');
    const lines = s.split('\n');
    const at = lines.findIndex((l) => l.includes('Key file of the key pair'));
    const idx = lines.slice(at + 1).findIndex((l) => l.includes('k.pem'));
    await t2.step(() => t2.keys(...Array(idx).fill('Down'), 'Enter'), 'Where is the encrypted password?');
    await t2.step(() => t2.keys('Enter'), 'Password data');
    t2.type(blob.slice(0, 20));
    await t2.step(() => t2.keys('Enter'), 'too short for password data');
    t2.keys('C-u');
    t2.type(blob);
    s = await t2.step(() => t2.keys('Enter'), '[exit');
    expect(await t2.exitCode()).toBe(0);
    expect(s).toMatch(/^S3cret-Pass$/m);
  });

  it.skipIf(!hasTool('moto_server'))('creates the key pair in EC2 when the user picks EC2 (moto_server), asking for the region', async () => {
    const moto = await startMoto();
    try {
      const u = user('ec2');
      const t = start(u, [], { ...FAKE_AWS_ENV, AWS_REGION: undefined, EC2KEYS_ENDPOINT_URL: moto.endpoint });
      await t.waitFor(MENU);
      let s = await t.step(() => t.keys('Enter'), 'Where do your key pairs live?');
      s = await t.step(() => t.keys('Down'), 'uses the AWS credentials in AWS_ACCESS_KEY_ID');
      await t.step(() => t.keys('Enter'), 'AWS region');
      t.type('mars-1');
      await t.step(() => t.keys('Enter'), 'is not a region name');
      t.keys('C-u');
      t.type(moto.region);
      await t.step(() => t.keys('Enter'), 'Name of the new key pair:');
      t.type('cloud-key');
      await t.step(() => t.keys('Enter'), 'Which instances will use this key pair?');
      await t.step(() => t.keys('Enter'), 'Key size:');
      await t.step(() => t.keys('Enter'), 'File format:');
      await t.step(() => t.keys('Enter'), 'Protect the key file with a passphrase?');
      await t.step(() => t.keys('Enter'), 'Save the private key as:');
      s = await t.step(() => t.keys('Enter'), CLOSE);
      const made = /created key pair cloud-key \((key-[0-9a-f]{17})\) in EC2, us-east-1\nfingerprint (\S+)/.exec(s);
      expect(made, s).not.toBeNull();
      // Back in the menu the store can be switched; quitting from the menu ends with the last task's code.
      s = await t.step(() => t.keys('Down', 'Enter'), MENU);
      expect(s).toContain(`Switch where key pairs live (now: EC2, ${moto.region})`);
      t.keys(...Array(12).fill('Down'), 'Enter'); // Quit is the last item
      expect(await t.exitCode()).toBe(0);

      const file = path.join(u.home, '.ssh', 'cloud-key.pem');
      expect(fs.readFileSync(file, 'utf8')).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
      // EC2 (moto, seen through the AWS CLI) has the pair the wizard reported.
      const desc = await moto.aws(['ec2', 'describe-key-pairs', '--key-names', 'cloud-key']);
      expect([desc.KeyPairs[0].KeyPairId, desc.KeyPairs[0].KeyFingerprint]).toEqual([made![1], made![2]]);
      expect(await registry(u)).toEqual([]); // nothing went to the local registry
    } finally {
      await moto.stop();
    }
  });

  it('Ctrl-C at any question exits with 130 and leaves no file and no key pair behind', async () => {
    const u = user('ctrlc');
    // In the menu.
    const t1 = start(u);
    await t1.waitFor(MENU);
    t1.keys('C-c');
    expect(await t1.exitCode()).toBe(130);

    // At the last question of "create": nothing was created yet, nothing is.
    const t2 = start(u);
    await t2.waitFor(MENU);
    await t2.step(() => t2.keys('Enter'), 'Where do your key pairs live?');
    await t2.step(() => t2.keys('Enter'), 'Name of the new key pair:');
    t2.type('never');
    await t2.step(() => t2.keys('Enter'), 'Which instances will use this key pair?');
    await t2.step(() => t2.keys('Enter'), 'Key size:');
    await t2.step(() => t2.keys('Enter'), 'File format:');
    await t2.step(() => t2.keys('Enter'), 'Protect the key file with a passphrase?');
    await t2.step(() => t2.keys('Enter'), 'Save the private key as:');
    t2.keys('C-c');
    expect(await t2.exitCode()).toBe(130);
    expect(t2.screen()).toContain('Ec2Keys.Interrupted');

    // At the new passphrase of "convert" (the hidden prompt of the command itself).
    const src = path.join(u.cwd, 'src.pem');
    opensslGenRsa(src, 2048);
    const before = tree(u.cwd);
    const t3 = start(u, ['convert', src, '--to', 'ppk', '--encrypt']);
    await t3.waitFor('New passphrase');
    t3.type('half-typed');
    t3.keys('C-c');
    expect(await t3.exitCode()).toBe(130);

    expect(tree(u.cwd)).toEqual(before);
    expect(tree(u.home)).toEqual([]); // not even the default key folder
    expect(await registry(u)).toEqual([]);
  });

  it('Ctrl-C on a terminal while EC2 is slow to create the pair: the screen says what it waits for and how to stop now; a second Ctrl-C stops at once, with the hint', async () => {
    const u = user('ctrlc-slow');
    const moto = await startMoto();
    const proxy = await faultProxy(moto.port, 'Action=CreateKeyPair', 'delay-answer', 60_000);
    try {
      const t = start(u, ['--store', 'ec2', '--endpoint-url', proxy.url, '--region', moto.region, 'new', 'slow', '--out', path.join(u.cwd, 'slow.pem')], FAKE_AWS_ENV);
      await proxy.matched; // the request has left; its answer is held back
      t.keys('C-c');
      await t.waitFor('ec2keys: Ec2Keys.Interrupted: interrupted by Ctrl-C (SIGINT)');
      await t.waitFor('waiting for the step in progress to finish, to undo it; press Ctrl-C again to stop now');
      t.keys('C-c');
      expect(await t.exitCode()).toBe(130);
      expect(t.screen()).toContain('hint: an operation was still running when ec2keys stopped; check its result (for example with `ec2keys get`)');
      expect(tree(u.cwd)).toEqual([]);
    } finally {
      proxy.close();
      await moto.stop();
    }
  });
});
