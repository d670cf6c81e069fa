// The key-engine commands of issue #3 through the real CLI (`node bin/ec2keys.js`, or the binary
// named by EC2KEYS_TEST_BIN), against the contract in ../shared/reference/cli.md:
//   fingerprint — plain and --json {KeyType, Bits, ImportedFingerprint, CreatedFingerprint?, Sha256},
//                 each value checked against openssl / ssh-keygen;
//   convert     — every --to, --ppk-version 2|3, --out -, --json KeyMaterial, no overwrite without
//                 --force, 0600, no temp files after success or failure, --new-passphrase-file;
//   password    — --data / --data-file / stdin, keys in every format (encrypted ones through
//                 --passphrase-file and EC2KEYS_PASSPHRASE), and every negative case's code;
// plus usage errors (exit 2), Windows PowerShell 5.1 files (UTF-16LE with BOM, CRLF), and for
// every single run: no stack trace on stderr and no passphrase in stdout or stderr.
// Key files are made by openssl, ssh-keygen and puttygen (ours are covered by interop.test.ts).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, cleanEnv, hasStack, runCli, type CliOptions, type CliResult } from '../helpers/cli.js';
import { opensslEncryptPassword, tmpDir, tool, toolStatus } from '../helpers/tools.js';

const PW = 'pä$$ wörd!"#%&\'()*+,-./:;<=>?@[\\]^_`{|}~€🔑';
const NEW_PW = 'nëw:pass phrase;€';
let D = '';
let PWFILE = '';
let NEW_PWFILE = '';
let WRONGFILE = '';
const F: Record<string, string> = {};
let PASSWORD = '';
let BLOB = '';
let OTHER_BLOB = '';
const EXPECT = { imported: '', created: '', sha256: '', edSha256: '', edImported: '' };

/** Every run: no stack trace, no passphrase anywhere in the output. */
async function cli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  const r = await runCli(args, { cwd: D, ...opts });
  expect(hasStack(r.stderr), `stack trace in stderr of ${args.join(' ')}:\n${r.stderr}`).toBe(false);
  for (const secret of [PW, NEW_PW]) {
    expect(r.stdout.includes(secret) || r.stderr.includes(secret), `passphrase printed by ${args.join(' ')}`).toBe(false);
  }
  return r;
}

/** A failed command: exit 1 (or `exit`), `ec2keys: CODE: …` on stderr, and with --json the Error document on stdout. */
function expectError(r: CliResult, code: string, exit = 1): void {
  expect(r.code, `exit code${r.signal ? ` (killed by ${r.signal})` : ""}; stderr: ${r.stderr}`).toBe(exit);
  expect(r.stderr).toMatch(new RegExp(`^ec2keys: ${code.replace(/\./g, '\\.')}: \\S`, 'm'));
}

function expectJsonError(r: CliResult, code: string): void {
  const doc = JSON.parse(r.stdout);
  expect(Object.keys(doc)).toEqual(['Error']);
  expect(doc.Error.Code).toBe(code);
  expect(typeof doc.Error.Message).toBe('string');
  expect(doc.Error.Message.length).toBeGreaterThan(0);
  for (const k of Object.keys(doc.Error)) expect(['Code', 'Message', 'Hint', 'Target']).toContain(k);
}

const file = (name: string) => path.join(D, name);
const write = (name: string, data: string | Buffer, mode = 0o600) => {
  fs.writeFileSync(file(name), data, { mode });
  return file(name);
};
const colonHash = (alg: 'md5' | 'sha1', data: Buffer) => tool('openssl', [alg, '-c'], { input: data }).toString('utf8').trim().replace(/^.*= /, '');
const sshKeygenSha256 = (f: string) => tool('ssh-keygen', ['-l', '-f', f]).toString('utf8').split(' ')[1];
/** Files in the work folder that look like leftovers of an atomic write. */
const leftovers = (dir: string) => fs.readdirSync(dir).filter((n) => n.startsWith('.') || /\.tmp$/i.test(n));

beforeAll(() => {
  D = tmpDir('ec2keys-cli-engine-');
  PWFILE = write('pw.txt', PW + '\n');
  NEW_PWFILE = write('new-pw.txt', NEW_PW + '\r\n');
  WRONGFILE = write('wrong.txt', 'not the passphrase\n');
  const empty = write('empty.txt', '');

  // The RSA key in every private format, each written by the tool that owns the format.
  tool('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', file('key.p8.pem')]);
  F.pkcs8 = file('key.p8.pem');
  F.pem = file('key.pem');
  tool('openssl', ['pkey', '-in', F.pkcs8, '-traditional', '-out', F.pem]);
  F.pemEnc = file('key-enc.pem');
  tool('openssl', ['rsa', '-in', F.pkcs8, '-traditional', '-aes256', '-passout', `file:${PWFILE}`, '-out', F.pemEnc]);
  F.pkcs8Enc = file('key-enc.p8.pem');
  tool('openssl', ['pkcs8', '-topk8', '-in', F.pkcs8, '-v2', 'aes-256-cbc', '-passout', `file:${PWFILE}`, '-out', F.pkcs8Enc]);
  F.openssh = write('key.openssh', fs.readFileSync(F.pem));
  tool('ssh-keygen', ['-p', '-q', '-f', F.openssh, '-P', '', '-N', '']);
  F.opensshEnc = write('key-enc.openssh', fs.readFileSync(F.pem));
  tool('ssh-keygen', ['-p', '-q', '-f', F.opensshEnc, '-P', '', '-N', PW]);
  for (const v of [2, 3]) {
    F[`ppk${v}`] = file(`key-v${v}.ppk`);
    tool('puttygen', [F.pem, '-O', 'private', '--ppk-param', `version=${v}`, '--new-passphrase', empty, '-o', F[`ppk${v}`]]);
    F[`ppk${v}Enc`] = file(`key-v${v}-enc.ppk`);
    tool('puttygen', [F.pem, '-O', 'private', '--ppk-param', `version=${v}`, '--new-passphrase', PWFILE, '-o', F[`ppk${v}Enc`]]);
  }
  for (const f of Object.values(F)) fs.chmodSync(f, 0o600);
  // Its public half in the public formats.
  F.pub = write('key.pub', tool('ssh-keygen', ['-y', '-f', F.pem]), 0o644);
  F.spki = file('key.spki.pem');
  tool('openssl', ['pkey', '-in', F.pkcs8, '-pubout', '-out', F.spki]);
  F.rfc4716 = write('key.rfc4716.pub', tool('ssh-keygen', ['-e', '-f', F.pub]), 0o644);
  // Windows PowerShell 5.1 `Get-Content key.pem > copy.pem`: UTF-16LE with a BOM and CRLF; PuTTYgen on Windows: CRLF.
  F.pemUtf16 = write('key-utf16.pem', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(fs.readFileSync(F.pem, 'utf8').replace(/\n/g, '\r\n'), 'utf16le')]));
  F.ppkCrlf = write('key-crlf.ppk', fs.readFileSync(F.ppk3Enc, 'utf8').replace(/\n/g, '\r\n'));
  // Others.
  F.other = file('other.pem');
  tool('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', F.other]);
  F.ed = file('ed25519');
  tool('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'ed@test', '-f', F.ed]);
  F.edPub = F.ed + '.pub';
  F.garbage = write('garbage.pem', '-----BEGIN RSA PRIVATE KEY-----\nthis is not base64!\n-----END RSA PRIVATE KEY-----\n');

  const spkiDer = tool('openssl', ['pkey', '-in', F.pkcs8, '-pubout', '-outform', 'DER']);
  EXPECT.imported = colonHash('md5', spkiDer);
  EXPECT.created = colonHash('sha1', tool('openssl', ['pkcs8', '-topk8', '-nocrypt', '-in', F.pkcs8, '-outform', 'DER']));
  EXPECT.sha256 = sshKeygenSha256(F.pem);
  EXPECT.edSha256 = sshKeygenSha256(F.edPub);
  EXPECT.edImported = EXPECT.edSha256.slice('SHA256:'.length) + '=';

  // An EC2Launch-like password with punctuation, encrypted the way EC2 does it (openssl pkeyutl, PKCS#1 v1.5).
  PASSWORD = 'Xy7!@#$%^&*()-_=+[]{};:,.<>/?~`\'"\\|' + 'k'.repeat(4);
  BLOB = opensslEncryptPassword(F.pem, PASSWORD);
  OTHER_BLOB = opensslEncryptPassword(F.other, PASSWORD);
  write('blob.txt', BLOB.replace(/(.{76})/g, '$1\r\n') + '\r\n', 0o644);
}, 120_000);

// ------------------------------------------------------------------ fingerprint

describe.concurrent('fingerprint', () => {
  const privates = ['pem', 'pkcs8', 'openssh', 'ppk2', 'ppk3'];
  it.each(privates)('RSA private key, %s: --json has the EC2 and OpenSSH fingerprints', async (f) => {
    const r = await cli(['fingerprint', '--json', F[f]]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(['KeyType', 'Bits', 'ImportedFingerprint', 'CreatedFingerprint', 'Sha256']);
    expect(doc).toEqual({ KeyType: 'rsa', Bits: 2048, ImportedFingerprint: EXPECT.imported, CreatedFingerprint: EXPECT.created, Sha256: EXPECT.sha256 });
  });

  it.each(['pub', 'spki', 'rfc4716'])('RSA public key, %s: no CreatedFingerprint', async (f) => {
    const r = await cli(['--json', 'fingerprint', F[f]]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ KeyType: 'rsa', Bits: 2048, ImportedFingerprint: EXPECT.imported, Sha256: EXPECT.sha256 });
  });

  it('ED25519: SHA-256 of the blob with padding, created = imported, Sha256 = ssh-keygen -l', async () => {
    const [priv, pub] = await Promise.all([cli(['fingerprint', '--json', F.ed]), cli(['fingerprint', '--json', F.edPub])]);
    expect(JSON.parse(priv.stdout)).toEqual({ KeyType: 'ed25519', Bits: 256, ImportedFingerprint: EXPECT.edImported, CreatedFingerprint: EXPECT.edImported, Sha256: EXPECT.edSha256 });
    expect(JSON.parse(pub.stdout)).toEqual({ KeyType: 'ed25519', Bits: 256, ImportedFingerprint: EXPECT.edImported, Sha256: EXPECT.edSha256 });
  });

  it('plain output names each fingerprint', async () => {
    const r = await cli(['fingerprint', F.pem]);
    expect(r.code).toBe(0);
    for (const v of [EXPECT.imported, EXPECT.created, EXPECT.sha256]) expect(r.stdout).toContain(v);
    expect(r.stdout).toMatch(/ImportedFingerprint/);
    expect(r.stdout).toMatch(/CreatedFingerprint/);
    expect(r.stderr).toBe('');
  });

  it('reads standard input with -', async () => {
    const r = await cli(['fingerprint', '--json', '-'], { input: fs.readFileSync(F.ppk3) });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).CreatedFingerprint).toBe(EXPECT.created);
  });

  it('encrypted keys: passphrase from --passphrase-file or EC2KEYS_PASSPHRASE', async () => {
    const [a, b] = await Promise.all([
      cli(['fingerprint', '--json', '--passphrase-file', PWFILE, F.ppk3Enc]),
      cli(['fingerprint', '--json', F.pkcs8Enc], { env: { EC2KEYS_PASSPHRASE: PW } }),
    ]);
    expect(JSON.parse(a.stdout).CreatedFingerprint).toBe(EXPECT.created);
    expect(JSON.parse(b.stdout).CreatedFingerprint).toBe(EXPECT.created);
  });

  it('encrypted, no passphrase: PPK/OpenSSH give the public fingerprints (their public half is in clear); PEM/PKCS#8 are PassphraseRequired', async () => {
    const [ssh, ppk, ppkStdin, pem, p8] = await Promise.all([
      cli(['fingerprint', '--json', F.opensshEnc]),
      cli(['fingerprint', '--json', F.ppk2Enc]),
      // From standard input, which can be read only once: the public half comes from that one read.
      cli(['fingerprint', '--json', '-'], { input: fs.readFileSync(F.ppk2Enc) }),
      cli(['fingerprint', F.pemEnc]),
      cli(['--json', 'fingerprint', F.pkcs8Enc]),
    ]);
    for (const r of [ssh, ppk, ppkStdin]) {
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({ KeyType: 'rsa', Bits: 2048, ImportedFingerprint: EXPECT.imported, Sha256: EXPECT.sha256 });
    }
    expectError(pem, 'Ec2Keys.PassphraseRequired');
    expectError(p8, 'Ec2Keys.PassphraseRequired');
    expectJsonError(p8, 'Ec2Keys.PassphraseRequired');
    // ED25519's created fingerprint is its one fingerprint: a locked file gives it too.
    const ed = path.join(tmpDir('ec2keys-cli-edenc-'), 'ed');
    tool('ssh-keygen', ['-q', '-t', 'ed25519', '-N', PW, '-f', ed]);
    const [locked, open] = await Promise.all([
      cli(['fingerprint', '--json', ed]),
      cli(['fingerprint', '--json', '--passphrase-file', PWFILE, ed]),
    ]);
    expect(locked.code, locked.stderr).toBe(0);
    expect(JSON.parse(locked.stdout)).toEqual(JSON.parse(open.stdout));
    expect(JSON.parse(locked.stdout).CreatedFingerprint).toBe(JSON.parse(locked.stdout).ImportedFingerprint);
  });

  it('Windows PowerShell 5.1 files: UTF-16LE with BOM and CRLF, PPK with CRLF', async () => {
    const [a, b] = await Promise.all([
      cli(['fingerprint', '--json', F.pemUtf16]),
      cli(['fingerprint', '--json', '--passphrase-file', PWFILE, F.ppkCrlf]),
    ]);
    expect(JSON.parse(a.stdout).CreatedFingerprint, a.stderr).toBe(EXPECT.created);
    expect(JSON.parse(b.stdout).CreatedFingerprint, b.stderr).toBe(EXPECT.created);
  });

  it('a passphrase file written by Windows PowerShell 5.1 (UTF-16LE with BOM, CRLF) works', async () => {
    const pw16 = write('pw-utf16.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(PW + '\r\n', 'utf16le')]));
    const r = await cli(['fingerprint', '--json', '--passphrase-file', pw16, F.pemEnc]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).CreatedFingerprint).toBe(EXPECT.created);
  });
});

// ------------------------------------------------------------------ convert

/** Load a converted file with the oracle for its format; returns the public key line the oracle sees. */
function oraclePublic(f: string, format: string, pw?: string): string {
  if (format === 'ppk') {
    const args = [f, '-L'];
    if (pw !== undefined) {
      const pf = write(`oracle-pw-${path.basename(f)}`, pw + '\n');
      args.push('--old-passphrase', pf);
      // -L alone reads only the public lines of a PPK: --dump proves the private part decrypts too.
      tool('puttygen', [f, '--old-passphrase', pf, '--dump']);
    }
    return tool('puttygen', args).toString('utf8').trim().split(' ').slice(0, 2).join(' ');
  }
  if (format === 'pem' || format === 'pkcs8') {
    // openssl must read it (with the passphrase), then ssh-keygen gives the OpenSSH line.
    tool('openssl', ['pkey', '-in', f, '-passin', `pass:${pw ?? ''}`, '-noout']);
  }
  return tool('ssh-keygen', ['-y', '-P', pw ?? '', '-f', f]).toString('utf8').trim().split(' ').slice(0, 2).join(' ');
}

describe.concurrent('convert', () => {
  let pubLine = '';
  beforeAll(() => {
    pubLine = fs.readFileSync(F.pub, 'utf8').trim().split(' ').slice(0, 2).join(' ');
  });

  const targets: [string, string[], RegExp][] = [
    ['pem', [], /^-----BEGIN RSA PRIVATE KEY-----\n/],
    ['pkcs8', [], /^-----BEGIN PRIVATE KEY-----\n/],
    ['openssh', [], /^-----BEGIN OPENSSH PRIVATE KEY-----\n/],
    ['ppk', ['--ppk-version', '2'], /^PuTTY-User-Key-File-2: ssh-rsa\nEncryption: none\n/],
    ['ppk', ['--ppk-version', '3'], /^PuTTY-User-Key-File-3: ssh-rsa\nEncryption: none\n/],
    ['ppk', [], /^PuTTY-User-Key-File-3: ssh-rsa\n/],
  ];
  it.each(targets)('--to %s %s: owner-only file the oracle loads as the same key', async (to, extra, head) => {
    const dir = tmpDir('ec2keys-cli-convert-');
    const out = path.join(dir, `out-${to}${extra.join('')}`);
    const r = await cli(['convert', F.pem, '--to', to, ...extra, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(out);
    expect(fs.readFileSync(out, 'utf8')).toMatch(head);
    expect(fs.statSync(out).mode & 0o777).toBe(0o600);
    expect(oraclePublic(out, to)).toBe(pubLine);
    expect(leftovers(dir)).toEqual([]);
  });

  it('--to pem of an ED25519 key writes the OpenSSH format (what EC2 gives)', async () => {
    const out = file('ed-converted.pem');
    const r = await cli(['convert', F.ed, '--to', 'pem', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readFileSync(out, 'utf8')).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
    expect(tool('ssh-keygen', ['-y', '-f', out]).toString().split(' ')[1]).toBe(fs.readFileSync(F.edPub, 'utf8').split(' ')[1]);
  });

  it('--out - writes the key to stdout; with --json the key is KeyMaterial', async () => {
    const [plain, json] = await Promise.all([
      cli(['convert', F.ppk2, '--to', 'pkcs8', '--out', '-']),
      cli(['--json', 'convert', F.openssh, '--to', 'pem', '--out', '-']),
    ]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]*\n-----END PRIVATE KEY-----\n$/);
    const der = tool('openssl', ['pkcs8', '-topk8', '-nocrypt', '-outform', 'DER'], { input: plain.stdout });
    expect(colonHash('sha1', der)).toBe(EXPECT.created);
    expect(json.code, json.stderr).toBe(0);
    const doc = JSON.parse(json.stdout);
    expect(doc.KeyMaterial).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    expect(doc.KeyFile).toBeUndefined();
    expect(colonHash('sha1', tool('openssl', ['pkcs8', '-topk8', '-nocrypt', '-outform', 'DER'], { input: doc.KeyMaterial }))).toBe(EXPECT.created);
  });

  it('refuses to overwrite without --force (FileExists, original untouched); --force replaces, owner-only', async () => {
    const dir = tmpDir('ec2keys-cli-force-');
    const out = path.join(dir, 'existing.ppk');
    fs.writeFileSync(out, 'precious\n', { mode: 0o644 });
    const before = fs.statSync(out);
    const [r, j] = await Promise.all([
      cli(['convert', F.pem, '--to', 'ppk', '--out', out]),
      cli(['--json', 'convert', F.pem, '--to', 'ppk', '--out', out]),
    ]);
    expectError(r, 'Ec2Keys.FileExists');
    expectError(j, 'Ec2Keys.FileExists');
    expectJsonError(j, 'Ec2Keys.FileExists');
    expect(fs.readFileSync(out, 'utf8')).toBe('precious\n');
    expect(fs.statSync(out).mtimeMs).toBe(before.mtimeMs);
    expect(leftovers(dir)).toEqual([]);

    const f = await cli(['convert', F.pem, '--to', 'ppk', '--out', out, '--force']);
    expect(f.code, f.stderr).toBe(0);
    expect(fs.readFileSync(out, 'utf8')).toMatch(/^PuTTY-User-Key-File-3: ssh-rsa\n/);
    expect(fs.statSync(out).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dir)).toEqual(['existing.ppk']);
  });

  it('convert --out - to a pipe whose reader has gone: Ec2Keys.FileError, exit 1 (not a quiet 0); to /dev/null it is what was asked', async () => {
    const [gone, goneJson, nul] = await Promise.all([
      cli(['convert', F.pem, '--to', 'openssh', '--out', '-'], { stdout: 'closed' }),
      cli(['--json', 'convert', F.pem, '--to', 'openssh', '--out', '-'], { stdout: 'closed' }),
      cli(['convert', F.pem, '--to', 'openssh', '--out', '-'], { stdout: 'null' }),
    ]);
    for (const r of [gone, goneJson]) {
      expectError(r, 'Ec2Keys.FileError');
      expect(r.stderr).toMatch(/cannot write the key to standard output \(EPIPE\): nothing received it/);
    }
    // Converting loses nothing (the input stays): stdout on /dev/null is the caller's choice.
    expect(nul.code, nul.stderr).toBe(0);
  });

  it('a file of several public keys (authorized_keys) is InvalidKey.Format naming how many, never its first key in silence', async () => {
    const dir = tmpDir('ec2keys-cli-two-');
    const other = path.join(dir, 'other');
    tool('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    const two = path.join(dir, 'authorized_keys');
    fs.writeFileSync(two, fs.readFileSync(F.pub, 'utf8') + '# laptop\n' + fs.readFileSync(other + '.pub', 'utf8'));
    const home = path.join(dir, 'home');
    const [fp, imp] = await Promise.all([
      cli(['fingerprint', two]),
      cli(['--home', home, '--json', 'import', 'two', '--public-key-file', two, '--platform', 'linux']),
    ]);
    for (const r of [fp, imp]) {
      expectError(r, 'InvalidKey.Format');
      expect(r.stderr).toMatch(/authorized_keys holds 2 public keys; give one key\nhint: .*import --batch/);
    }
    expect((await cli(['--home', home, '--json', 'get'])).stdout).toMatch(/"KeyPairs": \[\]/);
    // One key plus comments and blank lines is one key.
    const one = path.join(dir, 'one.pub');
    fs.writeFileSync(one, fs.readFileSync(F.pub, 'utf8') + '\n# the laptop key\n\n');
    const r = await cli(['--json', 'fingerprint', one]);
    expect(r.code, r.stderr).toBe(0);
  });

  it('a dangling symlink at --out counts as a file that exists: FileExists, the link untouched', async () => {
    const dir = tmpDir('ec2keys-cli-dangling-');
    const out = path.join(dir, 'key.ppk');
    fs.symlinkSync(path.join(dir, 'nowhere', 'target.ppk'), out);
    const r = await cli(['convert', F.pem, '--to', 'ppk', '--out', out]);
    expectError(r, 'Ec2Keys.FileExists');
    expect(fs.readlinkSync(out)).toBe(path.join(dir, 'nowhere', 'target.ppk'));
    expect(fs.readdirSync(dir)).toEqual(['key.ppk']);
  });

  it('the default output name is the input\'s with the new extension, and it is not overwritten either', async () => {
    const dir = tmpDir('ec2keys-cli-default-');
    const inp = path.join(dir, 'my-key.pem');
    fs.copyFileSync(F.pem, inp);
    const r1 = await cli(['convert', inp, '--to', 'ppk'], { cwd: dir });
    expect(r1.code, r1.stderr).toBe(0);
    expect(fs.existsSync(path.join(dir, 'my-key.ppk'))).toBe(true);
    const r2 = await cli(['convert', inp, '--to', 'ppk'], { cwd: dir });
    expectError(r2, 'Ec2Keys.FileExists');
    expect(fs.readdirSync(dir).sort()).toEqual(['my-key.pem', 'my-key.ppk']);
  });

  it('a write that fails half-way (file-size limit) leaves neither the file nor a temp file', async () => {
    const dir = tmpDir('ec2keys-cli-efbig-');
    const out = path.join(dir, 'big.p8.pem');
    // ulimit -f 1: at most 1 KiB per file, less than a 2048-bit key; the write fails with EFBIG.
    const r = await runShell(`ulimit -f 1; exec "$@"`, ['convert', F.pem, '--to', 'pkcs8', '--out', out]);
    expect(hasStack(r.stderr)).toBe(false);
    expectError(r, 'Ec2Keys.FileError');
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('a file name too long for the file system: Ec2Keys.FileError saying so, nothing written', async () => {
    const dir = tmpDir('ec2keys-cli-longname-');
    const out = path.join(dir, 'k'.repeat(300) + '.ppk'); // NAME_MAX is 255 bytes on ext4, tmpfs, NTFS
    const r = await cli(['convert', F.pem, '--to', 'ppk', '--out', out]);
    expect(hasStack(r.stderr)).toBe(false);
    expectError(r, 'Ec2Keys.FileError');
    expect(r.stderr).toContain('the name is too long for this file system');
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('a failed read (wrong passphrase) writes nothing', async () => {
    const dir = tmpDir('ec2keys-cli-fail-');
    const r = await cli(['convert', F.ppk3Enc, '--to', 'pem', '--passphrase-file', WRONGFILE, '--out', path.join(dir, 'x.pem')]);
    expectError(r, 'Ec2Keys.BadPassphrase');
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  const encTargets: [string, string[], RegExp][] = [
    ['pem', [], /^-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,/],
    ['pkcs8', [], /^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/],
    ['openssh', [], /^-----BEGIN OPENSSH PRIVATE KEY-----\n/],
    ['ppk', ['--ppk-version', '2'], /^PuTTY-User-Key-File-2: ssh-rsa\nEncryption: aes256-cbc\n/],
    ['ppk', ['--ppk-version', '3'], /^PuTTY-User-Key-File-3: ssh-rsa\nEncryption: aes256-cbc\n[\s\S]*\nKey-Derivation: Argon2id\n/],
  ];
  it.each(encTargets)('--new-passphrase-file encrypts --to %s %s; the oracle needs that passphrase', async (to, extra, head) => {
    const dir = tmpDir('ec2keys-cli-enc-');
    const out = path.join(dir, 'enc');
    // Input encrypted too (another passphrase): both passphrases in play, neither printed.
    const r = await cli(['convert', F.ppk3Enc, '--to', to, ...extra, '--out', out, '--passphrase-file', PWFILE, '--new-passphrase-file', NEW_PWFILE]);
    expect(r.code, r.stderr).toBe(0);
    const text = fs.readFileSync(out, 'utf8');
    expect(text).toMatch(head);
    if (to === 'openssh') expect(Buffer.from(text.split('\n').slice(1, -2).join(''), 'base64').includes('aes256-ctr')).toBe(true);
    expect(oraclePublic(out, to, NEW_PW)).toBe(pubLine);
    expect(leftovers(dir)).toEqual([]);
  });

  it('EC2KEYS_PASSPHRASE and EC2KEYS_NEW_PASSPHRASE work the same way', async () => {
    const out = file('env-converted.pem');
    const r = await cli(['convert', F.opensshEnc, '--to', 'pem', '--out', out], { env: { EC2KEYS_PASSPHRASE: PW, EC2KEYS_NEW_PASSPHRASE: NEW_PW } });
    expect(r.code, r.stderr).toBe(0);
    expect(oraclePublic(out, 'pem', NEW_PW)).toBe(pubLine);
  });

  it('encrypted input without a passphrase (stdin not a terminal) is PassphraseRequired; a wrong one BadPassphrase', async () => {
    const [a, b, c] = await Promise.all([
      cli(['convert', F.pemEnc, '--to', 'ppk', '--out', '-']),
      cli(['--json', 'convert', F.pkcs8Enc, '--to', 'ppk', '--out', '-', '--passphrase-file', WRONGFILE]),
      cli(['convert', F.opensshEnc, '--to', 'ppk', '--out', '-'], { env: { EC2KEYS_PASSPHRASE: 'wrong' } }),
    ]);
    expectError(a, 'Ec2Keys.PassphraseRequired');
    expectError(b, 'Ec2Keys.BadPassphrase');
    expectJsonError(b, 'Ec2Keys.BadPassphrase');
    expectError(c, 'Ec2Keys.BadPassphrase');
  });

  it('Windows PowerShell 5.1 input (UTF-16LE with BOM, CRLF) converts', async () => {
    const r = await cli(['convert', F.pemUtf16, '--to', 'openssh', '--out', '-']);
    expect(r.code, r.stderr).toBe(0);
    const out = write('from-utf16.openssh', r.stdout);
    expect(oraclePublic(out, 'openssh')).toBe(pubLine);
  });
});

/** Run the CLI under `sh -c SCRIPT` (for ulimit); "$@" is the CLI command line. */
function runShell(script: string, args: string[]): Promise<CliResult> {
  const bin = process.env.EC2KEYS_TEST_BIN;
  const argv = bin ? [bin, ...args] : [process.execPath, BIN, ...args];
  return new Promise((resolve, reject) => {
    const c = spawn('bash', ['-c', script, 'ec2keys', ...argv], { cwd: D, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d) => (stdout += d));
    c.stderr.on('data', (d) => (stderr += d));
    c.on('error', reject);
    c.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

// ------------------------------------------------------------------ password

describe.concurrent('password', () => {
  const plainKeys = ['pem', 'pkcs8', 'openssh', 'ppk2', 'ppk3'];
  it.each(plainKeys)('key as %s: --data, --data-file and stdin give the password and a newline', async (k) => {
    const [a, b, c] = await Promise.all([
      cli(['password', '--key', F[k], '--data', BLOB]),
      cli(['password', '--key', F[k], '--data-file', file('blob.txt')]),
      cli(['password', '--key', F[k]], { input: BLOB + '\n' }),
    ]);
    for (const r of [a, b, c]) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(PASSWORD + '\n');
      expect(r.stderr.includes(PASSWORD)).toBe(false);
    }
  });

  const encKeys = ['pemEnc', 'pkcs8Enc', 'opensshEnc', 'ppk2Enc', 'ppk3Enc', 'ppkCrlf'];
  it.each(encKeys)('encrypted key as %s: --passphrase-file and EC2KEYS_PASSPHRASE', async (k) => {
    const [a, b] = await Promise.all([
      cli(['password', '--key', F[k], '--data', BLOB, '--passphrase-file', PWFILE]),
      cli(['--json', 'password', '--key', F[k], '--data-file', file('blob.txt')], { env: { EC2KEYS_PASSPHRASE: PW } }),
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toBe(PASSWORD + '\n');
    expect(b.code, b.stderr).toBe(0);
    expect(JSON.parse(b.stdout)).toEqual({ Password: PASSWORD });
  });

  it('Windows PowerShell 5.1 key file (UTF-16LE with BOM, CRLF)', async () => {
    const r = await cli(['password', '--key', F.pemUtf16, '--data', BLOB]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(PASSWORD + '\n');
  });

  const negatives: [string, () => [string[], CliOptions?], string][] = [
    ['empty --data', () => [['password', '--key', F.pem, '--data', '']], 'Ec2Keys.PasswordNotReady'],
    ['empty --data-file', () => [['password', '--key', F.pem, '--data-file', write('empty-blob.txt', '', 0o644)]], 'Ec2Keys.PasswordNotReady'],
    ['empty stdin', () => [['password', '--key', F.pem], { input: '\n' }], 'Ec2Keys.PasswordNotReady'],
    ['blob of another key', () => [['password', '--key', F.pem, '--data', OTHER_BLOB]], 'Ec2Keys.WrongKey'],
    ['blob of another key, key as PPK', () => [['password', '--key', F.ppk3, '--data', OTHER_BLOB]], 'Ec2Keys.WrongKey'],
    ['encrypted key, no passphrase, stdin not a terminal', () => [['password', '--key', F.ppk3Enc, '--data', BLOB]], 'Ec2Keys.PassphraseRequired'],
    ['encrypted key, --no-input', () => [['password', '--no-input', '--key', F.pemEnc, '--data', BLOB]], 'Ec2Keys.PassphraseRequired'],
    ['wrong --passphrase-file', () => [['password', '--key', F.opensshEnc, '--data', BLOB, '--passphrase-file', WRONGFILE]], 'Ec2Keys.BadPassphrase'],
    ['wrong EC2KEYS_PASSPHRASE', () => [['password', '--key', F.pkcs8Enc, '--data', BLOB], { env: { EC2KEYS_PASSPHRASE: 'wrong' } }], 'Ec2Keys.BadPassphrase'],
    ['garbage key file', () => [['password', '--key', F.garbage, '--data', BLOB]], 'InvalidKey.Format'],
    ['a public key as the key', () => [['password', '--key', F.pub, '--data', BLOB]], 'InvalidKey.Format'],
    ['ED25519 key', () => [['password', '--key', F.ed, '--data', BLOB]], 'Ec2Keys.UnsupportedForWindows'],
  ];
  it.each(negatives)('%s: its code, exit 1, the JSON error document', async (_name, make, code) => {
    const [args, opts] = make();
    const [plain, json] = await Promise.all([cli(args, opts), cli(['--json', ...args], opts)]);
    expectError(plain, code);
    expect(plain.stdout).toBe('');
    expectError(json, code);
    expectJsonError(json, code);
    for (const r of [plain, json]) expect(r.stdout.includes(PASSWORD) || r.stderr.includes(PASSWORD)).toBe(false);
  });

  it('--key - with the password data also from standard input (--data-file -, or no data option): a usage error naming both, not "standard input is empty"', async () => {
    const key = fs.readFileSync(F.pem, 'utf8');
    const [dataFileDash, implied, json, keyOnStdin, dataOnStdin] = await Promise.all([
      cli(['password', '--data-file', '-', '--key', '-'], { input: BLOB + '\n' }),
      cli(['password', '--key', '-'], { input: key }),
      cli(['--json', 'password', '--key', '-', '--data-file', '-'], { input: key + BLOB + '\n' }),
      // One reader of standard input is fine, either way round.
      cli(['password', '--key', '-', '--data-file', file('blob.txt')], { input: key }),
      cli(['password', '--key', F.pem, '--data-file', '-'], { input: BLOB + '\n' }),
    ]);
    for (const r of [dataFileDash, implied, json]) {
      expectError(r, 'Ec2Keys.Usage', 2);
      expect(r.stderr).toMatch(/^ec2keys: Ec2Keys\.Usage: standard input can feed only one of the key and the password data/m);
      expect(r.stderr).not.toMatch(/standard input is empty/);
      expect(r.stderr).toMatch(/^hint: .*--key FILE.*--data-file FILE/m);
    }
    expect(dataFileDash.stderr).toContain('(--key - with --data-file -)');
    expect(implied.stderr).toContain('(--key - with no --data, --data-file or --instance-id)');
    expect(dataFileDash.stdout).toBe('');
    expectJsonError(json, 'Ec2Keys.Usage');
    for (const r of [keyOnStdin, dataOnStdin]) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(PASSWORD + '\n');
    }
  });
});

// ------------------------------------------------------------------ protect

describe.concurrent('protect', () => {
  const loose = (name: string) => {
    const f = write(name, fs.readFileSync(F.pem), 0o644);
    fs.chmodSync(f, 0o644); // whatever the umask
    return f;
  };
  const mode = (f: string) => fs.statSync(f).mode & 0o777;

  it('--json with a file that fails: exit 1, and one document listing every file — the one it changed and the error of the other', async () => {
    const p1 = loose('protect-p1.pem');
    const missing = file('protect-nope.pem');
    const r = await cli(['--json', 'protect', 'protect-p1.pem', 'protect-nope.pem']);
    expect(r.code, r.stderr).toBe(1);
    expect(mode(p1)).toBe(0o600);
    expect(JSON.parse(r.stdout)).toEqual({
      Results: [
        { File: p1, Before: '0644', After: '0600', Changed: true },
        { File: missing, Error: { Code: 'Ec2Keys.FileError', Message: `cannot protect ${missing}: it does not exist` } },
      ],
    });
    expect(r.stderr).toBe(`ec2keys: Ec2Keys.PartialFailure: 1 of 2 key files could not be protected: cannot protect ${missing}: it does not exist\n`);
  });

  it('plain with a file that fails: the table of the file it changed, the failure on stderr, exit 1', async () => {
    const p1 = loose('protect-plain.pem');
    const missing = file('protect-plain-nope.pem');
    const r = await cli(['protect', p1, missing]);
    expect(r.code, r.stderr).toBe(1);
    expect(mode(p1)).toBe(0o600);
    expect(r.stdout.split('\n').map((l) => l.split(/\s+/))).toEqual([['File', 'Before', 'After'], [p1, '0644', '0600'], ['']]);
    expect(r.stderr).toBe(`ec2keys: Ec2Keys.PartialFailure: 1 of 2 key files could not be protected: cannot protect ${missing}: it does not exist\n`);
  });

  it('--json: the same Results document when all is well (changed, then unchanged), and for one file that fails (its own code on stderr)', async () => {
    const p = loose('protect-ok.pem');
    const first = await cli(['--json', 'protect', p]);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({ Results: [{ File: p, Before: '0644', After: '0600', Changed: true }] });
    const again = await cli(['--json', 'protect', p]);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({ Results: [{ File: p, Before: '0600', After: '0600', Changed: false }] });
    const missing = file('protect-alone-nope.pem');
    const one = await cli(['--json', 'protect', missing]);
    expect(one.code).toBe(1);
    expect(JSON.parse(one.stdout)).toEqual({ Results: [{ File: missing, Error: { Code: 'Ec2Keys.FileError', Message: `cannot protect ${missing}: it does not exist` } }] });
    expect(one.stderr).toBe(`ec2keys: Ec2Keys.FileError: cannot protect ${missing}: it does not exist\n`);
  });
});

// ------------------------------------------------------------------ usage errors

describe.concurrent('usage errors exit 2', () => {
  const cases: [string, () => string[]][] = [
    ['convert --to xyz', () => ['convert', F.pem, '--to', 'xyz']],
    ['convert without --to', () => ['convert', F.pem]],
    ['convert --ppk-version 4', () => ['convert', F.pem, '--to', 'ppk', '--ppk-version', '4']],
    ['an unknown option', () => ['fingerprint', '--bogus', F.pem]],
    ['fingerprint without its file', () => ['fingerprint']],
    ['password without --key', () => ['password', '--data', BLOB]],
    ['password with two data sources', () => ['password', '--key', F.pem, '--data', BLOB, '--data-file', file('blob.txt')]],
    ['an unknown command', () => ['fingerprnt', F.pem]],
    ['help for an unknown command', () => ['help', 'bogus']],
  ];
  it.each(cases)('%s', async (_name, make) => {
    const args = make();
    const [plain, json] = await Promise.all([cli(args), cli(['--json', ...args])]);
    expectError(plain, 'Ec2Keys.Usage', 2);
    expect(plain.stdout).toBe('');
    expectError(json, 'Ec2Keys.Usage', 2);
    expectJsonError(json, 'Ec2Keys.Usage');
  });
});

describe.concurrent('an option that cannot apply is a usage error, never silently ignored', () => {
  it('--ppk-version without PPK output, --comment where the format has none, --timeout without --wait: exit 2, nothing written, no pair created', async () => {
    const home = path.join(D, 'inapplicable-home');
    const env = { EC2KEYS_HOME: home };
    const out = (n: string) => file(`inapplicable-${n}`);
    const [newPpk, convPpk, convP8, convPem, pw, retrieve] = await Promise.all([
      cli(['new', 'inapplicable', '--ppk-version', '2', '--out', out('new.pem')], { env }),
      cli(['convert', F.pem, '--to', 'pem', '--ppk-version', '2', '--out', out('conv.pem')]),
      cli(['convert', F.pem, '--to', 'pkcs8', '--comment', 'c', '--out', out('conv.p8')]),
      cli(['convert', F.pem, '--to', 'pem', '--comment', 'c', '--out', out('conv2.pem')]),
      cli(['password', '--key', F.pem, '--data', BLOB, '--timeout', '5']),
      cli(['--store', 'ec2', '--endpoint-url', 'http://127.0.0.1:9', 'retrieve', 'x', '--format', 'openssh', '--ppk-version', '2', '--out', out('r.key')]),
    ]);
    const first = (r: CliResult) => r.stderr.split('\n')[0];
    for (const r of [newPpk, convPpk, convP8, convPem, pw, retrieve]) {
      expectError(r, 'Ec2Keys.Usage', 2);
      expect(r.stdout).toBe('');
    }
    expect(first(newPpk)).toBe('ec2keys: Ec2Keys.Usage: --ppk-version applies to PPK output only, and the key would be written as pem');
    expect(newPpk.stderr).toContain('hint: add --format ppk, or leave out --ppk-version');
    expect(convPpk.stderr).toContain('hint: add --to ppk, or leave out --ppk-version');
    expect(first(retrieve)).toBe('ec2keys: Ec2Keys.Usage: --ppk-version applies to PPK output only, and the key would be written as openssh');
    expect(first(convP8)).toBe('ec2keys: Ec2Keys.Usage: --comment applies to OpenSSH and PPK output only: a PKCS#8 file has no place for a comment');
    expect(first(convPem)).toBe('ec2keys: Ec2Keys.Usage: --comment applies to OpenSSH and PPK output only: a PKCS#1 PEM file has no place for a comment');
    expect(first(pw)).toBe('ec2keys: Ec2Keys.Usage: --timeout applies with --wait only: without it, the password data is fetched once');
    for (const n of ['new.pem', 'conv.pem', 'conv.p8', 'conv2.pem', 'r.key']) expect(fs.existsSync(out(n)), n).toBe(false);
    // The refused `new` created no pair.
    const list = await cli(['--json', 'get'], { env });
    expect(JSON.parse(list.stdout).KeyPairs).toEqual([]);
  });

  it('where they apply they still work: --ppk-version with ppk, --comment on an ED25519 key with --to pem (written as OpenSSH); --timeout with --wait: store-commands.test.ts', async () => {
    const [ppk2, edPem] = await Promise.all([
      cli(['convert', F.pem, '--to', 'ppk', '--ppk-version', '2', '--out', file('applies.ppk')]),
      cli(['convert', F.ed, '--to', 'pem', '--comment', 'edc', '--out', file('applies-ed.pem')]),
    ]);
    expect(ppk2.code, ppk2.stderr).toBe(0);
    expect(fs.readFileSync(file('applies.ppk'), 'utf8')).toMatch(/^PuTTY-User-Key-File-2: ssh-rsa/);
    expect(edPem.code, edPem.stderr).toBe(0);
    expect(tool('ssh-keygen', ['-y', '-f', file('applies-ed.pem')]).toString('utf8').trim()).toMatch(/^ssh-ed25519 \S+ edc$/);
  });
});

describe.concurrent('standard input is read once', () => {
  it('the key on - and --passphrase-file /dev/stdin: a usage error naming both (it said BadPassphrase); the passphrase alone on /dev/stdin works', async () => {
    const key = fs.readFileSync(F.pemEnc);
    const [both, alias, alone, aloneNew] = await Promise.all([
      cli(['convert', '-', '--to', 'pkcs8', '--passphrase-file', '/dev/stdin', '--out', file('once-a.p8')], { input: key }),
      cli(['fingerprint', '/dev/stdin', '--passphrase-file', '/dev/fd/0'], { input: key }),
      cli(['convert', F.pemEnc, '--to', 'pkcs8', '--passphrase-file', '/dev/stdin', '--out', file('once-b.p8')], { input: PW + '\n' }),
      cli(['convert', F.pem, '--to', 'openssh', '--new-passphrase-file', '/dev/stdin', '--out', file('once-c.key')], { input: NEW_PW + '\n' }),
    ]);
    expectError(both, 'Ec2Keys.Usage', 2);
    expect(both.stderr.split('\n')[0]).toBe("ec2keys: Ec2Keys.Usage: standard input can be read only once: '-' has read it, so --passphrase-file /dev/stdin would find it empty");
    expect(both.stderr).toContain('hint: save one of them to a file');
    expect(fs.existsSync(file('once-a.p8'))).toBe(false);
    expectError(alias, 'Ec2Keys.Usage', 2);
    expect(alias.stderr).toContain('/dev/stdin has read it, so --passphrase-file /dev/fd/0 would find it empty');
    expect(alone.code, alone.stderr).toBe(0);
    expect(tool('openssl', ['pkey', '-in', file('once-b.p8'), '-noout', '-text']).toString('utf8')).toContain('Private-Key: (2048 bit');
    expect(aloneNew.code, aloneNew.stderr).toBe(0);
    expect(tool('ssh-keygen', ['-y', '-P', NEW_PW, '-f', file('once-c.key')]).toString('utf8')).toMatch(/^ssh-rsa /);
  });
});

describe.concurrent('commander\'s usage messages in our style', () => {
  it('lower case after the code, no closing period (style.md)', async () => {
    const [many, bits, to] = await Promise.all([
      cli(['new', 'a', 'b']),
      cli(['new', 'x', '--bits', '1000']),
      cli(['convert', F.pem, '--to', 'xyz']),
    ]);
    const line = (r: CliResult) => r.stderr.split('\n')[0];
    expect(line(many)).toBe("ec2keys: Ec2Keys.Usage: too many arguments for 'new'; expected 1 argument but got 2");
    expect(line(bits)).toBe("ec2keys: Ec2Keys.Usage: option '-b, --bits <bits>' argument '1000' is invalid; allowed choices are 2048, 3072, 4096");
    expect(line(to)).toBe("ec2keys: Ec2Keys.Usage: option '--to <format>' argument 'xyz' is invalid; allowed choices are pem, pkcs8, openssh, ppk");
  });
});

describe.concurrent('help WORD', () => {
  it('help for an unknown command is reported exactly as that command would be (message, "Did you mean", hint, exit 2)', async () => {
    const [helpTypo, typo, helpBogus, bogus, helpTypoJson, typoJson] = await Promise.all([
      cli(['help', 'fingerprnt']),
      cli(['fingerprnt']),
      cli(['help', 'bogus']),
      cli(['bogus']),
      cli(['--json', 'help', 'fingerprnt']),
      cli(['--json', 'fingerprnt']),
    ]);
    expect(helpTypo.code).toBe(2);
    expect(helpTypo.stdout).toBe('');
    expect(helpTypo.stderr).toBe("ec2keys: Ec2Keys.Usage: unknown command 'fingerprnt'\n(Did you mean fingerprint?)\nhint: see `ec2keys --help` or `ec2keys COMMAND --help`\n");
    expect(helpTypo.stderr).toBe(typo.stderr);
    expect(helpBogus.code).toBe(2);
    expect(helpBogus.stderr.split('\n')[0]).toBe("ec2keys: Ec2Keys.Usage: unknown command 'bogus'");
    expect(helpBogus.stderr).toBe(bogus.stderr);
    expect(helpBogus.stdout).toBe('');
    expect(JSON.parse(helpTypoJson.stdout)).toEqual(JSON.parse(typoJson.stdout));
    expect(JSON.parse(helpTypoJson.stdout).Error.Code).toBe('Ec2Keys.Usage');
  });

  it('help for a command (or its alias) still shows that command\'s help, exit 0; help alone the main help', async () => {
    const [helpNew, helpRm, help] = await Promise.all([cli(['help', 'new']), cli(['help', 'rm']), cli(['help'])]);
    for (const r of [helpNew, helpRm, help]) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toBe('');
    }
    expect(helpNew.stdout).toMatch(/^Usage: ec2keys new \[options\] <name>\n/);
    expect(helpRm.stdout).toMatch(/^Usage: ec2keys remove\|rm /);
    expect(help.stdout).toMatch(/^Usage: ec2keys \[options\] \[command\]\n/);
  });
});

// ------------------------------------------------------------------ output to a closed pipe

/** Run the CLI with its stdout a pipe whose reading end is already closed (`ec2keys … | head -1` after head exited). */
function runClosedStdout(args: string[]): Promise<CliResult> {
  const bin = process.env.EC2KEYS_TEST_BIN;
  const [cmd, argv] = bin ? [bin, args] : [process.execPath, [BIN, ...args]];
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, argv, { cwd: D, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    c.stdout.destroy(); // closed before the CLI writes anything: every write of it gets EPIPE
    let stderr = '';
    c.stderr.on('data', (d) => (stderr += d));
    c.on('error', reject);
    c.on('close', (code, signal) => resolve({ code, signal, stdout: '', stderr }));
  });
}

describe.concurrent('stdout closed early (a pipe into head, Select-Object -First)', () => {
  // A key sent to stdout must arrive (SECURITY.md): convert --out - is a FileError then; the rest
  // keeps its own exit code.
  const cases: [string, () => string[], number][] = [
    ['fingerprint --json', () => ['--json', 'fingerprint', F.pem], 0],
    ['fingerprint (table)', () => ['fingerprint', F.pem], 0],
    ['convert --out -', () => ['convert', F.pem, '--to', 'ppk', '--out', '-'], 1],
    ['password', () => ['password', '--key', F.pem, '--data', BLOB], 0],
    ['--help', () => ['--help'], 0],
  ];
  it.each(cases)('%s: no stack trace, no "Unhandled \'error\' event", the command\'s own exit code', async (_name, make, code) => {
    const r = await runClosedStdout(make());
    expect(r.signal).toBe(null);
    expect(r.stderr).not.toMatch(/Unhandled|node:events/);
    expect(hasStack(r.stderr), r.stderr).toBe(false);
    expect(r.code, r.stderr).toBe(code);
    if (code === 1) expect(r.stderr).toMatch(/^ec2keys: Ec2Keys\.FileError: cannot write the key to standard output \(EPIPE\): nothing received it$/m);
    else expect(r.stderr).not.toMatch(/EPIPE/);
  });
});

// ------------------------------------------------------------------ what errors may show of a file

describe.concurrent('a file that is not a key: the error names what it is, never its content', () => {
  // Swapped arguments (`--key pw.txt --passphrase-file key.pem`) and key bodies without their
  // armour lines are common; the first line of such a file is a secret (SECURITY.md: errors
  // "name what was wrong, never the content").
  const ASCII_PW = 'Correct-Horse-Battery-9';
  const cases: [string, () => string, () => string[]][] = [
    ['a passphrase file', () => write('ascii-pw.txt', ASCII_PW + '\n'), () => [ASCII_PW, ASCII_PW.slice(0, 12)]],
    ['a PEM body without its BEGIN/END lines (+ a stray line)', () => {
      const body = fs.readFileSync(F.pem, 'utf8').split('\n').filter((l) => l && !l.startsWith('-----'));
      return write('body-only.txt', body.join('\n') + '\n(end)\n');
    }, () => [fs.readFileSync(F.pem, 'utf8').split('\n')[1].slice(0, 24)]],
  ];
  it.each(cases)('%s', async (_name, make, secrets) => {
    const f = make();
    const runs = await Promise.all([
      cli(['fingerprint', f]),
      cli(['--json', 'password', '--key', f, '--data', BLOB]),
      cli(['convert', f, '--to', 'ppk', '--out', '-']),
      cli(['fingerprint', '-'], { input: fs.readFileSync(f) }),
    ]);
    for (const r of runs) {
      expectError(r, 'InvalidKey.Format');
      expect(r.stderr).toMatch(/not a recognised key/);
      for (const s of secrets()) expect(r.stdout + r.stderr, `content shown: ${r.stderr}`).not.toContain(s);
    }
  });

  it('a PPK whose Private-Lines count is one short: the stray key-data line is not shown', async () => {
    const lines = fs.readFileSync(F.ppk2, 'utf8').split('\n');
    const at = lines.findIndex((l) => l.startsWith('Private-Lines: '));
    const n = Number(lines[at].slice('Private-Lines: '.length));
    const lastPrivate = lines[at + n];
    lines[at] = `Private-Lines: ${n - 1}`;
    const f = write('short-count.ppk', lines.join('\n'));
    const r = await cli(['fingerprint', f]);
    expectError(r, 'InvalidKey.Format');
    expect(r.stderr).toMatch(/Private-MAC/);
    expect(r.stderr).not.toContain(lastPrivate.slice(0, 16));
  });

  it('an armour line that is no key type is still named (it is not secret)', async () => {
    const f = write('eddsa.pem', '-----BEGIN FOO PRIVATE KEY-----\nAAAA\n-----END FOO PRIVATE KEY-----\n');
    const g = write('header-typo.pem', '-----BEGN RSA PRIVATE KEY-----\nAAAA\n');
    const [a, b] = await Promise.all([cli(['fingerprint', f]), cli(['fingerprint', g])]);
    expectError(a, 'InvalidKey.Format');
    expect(a.stderr).toContain('FOO PRIVATE KEY');
    expectError(b, 'InvalidKey.Format');
    expect(b.stderr).toContain('-----BEGN RSA PRIVATE KEY-----');
  });
});

// ------------------------------------------------------------------ inputs that never end

describe.concurrent('a key or passphrase "file" that is a device or a pipe', () => {
  it('/dev/zero as the key, the public key or the passphrase file: a size error at once, not a hang', async () => {
    const runs = await Promise.all([
      cli(['fingerprint', '/dev/zero'], { timeoutMs: 20_000 }),
      cli(['password', '--key', '/dev/zero', '--data', BLOB], { timeoutMs: 20_000 }),
      cli(['convert', F.pemEnc, '--to', 'ppk', '--out', '-', '--passphrase-file', '/dev/zero'], { timeoutMs: 20_000 }),
      cli(['--home', path.join(D, 'zero-home'), 'import', 'z', '--public-key-file', '/dev/zero'], { timeoutMs: 20_000 }),
    ]);
    for (const r of runs) {
      expect(r.signal, 'killed after 20 s: it read /dev/zero for ever').toBe(null);
      expect(r.code, r.stderr).not.toBe(0);
      expect(r.stderr).toMatch(/^ec2keys: [A-Za-z0-9.]+: .*(larger|too large)/m);
    }
  });

  it('a pipe (bash process substitution, /dev/fd/N) still works, for the key and the passphrase file', async () => {
    const r = await runShell(`"$@" <(cat '${F.pemEnc}') --passphrase-file <(cat '${PWFILE}')`, ['fingerprint', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).CreatedFingerprint).toBe(EXPECT.created);
  });
});

// ------------------------------------------------------------------ --out FOLDER

describe.concurrent('convert --out FOLDER', () => {
  it('writes <input name>.<ext> inside the folder; an existing one there needs --force', async () => {
    const dir = path.join(D, 'out-folder');
    fs.mkdirSync(dir);
    const r = await cli(['--json', 'convert', F.pem, '--to', 'ppk', '--out', dir]);
    expect(r.code, r.stderr).toBe(0);
    const f = path.join(dir, 'key.ppk');
    expect(JSON.parse(r.stdout).KeyFile).toBe(f);
    expect(fs.statSync(f).mode & 0o777).toBe(0o600);
    expect(tool('puttygen', ['-l', f]).toString()).toMatch(/ssh-rsa 2048/);
    expectError(await cli(['convert', F.pem, '--to', 'ppk', '--out', dir]), 'Ec2Keys.FileExists');
    expect((await cli(['convert', F.pem, '--to', 'ppk', '--out', dir, '--force'])).code).toBe(0);
  });
});

describe.concurrent('password: empty data given directly', () => {
  it('the hint tells how to wait that works without an instance id (--wait alone is a usage error)', async () => {
    const [stdin, data] = await Promise.all([
      cli(['password', '--key', F.pem], { input: '\n' }),
      cli(['password', '--key', F.pem, '--data', '']),
    ]);
    for (const r of [stdin, data]) {
      expectError(r, 'Ec2Keys.PasswordNotReady');
      const hint = r.stderr.split('\n').find((l) => l.startsWith('hint: '))!;
      expect(hint).toMatch(/--instance-id \S+ --wait/);
      expect(hint).not.toMatch(/wait with --wait,/);
    }
    const wait = await cli(['password', '--key', F.pem, '--wait'], { input: '\n' });
    expectError(wait, 'Ec2Keys.Usage', 2);
  });
});

describe.concurrent('--encrypt without a passphrase to encrypt with', () => {
  it('no terminal and no --new-passphrase-file / EC2KEYS_NEW_PASSPHRASE: a usage error, no unencrypted key written', async () => {
    const dir = tmpDir('ec2keys-cli-encrypt-');
    const empty = write('empty-new-pw.txt', '');
    const [none, emptyFile, emptyEnv, ok] = await Promise.all([
      cli(['convert', F.pem, '--to', 'ppk', '--encrypt', '--out', path.join(dir, 'a.ppk')]),
      cli(['convert', F.pem, '--to', 'ppk', '--encrypt', '--new-passphrase-file', empty, '--out', path.join(dir, 'b.ppk')]),
      cli(['--json', 'convert', F.pem, '--to', 'pkcs8', '--encrypt', '--out', path.join(dir, 'c.p8')], { env: { EC2KEYS_NEW_PASSPHRASE: '' } }),
      cli(['convert', F.pem, '--to', 'pkcs8', '--encrypt', '--out', path.join(dir, 'd.p8')], { env: { EC2KEYS_NEW_PASSPHRASE: NEW_PW } }),
    ]);
    for (const r of [none, emptyFile, emptyEnv]) {
      expectError(r, 'Ec2Keys.Usage', 2);
      expect(r.stderr).toMatch(/--encrypt/);
    }
    expectJsonError(emptyEnv, 'Ec2Keys.Usage');
    expect(ok.code, ok.stderr).toBe(0);
    expect(fs.readdirSync(dir)).toEqual(['d.p8']);
    expect(fs.readFileSync(path.join(dir, 'd.p8'), 'utf8')).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
  });
});

describe.concurrent('an empty new passphrase', () => {
  it('an empty --new-passphrase-file (or one whose first line is empty) is a usage error, not an UNENCRYPTED key; nothing written', async () => {
    const dir = tmpDir('ec2keys-cli-empty-new-pw-');
    const empty = write('empty-new-pw-2.txt', '');
    const firstLineEmpty = write('first-line-empty.txt', '\nsecret\n');
    const crlfOnly = write('crlf-only.txt', '\r\n');
    const runs = await Promise.all([
      cli(['convert', F.pem, '--to', 'ppk', '--new-passphrase-file', empty, '--out', path.join(dir, 'a.ppk')]),
      cli(['convert', F.pem, '--to', 'pkcs8', '--new-passphrase-file', firstLineEmpty, '--out', path.join(dir, 'b.p8')]),
      cli(['convert', F.ppk3, '--to', 'openssh', '--new-passphrase-file', crlfOnly, '--out', path.join(dir, 'c.key')]),
      cli(['--json', 'convert', F.pem, '--to', 'pem', '--new-passphrase-file', empty, '--out', '-']),
    ]);
    for (const r of runs) {
      expectError(r, 'Ec2Keys.Usage', 2);
      expect(r.stderr).toMatch(/^ec2keys: Ec2Keys\.Usage: the new passphrase \(first line of --new-passphrase-file \S+\) is empty; an empty passphrase would leave the key unencrypted$/m);
      expect(r.stdout).not.toMatch(/PRIVATE KEY|PuTTY-User-Key-File/);
    }
    expectJsonError(runs[3], 'Ec2Keys.Usage');
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('EC2KEYS_NEW_PASSPHRASE set to the empty string counts as not set (as EC2KEYS_PASSPHRASE=\'\' does): the key is written unencrypted', async () => {
    const dir = tmpDir('ec2keys-cli-empty-new-env-');
    const [pkcs8, ppk] = await Promise.all([
      cli(['--json', 'convert', F.pem, '--to', 'pkcs8', '--out', path.join(dir, 'a.p8')], { env: { EC2KEYS_NEW_PASSPHRASE: '' } }),
      cli(['convert', F.pem, '--to', 'ppk', '--out', path.join(dir, 'b.ppk')], { env: { EC2KEYS_NEW_PASSPHRASE: '' } }),
    ]);
    expect(pkcs8.code, pkcs8.stderr).toBe(0);
    expect(JSON.parse(pkcs8.stdout).Encrypted).toBe(false);
    expect(fs.readFileSync(path.join(dir, 'a.p8'), 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(ppk.code, ppk.stderr).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'b.ppk'), 'utf8')).toMatch(/^Encryption: none$/m);
    // With --encrypt it is "no passphrase given", and says why.
    const enc = await cli(['convert', F.pem, '--to', 'ppk', '--encrypt', '--out', path.join(dir, 'c.ppk')], { env: { EC2KEYS_NEW_PASSPHRASE: '' } });
    expectError(enc, 'Ec2Keys.Usage', 2);
    expect(enc.stderr).toContain('EC2KEYS_NEW_PASSPHRASE is empty, which counts as not set');
    expect(fs.existsSync(path.join(dir, 'c.ppk'))).toBe(false);
  });
});

describe.concurrent('password data saved by Windows PowerShell 5.1', () => {
  it('`aws ec2 get-password-data … --output text > blob.txt` (UTF-16LE with BOM, CRLF) works as --data-file and on stdin', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(BLOB + '\r\n', 'utf16le')]);
    const f = write('blob-utf16.txt', utf16, 0o644);
    const [a, b] = await Promise.all([cli(['password', '--key', F.pem, '--data-file', f]), cli(['password', '--key', F.pem], { input: utf16 })]);
    for (const r of [a, b]) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(PASSWORD + '\n');
    }
  });
});
