// The key-pair commands of issue #4 §2–§3 through the real CLI (`node bin/ec2keys.js`, or the
// binary named by EC2KEYS_TEST_BIN), as a user runs them, against the contract in
// ../shared/reference/cli.md: new, import (+ --batch), get, remove, verify on the local registry
// (a temp --home) AND on moto_server (--store ec2 --endpoint-url … --region …); push, retrieve and
// password --instance-id on moto; CLI-level concurrency on the local registry.
//
// Oracles, never our own code: files on disk (mode 0600, loaded by openssl / ssh-keygen /
// puttygen), fingerprints computed by openssl and ssh-keygen (test/store/oracles.ts), the local
// registry file itself, `aws ec2 describe-key-pairs` for EC2 results, and moto's request recorder
// (/moto-api/recorder) for the requests each command sent. Every run: no stack trace; failures
// print `ec2keys: <Code>: …`; with --json stdout is exactly one JSON document.
//
// Isolation without resets: every moto test works in a region of its own (moto keeps key pairs per
// region), every local test in a registry folder of its own, so the tests run concurrently. Where
// moto 5.2.1 differs from EC2 the test names the deviation from MOTO_DEVIATIONS
// (test/store/contract.ts) and asserts moto's documented behaviour; the local registry is always
// held to real EC2.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cleanEnv, hasStack, runCli, type CliResult } from '../helpers/cli.js';
import { FAKE_AWS_ENV, applyEnv, useMoto } from '../helpers/moto.js';
import { hasTool, tmpDir, tool } from '../helpers/tools.js';
import { MOTO_DEVIATIONS, type MotoDeviation } from '../store/contract.js';
import { Ec2KeysError } from '../../src/errors.js';
import { pollPasswordData } from '../../src/password/poll.js';
import {
  createdRsaFp, ed25519Fp, importedRsaFp, keyPart, motoCreatedRsaFp, motoEd25519Fp, opensslRsaCheck, publicOfPrivate, rsaBits,
} from '../store/oracles.js';

// moto's request recorder appends to this file (default: ./moto_recording in the repository).
const REC_DIR = tmpDir('ec2keys-cli-store-rec-');
process.env.MOTO_RECORDER_FILEPATH = path.join(REC_DIR, 'recording.jsonl');
const moto = useMoto();

const CREDS = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' };
const KINDS = ['local', 'moto'] as const;
type Kind = (typeof KINDS)[number];
const dev = (kind: Kind, d: MotoDeviation) => (kind === 'moto' ? ` [moto: ${d}: ${MOTO_DEVIATIONS[d]}]` : '');

// Regions handed out one per moto test (moto 5.2.1 knows 38; push --regions all uses them all, last).
const REGION_POOL = [
  'us-east-2', 'us-west-1', 'us-west-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1', 'eu-north-1', 'eu-south-1',
  'ap-south-1', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3',
  'ca-central-1', 'sa-east-1', 'af-south-1', 'me-south-1', 'il-central-1', 'ap-east-1', 'eu-central-2', 'eu-south-2',
  'ap-east-2', 'ap-south-2', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-6', 'ap-southeast-7', 'ca-west-1', 'me-central-1', 'mx-central-1',
];
const takeRegion = () => {
  const r = REGION_POOL.shift();
  if (!r) throw new Error('region pool exhausted: add regions to REGION_POOL');
  return r;
};

/** Where a test's commands run: a registry folder (local) or a moto region, and a work folder (cwd). */
interface Target {
  kind: Kind;
  region: string;
  home: string;
  dir: string;
  /** Global options selecting the store. */
  g: string[];
  env: Record<string, string>;
}

/** Temp folders of this file (key files, registries), removed after the tests. */
const TEMP: string[] = [];
const tmp = (prefix: string) => {
  const d = tmpDir(prefix);
  TEMP.push(d);
  return d;
};

function target(kind: Kind): Target {
  const dir = tmp('ec2keys-cli-store-');
  const home = tmp('ec2keys-cli-home-');
  if (kind === 'local') return { kind, region: 'us-east-1', home, dir, g: ['--home', home], env: {} };
  const region = takeRegion();
  return { kind, region, home, dir, g: ['--store', 'ec2', '--endpoint-url', moto().endpoint, '--region', region], env: CREDS };
}

/** Run the CLI for a target; checks what every run must satisfy. */
async function cli(t: Target, args: string[], o: { input?: string; env?: Record<string, string>; g?: string[]; stdout?: 'null' | 'closed' } = {}): Promise<CliResult> {
  const argv = [...(o.g ?? t.g), ...args];
  const r = await runCli(argv, { cwd: t.dir, env: { ...t.env, ...o.env }, input: o.input, timeoutMs: 120_000, stdout: o.stdout });
  const what = `ec2keys ${argv.join(' ')}`;
  expect(r.signal, `${what} was killed`).toBe(null);
  expect(hasStack(r.stderr), `stack trace from ${what}:\n${r.stderr}`).toBe(false);
  if (r.code !== 0) expect(r.stderr, `${what} failed without an error line`).toMatch(/^ec2keys: [A-Za-z0-9.]+: \S/m);
  if (argv.includes('--json') && !o.stdout) expect(() => JSON.parse(r.stdout), `${what}: stdout is not one JSON document:\n${r.stdout}`).not.toThrow();
  return r;
}

function ok(r: CliResult): CliResult {
  expect(r.code, `exit code${r.signal ? ` (killed by ${r.signal})` : ""}; stderr: ${r.stderr}`).toBe(0);
  return r;
}

/** A failed command: the exit code, `ec2keys: CODE: …` on stderr; with --json also {"Error":{…}} on stdout. */
function expectError(r: CliResult, code: string, exit = 1): { Code: string; Message: string; Hint?: string } | undefined {
  expect(r.code, `exit code${r.signal ? ` (killed by ${r.signal})` : ""}; stderr: ${r.stderr}`).toBe(exit);
  expect(r.stderr).toMatch(new RegExp(`^ec2keys: ${code.replace(/\./g, '\\.')}: \\S`, 'm'));
  if (r.stdout.trim().startsWith('{')) {
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(['Error']);
    expect(doc.Error.Code).toBe(code);
    expect(doc.Error.Message.length).toBeGreaterThan(0);
    return doc.Error;
  }
  return undefined;
}

const json = (r: CliResult) => JSON.parse(ok(r).stdout);
const mode = (f: string) => fs.statSync(f).mode & 0o777;
const names = (ps: { KeyName: string }[]) => ps.map((p) => p.KeyName).sort();
const leftovers = (dir: string) => fs.readdirSync(dir).filter((n) => /\.tmp$|^\.tmp-/.test(n));

// ------------------------------------------------------------------------------------ oracles

interface OraclePair {
  KeyPairId: string;
  KeyName: string;
  KeyFingerprint: string;
  KeyType?: string;
  Tags?: { Key: string; Value: string }[];
  CreateTime?: string;
  PublicKey?: string;
  /** Local registry only: which fingerprint form KeyFingerprint is. */
  Origin?: string;
}

/** The local registry file, parsed by its documented layout (src/store/local.ts): header, metadata, public keys. */
function registry(home: string, region = 'us-east-1'): { text: string; pairs: (OraclePair & { Origin: string })[]; pubs: Record<string, string> } {
  const file = path.join(home, 'regions', region, 'keypairs.json');
  if (!fs.existsSync(file)) return { text: '', pairs: [], pubs: {} };
  const buf = fs.readFileSync(file);
  const nl = buf.indexOf(10);
  const m = /^ec2keys-registry 1 (\S+) (\d+) (\d+)$/.exec(buf.toString('latin1', 0, nl));
  expect(m, 'registry header').not.toBe(null);
  expect(m![1]).toBe(region);
  const metaLen = Number(m![2]);
  const pubLen = Number(m![3]);
  expect(buf.length).toBe(nl + 1 + metaLen + 1 + pubLen + 1);
  const meta = JSON.parse(buf.toString('utf8', nl + 1, nl + 1 + metaLen));
  const pubs = JSON.parse(buf.toString('utf8', nl + 1 + metaLen + 1, nl + 1 + metaLen + 1 + pubLen));
  return { text: buf.toString('utf8'), pairs: meta.KeyPairs, pubs };
}

/** `aws` (CLI v1) against moto in a region, parsed JSON output. */
function aws(region: string, args: string[]): Promise<any> {
  const env = applyEnv({ ...process.env }, FAKE_AWS_ENV);
  return new Promise((resolve, reject) => {
    const p = spawn('aws', [...args, '--endpoint-url', moto().endpoint, '--region', region, '--output', 'json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    p.on('error', reject);
    p.on('close', (code) => {
      if (code !== 0) return reject(new Error(`aws ${args.join(' ')} (${region}) failed (${code}): ${err.trim()}`));
      try { resolve(out.trim() ? JSON.parse(out) : {}); } catch (e) { reject(e); }
    });
  });
}

/** Marks the test's own SDK requests, so the recorder tells them from the CLI's. */
const ORACLE_UA = 'ec2keys-test-oracle';

/** A plain SDK client of this process against moto (set-up and oracle; no ec2keys code). */
async function oracleClient(region: string) {
  const sdk = await import('@aws-sdk/client-ec2');
  const c = new sdk.EC2Client({
    region, endpoint: moto().endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, customUserAgent: ORACLE_UA, maxAttempts: 1,
  });
  return { sdk, c };
}

/**
 * Second oracle for a target's pairs: the registry file (local); on moto `aws ec2
 * describe-key-pairs` when `viaAwsCli`, else a plain SDK DescribeKeyPairs from this process (no
 * ec2keys code involved, and none of the aws CLI's 1.5 CPU-seconds per call).
 */
async function pairs(t: Target, viaAwsCli = false): Promise<OraclePair[]> {
  if (t.kind === 'local') {
    const reg = registry(t.home);
    return reg.pairs.map((p) => ({ ...p, PublicKey: reg.pubs[p.KeyPairId] }));
  }
  if (viaAwsCli) return (await aws(t.region, ['ec2', 'describe-key-pairs', '--include-public-key'])).KeyPairs;
  const { sdk, c } = await oracleClient(t.region);
  try {
    const r = await c.send(new sdk.DescribeKeyPairsCommand({ IncludePublicKey: true }));
    return (r.KeyPairs ?? []).map((k) => ({
      KeyPairId: k.KeyPairId!, KeyName: k.KeyName!, KeyFingerprint: k.KeyFingerprint!, KeyType: k.KeyType, Tags: k.Tags as OraclePair['Tags'],
      CreateTime: k.CreateTime?.toISOString(), PublicKey: k.PublicKey,
    }));
  } finally {
    c.destroy();
  }
}

interface Recorded { region: string; service: string; action: string; params: Record<string, any> }

/** Every request the SDK (the CLI under test, not the aws CLI oracle) sent to moto, from its recorder. */
async function recording(): Promise<Recorded[]> {
  const text = await (await fetch(`${moto().endpoint}/moto-api/recorder/download-recording`)).text();
  const out: Recorded[] = [];
  for (const chunk of text.split(/(?=\{"headers": )/)) {
    if (!chunk.trim()) continue;
    const e = JSON.parse(chunk.trim());
    const h: Record<string, string> = e.headers ?? {};
    if (!/aws-sdk-js/.test(h['User-Agent'] ?? '') || (h['User-Agent'] + (h['X-Amz-User-Agent'] ?? '')).includes(ORACLE_UA)) continue;
    const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(h.Authorization ?? '');
    if (!scope) continue;
    const body = e.body_encoded ? Buffer.from(e.body ?? '', 'base64').toString('utf8') : String(e.body ?? '');
    let action = '';
    let params: Record<string, any> = {};
    if (h['X-Amz-Target']) {
      action = h['X-Amz-Target'].split('.').pop()!;
      params = JSON.parse(body || '{}');
    } else {
      params = Object.fromEntries(new URLSearchParams(body));
      action = params.Action ?? '';
    }
    out.push({ region: scope[1], service: scope[2], action, params });
  }
  return out;
}

/** The requests of one region and service, in the order moto received them. */
async function recorded(region: string, service = 'ec2'): Promise<Recorded[]> {
  return (await recording()).filter((r) => r.region === region && r.service === service);
}
const actions = async (region: string) => (await recorded(region)).map((r) => r.action);

// --------------------------------------------------------------------------------- fixtures

const PW = 'söme pass phrase;€';
let FX = '';
const F: Record<string, string> = {};
let RSA_LINE = '';
let RSA_FP = '';
let ED_LINE = '';
let OTHER_LINE = '';

const fx = (n: string) => path.join(FX, n);

/** PKCS#1 PEM of a private key file in any of the formats written here (for the created-fingerprint oracle). */
function pkcs1Of(file: string): string {
  const text = fs.readFileSync(file, 'utf8');
  if (text.startsWith('-----BEGIN RSA PRIVATE KEY-----')) return text;
  const d = tmpDir('ec2keys-cli-conv-');
  try {
    const out = path.join(d, 'k.pem');
    if (text.startsWith('PuTTY-User-Key-File-')) tool('puttygen', [file, '-O', 'private-openssh', '-o', out]);
    else {
      fs.writeFileSync(out, text, { mode: 0o600 });
      tool('ssh-keygen', ['-p', '-q', '-m', 'PEM', '-P', '', '-N', '', '-f', out]);
    }
    const pem = fs.readFileSync(out, 'utf8');
    expect(pem.startsWith('-----BEGIN RSA PRIVATE KEY-----')).toBe(true);
    return pem;
  } finally {
    fs.rmSync(d, { recursive: true, force: true });
  }
}

/** The public OpenSSH line of a key file, by the tool that owns its format. */
function publicLineOf(file: string): string {
  const text = fs.readFileSync(file, 'utf8');
  if (text.startsWith('PuTTY-User-Key-File-')) return keyPart(tool('puttygen', [file, '-O', 'public-openssh']).toString());
  return publicOfPrivate(text);
}

/** A folder this process cannot write into, whoever it runs as (root ignores 0555). */
function unwritableDir(): string {
  const canWrite = (d: string) => {
    const probe = path.join(d, `.ec2keys-probe-${process.pid}`);
    try {
      fs.writeFileSync(probe, 'x');
      fs.unlinkSync(probe);
      return true;
    } catch {
      return false;
    }
  };
  const d = tmp('ec2keys-cli-ro-');
  fs.chmodSync(d, 0o555);
  if (!canWrite(d)) return d;
  for (const c of ['/sys', '/proc']) if (fs.existsSync(c) && !canWrite(c)) return c;
  throw new Error('no folder here refuses writes');
}

beforeAll(async () => {
  const r = await fetch(`${moto().endpoint}/moto-api/recorder/start-recording`, { method: 'POST' });
  expect(r.ok).toBe(true);

  FX = tmpDir('ec2keys-cli-store-fx-');
  fs.writeFileSync(fx('pw.txt'), PW + '\n');
  fs.writeFileSync(fx('wrong.txt'), 'not the passphrase\n');
  const empty = fx('empty.txt');
  fs.writeFileSync(empty, '');
  // One RSA key in every private format, each written by the tool that owns the format.
  F.p8 = fx('rsa.p8.pem');
  tool('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', F.p8]);
  F.pem = fx('rsa.pem');
  tool('openssl', ['pkey', '-in', F.p8, '-traditional', '-out', F.pem]);
  F.p8Enc = fx('rsa-enc.p8.pem');
  tool('openssl', ['pkcs8', '-topk8', '-in', F.p8, '-v2', 'aes-256-cbc', '-passout', `file:${fx('pw.txt')}`, '-out', F.p8Enc]);
  F.openssh = fx('rsa.openssh');
  fs.copyFileSync(F.pem, F.openssh);
  tool('ssh-keygen', ['-p', '-q', '-f', F.openssh, '-P', '', '-N', '']);
  F.opensshEnc = fx('rsa-enc.openssh');
  fs.copyFileSync(F.pem, F.opensshEnc);
  tool('ssh-keygen', ['-p', '-q', '-f', F.opensshEnc, '-P', '', '-N', PW]);
  for (const v of [2, 3]) {
    F[`ppk${v}`] = fx(`rsa-v${v}.ppk`);
    tool('puttygen', [F.pem, '-O', 'private', '--ppk-param', `version=${v}`, '--new-passphrase', empty, '-o', F[`ppk${v}`]]);
  }
  F.ppkEnc = fx('rsa-enc.ppk');
  tool('puttygen', [F.pem, '-O', 'private', '--new-passphrase', fx('pw.txt'), '-o', F.ppkEnc]);
  // Its public half in every public format.
  RSA_LINE = publicOfPrivate(fs.readFileSync(F.pem, 'utf8'));
  F.pub = fx('rsa.pub');
  fs.writeFileSync(F.pub, `${RSA_LINE} alice@laptop\n`);
  F.rfc = fx('rsa.rfc4716');
  fs.writeFileSync(F.rfc, tool('ssh-keygen', ['-e', '-f', F.pub]));
  F.spkiPem = fx('rsa.spki.pem');
  tool('openssl', ['pkey', '-in', F.pem, '-pubout', '-out', F.spkiPem]);
  F.spkiB64 = fx('rsa.spki.b64');
  fs.writeFileSync(F.spkiB64, tool('openssl', ['pkey', '-in', F.pem, '-pubout', '-outform', 'DER']).toString('base64') + '\n');
  // EC2's imported fingerprint, as the User Guide computes it: MD5 of the DER SPKI.
  RSA_FP = tool('openssl', ['md5', '-c'], { input: tool('openssl', ['pkey', '-in', F.pem, '-pubout', '-outform', 'DER']) }).toString().trim().replace(/^.*= /, '');
  expect(importedRsaFp(RSA_LINE)).toBe(RSA_FP);
  // Keys of other types, made by ssh-keygen.
  for (const [n, args] of [['ed', ['-t', 'ed25519']], ['ecdsa', ['-t', 'ecdsa']], ['dsa', ['-t', 'dsa']], ['other', ['-t', 'rsa', '-b', '2048']]] as const) {
    tool('ssh-keygen', ['-q', ...args, '-N', '', '-C', `${n}@test`, '-f', fx(n)]);
    F[n] = fx(n);
    F[`${n}Pub`] = fx(`${n}.pub`);
  }
  ED_LINE = keyPart(fs.readFileSync(F.edPub, 'utf8'));
  OTHER_LINE = keyPart(fs.readFileSync(F.otherPub, 'utf8'));
  F.garbage = fx('garbage.txt');
  fs.writeFileSync(F.garbage, 'this is not a key\n');
}, 120_000);

afterAll(() => {
  for (const d of [FX, REC_DIR, ...TEMP]) if (d) fs.rmSync(d, { recursive: true, force: true });
});

/** Run the CLI under strace and count the renames onto the registry file (= registry writes). */
async function tracedRenames(t: Target, args: string[]): Promise<{ r: CliResult; renames: number }> {
  const log = path.join(t.dir, 'strace.log');
  const bin = process.env.EC2KEYS_TEST_BIN;
  const cmd = bin ? [bin] : [process.execPath, BIN];
  const r = await new Promise<CliResult>((resolve, reject) => {
    const p = spawn('strace', ['-f', '-qq', '-e', 'trace=rename,renameat,renameat2', '-o', log, ...cmd, ...t.g, ...args], { cwd: t.dir, env: cleanEnv(t.env), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    p.on('error', reject);
    p.on('close', (code, signal) => resolve({ code, signal, stdout: out, stderr: err }));
  });
  expect(hasStack(r.stderr)).toBe(false);
  const text = fs.readFileSync(log, 'utf8');
  fs.rmSync(log);
  const renames = text.split('\n').filter((l) => /rename/.test(l) && /keypairs\.json"\)? = 0|keypairs\.json", .*\) = 0/.test(l)).length;
  return { r, renames };
}

// Everything but push --regions all runs concurrently (vitest's maxConcurrency bounds it); the
// long EC2-only chains first, so they overlap with the rest.
describe.concurrent('ec2keys store commands', () => {
  // ================================================================================ EC2 only: push, retrieve, password

  describe('EC2-only commands on moto_server', () => {
    it('--profile with AWS_ACCESS_KEY_ID set too: no SDK warning block on stderr; a profile that does not exist is named in the error', async () => {
      const t = target('moto');
      const dir = tmp('ec2keys-cli-profile-');
      const creds = path.join(dir, 'credentials');
      fs.writeFileSync(creds, '[work]\naws_access_key_id = testing\naws_secret_access_key = testing\n');
      const env = { AWS_SHARED_CREDENTIALS_FILE: creds };
      // Like the AWS CLI: an explicit --profile wins over the environment's keys, silently.
      const [good, ghost] = await Promise.all([
        cli(t, ['get', '--profile', 'work', '--json'], { env }),
        cli(t, ['get', '--profile', 'ghost', '--json'], { env }),
      ]);
      expect(json(good)).toEqual({ KeyPairs: [] });
      expect(good.stderr).toBe('');
      const e = expectError(ghost, 'Ec2Keys.CredentialsError')!;
      expect(ghost.stderr).not.toMatch(/Multiple credential sources|WARNING/);
      expect(e.Message).toContain('"ghost"');
    });

    it('push --regions a,b: one ImportKeyPair per region; re-push is idempotent; a different key under the name fails that region only', async () => {
      const t = target('local');
      const [r1, r2, r3, r4, r5] = [takeRegion(), takeRegion(), takeRegion(), takeRegion(), takeRegion()];
      const g = ['--home', t.home, '--endpoint-url', moto().endpoint];
      const env = CREDS;
      // Somebody else's key is already registered as "pk" in r3.
      fs.writeFileSync(path.join(t.dir, 'other.pub'), OTHER_LINE + '\n');
      const [, theirs] = await Promise.all([
        cli(t, ['new', 'pk'], { g }).then(ok),
        aws(r3, ['ec2', 'import-key-pair', '--key-name', 'pk', '--public-key-material', `fileb://${path.join(t.dir, 'other.pub')}`]),
      ]);
      const line = publicOfPrivate(fs.readFileSync(path.join(t.dir, 'pk.pem'), 'utf8'));
      const fp = importedRsaFp(line);

      const [firstR, mixed, nope] = await Promise.all([
        cli(t, ['push', 'pk', '--regions', `${r1},${r2}`, '--json'], { g, env }),
        cli(t, ['push', 'pk', '--regions', `${r4},${r3}`, '--json'], { g, env }),
        cli(t, ['push', 'nope', '--regions', r5], { g, env }),
      ]);
      const first = json(firstR);
      expect(first.KeyName).toBe('pk');
      expect(first.Results.map((x: { Region: string }) => x.Region)).toEqual([r1, r2]);
      for (const x of first.Results) {
        expect(Object.keys(x)).toEqual(['Region', 'Status', 'KeyPairId', 'KeyFingerprint']);
        expect(x).toMatchObject({ Status: 'imported', KeyFingerprint: fp });
      }
      // One region failed: exit 1, the per-region results are the one document on stdout.
      expect(mixed.code).toBe(1);
      expect(mixed.stderr).toMatch(/^ec2keys: Ec2Keys\.PartialFailure: 1 of 2 regions failed$/m);
      const doc = JSON.parse(mixed.stdout);
      expect(Object.keys(doc)).toEqual(['KeyName', 'Results']);
      expect(doc.Results[0]).toMatchObject({ Region: r4, Status: 'imported', KeyFingerprint: fp });
      expect(doc.Results[1]).toMatchObject({ Region: r3, Status: 'failed', Error: { Code: 'Ec2Keys.KeyMismatch' } });
      expect(doc.Results[1].Error.Message).toContain(theirs.KeyPairId);
      // A name the local registry does not have: NotFound, and no request to EC2 at all.
      expectError(nope, 'InvalidKeyPair.NotFound');

      const [again, inR1, inR3] = await Promise.all([
        // A region named twice (and spaces after commas) is pushed once.
        cli(t, ['push', 'pk', '--regions', `${r1}, ${r2},${r1}`], { g, env }),
        aws(r1, ['ec2', 'describe-key-pairs', '--key-names', 'pk', '--include-public-key']),
        aws(r3, ['ec2', 'describe-key-pairs', '--key-names', 'pk']),
      ]);
      expect(inR1.KeyPairs[0]).toMatchObject({ KeyName: 'pk', KeyPairId: first.Results[0].KeyPairId, KeyFingerprint: fp, KeyType: 'rsa' });
      expect(keyPart(inR1.KeyPairs[0].PublicKey)).toBe(line);
      expect(inR3.KeyPairs[0]).toMatchObject({ KeyPairId: theirs.KeyPairId, KeyFingerprint: importedRsaFp(OTHER_LINE) }); // not replaced
      const rows = ok(again).stdout.trimEnd().split('\n');
      expect(rows[0]).toMatch(/^Region +Result +KeyPairId +Detail$/);
      expect(rows.slice(1).map((l) => l.split(/ +/).slice(0, 4))).toEqual([
        [r1, 'exists', first.Results[0].KeyPairId, fp],
        [r2, 'exists', first.Results[1].KeyPairId, fp],
      ]);
      // Requests: the minimum the API needs. A first push is one ImportKeyPair per region; a re-push
      // adds ImportKeyPair (Duplicate) + DescribeKeyPairs to compare fingerprints; nothing is deleted.
      const all = await recording();
      const of = (r: string) => all.filter((c) => c.region === r && c.service === 'ec2').map((c) => c.action);
      for (const r of [r1, r2]) expect(of(r)).toEqual(['ImportKeyPair', 'ImportKeyPair', 'DescribeKeyPairs']);
      expect(of(r4)).toEqual(['ImportKeyPair']);
      expect(of(r3)).toEqual(['ImportKeyPair', 'DescribeKeyPairs']);
      expect(of(r5)).toEqual([]);
    }, 240_000);

    it('retrieve: the PKCS#1 key CloudFormation left in SSM /ec2/keypair/<id>, saved as pem (byte for byte), ppk v2 and openssh, by name and --id; ParameterNotFound; NotFound', async () => {
      const t = target('moto');
      // What CloudFormation does for AWS::EC2::KeyPair: CreateKeyPair, then the material into SSM.
      // "no-param" first: moto answers DescribeKeyPairs --key-pair-ids with every pair, oldest first
      // [moto: keyPairIdsIgnored], so `retrieve --id` must pick the pair by its id, not take the first.
      ok(await cli(t, ['new', 'no-param', '--out', '-']));
      const made = await aws(t.region, ['ec2', 'create-key-pair', '--key-name', 'cfn-key']);
      const material: string = made.KeyMaterial.endsWith('\n') ? made.KeyMaterial : made.KeyMaterial + '\n';
      expect(material.startsWith('-----BEGIN RSA PRIVATE KEY-----\n')).toBe(true);
      const matFile = path.join(FX, `cfn-${t.region}.pem`);
      fs.writeFileSync(matFile, material, { mode: 0o600 });
      await aws(t.region, ['ssm', 'put-parameter', '--name', `/ec2/keypair/${made.KeyPairId}`, '--type', 'SecureString', '--value', `file://${matFile}`]);
      const line = publicOfPrivate(material);

      const [asPem, asPpk, asOpenssh, asJson, noParam, missing] = await Promise.all([
        cli(t, ['retrieve', 'cfn-key', '--json']),
        cli(t, ['retrieve', '--id', made.KeyPairId, '--format', 'ppk', '--ppk-version', '2', '--out', 'r.ppk']),
        cli(t, ['retrieve', 'cfn-key', '--format', 'openssh', '--out', 'r.key', '--json']),
        cli(t, ['retrieve', 'cfn-key', '--out', '-', '--json']),
        cli(t, ['retrieve', 'no-param', '--out', 'np.pem']),
        cli(t, ['retrieve', 'nope', '--out', 'nope.pem']),
      ]);
      const j = json(asPem);
      expect(j).toEqual({ KeyName: 'cfn-key', KeyPairId: made.KeyPairId, KeyFingerprint: made.KeyFingerprint, KeyType: 'rsa', KeyFile: path.join(fs.realpathSync(t.dir), 'cfn-key.pem') });
      expect(fs.readFileSync(j.KeyFile, 'utf8')).toBe(material);
      expect(mode(j.KeyFile)).toBe(0o600);
      ok(asPpk);
      const ppk = path.join(t.dir, 'r.ppk');
      expect(fs.readFileSync(ppk, 'utf8')).toMatch(/^PuTTY-User-Key-File-2: ssh-rsa\r?\nEncryption: none\r?\nComment: cfn-key\r?\n/);
      expect(mode(ppk)).toBe(0o600);
      expect(publicLineOf(ppk)).toBe(line);
      expect(opensslRsaCheck(pkcs1Of(ppk))).toBe('RSA key ok');
      expect(json(asOpenssh).KeyFile).toBe(path.join(fs.realpathSync(t.dir), 'r.key'));
      expect(fs.readFileSync(path.join(t.dir, 'r.key'), 'utf8').startsWith('-----BEGIN OPENSSH PRIVATE KEY-----\n')).toBe(true);
      expect(publicLineOf(path.join(t.dir, 'r.key'))).toBe(line);
      expect(json(asJson)).toEqual({ KeyName: 'cfn-key', KeyPairId: made.KeyPairId, KeyFingerprint: made.KeyFingerprint, KeyType: 'rsa', KeyMaterial: material });
      expect(expectError(noParam, 'ParameterNotFound')).toBeUndefined();
      expect(noParam.stderr).toMatch(/^hint: .*CloudFormation/m);
      expectError(missing, 'InvalidKeyPair.NotFound');
      expect(fs.readdirSync(t.dir).sort()).toEqual(['cfn-key.pem', 'r.key', 'r.ppk']);
      // Every SSM read asked for decryption.
      // Five SSM reads (every retrieve that got past EC2 and the file check), each asking for decryption.
      const ssm = await recorded(t.region, 'ssm');
      expect(ssm.map((c) => c.action)).toEqual(Array(5).fill('GetParameter'));
      for (const c of ssm) expect(c.params.WithDecryption).toBe(true);
      expect(ssm.filter((c) => c.params.Name === `/ec2/keypair/${made.KeyPairId}`).length).toBe(4);

      // Saved like `new`: never over an existing file without --force.
      expectError(await cli(t, ['retrieve', 'cfn-key']), 'Ec2Keys.FileExists');
      expect(fs.readFileSync(j.KeyFile, 'utf8')).toBe(material);

      // The parameter holds another key (overwritten, or copied from another pair): refused,
      // nothing saved. (cfn-key itself passed through the SHA-1-of-SPKI form moto gives created
      // pairs [moto: createdRsaFingerprint]; EC2's own SHA-1-of-PKCS#8 form is checked below.)
      const other = path.join(FX, `other-${t.region}.pem`);
      fs.copyFileSync(F.pem, other);
      await aws(t.region, ['ssm', 'put-parameter', '--overwrite', '--name', `/ec2/keypair/${made.KeyPairId}`, '--type', 'SecureString', '--value', `file://${other}`]);
      const wrong = await cli(t, ['retrieve', 'cfn-key', '--out', 'wrong.pem']);
      expectError(wrong, 'Ec2Keys.KeyMismatch');
      expect(wrong.stderr).toContain(`does not belong to key pair cfn-key (${made.KeyPairId})`);
      expect(fs.existsSync(path.join(t.dir, 'wrong.pem'))).toBe(false);
    }, 240_000);

    it(`password --instance-id: GetPasswordData on a Windows instance → Ec2Keys.WrongKey [moto: passwordDataRandom: ${MOTO_DEVIATIONS.passwordDataRandom}]; unknown instance; --wait polls an empty blob until PasswordNotReady`, async () => {
      const t = target('moto');
      // Any RSA key will do: moto's password data is random, and moto launches instances without
      // checking the key pair (ec2-semantics.md §0), so none is registered here.
      fs.copyFileSync(F.pem, path.join(t.dir, 'win.pem'));
      // Set-up through the SDK in this process (marked, so the recorder leaves it out of the counts).
      const { sdk, c } = await oracleClient(t.region);
      const image = async (f: { Name: string; Values: string[] }, windows: boolean) =>
        (await c.send(new sdk.DescribeImagesCommand({ Filters: [f] }))).Images!.find((i) => (String(i.Platform ?? '').toLowerCase() === 'windows') === windows)!.ImageId!;
      const [winAmi, linuxAmi] = await Promise.all([
        image({ Name: 'platform', Values: ['windows'] }, true),
        image({ Name: 'name', Values: ['amzn2-ami-hvm*'] }, false),
      ]);
      const run = async (ami: string) => (await c.send(new sdk.RunInstancesCommand({ ImageId: ami, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1 }))).Instances![0].InstanceId!;
      const [winId, linId] = await Promise.all([run(winAmi), run(linuxAmi)]);
      c.destroy();

      const timed = async (p: Promise<CliResult>) => {
        const start = Date.now();
        const r = await p;
        return { ...r, ms: Date.now() - start };
      };
      const [wrongKey, wrongKeyJson, unknown, notReady, waited, waitedLong] = await Promise.all([
        cli(t, ['password', '--instance-id', winId, '--key', 'win.pem']),
        cli(t, ['password', '--instance-id', winId, '--key', 'win.pem', '--json']),
        cli(t, ['password', '--instance-id', 'i-0123456789abcdef0', '--key', 'win.pem']),
        cli(t, ['password', '--instance-id', linId, '--key', 'win.pem', '--json']),
        cli(t, ['password', '--instance-id', linId, '--key', 'win.pem', '--wait', '--timeout', '3'], { env: { EC2KEYS_POLL_INTERVAL_MS: '200' } }),
        // The default 15 s interval is longer than --timeout: it still polls again AT the deadline
        // (it gave up after the first try, "gave up after 0 s (1 tries)").
        timed(cli(t, ['password', '--instance-id', linId, '--key', 'win.pem', '--wait', '--timeout', '4'])),
      ]);
      expectError(wrongKey, 'Ec2Keys.WrongKey');
      expect(wrongKey.stdout).toBe('');
      expectError(wrongKeyJson, 'Ec2Keys.WrongKey');
      expectError(unknown, 'InvalidInstanceID.NotFound');
      expect(unknown.stderr).toContain("The instance ID 'i-0123456789abcdef0' does not exist");
      expectError(notReady, 'Ec2Keys.PasswordNotReady');
      expectError(waited, 'Ec2Keys.PasswordNotReady');
      const tries = Number(/gave up after \d+ s \((\d+) tr(?:y|ies)\)/.exec(waited.stderr)?.[1]);
      expect(tries).toBeGreaterThanOrEqual(2);
      // Not a TTY: no progress line, just the error.
      expect(waited.stderr).not.toMatch(/waiting for the password/);
      expectError(waitedLong, 'Ec2Keys.PasswordNotReady');
      // The seconds count the last request too, which a loaded machine makes slow: 4 s or a little more.
      const long = /^ec2keys: Ec2Keys\.PasswordNotReady: the password of i-\S+ is not available yet \(EC2 returned no password data\); gave up after (\d+) s \(2 tries\)$/m.exec(waitedLong.stderr);
      expect(long, waitedLong.stderr).not.toBeNull();
      expect(Number(long![1])).toBeGreaterThanOrEqual(4);
      expect(Number(long![1])).toBeLessThan(15); // not the 15 s interval: the second try is AT the deadline
      expect(waitedLong.ms).toBeGreaterThanOrEqual(4000);
      // --wait was given: the hint says to wait longer with --timeout, not "wait with --wait".
      for (const r of [waited, waitedLong]) {
        const hint = r.stderr.split('\n').find((l) => l.startsWith('hint: '))!;
        expect(hint).toMatch(/a larger --timeout \(it was \d+ s; the default is 900\)/);
        expect(hint).not.toMatch(/--wait/);
      }
      expect(notReady.stdout).toContain('wait with --wait');

      // Requests: two reads for the Windows instance, one for the unknown one, 1 + `tries` for the empty one.
      const calls = (await recorded(t.region)).filter((c) => c.action === 'GetPasswordData');
      const per = (id: string) => calls.filter((c) => c.params.InstanceId === id).length;
      expect(per(winId)).toBe(2);
      expect(per('i-0123456789abcdef0')).toBe(1);
      expect(per(linId)).toBe(1 + tries + 2);
    }, 240_000);

    it('a malformed --endpoint-url / EC2KEYS_ENDPOINT_URL is a usage error naming it (not InternalError "Invalid URL"), for every command that talks to EC2, before anything is done', async () => {
      const t = target('moto');
      const home = ['--home', t.home];
      const bad = ['--endpoint-url', 'notaurl', '--region', t.region];
      const ec2 = ['--store', 'ec2', ...bad];
      const runs: [string, Promise<CliResult>, string][] = [
        ['get', cli(t, ['get'], { g: ec2 }), '--endpoint-url is "notaurl"'],
        ['get --json', cli(t, ['get', '--json'], { g: ec2 }), '--endpoint-url is "notaurl"'],
        ['new', cli(t, ['new', 'bad-endpoint'], { g: ec2 }), '--endpoint-url is "notaurl"'],
        ['import', cli(t, ['import', 'bad-endpoint', '--public-key-file', F.pub], { g: ec2 }), '--endpoint-url is "notaurl"'],
        ['remove', cli(t, ['remove', 'bad-endpoint', '--yes'], { g: ec2 }), '--endpoint-url is "notaurl"'],
        // Before the key is even read: an encrypted key without a passphrase is not what it reports.
        ['verify', cli(t, ['verify', F.p8Enc, 'bad-endpoint'], { g: ec2 }), '--endpoint-url is "notaurl"'],
        ['push', cli(t, ['push', 'bad-endpoint', '--regions', t.region], { g: [...home, ...bad] }), '--endpoint-url is "notaurl"'],
        ['retrieve', cli(t, ['retrieve', 'bad-endpoint'], { g: bad }), '--endpoint-url is "notaurl"'],
        ['password --instance-id', cli(t, ['password', '--instance-id', 'i-0123456789abcdef0', '--key', F.pem], { g: bad }), '--endpoint-url is "notaurl"'],
        ['empty --endpoint-url', cli(t, ['get'], { g: ['--store', 'ec2', '--endpoint-url', '', '--region', t.region] }), '--endpoint-url is empty'],
        ['a path, no scheme', cli(t, ['get'], { g: ['--store', 'ec2', '--endpoint-url', '127.0.0.1:5000', '--region', t.region] }), '--endpoint-url is "127.0.0.1:5000"'],
        ['EC2KEYS_ENDPOINT_URL, get', cli(t, ['get'], { g: ['--store', 'ec2', '--region', t.region], env: { EC2KEYS_ENDPOINT_URL: 'ftp://example.com' } }), 'EC2KEYS_ENDPOINT_URL is "ftp://example.com"'],
        ['EC2KEYS_ENDPOINT_URL, password', cli(t, ['password', '--instance-id', 'i-0123456789abcdef0', '--key', F.pem], { g: ['--region', t.region], env: { EC2KEYS_ENDPOINT_URL: 'notaurl' } }), 'EC2KEYS_ENDPOINT_URL is "notaurl"'],
        ['EC2KEYS_ENDPOINT_URL, push', cli(t, ['push', 'bad-endpoint', '--regions', t.region], { g: home, env: { EC2KEYS_ENDPOINT_URL: 'http://' } }), 'EC2KEYS_ENDPOINT_URL is "http://"'],
      ];
      for (const [what, p, seen] of runs) {
        const r = await p;
        const e = expectError(r, 'Ec2Keys.Usage', 2);
        const line = r.stderr.split('\n').find((l) => l.startsWith('ec2keys: '))!;
        expect(line, what).toBe(`ec2keys: Ec2Keys.Usage: ${seen}; it needs an http:// or https:// URL, like https://ec2.us-east-1.amazonaws.com or http://127.0.0.1:5000`);
        expect(r.stderr, what).toMatch(seen.startsWith('EC2KEYS') ? /^hint: fix EC2KEYS_ENDPOINT_URL .*or unset it/m : /^hint: .*leave --endpoint-url out/m);
        expect(r.stderr, what).not.toMatch(/InternalError|Invalid URL/);
        if (what === 'get --json') expect(e?.Code).toBe('Ec2Keys.Usage');
      }
      expect(fs.readdirSync(t.dir)).toEqual([]);
      // AWS_ENDPOINT_URL, which the SDK reads itself: a usage error naming it too.
      const sdkVar = await cli(t, ['get'], { g: ['--store', 'ec2', '--region', t.region], env: { AWS_ENDPOINT_URL: 'notaurl' } });
      expectError(sdkVar, 'Ec2Keys.Usage', 2);
      expect(sdkVar.stderr).toMatch(/^ec2keys: Ec2Keys\.Usage: AWS_ENDPOINT_URL is "notaurl"; it needs an http:\/\/ or https:\/\/ URL/m);
      expect(sdkVar.stderr).toMatch(/^hint: fix AWS_ENDPOINT_URL, or unset it/m);
      // The flag wins over the variable (which is then not looked at), and the local store has no endpoint.
      const [flagWins, local] = await Promise.all([
        cli(t, ['get', '--json'], { env: { EC2KEYS_ENDPOINT_URL: 'notaurl' } }),
        cli(t, ['get', '--json'], { g: home, env: { EC2KEYS_ENDPOINT_URL: 'notaurl' } }),
      ]);
      expect(json(flagWins)).toEqual({ KeyPairs: [] });
      expect(json(local)).toEqual({ KeyPairs: [] });
      // Nothing reached moto from the malformed runs: no request in this region but flagWins' one.
      expect(await actions(t.region)).toEqual(['DescribeKeyPairs']);
    }, 240_000);
  });


  // ================================================================================ new, import, get, remove, verify

  describe('store commands on both stores', () => {
    for (const kind of KINDS) {
      const moto = kind === 'moto';
      describe(`${kind === 'local' ? 'local registry' : 'EC2 store on moto_server'}`, () => {
        it(`new: RSA 2048 PKCS#1 ./<name>.pem, 0600, --json shape, fingerprint = get = oracle; Duplicate; FileExists; --force${dev(kind, 'createdRsaFingerprint')}`, async () => {
          const t = target(kind);
          const j = json(await cli(t, ['new', 'web', '--json']));
          expect(Object.keys(j)).toEqual(['KeyName', 'KeyPairId', 'KeyFingerprint', 'KeyType', 'Tags', 'KeyFile']);
          expect(j).toMatchObject({ KeyName: 'web', KeyType: 'rsa', Tags: [] });
          expect(j.KeyPairId).toMatch(/^key-[0-9a-f]{17}$/);
          expect(j.KeyFile).toBe(path.join(fs.realpathSync(t.dir), 'web.pem'));
          expect(fs.readdirSync(t.dir)).toEqual(['web.pem']);
          const pem = fs.readFileSync(j.KeyFile, 'utf8');
          expect(pem).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+\n-----END RSA PRIVATE KEY-----\n$/);
          expect(mode(j.KeyFile)).toBe(0o600);
          expect(opensslRsaCheck(pem)).toBe('RSA key ok');
          expect(rsaBits(pem)).toBe(2048);
          // EC2's created form: SHA-1 of the PKCS#8 private key (openssl pkcs8 | openssl sha1 -c); moto hashes the SPKI.
          expect(j.KeyFingerprint).toBe(moto ? motoCreatedRsaFp(pem) : createdRsaFp(pem));
          expect(j.KeyFingerprint).toMatch(/^([0-9a-f]{2}:){19}[0-9a-f]{2}$/);

          // The file checks happen before the store is asked, the same for both stores: FileExists on local only.
          fs.writeFileSync(path.join(t.dir, 'taken.pem'), 'keep me\n', { mode: 0o644 });
          const [got, dup, exists] = await Promise.all([
            cli(t, ['get', 'web', '--json', '--include-public-key']),
            cli(t, ['new', 'web', '--out', 'other.pem']),
            moto ? undefined : cli(t, ['new', 'taken', '--json']),
          ]);
          const [g] = json(got).KeyPairs;
          expect(g).toMatchObject({ KeyPairId: j.KeyPairId, KeyName: 'web', KeyFingerprint: j.KeyFingerprint, KeyType: 'rsa' });
          expect(keyPart(g.PublicKey)).toBe(publicOfPrivate(pem));
          expectError(dup, 'InvalidKeyPair.Duplicate');
          expect(dup.stderr).toContain("The keypair 'web' already exists.");
          expect(fs.existsSync(path.join(t.dir, 'other.pem'))).toBe(false);
          if (exists) expect(expectError(exists, 'Ec2Keys.FileExists')!.Hint).toMatch(/--force/);
          expect(fs.readFileSync(path.join(t.dir, 'taken.pem'), 'utf8')).toBe('keep me\n');

          let all = await pairs(t, true);
          expect(names(all)).toEqual(['web']);
          expect(all[0]).toMatchObject({ KeyPairId: j.KeyPairId, KeyFingerprint: j.KeyFingerprint, KeyType: 'rsa' });
          expect(keyPart(all[0].PublicKey!)).toBe(publicOfPrivate(pem));

          // --force replaces the file (owner-only again, though the old one was 0644).
          const forced = json(await cli(t, ['new', 'taken', '--force', '--json']));
          const tpem = fs.readFileSync(path.join(t.dir, 'taken.pem'), 'utf8');
          expect(tpem.startsWith('-----BEGIN RSA PRIVATE KEY-----\n')).toBe(true);
          expect(mode(path.join(t.dir, 'taken.pem'))).toBe(0o600);
          expect(forced.KeyFingerprint).toBe(moto ? motoCreatedRsaFp(tpem) : createdRsaFp(tpem));
          all = await pairs(t);
          expect(names(all)).toEqual(['taken', 'web']);
          expect(leftovers(t.dir)).toEqual([]);
        }, 240_000);

        it(`new: --bits 3072/4096, --format ppk (v3 default, --ppk-version 2) and openssh, --tag; each file loads in its own tool${dev(kind, 'createdRsaFingerprint')}`, async () => {
          const t = target(kind);
          // On moto only what goes through EC2 differently: 3072 bits (made locally, then ImportKeyPair)
          // with tags, and a PPK converted from CreateKeyPair's material. The rest is the same local code.
          const cases = [
            { name: 'b3072', args: ['--bits', '3072', '--tag', 'Team=web', '--tag', 'Empty='], file: 'b3072.pem', bits: 3072, head: /^-----BEGIN RSA PRIVATE KEY-----\n/ },
            { name: 'p3', args: ['--format', 'ppk'], file: 'p3.ppk', bits: 2048, head: /^PuTTY-User-Key-File-3: ssh-rsa\r?\nEncryption: none\r?\nComment: p3\r?\n/ },
            ...(moto ? [] : [
              { name: 'b4096', args: ['--bits', '4096', '--format', 'openssh'], file: 'b4096.key', bits: 4096, head: /^-----BEGIN OPENSSH PRIVATE KEY-----\n/ },
              { name: 'p2', args: ['--format', 'ppk', '--ppk-version', '2', '--tag', 'v=2'], file: 'p2.ppk', bits: 2048, head: /^PuTTY-User-Key-File-2: ssh-rsa\r?\nEncryption: none\r?\nComment: p2\r?\n/ },
            ]),
          ];
          const out = (await Promise.all(cases.map((c) => cli(t, ['new', c.name, ...c.args, '--json'])))).map(json);
          const dir = fs.realpathSync(t.dir);
          expect(out.find((o) => o.KeyName === 'b3072').Tags).toEqual([{ Key: 'Team', Value: 'web' }, { Key: 'Empty', Value: '' }]);
          // (`get` on moto has its own test; here the oracle alone.)
          const got = moto ? undefined : (json(await cli(t, ['get', '--json'])).KeyPairs as OraclePair[]);
          const theirs = await pairs(t);
          expect(names(theirs)).toEqual(cases.map((c) => c.name).sort());
          cases.forEach((c, i) => {
            const o = out[i];
            expect(o.KeyFile).toBe(path.join(dir, c.file));
            expect(mode(o.KeyFile)).toBe(0o600);
            expect(fs.readFileSync(o.KeyFile, 'utf8')).toMatch(c.head);
            const pem = pkcs1Of(o.KeyFile); // by openssl / ssh-keygen / puttygen: the file loads in its tool
            expect(opensslRsaCheck(pem)).toBe('RSA key ok');
            expect(rsaBits(pem)).toBe(c.bits);
            const line = publicLineOf(o.KeyFile);
            // CreateKeyPair makes 2048-bit keys only: the EC2 store makes 3072/4096-bit keys locally
            // and imports them, so those carry the imported form — in the local registry too.
            const fp = c.bits !== 2048 ? importedRsaFp(line) : moto ? motoCreatedRsaFp(pem) : createdRsaFp(pem);
            expect(o.KeyFingerprint, c.name).toBe(fp);
            const mine = got?.find((p) => p.KeyName === c.name);
            const their = theirs.find((p) => p.KeyName === c.name)!;
            if (got) expect(mine).toMatchObject({ KeyPairId: o.KeyPairId, KeyFingerprint: fp, KeyType: 'rsa', Tags: o.Tags });
            expect(their).toMatchObject({ KeyPairId: o.KeyPairId, KeyFingerprint: fp, Tags: o.Tags });
            expect(keyPart(their.PublicKey!)).toBe(line);
          });
          if (!moto) expect(tool('ssh-keygen', ['-l', '-f', path.join(dir, 'b4096.key')]).toString()).toMatch(/^4096 SHA256:\S+ .*\(RSA\)/);
        }, 240_000);

        it(`new: ED25519 is refused for Windows (nothing created), allowed with --platform linux${dev(kind, 'ed25519Fingerprint')}`, async () => {
          const t = target(kind);
          // The platform rule is checked before the store is opened; on moto once, with --json.
          const [plain, asJson, linux] = await Promise.all([
            moto ? undefined : cli(t, ['new', 'ed', '--type', 'ed25519']),
            cli(t, ['new', 'ed', '--type', 'ed25519', '--json']),
            cli(t, ['new', 'edl', '--type', 'ed25519', '--platform', 'linux', '--json']),
          ]);
          if (plain) {
            expectError(plain, 'Ec2Keys.UnsupportedForWindows');
            expect(plain.stderr).toMatch(/^hint: .*--platform linux/m);
          }
          expect(expectError(asJson, 'Ec2Keys.UnsupportedForWindows')!.Hint).toMatch(/--platform linux/);
          const j = json(linux);
          expect(j).toMatchObject({ KeyName: 'edl', KeyType: 'ed25519', KeyFile: path.join(fs.realpathSync(t.dir), 'edl.key') });
          expect(fs.readdirSync(t.dir)).toEqual(['edl.key']);
          expect(mode(j.KeyFile)).toBe(0o600);
          const text = fs.readFileSync(j.KeyFile, 'utf8');
          expect(text.startsWith('-----BEGIN OPENSSH PRIVATE KEY-----\n')).toBe(true);
          const line = publicOfPrivate(text);
          expect(line).toMatch(/^ssh-ed25519 AAAA/);
          expect(j.KeyFingerprint).toBe(moto ? motoEd25519Fp(line) : ed25519Fp(line));
          const all = await pairs(t);
          expect(names(all)).toEqual(['edl']);
          expect(all[0]).toMatchObject({ KeyType: 'ed25519', KeyFingerprint: j.KeyFingerprint });
          expect(keyPart(all[0].PublicKey!)).toBe(line);
          if (moto) expect(await actions(t.region)).toEqual(['CreateKeyPair']);
        }, 240_000);

        it.runIf(!moto)('new --out -: the key on stdout, no file; with --json it is KeyMaterial (on moto: in the key-name test)', async () => {
          const t = target(kind);
          const [plain, asJson] = await Promise.all([cli(t, ['new', 'so', '--out', '-']), cli(t, ['new', 'sj', '--out', '-', '--json'])]);
          ok(plain);
          expect(plain.stdout).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+\n-----END RSA PRIVATE KEY-----\n$/);
          expect(opensslRsaCheck(plain.stdout)).toBe('RSA key ok');
          const j = json(asJson);
          expect(Object.keys(j)).toEqual(['KeyName', 'KeyPairId', 'KeyFingerprint', 'KeyType', 'Tags', 'KeyMaterial']);
          expect(opensslRsaCheck(j.KeyMaterial)).toBe('RSA key ok');
          expect(j.KeyFingerprint).toBe(moto ? motoCreatedRsaFp(j.KeyMaterial) : createdRsaFp(j.KeyMaterial));
          expect(fs.readdirSync(t.dir)).toEqual([]);
          const all = await pairs(t);
          expect(names(all)).toEqual(['sj', 'so']);
          expect(keyPart(all.find((p) => p.KeyName === 'so')!.PublicKey!)).toBe(publicOfPrivate(plain.stdout));
          expect(all.find((p) => p.KeyName === 'sj')!.KeyPairId).toBe(j.KeyPairId);
        }, 240_000);

        it(`new --out - where nothing receives the key (stdout on /dev/null, or a pipe whose reader has gone) → Ec2Keys.FileError, exit 1, no pair left${moto ? ' (rollback on EC2)' : ''}`, async () => {
          const t = target(kind);
          const [nul, nulJson, gone, goneJson] = await Promise.all([
            cli(t, ['new', 'dn', '--out', '-'], { stdout: 'null' }),
            cli(t, ['new', 'dnj', '--out', '-', '--json'], { stdout: 'null' }),
            cli(t, ['new', 'cp', '--out', '-'], { stdout: 'closed' }),
            cli(t, ['new', 'cpj', '--out', '-', '--json'], { stdout: 'closed' }),
          ]);
          for (const r of [nul, nulJson]) {
            expect(r.code, r.stderr).toBe(1);
            expect(r.stderr).toMatch(/^ec2keys: Ec2Keys\.FileError: standard output is the null device: the private key written there would be lost, and the key pair dnj? would have no private key$/m);
          }
          for (const r of [gone, goneJson]) {
            expect(r.code, r.stderr).toBe(1);
            expect(r.stderr).toMatch(/^ec2keys: Ec2Keys\.FileError: cannot write the key to standard output \(EPIPE\): nothing received it; the key pair was deleted again/m);
          }
          expect(names(await pairs(t))).toEqual([]);
          expect(fs.readdirSync(t.dir)).toEqual([]);
          // Nothing else changed: the same commands with a reader work.
          ok(await cli(t, ['new', 'cp', '--out', '-']));
          expect(names(await pairs(t))).toEqual(['cp']);
        }, 240_000);

        it(`new: a missing or unwritable --out folder → Ec2Keys.FileError and no pair left behind${moto ? ' (rollback on EC2)' : ''}`, async () => {
          const t = target(kind);
          const ro = unwritableDir();
          fs.mkdirSync(path.join(t.dir, 'adir'));
          // The missing folder is found before the store is asked (both stores alike: local only); an
          // unwritable folder only when writing, after the pair exists.
          const [missing, unwritable] = await Promise.all([
            cli(t, ['new', 'm1', '--out', path.join(t.dir, 'nope', 'm1.pem')]),
            cli(t, ['new', 'm2', '--out', path.join(ro, 'm2.pem'), '--json']),
          ]);
          expectError(missing, 'Ec2Keys.FileError');
          expect(missing.stderr).toContain(`cannot write into folder ${path.join(t.dir, 'nope')}: it does not exist`);
          // The folder check comes first: nothing was created, so nothing needed undoing.
          expect(missing.stderr).not.toMatch(/deleted again/);
          const e = expectError(unwritable, 'Ec2Keys.FileError')!;
          expect(e.Message).toContain(path.join(ro, 'm2.pem'));
          expect(e.Message).toMatch(/the key pair was deleted again, so none is left without its private key/);
          expect(fs.statSync(path.join(t.dir, 'adir')).isDirectory()).toBe(true);
          expect(fs.readdirSync(path.join(t.dir, 'adir'))).toEqual([]);
          expect(fs.readdirSync(t.dir)).toEqual(['adir']);
          expect(await pairs(t)).toEqual([]);
          if (moto) {
            // m2 was created and deleted again; m1 never reached EC2. moto ignores DeleteKeyPair's
            // KeyPairId [moto: deleteByIdIgnored], so the rollback looks again and deletes by name.
            const calls = await recorded(t.region);
            expect(calls.map((c) => c.action)).toEqual(['CreateKeyPair', 'DeleteKeyPair', 'DescribeKeyPairs', 'DeleteKeyPair']);
            expect(calls[0].params.KeyName).toBe('m2');
            expect(calls[1].params).toMatchObject({ KeyPairId: expect.stringMatching(/^key-/) });
            expect(calls[3].params).toMatchObject({ KeyName: 'm2' });
          }
        }, 240_000);

        it('new --out FOLDER saves <name>.<ext> inside it (like cp / Copy-Item); an existing file there is refused before any pair is created', async () => {
          const t = target(kind);
          fs.mkdirSync(path.join(t.dir, 'keys'));
          fs.writeFileSync(path.join(t.dir, 'keys', 'taken.pem'), 'keep me');
          const [a, b, taken] = await Promise.all([
            cli(t, ['new', 'in-dir', '--out', 'keys', '--json']),
            cli(t, ['new', 'in-dir-slash', '--out', `keys${path.sep}`, '--format', 'ppk']),
            cli(t, ['new', 'taken', '--out', path.join(t.dir, 'keys')]),
          ]);
          const f = path.join(t.dir, 'keys', 'in-dir.pem');
          expect(json(a).KeyFile).toBe(f);
          expect(mode(f)).toBe(0o600);
          expect(opensslRsaCheck(fs.readFileSync(f, 'utf8'))).toBe('RSA key ok');
          ok(b);
          expect(mode(path.join(t.dir, 'keys', 'in-dir-slash.ppk'))).toBe(0o600);
          expectError(taken, 'Ec2Keys.FileExists');
          expect(taken.stderr).toContain(path.join(t.dir, 'keys', 'taken.pem'));
          expect(fs.readFileSync(path.join(t.dir, 'keys', 'taken.pem'), 'utf8')).toBe('keep me');
          expect(names(await pairs(t))).toEqual(['in-dir', 'in-dir-slash']);
          expect(fs.readdirSync(path.join(t.dir, 'keys')).sort()).toEqual(['in-dir-slash.ppk', 'in-dir.pem', 'taken.pem']);
        }, 240_000);

        it('new: default file names are safe on Windows: / : * ? " < > | become _, and device names (CON, NUL, COM1…) get a _ in front', async () => {
          const t = target(kind);
          const cases: [string, string][] = [['con', '_con.pem'], ['NUL', '_NUL.pem'], ['com1', '_com1.pem'], ['Aux.backup', '_Aux.backup.pem'], ['a/b:c', 'a_b_c.pem'], ['console', 'console.pem']];
          const rs = await Promise.all(cases.map(([n]) => cli(t, ['new', n, '--json'])));
          rs.forEach((r, i) => expect(json(r).KeyFile).toBe(path.join(t.dir, cases[i][1])));
          expect(fs.readdirSync(t.dir).sort()).toEqual(cases.map(([, f]) => f).sort());
        }, 240_000);

        it('new --encrypt with no terminal and no new passphrase: a usage error before anything is created (never a plain key)', async () => {
          const t = target(kind);
          const r = await cli(t, ['new', 'enc', '--encrypt']);
          expectError(r, 'Ec2Keys.Usage', 2);
          expect(r.stderr).toMatch(/--new-passphrase-file|EC2KEYS_NEW_PASSPHRASE/);
          expect(fs.readdirSync(t.dir)).toEqual([]);
          expect(await pairs(t)).toEqual([]);
        }, 240_000);

        it('new --new-passphrase-file with an empty first line: a usage error, no key pair created and no (unencrypted) key file', async () => {
          const t = target(kind);
          const pw = tmp('ec2keys-cli-new-pw-');
          const empty = path.join(pw, 'empty.txt');
          const blankFirst = path.join(pw, 'blank-first.txt');
          fs.writeFileSync(empty, '');
          fs.writeFileSync(blankFirst, '\r\nsecret\r\n');
          const [a, b] = await Promise.all([
            cli(t, ['new', 'empty-pw', '--new-passphrase-file', empty]),
            cli(t, ['new', 'blank-first', '--format', 'ppk', '--new-passphrase-file', blankFirst, '--json']),
          ]);
          for (const r of [a, b]) {
            expectError(r, 'Ec2Keys.Usage', 2);
            expect(r.stderr).toMatch(/^ec2keys: Ec2Keys\.Usage: the new passphrase \(first line of --new-passphrase-file \S+\) is empty; an empty passphrase would leave the key unencrypted$/m);
          }
          expect(fs.readdirSync(t.dir)).toEqual([]);
          expect(await pairs(t)).toEqual([]);
          if (moto) expect(await actions(t.region)).not.toContain('CreateKeyPair');
        }, 240_000);

        it('new: a long valid name (240, 255 characters) is saved under a default file name that fits the file system', async () => {
          const t = target(kind);
          const [n240, n255] = ['m'.repeat(240), 'n'.repeat(255)];
          const [a, b] = await Promise.all([cli(t, ['new', n240, '--json']), cli(t, ['new', n255, '--json'])]);
          const fa = json(a).KeyFile as string;
          const fb = json(b).KeyFile as string;
          expect(fa).toBe(path.join(t.dir, `${n240}.pem`));
          expect(path.dirname(fb)).toBe(t.dir);
          expect(Buffer.byteLength(path.basename(fb))).toBeLessThanOrEqual(255);
          expect(path.basename(fb)).toMatch(/^n+\.pem$/);
          for (const f of [fa, fb]) {
            expect(mode(f)).toBe(0o600);
            expect(opensslRsaCheck(fs.readFileSync(f, 'utf8'))).toBe('RSA key ok');
          }
          expect(names(await pairs(t))).toEqual([n240, n255]);
          expect(leftovers(t.dir)).toEqual([]);
          // An explicit --out that is too long is refused before any pair is created.
          const long = await cli(t, ['new', 'x1', '--out', 'o'.repeat(300) + '.pem']);
          expectError(long, 'Ec2Keys.FileError');
          expect(long.stderr).toMatch(/name is too long/);
          expect(long.stderr).not.toMatch(/deleted again/);
          expect(names(await pairs(t))).toEqual([n240, n255]);
        }, 240_000);

        it(`new: names outside EC2's rules are InvalidParameterValue before anything is created; 255 ASCII characters work${dev(kind, 'keyNameRules')}`, async () => {
          const t = target(kind);
          const bad = ['', ' lead', 'trail ', 'a'.repeat(256), 'clé'];
          // moto: one of each rule kind is enough to show the EC2 store refuses before sending.
          const skip = moto ? new Set(['', 'trail ', 'clé']) : new Set<string>();
          const long = 'k'.repeat(255);
          const [good, ...rs] = await Promise.all([
            cli(t, ['new', long, '--out', '-', '--json']),
            ...bad.map((n, i) => (skip.has(n) ? Promise.resolve(undefined) : cli(t, ['new', n, '--out', '-', ...(i % 2 ? ['--json'] : [])]))),
          ]);
          const g = json(good);
          expect(g.KeyName).toBe(long);
          expect(Object.keys(g)).toEqual(['KeyName', 'KeyPairId', 'KeyFingerprint', 'KeyType', 'Tags', 'KeyMaterial']);
          expect(opensslRsaCheck(g.KeyMaterial)).toBe('RSA key ok');
          expect(g.KeyFingerprint).toBe(moto ? motoCreatedRsaFp(g.KeyMaterial) : createdRsaFp(g.KeyMaterial));
          expect(fs.readdirSync(t.dir)).toEqual([]);
          const msgs = rs.map((r) => {
            if (!r) return undefined;
            expectError(r, 'InvalidParameterValue');
            expect(r.stdout.startsWith('-----')).toBe(false);
            return r.stderr.split('\n')[0];
          });
          if (!moto) expect(msgs[0]).toMatch(/key name is empty/);
          expect(msgs[1]).toMatch(/starts or ends with a space/);
          if (!moto) expect(msgs[2]).toMatch(/starts or ends with a space/);
          expect(msgs[3]).toMatch(/is 256 characters long; EC2 accepts up to 255/);
          if (!moto) expect(msgs[4]).toMatch(/non-ASCII character "é"/);
          expect(names(await pairs(t))).toEqual([long]);
          if (moto) expect(await actions(t.region)).toEqual(['CreateKeyPair']);
        }, 240_000);

        it('import: OpenSSH line (argument, file, stdin), RFC 4716, base64 DER SPKI, PEM SPKI and private keys of every format, encrypted ones too; only the public half is stored', async () => {
          const t = target(kind);
          const pw = ['--passphrase-file', fx('pw.txt')];
          // On moto the forms moto itself refuses or mangles (base64 DER, PEM SPKI: ec2-semantics.md §2)
          // and an encrypted private key: ec2keys sends EC2 the OpenSSH line of each.
          const cases: [string, string[], string?][] = [
            ['i-stdin', [], fs.readFileSync(F.rfc, 'utf8')],
            ['i-der', ['--public-key-file', F.spkiB64]],
            ['i-spki-pem', ['--public-key-file', F.spkiPem]],
            ['i-ppk-enc', ['--public-key-file', F.ppkEnc, ...pw]],
          ];
          if (!moto) {
            cases.push(
              ['i-line', ['--public-key', `${RSA_LINE} alice@laptop`]],
              ['i-file', ['--public-key-file', F.pub]],
              ['i-stdin-line', [], fs.readFileSync(F.pub, 'utf8')],
              ['i-rfc4716', ['--public-key-file', F.rfc]],
              ['i-pkcs8-enc', ['--public-key-file', F.p8Enc, ...pw]],
              ['i-pkcs1', ['--public-key-file', F.pem]],
              ['i-pkcs8', ['--public-key-file', F.p8]],
              ['i-openssh', ['--public-key-file', F.openssh]],
              ['i-ppk3', ['--public-key-file', F.ppk3]],
              ['i-ppk2', ['--public-key-file', F.ppk2]],
              ['i-openssh-enc', ['--public-key-file', F.opensshEnc, ...pw]],
              // Encrypted PPK and OpenSSH files carry their public half in clear: no passphrase needed.
              ['i-ppk-enc-nopass', ['--public-key-file', F.ppkEnc]],
            );
          }
          const rs = await Promise.all(cases.map(([n, args, input]) => cli(t, ['import', n, ...args, '--json'], { input })));
          rs.forEach((r, i) => {
            const j = json(r);
            expect(Object.keys(j), cases[i][0]).toEqual(['KeyName', 'KeyPairId', 'KeyFingerprint', 'KeyType', 'Tags']);
            expect(j, cases[i][0]).toMatchObject({ KeyName: cases[i][0], KeyFingerprint: RSA_FP, KeyType: 'rsa', Tags: [] });
          });
          if (!moto) {
            const plain = ok(await cli(t, ['import', 'i-plain', '--public-key-file', F.pem]));
            expect(plain.stdout).toContain(`fingerprint ${RSA_FP} (public half of the private key file; the private key was not sent)`);
            cases.push(['i-plain', []]);
          }

          const all = await pairs(t);
          expect(names(all)).toEqual(cases.map((c) => c[0]).sort());
          for (const p of all) {
            expect(p.KeyFingerprint, p.KeyName).toBe(RSA_FP);
            expect(keyPart(p.PublicKey!), p.KeyName).toBe(RSA_LINE);
            if (!moto) expect(p.KeyType).toBe('rsa');
          }
          if (!moto) {
            const reg = registry(t.home);
            for (const p of reg.pairs) expect(p.Origin).toBe('imported');
            expect(Object.values(reg.pubs).every((l) => l === RSA_LINE)).toBe(true);
            // Nothing of any private key file reached the registry.
            expect(reg.text).not.toMatch(/PRIVATE|PuTTY|Private-Lines|Encryption|Proc-Type|BEGIN/);
            for (const f of [F.pem, F.p8, F.openssh, F.ppk3]) {
              const body = fs.readFileSync(f, 'utf8').split(/\r?\n/).filter((l) => /^[A-Za-z0-9+/=]{40,}$/.test(l));
              for (const l of body.slice(-3)) expect(reg.text.includes(l)).toBe(false);
            }
          } else {
            expect((await actions(t.region)).filter((a) => a !== 'ImportKeyPair')).toEqual([]);
          }
        }, 240_000);

        it(`import: DSA, ECDSA and non-keys are InvalidKey.Format; ED25519 only with --platform linux; encrypted PKCS#8 needs its passphrase${dev(kind, 'ed25519Fingerprint')}`, async () => {
          const t = target(kind);
          // These refusals happen before any request; on moto one of each kind shows nothing is sent.
          const maybe = (args: string[]) => (moto ? Promise.resolve(undefined) : cli(t, args));
          const [dsa, ecdsa, junk, edWin, edLinux, p8, wrong] = await Promise.all([
            maybe(['import', 'dsa', '--public-key-file', F.dsaPub]),
            maybe(['import', 'ecdsa', '--public-key-file', F.ecdsaPub, '--json']),
            maybe(['import', 'junk', '--public-key-file', F.garbage]),
            cli(t, ['import', 'ed', '--public-key-file', F.edPub]),
            cli(t, ['import', 'edl', '--public-key-file', F.ed, '--platform', 'linux', '--tag', 'os=linux', '--json']),
            maybe(['import', 'p8', '--public-key-file', F.p8Enc]),
            maybe(['--passphrase-file', fx('wrong.txt'), 'import', 'wrong', '--public-key-file', F.ppkEnc]),
          ]);
          if (dsa) {
            expectError(dsa, 'InvalidKey.Format');
            expect(dsa.stderr).toMatch(/DSA/);
          }
          if (ecdsa) expect(expectError(ecdsa, 'InvalidKey.Format')!.Message).toMatch(/ECDSA/);
          if (junk) expectError(junk, 'InvalidKey.Format');
          expectError(edWin, 'Ec2Keys.UnsupportedForWindows');
          expect(edWin.stderr).toMatch(/^hint: .*--platform linux/m);
          const j = json(edLinux);
          expect(j).toMatchObject({ KeyName: 'edl', KeyType: 'ed25519', Tags: [{ Key: 'os', Value: 'linux' }] });
          expect(j.KeyFingerprint).toBe(moto ? motoEd25519Fp(ED_LINE) : ed25519Fp(ED_LINE));
          if (!moto) expect(j.KeyFingerprint).toBe(tool('ssh-keygen', ['-l', '-E', 'sha256', '-f', F.edPub]).toString().split(' ')[1].replace(/^SHA256:/, '') + '=');
          if (p8) expectError(p8, 'Ec2Keys.PassphraseRequired');
          if (wrong) expectError(wrong, 'Ec2Keys.BadPassphrase');
          const all = await pairs(t);
          expect(names(all)).toEqual(['edl']);
          expect(all[0]).toMatchObject({ KeyType: 'ed25519', KeyFingerprint: j.KeyFingerprint, Tags: [{ Key: 'os', Value: 'linux' }] });
          expect(keyPart(all[0].PublicKey!)).toBe(ED_LINE);
          if (moto) expect(await actions(t.region)).toEqual(['ImportKeyPair']);
        }, 240_000);

        it('import --batch FILE saved by Windows PowerShell 5.1 (`Get-Content keys.txt > batch.txt`: UTF-16LE with BOM, CRLF)', async () => {
          const t = target(kind);
          const text = `w-one ${RSA_LINE} alice@laptop\r\nw-two ${RSA_LINE}\r\n`;
          const f = path.join(t.dir, 'batch-utf16.txt');
          fs.writeFileSync(f, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
          const r = json(await cli(t, ['import', '--batch', f, '--json']));
          expect(r.Results.map((x: { KeyName: string; KeyPairId?: string }) => [x.KeyName, Boolean(x.KeyPairId)])).toEqual([['w-one', true], ['w-two', true]]);
          fs.rmSync(f);
        }, 240_000);

        it('import --batch: one result per line in order, exit 1 when any line failed, the good lines imported in one store write', async () => {
          const t = target(kind);
          ok(await cli(t, ['import', 'b-dup', '--public-key', OTHER_LINE]));
          const lines = [
            '# team keys',
            `b-one ${RSA_LINE} alice@laptop`,
            `b-two ${ED_LINE}`,
            'b-bad ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQ',
            '',
            `b-dup ${RSA_LINE}`,
            `b-ecdsa ${keyPart(fs.readFileSync(F.ecdsaPub, 'utf8'))}`,
            `b three ${RSA_LINE} with a comment`,
          ];
          const file = path.join(t.dir, 'batch.txt');
          fs.writeFileSync(file, lines.join('\r\n') + '\r\n');
          const before = t.kind === 'local' ? fs.statSync(path.join(t.home, 'regions', t.region, 'keypairs.json')).ino : 0;
          const args = ['import', '--batch', file, '--json'];
          let r: CliResult;
          let renames = -1;
          if (!moto && hasTool('strace')) ({ r, renames } = await tracedRenames(t, args));
          else r = await cli(t, args);
          expect(r.code, r.stderr).toBe(1);
          expect(r.stderr).toMatch(/^ec2keys: Ec2Keys\.PartialFailure: 4 of 6 keys could not be imported$/m);
          const doc = JSON.parse(r.stdout);
          expect(Object.keys(doc)).toEqual(['Results']);
          const res = doc.Results;
          expect(res.map((x: { KeyName: string }) => x.KeyName)).toEqual(['b-one', 'b-two', 'b-bad', 'b-dup', 'b-ecdsa', 'b three']);
          for (const i of [0, 5]) {
            expect(res[i]).toMatchObject({ KeyFingerprint: RSA_FP });
            expect(res[i].KeyPairId).toMatch(/^key-[0-9a-f]{17}$/);
            expect(res[i]).not.toHaveProperty('Error');
          }
          expect(res[1].Error.Code).toBe('Ec2Keys.UnsupportedForWindows');
          expect(res[2].Error).toMatchObject({ Code: 'InvalidKey.Format', Message: expect.stringMatching(/^line 4: /) });
          expect(res[3].Error).toMatchObject({ Code: 'InvalidKeyPair.Duplicate', Message: "The keypair 'b-dup' already exists." });
          expect(res[4].Error).toMatchObject({ Code: 'InvalidKey.Format', Message: expect.stringMatching(/^line 7: .*ECDSA/) });

          const all = await pairs(t);
          expect(names(all)).toEqual(['b three', 'b-dup', 'b-one']);
          expect(keyPart(all.find((p) => p.KeyName === 'b-dup')!.PublicKey!)).toBe(OTHER_LINE);
          for (const n of ['b-one', 'b three']) {
            const p = all.find((x) => x.KeyName === n)!;
            expect(p.KeyPairId).toBe(res.find((x: { KeyName: string }) => x.KeyName === n).KeyPairId);
            expect(keyPart(p.PublicKey!)).toBe(RSA_LINE);
          }
          if (!moto) {
            expect(fs.statSync(path.join(t.home, 'regions', t.region, 'keypairs.json')).ino).not.toBe(before);
            if (renames >= 0) expect(renames, 'registry writes (renames onto keypairs.json) by one batch').toBe(1);
          } else {
            // One ImportKeyPair per line that parsed (b-dup is EC2's own Duplicate answer); nothing else.
            const calls = await recorded(t.region);
            expect(calls.map((c) => c.action)).toEqual(['ImportKeyPair', 'ImportKeyPair', 'ImportKeyPair', 'ImportKeyPair']);
            expect(calls.slice(1).map((c) => c.params.KeyName).sort()).toEqual(['b three', 'b-dup', 'b-one']);
          }

          // From stdin, all good: plain table, exit 0.
          const again = ok(await cli(t, ['import', '--batch', '-'], { input: `s-1 ${RSA_LINE}\ns-2 ${OTHER_LINE}\n` }));
          expect(again.stdout).toMatch(/^KeyName +Result\ns-1 +key-[0-9a-f]{17} [0-9a-f:]{47}\ns-2 +key-[0-9a-f]{17} [0-9a-f:]{47}\n2 imported, 0 failed\n$/);
        }, 240_000);

        it(`get: table, --json as describe-key-pairs gives it, names, --id, filters with * and ? wildcards and tags, NotFound, unknown filter${dev(kind, 'questionWildcard')}${dev(kind, 'keyPairIdsIgnored')}${dev(kind, 'notFoundMessage')}`, async () => {
          const t = target(kind);
          await Promise.all([
            cli(t, ['import', 'app-', '--public-key', RSA_LINE, '--tag', 'tier=web']).then(ok),
            cli(t, ['import', 'app-1', '--public-key', RSA_LINE, '--tag', 'tier=web', '--tag', 'owner=ann']).then(ok),
            cli(t, ['import', 'app-2', '--public-key', OTHER_LINE, '--tag', 'tier=db', '--tag', 'owner=bob']).then(ok),
            cli(t, ['import', '--batch', '-', '--platform', 'linux'], { input: `app-10 ${OTHER_LINE}\ndb-1 ${ED_LINE}\n` }).then(ok),
          ]);
          const all = json(await cli(t, ['get', '--json'])).KeyPairs as OraclePair[];
          const id = (n: string) => all.find((p) => p.KeyName === n)!.KeyPairId;
          const edFp = all.find((p) => p.KeyName === 'db-1')!.KeyFingerprint;
          const sel = async (...args: string[]) => names(json(await cli(t, ['get', ...args, '--json'])).KeyPairs);
          const [table, withPub, byName, q, star, tagAnd, tagKey, fp, byIdFilter, byId, notFound, unknown, malformed] = await Promise.all([
            moto ? undefined : cli(t, ['get']),
            cli(t, ['get', '--include-public-key', '--json']),
            sel('app-1', 'db-1'),
            sel('--filter', 'Name=key-name,Values=app-?'),
            sel('--filter', 'Name=key-name,Values=app-*'),
            sel('--filter', 'Name=tag:tier,Values=web', '--filter', 'Name=key-name,Values=app-1,db-1'),
            sel('--filter', 'Name=tag-key,Values=owner'),
            // fingerprint and key-pair-id filters: moto agrees with EC2 (the store suite covers them there).
            moto ? undefined : sel('--filter', `Name=fingerprint,Values=${edFp}`),
            moto ? undefined : sel('--filter', `Name=key-pair-id,Values=${id('app-10')}`),
            sel('--id', id('app-2')),
            cli(t, ['get', 'app-1', 'nope', '--json']),
            cli(t, ['get', '--filter', 'Name=key-type,Values=rsa']),
            moto ? undefined : cli(t, ['get', '--filter', 'key-name=x']),
          ]);
          // Shape: exactly describe-key-pairs' fields, in its order.
          expect(all.length).toBe(5);
          for (const p of all) {
            expect(Object.keys(p)).toEqual(['KeyPairId', 'KeyFingerprint', 'KeyName', 'KeyType', 'Tags', 'CreateTime']);
            expect(p.CreateTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
            if (moto) expect(p.CreateTime).toMatch(/\.000Z$/); // [moto: createTimeSeconds]
          }
          expect(all.find((p) => p.KeyName === 'app-1')).toMatchObject({ KeyType: 'rsa', KeyFingerprint: RSA_FP, Tags: [{ Key: 'tier', Value: 'web' }, { Key: 'owner', Value: 'ann' }] });
          expect(all.find((p) => p.KeyName === 'db-1')).toMatchObject({ KeyType: 'ed25519', Tags: [] });
          expect(edFp).toBe(moto ? motoEd25519Fp(ED_LINE) : ed25519Fp(ED_LINE));
          // The same pairs through the second oracle, field for field.
          const sort = (ps: OraclePair[]) => [...ps].sort((a, b) => a.KeyName.localeCompare(b.KeyName));
          const theirs = await pairs(t, true);
          const mineWithPub = json(withPub).KeyPairs as OraclePair[];
          if (moto) {
            // `aws ec2 describe-key-pairs --include-public-key` and `ec2keys get --include-public-key --json`: the same document.
            expect(sort(mineWithPub)).toEqual(sort(theirs));
            expect(sort(all)).toEqual(sort(theirs).map(({ PublicKey: _p, ...rest }) => rest));
          } else {
            expect(sort(mineWithPub).map(({ PublicKey, ...rest }) => ({ ...rest, PublicKey: keyPart(PublicKey!) }))).toEqual(
              sort(theirs).map(({ Origin: _o, ...rest }) => rest as OraclePair),
            );
            // EC2's PublicKey: the OpenSSH line ending with the key name.
            for (const p of mineWithPub) expect(p.PublicKey).toBe(`${keyPart(p.PublicKey!)} ${p.KeyName}`);
          }
          // Plain output: a table with a header and one row per pair.
          if (table) {
            const rows = ok(table).stdout.trimEnd().split('\n');
            expect(rows[0]).toMatch(/^KeyName +KeyType +KeyFingerprint +KeyPairId +CreateTime$/);
            expect(rows.length).toBe(6);
            for (const p of all) {
              const row = rows.find((l) => l.split(/ {2,}/)[0] === p.KeyName)!;
              expect(row.split(/ +/).slice(-4)).toEqual([p.KeyType, p.KeyFingerprint, p.KeyPairId, p.CreateTime]);
            }
          }

          expect(byName).toEqual(['app-1', 'db-1']);
          // EC2: `?` matches zero or one character, so app-? also selects "app-"; moto's fnmatch needs exactly one.
          expect(q).toEqual(moto ? ['app-1', 'app-2'] : ['app-', 'app-1', 'app-2']);
          expect(star).toEqual(['app-', 'app-1', 'app-10', 'app-2']);
          expect(tagAnd).toEqual(['app-1']);
          expect(tagKey).toEqual(['app-1', 'app-2']);
          if (fp) expect(fp).toEqual(['db-1']);
          if (byIdFilter) expect(byIdFilter).toEqual(['app-10']);
          expect(byId).toEqual(moto ? names(all) : ['app-2']);
          if (moto) {
            const theirQ = (await aws(t.region, ['ec2', 'describe-key-pairs', '--filters', 'Name=key-name,Values=app-?', 'Name=tag:tier,Values=web,db'])).KeyPairs;
            expect(names(theirQ)).toEqual(['app-1', 'app-2']);
          }

          const nf = expectError(notFound, 'InvalidKeyPair.NotFound')!;
          if (moto) expect(nf.Message).toMatch(/^The keypair '\{.*'nope'.*\}' does not exist\./);
          else expect(nf.Message).toBe("The key pair 'nope' does not exist");
          expectError(unknown, 'InvalidParameterValue');
          expect(unknown.stderr).toContain("The filter 'key-type' is invalid");
          expect(unknown.stderr).toMatch(/^hint: .*key-pair-id, fingerprint, key-name, tag-key, tag:<key>/m);
          if (malformed) expectError(malformed, 'Ec2Keys.Usage', 2);
          if (moto) {
            // The unknown filter never reached EC2 (moto would answer HTTP 500).
            const calls = await recorded(t.region);
            expect(calls.some((c) => Object.values(c.params).includes('key-type'))).toBe(false);
          } else {
            expectError(await cli(t, ['get', '--id', 'key-00000000000000000']), 'InvalidKeyPair.NotFound');
          }
        }, 240_000);

        it(`remove: --no-input without --yes is a usage error; by name (idempotent), by --id; --json {Return, KeyPairId}${dev(kind, 'deleteByIdIgnored')}`, async () => {
          const t = target(kind);
          const res = json(await cli(t, ['import', '--batch', '-', '--json'], { input: `r1 ${RSA_LINE}\nr2 ${RSA_LINE}\nr3 ${RSA_LINE}\n` })).Results;
          const id = (n: string) => res.find((x: { KeyName: string }) => x.KeyName === n).KeyPairId as string;
          // Usage errors come before the store is opened: on moto one shows that.
          const [noYes, neither, both] = await Promise.all([
            cli(t, ['--no-input', 'remove', 'r1', '--json']),
            moto ? undefined : cli(t, ['remove', '--yes']),
            moto ? undefined : cli(t, ['remove', 'r1', '--id', id('r1'), '--yes']),
          ]);
          expectError(noYes, 'Ec2Keys.Usage', 2);
          expect(noYes.stderr).toMatch(/--yes/);
          if (neither) expectError(neither, 'Ec2Keys.Usage', 2);
          if (both) expectError(both, 'Ec2Keys.Usage', 2);
          expect(names(await pairs(t))).toEqual(['r1', 'r2', 'r3']);

          const [byName, byId, plain] = await Promise.all([
            cli(t, ['remove', 'r1', '--yes', '--json']),
            cli(t, ['remove', '--id', id('r2'), '--yes', '--json']),
            cli(t, ['remove', 'r3', '--yes']),
          ]);
          expect(json(byName)).toEqual({ Return: true, KeyPairId: id('r1') });
          ok(plain);
          expect(plain.stdout).toBe(`removed key pair r3 (${id('r3')})\n`);
          const j = json(byId);
          if (moto) expect(j).toEqual({ Return: true });
          else expect(j).toEqual({ Return: true, KeyPairId: id('r2') });
          // EC2 deletes by id; moto ignores KeyPairId and deletes nothing.
          expect(names(await pairs(t))).toEqual(moto ? ['r2'] : []);

          const [again, againPlain, missingId] = await Promise.all([
            cli(t, ['remove', 'r1', '--yes', '--json']),
            moto ? undefined : cli(t, ['remove', 'r1', '--yes']),
            cli(t, ['remove', '--id', 'key-00000000000000000', '--yes']),
          ]);
          expect(json(again)).toEqual({ Return: true });
          if (againPlain) expect(ok(againPlain).stdout).toBe('key pair "r1" did not exist; nothing removed\n');
          if (moto) ok(missingId);
          else expectError(missingId, 'InvalidKeyPair.NotFound');

          // Plain output by --id names the id; an answer without KeyPairId (moto) is said as such, never "undefined".
          const r4 = json(await cli(t, ['import', 'r4', '--public-key', RSA_LINE, '--json'])).KeyPairId as string;
          const byIdPlain = ok(await cli(t, ['remove', '--id', r4, '--yes']));
          expect(byIdPlain.stdout).not.toMatch(/undefined/);
          if (moto) expect(byIdPlain.stdout).toBe(`the store accepted the removal of ${r4} but named no removed key pair; check with \`ec2keys get --id ${r4}\`\n`);
          else expect(byIdPlain.stdout).toBe(`removed key pair ${r4}\n`);
        }, 240_000);

        it(`verify: created and imported forms, ED25519, KeyMismatch, a public key against a created pair gets a hint${dev(kind, 'createdRsaFingerprint')}${dev(kind, 'ed25519Fingerprint')}`, async () => {
          const t = target(kind);
          // verify compares locally; on moto only what depends on the fingerprints EC2 (moto) reports.
          const local = !moto;
          const maybe = (yes: boolean, args: string[]) => (yes ? cli(t, args) : Promise.resolve(undefined));
          await Promise.all([
            cli(t, ['new', 'vc']).then(ok),
            maybe(local, ['new', 'vp', '--format', 'ppk']).then((r) => r && ok(r)),
            maybe(local, ['new', 've', '--type', 'ed25519', '--platform', 'linux']).then((r) => r && ok(r)),
            cli(t, ['import', 'vi', '--public-key-file', F.pub]).then(ok),
          ]);
          const vcPub = path.join(t.dir, 'vc.pub');
          fs.writeFileSync(vcPub, publicOfPrivate(fs.readFileSync(path.join(t.dir, 'vc.pem'), 'utf8')) + '\n');
          const [vc, vp, ve, viPem, viPub, viPpk, mismatch, pubVsCreated, missing] = await Promise.all([
            cli(t, ['verify', 'vc.pem', 'vc', '--json']),
            maybe(local, ['verify', 'vp.ppk', 'vp']),
            maybe(local, ['verify', 've.key', 've', '--json']),
            cli(t, ['verify', F.pem, 'vi', '--json']),
            maybe(local, ['verify', F.pub, 'vi']),
            maybe(local, ['--passphrase-file', fx('pw.txt'), 'verify', F.ppkEnc, 'vi', '--json']),
            cli(t, ['verify', F.pem, 'vc', '--json']),
            cli(t, ['verify', vcPub, 'vc']),
            maybe(local, ['verify', F.pem, 'nope']),
          ]);
          for (const r of [viPem, viPpk]) if (r) expect(json(r)).toMatchObject({ KeyName: 'vi', KeyFingerprint: RSA_FP, Match: true, FingerprintKind: 'imported' });
          if (viPub) expect(ok(viPub).stdout).toMatch(/belongs to key pair vi \(key-[0-9a-f]{17}\); imported fingerprint /);
          if (moto) {
            // moto's created RSA fingerprint (SHA-1 of the SPKI) and ED25519 fingerprint (hex SHA-256 of
            // the SPKI) are neither EC2 form, so the right key file cannot match them.
            // (ED25519: see the ed25519Fingerprint cases of `new` and `import`.)
            expectError(vc, 'Ec2Keys.KeyMismatch');
            expect(JSON.parse(vc.stdout).Error.Message).toContain(`the pair's fingerprint is ${motoCreatedRsaFp(fs.readFileSync(path.join(t.dir, 'vc.pem'), 'utf8'))}`);
          } else {
            expect(json(vc)).toMatchObject({ KeyName: 'vc', Match: true, FingerprintKind: 'created' });
            expect(ok(vp!).stdout).toMatch(/belongs to key pair vp .* created fingerprint/);
            expect(json(ve!)).toMatchObject({ KeyName: 've', Match: true, FingerprintKind: 'imported' });
          }
          const e = expectError(mismatch, 'Ec2Keys.KeyMismatch')!;
          expect(e.Message).toMatch(/does not belong to key pair vc/);
          expectError(pubVsCreated, 'Ec2Keys.KeyMismatch');
          expect(pubVsCreated.stderr).toMatch(/^hint: this pair was created by EC2, whose fingerprint hashes the PRIVATE key/m);
          if (missing) expectError(missing, 'InvalidKeyPair.NotFound');
          if (local) {
            // An encrypted PPK without its passphrase (no TTY): its public half settles an imported
            // pair, but a created pair's fingerprint hashes the private key: PassphraseRequired, not
            // a false KeyMismatch.
            ok(await cli(t, ['--new-passphrase-file', fx('pw.txt'), 'new', 'vq', '--format', 'ppk']));
            const [lockedCreated, unlocked, lockedImported, lockedStdin] = await Promise.all([
              cli(t, ['verify', 'vq.ppk', 'vq', '--json']),
              cli(t, ['--passphrase-file', fx('pw.txt'), 'verify', 'vq.ppk', 'vq', '--json']),
              cli(t, ['verify', F.ppkEnc, 'vi', '--json']),
              cli(t, ['verify', '-', 'vi', '--json'], { input: fs.readFileSync(F.ppkEnc, 'latin1') }),
            ]);
            expect(json(lockedStdin)).toMatchObject({ KeyName: 'vi', Match: true, FingerprintKind: 'imported' });
            expect(expectError(lockedCreated, 'Ec2Keys.PassphraseRequired')!.Message).toMatch(/^vq\.ppk is encrypted and no passphrase was given, and key pair vq carries the fingerprint of a created pair/);
            expect(json(unlocked)).toMatchObject({ KeyName: 'vq', Match: true, FingerprintKind: 'created' });
            expect(json(lockedImported)).toMatchObject({ KeyName: 'vi', Match: true, FingerprintKind: 'imported' });
          }
        }, 240_000);
      });
    }
  });


  // ================================================================================ concurrency (local registry)

  describe('parallel invocations on one local registry', () => {
    it('20 parallel `new` with different names → 20 pairs and 20 key files that match them', async () => {
      const t = target('local');
      const ns = Array.from({ length: 20 }, (_, i) => `c${String(i).padStart(2, '0')}`);
      const rs = await Promise.all(ns.map((n) => cli(t, ['new', n, '--json'])));
      const out = rs.map(json);
      expect(fs.readdirSync(t.dir).sort()).toEqual(ns.map((n) => `${n}.pem`));
      const reg = registry(t.home);
      expect(names(reg.pairs)).toEqual(ns);
      expect(new Set(reg.pairs.map((p) => p.KeyPairId)).size).toBe(20);
      for (const o of out) {
        const p = reg.pairs.find((x) => x.KeyName === o.KeyName)!;
        expect(p.KeyPairId).toBe(o.KeyPairId);
        const pem = fs.readFileSync(o.KeyFile, 'utf8');
        expect(mode(o.KeyFile)).toBe(0o600);
        expect(p.KeyFingerprint).toBe(createdRsaFp(pem));
        expect(reg.pubs[p.KeyPairId]).toBe(publicOfPrivate(pem));
      }
      expect(leftovers(t.dir)).toEqual([]);
      expect(leftovers(path.join(t.home, 'regions', 'us-east-1'))).toEqual([]);
    }, 240_000);

    for (const force of [false, true]) {
      it(`10 parallel \`new\` of one name with one --out${force ? ' --force' : ''} → exactly one wins, ${force ? 'the rest InvalidKeyPair.Duplicate' : 'the rest InvalidKeyPair.Duplicate (or Ec2Keys.FileExists when the winner\'s file is already there)'}, one key file`, async () => {
        const t = target('local');
        const rs = await Promise.all(Array.from({ length: 10 }, () => cli(t, ['new', 'same', '--out', 'same.pem', ...(force ? ['--force'] : []), '--json'])));
        const wins = rs.filter((r) => r.code === 0);
        expect(wins.length).toBe(1);
        const codes = rs.filter((r) => r.code !== 0).map((r) => {
          expect(r.code).toBe(1);
          return JSON.parse(r.stdout).Error.Code as string;
        });
        if (force) expect(codes).toEqual(Array(9).fill('InvalidKeyPair.Duplicate'));
        else for (const c of codes) expect(['InvalidKeyPair.Duplicate', 'Ec2Keys.FileExists']).toContain(c);
        expect(fs.readdirSync(t.dir)).toEqual(['same.pem']);
        const w = JSON.parse(wins[0].stdout);
        const reg = registry(t.home);
        expect(reg.pairs.map((p) => [p.KeyName, p.KeyPairId])).toEqual([['same', w.KeyPairId]]);
        // The one file is the winner's key: no loser wrote over it.
        const pem = fs.readFileSync(path.join(t.dir, 'same.pem'), 'utf8');
        expect(createdRsaFp(pem)).toBe(reg.pairs[0].KeyFingerprint);
        expect(mode(path.join(t.dir, 'same.pem'))).toBe(0o600);
      }, 240_000);
    }
  });

});

// ================================================================================ push --regions all (last: it touches every region)

// The schedule of `password --wait` (src/password/poll.ts) with its injectable clock and sleep:
// moto answers at once, so only a fake clock shows when each poll happens.
describe('password --wait: the polling schedule (pollPasswordData with an injected clock)', () => {
  /** A fake clock; each fetch takes `fetchMs`, and the data appears from `readyAt` on (never by default). */
  function fakeEc2(o: { fetchMs?: number; readyAt?: number } = {}) {
    let t = 1_000_000;
    const start = t;
    const polls: number[] = [];
    const sleeps: number[] = [];
    const waits: number[] = [];
    return {
      polls, sleeps, waits,
      run: (timeoutMs: number, intervalMs?: number) =>
        pollPasswordData(async () => {
          polls.push(t - start);
          const ready = o.readyAt !== undefined && t - start >= o.readyAt;
          t += o.fetchMs ?? 0;
          return ready ? 'BLOB==' : '';
        }, 'i-0123456789abcdef0', {
          timeoutMs, intervalMs, now: () => t,
          sleep: async (ms) => {
            sleeps.push(ms);
            t += ms;
          },
          onWait: (elapsed) => waits.push(elapsed),
        }),
    };
  }
  const gaveUp = async (p: Promise<string>) => {
    const e = await p.then(() => undefined, (x: unknown) => x);
    expect(e).toBeInstanceOf(Ec2KeysError);
    return e as Ec2KeysError;
  };

  it('--timeout shorter than the 15 s interval: a poll at once and one AT the deadline (the sleep is the time left), then PasswordNotReady', async () => {
    const f = fakeEc2();
    const e = await gaveUp(f.run(4_000));
    expect(f.polls).toEqual([0, 4_000]);
    expect(f.sleeps).toEqual([4_000]);
    expect(e.code).toBe('Ec2Keys.PasswordNotReady');
    expect(e.message).toBe('the password of i-0123456789abcdef0 is not available yet (EC2 returned no password data); gave up after 4 s (2 tries)');
    expect(e.hint).toMatch(/a larger --timeout \(it was 4 s; the default is 900\)/);
    expect(e.hint).not.toMatch(/--wait/);
    expect(e.target).toBe('i-0123456789abcdef0');
  });

  it('every 15 s, and the last sleep is min(interval, time left): --timeout 40 polls at 0, 15, 30 and 40 s', async () => {
    const f = fakeEc2();
    const e = await gaveUp(f.run(40_000));
    expect(f.polls).toEqual([0, 15_000, 30_000, 40_000]);
    expect(f.sleeps).toEqual([15_000, 15_000, 10_000]);
    expect(f.waits).toEqual([0, 15_000, 30_000]);
    expect(e.message).toMatch(/gave up after 40 s \(4 tries\)$/);
  });

  it('a timeout that is a multiple of the interval: the last poll is at the deadline, none after it (900 s: 61 polls)', async () => {
    const f = fakeEc2();
    await gaveUp(f.run(900_000));
    expect(f.polls.length).toBe(61);
    expect(f.polls.at(-1)).toBe(900_000);
    expect(f.sleeps.every((s) => s === 15_000)).toBe(true);
  });

  it('slow answers (1 s each) count against the timeout: polls start at 0 and at the deadline, the sleep is what is left', async () => {
    const f = fakeEc2({ fetchMs: 1_000 });
    const e = await gaveUp(f.run(4_000));
    expect(f.polls).toEqual([0, 4_000]);
    expect(f.sleeps).toEqual([3_000]);
    expect(e.message).toMatch(/gave up after 5 s \(2 tries\)$/);
  });

  it('the password data that appears at the deadline poll is returned', async () => {
    const f = fakeEc2({ readyAt: 4_000 });
    await expect(f.run(4_000)).resolves.toBe('BLOB==');
    expect(f.polls).toEqual([0, 4_000]);
  });

  it('one try only when the first answer comes after the deadline, and the message says "1 try"', async () => {
    const f = fakeEc2({ fetchMs: 5_000 });
    const e = await gaveUp(f.run(4_000));
    expect(f.polls).toEqual([0]);
    expect(f.sleeps).toEqual([]);
    expect(e.message).toMatch(/gave up after 5 s \(1 try\)$/);
  });
});

describe('push --regions all', () => {
  it('imports into every region DescribeRegions lists, one result line each, with one DescribeRegions call', async () => {
    const t = target('local');
    const g = ['--home', t.home, '--endpoint-url', moto().endpoint];
    ok(await cli(t, ['new', 'everywhere'], { g }));
    const line = publicOfPrivate(fs.readFileSync(path.join(t.dir, 'everywhere.pem'), 'utf8'));
    const [r, regions] = await Promise.all([
      cli(t, ['push', 'everywhere', '--regions', 'all', '--json'], { g, env: CREDS }),
      aws('us-east-1', ['ec2', 'describe-regions']),
    ]);
    const doc = json(r);
    const want = (regions.Regions as { RegionName: string }[]).map((x) => x.RegionName).sort();
    expect(want.length).toBeGreaterThan(10);
    expect(doc.Results.map((x: { Region: string }) => x.Region)).toEqual(want);
    for (const x of doc.Results) expect(x).toMatchObject({ Status: 'imported', KeyFingerprint: importedRsaFp(line) });
    const [p] = (await aws(want[want.length - 1], ['ec2', 'describe-key-pairs', '--key-names', 'everywhere', '--include-public-key'])).KeyPairs;
    expect(keyPart(p.PublicKey)).toBe(line);
    expect((await actions('us-east-1')).filter((a) => a === 'DescribeRegions')).toEqual(['DescribeRegions']);
    const imports = (await recording()).filter((c) => c.service === 'ec2' && c.action === 'ImportKeyPair' && c.params.KeyName === 'everywhere');
    expect(imports.map((c) => c.region).sort()).toEqual(want);
  }, 240_000);
});
