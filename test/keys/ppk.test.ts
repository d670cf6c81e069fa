// PuTTY PPK v2/v3 (src/keys/ppk.ts) against ../shared/reference/ppk.md §7 and the real tools:
// fixtures are made fresh per run by make-ppk-fixtures.sh (openssl, ssh-keygen, puttygen), our
// output is loaded back by puttygen, and the external corpus's PPK files are read via readKey.
import { execFileSync } from 'node:child_process';
import { createHmac, createPrivateKey } from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Codes, Ec2KeysError } from '../../src/errors.js';
import { readKey } from '../../src/keys/detect.js';
import { createdFingerprint, importedFingerprint, md5SshFingerprint, sha256Fingerprint } from '../../src/keys/fingerprint.js';
import { fromKeyObject, modInverse, sameKey, toKeyObject, type PrivateKey, type RsaPrivateKey } from '../../src/keys/model.js';
import { parsePpk, PPK_DEFAULT_ARGON2, readPpkPublic, writePpk } from '../../src/keys/ppk.js';
import { publicBlob, writeOpenSshLine } from '../../src/keys/ssh-public.js';
import { decodeText } from '../../src/keys/text.js';
import type { PassphraseSource, ReadOptions, ReadPrivateResult } from '../../src/keys/types.js';
import { SshWriter } from '../../src/keys/wire.js';
import { tmpDir, tool, toolStatus, corpusDir } from '../helpers/tools.js';

const SCRIPT = path.join(corpusDir(), '../tools/make-ppk-fixtures.sh');
const CORPUS = corpusDir();

interface FixtureEntry {
  file: string; keyId: string; keyType: 'rsa' | 'ed25519'; format: string; encrypted: boolean;
  passphrase: string; comment: string | null;
  argon2?: { flavour: string; memoryKiB: number; passes: number; parallelism: number };
  fingerprints: { awsImportedMd5: string | null; awsCreatedSha1: string | null; awsEd25519Sha256: string | null; sshSha256: string; sshMd5: string };
}
interface HostileEntry { file: string; reason: string; passphrase: string; puttygen: string }

let ROOT = '';
let FX = '';
let WORK = '';
let files: FixtureEntry[] = [];
let hostile: HostileEntry[] = [];
let EMPTY = '';

beforeAll(() => {
  ROOT = tmpDir('ec2keys-ppk-');
  FX = path.join(ROOT, 'fx');
  WORK = path.join(ROOT, 'work');
  fs.mkdirSync(WORK);
  execFileSync('bash', [SCRIPT, FX], { env: { ...process.env, BITS: '2048' }, stdio: ['ignore', 'ignore', 'pipe'] });
  const m = JSON.parse(fs.readFileSync(path.join(FX, 'manifest.json'), 'utf8'));
  files = m.files;
  hostile = m.hostile;
  EMPTY = path.join(WORK, 'empty.txt');
  fs.writeFileSync(EMPTY, '');
}, 240_000);

// the fixtures hold private keys: leave none behind
afterAll(() => {
  if (ROOT) fs.rmSync(ROOT, { recursive: true, force: true });
});

// ------------------------------------------------------------------ helpers

const pass = (pp: string | undefined): PassphraseSource => ({ get: async () => pp });
/** A source that records whether it was asked (proves refusals happen before any KDF work). */
function counting(pp: string | undefined): PassphraseSource & { asked: number } {
  const s = { asked: 0, get: async () => { s.asked++; return pp; } };
  return s;
}
const fx = (f: string) => path.join(FX, f);
const readText = (file: string) => decodeText(fs.readFileSync(file)).trim();
const ppkEntries = () => files.filter((e) => e.format.startsWith('ppk-'));
const entry = (file: string) => {
  const e = files.find((x) => x.file === file);
  if (!e) throw new Error(`fixture ${file} missing from manifest`);
  return e;
};

async function expectEc2(p: Promise<unknown> | (() => unknown), code: string, re?: RegExp): Promise<Ec2KeysError> {
  let err: unknown;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    err = e;
  }
  expect(err, `expected ${code}`).toBeInstanceOf(Ec2KeysError);
  const e = err as Ec2KeysError;
  expect(e.code, e.message).toBe(code);
  if (re) expect(e.message).toMatch(re);
  // message style: lower-case start, no trailing period
  expect(e.message).not.toMatch(/\.$/);
  return e;
}

function keyFromPem(file: string): PrivateKey {
  return fromKeyObject(createPrivateKey(fs.readFileSync(file)));
}

function ppFile(pp: string): string {
  const f = path.join(WORK, `pp-${Math.random().toString(36).slice(2)}.txt`);
  fs.writeFileSync(f, pp);
  return f;
}

/** puttygen's full load (MAC check, private key parse) of a file; exit status. */
function puttygenLoads(file: string, pp: string): boolean {
  return toolStatus('puttygen', [file, '--old-passphrase', pp ? ppFile(pp) : EMPTY, '--dump']).status === 0;
}

/** "type base64" of the public key as puttygen sees it (public half only). */
function puttygenPublic(file: string): string {
  return tool('puttygen', [file, '-L']).toString().trim().split(/\s+/).slice(0, 2).join(' ');
}

/** puttygen: PEM/OpenSSH → PPK, like a PuTTY user would make it. */
function puttygenWrite(src: string, out: string, comment: string, pp: string, version: 2 | 3 = 3): string {
  const args = [src, '-O', 'private', '-o', out, '-C', comment, '--new-passphrase', pp ? ppFile(pp) : EMPTY];
  if (version === 2) args.push('--ppk-param', 'version=2');
  tool('puttygen', args);
  return fs.readFileSync(out, 'utf8');
}

function pubLine(file: string): string {
  return fs.readFileSync(file, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
}

function checkFingerprints(key: PrivateKey, fp: FixtureEntry['fingerprints']): void {
  expect(sha256Fingerprint(key)).toBe(fp.sshSha256);
  expect(md5SshFingerprint(key)).toBe('MD5:' + fp.sshMd5);
  if (key.type === 'rsa') {
    expect(importedFingerprint(key)).toBe(fp.awsImportedMd5);
    expect(createdFingerprint(key)).toBe(fp.awsCreatedSha1);
  } else {
    expect(importedFingerprint(key)).toBe(fp.awsEd25519Sha256);
  }
}

const sshStr = (b: Buffer) => new SshWriter().string(b).toBuffer();

/** An unencrypted v3 file with a valid MAC, built here independently of ppk.ts (HMAC-SHA-256, empty key). */
function buildPlainV3(alg: string, comment: string, pub: Buffer, priv: Buffer): string {
  const mac = createHmac('sha256', Buffer.alloc(0))
    .update(Buffer.concat([sshStr(Buffer.from(alg)), sshStr(Buffer.from('none')), sshStr(Buffer.from(comment)), sshStr(pub), sshStr(priv)]))
    .digest('hex');
  const lines = (b: Buffer) => b.toString('base64').match(/.{1,64}/g)!;
  return [`PuTTY-User-Key-File-3: ${alg}`, 'Encryption: none', `Comment: ${comment}`, `Public-Lines: ${lines(pub).length}`, ...lines(pub),
    `Private-Lines: ${lines(priv).length}`, ...lines(priv), `Private-MAC: ${mac}`].join('\n') + '\n';
}

// ------------------------------------------------------------------ rows 1, 2: good files

describe('puttygen-made PPK files (rows 1, 2)', () => {
  it('loads every v2/v3 file, plain and encrypted (Argon2id/i/d), with the manifest fingerprints', async () => {
    const list = ppkEntries();
    expect(list.length).toBe(10); // rsa2048: v2, v2-enc, v3, v3-enc, argon2i, argon2d; ed25519: 4
    expect(new Set(list.filter((e) => e.argon2).map((e) => e.argon2!.flavour))).toEqual(new Set(['Argon2id', 'Argon2i', 'Argon2d']));
    for (const e of list) {
      const bytes = fs.readFileSync(fx(e.file));
      const src = counting(e.passphrase);
      const r = (await readKey(bytes, { passphrase: src })) as ReadPrivateResult;
      expect(r.kind, e.file).toBe('private');
      expect(r.format).toBe(e.format.startsWith('ppk-v2') ? 'ppk2' : 'ppk3');
      expect(r.encrypted).toBe(e.encrypted);
      expect(src.asked).toBe(e.encrypted ? 1 : 0);
      expect(r.comment).toBe(e.comment);
      checkFingerprints(r.key, e.fingerprints);
      // same through parsePpk directly, and the public half without any passphrase
      const direct = await parsePpk(decodeText(bytes).trim(), { passphrase: pass(e.passphrase) });
      expect(sameKey(direct.key, r.key)).toBe(true);
      const pub = readPpkPublic(decodeText(bytes).trim());
      expect(pub.comment).toBe(e.comment);
      expect(writeOpenSshLine(pub.key)).toBe(pubLine(fx(`${e.keyId}.pub`)));
    }
  });

  it('re-writes puttygen files byte for byte: read → write with the same version, comment and passphrase', async () => {
    for (const e of ppkEntries().filter((x) => !x.file.includes('v3-enc'))) {
      const original = fs.readFileSync(fx(e.file), 'utf8');
      const r = await parsePpk(original.trim(), { passphrase: pass(e.passphrase) });
      const again = await writePpk(r.key, { ppkVersion: r.format === 'ppk2' ? 2 : 3, comment: r.comment, passphrase: e.passphrase });
      expect(again, e.file).toBe(original);
    }
  });
});

// ------------------------------------------------------------------ row 3: passphrases

describe('wrong, empty or missing passphrase (row 3)', () => {
  it('says wrong passphrase for wrong and empty ones, passphrase required for none, and leaks no key material', async () => {
    const enc = ppkEntries().filter((e) => e.encrypted && (!e.argon2 || e.argon2.flavour === 'Argon2id'));
    expect(enc.length).toBe(4);
    for (const e of enc) {
      const text = readText(fx(e.file));
      const secretLines = text.split('\n').slice(text.split('\n').findIndex((l) => l.startsWith('Private-Lines:')) + 1, -1);
      for (const pp of ['wrong-' + e.passphrase, '', e.passphrase.toUpperCase()]) {
        const err = await expectEc2(parsePpk(text, { passphrase: pass(pp) }), Codes.BadPassphrase, /wrong passphrase/);
        const shown = JSON.stringify(err.toJSON());
        for (const l of secretLines) expect(shown).not.toContain(l.slice(0, 16));
        expect(shown).not.toContain(e.passphrase);
      }
      await expectEc2(parsePpk(text, {}), Codes.PassphraseRequired, /encrypted and no passphrase/);
      await expectEc2(parsePpk(text, { passphrase: pass(undefined) }), Codes.PassphraseRequired);
      // readKey gives an interactive source three tries, then the same error
      const src = { interactive: true, tries: 0, get: async () => { src.tries++; return 'nope'; } };
      await expectEc2(readKey(fs.readFileSync(fx(e.file)), { passphrase: src }), Codes.BadPassphrase);
      expect(src.tries).toBe(3);
    }
  });
});

// ------------------------------------------------------------------ rows 4, 5, 23: the writer

describe('writer vs puttygen (rows 4, 5, 23)', () => {
  const sources = () => [
    { id: 'rsa2048', pem: fx('rsa2048.pkcs1.pem'), pg: fx('rsa2048.pkcs1.pem') },
    { id: 'ed25519', pem: fx('ed25519.pkcs8.pem'), pg: fx('ed25519.openssh') },
  ];

  it('v2 (plain and encrypted) and unencrypted v3 are byte-identical to the fixture files puttygen wrote', async () => {
    for (const s of sources()) {
      const key = keyFromPem(s.pem);
      const comment = `fixture-${s.id}`;
      const pp = entry(`${s.id}.v2-enc.ppk`).passphrase;
      expect(await writePpk(key, { ppkVersion: 2, comment })).toBe(fs.readFileSync(fx(`${s.id}.v2.ppk`), 'utf8'));
      expect(await writePpk(key, { ppkVersion: 2, comment, passphrase: pp })).toBe(fs.readFileSync(fx(`${s.id}.v2-enc.ppk`), 'utf8'));
      expect(await writePpk(key, { comment })).toBe(fs.readFileSync(fx(`${s.id}.v3.ppk`), 'utf8'));
      expect(await writePpk(key, { comment, passphrase: '' })).toBe(fs.readFileSync(fx(`${s.id}.v3.ppk`), 'utf8'));
    }
  });

  it('comments with UTF-8, surrounding spaces or nothing at all round-trip byte for byte and match puttygen', async () => {
    const comments = ['héllo wörld ✓ ключ', '  leading and trailing  ', '', 'with: colon\tand tab'];
    for (const s of sources()) {
      const key = keyFromPem(s.pem);
      for (const comment of comments) {
        for (const [version, pp] of [[2, ''], [2, 'pässwörd ✓'], [3, '']] as const) {
          const theirs = puttygenWrite(s.pg, path.join(WORK, 'c.ppk'), comment, pp, version);
          const ours = await writePpk(key, { ppkVersion: version, comment, passphrase: pp });
          expect(ours, `${s.id} v${version} ${JSON.stringify(comment)}`).toBe(theirs);
          const back = await parsePpk(ours.trim(), { passphrase: pass(pp) });
          expect(back.comment).toBe(comment);
          expect(readPpkPublic(ours).comment).toBe(comment);
        }
      }
    }
  });

  it('our files of every kind load in puttygen (--dump) and give the source public key', async () => {
    for (const s of sources()) {
      const key = keyFromPem(s.pem);
      const want = pubLine(fx(`${s.id}.pub`));
      for (const version of [2, 3] as const) {
        for (const pp of ['', 'pp-✓-ours']) {
          const out = path.join(WORK, `ours-${s.id}-${version}-${pp ? 'enc' : 'plain'}.ppk`);
          fs.writeFileSync(out, await writePpk(key, { ppkVersion: version, comment: 'ours', passphrase: pp }));
          expect(puttygenLoads(out, pp), out).toBe(true);
          expect(puttygenPublic(out)).toBe(want);
          if (pp) expect(puttygenLoads(out, pp + 'x')).toBe(false);
          // and OpenSSH sees the same key after puttygen converts it
          const ossh = path.join(WORK, 'conv.key');
          fs.rmSync(ossh, { force: true });
          tool('puttygen', [out, '--old-passphrase', pp ? ppFile(pp) : EMPTY, '-O', 'private-openssh-new', '-o', ossh, '--new-passphrase', EMPTY]);
          expect(tool('ssh-keygen', ['-y', '-f', ossh]).toString().trim().split(/\s+/).slice(0, 2).join(' ')).toBe(want);
        }
      }
    }
  });

  it('v3 encrypted: Argon2id 8192 KiB, fixed passes, 16-byte salt; puttygen decrypts it to exactly our plain v3', async () => {
    for (const s of sources()) {
      const key = keyFromPem(s.pem);
      const pp = 'correct horse ✓';
      const text = await writePpk(key, { comment: 'enc-check', passphrase: pp });
      const lines = text.split('\n');
      expect(lines.slice(0, 2)).toEqual([`PuTTY-User-Key-File-3: ${s.id === 'rsa2048' ? 'ssh-rsa' : 'ssh-ed25519'}`, 'Encryption: aes256-cbc']);
      expect(text).toMatch(new RegExp(`\\nKey-Derivation: Argon2id\\nArgon2-Memory: 8192\\nArgon2-Passes: ${PPK_DEFAULT_ARGON2.passes}\\nArgon2-Parallelism: 1\\nArgon2-Salt: [0-9a-f]{32}\\nPrivate-Lines: `));
      expect(PPK_DEFAULT_ARGON2.passes).toBeGreaterThanOrEqual(13);
      expect(PPK_DEFAULT_ARGON2.passes).toBeLessThanOrEqual(21);
      expect(text).toMatch(/\nPrivate-MAC: [0-9a-f]{64}\n$/);
      expect(text).not.toMatch(/\r|^\ufeff/);
      for (const l of lines) expect(l.length <= 64 || /^[A-Z][A-Za-z0-9-]*: /.test(l)).toBe(true);
      const f = path.join(WORK, 'enc3.ppk');
      fs.writeFileSync(f, text);
      const plainOut = path.join(WORK, 'dec3.ppk');
      fs.rmSync(plainOut, { force: true });
      tool('puttygen', [f, '-P', '--old-passphrase', ppFile(pp), '-O', 'private', '-o', plainOut, '--new-passphrase', EMPTY]);
      expect(fs.readFileSync(plainOut, 'utf8')).toBe(await writePpk(key, { comment: 'enc-check' }));
      const back = await parsePpk(text, { passphrase: pass(pp) });
      expect(back.encrypted).toBe(true);
      expect(sameKey(back.key, key)).toBe(true);
    }
  });

  it('v3 encrypted with other Argon2 flavours and parameters loads in puttygen; the salt comes from `random`', async () => {
    const key = keyFromPem(fx('ed25519.pkcs8.pem'));
    const fixed = (n: number) => Buffer.alloc(n, 0xab);
    for (const argon2 of [
      { flavour: 'Argon2i' as const, memoryKiB: 16384, passes: 2, parallelism: 2 },
      { flavour: 'Argon2d' as const, memoryKiB: 8192, passes: 1, parallelism: 1 },
    ]) {
      const text = await writePpk(key, { comment: 'flavours', passphrase: 'pp', argon2, random: fixed });
      expect(text).toContain(`Key-Derivation: ${argon2.flavour}\nArgon2-Memory: ${argon2.memoryKiB}\nArgon2-Passes: ${argon2.passes}\nArgon2-Parallelism: ${argon2.parallelism}\nArgon2-Salt: ${'ab'.repeat(16)}\n`);
      expect(await writePpk(key, { comment: 'flavours', passphrase: 'pp', argon2, random: fixed })).toBe(text);
      const f = path.join(WORK, `flav-${argon2.flavour}.ppk`);
      fs.writeFileSync(f, text);
      expect(puttygenLoads(f, 'pp')).toBe(true);
      expect(sameKey((await parsePpk(text, { passphrase: pass('pp') })).key, key)).toBe(true);
    }
    // a fresh random salt each time by default
    const a = await writePpk(key, { passphrase: 'pp', argon2: { passes: 1 } });
    const b = await writePpk(key, { passphrase: 'pp', argon2: { passes: 1 } });
    expect(/Argon2-Salt: (\w+)/.exec(a)![1]).not.toBe(/Argon2-Salt: (\w+)/.exec(b)![1]);
  });

  it('Argon2 runs on hash-wasm\'s Argon2-only build, not its 270 KB index (what keeps loading it cheap; no timing here)', async () => {
    const key = keyFromPem(fx('ed25519.pkcs8.pem'));
    const text = await writePpk(key, { passphrase: 'pp', argon2: { memoryKiB: 64, passes: 1 } });
    expect(sameKey((await parsePpk(text, { passphrase: pass('pp') })).key, key)).toBe(true);
    // The UMD build is CommonJS, so Node records it in the require cache; the index (ESM) never is.
    const loaded = Object.keys(createRequire(import.meta.url).cache).filter((f) => f.includes(`${path.sep}hash-wasm${path.sep}`));
    expect(loaded.map((f) => path.basename(f))).toEqual(['argon2.umd.min.js']);
  });

  it('refuses bad writer input with typed errors', async () => {
    const key = keyFromPem(fx('ed25519.pkcs8.pem'));
    await expectEc2(writePpk(key, { comment: 'two\nlines' }), Codes.InvalidParameterValue, /single line/);
    await expectEc2(writePpk(key, { comment: 'cr\rhere' }), Codes.InvalidParameterValue);
    await expectEc2(writePpk(key, { ppkVersion: 4 as unknown as 3 }), Codes.InvalidParameterValue, /version 4/);
    await expectEc2(writePpk(key, { passphrase: 'x', argon2: { passes: 0 } }), Codes.InvalidParameterValue, /Argon2-Passes is 0/);
    await expectEc2(writePpk(key, { passphrase: 'x', argon2: { memoryKiB: 4_194_304 } }), Codes.InvalidParameterValue, /Argon2-Memory/);
    await expectEc2(writePpk(key, { passphrase: 'x', argon2: { parallelism: 1.5 } }), Codes.InvalidParameterValue);
    await expectEc2(writePpk(key, { passphrase: 'x', argon2: { flavour: 'scrypt' as 'Argon2id' } }), Codes.InvalidParameterValue, /scrypt/);
  });
});

// ------------------------------------------------------------------ row 6: line endings

describe('line endings (row 6)', () => {
  it('loads CRLF, CR-only and no-final-newline copies, via readKey and parsePpk', async () => {
    for (const file of ['rsa2048.v3.ppk', 'ed25519.v2-enc.ppk', 'ed25519.v3-enc.ppk']) {
      const e = entry(file);
      const lf = fs.readFileSync(fx(file), 'utf8');
      expect(lf).not.toContain('\r');
      for (const variant of [lf.replace(/\n/g, '\r\n'), lf.replace(/\n/g, '\r'), lf.replace(/\n$/, ''), lf + 'trailing junk after the MAC\n']) {
        const r = (await readKey(Buffer.from(variant), { passphrase: pass(e.passphrase) })) as ReadPrivateResult;
        checkFingerprints(r.key, e.fingerprints);
        const d = await parsePpk(variant, { passphrase: pass(e.passphrase) });
        expect(sameKey(d.key, r.key)).toBe(true);
      }
    }
  });
});

// ------------------------------------------------------------------ rows 7–22: hostile files

/** Expected outcome per hostile fixture: every manifest entry must be listed here. */
const HOSTILE: Record<string, [code: string, message: RegExp]> = {
  'ed25519-mismatched-private.ppk': [Codes.CorruptKey, /does not match its public key/], // row 17
  'rsa-mismatched-private.ppk': [Codes.CorruptKey, /inconsistent: d does not match/], // row 19
  'rsa-private-truncated-blob.ppk': [Codes.CorruptKey, /incomplete.*iqmp/], // row 19
  'header-alg-mismatch.ppk': [Codes.InvalidKeyFormat, /ssh-ed25519 in its header but its public key is ssh-rsa/], // row 16
  'unknown-key-type.ppk': [Codes.InvalidKeyFormat, /unknown key type "ssh-foo"/], // row 15
  'ecdsa-p256.v3.ppk': [Codes.InvalidKeyFormat, /ECDSA key.*RSA and ED25519 keys only/], // row 15
  'ed25519-private-wrong-length.ppk': [Codes.InvalidKeyFormat, /Ed25519 private key is 33 bytes; it must be 32/], // row 18
  'wrong-mac-v3.ppk': [Codes.CorruptKey, /Private-MAC does not match/], // row 7
  'wrong-mac-v2.ppk': [Codes.CorruptKey, /Private-MAC does not match/], // row 7
  'comment-edited.ppk': [Codes.CorruptKey, /Private-MAC does not match/], // row 8
  'truncated.ppk': [Codes.InvalidKeyFormat, /truncated/], // row 9
  'missing-mac-line.ppk': [Codes.InvalidKeyFormat, /truncated: expected "Private-MAC/], // row 9
  'private-lines-too-many.ppk': [Codes.InvalidKeyFormat, /Private-Lines says \d+ lines but only \d+/], // row 9
  'public-lines-huge.ppk': [Codes.InvalidKeyFormat, /Public-Lines is 99999999; a PuTTY key has at most 5461 lines/], // row 10
  'version-1.ppk': [Codes.InvalidKeyFormat, /PPK v1 .*not supported/], // row 21
  'version-4.ppk': [Codes.InvalidKeyFormat, /PPK format too new/], // row 21
  'utf8-bom.ppk': [Codes.InvalidKeyFormat, /byte-order mark/], // row 21 (parsePpk; readKey strips the BOM, see below)
  'unknown-encryption.ppk': [Codes.InvalidKeyFormat, /encryption "aes128-cbc"; PPK files use "none" or "aes256-cbc"/], // row 22
  'ssh1-rsa.key': [Codes.InvalidKeyFormat, /SSH-1/], // row 21
  'argon2-memory-4GiB.ppk': [Codes.KdfLimit, /Argon2-Memory 4194304 KiB; the limit is 1048576 KiB/], // row 11
  'argon2-memory-u32max.ppk': [Codes.KdfLimit, /Argon2-Memory 4294967295 KiB; the limit is 1048576/], // row 11
  'argon2-memory-overflow.ppk': [Codes.InvalidKeyFormat, /Argon2-Memory is 4294967296, which does not fit in 32 bits/], // row 13
  'argon2-memory-below-8p.ppk': [Codes.InvalidKeyFormat, /Argon2-Memory is 1 KiB.*at least 8/], // row 12
  'argon2-memory-not-decimal.ppk': [Codes.InvalidKeyFormat, /Argon2-Memory must be a decimal number, saw "0x2000"/], // row 13
  'argon2-passes-huge.ppk': [Codes.KdfLimit, /Argon2-Passes 4294967295; the limit is 1000/], // row 11
  'argon2-passes-zero.ppk': [Codes.InvalidKeyFormat, /Argon2-Passes is 0/], // row 12
  'argon2-parallelism-zero.ppk': [Codes.InvalidKeyFormat, /Argon2-Parallelism is 0/], // row 12
  'argon2-parallelism-huge.ppk': [Codes.InvalidKeyFormat, /Argon2-Parallelism is 16777216; Argon2 \(RFC 9106\) allows 1 to 16777215/], // row 12
  'argon2-salt-odd-hex.ppk': [Codes.InvalidKeyFormat, /Argon2-Salt: it must be an even number of hex digits/], // row 13
  'argon2-salt-empty.ppk': [Codes.InvalidKeyFormat, /Argon2-Salt is 0 bytes; accepted are 8 to 64/], // row 13
  'argon2-unknown-kdf.ppk': [Codes.InvalidKeyFormat, /key derivation "scrypt"/], // row 13
  'encrypted-blob-not-block-multiple.ppk': [Codes.InvalidKeyFormat, /not a multiple of the 16-byte AES block/], // row 14
};

describe('hostile files (rows 7–22)', () => {
  it('refuses every hostile fixture with the expected typed error, before asking for a passphrase (so before any KDF)', async () => {
    expect(hostile.length).toBeGreaterThanOrEqual(32);
    for (const h of hostile) {
      const name = path.basename(h.file);
      expect(HOSTILE[name], `no expectation for ${name}`).toBeDefined();
      const [code, re] = HOSTILE[name];
      const bytes = fs.readFileSync(fx(h.file));
      // parsePpk on the raw text (nothing stripped), with the manifest's (right) passphrase
      const src = counting(h.passphrase);
      const raw = bytes.toString('utf8');
      if (name === 'ssh1-rsa.key') {
        await expectEc2(parsePpk(raw, { passphrase: src }), Codes.InvalidKeyFormat, /not a PuTTY key file/);
      } else {
        await expectEc2(parsePpk(raw, { passphrase: src }), code, re);
      }
      expect(src.asked, name).toBe(0);
      // the public-half reader applies the same structure checks; it runs no KDF, so the work caps
      // do not concern it, and what is wrong after the MAC it cannot see
      if (code === Codes.KdfLimit || name !== 'ed25519-private-wrong-length.ppk' && code !== Codes.InvalidKeyFormat) {
        expect(writeOpenSshLine(readPpkPublic(raw).key), name).toMatch(/^ssh-(rsa|ed25519) AAAA/);
      } else if (name !== 'ed25519-private-wrong-length.ppk') {
        await expectEc2(() => readPpkPublic(raw), Codes.InvalidKeyFormat);
      }
      // and the whole pipeline (detect.ts) refuses it too, except the BOM file (decodeText strips it)
      if (name === 'utf8-bom.ppk') continue;
      const src2 = counting(h.passphrase);
      await expectEc2(readKey(bytes, { passphrase: src2 }), code, re);
      expect(src2.asked, name).toBe(0);
    }
  });

  it('UTF-8 BOM: parsePpk refuses it (PuTTY does), readKey strips it as it does for every text format', async () => {
    const bom = fs.readFileSync(fx('hostile/utf8-bom.ppk'));
    expect([...bom.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const r = (await readKey(bom)) as ReadPrivateResult;
    checkFingerprints(r.key, entry('ed25519.v3.ppk').fingerprints);
  });

  it('the Argon2 work caps name the parameter and limit; --allow-expensive-kdf lifts them but never the structural checks', async () => {
    const e = entry('rsa2048.v3-enc.ppk');
    const text = fs.readFileSync(fx(e.file), 'utf8');
    const edit = (field: string, v: string) => text.replace(new RegExp(`^${field}: .*$`, 'm'), `${field}: ${v}`);
    const cases: [string, RegExp][] = [
      [edit('Argon2-Parallelism', '17'), /Argon2-Parallelism 17; the limit is 16/],
      [edit('Argon2-Passes', '1001'), /Argon2-Passes 1001; the limit is 1000/],
      [edit('Argon2-Memory', '1048577'), /Argon2-Memory 1048577 KiB; the limit is 1048576 KiB/],
      [edit('Argon2-Memory', '1048576').replace(/^Argon2-Passes: .*$/m, 'Argon2-Passes: 17'), /Argon2-Memory × Argon2-Passes = 1048576 × 17; the limit is 16777216/],
    ];
    for (const [t, re] of cases) {
      const src = counting(e.passphrase);
      const err = await expectEc2(parsePpk(t, { passphrase: src }), Codes.KdfLimit, re);
      expect(err.hint).toMatch(/--allow-expensive-kdf/);
      expect(src.asked).toBe(0);
    }
    // structural problems stay refused with the opt-in
    for (const f of ['argon2-passes-zero.ppk', 'argon2-memory-below-8p.ppk', 'argon2-parallelism-huge.ppk', 'argon2-salt-empty.ppk']) {
      await expectEc2(parsePpk(fs.readFileSync(fx(`hostile/${f}`), 'utf8'), { passphrase: pass(e.passphrase), allowExpensiveKdf: true }), Codes.InvalidKeyFormat);
    }
    // a real file over the parallelism cap (puttygen writes it on request): refused, then loaded with the opt-in
    const p17 = path.join(WORK, 'p17.ppk');
    tool('puttygen', [fx('ed25519.openssh'), '-O', 'private', '-o', p17, '--new-passphrase', ppFile('pp'), '--ppk-param', 'parallelism=17,passes=1,memory=8192']);
    const t17 = fs.readFileSync(p17, 'utf8');
    expect(t17).toContain('Argon2-Parallelism: 17\n');
    await expectEc2(parsePpk(t17, { passphrase: pass('pp') }), Codes.KdfLimit, /Argon2-Parallelism 17/);
    const ok = await parsePpk(t17, { passphrase: pass('pp'), allowExpensiveKdf: true });
    checkFingerprints(ok.key, entry('ed25519.v3.ppk').fingerprints);
  });

  it('other malformed headers are format errors', async () => {
    const t = fs.readFileSync(fx('ed25519.v3.ppk'), 'utf8');
    const te = fs.readFileSync(fx('ed25519.v3-enc.ppk'), 'utf8');
    const bad: [string, RegExp][] = [
      [t.replace('Encryption: none', 'Encryption:none'), /"Encryption:" must be followed by exactly one space/],
      [t.replace('Encryption: none', 'Encryption: none '), /encryption "none "/],
      [t.replace('Encryption: none', 'Encryption:  none'), /encryption " none"/],
      [t.replace(/^Public-Lines: \d+/m, 'Public-Lines: +2'), /Public-Lines must be a decimal number/],
      [t.replace(/^Public-Lines: \d+/m, 'Public-Lines:  2'), /Public-Lines must be a decimal number/],
      [te.replace(/^Argon2-Memory: .*$/m, 'Argon2-Memory: +8192'), /Argon2-Memory must be a decimal number/],
      [te.replace(/^Argon2-Memory: .*$/m, 'Argon2-Memory:  8192'), /Argon2-Memory must be a decimal number/],
      [te.replace(/^Argon2-Salt: .*$/m, 'Argon2-Salt: ' + 'ab'.repeat(65)), /Argon2-Salt is 65 bytes/],
      [te.replace(/^Argon2-Salt: .*$/m, 'Argon2-Salt: ' + 'ab'.repeat(7)), /Argon2-Salt is 7 bytes/],
      [te.replace(/^Key-Derivation: .*\n/m, ''), /expected a "Key-Derivation: " line/],
      [t.replace(/^Private-MAC: (\w+)/m, (_m, h: string) => `Private-MAC: ${h.slice(0, 40)}`), /needs 64 hex digits/],
      [t.replace(/^Private-MAC: (\w+)/m, (_m, h: string) => `Private-MAC: ${h.slice(0, 63)}g`), /malformed Private-MAC/],
      [t.replace('PuTTY-User-Key-File-3', 'PuTTY-User-Key-File-x'), /invalid PPK version/],
      [t.replace('PuTTY-User-Key-File-3: ', 'PuTTY-User-Key-File-3:'), /malformed first line/],
      [t.replace(/^(Public-Lines: \d+\n)(\S+)/m, (_m, a: string, l: string) => `${a}${l}${l.slice(0, 4)}`), /not valid base64/],
      [t.replace(/^(Public-Lines: \d+\n)(\S+)/m, (_m, a: string, l: string) => `${a}${l.slice(0, 60)} ${l.slice(61)}`), /not valid base64/],
      [t.replace(/^(Public-Lines: \d+\n)(\S{4})/m, '$1A==='), /not valid base64|padding/],
      ['x'.repeat(353_622), /at most 353621 bytes/],
    ];
    for (const [text, re] of bad) await expectEc2(parsePpk(text, {}), Codes.InvalidKeyFormat, re);
    // an uppercase MAC is decoded (PuTTY would refuse it; the bytes are what matter)
    const upper = t.replace(/^Private-MAC: (\w+)/m, (_m, h: string) => `Private-MAC: ${h.toUpperCase()}`);
    expect((await parsePpk(upper, {})).comment).toBe('fixture-ed25519');
  });

  it('an encrypted v3 file given an empty passphrase is a wrong passphrase (PuTTY never encrypts with an empty one)', async () => {
    const e = entry('ed25519.v3-enc.ppk');
    await expectEc2(parsePpk(readText(fx(e.file)), { passphrase: pass('') }), Codes.BadPassphrase);
  });

  it('only Ec2KeysError ever escapes: every line deleted, doubled, cut or altered, and cuts at many offsets', async () => {
    let loaded = 0;
    let refused = 0;
    for (const file of ['ed25519.v3.ppk', 'rsa2048.v2.ppk', 'ed25519.v2-enc.ppk', 'rsa2048.v3.ppk']) {
      const e = entry(file);
      const text = fs.readFileSync(fx(file), 'utf8');
      const lines = text.split('\n');
      const variants: string[] = [];
      lines.forEach((l, i) => {
        const w = (x: string[]) => variants.push(x.join('\n'));
        w([...lines.slice(0, i), ...lines.slice(i + 1)]);
        w([...lines.slice(0, i), l, l, ...lines.slice(i + 1)]);
        w([...lines.slice(0, i), l.slice(0, l.length >> 1), ...lines.slice(i + 1)]);
        w([...lines.slice(0, i), l + ' ', ...lines.slice(i + 1)]);
        w([...lines.slice(0, i), l.replace(/[A-Za-z0-9]/, (c) => (c === 'A' ? 'B' : 'A')), ...lines.slice(i + 1)]);
      });
      for (let off = 0; off < text.length; off += 17) variants.push(text.slice(0, off));
      for (const v of variants) {
        try {
          const r = await parsePpk(v, { passphrase: pass(e.passphrase) });
          checkFingerprints(r.key, e.fingerprints); // whatever loads must still be the same key
          loaded++;
        } catch (err) {
          if (!(err instanceof Ec2KeysError)) throw new Error(`${file}: non-typed error ${String(err)} for variant:\n${v}`);
          refused++;
        }
      }
    }
    expect(refused).toBeGreaterThan(200);
    expect(loaded).toBeGreaterThan(0); // e.g. the empty line after the MAC deleted or doubled
  });
});

// ------------------------------------------------------------------ rows 19, 20, 24: RSA details

describe('RSA private part (rows 20, 24)', () => {
  function rsaParts(key: RsaPrivateKey) {
    return { pub: publicBlob({ type: 'rsa', n: key.n, e: key.e }), ...key };
  }

  it('p < q or a bogus iqmp (valid MAC) loads with p > q and a recomputed iqmp; the PKCS#1 export passes openssl rsa -check', async () => {
    const key = keyFromPem(fx('rsa2048.pkcs1.pem')) as RsaPrivateKey;
    const { pub, d, p, q } = rsaParts(key);
    expect(p > q).toBe(true);
    const blobs = {
      swapped: new SshWriter().mpint(d).mpint(q).mpint(p).mpint(modInverse(p, q)).toBuffer(),
      bogusIqmp: new SshWriter().mpint(d).mpint(p).mpint(q).mpint(12345n).toBuffer(),
      bothAndPadding: Buffer.concat([new SshWriter().mpint(d).mpint(q).mpint(p).mpint(1n).toBuffer(), Buffer.from('padding')]),
    };
    for (const [name, priv] of Object.entries(blobs)) {
      const text = buildPlainV3('ssh-rsa', name, pub, priv);
      const r = await parsePpk(text, {});
      const k = r.key as RsaPrivateKey;
      expect(k.p > k.q, name).toBe(true);
      expect(k.p).toBe(p);
      expect(k.qi).toBe(modInverse(q, p));
      expect(k.dp).toBe(d % (p - 1n));
      const pem = path.join(WORK, `row20-${name}.pem`);
      fs.writeFileSync(pem, toKeyObject(k).export({ type: 'pkcs1', format: 'pem' }));
      expect(tool('openssl', ['rsa', '-check', '-noout', '-in', pem]).toString()).toMatch(/RSA key ok/);
      expect(createdFingerprint(k)).toBe(entry('rsa2048.v3.ppk').fingerprints.awsCreatedSha1);
      // written back out, iqmp is the right one: byte-identical to puttygen's own file
      expect(await writePpk(k, { comment: 'fixture-rsa2048' })).toBe(fs.readFileSync(fx('rsa2048.v3.ppk'), 'utf8'));
    }
    // but a broken p (n ≠ p·q) is refused
    const broken = new SshWriter().mpint(d).mpint(p + 2n).mpint(q).mpint(1n).toBuffer();
    await expectEc2(parsePpk(buildPlainV3('ssh-rsa', 'x', pub, broken), {}), Codes.CorruptKey, /n is not p·q/);
    // and independent MAC construction agrees with ours: the same blob as puttygen's file gives its bytes
    const same = buildPlainV3('ssh-rsa', 'fixture-rsa2048', pub, new SshWriter().mpint(d).mpint(p).mpint(q).mpint(modInverse(q, p)).toBuffer());
    expect(same).toBe(fs.readFileSync(fx('rsa2048.v3.ppk'), 'utf8'));
  });

  it('PPK → PKCS#1 → PPK v2 is identical to the original; our PKCS#1 equals puttygen\'s export', async () => {
    const orig = fs.readFileSync(fx('rsa2048.v2.ppk'), 'utf8');
    const r = await parsePpk(orig.trim(), {});
    const pkcs1 = toKeyObject(r.key).export({ type: 'pkcs1', format: 'pem' }) as string;
    const pem = path.join(WORK, 'row24.pem');
    fs.writeFileSync(pem, pkcs1);
    expect(tool('openssl', ['rsa', '-check', '-noout', '-in', pem]).toString()).toMatch(/RSA key ok/);
    const theirs = path.join(WORK, 'row24-puttygen.pem');
    fs.rmSync(theirs, { force: true });
    tool('puttygen', [fx('rsa2048.v2.ppk'), '-O', 'private-openssh', '-o', theirs, '--new-passphrase', EMPTY]);
    const body = (s: string) => s.replace(/-----[^-]+-----|\s/g, '');
    expect(body(pkcs1)).toBe(body(fs.readFileSync(theirs, 'utf8')));
    const again = await writePpk(keyFromPem(pem), { ppkVersion: 2, comment: r.comment });
    expect(again).toBe(orig);
  });

  it('Ed25519 private key is the 32-byte seed: our PPK and the PKCS#8 fixture hold the same one', async () => {
    const r = await parsePpk(readText(fx('ed25519.v2.ppk')), {});
    const k = keyFromPem(fx('ed25519.pkcs8.pem'));
    expect(r.key.type).toBe('ed25519');
    if (r.key.type === 'ed25519' && k.type === 'ed25519') expect(r.key.seed.equals(k.seed)).toBe(true);
    const pub = (r.key as { pub: Buffer }).pub;
    // a valid-MAC file whose private string is 31 bytes is refused as a format error
    const text = buildPlainV3('ssh-ed25519', 'short', publicBlob({ type: 'ed25519', pub }), sshStr(Buffer.alloc(31, 1)));
    await expectEc2(parsePpk(text, {}), Codes.InvalidKeyFormat, /31 bytes; it must be 32/);
  });
});

// ------------------------------------------------------------------ external corpus

describe('external corpus (manifest formats ppk*)', () => {
  interface CorpusEntry {
    file: string; format: string; passphrase: string | null; expect: 'ok' | 'reject'; optional?: boolean;
    importedFingerprint?: string; createdFingerprint?: string; sha256?: string; publicOpenSSH?: string; keyType: string;
  }
  const corpus = (): CorpusEntry[] =>
    (JSON.parse(fs.readFileSync(path.join(CORPUS, 'manifest.json'), 'utf8')).files as CorpusEntry[]).filter((e) => e.format.startsWith('ppk'));

  it('reads every ok file with the right fingerprints and refuses every reject file with a typed error', async () => {
    const list = corpus();
    expect(list.length).toBeGreaterThanOrEqual(20);
    let ok = 0;
    let rejected = 0;
    for (const e of list) {
      const opts: ReadOptions = { passphrase: pass(e.passphrase ?? undefined), what: e.file };
      let r: ReadPrivateResult | undefined;
      let err: unknown;
      try {
        r = (await readKey(fs.readFileSync(path.join(CORPUS, e.file)), opts)) as ReadPrivateResult;
      } catch (x) {
        err = x;
      }
      if (err !== undefined) {
        expect(err, `${e.file}: ${String(err)}`).toBeInstanceOf(Ec2KeysError);
        expect(e.expect === 'reject' || e.optional, `${e.file} refused: ${(err as Error).message}`).toBe(true);
        rejected++;
        continue;
      }
      expect(e.expect, `${e.file} should have been refused`).toBe('ok');
      expect(r!.format).toBe(e.format.startsWith('ppk2') ? 'ppk2' : 'ppk3');
      expect(r!.encrypted).toBe(e.format.endsWith('-encrypted'));
      expect(importedFingerprint(r!.key), e.file).toBe(e.importedFingerprint);
      expect(sha256Fingerprint(r!.key)).toBe(e.sha256);
      if (e.createdFingerprint) expect(createdFingerprint(r!.key)).toBe(e.createdFingerprint);
      expect(writeOpenSshLine(r!.key)).toBe(e.publicOpenSSH);
      ok++;
    }
    expect(ok).toBeGreaterThanOrEqual(15);
    expect(rejected).toBeGreaterThanOrEqual(7);
  });

  it('DSA/ECDSA/Ed448 corpus files name the key type', async () => {
    for (const e of corpus().filter((x) => ['dss', 'dsa', 'ecdsa', 'ed448'].includes(x.keyType))) {
      const name = { dss: 'DSA', dsa: 'DSA', ecdsa: 'ECDSA', ed448: 'Ed448' }[e.keyType as 'dss'];
      await expectEc2(readKey(fs.readFileSync(path.join(CORPUS, e.file)), { passphrase: pass(e.passphrase ?? undefined) }),
        Codes.InvalidKeyFormat, new RegExp(`found an? ${name} key`));
    }
  });
});
