// Files and streams for the CLI layer: reading key inputs, and writing private keys the way
// issue #3/#4 require — atomically (temp file in the target folder, fsync, then link/rename),
// owner-only (0600 on POSIX; on Windows an ACL for the current user only, inheritance
// removed), no BOM, never replacing an existing file without --force, and leaving no partial
// or temp file behind on any failure or Ctrl-C.

import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Codes, Ec2KeysError, UsageError } from '../errors.js';
import { stdinIsTTY, type Ctx } from './context.js';
import { pendingTempFiles } from './interrupt.js';

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
    ENAMETOOLONG: 'the name is too long for this file system',
    ELOOP: 'too many symbolic links in the path',
    EBUSY: 'it is in use by another program',
    EMFILE: 'too many open files',
  };
  const why = reasons[err?.code ?? ''] ?? err?.message ?? String(e);
  return new Ec2KeysError(Codes.FileError, `cannot ${doing} ${file}: ${why}`, { target: file });
}

/**
 * Standard input is one stream: whoever reads it second finds it empty, and an empty passphrase
 * or key was reported as a wrong passphrase or a bad key (`convert - --passphrase-file /dev/stdin`
 * said "BadPassphrase"). `who` names the reader: '-', or the path that is stdin in disguise.
 */
function claimStdin(ctx: Ctx, who: string): void {
  if (ctx.stdinReader !== undefined) {
    throw new UsageError(`standard input can be read only once: ${ctx.stdinReader} has read it, so ${who} would find it empty`, {
      hint: 'save one of them to a file and give that name (a passphrase can also come from EC2KEYS_PASSPHRASE)',
    });
  }
  ctx.stdinReader = who;
}

/** All of standard input (at most maxBytes + 1 bytes), for `who`. */
export function readStdin(ctx: Ctx, maxBytes: number, who = "'-'"): Promise<Buffer> {
  claimStdin(ctx, who);
  return readStream(ctx.stdin, maxBytes);
}

/**
 * The path is the stream on standard input under another name (/dev/stdin, /dev/fd/0,
 * /proc/self/fd/0, or the pipe itself): a pipe, terminal or socket is read once. A regular file
 * redirected to stdin is not: opening it by name reads it from the start again.
 */
function isStdinStream(ctx: Ctx, p: string): boolean {
  if (ctx.stdinFd === undefined) return false;
  try {
    const named = fs.statSync(p);
    if (named.isFile()) return false;
    const input = fs.fstatSync(ctx.stdinFd);
    return named.dev === input.dev && named.ino === input.ino;
  } catch {
    return false;
  }
}

/**
 * `file` about to be read by name: when the name is stdin in disguise, claims standard input and
 * returns its descriptor, to read instead of opening the name (a socket on stdin, as a parent
 * Node process gives, cannot be opened through /dev/stdin: ENXIO).
 */
export function claimIfStdin(ctx: Ctx, file: string, who = file): number | undefined {
  if (!isStdinStream(ctx, path.resolve(ctx.cwd, file))) return undefined;
  claimStdin(ctx, who);
  return ctx.stdinFd;
}

/** Read a key input: a path, or '-' for standard input. */
export async function readInput(ctx: Ctx, file: string, maxBytes = 1024 * 1024 + 1): Promise<{ bytes: Buffer; what: string }> {
  if (file === '-') {
    if (stdinIsTTY(ctx)) throw new Ec2KeysError(Codes.Usage, 'standard input is a terminal; pipe the key in or give a file name', { exitCode: 2 });
    return { bytes: await readStdin(ctx, maxBytes), what: 'standard input' };
  }
  const p = path.resolve(ctx.cwd, file);
  // readStream refuses more than maxBytes itself.
  if (claimIfStdin(ctx, file) !== undefined) return { bytes: await readStream(ctx.stdin, maxBytes), what: path.basename(file) };
  try {
    const st = await fs.promises.stat(p);
    if (st.isDirectory()) throw Object.assign(new Error('dir'), { code: 'EISDIR' });
    if (st.size > maxBytes) {
      throw new Ec2KeysError(Codes.InvalidKeyFormat, `${file} is ${st.size} bytes; a key file is at most ${maxBytes - 1} bytes`, { target: file });
    }
    // A device or a pipe (/dev/zero, /dev/stdin, bash's <(…)) has no size to check first: read
    // it with the same cap, or /dev/zero is read for ever.
    const bytes = st.isFile() ? await fs.promises.readFile(p) : readBoundedSync(p, maxBytes);
    if (bytes.length > maxBytes) {
      throw new Ec2KeysError(Codes.InvalidKeyFormat, `${file} is larger than ${maxBytes - 1} bytes; a key file is much smaller`, { target: file });
    }
    return { bytes, what: path.basename(file) };
  } catch (e) {
    if (e instanceof Ec2KeysError) throw e;
    throw fileError(e, file, 'read');
  }
}

/** What readBoundedSync waits on (10 ms) while a non-blocking stdin has nothing yet. */
const PAUSE = new Int32Array(new SharedArrayBuffer(4));

/**
 * At most `maxBytes` + 1 bytes of a file (a longer one comes back one byte over the cap, for the
 * caller to refuse): files that are devices or pipes report no size, and /dev/zero never ends.
 */
export function readBoundedSync(file: string | number, maxBytes: number): Buffer {
  // A descriptor (standard input) is read, not opened, and stays open.
  const fd = typeof file === 'number' ? file : fs.openSync(file, 'r');
  try {
    const chunks: Buffer[] = [];
    let n = 0;
    while (n <= maxBytes) {
      const b = Buffer.allocUnsafe(Math.min(65536, maxBytes + 1 - n));
      let got: number;
      try {
        got = fs.readSync(fd, b, 0, b.length, null);
      } catch (e) {
        // A non-blocking pipe or socket with nothing yet: wait 10 ms rather than spin a core.
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') {
          Atomics.wait(PAUSE, 0, 0, 10);
          continue;
        }
        throw e;
      }
      if (got === 0) break;
      chunks.push(b.subarray(0, got));
      n += got;
    }
    return Buffer.concat(chunks);
  } finally {
    if (typeof file !== 'number') fs.closeSync(fd);
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

/** The longest file name (bytes of UTF-8) ext4, tmpfs, APFS and NTFS take. */
export const NAME_MAX = 255;

/** `.NAME.RANDOM.tmp` for the file NAME, its NAME part cut so the whole fits NAME_MAX. */
function tempNameFor(base: string, random: string): string {
  const room = NAME_MAX - `.${random}.tmp`.length - 1;
  return `.${cutToBytes(base, room)}.${random}.tmp`;
}

/** At most `max` bytes of UTF-8, cut at a character boundary. */
export function cutToBytes(s: string, max: number): string {
  if (Buffer.byteLength(s) <= max) return s;
  let out = '';
  for (const c of s) {
    if (Buffer.byteLength(out + c) > max) break;
    out += c;
  }
  return out;
}

/** Fail early (before any key pair is created) if `file` exists and --force was not given, or its folder is missing. */
export function checkWritable(file: string, force = false): void {
  if (Buffer.byteLength(path.basename(file)) > NAME_MAX) {
    const e = fileError(Object.assign(new Error(), { code: 'ENAMETOOLONG' }), file, 'write');
    throw new Ec2KeysError(e.code, e.message, { target: file, hint: `choose a file name of at most ${NAME_MAX} bytes with --out` });
  }
  const dir = path.dirname(file);
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch (e) {
    throw fileError(e, dir, 'write into folder');
  }
  if (!st.isDirectory()) throw fileError(Object.assign(new Error(), { code: 'ENOTDIR' }), dir, 'write into folder');
  // One lstat for both questions; a dangling symlink counts as there (link(2) would meet it too).
  if (refuseSpecialFile(file) && !force) throw fileExists(file);
}

/**
 * A key file is written as a new file renamed into place, so a device, pipe or socket at the
 * target would be REPLACED by a regular file holding the key (`--out /dev/null --force` as root
 * turned /dev/null into a private key file). Those are refused, with or without --force.
 * Returns whether anything is at `file`.
 */
function refuseSpecialFile(file: string): boolean {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(file);
  } catch {
    return false; // nothing there (or unreadable: the write reports it)
  }
  const kind = st.isCharacterDevice() ? 'a character device' : st.isBlockDevice() ? 'a block device' : st.isFIFO() ? 'a named pipe' : st.isSocket() ? 'a socket' : undefined;
  if (!kind) return true;
  throw new Ec2KeysError(Codes.FileError, `${file} is ${kind}, not a file: a key file is written as a new file and renamed into place, which would replace it`, {
    target: file,
    hint: "use --out - to write the key to standard output (and redirect that), or name a regular file",
  });
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
  // The temp name holds the final one (a leftover says whose it is), cut to fit: a 240-character
  // key name has a valid file name, but `.NAME.RANDOM.tmp` would be too long for the file system.
  const tmp = path.join(dir, tempNameFor(path.basename(abs), randomBytes(6).toString('hex')));
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
      refuseSpecialFile(abs); // again: one may have appeared since checkWritable
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
    // child_process costs ~7 ms at start (it loads net and streams): only when needed.
    const { execFileSync } = createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process');
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
