// The ONE suite both KeyPairStore implementations must pass (issue #4 §1): the local registry
// (which follows real EC2) and the EC2 store talking to moto_server 5.2.1. Where moto differs
// from EC2 (ec2-semantics.md §0), the test names the deviation from MOTO_DEVIATIONS and asserts
// moto's documented behaviour for moto; the local store is always held to real EC2.
// Every fingerprint and key fact is computed by openssl/ssh-keygen (oracles.ts), not by us.
import { describe, expect, it } from 'vitest';
import { Ec2KeysError } from '../../src/errors.js';
import { parseOpenSshLine } from '../../src/keys/ssh-public.js';
import type { KeyPairInfo, KeyPairStore, Tag } from '../../src/store/types.js';
import {
  createdRsaFp, ed25519Fp, importedRsaFp, keyPart, motoCreatedRsaFp, motoEd25519Fp, opensslRsaCheck, publicOfPrivate, rsaBits, sshKeygen,
} from './oracles.js';

/** moto 5.2.1 vs EC2, as documented in ec2-semantics.md §0. */
export const MOTO_DEVIATIONS = {
  createdRsaFingerprint: 'created RSA fingerprint is SHA-1 of the DER SPKI, not of the PKCS#8 private key',
  ed25519Fingerprint: 'ED25519 fingerprint is colon-hex SHA-256 of the DER SPKI, not padded base64 SHA-256 of the SSH blob',
  keyTypeOmitted: 'KeyType is missing from DescribeKeyPairs for pairs created without a KeyType (masked: the EC2 store always sends KeyType)',
  notFoundMessage: "NotFound text is \"The keypair '{'x'}' does not exist.\" (a Python set), not \"The key pair 'x' does not exist\"",
  keyPairIdsIgnored: 'DescribeKeyPairs ignores KeyPairIds and returns every pair',
  questionWildcard: '`?` in a filter value matches exactly one character (fnmatch), not zero or one',
  backslashEscape: 'a backslash in a filter value does not escape `*` or `?` (fnmatch has no escapes)',
  publicKeyComment: 'PublicKey has no key-name comment (created) or echoes the imported text',
  createTimeSeconds: 'CreateTime is truncated to whole seconds (.000Z)',
  deleteByIdIgnored: 'DeleteKeyPair ignores KeyPairId: Return true, nothing deleted, no NotFound for a missing id',
  passwordDataRandom: 'GetPasswordData returns a fresh random 128-character string, not an RSA ciphertext',
  unknownFilter500: 'an unknown filter name gives HTTP 500 (the EC2 store refuses it before sending)',
  keyNameRules: 'no key-name rules at all (the EC2 store checks them before sending)',
  noQuota: 'no 5,000 key pair quota (not exercised: it would take 5,001 calls)',
} as const;
export type MotoDeviation = keyof typeof MOTO_DEVIATIONS;

export interface StoreHarness {
  kind: 'local' | 'moto';
  /** A fresh, empty store (new registry folder / moto reset). */
  fresh(): Promise<KeyPairStore>;
}

/** Does this harness show the named moto deviation? (Typed: only names from MOTO_DEVIATIONS.) */
export function deviates(h: StoreHarness, d: MotoDeviation): boolean {
  return h.kind === 'moto' && d in MOTO_DEVIATIONS;
}

export async function expectCode(p: Promise<unknown>, code: string, message?: string | RegExp): Promise<Ec2KeysError> {
  let err: unknown;
  try {
    await p;
  } catch (e) {
    err = e;
  }
  expect(err, `expected ${code}`).toBeInstanceOf(Ec2KeysError);
  const e = err as Ec2KeysError;
  expect(e.code).toBe(code);
  if (typeof message === 'string') expect(e.message).toBe(message);
  else if (message) expect(e.message).toMatch(message);
  return e;
}

const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const byName = (ks: KeyPairInfo[]) => ks.map((k) => k.KeyName).sort();
const pub = (line: string) => parseOpenSshLine(line).key;

export function storeContract(h: StoreHarness): void {
  const moto = h.kind === 'moto';
  const tag = (d: MotoDeviation) => (moto ? ` [moto: ${d}]` : '');

  describe(`KeyPairStore contract (${h.kind})`, () => {
    describe('createKeyPair', () => {
      it(`RSA: PKCS#1 PEM, key-… id, EC2's created fingerprint, described as rsa${tag('createdRsaFingerprint')}${tag('createTimeSeconds')}${tag('publicKeyComment')}`, async () => {
        const s = await h.fresh();
        const before = Date.now();
        const r = await s.createKeyPair({ KeyName: 'web-rsa' });
        const after = Date.now();
        expect(r.KeyPairId).toMatch(/^key-[0-9a-f]{17}$/);
        expect(r.KeyName).toBe('web-rsa');
        expect(r.Tags).toEqual([]);
        expect(r.KeyMaterial).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n[\s\S]+\n-----END RSA PRIVATE KEY-----\n$/);
        expect(opensslRsaCheck(r.KeyMaterial)).toBe('RSA key ok');
        expect(rsaBits(r.KeyMaterial)).toBe(2048);
        const fp = deviates(h, 'createdRsaFingerprint') ? motoCreatedRsaFp(r.KeyMaterial) : createdRsaFp(r.KeyMaterial);
        expect(r.KeyFingerprint).toBe(fp);
        if (moto) expect(r.KeyFingerprint).not.toBe(createdRsaFp(r.KeyMaterial));

        const [d] = await s.describeKeyPairs({ KeyNames: ['web-rsa'], IncludePublicKey: true });
        expect(d.KeyPairId).toBe(r.KeyPairId);
        expect(d.KeyFingerprint).toBe(r.KeyFingerprint);
        expect(d.KeyType).toBe('rsa');
        expect(d.CreateTime).toMatch(ISO_MS);
        if (deviates(h, 'createTimeSeconds')) expect(d.CreateTime).toMatch(/\.000Z$/);
        const t = Date.parse(d.CreateTime);
        expect(t).toBeGreaterThanOrEqual(before - 1000);
        expect(t).toBeLessThanOrEqual(after + 1000);
        expect(keyPart(d.PublicKey!)).toBe(publicOfPrivate(r.KeyMaterial));
        expect(d.PublicKey).toBe(deviates(h, 'publicKeyComment') ? publicOfPrivate(r.KeyMaterial) : `${publicOfPrivate(r.KeyMaterial)} web-rsa`);
      });

      it(`ED25519: OpenSSH private key, padded base64 SHA-256 fingerprint${tag('ed25519Fingerprint')}`, async () => {
        const s = await h.fresh();
        const r = await s.createKeyPair({ KeyName: 'linux-ed', KeyType: 'ed25519' });
        expect(r.KeyMaterial).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n[\s\S]+\n-----END OPENSSH PRIVATE KEY-----\n$/);
        const line = publicOfPrivate(r.KeyMaterial);
        expect(line).toMatch(/^ssh-ed25519 AAAA/);
        expect(r.KeyFingerprint).toBe(deviates(h, 'ed25519Fingerprint') ? motoEd25519Fp(line) : ed25519Fp(line));
        if (!moto) expect(r.KeyFingerprint).toMatch(/^[A-Za-z0-9+/]{43}=$/);
        const [d] = await s.describeKeyPairs({ KeyNames: ['linux-ed'], IncludePublicKey: true });
        expect(d.KeyType).toBe('ed25519');
        expect(d.KeyFingerprint).toBe(r.KeyFingerprint);
        expect(keyPart(d.PublicKey!)).toBe(line);
      });

      it('RSA 3072: the size asked for; EC2 creates only 2048-bit pairs, so both stores give it the imported fingerprint form (EC2 store: made locally, then ImportKeyPair)', async () => {
        const s = await h.fresh();
        const r = await s.createKeyPair({ KeyName: 'big', Bits: 3072, Tags: [{ Key: 'size', Value: '3072' }] });
        expect(rsaBits(r.KeyMaterial)).toBe(3072);
        expect(r.KeyMaterial.startsWith('-----BEGIN RSA PRIVATE KEY-----\n')).toBe(true);
        const line = publicOfPrivate(r.KeyMaterial);
        expect(r.KeyFingerprint).toBe(importedRsaFp(line));
        expect(r.Tags).toEqual([{ Key: 'size', Value: '3072' }]);
        const [d] = await s.describeKeyPairs({ KeyNames: ['big'] });
        expect(d.KeyFingerprint).toBe(r.KeyFingerprint);
        expect(d.Tags).toEqual([{ Key: 'size', Value: '3072' }]);
      });

      it('key type and size outside EC2\'s choices are InvalidParameterValue before any work', async () => {
        const s = await h.fresh();
        await expectCode(s.createKeyPair({ KeyName: 'k', KeyType: 'dsa' as never }), 'InvalidParameterValue', /key type "dsa" is not supported; EC2 accepts rsa or ed25519/);
        await expectCode(s.createKeyPair({ KeyName: 'k', Bits: 1024 as never }), 'InvalidParameterValue', /RSA key size 1024 is not supported/);
        await expectCode(s.createKeyPair({ KeyName: 'k', KeyType: 'ed25519', Bits: 4096 }), 'InvalidParameterValue', /applies to RSA keys only/);
        expect(await s.describeKeyPairs()).toEqual([]);
      });
    });

    describe('importKeyPair', () => {
      it('RSA from ssh-keygen: MD5-of-SPKI fingerprint (moto agrees), described as rsa with the same key', async () => {
        const s = await h.fresh();
        const k = sshKeygen('rsa', 2048);
        const r = await s.importKeyPair({ KeyName: 'laptop', PublicKey: pub(k.pub) });
        expect(r.KeyPairId).toMatch(/^key-[0-9a-f]{17}$/);
        expect(r.KeyFingerprint).toBe(importedRsaFp(k.pub));
        expect(r.KeyFingerprint).toMatch(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
        expect(r).not.toHaveProperty('KeyMaterial');
        const [d] = await s.describeKeyPairs({ KeyNames: ['laptop'], IncludePublicKey: true });
        expect(d.KeyType).toBe('rsa');
        expect(keyPart(d.PublicKey!)).toBe(keyPart(k.pub));
        if (!deviates(h, 'publicKeyComment')) expect(d.PublicKey).toBe(`${keyPart(k.pub)} laptop`);
      });

      it(`ED25519 from ssh-keygen: ssh-keygen's SHA256 with = padding${tag('ed25519Fingerprint')}`, async () => {
        const s = await h.fresh();
        const k = sshKeygen('ed25519');
        const r = await s.importKeyPair({ KeyName: 'ed', PublicKey: pub(k.pub), Tags: [{ Key: 'os', Value: 'linux' }] });
        expect(r.KeyFingerprint).toBe(deviates(h, 'ed25519Fingerprint') ? motoEd25519Fp(k.pub) : ed25519Fp(k.pub));
        expect(r.Tags).toEqual([{ Key: 'os', Value: 'linux' }]);
        const [d] = await s.describeKeyPairs({ KeyNames: ['ed'] });
        expect(d.KeyType).toBe('ed25519');
        expect(d.Tags).toEqual([{ Key: 'os', Value: 'linux' }]);
      });

      it('the same key under two names is allowed (EC2 does not reject duplicate fingerprints)', async () => {
        const s = await h.fresh();
        const k = pub(sshKeygen('ed25519').pub);
        const a = await s.importKeyPair({ KeyName: 'one', PublicKey: k });
        const b = await s.importKeyPair({ KeyName: 'two', PublicKey: k });
        expect(a.KeyFingerprint).toBe(b.KeyFingerprint);
        expect(a.KeyPairId).not.toBe(b.KeyPairId);
      });

      it('a key EC2 cannot use is InvalidKey.Format', async () => {
        const s = await h.fresh();
        await expectCode(s.importKeyPair({ KeyName: 'small', PublicKey: { type: 'rsa', n: (1n << 767n) + 1n, e: 65537n } }), 'InvalidKey.Format', /RSA key of 768 bits/);
        await expectCode(s.importKeyPair({ KeyName: 'ec', PublicKey: { type: 'ecdsa' } as never }), 'InvalidKey.Format', /ECDSA/);
        await expectCode(s.importKeyPair({ KeyName: 'short', PublicKey: { type: 'ed25519', pub: Buffer.alloc(31) } }), 'InvalidKey.Format', /32 bytes/);
        expect(await s.describeKeyPairs()).toEqual([]);
      });

      it('importKeyPairs: one result per line, in order, errors per item', async () => {
        const s = await h.fresh();
        await s.createKeyPair({ KeyName: 'taken', KeyType: 'ed25519' });
        const k1 = pub(sshKeygen('ed25519').pub);
        const k2Line = sshKeygen('rsa', 2048).pub;
        const k2 = pub(k2Line);
        const res = await s.importKeyPairs([
          { KeyName: 'b1', PublicKey: k1 },
          { KeyName: 'taken', PublicKey: k1 },
          { KeyName: ' padded', PublicKey: k2 },
          { KeyName: 'b2', PublicKey: k2, Tags: [{ Key: 'batch', Value: 'yes' }] },
          { KeyName: 'b1', PublicKey: k2 },
        ]);
        expect(res.map((r) => ('Error' in r ? `${r.KeyName}:${r.Error.Code}` : `${r.KeyName}:ok`))).toEqual([
          'b1:ok', 'taken:InvalidKeyPair.Duplicate', ' padded:InvalidParameterValue', 'b2:ok', 'b1:InvalidKeyPair.Duplicate',
        ]);
        expect(byName(await s.describeKeyPairs())).toEqual(['b1', 'b2', 'taken']);
        const b2 = res[3] as { KeyFingerprint: string; Tags: Tag[] };
        expect(b2.KeyFingerprint).toBe(importedRsaFp(k2Line));
        expect(b2.Tags).toEqual([{ Key: 'batch', Value: 'yes' }]);
      });
    });

    describe('duplicates', () => {
      it('create, import and create-after-import of a taken name: InvalidKeyPair.Duplicate with EC2\'s text', async () => {
        const s = await h.fresh();
        await s.createKeyPair({ KeyName: 'dup', KeyType: 'ed25519' });
        const msg = "The keypair 'dup' already exists.";
        await expectCode(s.createKeyPair({ KeyName: 'dup', KeyType: 'ed25519' }), 'InvalidKeyPair.Duplicate', msg);
        await expectCode(s.importKeyPair({ KeyName: 'dup', PublicKey: pub(sshKeygen('ed25519').pub) }), 'InvalidKeyPair.Duplicate', msg);
        expect((await s.describeKeyPairs()).length).toBe(1);
      });

      it('names are case-sensitive: Dup and dup are two pairs', async () => {
        const s = await h.fresh();
        await s.createKeyPair({ KeyName: 'dup', KeyType: 'ed25519' });
        await s.createKeyPair({ KeyName: 'Dup', KeyType: 'ed25519' });
        expect(byName(await s.describeKeyPairs())).toEqual(['Dup', 'dup']);
      });
    });

    describe('describeKeyPairs', () => {
      it('all pairs, no PublicKey unless asked, Tags always a list', async () => {
        const s = await h.fresh();
        expect(await s.describeKeyPairs()).toEqual([]);
        await s.createKeyPair({ KeyName: 'a', KeyType: 'ed25519' });
        await s.createKeyPair({ KeyName: 'b', KeyType: 'ed25519', Tags: [{ Key: 'env', Value: 'prod' }] });
        const all = await s.describeKeyPairs();
        expect(byName(all)).toEqual(['a', 'b']);
        for (const k of all) {
          expect(k).not.toHaveProperty('PublicKey');
          expect(Array.isArray(k.Tags)).toBe(true);
          expect(Object.keys(k).sort()).toEqual(['CreateTime', 'KeyFingerprint', 'KeyName', 'KeyPairId', 'KeyType', 'Tags']);
        }
      });

      it(`a missing name fails the whole call with InvalidKeyPair.NotFound${tag('notFoundMessage')}`, async () => {
        const s = await h.fresh();
        await s.createKeyPair({ KeyName: 'here', KeyType: 'ed25519' });
        const e1 = await expectCode(s.describeKeyPairs({ KeyNames: ['gone'] }), 'InvalidKeyPair.NotFound');
        const e2 = await expectCode(s.describeKeyPairs({ KeyNames: ['here', 'gone'] }), 'InvalidKeyPair.NotFound');
        if (deviates(h, 'notFoundMessage')) {
          expect(e1.message).toBe("The keypair '{'gone'}' does not exist.");
          expect(e2.message).toMatch(/^The keypair '\{.*'gone'.*\}' does not exist\.$/);
        } else {
          expect(e1.message).toBe("The key pair 'gone' does not exist");
          expect(e2.message).toBe("The key pair 'gone' does not exist");
        }
      });

      it(`several missing names: every one is named, in the order asked, once${tag('notFoundMessage')}`, async () => {
        // EC2's text for several missing names is unknown (ec2-semantics.md §6): one missing name
        // keeps EC2's exact sentence; several get its plural, so a script can fix them in one go.
        const s = await h.fresh();
        await s.createKeyPair({ KeyName: 'here', KeyType: 'ed25519' });
        const e = await expectCode(s.describeKeyPairs({ KeyNames: ['lost', 'here', 'gone', 'lost'] }), 'InvalidKeyPair.NotFound');
        if (deviates(h, 'notFoundMessage')) expect(e.message).toMatch(/^The keypair '\{.*'gone'.*\}' does not exist\.$/);
        else expect(e.message).toBe("The key pairs 'lost', 'gone' do not exist");
        expect(e.message).toContain("'lost'");
      });

      it(`KeyPairIds selects those pairs; a missing id is InvalidKeyPair.NotFound${tag('keyPairIdsIgnored')}`, async () => {
        const s = await h.fresh();
        const a = await s.createKeyPair({ KeyName: 'a', KeyType: 'ed25519' });
        await s.createKeyPair({ KeyName: 'b', KeyType: 'ed25519' });
        const got = await s.describeKeyPairs({ KeyPairIds: [a.KeyPairId] });
        if (deviates(h, 'keyPairIdsIgnored')) {
          expect(byName(got)).toEqual(['a', 'b']);
          expect(byName(await s.describeKeyPairs({ KeyPairIds: ['key-00000000000000000'] }))).toEqual(['a', 'b']);
        } else {
          expect(byName(got)).toEqual(['a']);
          await expectCode(s.describeKeyPairs({ KeyPairIds: [a.KeyPairId, 'key-00000000000000000'] }), 'InvalidKeyPair.NotFound', "The key pair ID 'key-00000000000000000' does not exist");
          await expectCode(s.describeKeyPairs({ KeyPairIds: ['key-00000000000000001', a.KeyPairId, 'key-00000000000000000'] }), 'InvalidKeyPair.NotFound',
            "The key pair IDs 'key-00000000000000001', 'key-00000000000000000' do not exist");
        }
      });

      describe('filters', () => {
        const setup = async () => {
          const s = await h.fresh();
          const k = pub(sshKeygen('ed25519').pub);
          const made: Record<string, string> = {};
          for (const [name, tags] of [
            ['web-1', [{ Key: 'env', Value: 'prod' }, { Key: 'team', Value: 'web' }]],
            ['web-12', [{ Key: 'env', Value: 'dev' }]],
            ['web-', [{ Key: 'env', Value: 'prod2' }]],
            ['db-1', [{ Key: 'Env', Value: 'prod' }]],
            ['star*name', []],
            ['starXname', []],
          ] as [string, Tag[]][]) {
            made[name] = (await s.importKeyPair({ KeyName: name, PublicKey: k, Tags: tags })).KeyPairId;
          }
          return { s, made };
        };
        const names = async (s: KeyPairStore, ...filters: { Name: string; Values: string[] }[]) => byName(await s.describeKeyPairs({ Filters: filters }));

        it('key-name with *, several values ORed, several filters ANDed, case-sensitive tag keys', async () => {
          const { s } = await setup();
          expect(await names(s, { Name: 'key-name', Values: ['web-*'] })).toEqual(['web-', 'web-1', 'web-12']);
          expect(await names(s, { Name: 'key-name', Values: ['db-1', 'web-12'] })).toEqual(['db-1', 'web-12']);
          expect(await names(s, { Name: 'key-name', Values: ['web*'] }, { Name: 'tag:env', Values: ['prod'] })).toEqual(['web-1']);
          expect(await names(s, { Name: 'tag:env', Values: ['prod*'] })).toEqual(['web-', 'web-1']);
          expect(await names(s, { Name: 'tag:Env', Values: ['*'] })).toEqual(['db-1']);
          expect(await names(s, { Name: 'tag-key', Values: ['team'] })).toEqual(['web-1']);
          expect(await names(s, { Name: 'tag-key', Values: ['E*'] })).toEqual(['db-1']);
          expect(await names(s, { Name: 'key-name', Values: ['nothing*'] })).toEqual([]);
        });

        it(`? matches zero or one character${tag('questionWildcard')}`, async () => {
          const { s } = await setup();
          const got = await names(s, { Name: 'key-name', Values: ['web-?'] });
          expect(got).toEqual(deviates(h, 'questionWildcard') ? ['web-1'] : ['web-', 'web-1']);
        });

        it(`a backslash makes * literal${tag('backslashEscape')}`, async () => {
          const { s } = await setup();
          expect(await names(s, { Name: 'key-name', Values: ['star*name'] })).toEqual(['star*name', 'starXname']);
          expect(await names(s, { Name: 'key-name', Values: ['star\\*name'] })).toEqual(deviates(h, 'backslashEscape') ? [] : ['star*name']);
        });

        it('key-pair-id and fingerprint filters', async () => {
          const { s, made } = await setup();
          expect(await names(s, { Name: 'key-pair-id', Values: [made['db-1'], made['web-']] })).toEqual(['db-1', 'web-']);
          const [one] = await s.describeKeyPairs({ KeyNames: ['web-1'] });
          expect((await names(s, { Name: 'fingerprint', Values: [one.KeyFingerprint] })).length).toBe(6);
          expect(await names(s, { Name: 'fingerprint', Values: ['00:11'] })).toEqual([]);
        });

        it(`an unknown filter name is InvalidParameterValue "The filter '…' is invalid"${tag('unknownFilter500')}`, async () => {
          const { s } = await setup();
          await expectCode(s.describeKeyPairs({ Filters: [{ Name: 'key-type', Values: ['rsa'] }] }), 'InvalidParameterValue', "The filter 'key-type' is invalid");
          await expectCode(s.describeKeyPairs({ Filters: [{ Name: 'Key-Name', Values: ['x'] }] }), 'InvalidParameterValue', "The filter 'Key-Name' is invalid");
          await expectCode(s.describeKeyPairs({ Filters: [{ Name: 'key-name', Values: [] }] }), 'InvalidParameterValue', /has no values/);
        });
      });
    });

    describe('deleteKeyPair', () => {
      it('by name: Return true with the id, then idempotent (Return true, no id)', async () => {
        const s = await h.fresh();
        const a = await s.createKeyPair({ KeyName: 'gone-soon', KeyType: 'ed25519' });
        await s.createKeyPair({ KeyName: 'stays', KeyType: 'ed25519' });
        expect(await s.deleteKeyPair({ KeyName: 'gone-soon' })).toEqual({ Return: true, KeyPairId: a.KeyPairId });
        expect(await s.deleteKeyPair({ KeyName: 'gone-soon' })).toEqual({ Return: true });
        expect(await s.deleteKeyPair({ KeyName: 'never-was' })).toEqual({ Return: true });
        expect(byName(await s.describeKeyPairs())).toEqual(['stays']);
        // The name is free again.
        await s.createKeyPair({ KeyName: 'gone-soon', KeyType: 'ed25519' });
      });

      it(`by id: deletes that pair; a missing id is InvalidKeyPair.NotFound${tag('deleteByIdIgnored')}`, async () => {
        const s = await h.fresh();
        const a = await s.createKeyPair({ KeyName: 'by-id', KeyType: 'ed25519' });
        const r = await s.deleteKeyPair({ KeyPairId: a.KeyPairId });
        if (deviates(h, 'deleteByIdIgnored')) {
          expect(r.Return).toBe(true);
          expect(byName(await s.describeKeyPairs())).toEqual(['by-id']);
          expect((await s.deleteKeyPair({ KeyPairId: 'key-00000000000000000' })).Return).toBe(true);
        } else {
          expect(r).toEqual({ Return: true, KeyPairId: a.KeyPairId });
          expect(await s.describeKeyPairs()).toEqual([]);
          await expectCode(s.deleteKeyPair({ KeyPairId: a.KeyPairId }), 'InvalidKeyPair.NotFound', `The key pair ID '${a.KeyPairId}' does not exist`);
        }
      });

      it('neither a name nor an id is MissingParameter', async () => {
        const s = await h.fresh();
        await expectCode(s.deleteKeyPair({}), 'MissingParameter');
      });
    });

    describe(`EC2's rules for names and tags${tag('keyNameRules')}`, () => {
      it('rejects empty, 256 characters, leading/trailing spaces, non-ASCII and control characters', async () => {
        const s = await h.fresh();
        const k = pub(sshKeygen('ed25519').pub);
        const bad: [string, RegExp][] = [
          ['', /key name is empty/],
          ['x'.repeat(256), /is 256 characters long; EC2 accepts up to 255 ASCII characters/],
          [' lead', /starts or ends with a space/],
          ['trail ', /starts or ends with a space/],
          ['clé', /non-ASCII character "é"/],
          ['new\nline', /control character U\+000A/],
        ];
        for (const [name, msg] of bad) {
          await expectCode(s.importKeyPair({ KeyName: name, PublicKey: k }), 'InvalidParameterValue', msg);
          await expectCode(s.createKeyPair({ KeyName: name, KeyType: 'ed25519' }), 'InvalidParameterValue', msg);
        }
        expect(await s.describeKeyPairs()).toEqual([]);
      });

      it('accepts 255 characters, inner spaces and the punctuation real names use (/ : . * ?)', async () => {
        const s = await h.fresh();
        const k = pub(sshKeygen('ed25519').pub);
        const good = ['x'.repeat(255), 'qashapopenqa - terraform', 'kubernetes.c1-aa:bb:cc', 'eks/abc+def=', 'odd*?\\name'];
        for (const name of good) await s.importKeyPair({ KeyName: name, PublicKey: k });
        expect(byName(await s.describeKeyPairs())).toEqual([...good].sort());
        const [long] = await s.describeKeyPairs({ KeyNames: ['x'.repeat(255)] });
        expect(long.KeyName.length).toBe(255);
      });

      it('tags: ≤ 50, key ≤ 128, value ≤ 256, no aws: prefix, no repeated key', async () => {
        const s = await h.fresh();
        const k = pub(sshKeygen('ed25519').pub);
        const many = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
        await expectCode(s.importKeyPair({ KeyName: 't', PublicKey: k, Tags: many }), 'TagLimitExceeded', /51 tags given; EC2 allows at most 50/);
        await expectCode(s.importKeyPair({ KeyName: 't', PublicKey: k, Tags: [{ Key: 'aws:owner', Value: 'x' }] }), 'InvalidTagKey.Malformed', /reserved/);
        await expectCode(s.importKeyPair({ KeyName: 't', PublicKey: k, Tags: [{ Key: 'AWS:x', Value: 'x' }] }), 'InvalidTagKey.Malformed');
        await expectCode(s.importKeyPair({ KeyName: 't', PublicKey: k, Tags: [{ Key: '', Value: 'x' }] }), 'InvalidTagKey.Malformed');
        await expectCode(s.importKeyPair({ KeyName: 't', PublicKey: k, Tags: [{ Key: 'k'.repeat(129), Value: '' }] }), 'InvalidParameterValue', /129 characters long; at most 128/);
        await expectCode(s.importKeyPair({ KeyName: 't', PublicKey: k, Tags: [{ Key: 'k', Value: 'v'.repeat(257) }] }), 'InvalidParameterValue', /257 characters long; at most 256/);
        await expectCode(s.importKeyPair({ KeyName: 't', PublicKey: k, Tags: [{ Key: 'k', Value: '1' }, { Key: 'k', Value: '2' }] }), 'InvalidParameterValue', /given twice/);
        expect(await s.describeKeyPairs()).toEqual([]);
        // The limits themselves are allowed; lengths count characters, not bytes.
        const max = [...Array.from({ length: 49 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })), { Key: 'é'.repeat(128), Value: 'ü'.repeat(256) }];
        const r = await s.importKeyPair({ KeyName: 't', PublicKey: k, Tags: max });
        expect(r.Tags.length).toBe(50);
        const [d] = await s.describeKeyPairs({ Filters: [{ Name: `tag:${'é'.repeat(128)}`, Values: ['ü*'] }] });
        expect(d.KeyName).toBe('t');
      });
    });

    it('getPasswordData: local has no instances (Unsupported); EC2 answers InvalidInstanceID.NotFound for an unknown id', async () => {
      const s = await h.fresh();
      if (s.kind === 'local') {
        const e = await expectCode(s.getPasswordData('i-0123456789abcdef0'), 'Unsupported', /no instances/);
        expect(e.hint).toMatch(/--store ec2/);
      } else {
        await expectCode(s.getPasswordData('i-0123456789abcdef0'), 'InvalidInstanceID.NotFound');
      }
    });
  });
}
