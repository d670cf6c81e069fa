// The EC2 store against moto_server: the shared contract, the AWS CLI as a second oracle, SDK
// error mapping, GetPasswordData on a moto Windows instance and the SSM retrieve helper.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseOpenSshLine } from '../../src/keys/ssh-public.js';
import { Ec2Store } from '../../src/store/ec2.js';
import { openStore } from '../../src/store/index.js';
import { keyPairParameterName, retrieveSsmParameter } from '../../src/store/ssm.js';
import { useMoto } from '../helpers/moto.js';
import { tmpDir } from '../helpers/tools.js';
import { MOTO_DEVIATIONS, expectCode, storeContract } from './contract.js';
import { keyPart, sshKeygen } from './oracles.js';

const moto = useMoto();
const open = () => Ec2Store.open({ region: moto().region, endpointUrl: moto().endpoint });
/** A plain SDK client for setting up moto state (the aws CLI is kept for oracle checks: it is slow). */
async function raw() {
  const sdk = await import('@aws-sdk/client-ec2');
  return { sdk, c: new sdk.EC2Client({ region: moto().region, endpoint: moto().endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } }) };
}

storeContract({
  kind: 'moto',
  async fresh() {
    await moto().reset();
    return open();
  },
});

describe('EC2 store on moto: the AWS CLI agrees', () => {
  it('describe-key-pairs (aws CLI v1) shows exactly what the store returns, pair for pair', async () => {
    await moto().reset();
    const s = await open();
    await s.createKeyPair({ KeyName: 'cli-rsa', Tags: [{ Key: 'env', Value: 'prod' }] });
    await s.createKeyPair({ KeyName: 'cli-ed', KeyType: 'ed25519' });
    await s.importKeyPair({ KeyName: 'cli-imp', PublicKey: parseOpenSshLine(sshKeygen('rsa', 2048).pub).key });
    const mine = await s.describeKeyPairs({ IncludePublicKey: true });
    const theirs = (await moto().aws(['ec2', 'describe-key-pairs', '--include-public-key'])).KeyPairs as Record<string, unknown>[];
    expect(mine.length).toBe(3);
    const norm = (k: Record<string, unknown>) => ({
      KeyPairId: k.KeyPairId, KeyName: k.KeyName, KeyFingerprint: k.KeyFingerprint, KeyType: k.KeyType,
      Tags: k.Tags ?? [], PublicKey: k.PublicKey, CreateTime: Date.parse(String(k.CreateTime)),
    });
    const sort = (a: { KeyName?: unknown }, b: { KeyName?: unknown }) => String(a.KeyName).localeCompare(String(b.KeyName));
    expect(mine.map((k) => norm(k as unknown as Record<string, unknown>)).sort(sort)).toEqual(theirs.map(norm).sort(sort));
  });

  it('filters: the store and `aws ec2 describe-key-pairs --filters` select the same pairs', async () => {
    await moto().reset();
    const s = await open();
    const k = parseOpenSshLine(sshKeygen('ed25519').pub).key;
    for (const n of ['app-1', 'app-2', 'db-1']) await s.importKeyPair({ KeyName: n, PublicKey: k, Tags: [{ Key: 'tier', Value: n.split('-')[0] }] });
    const mine = (await s.describeKeyPairs({ Filters: [{ Name: 'key-name', Values: ['app-*', 'db-1'] }, { Name: 'tag:tier', Values: ['app'] }] })).map((x) => x.KeyName).sort();
    const theirs = (await moto().aws(['ec2', 'describe-key-pairs', '--filters', 'Name=key-name,Values=app-*,db-1', 'Name=tag:tier,Values=app'])).KeyPairs.map((x: { KeyName: string }) => x.KeyName).sort();
    expect(mine).toEqual(['app-1', 'app-2']);
    expect(theirs).toEqual(mine);
  });

  it('ImportKeyPair sends the OpenSSH line as raw bytes (what EC2 stores is the key itself, not base64 of it)', async () => {
    await moto().reset();
    const s = await open();
    const line = sshKeygen('rsa', 2048).pub;
    await s.importKeyPair({ KeyName: 'raw', PublicKey: parseOpenSshLine(line).key });
    const out = await moto().aws(['ec2', 'describe-key-pairs', '--key-names', 'raw', '--include-public-key']);
    expect(keyPart(out.KeyPairs[0].PublicKey)).toBe(keyPart(line));
  });
});

describe('EC2 store: moto specifics and error mapping', () => {
  it(`GetPasswordData on a Windows instance [moto: passwordDataRandom: ${MOTO_DEVIATIONS.passwordDataRandom}]`, async () => {
    await moto().reset();
    const s = await open();
    await s.createKeyPair({ KeyName: 'win' });
    const { sdk, c } = await raw();
    const images = await c.send(new sdk.DescribeImagesCommand({ Filters: [{ Name: 'platform', Values: ['windows'] }] }));
    const ami = images.Images![0].ImageId!;
    const run = await c.send(new sdk.RunInstancesCommand({ ImageId: ami, KeyName: 'win', MinCount: 1, MaxCount: 1, InstanceType: 't3.micro' }));
    const id = run.Instances![0].InstanceId!;
    const a = await s.getPasswordData(id);
    const b = await s.getPasswordData(id);
    expect(a.InstanceId).toBe(id);
    expect(a.PasswordData).toMatch(/^[A-Za-z0-9]{128}$/);
    expect(b.PasswordData).not.toBe(a.PasswordData);
    expect(a.Timestamp).toMatch(/^\d{4}-\d\d-\d\dT/);
    // A Linux instance has no password: the empty string.
    const all = await c.send(new sdk.DescribeImagesCommand({}));
    const lami = all.Images!.find((i) => !i.Platform)!.ImageId!;
    const lrun = await c.send(new sdk.RunInstancesCommand({ ImageId: lami, MinCount: 1, MaxCount: 1, InstanceType: 't3.micro' }));
    expect((await s.getPasswordData(lrun.Instances![0].InstanceId!)).PasswordData).toBe('');
    c.destroy();
  });

  it('connection refused is Ec2Keys.EndpointError naming the endpoint', async () => {
    const s = await Ec2Store.open({ region: 'us-east-1', endpointUrl: 'http://127.0.0.1:1', maxAttempts: 1 });
    const e = await expectCode(s.describeKeyPairs(), 'Ec2Keys.EndpointError', 'cannot reach http://127.0.0.1:1: connection refused');
    expect(e.hint).toMatch(/--endpoint-url/);
  });

  it('no credentials anywhere is Ec2Keys.CredentialsError with a hint', async () => {
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    try {
      const s = await Ec2Store.open({ region: 'us-east-1', endpointUrl: moto().endpoint });
      const e = await expectCode(s.describeKeyPairs(), 'Ec2Keys.CredentialsError', /^no AWS credentials found/);
      expect(e.hint).toMatch(/AWS_PROFILE/);
      expect(e.hint).toMatch(/aws configure/);
    } finally {
      process.env.AWS_ACCESS_KEY_ID = saved.id;
      process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
    }
  });

  it('each store names its own profile when that profile gives no credentials (no state shared between clients)', async () => {
    const dir = tmpDir();
    const saved = { ...process.env };
    try {
      fs.writeFileSync(path.join(dir, 'credentials'), '[real]\naws_access_key_id = testing\naws_secret_access_key = testing\n');
      process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(dir, 'credentials');
      process.env.AWS_CONFIG_FILE = path.join(dir, 'config');
      delete process.env.AWS_ACCESS_KEY_ID;
      delete process.env.AWS_SECRET_ACCESS_KEY;
      delete process.env.AWS_PROFILE;
      const ghost = await Ec2Store.open({ region: 'us-east-1', profile: 'ghost', endpointUrl: moto().endpoint, maxAttempts: 1 });
      // Opened after it, without a profile: must not change what the first one reports.
      const none = await Ec2Store.open({ region: 'us-east-1', endpointUrl: moto().endpoint, maxAttempts: 1 });
      try {
        const e = await expectCode(ghost.describeKeyPairs(), 'Ec2Keys.CredentialsError', /^no AWS credentials from profile "ghost"/);
        expect(e.hint).toMatch(/aws sso login --profile ghost/);
        await expectCode(none.describeKeyPairs(), 'Ec2Keys.CredentialsError', /^no AWS credentials found/);
      } finally {
        ghost.close();
        none.close();
      }
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a profile from a config file supplies credentials and region (--profile)', async () => {
    await moto().reset();
    const dir = tmpDir();
    const saved = { ...process.env };
    try {
      fs.writeFileSync(path.join(dir, 'config'), '[profile ci]\nregion = eu-west-1\n');
      fs.writeFileSync(path.join(dir, 'credentials'), '[ci]\naws_access_key_id = testing\naws_secret_access_key = testing\n');
      process.env.AWS_CONFIG_FILE = path.join(dir, 'config');
      process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(dir, 'credentials');
      delete process.env.AWS_ACCESS_KEY_ID;
      delete process.env.AWS_SECRET_ACCESS_KEY;
      const s = await openStore({ store: 'ec2', profile: 'ci', endpointUrl: moto().endpoint });
      expect(s.region).toBe('eu-west-1');
      await s.createKeyPair({ KeyName: 'in-eu', KeyType: 'ed25519' });
      // The aws helper asks us-east-1: the pair went to the profile's region, not there.
      const { sdk, c } = await raw();
      const us = await c.send(new sdk.DescribeKeyPairsCommand({}));
      c.destroy();
      expect(us.KeyPairs).toEqual([]);
      expect((await s.describeKeyPairs()).map((k) => k.KeyName)).toEqual(['in-eu']);
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('no region anywhere is a usage error (exit 2) with a hint', async () => {
    await expectCode(Ec2Store.open({ endpointUrl: moto().endpoint }), 'Ec2Keys.Usage', 'no AWS region is set');
  });

  it(`a non-AWS answer (moto's HTTP 500 for an unknown filter, sent raw) is Ec2Keys.EndpointError [moto: unknownFilter500]`, async () => {
    const { EC2Client, CreateKeyPairCommand, DescribeKeyPairsCommand } = await import('@aws-sdk/client-ec2');
    const { mapAwsError } = await import('../../src/store/aws.js');
    await moto().reset();
    // moto only trips over the filter when a pair created without KeyType is there to filter.
    const c = new EC2Client({ region: 'us-east-1', endpoint: moto().endpoint, maxAttempts: 1 });
    await c.send(new CreateKeyPairCommand({ KeyName: 'untyped' }));
    let raw: unknown;
    try {
      await c.send(new DescribeKeyPairsCommand({ Filters: [{ Name: 'key-type', Values: ['rsa'] }] }));
    } catch (e) {
      raw = e;
    } finally {
      c.destroy();
    }
    expect((raw as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(500);
    const m = mapAwsError(raw, moto().endpoint);
    expect(m.code).toBe('Ec2Keys.EndpointError');
    expect(m.message).toBe(`${moto().endpoint} answered HTTP 500 with something that is not an AWS response`);
  });

  it('EC2 error codes and messages pass through (InvalidKeyPair.Duplicate from the service)', async () => {
    await moto().reset();
    const s = await open();
    const { sdk, c } = await raw();
    await c.send(new sdk.CreateKeyPairCommand({ KeyName: 'made-outside' }));
    c.destroy();
    const e = await expectCode(s.createKeyPair({ KeyName: 'made-outside' }), 'InvalidKeyPair.Duplicate', "The keypair 'made-outside' already exists.");
    expect(e.hint).toMatch(/choose another name/);
    expect(s.calls).toBe(1);
  });
});

describe('SSM: ec2keys retrieve', () => {
  it('reads /ec2/keypair/<id> with decryption; a missing parameter is ParameterNotFound', async () => {
    await moto().reset();
    const id = 'key-0123456789abcdef0';
    const name = keyPairParameterName(id);
    expect(name).toBe('/ec2/keypair/key-0123456789abcdef0');
    const pem = sshKeygen('ed25519').priv;
    const { SSMClient, PutParameterCommand } = await import('@aws-sdk/client-ssm');
    const c = new SSMClient({ region: moto().region, endpoint: moto().endpoint });
    await c.send(new PutParameterCommand({ Name: name, Type: 'SecureString', Value: pem }));
    c.destroy();
    const got = await retrieveSsmParameter(name, { region: moto().region, endpointUrl: moto().endpoint });
    expect(got).toBe(pem);

    const e = await expectCode(retrieveSsmParameter('/ec2/keypair/key-00000000000000000', { region: moto().region, endpointUrl: moto().endpoint }), 'ParameterNotFound');
    expect(e.hint).toMatch(/CloudFormation/);
    await expectCode(Promise.resolve().then(() => keyPairParameterName('my-key')), 'InvalidParameterValue', /is not a key pair id/);
  });
});
