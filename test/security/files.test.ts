// Files and child processes (issue #7 §4), proven from the system calls the real CLI makes:
// every command that writes a key file or the registry is run under strace(1) with umask 000 (so
// a mode the code did not ask for would show), and the trace must show
//   - every file it creates under the key folder or EC2KEYS_HOME opened O_CREAT|O_EXCL with mode
//     0600 — temp files included, from their first byte — and folders made 0700;
//   - no chmod wider than 0600;
//   - no child process at all (execve only for the CLI itself), so no argv of ours can carry a
//     passphrase or key; the one child ec2keys ever starts, icacls on Windows, is checked with a
//     stand-in on PATH: its arguments are the file and the ACL only, its environment has no
//     passphrase, and it runs on the temp file before a byte of the key is written.
// and the files left are 0600, their folders 0700, whatever the umask.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeSecretFile } from '../../src/cli/io.js';
import { BIN } from '../helpers/cli.js';
import { hasTool, opensslGenRsa, tmpDir, tool } from '../helpers/tools.js';
import { expectOk, run } from '../faults/helpers.js';

const PASS = `pass-${randomBytes(6).toString('hex')}`;
const NEW_PASS = `newpass-${randomBytes(6).toString('hex')}`;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});
const dir = (p: string) => {
  const d = tmpDir(p);
  dirs.push(d);
  return d;
};

interface Call {
  pid: string;
  name: string;
  args: string;
  ret: string;
}

/** All system calls from `strace -ff -o prefix` (one file per thread: no interleaved lines). */
function readTrace(prefix: string): Call[] {
  const calls: Call[] = [];
  const d = path.dirname(prefix);
  for (const f of fs.readdirSync(d).filter((n) => n.startsWith(path.basename(prefix) + '.'))) {
    const pid = f.split('.').pop()!;
    for (const line of fs.readFileSync(path.join(d, f), 'utf8').split('\n')) {
      const m = /^(\w+)\((.*)\)\s+=\s+(.*)$/.exec(line);
      if (m) calls.push({ pid, name: m[1], args: m[2], ret: m[3] });
    }
  }
  return calls;
}

const STRACE_CALLS = 'execve,execveat,open,openat,creat,mkdir,mkdirat,chmod,fchmod,fchmodat,link,linkat,rename,renameat,renameat2';

/** Run the CLI under strace with umask 000; returns the result and its system calls. */
async function traced(args: string[], env: Record<string, string>, cwd: string) {
  const log = path.join(dir('ec2keys-strace-'), 'trace');
  const r = await run(args, {
    cwd,
    env,
    shell: `umask 000; exec strace -ff -qq -s 4096 -e trace=${STRACE_CALLS} -e signal=none -o ${log} -- "$@"`,
    timeoutMs: 120_000,
  });
  return { r, calls: readTrace(log) };
}

/** Path argument of a call, and for the at-variants the path after the dirfd. */
const pathOf = (c: Call) => /"((?:[^"\\]|\\.)*)"/.exec(c.args)?.[1] ?? '';

describe.skipIf(!hasTool('strace') || process.platform !== 'linux' || Boolean(process.env.EC2KEYS_TEST_BIN))('system calls of the real CLI (strace, umask 000)', () => {
  it('key files and the registry: created O_EXCL with 0600 (temp files too), folders 0700, no chmod wider, no child process', async () => {
    const work = dir('ec2keys-files-work-');
    const home = path.join(dir('ec2keys-files-home-'), 'home');
    const keys = dir('ec2keys-files-keys-');
    const passFile = path.join(keys, 'pass.txt');
    fs.writeFileSync(passFile, PASS + '\n', { mode: 0o600 });
    const input = path.join(keys, 'in.pem');
    opensslGenRsa(input);
    fs.chmodSync(input, 0o600);
    tool('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(keys, 'ed')]);
    const existing = path.join(work, 'existing.p8');
    fs.writeFileSync(existing, 'an older file\n', { mode: 0o644 });
    fs.chmodSync(existing, 0o644);
    const env = { EC2KEYS_HOME: home };
    const runs: [string, string[], Record<string, string>][] = [
      ['new pem', ['new', 'a', '--out', path.join(work, 'a.pem')], env],
      ['new ppk, encrypted (env)', ['new', 'b', '--format', 'ppk', '--out', path.join(work, 'b.ppk')], { ...env, EC2KEYS_NEW_PASSPHRASE: NEW_PASS }],
      ['new openssh, ed25519', ['new', 'c', '--type', 'ed25519', '--platform', 'linux', '--format', 'openssh', '--out', path.join(work, 'c.key')], env],
      ['convert, encrypted (file)', ['convert', input, '--to', 'openssh', '--out', path.join(work, 'in.key'), '--new-passphrase-file', passFile], env],
      ['convert --force over a 0644 file', ['convert', input, '--to', 'pkcs8', '--out', existing, '--force'], env],
      ['import', ['import', 'd', '--public-key-file', path.join(keys, 'ed.pub'), '--platform', 'linux'], env],
      ['remove', ['remove', 'a', '--yes'], env],
    ];
    const ours = (p: string) => p.startsWith(work + '/') || p === home || p.startsWith(home + '/');
    const created: string[] = [];
    for (const [what, args, e] of runs) {
      const { r, calls } = await traced(args, e, work);
      expectOk(r);
      // No child process: the only execve is strace starting the CLI itself.
      const execs = calls.filter((c) => c.name.startsWith('execve') && c.ret.startsWith('0'));
      expect(execs.map((c) => JSON.parse('"' + pathOf(c) + '"')), `${what}: processes started`).toEqual([process.execPath]);
      expect(execs[0].args).not.toContain(PASS);
      expect(execs[0].args).not.toContain(NEW_PASS);
      expect(execs[0].args).toContain(BIN);
      const creates = calls.filter((c) => /^(open|openat|creat)$/.test(c.name) && (c.name === 'creat' || /O_CREAT/.test(c.args)) && ours(pathOf(c)));
      expect(creates.length, `${what}: no file created?`).toBeGreaterThan(0);
      created.push(...creates.map((c) => path.basename(pathOf(c))));
      for (const c of creates) {
        expect(c.args, `${what}: ${c.name}(${c.args})`).toMatch(/O_CREAT\|O_EXCL|O_EXCL\|.*O_CREAT/);
        expect(c.args, `${what}: ${c.name}(${c.args})`).toMatch(/, 0600$/);
      }
      for (const c of calls.filter((x) => /^mkdir/.test(x.name) && ours(pathOf(x)))) expect(c.args, `${what}: ${c.name}(${c.args})`).toMatch(/, 0700$/);
      for (const c of calls.filter((x) => /chmod/.test(x.name) && x.ret.startsWith('0'))) expect(c.args, `${what}: ${c.name}(${c.args})`).toMatch(/, 0600$/);
    }
    // The trace did see the temp files: key files' (.NAME.RANDOM.tmp), the registry's and the lock's.
    expect(created.some((n) => /^\.(a\.pem|b\.ppk|c\.key|in\.key|existing\.p8)\.[0-9a-f]{12}\.tmp$/.test(n)), created.join(' ')).toBe(true);
    expect(created.some((n) => n.startsWith('.tmp-'))).toBe(true);
    expect(created.some((n) => n.startsWith('.cand-'))).toBe(true);
    // What is left: key files 0600, registry 0600 in 0700 folders; no temp files.
    for (const f of fs.readdirSync(work)) expect(fs.statSync(path.join(work, f)).mode & 0o777, f).toBe(0o600);
    expect(fs.readdirSync(work).sort()).toEqual(['a.pem', 'b.ppk', 'c.key', 'existing.p8', 'in.key']);
    expect(fs.readFileSync(existing, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    for (const d of [home, path.join(home, 'regions'), path.join(home, 'regions', 'us-east-1')]) expect(fs.statSync(d).mode & 0o777, d).toBe(0o700);
    expect(fs.readdirSync(path.join(home, 'regions', 'us-east-1'))).toEqual(['keypairs.json']);
    expect(fs.statSync(path.join(home, 'regions', 'us-east-1', 'keypairs.json')).mode & 0o777).toBe(0o600);
  }, 300_000);
});

describe.skipIf(process.platform === 'win32')('the Windows ACL step (icacls), with a stand-in on PATH', () => {
  it('icacls gets the temp file and the ACL only, no passphrase in its environment, before the key is written', async () => {
    const bin = dir('ec2keys-fake-icacls-');
    const logs = dir('ec2keys-fake-icacls-log-');
    fs.writeFileSync(path.join(bin, 'icacls'), [
      '#!/bin/sh',
      `printf '%s\\n' "$@" > ${logs}/args`,
      `env > ${logs}/env`,
      `wc -c < "$1" > ${logs}/size`,
      '',
    ].join('\n'), { mode: 0o755 });
    const out = dir('ec2keys-fake-icacls-out-');
    const secret = `-----BEGIN RSA PRIVATE KEY-----\n${randomBytes(600).toString('base64')}\n-----END RSA PRIVATE KEY-----\n`;
    const saved = { ...process.env };
    Object.assign(process.env, { PATH: `${bin}:${process.env.PATH}`, USERNAME: 'alice', USERDOMAIN: 'CORP', EC2KEYS_PASSPHRASE: PASS, EC2KEYS_NEW_PASSPHRASE: NEW_PASS });
    let file: string;
    try {
      file = await writeSecretFile(path.join(out, 'k.pem'), secret, { platform: 'win32' });
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
    const args = fs.readFileSync(path.join(logs, 'args'), 'utf8').trimEnd().split('\n');
    expect(args.length).toBe(4);
    expect(path.dirname(args[0])).toBe(out);
    expect(path.basename(args[0])).toMatch(/^\.k\.pem\.[0-9a-f]{12}\.tmp$/);
    expect(args.slice(1)).toEqual(['/inheritance:r', '/grant:r', 'CORP\\alice:F']);
    const childEnv = fs.readFileSync(path.join(logs, 'env'), 'utf8');
    expect(childEnv).toMatch(/^USERNAME=alice$/m); // the stand-in really saw our environment…
    for (const s of [PASS, NEW_PASS, 'EC2KEYS_PASSPHRASE', 'EC2KEYS_NEW_PASSPHRASE']) expect(childEnv).not.toContain(s); // …without the passphrases
    for (const s of [secret.split('\n')[1].slice(0, 40)]) expect(args.join(' ') + childEnv).not.toContain(s);
    expect(fs.readFileSync(path.join(logs, 'size'), 'utf8').trim()).toBe('0');
    expect(fs.readFileSync(file, 'utf8')).toBe(secret);
    expect(fs.readdirSync(out)).toEqual(['k.pem']);
  });

  it('no other child process: the source starts none besides icacls', () => {
    // A cheap guard for the strace test's premise: child_process is loaded by io.ts only (by a
    // static import or, as now, a require on first use: any mention of the module counts).
    const r = spawnSync('grep', ['-rlE', "['\"](node:)?child_process['\"]", path.join(path.dirname(BIN), '..', 'src')], { encoding: 'utf8' });
    expect(r.stdout.trim().split('\n').map((f) => path.basename(f))).toEqual(['io.ts']);
  });
});
