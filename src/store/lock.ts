// Cross-process exclusive lock for the local registry (issue #4 §1: parallel invocations never
// lose, duplicate or corrupt a pair), built so a holder killed with -9 is recovered from AT ONCE.
//
// Why not proper-lockfile: its staleness test is the lock's mtime (stale ≥ 2 s, default 10 s, the
// holder refreshing it on a timer), so after a crash every waiting command sleeps for seconds, and a
// slow-but-alive holder can be declared stale. Measured (holder killed with -9, then one lock call,
// 3 runs each, loaded 2-core machine): proper-lockfile stale=2000 → 2.5–2.8 s, stale=10000 →
// 10.7–10.9 s; this lock → 13–45 ms (no waiting: the dead pid is seen at once). Here the lock names
// its holder instead:
//
//   lock file  = {"pid","host","nonce"}; created complete and atomically by link(2)ing a fully
//                written candidate file to the lock name (EEXIST = taken), so nobody ever reads a
//                half-written lock. Every acquisition uses a fresh random nonce.
//   dead       = same host and process.kill(pid, 0) says ESRCH (or it is our own pid with a nonce we
//                do not hold: a previous life of this pid). Another host's lock is never stolen.
//   stealing   = a file whose content carries nonce x may only be unlinked by its creator or by the
//                one process that created `.steal-x` (itself such a lock, exclusive by link(2)) and
//                then re-read the file and still found x. Since x is never written again, the check
//                and the unlink cannot be split by anyone else: two stealers can never both remove
//                a lock, and a fresh lock is never removed by a stealer that read an older one.
//                A stealer killed inside that window leaves `.steal-x` behind; the same rule removes it
//                (`.steal-<its nonce>`), up to a small depth.
//
// Where hard links are unavailable (FAT, some network shares) it falls back to O_EXCL creation,
// and a lock that stays unreadable for STALE_GARBAGE_MS is treated as dead.
//
// Limits: waits at most `timeoutMs` (default 30 s) → Ec2Keys.StoreLocked naming the lock file.

import { createRequire } from 'node:module';
import * as fs from 'node:fs/promises';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { Codes, Ec2KeysError } from '../errors.js';

interface Holder {
  pid: number;
  /** worker_threads id: another thread of our own process is alive whatever its nonce. */
  tid?: number;
  host: string;
  nonce: string;
}

interface LockRead {
  holder?: Holder;
  /** Nonce-like identity: the holder's nonce, or the file's identity when its content is not a lock. */
  id: string;
  ageMs: number;
}

const STALE_GARBAGE_MS = 5000;
const MAX_STEAL_DEPTH = 4;
const HOST = hostname();
/** A short host tag in temp file names, so a shared folder's cleanup only judges its own host's pids. */
export const HOST_TAG = Buffer.from(HOST).toString('hex').slice(0, 12) || 'h';

const myNonces = new Set<string>();
const inProcess = new Map<string, Promise<unknown>>();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// node:crypto and node:worker_threads cost ~6 ms at start; reading the registry (`get`) needs neither.
const lazyRequire = createRequire(import.meta.url);
/** `bytes` random bytes as hex (node:crypto loaded on first use). */
export function randomHex(bytes: number): string {
  return (lazyRequire('node:crypto') as typeof import('node:crypto')).randomBytes(bytes).toString('hex');
}
let tid: number | undefined;
const threadId = (): number => (tid ??= (lazyRequire('node:worker_threads') as typeof import('node:worker_threads')).threadId);
const rand = () => randomHex(8);
const errCode = (e: unknown) => (e as NodeJS.ErrnoException | undefined)?.code;

export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errCode(e) !== 'ESRCH';
  }
}

function holderDead(h: Holder): boolean {
  if (h.host !== HOST) return false;
  if (h.pid === process.pid) return (h.tid ?? 0) === threadId() && !myNonces.has(h.nonce);
  return !pidAlive(h.pid);
}

async function readLock(file: string): Promise<LockRead | undefined> {
  let text: string;
  let st: import('node:fs').Stats;
  try {
    [text, st] = await Promise.all([fs.readFile(file, 'utf8'), fs.stat(file)]);
  } catch (e) {
    if (errCode(e) === 'ENOENT') return undefined;
    throw lockIoError(file, e);
  }
  const ageMs = Date.now() - st.mtimeMs;
  try {
    const h = JSON.parse(text) as Holder;
    if (Number.isInteger(h.pid) && typeof h.host === 'string' && typeof h.nonce === 'string' && /^[A-Za-z0-9]{1,64}$/.test(h.nonce)) {
      return { holder: h, id: h.nonce, ageMs };
    }
  } catch {
    // fall through: not a lock we wrote (or a fallback lock caught before its content was written)
  }
  return { id: `g${st.ino}x${Math.floor(st.mtimeMs)}x${st.size}`, ageMs };
}

function isDead(r: LockRead): boolean {
  return r.holder ? holderDead(r.holder) : r.ageMs > STALE_GARBAGE_MS;
}

function lockIoError(file: string, e: unknown): Ec2KeysError {
  return new Ec2KeysError(Codes.FileError, `cannot use the lock file ${file}: ${(e as Error).message}`, {
    cause: e, target: file, hint: 'check free space and permissions of the registry folder (EC2KEYS_HOME or --home)',
  });
}

/**
 * Create `target` exclusively with `content`. Returns false if it exists. The content is complete
 * the moment the name appears (link of a written candidate), unless links are unsupported.
 */
async function createExclusive(dir: string, target: string, content: string): Promise<boolean> {
  const cand = path.join(dir, `.cand-${HOST_TAG}-${process.pid}-${rand()}`);
  try {
    await fs.writeFile(cand, content, { flag: 'wx', mode: 0o600 });
  } catch (e) {
    // A write that fails after creating the file (disk full: ENOSPC) must not leave it behind.
    if (errCode(e) !== 'EEXIST') await fs.unlink(cand).catch(() => {});
    throw e;
  }
  try {
    await fs.link(cand, target);
    return true;
  } catch (e) {
    const c = errCode(e);
    if (c === 'EEXIST') return false;
    if (c === 'EPERM' || c === 'ENOTSUP' || c === 'ENOSYS' || c === 'EOPNOTSUPP' || c === 'EXDEV') {
      try {
        await fs.writeFile(target, content, { flag: 'wx', mode: 0o600 });
        return true;
      } catch (e2) {
        if (errCode(e2) === 'EEXIST') return false;
        throw e2;
      }
    }
    throw e;
  } finally {
    await fs.unlink(cand).catch(() => {});
  }
}

/** Remove `file` (read as `seen`, judged dead) following the steal rule above. */
async function removeDead(dir: string, file: string, seen: LockRead, depth: number): Promise<void> {
  if (depth > MAX_STEAL_DEPTH) return;
  const nonce = 'S' + rand();
  const steal = path.join(dir, `.steal-${seen.id}`);
  myNonces.add(nonce);
  try {
    if (!(await createExclusive(dir, steal, JSON.stringify({ pid: process.pid, tid: threadId(), host: HOST, nonce })))) {
      const other = await readLock(steal);
      if (other && isDead(other)) await removeDead(dir, steal, other, depth + 1);
      return;
    }
    try {
      const again = await readLock(file);
      if (again && again.id === seen.id) await fs.unlink(file).catch((e) => { if (errCode(e) !== 'ENOENT') throw e; });
    } finally {
      await fs.unlink(steal).catch(() => {});
    }
  } finally {
    myNonces.delete(nonce);
  }
}

/** Leftovers of killed processes of this host: candidates and temp files (pid in the name), steal files. */
async function sweep(dir: string, myNonce: string): Promise<void> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return;
  }
  for (const n of names) {
    const m = /^\.(?:cand|tmp)-([0-9a-f]+|h)-(\d+)-/.exec(n);
    if (m) {
      if (m[1] === HOST_TAG && !pidAlive(Number(m[2]))) await fs.unlink(path.join(dir, n)).catch(() => {});
      continue;
    }
    // `.steal-L…` targets a lock nonce. While we hold the lock, no lock with another nonce exists or
    // can exist again (nonces are used once), so a dead stealer's file for it is garbage.
    if (n.startsWith('.steal-L') && n !== `.steal-${myNonce}`) {
      const r = await readLock(path.join(dir, n));
      if (r && isDead(r)) await fs.unlink(path.join(dir, n)).catch(() => {});
    }
  }
}

export interface LockOptions {
  timeoutMs?: number;
}

/** Run `fn` holding the exclusive lock `lockFile` (in-process callers queue, processes wait). */
export async function withLock<T>(lockFile: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const prev = inProcess.get(lockFile) ?? Promise.resolve();
  const run = prev.catch(() => {}).then(() => lockedRun(lockFile, fn, opts));
  const tail = run.catch(() => {});
  inProcess.set(lockFile, tail);
  try {
    return await run;
  } finally {
    if (inProcess.get(lockFile) === tail) inProcess.delete(lockFile);
  }
}

async function lockedRun<T>(lockFile: string, fn: () => Promise<T>, opts: LockOptions): Promise<T> {
  const dir = path.dirname(lockFile);
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  const nonce = 'L' + rand();
  const content = JSON.stringify({ pid: process.pid, tid: threadId(), host: HOST, nonce });
  myNonces.add(nonce);
  let wait = 2;
  try {
    for (;;) {
      let got: boolean;
      try {
        got = await createExclusive(dir, lockFile, content);
      } catch (e) {
        throw lockIoError(lockFile, e);
      }
      if (got) break;
      const cur = await readLock(lockFile);
      if (!cur) continue;
      if (isDead(cur)) {
        await removeDead(dir, lockFile, cur, 0);
        continue;
      }
      if (Date.now() > deadline) {
        const who = cur.holder ? `process ${cur.holder.pid} on ${cur.holder.host}` : 'an unknown process';
        throw new Ec2KeysError(Codes.StoreLocked, `the key pair registry is locked by ${who} (lock file ${lockFile}); waited ${Math.round(timeoutMs / 1000)} s`, {
          target: lockFile,
          hint: `wait for the other ec2keys command to finish; if none is running, delete ${lockFile}`,
        });
      }
      await sleep(wait + Math.random() * wait);
      wait = Math.min(wait * 1.5, 50);
    }
    await sweep(dir, nonce).catch(() => {}); // housekeeping only: never fails the write
    try {
      return await fn();
    } finally {
      const cur = await readLock(lockFile).catch(() => undefined);
      if (cur?.id === nonce) await fs.unlink(lockFile).catch(() => {});
    }
  } finally {
    myNonces.delete(nonce);
  }
}
