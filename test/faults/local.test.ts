// Faults of the local registry and of key files, through the real CLI (issue #7 §3): a registry
// edited by hand into garbage, a read-only or full EC2KEYS_HOME (a small tmpfs, and a file-size
// ulimit where mounting is not allowed), another user's registry (setpriv to an unprivileged
// user: tests run as root, for whom chmod means nothing), and a key file whose write fails half-way.
// For each: exit 1 with a clear Ec2Keys.* error naming the file, and — compared byte for byte
// with a snapshot of every entry, hidden ones too — nothing lost, nothing overwritten, no partial
// or temp file left, and no key pair recorded whose private key was not saved.
// Store-level corruption cases and kill -9 loops are in test/store; CLI crash loops in crash.test.ts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tmpDir, tool } from '../helpers/tools.js';
import { AS_NOBODY, CAN_DROP_PRIVILEGES, CAN_MOUNT, IS_ROOT, Tmpfs, expectFailure, expectOk, run, snapshot } from './helpers.js';

const REGION = 'us-east-1';
const cleanup: (() => void)[] = [];
afterAll(() => {
  for (const f of cleanup.reverse()) f();
});
const dir = (prefix: string) => {
  const d = tmpDir(prefix);
  cleanup.push(() => fs.rmSync(d, { recursive: true, force: true }));
  return d;
};
const mount = (kb: number) => {
  const t = new Tmpfs(kb);
  cleanup.push(() => t.unmount());
  return t;
};
describe.concurrent('--out naming a device, pipe or socket', () => {
  it('new and convert refuse it even with --force: the special file stays, nothing is written, no pair is left', async () => {
    const home = dir('ec2keys-faults-home-');
    const work = dir('ec2keys-faults-work-');
    const env = { EC2KEYS_HOME: home };
    const fifo = path.join(work, 'pipe');
    tool('mkfifo', [fifo]);
    const targets: [string, string][] = [[fifo, 'a named pipe']];
    // A /dev/null of our own (the real one must not be touched by a test): needs root.
    if (IS_ROOT) { tool('mknod', ['-m', '666', path.join(work, 'null'), 'c', '1', '3']); targets.push([path.join(work, 'null'), 'a character device']); }
    const pem = path.join(work, 'k.pem');
    tool('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-m', 'PEM', '-N', '', '-f', pem]);
    for (const [t, kind] of targets) {
      for (const args of [['new', 'dev', '--out', t, '--force'], ['convert', pem, '--to', 'openssh', '--out', t, '--force'], ['new', 'dev2', '--out', t]]) {
        const r = await run(['--json', ...args], { env, timeoutMs: 30_000 });
        const { json } = expectFailure(r, 'Ec2Keys.FileError');
        expect(json!.Message).toBe(`${t} is ${kind}, not a file: a key file is written as a new file and renamed into place, which would replace it`);
        expect(json!.Hint).toMatch(/--out -/);
      }
      const st = fs.lstatSync(t);
      expect(kind === 'a named pipe' ? st.isFIFO() : st.isCharacterDevice()).toBe(true);
    }
    expect(fs.readdirSync(work).sort()).toEqual(IS_ROOT ? ['k.pem', 'k.pem.pub', 'null', 'pipe'] : ['k.pem', 'k.pem.pub', 'pipe']);
    expect(await names(home)).toEqual([]);
  }, 240_000);
});

const registry = (home: string) => path.join(home, 'regions', REGION, 'keypairs.json');

let RSA_PUB = '';
let ED_PUB = '';
beforeAll(() => {
  const d = dir('ec2keys-faults-keys-');
  tool('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-f', path.join(d, 'rsa')]);
  tool('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(d, 'ed')]);
  RSA_PUB = path.join(d, 'rsa.pub');
  ED_PUB = path.join(d, 'ed.pub');
  fs.chmodSync(d, 0o755); // the unprivileged user reads the public keys too
});

/** A registry with two pairs (one created, one imported); returns its folder. */
async function seededHome(home = dir('ec2keys-faults-home-'), work = dir('ec2keys-faults-work-')): Promise<string> {
  const env = { EC2KEYS_HOME: home };
  expectOk(await run(['new', 'created', '--out', path.join(work, 'created.pem')], { env }));
  expectOk(await run(['import', 'imported', '--public-key-file', RSA_PUB], { env }));
  return home;
}

async function names(home: string): Promise<string[]> {
  const r = await run(['--json', 'get'], { env: { EC2KEYS_HOME: home } });
  expectOk(r);
  return JSON.parse(r.stdout).KeyPairs.map((k: { KeyName: string }) => k.KeyName).sort();
}

/** Every registry-writing command, each with a key file target in `work` where it writes one. */
const writers = (work: string): [string, string[]][] => [
  ['new', ['new', 'fresh', '--out', path.join(work, 'fresh.pem')]],
  ['import', ['import', 'other', '--public-key-file', ED_PUB, '--platform', 'linux']],
  ['remove', ['remove', 'created', '--yes']],
  ['import --batch', ['import', '--batch', '-']],
];
const batchInput = () => `b1 ${fs.readFileSync(RSA_PUB, 'utf8').trim()}\n`;

describe.concurrent('a registry file edited by hand', () => {
  // What an editor does to it: Notepad's CRLF, a BOM, a pair deleted by hand (the section sizes in
  // the header no longer match), and a same-length edit that breaks the JSON.
  const edits: [string, (s: Buffer) => Buffer, RegExp][] = [
    ['saved with CRLF line ends', (b) => Buffer.from(b.toString('latin1').replace(/\n/g, '\r\n'), 'latin1'), /has a damaged header line/],
    ['saved with a UTF-8 BOM', (b) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b]), /is not an ec2keys registry file/],
    ['a pair deleted by hand', (b) => Buffer.from(b.toString('utf8').replace(/\n\{"KeyPairId":[^\n]*"KeyName":"imported"[^\n]*/, ''), 'utf8'), /is incomplete or damaged/],
    ['its JSON broken (same length)', (b) => Buffer.from(b.toString('utf8').replace('{"KeyPairs":[', '{"KeyPairs":{'), 'utf8'), /has a damaged key pair list/],
  ];

  it.each(edits)('%s: every command is Ec2Keys.StoreCorrupt naming it; the file is left as it is, nothing is written', async (_what, edit, why) => {
    const home = await seededHome();
    const file = registry(home);
    const original = fs.readFileSync(file);
    const edited = edit(original);
    expect(edited.equals(original)).toBe(false);
    fs.writeFileSync(file, edited);
    const work = dir('ec2keys-faults-work-');
    const before = { home: snapshot(home), work: snapshot(work) };
    const env = { EC2KEYS_HOME: home };
    const cmds: [string, string[]][] = [['get', ['get']], ['get --json', ['--json', 'get', '--include-public-key']], ...writers(work)];
    const results = await Promise.all(cmds.map(([, args]) => run(args, { env, input: batchInput() })));
    for (const [i, r] of results.entries()) {
      const { line } = expectFailure(r, 'Ec2Keys.StoreCorrupt');
      expect(line, cmds[i][0]).toContain(file);
      expect(line).toMatch(why);
      expect(r.stderr).toMatch(/^hint: ec2keys will not overwrite it/m);
    }
    const json = results[1];
    expect(JSON.parse(json.stdout).Error.Target).toBe(file);
    expect(fs.readFileSync(file).equals(edited), 'the edited file was rewritten').toBe(true);
    expect(snapshot(home)).toEqual(before.home);
    expect(snapshot(work), 'a key file was written for a pair that was never recorded').toEqual(before.work);
    // Put the original back: both pairs are still there.
    fs.writeFileSync(file, original);
    expect(await names(home)).toEqual(['created', 'imported']);
  }, 240_000);
});

describe.concurrent('registry writes that hit a file-size limit (ulimit -f, no root needed)', () => {
  it('new, import, remove, import --batch: Ec2Keys.FileError naming the registry; it keeps every pair, no temp file, no key file', async () => {
    const home = await seededHome();
    expectOk(await run(['import', 'third', '--public-key-file', RSA_PUB], { env: { EC2KEYS_HOME: home } }));
    expect(fs.statSync(registry(home)).size).toBeGreaterThan(1024 + 512); // every rewrite is > 1 KiB, even after a removal
    const work = dir('ec2keys-faults-work-');
    const before = { home: snapshot(home), work: snapshot(work) };
    const env = { EC2KEYS_HOME: home };
    for (const [what, args] of writers(work)) {
      // ulimit -f 1: no file may grow beyond 1 KiB; the write fails with EFBIG (Node ignores SIGXFSZ).
      const r = await run(args, { env, shell: 'ulimit -f 1; exec "$@"', input: batchInput() });
      const { line } = expectFailure(r, 'Ec2Keys.FileError');
      expect(line, what).toContain(`cannot write the key pair registry ${registry(home)}`);
      expect(r.stderr).toMatch(/^hint: check free space and permissions of the registry folder/m);
      expect(snapshot(home), what).toEqual(before.home);
      expect(snapshot(work), what).toEqual(before.work);
    }
    expect(await names(home)).toEqual(['created', 'imported', 'third']);
  }, 240_000);
});

describe.skipIf(!CAN_MOUNT)('EC2KEYS_HOME on a read-only or full file system (tmpfs; needs root)', { concurrent: true }, () => {
  it('read-only: get works; every write is Ec2Keys.FileError naming the registry folder; nothing changes', async () => {
    const fsys = mount(256);
    const home = await seededHome(path.join(fsys.dir, 'home'));
    fsys.readOnly();
    const work = dir('ec2keys-faults-work-');
    const before = { home: snapshot(home), work: snapshot(work) };
    const env = { EC2KEYS_HOME: home };
    expect(await names(home)).toEqual(['created', 'imported']);
    const results = await Promise.all(writers(work).map(([, args]) => run(args, { env, input: batchInput() })));
    for (const [i, r] of results.entries()) {
      const { line } = expectFailure(r, 'Ec2Keys.FileError');
      expect(line, writers(work)[i][0]).toContain(path.join(home, 'regions', REGION));
      expect(line).toMatch(/read-only file system/);
    }
    expect(snapshot(home)).toEqual(before.home);
    expect(snapshot(work)).toEqual(before.work);
    // A registry folder that does not exist yet, on a read-only file system: cannot be created.
    const r = await run(['new', 'k', '--out', path.join(work, 'k.pem')], { env: { EC2KEYS_HOME: path.join(fsys.dir, 'new-home') } });
    const { line } = expectFailure(r, 'Ec2Keys.FileError');
    expect(line).toContain(`cannot create the registry folder ${path.join(fsys.dir, 'new-home', 'regions', REGION)}`);
    expect(r.stderr).toMatch(/^hint: choose a writable folder with --home or EC2KEYS_HOME/m);
    expect(snapshot(work)).toEqual(before.work);
  }, 240_000);

  it('full: no room even for the lock, then room for the lock but not the registry; afterwards every pair is still there', async () => {
    const fsys = mount(64);
    const home = await seededHome(path.join(fsys.dir, 'home'));
    const env = { EC2KEYS_HOME: home };
    const work = dir('ec2keys-faults-work-');
    // tmpfs counts whole 4 KiB pages: 0 free fails the lock's candidate file, one page lets the lock
    // be taken and fails the registry's temp file.
    for (const [leave, where] of [[0, /cannot use the lock file .*no space left on device/], [4096, /cannot write the key pair registry .*no space left on device/]] as const) {
      fsys.fill(leave);
      const before = { home: snapshot(fsys.dir), work: snapshot(work) };
      for (const [what, args] of writers(work)) {
        const r = await run(args, { env, input: batchInput() });
        const { line } = expectFailure(r, 'Ec2Keys.FileError');
        expect(line, `${what}, ${leave} bytes free`).toMatch(where);
        expect(line).toContain(path.join(home, 'regions', REGION));
        expect(r.stderr).toMatch(/^hint: check free space and permissions of the registry folder/m);
        expect(snapshot(fsys.dir), `${what}, ${leave} bytes free: something was left behind or changed`).toEqual(before.home);
        expect(snapshot(work), what).toEqual(before.work);
      }
      fsys.unfill();
    }
    expectOk(await run(['import', 'after', '--public-key-file', ED_PUB, '--platform', 'linux'], { env }));
    expect(await names(home)).toEqual(['after', 'created', 'imported']);
  }, 240_000);

  it('a key file on a full file system: Ec2Keys.FileError, no partial or temp file, the new pair is deleted again', async () => {
    const out = mount(64);
    out.fill(0);
    const home = dir('ec2keys-faults-home-');
    const env = { EC2KEYS_HOME: home };
    const before = snapshot(out.dir);
    for (const format of ['pem', 'ppk', 'openssh']) {
      const file = path.join(out.dir, `k.${format}`);
      const r = await run(['new', `k-${format}`, '--format', format, '--out', file], { env });
      const { line } = expectFailure(r, 'Ec2Keys.FileError');
      expect(line).toBe(`ec2keys: Ec2Keys.FileError: cannot write ${file}: the disk is full; the key pair was deleted again, so none is left without its private key`);
      expect(snapshot(out.dir)).toEqual(before);
    }
    expect(await names(home)).toEqual([]);
  }, 240_000);
});

describe.concurrent('a key file whose write fails half-way (ulimit -f, no root needed)', () => {
  it('new: Ec2Keys.FileError, neither the key file nor its temp file is left, the pair is deleted again', async () => {
    const home = dir('ec2keys-faults-home-');
    const work = dir('ec2keys-faults-work-');
    const env = { EC2KEYS_HOME: home };
    // The first pair's registry (~0.7 KiB) fits in 1 KiB; its 2048-bit key file (~1.7 KiB) does not.
    const r = await run(['--json', 'new', 'half', '--out', path.join(work, 'half.pem')], { env, shell: 'ulimit -f 1; exec "$@"' });
    const { json } = expectFailure(r, 'Ec2Keys.FileError');
    expect(json!.Message).toBe(`cannot write ${path.join(work, 'half.pem')}: the file is too large for this file system or ulimit; the key pair was deleted again, so none is left without its private key`);
    expect(fs.readdirSync(work)).toEqual([]);
    expect(await names(home)).toEqual([]);
  }, 240_000);
});

describe.skipIf(!CAN_DROP_PRIVILEGES)('another user\'s registry (run as an unprivileged user; needs root)', { concurrent: true }, () => {
  it('unreadable (0700 folders): Ec2Keys.FileError "permission denied" — not StoreCorrupt, whose hint would have the user move it aside', async () => {
    const home = await seededHome();
    const work = dir('ec2keys-faults-work-');
    fs.chmodSync(work, 0o777);
    // The registry folder stays as ec2keys made it: 0700, its owner's alone.
    expect(fs.statSync(home).mode & 0o777).toBe(0o700);
    const before = { home: snapshot(home), work: snapshot(work) };
    const env = { EC2KEYS_HOME: home, HOME: work };
    for (const args of [['get'], ['--json', 'get'], ...writers(work).map(([, a]) => a)]) {
      const r = await run(args, { env, wrapper: AS_NOBODY, input: batchInput() });
      const { line } = expectFailure(r, 'Ec2Keys.FileError');
      expect(line, args.join(' ')).toContain(path.join(home, 'regions', REGION));
      expect(line).toMatch(/permission denied/);
      expect(r.stderr).not.toMatch(/move it aside|restore it from a backup/);
    }
    expect(snapshot(home)).toEqual(before.home);
    expect(snapshot(work)).toEqual(before.work);
  }, 240_000);

  it('readable, folder not writable: get works, every write is Ec2Keys.FileError, nothing changes', async () => {
    const home = await seededHome();
    for (const d of [home, path.join(home, 'regions'), path.join(home, 'regions', REGION)]) fs.chmodSync(d, 0o755);
    fs.chmodSync(registry(home), 0o644);
    const work = dir('ec2keys-faults-work-');
    fs.chmodSync(work, 0o777);
    const before = { home: snapshot(home), work: snapshot(work) };
    const env = { EC2KEYS_HOME: home, HOME: work };
    const get = await run(['--json', 'get'], { env, wrapper: AS_NOBODY });
    expectOk(get);
    expect(JSON.parse(get.stdout).KeyPairs.map((k: { KeyName: string }) => k.KeyName).sort()).toEqual(['created', 'imported']);
    for (const [what, args] of writers(work)) {
      const r = await run(args, { env, wrapper: AS_NOBODY, input: batchInput() });
      const { line } = expectFailure(r, 'Ec2Keys.FileError');
      expect(line, what).toMatch(new RegExp(`cannot use the lock file ${path.join(home, 'regions', REGION, 'keypairs.lock').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: EACCES`));
    }
    expect(snapshot(home)).toEqual(before.home);
    expect(snapshot(work)).toEqual(before.work);
  }, 240_000);
});
