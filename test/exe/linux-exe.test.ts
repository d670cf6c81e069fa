// The Linux executable as shipped (issue #6 §2): dist/ec2keys-linux-x64 copied alone into an
// empty folder, PATH holding only that folder (no node), no node_modules anywhere above it.
// Every scenario runs the exe and `node bin/ec2keys.js` on the same inputs and requires the same
// exit code, stdout and stderr (after replacing the Node version and each run's own folder);
// results are also checked against real tools (the corpus' oracle fingerprints, ssh-keygen,
// openssl, puttygen, the aws CLI against moto_server). Finally V8 coverage of the exe shows
// that local commands never run the AWS SDK, @inquirer/prompts, node-forge or hash-wasm
// (issue #6 §4), with positive controls proving the check can see them when they do run.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasStack } from '../helpers/cli.js';
import { opensslEncryptPassword, opensslGenRsa, tool } from '../helpers/tools.js';
import {
  CORPUS, EMBEDDED_NODE, HEAVY, LINUX_EXE, LinuxExe, PKG_VERSION, SEA_FUSE, corpusSample, exeGate, pool, manifest,
  modulesRun, motoEnv, normalize, runNpm, startMoto, tmp, type Run,
} from './exe-helpers.js';

const gate = exeGate(LINUX_EXE);
const PASSWORD = 'Xy7$kP2q!Lm9@Rt4#Vw8';
// Subprocess-heavy tests (moto_server, the aws CLI, Wine) on a busy 2-core machine: well above vitest's 60 s default.
const SLOW = 240_000;

if (gate.mode === 'fail') {
  describe('linux exe: artifacts', () => {
    it('dist/ec2keys-linux-x64 is built from the current sources', () => {
      throw new Error(gate.why);
    });
  });
}

(gate.mode === 'run' ? describe : describe.skip)(`linux exe (dist/ec2keys-linux-x64)${gate.mode === 'skip' ? ` — skipped: ${gate.why}` : ''}`, () => {
  let exe: LinuxExe;
  let work: string; // inputs, shared read-only by both CLIs
  let home: string;

  beforeAll(() => {
    exe = new LinuxExe();
    work = tmp('ec2keys-exe-work-');
    home = tmp('ec2keys-exe-home-');
    opensslGenRsa(path.join(work, 'rsa.pem'));
    tool('openssl', ['rsa', '-traditional', '-in', path.join(work, 'rsa.pem'), '-out', path.join(work, 'rsa1.pem')]);
    opensslGenRsa(path.join(work, 'other.pem'));
    fs.writeFileSync(path.join(work, 'pw.txt'), 'correct horse\n');
    tool('puttygen', [path.join(work, 'rsa1.pem'), '-O', 'private', '-o', path.join(work, 'enc3.ppk'), '--new-passphrase', path.join(work, 'pw.txt')]);
    tool('openssl', ['pkcs8', '-topk8', '-in', path.join(work, 'rsa.pem'), '-out', path.join(work, 'enc.p8'), '-passout', 'pass:correct horse']);
    tool('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'exe-test', '-f', path.join(work, 'ed')]);
    fs.writeFileSync(path.join(work, 'blob.txt'), opensslEncryptPassword(path.join(work, 'rsa.pem'), PASSWORD));
    fs.writeFileSync(path.join(work, 'not-a-key.txt'), 'hello, world\n');
  });

  afterAll(() => {
    exe?.dispose();
    for (const d of [work, home]) if (d) fs.rmSync(d, { recursive: true, force: true });
  });

  const norm = (r: Run, dirs: Record<string, string> = {}) => ({ code: r.code, stdout: normalize(r.stdout, dirs), stderr: normalize(r.stderr, dirs) });

  /** Run both CLIs in `cwd` with the same arguments; require identical results; return both. */
  async function same(args: string[], opts: { cwd?: string; input?: string; env?: Record<string, string | undefined> } = {}) {
    const o = { cwd: opts.cwd ?? work, home, input: opts.input, env: opts.env };
    const [npm, bin] = await Promise.all([runNpm(args, o), exe.run(args, o)]);
    expect(norm(bin), `ec2keys ${args.join(' ')}`).toEqual(norm(npm));
    return { npm, bin };
  }

  it('runs from a clean folder: PATH has no node, no node_modules above it, the file is the built one', () => {
    const which = spawnSync('/bin/sh', ['-c', 'command -v node || command -v nodejs'], { env: exe.env(home) });
    expect(which.status).not.toBe(0);
    expect(exe.nodeModulesAbove()).toEqual([]);
    expect(fs.readdirSync(exe.bin)).toEqual(['ec2keys']);
    const buf = fs.readFileSync(exe.exe);
    expect(buf.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
    expect(buf.readUInt16LE(18)).toBe(0x3e); // e_machine EM_X86_64
    expect(buf.includes(`${SEA_FUSE}:1`)).toBe(true); // postject flipped the fuse: the SEA blob is active
    expect(createHash('sha256').update(buf).digest('hex')).toBe(manifest().files['ec2keys-linux-x64'].sha256);
  });

  it('--version prints the ec2keys version and the embedded Node, with nothing on stderr', async () => {
    const { npm, bin } = await same(['--version']);
    expect(bin).toEqual({ code: 0, stdout: `ec2keys ${PKG_VERSION} (node ${EMBEDDED_NODE})\n`, stderr: '' });
    expect(npm.stdout).toBe(`ec2keys ${PKG_VERSION} (node ${process.version})\n`);
    const short = await exe.run(['-V'], { cwd: work, home });
    expect(short.stdout).toBe(bin.stdout);
  });

  it('--help, an unknown command and a bad option value: same text and exit codes as the npm CLI', async () => {
    const help = await same(['--help']);
    expect(help.bin.code).toBe(0);
    expect(help.bin.stdout).toMatch(/^Usage: ec2keys /);
    const unknown = await same(['frobnicate']);
    expect(unknown.bin.code).toBe(2);
    expect(unknown.bin.stderr).toMatch(/^ec2keys: Ec2Keys\.Usage: /);
    const badTo = await same(['convert', 'rsa.pem', '--to', 'xyz']);
    expect(badTo.bin.code).toBe(2);
    await same(['new', '--help']);
  });

  it('fingerprint: real-world corpus keys in every format give the oracle fingerprints, as the npm CLI does', async () => {
    const sample = corpusSample(['pkcs1-pem', 'pkcs1-pem-encrypted', 'pkcs8-pem-encrypted', 'openssh', 'openssh-encrypted', 'ppk2', 'ppk2-encrypted', 'ppk3-encrypted', 'openssh-public', 'rfc4716']);
    expect(sample.length).toBeGreaterThanOrEqual(9);
    await pool(sample, 3, async (e) => {
      const args = ['fingerprint', '--json', path.join(CORPUS, e.file)];
      const env = { EC2KEYS_PASSPHRASE: e.passphrase ?? undefined };
      const { bin } = await same(args, { env });
      expect(bin.code, `${e.file}: ${bin.stderr}`).toBe(0);
      const j = JSON.parse(bin.stdout);
      expect(j.Sha256, e.file).toBe(e.sha256);
      expect(j.ImportedFingerprint, e.file).toBe(e.importedFingerprint);
      if (e.createdFingerprint) expect(j.CreatedFingerprint, e.file).toBe(e.createdFingerprint);
    });
  }, SLOW);

  it('fingerprint: a fresh key matches ssh-keygen, plain and JSON output identical to the npm CLI', async () => {
    const { bin } = await same(['fingerprint', 'rsa.pem']);
    const sk = tool('ssh-keygen', ['-l', '-E', 'sha256', '-f', path.join(work, 'rsa.pem')]).toString().split(' ')[1];
    expect(bin.stdout).toContain(sk);
    const j = JSON.parse((await same(['fingerprint', '--json', 'ed.pub'])).bin.stdout);
    expect(j.Sha256).toBe(tool('ssh-keygen', ['-l', '-E', 'sha256', '-f', path.join(work, 'ed.pub')]).toString().split(' ')[1]);
    await same(['fingerprint', '-'], { input: fs.readFileSync(path.join(work, 'ed.pub'), 'utf8') });
  });

  it('fingerprint errors: not a key, a missing file, an encrypted PKCS#8 key without passphrase: same code and message, no stack', async () => {
    for (const [args, code] of [[['fingerprint', 'not-a-key.txt'], 1], [['fingerprint', 'missing.pem'], 1], [['fingerprint', '--no-input', 'enc.p8'], 1]] as const) {
      const { bin } = await same([...args]);
      expect(bin.code, args.join(' ')).toBe(code);
      expect(bin.stderr).toMatch(/^ec2keys: [A-Za-z0-9.]+: /);
      expect(hasStack(bin.stderr)).toBe(false);
    }
    await same(['fingerprint', '--no-input', 'enc3.ppk']); // whatever the CLI does with an encrypted PPK, the exe does the same
  });

  it('password --data: PEM and passphrase-protected PPK v3 give the password; the wrong key is Ec2Keys.WrongKey', async () => {
    const blob = fs.readFileSync(path.join(work, 'blob.txt'), 'utf8');
    const pem = await same(['password', '--data', blob, '--key', 'rsa.pem']);
    expect(pem.bin).toMatchObject({ code: 0, stdout: `${PASSWORD}\n` });
    const ppk = await same(['password', '--data-file', 'blob.txt', '--key', 'enc3.ppk', '--passphrase-file', 'pw.txt', '--json']);
    expect(JSON.parse(ppk.bin.stdout)).toMatchObject({ Password: PASSWORD });
    const stdin = await same(['password', '--key', 'rsa1.pem'], { input: blob });
    expect(stdin.bin.stdout).toBe(`${PASSWORD}\n`);
    const wrong = await same(['password', '--data', blob, '--key', 'other.pem']);
    expect(wrong.bin.code).toBe(1);
    expect(wrong.bin.stderr).toMatch(/^ec2keys: Ec2Keys\.WrongKey: /);
  });

  it('convert: PKCS#8 and PPK files byte-identical to the npm CLI; OpenSSH and encrypted PPK accepted by ssh-keygen and puttygen', async () => {
    const a = tmp('ec2keys-exe-conv-npm-');
    const b = tmp('ec2keys-exe-conv-bin-');
    try {
      for (const d of [a, b]) for (const f of ['rsa1.pem', 'pw.txt']) fs.copyFileSync(path.join(work, f), path.join(d, f));
      const both = async (args: string[]) => {
        const [npm, bin] = await Promise.all([runNpm(args, { cwd: a, home }), exe.run(args, { cwd: b, home })]);
        expect(norm(bin, { DIR: b }), args.join(' ')).toEqual(norm(npm, { DIR: a }));
        expect(bin.code, bin.stderr).toBe(0);
      };
      await both(['convert', 'rsa1.pem', '--to', 'pkcs8', '--out', 'k.p8']);
      await both(['convert', 'rsa1.pem', '--to', 'ppk', '--out', 'k3.ppk', '--comment', 'c']);
      await both(['convert', 'rsa1.pem', '--to', 'ppk', '--ppk-version', '2', '--out', 'k2.ppk', '--comment', 'c']);
      await both(['convert', 'rsa1.pem', '--to', 'openssh', '--out', 'k.openssh']);
      await both(['convert', 'rsa1.pem', '--to', 'ppk', '--out', 'e.ppk', '--new-passphrase-file', 'pw.txt']);
      for (const f of ['k.p8', 'k3.ppk', 'k2.ppk']) expect(fs.readFileSync(path.join(b, f)), f).toEqual(fs.readFileSync(path.join(a, f)));
      for (const f of ['k.p8', 'k3.ppk', 'k.openssh', 'e.ppk']) expect(fs.statSync(path.join(b, f)).mode & 0o777, f).toBe(0o600);
      const pub = (args: string[]) => execFileSync(args[0], args.slice(1)).toString().trim().split(' ').slice(0, 2).join(' ');
      const puttyPub = (ppk: string, pass: string) => {
        const out = path.join(b, 'putty.pub');
        tool('puttygen', [ppk, '-O', 'public-openssh', '-o', out, '--old-passphrase', pass]);
        return fs.readFileSync(out, 'utf8').trim().split(' ').slice(0, 2).join(' ');
      };
      const want = pub(['ssh-keygen', '-y', '-f', path.join(b, 'rsa1.pem')]);
      expect(pub(['ssh-keygen', '-y', '-f', path.join(b, 'k.openssh')])).toBe(want);
      expect(tool('openssl', ['pkey', '-in', path.join(b, 'k.p8'), '-pubout']).toString()).toBe(tool('openssl', ['pkey', '-in', path.join(b, 'rsa1.pem'), '-pubout']).toString());
      expect(puttyPub(path.join(b, 'e.ppk'), path.join(b, 'pw.txt'))).toBe(want);
      expect(puttyPub(path.join(b, 'k3.ppk'), '/dev/null')).toBe(want);
      const refused = spawnSync('puttygen', [path.join(b, 'e.ppk'), '-O', 'private-openssh', '-o', path.join(b, 'x'), '--old-passphrase', path.join(work, 'not-a-key.txt')]);
      expect(refused.status).not.toBe(0); // really encrypted: a wrong passphrase does not open it
      // Refuses to overwrite without --force, leaving the file as it was.
      const before = fs.readFileSync(path.join(b, 'k.p8'));
      const again = await exe.run(['convert', 'rsa1.pem', '--to', 'pkcs8', '--out', 'k.p8'], { cwd: b, home });
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/Ec2Keys\.FileExists/);
      expect(fs.readFileSync(path.join(b, 'k.p8'))).toEqual(before);
    } finally {
      fs.rmSync(a, { recursive: true, force: true });
      fs.rmSync(b, { recursive: true, force: true });
    }
  }, SLOW);

  it('protect: a 0644 key file becomes 0600, reported as the npm CLI reports it', async () => {
    const a = tmp('ec2keys-exe-prot-npm-');
    const b = tmp('ec2keys-exe-prot-bin-');
    try {
      for (const d of [a, b]) { fs.copyFileSync(path.join(work, 'rsa.pem'), path.join(d, 'k.pem')); fs.chmodSync(path.join(d, 'k.pem'), 0o644); }
      const [npm, bin] = await Promise.all([runNpm(['protect', 'k.pem'], { cwd: a, home }), exe.run(['protect', 'k.pem'], { cwd: b, home })]);
      expect(norm(bin, { DIR: b })).toEqual(norm(npm, { DIR: a }));
      expect(bin.code).toBe(0);
      expect(fs.statSync(path.join(b, 'k.pem')).mode & 0o777).toBe(0o600);
    } finally {
      fs.rmSync(a, { recursive: true, force: true });
      fs.rmSync(b, { recursive: true, force: true });
    }
  });

  it('local store: new, get, remove behave like the npm CLI, and each reads the registry the other wrote', async () => {
    const reg = tmp('ec2keys-exe-reg-');
    const a = tmp('ec2keys-exe-new-npm-');
    const b = tmp('ec2keys-exe-new-bin-');
    try {
      const g = ['--home', reg];
      const [n1, b1] = await Promise.all([
        runNpm([...g, 'new', 'from-npm', '--json'], { cwd: a, home }),
        exe.run([...g, 'new', 'from-exe', '--json', '--tag', 'team=ops'], { cwd: b, home }),
      ]);
      expect(b1.code, b1.stderr).toBe(0);
      expect(n1.code, n1.stderr).toBe(0);
      const jb = JSON.parse(b1.stdout);
      expect(Object.keys(jb).sort()).toEqual(Object.keys(JSON.parse(n1.stdout)).sort());
      expect(jb).toMatchObject({ KeyName: 'from-exe', KeyType: 'rsa', KeyFile: path.join(b, 'from-exe.pem'), Tags: [{ Key: 'team', Value: 'ops' }] });
      const keyFile = path.join(b, 'from-exe.pem');
      expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
      expect(fs.readFileSync(keyFile, 'utf8')).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
      // EC2's CreatedFingerprint is the SHA-1 of the PKCS#8 DER: computed by openssl.
      const der = tool('openssl', ['pkcs8', '-topk8', '-nocrypt', '-outform', 'DER', '-in', keyFile]);
      expect(jb.KeyFingerprint).toBe(createHash('sha1').update(der).digest('hex').match(/../g)!.join(':'));

      const list = await same([...g, 'get', '--json']);
      const names = JSON.parse(list.bin.stdout).KeyPairs.map((k: { KeyName: string }) => k.KeyName).sort();
      expect(names).toEqual(['from-exe', 'from-npm']);
      await same([...g, 'get']);
      await same([...g, 'get', 'from-exe', '--include-public-key', '--json']);
      const verify = await same([...g, 'verify', keyFile, 'from-exe']);
      expect(verify.bin.code).toBe(0);
      const mismatch = await same([...g, 'verify', keyFile, 'from-npm']);
      expect(mismatch.bin.code).toBe(1);

      const dup = await exe.run([...g, 'new', 'from-npm', '--out', 'dup.pem'], { cwd: b, home });
      expect(dup.code).toBe(1);
      expect(dup.stderr).toMatch(/^ec2keys: InvalidKeyPair\.Duplicate: /);
      expect(fs.existsSync(path.join(b, 'dup.pem'))).toBe(false);

      const rmExe = await exe.run([...g, 'remove', 'from-npm', '--yes', '--json'], { cwd: b, home });
      expect(rmExe.code, rmExe.stderr).toBe(0);
      const rmNpm = await runNpm([...g, 'remove', 'from-exe', '--yes', '--json'], { cwd: a, home });
      expect(rmNpm.code, rmNpm.stderr).toBe(0);
      const gone = await same([...g, 'get', 'from-exe']);
      expect(gone.bin.code).toBe(1);
      expect(gone.bin.stderr).toMatch(/^ec2keys: InvalidKeyPair\.NotFound: /);
      const noYes = await same([...g, 'remove', 'x', '--no-input']);
      expect(noYes.bin.code).toBe(2);
    } finally {
      for (const d of [reg, a, b]) fs.rmSync(d, { recursive: true, force: true });
    }
  }, SLOW);

  it('region from the AWS config file (the SDK config reader, an asset of its own): the same key pairs per region as the npm CLI', async () => {
    const d = tmp('ec2keys-exe-cfg-');
    const cov = tmp('ec2keys-exe-cfg-cov-');
    try {
      const cfg = path.join(d, 'config');
      fs.writeFileSync(cfg, '[default]\nregion = eu-west-3\n\n[profile other]\nregion = ap-south-1\n');
      const env = { AWS_CONFIG_FILE: cfg };
      const reg = path.join(d, 'reg');
      const made = await exe.run(['--home', reg, 'new', 'cfg-key', '--out', path.join(d, 'k.pem')], { cwd: d, home, env: { ...env, NODE_V8_COVERAGE: cov } });
      expect(made.code, made.stderr).toBe(0);
      const ran = modulesRun(cov);
      expect(ran).toContain('asset:aws-config.cjs');
      expect(ran).not.toContain('asset:aws.cjs');
      const names = (r: Run) => JSON.parse(r.stdout).KeyPairs.map((k: { KeyName: string }) => k.KeyName);
      expect(names((await same(['--home', reg, 'get', '--json'], { cwd: d, env })).bin)).toEqual(['cfg-key']);
      expect(names((await same(['--home', reg, '--region', 'eu-west-3', 'get', '--json'], { cwd: d })).bin)).toEqual(['cfg-key']);
      expect(names((await same(['--home', reg, '--profile', 'other', 'get', '--json'], { cwd: d, env })).bin)).toEqual([]);
    } finally {
      fs.rmSync(d, { recursive: true, force: true });
      fs.rmSync(cov, { recursive: true, force: true });
    }
  });

  it('--store ec2 against moto_server: new, import, get, remove, checked with the aws CLI', async () => {
    const moto = await startMoto();
    const d = tmp('ec2keys-exe-ec2-');
    try {
      const env = motoEnv(moto.url);
      const awsEnv = { ...process.env, ...env, AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', AWS_EC2_METADATA_DISABLED: 'true' };
      const aws = (...args: string[]) => JSON.parse(execFileSync('aws', ['--endpoint-url', moto.url, '--output', 'json', 'ec2', ...args], { env: awsEnv }).toString());
      const created = await exe.run(['--store', 'ec2', 'new', 'exe-made', '--json'], { cwd: d, home, env });
      expect(created.code, created.stderr).toBe(0);
      const jc = JSON.parse(created.stdout);
      expect(fs.readFileSync(path.join(d, 'exe-made.pem'), 'utf8')).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
      const imp = await exe.run(['--store', 'ec2', 'import', 'exe-imported', '--public-key-file', path.join(work, 'ed.pub'), '--platform', 'linux', '--json'], { cwd: d, home, env });
      expect(imp.code, imp.stderr).toBe(0);
      // What EC2 (moto) holds, read by the aws CLI (one call: it is slow to start).
      const held = Object.fromEntries(aws('describe-key-pairs').KeyPairs.map((k: { KeyName: string }) => [k.KeyName, k]));
      expect(held['exe-made']).toMatchObject({ KeyPairId: jc.KeyPairId, KeyFingerprint: jc.KeyFingerprint });
      expect(held['exe-imported']).toMatchObject({ KeyFingerprint: JSON.parse(imp.stdout).KeyFingerprint });

      // Same EC2 state, so the exe's and the npm CLI's listings must be identical.
      const list = await same(['--store', 'ec2', 'get', '--json'], { cwd: d, env });
      expect(JSON.parse(list.bin.stdout).KeyPairs.map((k: { KeyName: string }) => k.KeyName).sort()).toEqual(['exe-imported', 'exe-made']);
      const missing = await same(['--store', 'ec2', 'get', 'nope'], { cwd: d, env });
      expect(missing.bin.code).toBe(1);
      expect(missing.bin.stderr).toMatch(/InvalidKeyPair\.NotFound/);

      // The SDK asset comes with a V8 code cache made by the same Node: accepted, not recompiled.
      const rm = await exe.run(['--store', 'ec2', 'remove', 'exe-made', '--yes'], { cwd: d, home, env: { ...env, EC2KEYS_TRACE_ASSETS: '1' } });
      expect(rm.stderr).toContain('ec2keys: asset aws-ec2.cjs: code cache accepted\n');
      expect(rm.code, rm.stderr).toBe(0);
      expect(aws('describe-key-pairs').KeyPairs.map((k: { KeyName: string }) => k.KeyName)).toEqual(['exe-imported']);

      const unreachable = await same(['--store', 'ec2', 'get', '--json'], { cwd: d, env: { ...env, EC2KEYS_ENDPOINT_URL: 'http://127.0.0.1:9' } });
      expect(unreachable.bin.code).toBe(1);
      expect(hasStack(unreachable.bin.stderr)).toBe(false);
    } finally {
      moto.stop();
      fs.rmSync(d, { recursive: true, force: true });
    }
  }, SLOW);

  it('on a terminal, a passphrase prompt (@inquirer/prompts, loaded from the exe) reads the key, as a person types it', async () => {
    const sock = `ec2keys-exe-${process.pid}`;
    const cov = tmp('ec2keys-exe-tty-cov-');
    // The pane's shell gets the exe's clean PATH; tmux and the shell are found by absolute path.
    const tmuxBin = execFileSync('/bin/sh', ['-c', 'command -v tmux']).toString().trim();
    const tmuxEnv = { ...exe.env(home), NODE_V8_COVERAGE: cov, TERM: 'xterm-256color', SHELL: '/bin/sh' };
    const tmux = (...a: string[]) => execFileSync(tmuxBin, ['-L', sock, ...a], { env: tmuxEnv, cwd: work }).toString();
    const screen = () => tmux('capture-pane', '-p', '-t', 'exe');
    const waitFor = async (re: RegExp) => {
      for (let i = 0; i < 300; i++) {
        const txt = screen();
        if (re.test(txt)) return txt;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`timed out waiting for ${re}; screen:\n${screen()}`);
    };
    try {
      tmux('new-session', '-d', '-s', 'exe', '-x', '150', '-y', '30', `${exe.exe} fingerprint enc3.ppk; echo EXIT=$?; /bin/sleep 60`);
      await waitFor(/Passphrase for enc3\.ppk/);
      tmux('send-keys', '-t', 'exe', 'correct horse', 'Enter');
      const out = await waitFor(/EXIT=\d+/);
      expect(out).toMatch(/EXIT=0/);
      const sk = tool('ssh-keygen', ['-l', '-E', 'sha256', '-f', path.join(work, 'rsa1.pem')]).toString().split(' ')[1];
      expect(out).toContain(sk);
      expect(out).not.toContain('correct horse'); // the passphrase is not echoed
      expect(modulesRun(cov)).toContain('asset:prompts.cjs');
    } finally {
      spawnSync(tmuxBin, ['-L', sock, 'kill-server']);
      fs.rmSync(cov, { recursive: true, force: true });
    }
  });

  it('startup: local commands run none of the AWS SDK, @inquirer/prompts, node-forge, hash-wasm (V8 coverage of the exe)', async () => {
    const reg = tmp('ec2keys-exe-cov-reg-');
    const moto = await startMoto();
    const covRun = async (args: string[], env: Record<string, string> = {}) => {
      const cov = tmp('ec2keys-exe-cov-');
      const r = await exe.run(args, { cwd: work, home, env: { ...env, NODE_V8_COVERAGE: cov } });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      const ran = [...modulesRun(cov)];
      fs.rmSync(cov, { recursive: true, force: true });
      return { ran, heavy: ran.filter((m) => HEAVY.test(m)) };
    };
    try {
      const blob = fs.readFileSync(path.join(work, 'blob.txt'), 'utf8');
      for (const args of [['--version'], ['--help'], ['fingerprint', 'rsa.pem'], ['password', '--data', blob, '--key', 'rsa.pem'], ['convert', 'rsa1.pem', '--to', 'pkcs8', '--out', '-'], ['--home', reg, 'get']]) {
        const { ran, heavy } = await covRun(args);
        expect(heavy, args.join(' ')).toEqual([]);
        expect(ran).toContain('node_modules/commander/lib/command.js'); // coverage does see the bundle's modules
      }
      // Positive controls: the commands that need them do load them (from the exe itself: the
      // clean folder has nothing else), and the check sees it.
      const ppk = await covRun(['password', '--data', blob, '--key', 'enc3.ppk', '--passphrase-file', 'pw.txt']);
      expect(ppk.heavy).toContain('asset:hash-wasm.cjs');
      expect(ppk.heavy).toContain('node_modules/hash-wasm/dist/argon2.umd.min.js'); // the Argon2-only build (ppk.ts loadArgon2)
      expect(ppk.heavy.filter((m) => /aws|@smithy|inquirer|forge/.test(m))).toEqual([]);
      const ec2 = await covRun(['--store', 'ec2', 'get'], motoEnv(moto.url));
      expect(ec2.heavy).toContain('asset:aws-ec2.cjs');
      expect(ec2.heavy).not.toContain('asset:aws-ssm.cjs'); // only what is asked for
      // (The EC2 asset is a scope-hoisted ES-module bundle, so its SDK modules have no wrapper
      // functions for coverage to name: the asset itself is the unit seen here.)
      expect(ec2.heavy.some((m) => m.startsWith('node_modules/@aws-sdk/client-ssm/'))).toBe(false);
      expect(ec2.heavy.filter((m) => /hash-wasm|node-forge|inquirer|prompts/.test(m))).toEqual([]);
    } finally {
      moto.stop();
      fs.rmSync(reg, { recursive: true, force: true });
    }
  }, SLOW);
});
