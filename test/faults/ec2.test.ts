// Faults of the EC2 store, through the real CLI against moto_server (issue #7 §3): a refused port,
// moto stopped between commands and in the middle of one (a proxy in front of it that loses the
// answer and then goes away), an answer lost on a healthy network (the SDK's retry of the
// non-idempotent CreateKeyPair), a server that accepts and never answers, one that trickles a byte
// at a time (the SDK's idle timeout alone never fires: the whole-call deadline must), and key files
// that cannot be written (file-size ulimit, full tmpfs) — the pair is deleted again, checked with
// `aws ec2 describe-key-pairs` on moto; when even that delete cannot reach EC2, the error names
// the pair and the command that removes it, and that command works.
// Every failure: exit 1, `ec2keys: <Code>: …` naming the endpoint the user gave, no stack trace, a
// bounded time (the spawn timeout kills a hang and the test fails on the signal), no key file.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FAKE_AWS_ENV, applyEnv, startMoto, useMoto } from '../helpers/moto.js';
import { opensslGenRsa, tmpDir } from '../helpers/tools.js';
import { MOTO_DEVIATIONS } from '../store/contract.js';
import {
  CAN_MOUNT, Tmpfs, expectFailure, expectOk, faultProxy, refusedPort, run, silentServer, snapshot, tricklingServer, type RunOptions,
} from './helpers.js';

const moto = useMoto();
const CREDS = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' };
/** Generous: a refused endpoint takes ~3 s (3 attempts with backoff); a hang would be killed here. */
const BOUND_MS = 45_000;

const cleanup: (() => unknown)[] = [];
afterAll(async () => {
  for (const f of cleanup.reverse()) await f();
});
const dir = (prefix = 'ec2keys-faults-ec2-') => {
  const d = tmpDir(prefix);
  cleanup.push(() => fs.rmSync(d, { recursive: true, force: true }));
  return d;
};

// One region per test: moto keeps key pairs per region, so tests need no reset and run concurrently.
const REGIONS = ['us-east-2', 'ap-northeast-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1', 'eu-north-1', 'ap-south-1', 'ap-northeast-1', 'ap-southeast-1', 'ca-central-1', 'sa-east-1', 'us-west-1', 'us-west-2'];
const region = () => REGIONS.shift()!;

function ec2(endpoint: string, reg: string, args: string[], o: RunOptions = {}) {
  return run(['--store', 'ec2', '--endpoint-url', endpoint, '--region', reg, ...args], { timeoutMs: BOUND_MS, ...o, env: { ...CREDS, ...o.env } });
}

/** The AWS CLI (v1) straight at moto, `--output json`, parsed. */
function aws(endpoint: string, reg: string, args: string[]): Promise<any> {
  const env = applyEnv({ ...process.env }, FAKE_AWS_ENV);
  return new Promise((resolve, reject) => {
    const p = spawn('aws', [...args, '--endpoint-url', endpoint, '--region', reg, '--output', 'json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`aws ${args.join(' ')} failed: ${err}`))));
  });
}

/** `aws ec2 describe-key-pairs` straight at moto: the oracle for what EC2 holds. */
async function awsPairs(endpoint: string, reg: string): Promise<{ KeyName: string; KeyPairId: string }[]> {
  return (await aws(endpoint, reg, ['ec2', 'describe-key-pairs'])).KeyPairs;
}

const endpointLine = (url: string, why: RegExp) => new RegExp(`^ec2keys: Ec2Keys\\.EndpointError: cannot reach ${url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ${why.source}$`);

describe.concurrent('endpoint down', () => {
  it('a refused port: every EC2 command is Ec2Keys.EndpointError naming the endpoint, in bounded time; new writes nothing', async () => {
    const url = `http://127.0.0.1:${await refusedPort()}`;
    const work = dir();
    const reg = region();
    const keyDir = dir();
    opensslGenRsa(path.join(keyDir, 'k.pem'));
    const cmds = [
      ['get'],
      ['--json', 'get'],
      ['new', 'k', '--out', path.join(work, 'k.pem')],
      ['import', 'k', '--public-key', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOHvnLqhBLVsSuPPahcwnj6G5dN8M4vNkRAoYIzMhp6T', '--platform', 'linux'],
      ['remove', 'k', '--yes'],
      ['retrieve', 'k', '--out', path.join(work, 'r.pem')],
      ['password', '--instance-id', 'i-0123456789abcdef0', '--key', path.join(keyDir, 'k.pem')],
    ];
    const results = await Promise.all(cmds.map((a) => ec2(url, reg, a)));
    for (const [i, r] of results.entries()) {
      const { line, json } = expectFailure(r, 'Ec2Keys.EndpointError');
      expect(line, cmds[i].join(' ')).toMatch(endpointLine(url, /connection refused/));
      expect(r.stderr).toMatch(/^hint: check --endpoint-url \(or EC2KEYS_ENDPOINT_URL\) and that the endpoint is running$/m);
      if (json) expect(json.Target).toBe(url);
    }
    expect(fs.readdirSync(work)).toEqual([]);
  }, 120_000);

  it('moto stopped between commands: a pair created, moto killed, then get / new / remove fail cleanly', async () => {
    const m2 = await startMoto();
    cleanup.push(() => m2.stop());
    const reg = region();
    const work = dir();
    expectOk(await ec2(m2.endpoint, reg, ['new', 'before', '--out', path.join(work, 'before.pem')]));
    await m2.stop();
    const before = snapshot(work);
    const results = await Promise.all([
      ec2(m2.endpoint, reg, ['get']),
      ec2(m2.endpoint, reg, ['new', 'after', '--out', path.join(work, 'after.pem')]),
      ec2(m2.endpoint, reg, ['remove', 'before', '--yes']),
    ]);
    for (const r of results) expect(expectFailure(r, 'Ec2Keys.EndpointError').line).toMatch(endpointLine(m2.endpoint, /connection refused/));
    expect(snapshot(work)).toEqual(before);
  }, 180_000);
});

describe.concurrent('endpoint lost in the middle of a command (a proxy in front of moto)', () => {
  it('the endpoint goes away after CreateKeyPair reached it: Ec2Keys.EndpointError, no key file; the pair EC2 made is an orphan nobody can undo', async () => {
    const reg = region();
    const proxy = await faultProxy(moto().port, 'Action=CreateKeyPair', 'cut');
    cleanup.push(() => proxy.close());
    const work = dir();
    const r = await ec2(proxy.url, reg, ['new', 'mid', '--out', path.join(work, 'mid.pem')]);
    expect(expectFailure(r, 'Ec2Keys.EndpointError').line).toMatch(endpointLine(proxy.url, /connection (refused|reset)/));
    expect(proxy.hits()).toBe(1);
    expect(fs.readdirSync(work)).toEqual([]);
    // EC2 did the work; the answer (with the only copy of the private key) never arrived, so the
    // CLI never learned the pair's id and cannot delete it. This is the one orphan a network cut
    // can make; the error says the endpoint could not be reached, and `get` shows the pair.
    expect((await awsPairs(moto().endpoint, reg)).map((p) => p.KeyName)).toEqual(['mid']);
  }, 120_000);

  it('an answer lost on a working network: the SDK retries CreateKeyPair and meets its own pair — the Duplicate says so', async () => {
    const reg = region();
    const proxy = await faultProxy(moto().port, 'Action=CreateKeyPair', 'lose-answer');
    cleanup.push(() => proxy.close());
    const work = dir();
    const r = await ec2(proxy.url, reg, ['--json', 'new', 'lost', '--out', path.join(work, 'lost.pem')]);
    const { json } = expectFailure(r, 'InvalidKeyPair.Duplicate');
    expect(json!.Message).toBe('key pair lost already exists, found by a retry: the first attempt lost its answer (network), so EC2 probably created the pair then, and its private key was never received');
    expect(json!.Hint).toBe('check its CreateTime with `ec2keys get lost --store ec2`; if it was created just now, remove it with `ec2keys remove lost --store ec2 --yes` and run the command again');
    expect(proxy.hits()).toBe(1);
    expect(fs.readdirSync(work)).toEqual([]);
    expect((await awsPairs(moto().endpoint, reg)).map((p) => p.KeyName)).toEqual(['lost']);
    // Following the hint works, and a plain Duplicate (no retry) keeps EC2's own message.
    expectOk(await ec2(proxy.url, reg, ['remove', 'lost', '--yes']));
    expectOk(await ec2(proxy.url, reg, ['new', 'lost', '--out', path.join(work, 'lost.pem')]));
    const again = await ec2(proxy.url, reg, ['new', 'lost', '--out', path.join(work, 'other.pem')]);
    expect(expectFailure(again, 'InvalidKeyPair.Duplicate').line).not.toMatch(/retry/);
  }, 120_000);
});

describe.concurrent('Ctrl-C while EC2 is creating the pair (a proxy holds the CreateKeyPair answer)', () => {
  // Plain and --json: the same Ec2Keys.Interrupted error as any other (cli.md), with --json also
  // the {"Error"} document on stdout (before the fix: a bare "ec2keys: interrupted", no document).
  // The third row: EC2 slower than the 5 s the handler used to wait (then it left the orphan).
  it.each([['plain', [], 1500], ['--json', ['--json'], 1500], ['plain, EC2 answering 7 s late', [], 7000]] as const)('SIGINT after the request left (%s): the handler waits for the answer, deletes the pair again, exit 130 as Ec2Keys.Interrupted, no key file', async (_form, extra, delayMs) => {
    const reg = region();
    const proxy = await faultProxy(moto().port, 'Action=CreateKeyPair', 'delay-answer', delayMs);
    cleanup.push(() => proxy.close());
    const work = dir();
    let signalled = false;
    const r = await ec2(proxy.url, reg, [...extra, 'new', 'cut-short', '--out', path.join(work, 'cut-short.pem')], {
      // The signal lands while CreateKeyPair is in flight: EC2 has (or is about to have) the
      // pair, and ec2keys does not yet know its id. Before the fix it exited at once: an orphan.
      onSpawn: (c) => void proxy.matched.then(() => setTimeout(() => {
        signalled = c.kill('SIGINT');
      }, 200)),
    });
    expect(signalled).toBe(true);
    expect(r.code, r.stderr).toBe(130);
    // Not a terminal: no blank line first, no hint (nothing was left running), one error line.
    expect(r.stderr, `${JSON.stringify(r.stderr)} after ${r.ms} ms`).toBe('ec2keys: Ec2Keys.Interrupted: interrupted by Ctrl-C (SIGINT)\n');
    if (extra.length) expect(JSON.parse(r.stdout)).toEqual({ Error: { Code: 'Ec2Keys.Interrupted', Message: 'interrupted by Ctrl-C (SIGINT)' } });
    else expect(r.stdout).toBe('');
    expect(fs.readdirSync(work)).toEqual([]);
    expect(await awsPairs(moto().endpoint, reg)).toEqual([]);
    expect(r.ms).toBeGreaterThan(delayMs); // it did wait for the answer
  }, 120_000);

  // The wait has no clock of its own (the call's deadline bounds it); a second Ctrl-C stops at once.
  it('a second SIGINT while the first waits for EC2: exit 130 at once, the hint says something was still running; the pair is left, as warned', async () => {
    const reg = region();
    const proxy = await faultProxy(moto().port, 'Action=CreateKeyPair', 'delay-answer', 30_000);
    cleanup.push(() => proxy.close());
    const work = dir();
    const r = await ec2(proxy.url, reg, ['--json', 'new', 'forced', '--out', path.join(work, 'forced.pem')], {
      onSpawn: (c) => void proxy.matched.then(() => {
        setTimeout(() => c.kill('SIGINT'), 200);
        setTimeout(() => c.kill('SIGINT'), 1200);
      }),
    });
    expect(r.code, r.stderr).toBe(130);
    const hint = 'an operation was still running when ec2keys stopped; check its result (for example with `ec2keys get`)';
    expect(r.stderr).toBe(`ec2keys: Ec2Keys.Interrupted: interrupted by Ctrl-C (SIGINT)\nhint: ${hint}\n`);
    expect(JSON.parse(r.stdout)).toEqual({ Error: { Code: 'Ec2Keys.Interrupted', Message: 'interrupted by Ctrl-C (SIGINT)', Hint: hint } });
    expect(fs.readdirSync(work)).toEqual([]);
    expect(r.ms).toBeLessThan(20_000); // not the 30 s answer
    // EC2 made the pair; the user chose not to wait for its id, as the hint says.
    // (moto got the request before the first SIGINT; on a loaded machine it may still be at it.)
    await expect.poll(async () => (await awsPairs(moto().endpoint, reg)).map((p) => p.KeyName), { timeout: 30_000, interval: 1000 }).toEqual(['forced']);
  }, 120_000);

  it('SIGINT without a terminal during `--json password --instance-id … --wait --timeout 60`: exit 130 at once, Ec2Keys.Interrupted on stderr and as the one JSON document', async () => {
    const reg = region();
    // A Linux instance: moto gives it no password data, so --wait keeps polling.
    const ami = (await aws(moto().endpoint, reg, ['ec2', 'describe-images', '--filters', 'Name=name,Values=amzn2-ami-hvm*'])).Images[0].ImageId;
    const id = (await aws(moto().endpoint, reg, ['ec2', 'run-instances', '--image-id', ami, '--instance-type', 't3.micro', '--count', '1'])).Instances[0].InstanceId;
    const proxy = await faultProxy(moto().port, 'Action=GetPasswordData', 'delay-answer', 50);
    cleanup.push(() => proxy.close());
    const keys = dir();
    opensslGenRsa(path.join(keys, 'k.pem'));
    let signalled = false;
    const r = await ec2(proxy.url, reg, ['--json', 'password', '--instance-id', id, '--key', path.join(keys, 'k.pem'), '--wait', '--timeout', '60'], {
      env: { EC2KEYS_POLL_INTERVAL_MS: '200' },
      // Polling: the first GetPasswordData has been sent (and answered "not ready").
      onSpawn: (c) => void proxy.matched.then(() => setTimeout(() => {
        signalled = c.kill('SIGINT');
      }, 500)),
    });
    expect(signalled).toBe(true);
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toBe('ec2keys: Ec2Keys.Interrupted: interrupted by Ctrl-C (SIGINT)\n');
    expect(JSON.parse(r.stdout)).toEqual({ Error: { Code: 'Ec2Keys.Interrupted', Message: 'interrupted by Ctrl-C (SIGINT)' } });
    expect(r.ms).toBeLessThan(30_000); // stopped, not timed out after 60 s
  }, 120_000);
});

describe.concurrent('slow endpoints (EC2KEYS_CONNECT_TIMEOUT / EC2KEYS_READ_TIMEOUT = 1 s)', () => {
  const fast = { EC2KEYS_CONNECT_TIMEOUT: '1', EC2KEYS_READ_TIMEOUT: '1' };
  it('a server that accepts and never answers: Ec2Keys.EndpointError naming it, after the retries, no key file', async () => {
    const srv = await silentServer();
    cleanup.push(() => srv.close());
    const work = dir();
    const reg = region();
    const [g, n] = await Promise.all([
      ec2(srv.url, reg, ['get'], { env: fast }),
      ec2(srv.url, reg, ['new', 'slow', '--out', path.join(work, 'slow.pem')], { env: fast }),
    ]);
    for (const r of [g, n]) expect(expectFailure(r, 'Ec2Keys.EndpointError').line).toMatch(endpointLine(srv.url, /(connection timed out|no answer in time)/));
    expect(fs.readdirSync(work)).toEqual([]);
  }, 120_000);

  it('a server that trickles a byte every 200 ms (never idle): the whole-call deadline ends it', async () => {
    const srv = await tricklingServer(200);
    cleanup.push(() => srv.close());
    const r = await ec2(srv.url, region(), ['get'], { env: fast });
    expect(expectFailure(r, 'Ec2Keys.EndpointError').line).toMatch(endpointLine(srv.url, /no answer in time/));
  }, 120_000);

  it('a timeout that is not a number of seconds is a usage error', async () => {
    const r = await ec2(moto().endpoint, 'us-east-1', ['get'], { env: { EC2KEYS_READ_TIMEOUT: 'soon' } });
    expect(expectFailure(r, 'Ec2Keys.Usage', 2).line).toBe('ec2keys: Ec2Keys.Usage: EC2KEYS_READ_TIMEOUT is "soon"; give a number of seconds between 0 and 3600, like 30');
  }, 120_000);
});

describe.concurrent('a key file that cannot be written: no orphan pair in EC2', () => {
  it('file-size limit hit half-way (CreateKeyPair for RSA 2048, ImportKeyPair for 4096, ppk): the pair is deleted again', async () => {
    const reg = region();
    const work = dir();
    const cases = [
      ['pem2048', ['--format', 'pem']],
      ['ppk2048', ['--format', 'ppk']],
      ['pem4096', ['--bits', '4096']],
    ] as const;
    for (const [name, extra] of cases) {
      const file = path.join(work, `${name}.key`);
      const r = await ec2(moto().endpoint, reg, ['new', name, ...extra, '--out', file], { shell: 'ulimit -f 1; exec "$@"' });
      const { line } = expectFailure(r, 'Ec2Keys.FileError');
      expect(line).toBe(`ec2keys: Ec2Keys.FileError: cannot write ${file}: the file is too large for this file system or ulimit; the key pair was deleted again, so none is left without its private key`);
    }
    expect(fs.readdirSync(work)).toEqual([]);
    expect(await awsPairs(moto().endpoint, reg)).toEqual([]);
  }, 180_000);

  it.skipIf(!CAN_MOUNT)('a full file system (tmpfs; needs root): the pair is deleted again, nothing left in the folder', async () => {
    const reg = region();
    const out = new Tmpfs(64);
    cleanup.push(() => out.unmount());
    out.fill(0);
    const before = snapshot(out.dir);
    const file = path.join(out.dir, 'full.pem');
    const r = await ec2(moto().endpoint, reg, ['new', 'full', '--out', file]);
    expect(expectFailure(r, 'Ec2Keys.FileError').line).toMatch(/cannot write .*full\.pem: the disk is full; the key pair was deleted again/);
    expect(snapshot(out.dir)).toEqual(before);
    expect(await awsPairs(moto().endpoint, reg)).toEqual([]);
  }, 120_000);

  it(`and the delete cannot reach EC2 either: the error names the pair and the command that removes it [moto: deleteByIdIgnored: ${MOTO_DEVIATIONS.deleteByIdIgnored}]`, async () => {
    const reg = region();
    const proxy = await faultProxy(moto().port, 'Action=DeleteKeyPair', 'cut-before');
    cleanup.push(() => proxy.close());
    const work = dir();
    const file = path.join(work, 'stuck.pem');
    const r = await ec2(proxy.url, reg, ['--json', 'new', 'stuck', '--out', file], { shell: 'ulimit -f 1; exec "$@"' });
    const { json } = expectFailure(r, 'Ec2Keys.FileError');
    const m = /^cannot write (.*): the file is too large for this file system or ulimit; the key pair stuck \((key-[0-9a-f]+)\) could not be deleted again: delete it with `ec2keys remove --id (key-[0-9a-f]+) --yes`$/.exec(json!.Message);
    expect(m, json!.Message).not.toBe(null);
    expect(m![1]).toBe(file);
    expect(m![3]).toBe(m![2]);
    expect(proxy.hits()).toBe(1);
    expect(fs.readdirSync(work)).toEqual([]);
    expect(await awsPairs(moto().endpoint, reg)).toEqual([expect.objectContaining({ KeyName: 'stuck', KeyPairId: m![2] })]);
    // The named command is accepted; moto ignores KeyPairId in DeleteKeyPair (EC2 deletes the pair),
    // so the pair is then removed by name.
    expectOk(await ec2(moto().endpoint, reg, ['remove', '--id', m![2], '--yes']));
    expectOk(await ec2(moto().endpoint, reg, ['remove', 'stuck', '--yes']));
    expect(await awsPairs(moto().endpoint, reg)).toEqual([]);
  }, 120_000);
});
