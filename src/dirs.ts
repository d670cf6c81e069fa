// Creating folders without Node's recursive mkdir, for the registry and the wizard's key folder.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';

const code = (e: unknown) => (e as NodeJS.ErrnoException | undefined)?.code;

/**
 * `mkdir -p`, one level at a time. Node's `mkdir(…, { recursive: true })` never returns when a
 * parent exists but mkdir of its child still says ENOENT — a folder under /proc, a dangling
 * mount — it retries for ever at 100% CPU (nodejs/node, same loop bun fixed in #40600). Here a
 * child that cannot be made after its parent exists is an error.
 */
export async function makeDirs(dir: string, mode: number): Promise<void> {
  try {
    await fs.mkdir(dir, { mode });
    return;
  } catch (e) {
    if (code(e) === 'EEXIST') {
      const st = await fs.stat(dir).catch(() => undefined);
      if (st?.isDirectory()) return;
      throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${dir}'`), { code: 'ENOTDIR' });
    }
    if (code(e) !== 'ENOENT') throw e;
  }
  const parent = path.dirname(dir);
  if (parent === dir) throw Object.assign(new Error(`ENOENT: no such file or directory, mkdir '${dir}'`), { code: 'ENOENT' });
  await makeDirs(parent, mode);
  try {
    await fs.mkdir(dir, { mode });
  } catch (e) {
    if (code(e) === 'EEXIST' && (await fs.stat(dir).catch(() => undefined))?.isDirectory()) return;
    throw e;
  }
}
