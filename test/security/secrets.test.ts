// Secrets never leak (issue #7 §4), through the real CLI: passphrases (right and wrong) and private
// keys never appear on stdout or stderr of any command — successes, failures, usage errors, and
// the debug output (EC2KEYS_DEBUG=2 prints causes and stacks) — except the key itself where the
// user asked for it (--out -, KeyMaterial with --json) and the Windows password, on stdout only.
// Nor in --json documents, nor anywhere in the local registry folder.
//
// "The private key appears" is checked byte-exactly, not by eye: every private-only value of the
// key (RSA d, p, q, dp, dq, qi; the Ed25519 seed), as base64 at each of the three byte alignments,
// base64url and hex, plus the PEM body lines past the public modulus, plus key-file markers.
// A needle that is never searched for proves nothing, so the needle finder is itself checked on
// text that does hold the key.
import { createPrivateKey, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliResult } from '../helpers/cli.js';
import { opensslEncryptPassword, tmpDir, tool } from '../helpers/tools.js';
import { expectFailure, expectOk, run } from '../faults/helpers.js';

const PASS = `pass-${randomBytes(6).toString('hex')}-ä€`;
const NEW_PASS = `newpass-${randomBytes(6).toString('hex')}`;
const WRONG = `wrong-${randomBytes(6).toString('hex')}`;
const PASSWORD = `Win-${randomBytes(9).toString('base64url')}!`;
let W = '';
let HOME = '';
const F: Record<string, string> = {};
let BLOB = '';
const temps: string[] = [];
afterAll(() => {
  for (const d of [W, HOME, ...temps]) if (d) fs.rmSync(d, { recursive: true, force: true });
});
/** A temp folder removed after the file's tests, also when a test fails. */
const scratch = (prefix: string) => {
  const d = tmpDir(prefix);
  temps.push(d);
  return d;
};

/** Byte strings that only a private key (or a copy of it) contains. */
function needles(keyText: string | Buffer, passphrase?: string): string[] {
  const k = createPrivateKey(passphrase === undefined ? { key: keyText } : { key: keyText, passphrase });
  const jwk = k.export({ format: 'jwk' }) as Record<string, string>;
  const parts = (k.asymmetricKeyType === 'rsa' ? ['d', 'p', 'q', 'dp', 'dq', 'qi'] : ['d']).map((c) => Buffer.from(jwk[c], 'base64url'));
  const out: string[] = [];
  for (const b of parts) {
    for (let off = 0; off < 3; off++) {
      const s = b.subarray(off, off + 24);
      out.push(s.toString('base64'), s.toString('base64url'));
    }
    out.push(b.subarray(0, 16).toString('hex'), b.subarray(0, 16).toString('hex').toUpperCase());
  }
  // PKCS#1 DER as PEM: past byte ~270 (after n) every 64-character line is private material.
  if (k.asymmetricKeyType === 'rsa') {
    const der = k.export({ format: 'der', type: 'pkcs1' });
    const lines = der.toString('base64').match(/.{1,64}/g)!;
    out.push(...lines.slice(6, -1));
  }
  return out;
}

/** What a key file's text looks like (error messages may name "RSA PRIVATE KEY" as a format; that is fine). */
const MARKERS = [/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/, /PuTTY-User-Key-File-\d: /, /Private-Lines: \d/, /Private-MAC: [0-9a-f]/];

/** Every secret found in `text`: passphrases, key needles, key-file markers. */
function leaks(text: string, secrets: { needles: string[]; words?: string[] }): string[] {
  const found: string[] = [];
  for (const w of [PASS, NEW_PASS, WRONG, ...(secrets.words ?? [])]) if (text.includes(w)) found.push(`passphrase/secret word ${JSON.stringify(w)}`);
  for (const n of secrets.needles) if (text.includes(n)) found.push(`key material ${n.slice(0, 12)}…`);
  for (const m of MARKERS) if (m.test(text)) found.push(`marker ${m.source}`);
  return found;
}

function expectClean(r: CliResult, secrets: { needles: string[]; words?: string[] }, what: string, o: { stdoutIsKey?: boolean } = {}): void {
  expect(leaks(r.stderr, secrets), `${what}: stderr leaks:\n${r.stderr}`).toEqual([]);
  if (!o.stdoutIsKey) expect(leaks(r.stdout, secrets), `${what}: stdout leaks:\n${r.stdout}`).toEqual([]);
}

let KEY_NEEDLES: string[] = [];
let ED_NEEDLES: string[] = [];
const all = () => ({ needles: [...KEY_NEEDLES, ...ED_NEEDLES], words: [PASSWORD] });

beforeAll(() => {
  W = tmpDir('ec2keys-secrets-');
  HOME = tmpDir('ec2keys-secrets-home-');
  const f = (n: string) => (F[n] = path.join(W, n));
  fs.writeFileSync(f('pass.txt'), PASS + '\n', { mode: 0o600 });
  fs.writeFileSync(f('newpass.txt'), NEW_PASS + '\n', { mode: 0o600 });
  fs.writeFileSync(f('wrong.txt'), WRONG + '\n', { mode: 0o600 });
  tool('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', f('k.p8')]);
  tool('openssl', ['rsa', '-in', F['k.p8'], '-traditional', '-out', f('k.pem')]);
  tool('openssl', ['rsa', '-in', F['k.pem'], '-traditional', '-aes256', '-passout', `file:${F['pass.txt']}`, '-out', f('enc.pem')]);
  tool('openssl', ['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-in', F['k.pem'], '-passout', `file:${F['pass.txt']}`, '-out', f('enc.p8')]);
  fs.copyFileSync(F['k.pem'], f('enc.openssh'));
  tool('ssh-keygen', ['-q', '-p', '-P', '', '-N', PASS, '-f', F['enc.openssh']]);
  tool('puttygen', [F['k.pem'], '-O', 'private', '-o', f('enc.ppk'), '--new-passphrase', F['pass.txt']]);
  tool('puttygen', [F['k.pem'], '-O', 'private', '-o', f('k.ppk')]);
  tool('ssh-keygen', ['-q', '-t', 'ed25519', '-N', PASS, '-f', f('ed.openssh')]);
  for (const n of Object.keys(F)) fs.chmodSync(F[n], 0o600);
  BLOB = opensslEncryptPassword(F['k.pem'], PASSWORD);
  fs.writeFileSync(f('blob.txt'), BLOB);
  KEY_NEEDLES = needles(fs.readFileSync(F['k.pem']));
  ED_NEEDLES = needles(privatePem(F['ed.openssh'], F['pass.txt']));
});

/**
 * Any private key file as unencrypted PKCS#8 PEM, by the oracles: puttygen for PPK, then Python's
 * `cryptography` (OpenSSH and PEM formats), so needles come from the key as another tool reads it.
 */
function privatePem(file: string, passFile?: string): string {
  const tmp = tmpDir('ec2keys-secrets-conv-');
  try {
    let src = file;
    if (fs.readFileSync(file, 'utf8').startsWith('PuTTY-User-Key-File-')) {
      src = path.join(tmp, 'k');
      const none = path.join(tmp, 'none');
      fs.writeFileSync(none, '');
      tool('puttygen', [file, '-O', 'private-openssh-new', '-o', src, '--new-passphrase', none, ...(passFile ? ['--old-passphrase', passFile] : [])]);
      passFile = undefined;
    } else if (passFile && fs.readFileSync(file, 'utf8').includes('OPENSSH PRIVATE KEY')) {
      // Python's reader needs the bcrypt module for encrypted OpenSSH keys: ssh-keygen decrypts a copy.
      src = path.join(tmp, 'k');
      fs.copyFileSync(file, src);
      fs.chmodSync(src, 0o600);
      tool('ssh-keygen', ['-q', '-p', '-P', fs.readFileSync(passFile, 'utf8').split('\n')[0], '-N', '', '-f', src]);
      passFile = undefined;
    }
    const py = [
      'import sys',
      'from cryptography.hazmat.primitives import serialization as s',
      'data = open(sys.argv[1], "rb").read()',
      'pw = open(sys.argv[2], "rb").read().split(b"\\n")[0] if len(sys.argv) > 2 else None',
      'load = s.load_ssh_private_key if b"OPENSSH PRIVATE KEY" in data else s.load_pem_private_key',
      'k = load(data, pw)',
      'sys.stdout.buffer.write(k.private_bytes(s.Encoding.PEM, s.PrivateFormat.PKCS8, s.NoEncryption()))',
    ].join('\n');
    return tool('python3', ['-c', py, src, ...(passFile ? [passFile] : [])]).toString();
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

const cli = (args: string[], env: Record<string, string> = {}, input?: string) => run(args, { cwd: W, env: { EC2KEYS_HOME: HOME, ...env }, input });

describe('the needle finder', () => {
  it('finds the key in every form a file holds it, and nothing in its public half', () => {
    const pubLine = tool('ssh-keygen', ['-y', '-f', F['k.pem']]).toString();
    const pubPem = tool('openssl', ['pkey', '-in', F['k.pem'], '-pubout']).toString();
    expect(leaks(pubLine + pubPem + tool('puttygen', [F['k.pem'], '-O', 'public']).toString(), { needles: KEY_NEEDLES })).toEqual([]);
    for (const n of ['k.pem', 'k.p8', 'k.ppk']) expect(leaks(fs.readFileSync(F[n], 'utf8'), { needles: KEY_NEEDLES }).length, n).toBeGreaterThan(0);
    const raw = fs.readFileSync(F['k.pem'], 'utf8').split('\n').filter((l) => !l.startsWith('-----')).join('');
    expect(leaks(raw, { needles: KEY_NEEDLES }).filter((x) => x.startsWith('key material')).length).toBeGreaterThan(0);
    expect(ED_NEEDLES.length).toBeGreaterThan(0);
  });
});

describe.concurrent('no secret on stdout or stderr', () => {
  it('reading encrypted keys: right, wrong and missing passphrases, by file and by environment, with debug output on', async () => {
    const debug = { EC2KEYS_DEBUG: '2' };
    const runs: [string, string[], Record<string, string>][] = [];
    for (const k of ['enc.pem', 'enc.p8', 'enc.openssh', 'enc.ppk', 'ed.openssh']) {
      runs.push(
        [`fingerprint ${k} (right file)`, ['--json', 'fingerprint', F[k], '--passphrase-file', F['pass.txt']], debug],
        [`fingerprint ${k} (wrong file)`, ['fingerprint', F[k], '--passphrase-file', F['wrong.txt']], debug],
        [`fingerprint ${k} (wrong env)`, ['--json', 'fingerprint', F[k]], { ...debug, EC2KEYS_PASSPHRASE: WRONG }],
        [`convert ${k} (wrong env)`, ['convert', F[k], '--to', 'ppk', '--out', path.join(W, 'never.ppk')], { ...debug, EC2KEYS_PASSPHRASE: WRONG, EC2KEYS_NEW_PASSPHRASE: NEW_PASS }],
        [`password ${k} (wrong file)`, ['password', '--data-file', F['blob.txt'], '--key', F[k], '--passphrase-file', F['wrong.txt']], debug],
        [`password ${k} (none)`, ['--json', 'password', '--data-file', F['blob.txt'], '--key', F[k]], debug],
        [`import ${k} (wrong)`, ['import', `imp-${k}`, '--public-key-file', F[k], '--platform', 'linux', '--passphrase-file', F['wrong.txt']], debug],
      );
    }
    const results = await Promise.all(runs.map(([, args, env]) => cli(args, env)));
    for (const [i, r] of results.entries()) {
      expect(r.code, `${runs[i][0]}: ${r.stderr}`).toBe(runs[i][0].includes('(right') ? 0 : 1);
      expectClean(r, all(), runs[i][0]);
    }
    expect(fs.existsSync(path.join(W, 'never.ppk'))).toBe(false);
  }, 240_000);

  it('damaged key files (a changed character, also in bare base64, a missing line, cut short) are refused without echoing their content', async () => {
    const text = fs.readFileSync(F['k.pem'], 'utf8').split('\n');
    const flip = (l: string) => l.slice(0, 30) + (l[30] === 'A' ? 'B' : 'A') + l.slice(31);
    const damaged = {
      'flipped.pem': [...text.slice(0, 12), flip(text[12]), ...text.slice(13)].join('\n'),
      'missing-line.pem': [...text.slice(0, 9), ...text.slice(10)].join('\n'),
      'cut.pem': text.slice(0, 15).join('\n'),
      'flipped-body.txt': [...text.slice(1, 12), flip(text[12]), ...text.slice(13, -2)].join('\n'),
      'cut.ppk': fs.readFileSync(F['k.ppk'], 'utf8').split('\n').slice(0, -3).join('\n'),
    };
    const runs: string[][] = [];
    for (const [name, body] of Object.entries(damaged)) {
      const file = path.join(W, name);
      fs.writeFileSync(file, body, { mode: 0o600 });
      runs.push(['fingerprint', file], ['--json', 'convert', file, '--to', 'openssh', '--out', '-'], ['password', '--data', BLOB, '--key', file], ['import', `dmg-${name}`, '--public-key-file', file]);
    }
    const results = await Promise.all(runs.map((a) => cli(a, { EC2KEYS_DEBUG: '2' })));
    for (const [i, r] of results.entries()) {
      expect(r.code, `${runs[i].join(' ')}: ${r.stdout}${r.stderr}`).toBe(1);
      expectClean(r, all(), runs[i].join(' '));
    }
  }, 240_000);

  it('the Windows password: on stdout only, with a newline; never on stderr, never after a failure', async () => {
    const [plain, json, stdin, wrongKey] = await Promise.all([
      cli(['password', '--data-file', F['blob.txt'], '--key', F['enc.ppk'], '--passphrase-file', F['pass.txt']]),
      cli(['--json', 'password', '--data', BLOB, '--key', F['enc.openssh']], { EC2KEYS_PASSPHRASE: PASS }),
      cli(['password', '--key', F['k.p8']], {}, BLOB),
      cli(['password', '--data', BLOB, '--key', F['ed.openssh'], '--passphrase-file', F['pass.txt']]),
    ]);
    for (const r of [plain, stdin]) {
      expectOk(r);
      expect(r.stdout).toBe(PASSWORD + '\n');
      expect(r.stderr).toBe('');
    }
    expectOk(json);
    expect(JSON.parse(json.stdout)).toEqual({ Password: PASSWORD });
    expect(json.stderr).toBe('');
    for (const r of [plain, json, stdin]) expectClean({ ...r, stdout: '' }, all(), 'password');
    expectFailure(wrongKey, 'Ec2Keys.UnsupportedForWindows');
    expectClean(wrongKey, all(), 'password with an ED25519 key');
    // Another RSA key: WrongKey, and nothing of the password (or of either key).
    const other = path.join(W, 'other.pem');
    tool('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', other]);
    const wrong = await cli(['--json', 'password', '--data', BLOB, '--key', other], { EC2KEYS_DEBUG: '2' });
    expect(wrong.code).toBe(1);
    expect(JSON.parse(wrong.stdout).Error.Code).toBe('Ec2Keys.WrongKey');
    expectClean(wrong, { needles: [...all().needles, ...needles(fs.readFileSync(other))], words: [PASSWORD] }, 'password with the wrong key');
  }, 240_000);

  it('store commands: new, import of private key files, get, verify — the key only where asked (--out -, KeyMaterial)', async () => {
    const home = scratch('ec2keys-secrets-store-');
    const env = { EC2KEYS_HOME: home };
    const out = (n: string) => path.join(W, n);
    const made: [string, CliResult][] = [];
    for (const [name, extra] of [
      ['s-pem', ['--out', out('s-pem.pem')]],
      ['s-ppk', ['--format', 'ppk', '--out', out('s-ppk.ppk'), '--new-passphrase-file', F['newpass.txt']]],
      ['s-json', ['--json', '--out', out('s-json.pem')]],
    ] as const) {
      made.push([name, await run(['new', name, ...extra], { cwd: W, env })]);
    }
    // Each `new`: its output holds nothing of the key it wrote.
    for (const [name, r] of made) {
      expectOk(r);
      const file = fs.readdirSync(W).find((f) => f.startsWith(name + '.'))!;
      const text = fs.readFileSync(path.join(W, file), 'utf8');
      const n = needles(name === 's-ppk' ? privatePem(path.join(W, file), F['newpass.txt']) : text);
      expect(n.length).toBeGreaterThan(0);
      expectClean(r, { needles: n }, `new ${name}`);
    }
    // --out -: the key is the output (stdout), stderr is clean; with --json only KeyMaterial holds it.
    const [toStdout, toJson] = await Promise.all([
      run(['new', 's-stdout', '--out', '-'], { cwd: W, env }),
      run(['--json', 'new', 's-km', '--out', '-'], { cwd: W, env }),
    ]);
    expectOk(toStdout);
    const stdoutNeedles = needles(toStdout.stdout);
    expectClean(toStdout, { needles: stdoutNeedles }, 'new --out -', { stdoutIsKey: true });
    expectOk(toJson);
    const doc = JSON.parse(toJson.stdout);
    const kmNeedles = needles(doc.KeyMaterial);
    delete doc.KeyMaterial;
    expect(leaks(JSON.stringify(doc), { needles: kmNeedles })).toEqual([]);
    expectClean({ ...toJson, stdout: '' }, { needles: kmNeedles }, 'new --json --out -');

    // Importing private key files: only the public half is used, nothing of the key is printed.
    const imports = await Promise.all([
      run(['import', 'i-pem', '--public-key-file', F['k.pem']], { cwd: W, env }),
      run(['--json', 'import', 'i-p8', '--public-key-file', F['enc.p8'], '--passphrase-file', F['pass.txt']], { cwd: W, env }),
      run(['import', 'i-ppk', '--public-key-file', F['enc.ppk']], { cwd: W, env }),
      run(['import', 'i-ed', '--public-key-file', F['ed.openssh'], '--platform', 'linux'], { cwd: W, env: { ...env, EC2KEYS_PASSPHRASE: PASS } }),
      run(['import', 'i-stdin'], { cwd: W, env, input: fs.readFileSync(F['k.p8'], 'utf8') }),
    ]);
    for (const r of imports) {
      expectOk(r);
      expectClean(r, all(), 'import of a private key file');
    }
    const listing = await Promise.all([
      run(['--json', 'get', '--include-public-key'], { cwd: W, env }),
      run(['get', '--include-public-key'], { cwd: W, env }),
      run(['verify', out('s-pem.pem'), 's-pem'], { cwd: W, env }),
      run(['verify', F['enc.ppk'], 'i-ppk', '--passphrase-file', F['pass.txt']], { cwd: W, env }),
    ]);
    for (const r of listing) {
      expectOk(r);
      expectClean(r, { needles: [...all().needles, ...stdoutNeedles, ...kmNeedles] }, 'get / verify');
    }
  }, 240_000);

  it('import --batch given a private key (file, or its body pasted) never prints its lines back', async () => {
    const home = scratch('ec2keys-secrets-batch-');
    const env = { EC2KEYS_HOME: home };
    const body = fs.readFileSync(F['k.pem'], 'utf8').split('\n').filter((l) => l && !l.startsWith('-----')).join('\n');
    const good = `ok-1 ${tool('ssh-keygen', ['-y', '-f', F['k.pem']]).toString().trim()}\n`;
    const [file, ppk, pasted, pastedJson] = await Promise.all([
      run(['import', '--batch', F['k.pem']], { cwd: W, env }),
      run(['--json', 'import', '--batch', '-'], { cwd: W, env, input: fs.readFileSync(F['enc.ppk'], 'utf8') }),
      run(['import', '--batch', '-'], { cwd: W, env, input: good + body + '\n' }),
      run(['--json', 'import', '--batch', '-'], { cwd: W, env, input: body + '\n' }),
    ]);
    expect(expectFailure(file, 'InvalidKey.Format').line).toBe(`ec2keys: InvalidKey.Format: ${F['k.pem']} is a private key file, not a batch list of "NAME ssh-rsa AAAA…" lines`);
    expect(file.stderr).toMatch(/^hint: import its public half with `ec2keys import NAME --public-key-file FILE`$/m);
    expectFailure(ppk, 'InvalidKey.Format');
    // Pasted base64 lines: each is a failed line with no name, the good line is imported.
    expect(pasted.code).toBe(1);
    expect(pasted.stdout).toMatch(/^ok-1 +key-[0-9a-f]+ /m);
    const rows = JSON.parse(pastedJson.stdout).Results;
    expect(rows.length).toBe(body.split('\n').length);
    for (const row of rows) expect(row).toEqual({ KeyName: '', Error: { Code: 'InvalidKey.Format', Message: expect.stringMatching(/^line \d+: expected "NAME ssh-rsa AAAA… \[comment\]"$/) } });
    for (const r of [file, ppk, pasted, pastedJson]) expectClean(r, all(), 'import --batch');
  }, 240_000);

  it('a passphrase typed as an argument (--passphrase=…, --password …) is a usage error that does not repeat it', async () => {
    const results = await Promise.all([
      cli(['convert', F['enc.pem'], '--to', 'ppk', `--passphrase=${PASS}`]),
      cli(['--json', 'convert', F['enc.pem'], '--to', 'ppk', '--passphrase', PASS]),
      cli(['fingerprint', F['enc.pem'], `--password=${PASS}`]),
      cli(['new', 'x', `--new-passphrase=${NEW_PASS}`]),
    ]);
    for (const r of results) {
      const { line } = expectFailure(r, 'Ec2Keys.Usage', 2);
      expect(line).toMatch(/^ec2keys: Ec2Keys\.Usage: unknown option '--(passphrase|password|new-passphrase)'$/);
      expect(r.stderr).toMatch(/^hint: passphrases are never taken as arguments/m);
      expectClean(r, all(), 'usage error');
    }
    expect(fs.existsSync(path.join(W, 'x.pem'))).toBe(false);
  }, 240_000);
});

describe('the local registry', () => {
  it('holds public keys and metadata only: no private key, no passphrase, in any file of EC2KEYS_HOME', async () => {
    const home = scratch('ec2keys-secrets-reg-');
    const env = { EC2KEYS_HOME: home };
    const keys = scratch('ec2keys-secrets-reg-keys-');
    const created: string[] = [];
    for (const [name, extra] of [['r-pem', []], ['r-ppk', ['--format', 'ppk']], ['r-ed', ['--type', 'ed25519', '--platform', 'linux', '--format', 'openssh']], ['r-4096', ['--bits', '4096']]] as const) {
      const file = path.join(keys, name);
      expectOk(await run(['new', name, ...extra, '--out', file], { env }));
      created.push(file);
    }
    for (const [name, f, extra] of [
      ['i-pem', F['k.pem'], []], ['i-p8', F['enc.p8'], ['--passphrase-file', F['pass.txt']]], ['i-ppk', F['enc.ppk'], []], ['i-ed', F['ed.openssh'], ['--platform', 'linux']],
    ] as const) expectOk(await run(['import', name, '--public-key-file', f, ...extra], { env }));
    expectOk(await run(['remove', 'r-pem', '--yes'], { env })); // a removal rewrites the file too

    const secrets = [...KEY_NEEDLES, ...ED_NEEDLES, ...created.flatMap((f) => needles(privatePem(f)))];
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else files.push(p);
      }
    };
    walk(home);
    expect(files.map((f) => path.relative(home, f))).toEqual([path.join('regions', 'us-east-1', 'keypairs.json')]);
    for (const f of files) {
      const text = fs.readFileSync(f).toString('latin1') + fs.readFileSync(f).toString('utf8');
      expect(leaks(text, { needles: secrets }), f).toEqual([]);
      expect(fs.statSync(f).mode & 0o777).toBe(0o600);
    }
    for (const d of [home, path.join(home, 'regions'), path.join(home, 'regions', 'us-east-1')]) expect(fs.statSync(d).mode & 0o777, d).toBe(0o700);
  }, 240_000);
});
