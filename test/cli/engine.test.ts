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
  expect(r.code, `exit code; stderr: ${r.stderr}`).toBe(exit);
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
    const [ssh, ppk, pem, p8] = await Promise.all([
      cli(['fingerprint', '--json', F.opensshEnc]),
      cli(['fingerprint', '--json', F.ppk2Enc]),
      cli(['fingerprint', F.pemEnc]),
      cli(['--json', 'fingerprint', F.pkcs8Enc]),
    ]);
    for (const r of [ssh, ppk]) {
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({ KeyType: 'rsa', Bits: 2048, ImportedFingerprint: EXPECT.imported, Sha256: EXPECT.sha256 });
    }
    expectError(pem, 'Ec2Keys.PassphraseRequired');
    expectError(p8, 'Ec2Keys.PassphraseRequired');
    expectJsonError(p8, 'Ec2Keys.PassphraseRequired');
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
