// The local registry: the shared contract (held to real EC2), plus what only a local store has:
// its file (public keys and metadata only), corruption handling, the 5,000-pair quota, regions,
// and the lock's recovery from dead holders.
import { spawn, type ChildProcess } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseOpenSshLine } from '../../src/keys/ssh-public.js';
import { openStore } from '../../src/store/index.js';
import { LocalStore } from '../../src/store/local.js';
import { resolveRegion } from '../../src/store/region.js';
import type { ImportKeyPairInput } from '../../src/store/types.js';
import { tmpDir, tool } from '../helpers/tools.js';
import { expectCode, storeContract } from './contract.js';
import { sshKeygen } from './oracles.js';

const homes: string[] = [];
const newHome = () => {
  const h = tmpDir('ec2keys-store-');
  homes.push(h);
  return h;
};
afterAll(() => {
  for (const h of homes) fs.rmSync(h, { recursive: true, force: true });
});

storeContract({ kind: 'local', fresh: async () => new LocalStore({ home: newHome(), region: 'us-east-1' }) });

const DRIVER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'driver.mjs');
const edKey = () => parseOpenSshLine(sshKeygen('ed25519').pub).key;

/** header\nmeta\npubs\n → [meta, pubs, rest] using the header's byte counts. */
function splitSections(text: string): [string, string, string] {
  const buf = Buffer.from(text);
  const nl = buf.indexOf(10);
  const [, , , m, p] = buf.toString('latin1', 0, nl).split(' ');
  const meta = buf.subarray(nl + 1, nl + 1 + Number(m));
  const pubs = buf.subarray(nl + 2 + Number(m), nl + 2 + Number(m) + Number(p));
  return [meta.toString(), pubs.toString(), buf.subarray(nl + 3 + Number(m) + Number(p)).toString()];
}

describe('local registry: the file', () => {
  it('keeps public keys and metadata only: never the private key', async () => {
    const home = newHome();
    const s = new LocalStore({ home, region: 'eu-west-1' });
    const rsa = await s.createKeyPair({ KeyName: 'r' });
    const ed = await s.createKeyPair({ KeyName: 'e', KeyType: 'ed25519' });
    const file = path.join(home, 'regions', 'eu-west-1', 'keypairs.json');
    expect(s.file).toBe(file);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toMatch(/PRIVATE/);
    // The secret numbers (RSA d, p, q; the Ed25519 seed), in every encoding a file might use, are nowhere.
    const secrets = (material: string) => {
      if (material.includes('OPENSSH')) {
        // The Ed25519 seed, read by pyca/cryptography (node:crypto cannot read OpenSSH keys).
        const py = 'import sys\nfrom cryptography.hazmat.primitives import serialization as s\n' +
          'k = s.load_ssh_private_key(sys.stdin.buffer.read(), None)\n' +
          'sys.stdout.write(k.private_bytes(s.Encoding.Raw, s.PrivateFormat.Raw, s.NoEncryption()).hex())';
        return [Buffer.from(tool('python3', ['-c', py], { input: material }).toString(), 'hex')];
      }
      const j = createPrivateKey(material).export({ format: 'jwk' }) as Record<string, string>;
      return ['d', 'p', 'q'].map((k) => Buffer.from(j[k], 'base64url'));
    };
    for (const sec of [...secrets(rsa.KeyMaterial), ...secrets(ed.KeyMaterial)]) {
      for (const enc of [sec.toString('base64'), sec.toString('base64url'), sec.toString('hex')]) expect(text.includes(enc.slice(0, 24))).toBe(false);
    }
    // Three lines: header with the byte counts, the metadata, the public keys.
    const [meta, pubs, rest] = splitSections(text);
    const header = text.slice(0, text.indexOf('\n'));
    expect(rest).toBe('');
    expect(header).toBe(`ec2keys-registry 1 eu-west-1 ${Buffer.byteLength(meta)} ${Buffer.byteLength(pubs)}`);
    const doc = JSON.parse(meta);
    expect(doc.KeyPairs.map((p: { Origin: string }) => p.Origin)).toEqual(['created', 'created']);
    expect(Object.keys(doc.KeyPairs[0]).sort()).toEqual(['CreateTime', 'KeyFingerprint', 'KeyName', 'KeyPairId', 'KeyType', 'Origin', 'Tags']);
    const described = await s.describeKeyPairs({ IncludePublicKey: true });
    expect(JSON.parse(pubs)).toEqual(Object.fromEntries(described.map((k) => [k.KeyPairId, k.PublicKey!.replace(/ [re]$/, '')])));
    expect(fs.readdirSync(path.dirname(file)).sort()).toEqual(['keypairs.json']); // no lock, temp or candidate files left
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('regions are separate registries, and a region name cannot escape the folder', async () => {
    const home = newHome();
    const us = new LocalStore({ home, region: 'us-east-1' });
    const eu = new LocalStore({ home, region: 'eu-central-1' });
    await us.importKeyPair({ KeyName: 'same', PublicKey: edKey() });
    await eu.importKeyPair({ KeyName: 'same', PublicKey: edKey() });
    expect((await us.describeKeyPairs()).length).toBe(1);
    expect((await eu.describeKeyPairs()).length).toBe(1);
    for (const bad of ['../etc', 'us-east-1/../x', 'US-EAST-1', '', 'a']) {
      expect(() => new LocalStore({ home, region: bad })).toThrow(/is not an AWS region name/);
    }
  });

  it('key pair ids look like EC2\'s: key-0 and 16 more hex digits (every real 17-digit AWS id starts with 0)', async () => {
    const s = new LocalStore({ home: newHome(), region: 'us-east-1' });
    const out = await s.importKeyPairs(Array.from({ length: 200 }, (_, i) => ({ KeyName: `k${i}`, PublicKey: edKey() })));
    for (const r of out) expect((r as { KeyPairId: string }).KeyPairId).toMatch(/^key-0[0-9a-f]{16}$/);
    expect(new Set(out.map((r) => (r as { KeyPairId: string }).KeyPairId)).size).toBe(200);
  });

  it('describe with the same name twice returns it once', async () => {
    const s = new LocalStore({ home: newHome(), region: 'us-east-1' });
    await s.importKeyPair({ KeyName: 'here', PublicKey: edKey() });
    expect((await s.describeKeyPairs({ KeyNames: ['here', 'here'] })).map((k) => k.KeyName)).toEqual(['here']);
  });

  it('a corrupt or unreadable file is Ec2Keys.StoreCorrupt naming it, for reads and writes, and is never overwritten', async () => {
    const home = newHome();
    const s = new LocalStore({ home, region: 'us-east-1' });
    await s.importKeyPair({ KeyName: 'a', PublicKey: edKey() });
    const good = fs.readFileSync(s.file, 'utf8');
    const [meta, pubs] = splitSections(good);
    const head = (m: string, p: string, v = 1, r = 'us-east-1') => `ec2keys-registry ${v} ${r} ${Buffer.byteLength(m)} ${Buffer.byteLength(p)}\n${m}\n${p}\n`;
    const badMeta = meta.replace(/"KeyType":"ed25519"/, '"KeyType":"dsa"');
    const cases: [string, RegExp][] = [
      [good.slice(0, good.length - 40), /is incomplete or damaged \(\d+ bytes; its header announces \d+\)/], // a torn write
      [good + 'x', /is incomplete or damaged/],
      ['', /is empty/],
      ['{"Format":"something-else","KeyPairs":[]}', /is not an ec2keys registry file/],
      [good.replace('ec2keys-registry 1 ', 'ec2keys-registry 2 '), /has format version 2; this ec2keys reads version 1/],
      [good.replace(/ \d+ \d+\n/, ' 12 x\n'), /has a damaged header line/],
      [head(meta, pubs, 1, 'eu-west-1'), /belongs to region eu-west-1, not us-east-1/],
      [head(badMeta, pubs), /has a damaged entry \(key pair number 1\)/],
      [head('{"KeyPairs":{}}', pubs), /has no key pair list/],
      [head(meta.slice(0, -3) + 'xx]}', pubs), /has a damaged key pair list/],
      [head(meta, '{}'), /has no public key for key-/],
    ];
    for (const [content, why] of cases) {
      fs.writeFileSync(s.file, content);
      for (const op of [() => s.describeKeyPairs({ IncludePublicKey: true }), () => s.importKeyPair({ KeyName: 'b', PublicKey: edKey() }), () => s.deleteKeyPair({ KeyName: 'a' })]) {
        const e = await expectCode(op(), 'Ec2Keys.StoreCorrupt', why);
        expect(e.message).toContain(s.file);
        expect(e.target).toBe(s.file);
        expect(e.hint).toMatch(/will not overwrite it/);
      }
      expect(fs.readFileSync(s.file, 'utf8')).toBe(content);
    }
    // Unreadable: a folder where the file should be (works as root too, unlike chmod).
    fs.rmSync(s.file);
    fs.mkdirSync(s.file);
    await expectCode(s.describeKeyPairs(), 'Ec2Keys.StoreCorrupt', /cannot be read \(EISDIR/);
  });

  it('a registry folder that is a file, or that cannot be created, is Ec2Keys.FileError about the folder (not "corrupt, move it aside")', async () => {
    const file = path.join(newHome(), 'not-a-folder');
    fs.writeFileSync(file, 'my notes');
    const s = new LocalStore({ home: file, region: 'us-east-1' });
    for (const op of [() => s.describeKeyPairs(), () => s.importKeyPair({ KeyName: 'b', PublicKey: edKey() })]) {
      const e = await expectCode(op(), 'Ec2Keys.FileError', /not a folder/);
      expect(e.message).toContain(file);
      expect(e.hint).toMatch(/--home|EC2KEYS_HOME/);
      expect(e.hint).not.toMatch(/move it aside/);
    }
    expect(fs.readFileSync(file, 'utf8')).toBe('my notes');
  });

  it.runIf(process.platform === 'linux')('a registry folder under /proc (mkdir says ENOENT although the parent exists) fails at once instead of spinning for ever', async () => {
    const s = new LocalStore({ home: '/proc/ec2keys-no-such-dir/h', region: 'us-east-1', lockTimeoutMs: 2000 });
    const started = Date.now();
    await expectCode(s.importKeyPair({ KeyName: 'b', PublicKey: edKey() }), 'Ec2Keys.FileError', /cannot create the registry folder/);
    expect(Date.now() - started).toBeLessThan(5000);
  }, 15_000);

  it('quota: 5,000 key pairs per region, then KeyPairLimitExceeded (one batch write, then one more)', async () => {
    const s = new LocalStore({ home: newHome(), region: 'us-east-1' });
    const k = edKey();
    const batch: ImportKeyPairInput[] = Array.from({ length: 5001 }, (_, i) => ({ KeyName: `k${i}`, PublicKey: k }));
    const res = await s.importKeyPairs(batch);
    expect(res.filter((r) => !('Error' in r)).length).toBe(5000);
    const last = res[5000];
    expect('Error' in last && last.Error.Code).toBe('KeyPairLimitExceeded');
    expect(JSON.parse(splitSections(fs.readFileSync(s.file, 'utf8'))[0]).KeyPairs.length).toBe(5000);
    const quotaErr = await expectCode(s.createKeyPair({ KeyName: 'more', KeyType: 'ed25519' }), 'KeyPairLimitExceeded', "You've reached the limit on the number of key pairs that you can have in this AWS Region.");
    expect(quotaErr.hint).toMatch(/at most 5000 key pairs/);
    // A duplicate name is reported as a duplicate even at the limit (the name is checked first).
    await expectCode(s.importKeyPair({ KeyName: 'k1', PublicKey: k }), 'InvalidKeyPair.Duplicate');
    // Deleting one frees one place.
    await s.deleteKeyPair({ KeyName: 'k0' });
    await s.importKeyPair({ KeyName: 'more', PublicKey: k });
    const all = await s.describeKeyPairs();
    expect(all.length).toBe(5000);
    expect(new Set(all.map((x) => x.KeyPairId)).size).toBe(5000);
  });

  it('many operations of one process at once are queued, not lost', async () => {
    const s = new LocalStore({ home: newHome(), region: 'us-east-1' });
    const k = edKey();
    await Promise.all(Array.from({ length: 30 }, (_, i) => s.importKeyPair({ KeyName: `p${i}`, PublicKey: k })));
    const other = new LocalStore({ home: s.home, region: 'us-east-1' });
    await Promise.all([other.deleteKeyPair({ KeyName: 'p0' }), s.deleteKeyPair({ KeyName: 'p1' }), other.importKeyPair({ KeyName: 'q', PublicKey: k })]);
    const names = (await s.describeKeyPairs()).map((x) => x.KeyName);
    expect(names.length).toBe(29);
    expect(names).toContain('q');
    expect(names).not.toContain('p0');
  });
});

describe('local registry: the lock', () => {
  const spawnDriver = (args: string[]): { child: ChildProcess; line: Promise<string> } => {
    const child = spawn(process.execPath, [DRIVER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const line = new Promise<string>((resolve, reject) => {
      let buf = '';
      child.stdout!.on('data', (d) => {
        buf += d;
        const i = buf.indexOf('\n');
        if (i >= 0) resolve(buf.slice(0, i));
      });
      child.on('exit', (code) => reject(new Error(`driver exited (${code}) before a line`)));
    });
    return { child, line };
  };
  const killed = (c: ChildProcess) => new Promise<void>((r) => { c.on('exit', () => r()); c.kill('SIGKILL'); });

  it('a live holder makes others wait and then fail with Ec2Keys.StoreLocked; killed with -9, its lock is taken over at once', async () => {
    const home = newHome();
    const { child, line } = spawnDriver(['hold', home, 'us-east-1']);
    try {
      expect(await line).toBe('LOCKED');
      const s = new LocalStore({ home, region: 'us-east-1', lockTimeoutMs: 0 });
      const e = await expectCode(s.importKeyPair({ KeyName: 'x', PublicKey: edKey() }), 'Ec2Keys.StoreLocked', new RegExp(`locked by process ${child.pid} on `));
      expect(e.hint).toContain(s.lockFile);
      // Readers never need the lock.
      expect(await s.describeKeyPairs()).toEqual([]);
      await killed(child);
      expect(fs.existsSync(s.lockFile)).toBe(true); // the dead holder's lock is still there…
      // …and with no waiting allowed at all, the next writer still gets in: dead holders are not waited for.
      await s.importKeyPair({ KeyName: 'x', PublicKey: edKey() });
      expect((await s.describeKeyPairs()).map((k) => k.KeyName)).toEqual(['x']);
      expect(fs.existsSync(s.lockFile)).toBe(false);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('stale locks of a dead pid, of a previous life of our own pid, and leftovers of killed writers are cleared; another host\'s lock is respected', async () => {
    const home = newHome();
    const s = new LocalStore({ home, region: 'us-east-1', lockTimeoutMs: 0 });
    fs.mkdirSync(s.dir, { recursive: true });
    // A pid that certainly is not running: a child we started and reaped.
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => dead.on('exit', r));
    const host = os.hostname();
    const hostTag = Buffer.from(host).toString('hex').slice(0, 12);
    const lock = (pid: number, nonce: string, h = host) => fs.writeFileSync(s.lockFile, JSON.stringify({ pid, host: h, nonce }));

    lock(dead.pid!, 'Ldead1');
    fs.writeFileSync(path.join(s.dir, `.tmp-${hostTag}-${dead.pid}-abc`), 'half a registry');
    fs.writeFileSync(path.join(s.dir, `.cand-${hostTag}-${dead.pid}-abc`), '{}');
    fs.writeFileSync(path.join(s.dir, '.steal-Lold'), JSON.stringify({ pid: dead.pid, host, nonce: 'Sold' }));
    await s.importKeyPair({ KeyName: 'a', PublicKey: edKey() });
    expect(fs.readdirSync(s.dir).sort()).toEqual(['keypairs.json']);

    lock(process.pid, 'Lpreviouslife'); // e.g. a container restarted with the same pid
    await s.importKeyPair({ KeyName: 'b', PublicKey: edKey() });

    // A stealer that died in the middle of stealing left .steal-<nonce>: still recovered.
    lock(dead.pid!, 'Ldead2');
    fs.writeFileSync(path.join(s.dir, '.steal-Ldead2'), JSON.stringify({ pid: dead.pid, host, nonce: 'Sdeadstealer' }));
    await s.importKeyPair({ KeyName: 'c', PublicKey: edKey() });
    expect(fs.readdirSync(s.dir).sort()).toEqual(['keypairs.json']);

    lock(dead.pid!, 'Lremote', 'another-host.example');
    await expectCode(s.importKeyPair({ KeyName: 'd', PublicKey: edKey() }), 'Ec2Keys.StoreLocked', /another-host\.example/);
    expect((await s.describeKeyPairs()).map((k) => k.KeyName)).toEqual(['a', 'b', 'c']);
  });
});

describe('store selection and region', () => {
  it('openStore: local by default, region from AWS_REGION / the profile in the config file, usage error without one', async () => {
    const dir = tmpDir();
    try {
      const cfg = path.join(dir, 'config');
      fs.writeFileSync(cfg, '[default]\nregion = ap-south-1\n[profile work]\ns3 =\n  region = wrong-1\nregion = eu-north-1\n');
      expect(await resolveRegion({}, { AWS_CONFIG_FILE: cfg })).toBe('ap-south-1');
      expect(await resolveRegion({ profile: 'work' }, { AWS_CONFIG_FILE: cfg })).toBe('eu-north-1');
      expect(await resolveRegion({}, { AWS_CONFIG_FILE: cfg, AWS_PROFILE: 'work' })).toBe('eu-north-1');
      expect(await resolveRegion({}, { AWS_CONFIG_FILE: cfg, AWS_REGION: 'us-west-2' })).toBe('us-west-2');
      expect(await resolveRegion({ region: 'sa-east-1' }, { AWS_CONFIG_FILE: cfg, AWS_REGION: 'us-west-2' })).toBe('sa-east-1');
      expect(await resolveRegion({}, { AWS_CONFIG_FILE: path.join(dir, 'none') })).toBeUndefined();
      // A profile named on purpose that exists nowhere is an error, not a quiet us-east-1.
      const creds = path.join(dir, 'credentials');
      fs.writeFileSync(creds, '[keys-only]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n');
      const both = { AWS_CONFIG_FILE: cfg, AWS_SHARED_CREDENTIALS_FILE: creds };
      await expectCode(resolveRegion({ profile: 'wrok' }, both), 'Ec2Keys.ProfileNotFound', new RegExp(`the AWS profile "wrok" is in neither ${cfg} nor ${creds}`));
      await expectCode(resolveRegion({}, { ...both, AWS_PROFILE: 'wrok' }), 'Ec2Keys.ProfileNotFound', /"wrok"/);
      await expectCode(resolveRegion({ profile: 'work' }, { AWS_CONFIG_FILE: path.join(dir, 'none'), AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'none2') }), 'Ec2Keys.ProfileNotFound', /"work"/);
      expect(await resolveRegion({ profile: 'keys-only' }, both)).toBeUndefined(); // exists, no region: the caller's default
      expect(await resolveRegion({ profile: 'keys-only' }, { AWS_CONFIG_FILE: path.join(dir, 'none'), AWS_SHARED_CREDENTIALS_FILE: creds })).toBeUndefined();
      expect(await resolveRegion({ profile: 'wrok', region: 'eu-west-3' }, both)).toBe('eu-west-3'); // --region: the profile is not consulted
      expect(await resolveRegion({}, { ...both, AWS_DEFAULT_PROFILE: 'nope' })).toBeUndefined(); // not named on purpose

      const saved = { ...process.env };
      try {
        process.env.AWS_CONFIG_FILE = path.join(dir, 'none');
        delete process.env.AWS_REGION;
        delete process.env.AWS_DEFAULT_REGION;
        delete process.env.AWS_PROFILE;
        await expectCode(openStore({ home: dir }), 'Ec2Keys.Usage', /no AWS region is set/);
        process.env.AWS_REGION = 'ca-central-1';
        const s = await openStore({ home: dir });
        expect(s.kind).toBe('local');
        expect(s.region).toBe('ca-central-1');
        expect((s as LocalStore).file).toBe(path.join(dir, 'regions', 'ca-central-1', 'keypairs.json'));
      } finally {
        for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
        Object.assign(process.env, saved);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
