// Files and streams for the CLI layer: reading key inputs, and writing private keys the way
// issue #3/#4 require — atomically (temp file in the target folder, fsync, then link/rename),
// owner-only (0600 on POSIX; on Windows an ACL for the current user only, inheritance
// removed), no BOM, never replacing an existing file without --force, and leaving no partial
// or temp file behind on any failure or Ctrl-C.

import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Codes, Ec2KeysError } from '../errors.js';
import type { Ctx } from './context.js';

/** Temp files in flight; removed by the SIGINT handler in main.ts. */
export const pendingTempFiles = new Set<string>();

/**
 * Undo steps to run if the user presses Ctrl-C mid-command (e.g. delete a key pair just created
 * whose key file is not written yet: no orphan pair without its private key).
 */
export const interruptHooks = new Set<() => Promise<void>>();

export async function runInterruptHooks(timeoutMs = 5000): Promise<void> {
  const all = Promise.allSettled([...interruptHooks].map((f) => f()));
  interruptHooks.clear();
  await Promise.race([all, new Promise((r) => setTimeout(r, timeoutMs).unref())]);
}

export function fileError(e: unknown, file: string, doing: string): Ec2KeysError {
  const err = e as NodeJS.ErrnoException;
  const reasons: Record<string, string> = {
    ENOENT: 'it does not exist',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EISDIR: 'it is a folder',
    ENOTDIR: 'a part of the path is not a folder',
    EROFS: 'the file system is read-only',
    ENOSPC: 'the disk is full',
    EDQUOT: 'the disk quota is exceeded',
    EFBIG: 'the file is too large for this file system or ulimit',
    EEXIST: 'it already exists',
  };
  const why = reasons[err?.code ?? ''] ?? err?.message ?? String(e);
  return new Ec2KeysError(Codes.FileError, `cannot ${doing} ${file}: ${why}`, { target: file });
}

/** Read a key input: a path, or '-' for standard input. */
export async function readInput(ctx: Ctx, file: string, maxBytes = 1024 * 1024 + 1): Promise<{ bytes: Buffer; what: string }> {
  if (file === '-') {
    if (ctx.stdin.isTTY) throw new Ec2KeysError(Codes.Usage, 'standard input is a terminal; pipe the key in or give a file name', { exitCode: 2 });
    return { bytes: await readStream(ctx.stdin, maxBytes), what: 'standard input' };
  }
  const p = path.resolve(ctx.cwd, file);
  try {
    const st = await fs.promises.stat(p);
    if (st.isDirectory()) throw Object.assign(new Error('dir'), { code: 'EISDIR' });
    if (st.size > maxBytes) {
      throw new Ec2KeysError(Codes.InvalidKeyFormat, `${file} is ${st.size} bytes; a key file is at most ${maxBytes - 1} bytes`, { target: file });
    }
    return { bytes: await fs.promises.readFile(p), what: path.basename(file) };
  } catch (e) {
    if (e instanceof Ec2KeysError) throw e;
    throw fileError(e, file, 'read');
  }
}

export async function readStream(s: NodeJS.ReadableStream, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of s) {
    const b = typeof c === 'string' ? Buffer.from(c) : (c as Buffer);
    n += b.length;
    if (n > maxBytes) throw new Ec2KeysError(Codes.InvalidKeyFormat, `standard input is larger than ${maxBytes - 1} bytes; a key is much smaller`);
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

export interface WriteSecretOptions {
  force?: boolean;
  /** Windows only: owner-only ACL. Tests may turn it off. */
  platform?: NodeJS.Platform;
}

/** Fail early (before any key pair is created) if `file` exists and --force was not given, or its folder is missing. */
export function checkWritable(file: string, force = false): void {
  const dir = path.dirname(file);
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch (e) {
    throw fileError(e, dir, 'write into folder');
  }
  if (!st.isDirectory()) throw fileError(Object.assign(new Error(), { code: 'ENOTDIR' }), dir, 'write into folder');
  if (!force && fs.existsSync(file)) throw fileExists(file);
}

export function fileExists(file: string): Ec2KeysError {
  return new Ec2KeysError(Codes.FileExists, `${file} already exists; not overwriting it`, {
    hint: 'choose another --out, or add --force to replace it',
    target: file,
  });
}

/**
 * Write a secret file atomically and owner-only. Without `force` an existing file is never
 * replaced, even one created by another process between our check and our write (link(2) fails
 * with EEXIST atomically). Returns the absolute path.
 */
export async function writeSecretFile(file: string, data: string | Buffer, opts: WriteSecretOptions = {}): Promise<string> {
  const abs = path.resolve(file);
  const dir = path.dirname(abs);
  const tmp = path.join(dir, `.${path.basename(abs)}.${randomBytes(6).toString('hex')}.tmp`);
  const platform = opts.platform ?? process.platform;
  let fd: number | undefined;
  pendingTempFiles.add(tmp);
  try {
    if (!opts.force && fs.existsSync(abs)) throw fileExists(abs);
    try {
      fd = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
    } catch (e) {
      throw fileError(e, abs, 'write');
    }
    if (platform === 'win32') restrictWindowsAcl(tmp);
    try {
      fs.writeFileSync(fd, data);
      fs.fsyncSync(fd);
    } catch (e) {
      throw fileError(e, abs, 'write');
    } finally {
      fs.closeSync(fd);
      fd = undefined;
    }
    if (opts.force) {
      try {
        fs.renameSync(tmp, abs);
      } catch (e) {
        throw fileError(e, abs, 'replace');
      }
    } else {
      try {
        fs.linkSync(tmp, abs);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw fileExists(abs);
        if (['EPERM', 'ENOTSUP', 'EXDEV', 'ENOSYS'].includes((e as NodeJS.ErrnoException).code ?? '')) {
          // File systems without hard links (FAT, some network shares): best effort no-clobber.
          if (fs.existsSync(abs)) throw fileExists(abs);
          fs.renameSync(tmp, abs);
        } else throw fileError(e, abs, 'write');
      }
    }
    if (platform !== 'win32') {
      try {
        fs.chmodSync(abs, 0o600);
      } catch {
        /* link shares the inode, already 0600 */
      }
    }
    syncDir(dir);
    return abs;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
    try {
      fs.unlinkSync(tmp);
    } catch {
      /* renamed away, or never created */
    }
    pendingTempFiles.delete(tmp);
  }
}

function syncDir(dir: string): void {
  if (process.platform === 'win32') return;
  try {
    const d = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(d);
    } finally {
      fs.closeSync(d);
    }
  } catch {
    /* not all file systems allow it */
  }
}

/** Windows: remove inherited ACEs and grant only the current user full control (what OpenSSH for Windows requires). */
export function restrictWindowsAcl(file: string): void {
  const user = process.env.USERDOMAIN && process.env.USERNAME ? `${process.env.USERDOMAIN}\\${process.env.USERNAME}` : process.env.USERNAME;
  if (!user) throw new Ec2KeysError(Codes.FileError, `cannot restrict ${file} to its owner: USERNAME is not set`);
  try {
    // The child gets no passphrase: EC2KEYS_PASSPHRASE / EC2KEYS_NEW_PASSPHRASE stay in this process.
    execFileSync('icacls', [file, '/inheritance:r', '/grant:r', `${user}:F`], { stdio: 'ignore', windowsHide: true, env: withoutSecrets(process.env) });
  } catch (e) {
    throw new Ec2KeysError(Codes.FileError, `cannot restrict ${file} to its owner (icacls failed)`, { cause: e, target: file });
  }
}

/** The environment for a child process: ours without the passphrase variables. */
export function withoutSecrets(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (!/^EC2KEYS_(NEW_)?PASSPHRASE$/i.test(k)) out[k] = v;
  return out;
}

/** Remove the temp files of writes cut short (SIGINT). */
export function cleanupTempFiles(): void {
  for (const f of pendingTempFiles) {
    try {
      fs.unlinkSync(f);
    } catch {
      /* gone */
    }
  }
  pendingTempFiles.clear();
}
