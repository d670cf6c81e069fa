// The embedded local key-pair registry (`--store local`, the default): EC2's key-pair API, as REAL
// EC2 behaves (../shared/reference/ec2-semantics.md §1 and §3, not moto), kept on disk.
//
// Layout: <home>/regions/<region>/keypairs.json, one file per region, three lines of sections:
//   ec2keys-registry <version> <region> <metadata bytes> <public-key bytes>
//   {"KeyPairs":[{KeyPairId, KeyName, KeyType, KeyFingerprint, CreateTime, Tags, Origin}, …one a line]}
//   {"key-…":"ssh-ed25519 AAAA…", …one a line}
// Public keys live in their own section because `get` (DescribeKeyPairs without
// IncludePublicKey) needs only the metadata: it reads the header and the first section, a third of
// the bytes for RSA keys, and parses only that. The byte counts also tell a complete file from a
// torn one. Origin (created|imported) says which fingerprint form KeyFingerprint is. Public keys
// and metadata only: a private key is generated, handed back once in KeyMaterial, never written.
//
// Writes: read-modify-write under the cross-process lock of lock.ts (recovers at once from a
// holder killed with -9), the new document written to a temp file in the same folder, fsync'ed,
// renamed over keypairs.json and the folder fsync'ed: readers (no lock) see the old or the new
// document, never half of one. A document that does not parse or has the wrong shape is
// Ec2Keys.StoreCorrupt naming the file, for readers and writers alike: it is never overwritten.
//
// Limits: 5,000 pairs per region (KeyPairLimitExceeded, like EC2); names, tags, filters as in
// names.ts. Reading loads nothing heavy (no key parsing) so `get --json` over 5,000 pairs is fast.

import { isAscii } from 'node:buffer';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { makeDirs } from '../dirs.js';
import { Codes, Ec2KeysError } from '../errors.js';
import { HOST_TAG, randomHex, withLock } from './lock.js';
import {
  compileFilters, duplicateError, notFoundId, notFoundName, quotaError, validateBits, validateFilters, validateKeyName,
  validateKeyType, validateTags,
} from './names.js';
import {
  KEY_PAIR_QUOTA, type CreateKeyPairInput, type CreateKeyPairOutput, type DeleteKeyPairInput, type DeleteKeyPairOutput,
  type DescribeKeyPairsInput, type ImportBatchResult, type ImportKeyPairInput, type ImportKeyPairOutput, type KeyPairInfo,
  type KeyPairStore, type KeyType, type LocalStoreOptions, type PasswordDataOutput, type Tag,
} from './types.js';

export const REGISTRY_FORMAT = 'ec2keys-registry';
export const REGISTRY_VERSION = 1;

interface PairRecord {
  KeyPairId: string;
  KeyName: string;
  KeyType: KeyType;
  KeyFingerprint: string;
  CreateTime: string;
  Tags: Tag[];
  Origin: 'created' | 'imported';
}

interface Registry {
  pairs: PairRecord[];
  /** KeyPairId → OpenSSH line without comment; absent when only the metadata was read. */
  pubs?: Map<string, string>;
}

/** Names and ids of a Registry's pairs, kept next to it while a batch adds pairs. */
interface RegistryIndex {
  names: Set<string>;
  ids: Set<string>;
}

const HEADER_MAX = 256;

/** Region names become folder names: only EC2's shape (us-east-1, us-gov-west-1, cn-north-1…). */
export function validateRegion(region: unknown): string {
  if (typeof region !== 'string' || !/^[a-z]{2}(-[a-z0-9]+){1,3}$/.test(region) || region.length > 40) {
    throw new Ec2KeysError(Codes.InvalidParameterValue, `region ${JSON.stringify(String(region ?? ''))} is not an AWS region name (like us-east-1)`, {
      hint: 'give --region REGION or set AWS_REGION',
    });
  }
  return region;
}

const errCode = (e: unknown) => (e as NodeJS.ErrnoException | undefined)?.code;

/** UTF-8 text; ASCII (names are, tags usually) decoded as Latin-1, 3x faster for 5,000 pairs. */
function text(b: Buffer): string {
  return isAscii(b) ? b.toString('latin1') : b.toString('utf8');
}

export class LocalStore implements KeyPairStore {
  readonly kind = 'local' as const;
  readonly region: string;
  readonly home: string;
  readonly dir: string;
  readonly file: string;
  readonly lockFile: string;
  private readonly lockTimeoutMs?: number;
  /** Per-region quota; a parameter only so tests can reach it cheaply. */
  quota = KEY_PAIR_QUOTA;

  constructor(opts: LocalStoreOptions) {
    this.region = validateRegion(opts.region);
    if (typeof opts.home !== 'string' || opts.home === '') throw new Ec2KeysError(Codes.Usage, 'no registry folder given', { exitCode: 2 });
    this.home = path.resolve(opts.home);
    this.dir = path.join(this.home, 'regions', this.region);
    this.file = path.join(this.dir, 'keypairs.json');
    this.lockFile = path.join(this.dir, 'keypairs.lock');
    this.lockTimeoutMs = opts.lockTimeoutMs;
  }

  // ---------------------------------------------------------------- storage

  private corrupt(why: string, cause?: unknown): Ec2KeysError {
    return new Ec2KeysError(Codes.StoreCorrupt, `the key pair registry ${this.file} ${why}`, {
      target: this.file,
      cause,
      hint: 'ec2keys will not overwrite it; restore it from a backup or move it aside (the key pairs in it are then forgotten)',
    });
  }

  /** The current registry (with public keys only if asked); a missing file is an empty registry. */
  private async load(withPublic: boolean): Promise<Registry> {
    let fh: fs.FileHandle;
    try {
      fh = await fs.open(this.file, 'r');
    } catch (e) {
      if (errCode(e) === 'ENOENT') return { pairs: [], pubs: withPublic ? new Map() : undefined };
      // Not allowed to read it (another user's registry, a folder without rights) is not damage:
      // the StoreCorrupt hint ("move it aside") would make the user forget every pair in it.
      // A file where a folder of the path should be (--home pointing at a file): the registry is
      // not damaged, the folder is wrong.
      if (errCode(e) === 'ENOTDIR') {
        throw new Ec2KeysError(Codes.FileError, `cannot use ${this.home} as the key pair registry folder: ${this.dir} is not a folder (a part of the path is a file)`, {
          cause: e, target: this.home,
          hint: 'choose a folder with --home or EC2KEYS_HOME (it is created if missing)',
        });
      }
      if (errCode(e) === 'EACCES' || errCode(e) === 'EPERM') {
        throw new Ec2KeysError(Codes.FileError, `cannot read the key pair registry ${this.file}: permission denied`, {
          cause: e, target: this.file,
          hint: 'run ec2keys as the user who owns the registry, or choose your own folder with --home or EC2KEYS_HOME',
        });
      }
      throw this.corrupt(`cannot be read (${(e as Error).message})`, e);
    }
    let metaText: string;
    let pubText: string | undefined;
    try {
      const { size } = await fh.stat();
      if (size === 0) throw this.corrupt('is empty');
      const head = await readAt(fh, 0, Math.min(size, HEADER_MAX));
      const nl = head.indexOf(10);
      const line = head.toString('latin1', 0, nl < 0 ? head.length : nl);
      if (!line.startsWith(REGISTRY_FORMAT + ' ')) throw this.corrupt('is not an ec2keys registry file');
      const m = /^ec2keys-registry (\d+) (\S+) (\d+) (\d+)$/.exec(line);
      if (m && Number(m[1]) !== REGISTRY_VERSION) {
        throw this.corrupt(`has format version ${m[1]}; this ec2keys reads version ${REGISTRY_VERSION}`);
      }
      if (!m || nl < 0) throw this.corrupt('has a damaged header line');
      if (m[2] !== this.region) throw this.corrupt(`belongs to region ${m[2]}, not ${this.region}`);
      const metaLen = Number(m[3]);
      const pubLen = Number(m[4]);
      const expected = nl + 1 + metaLen + 1 + pubLen + 1;
      if (size !== expected) throw this.corrupt(`is incomplete or damaged (${size} bytes; its header announces ${expected})`);
      metaText = text(await readAt(fh, nl + 1, metaLen));
      if (withPublic) pubText = text(await readAt(fh, nl + 1 + metaLen + 1, pubLen));
    } catch (e) {
      if (e instanceof Ec2KeysError) throw e;
      throw this.corrupt(`cannot be read (${(e as Error).message})`, e);
    } finally {
      await fh.close().catch(() => {});
    }

    let meta: { KeyPairs?: PairRecord[] };
    try {
      meta = JSON.parse(metaText) as { KeyPairs?: PairRecord[] };
    } catch (e) {
      throw this.corrupt(`has a damaged key pair list (${(e as Error).message})`, e);
    }
    if (!meta || !Array.isArray(meta.KeyPairs)) throw this.corrupt('has no key pair list');
    const pairs = meta.KeyPairs;
    for (let i = 0; i < pairs.length; i++) {
      const p = pairs[i];
      if (!p || typeof p.KeyPairId !== 'string' || typeof p.KeyName !== 'string' || typeof p.KeyFingerprint !== 'string' ||
        typeof p.CreateTime !== 'string' || (p.KeyType !== 'rsa' && p.KeyType !== 'ed25519') || !Array.isArray(p.Tags)) {
        throw this.corrupt(`has a damaged entry (key pair number ${i + 1})`);
      }
    }
    if (pubText === undefined) return { pairs };
    let pubObj: Record<string, unknown>;
    try {
      pubObj = JSON.parse(pubText) as Record<string, unknown>;
    } catch (e) {
      throw this.corrupt(`has a damaged public key list (${(e as Error).message})`, e);
    }
    const pubs = new Map<string, string>();
    for (const p of pairs) {
      const line = pubObj?.[p.KeyPairId];
      if (typeof line !== 'string') throw this.corrupt(`has no public key for ${p.KeyPairId} (${p.KeyName})`);
      pubs.set(p.KeyPairId, line);
    }
    return { pairs, pubs };
  }

  /** Whole-file write: temp file, fsync, rename, fsync of the folder. */
  private async save(reg: Registry): Promise<void> {
    const { pairs, pubs } = reg;
    if (!pubs) throw new Ec2KeysError(Codes.Internal, 'registry write without public keys');
    const sep = pairs.length ? '\n' : '';
    const meta = '{"KeyPairs":[' + pairs.map((p) => '\n' + JSON.stringify(p)).join(',') + sep + ']}';
    const pub = '{' + pairs.map((p) => '\n' + JSON.stringify(p.KeyPairId) + ':' + JSON.stringify(pubs.get(p.KeyPairId))).join(',') + sep + '}';
    const body = `${REGISTRY_FORMAT} ${REGISTRY_VERSION} ${this.region} ${Buffer.byteLength(meta)} ${Buffer.byteLength(pub)}\n${meta}\n${pub}\n`;
    const tmp = path.join(this.dir, `.tmp-${HOST_TAG}-${process.pid}-${randomHex(6)}`);
    let fh: fs.FileHandle | undefined;
    try {
      fh = await fs.open(tmp, 'wx', 0o600);
      await fh.writeFile(body, 'utf8');
      await fh.sync();
      await fh.close();
      fh = undefined;
      await renameRetrying(tmp, this.file);
    } catch (e) {
      await fh?.close().catch(() => {});
      await fs.unlink(tmp).catch(() => {});
      throw new Ec2KeysError(Codes.FileError, `cannot write the key pair registry ${this.file}: ${(e as Error).message}`, {
        cause: e, target: this.file, hint: 'check free space and permissions of the registry folder (EC2KEYS_HOME or --home)',
      });
    }
    if (process.platform !== 'win32') {
      // Make the rename itself durable (POSIX); Windows cannot open a folder for fsync.
      const d = await fs.open(this.dir, 'r').catch(() => undefined);
      await d?.sync().catch(() => {});
      await d?.close().catch(() => {});
    }
  }

  /** Locked read-modify-write; `fn` returns [result, changed]. Nothing is written when unchanged. */
  private async update<T>(fn: (doc: Registry) => [T, boolean]): Promise<T> {
    try {
      await makeDirs(this.dir, 0o700);
    } catch (e) {
      if (errCode(e) === 'ENOTDIR') await this.load(false); // names the folder that is a file
      throw new Ec2KeysError(Codes.FileError, `cannot create the registry folder ${this.dir}: ${(e as Error).message}`, {
        cause: e, target: this.dir, hint: 'choose a writable folder with --home or EC2KEYS_HOME',
      });
    }
    return withLock(this.lockFile, async () => {
      const doc = await this.load(true);
      const [result, changed] = fn(doc);
      if (changed) await this.save(doc);
      return result;
    }, { timeoutMs: this.lockTimeoutMs });
  }

  /**
   * `index`: the names and ids already in `doc`, for a batch — a scan of `doc.pairs` per item made
   * `import --batch` of 5,000 keys quadratic (~20% of its time; bench/run.mjs).
   */
  private newId(doc: Registry, index?: RegistryIndex): string {
    for (;;) {
      // key- + 17 hex digits, the first a 0, as every real EC2 key pair id (and every other
      // 17-digit AWS id) has it: key-0343183b6656b1f95, key-09cd09ed9afb6475f (ec2-semantics.md §3).
      const id = 'key-0' + randomHex(8);
      if (index ? !index.ids.has(id) : !doc.pairs.some((p) => p.KeyPairId === id)) return id;
    }
  }

  /** Duplicate and quota checks for one more pair named `name` (EC2's order: name first). */
  private admit(doc: Registry, name: string, index?: RegistryIndex): void {
    if (index ? index.names.has(name) : doc.pairs.some((p) => p.KeyName === name)) throw duplicateError(name);
    if (doc.pairs.length >= this.quota) throw quotaError(this.quota);
  }

  // ---------------------------------------------------------------- API

  async createKeyPair(input: CreateKeyPairInput): Promise<CreateKeyPairOutput> {
    validateKeyName(input?.KeyName);
    const type = validateKeyType(input.KeyType);
    const bits = validateBits(input.Bits, type);
    const tags = validateTags(input.Tags);
    // Fail before the (slow) key generation when we already know the answer; re-checked under the lock.
    this.admit(await this.load(false), input.KeyName);

    const gen = await generate(type, bits, input.KeyName);
    // EC2's CreateKeyPair makes only 2048-bit RSA: a 3072/4096-bit pair can exist in EC2 only
    // through ImportKeyPair (what the EC2 store does), so it carries the imported fingerprint there
    // and here alike — the same `new --bits 4096` shows the same fingerprint in both stores.
    const imported = type === 'rsa' && bits !== 2048;
    return this.update((doc) => {
      this.admit(doc, input.KeyName);
      const rec: PairRecord = {
        KeyPairId: this.newId(doc), KeyName: input.KeyName, KeyType: type,
        KeyFingerprint: imported ? gen.importedFingerprint : gen.fingerprint,
        CreateTime: new Date().toISOString(), Tags: tags, Origin: imported ? 'imported' : 'created',
      };
      doc.pairs.push(rec);
      doc.pubs!.set(rec.KeyPairId, gen.publicLine);
      return [{ KeyPairId: rec.KeyPairId, KeyName: rec.KeyName, KeyFingerprint: rec.KeyFingerprint, KeyMaterial: gen.material, Tags: tags.map((t) => ({ ...t })) }, true];
    });
  }

  async importKeyPair(input: ImportKeyPairInput): Promise<ImportKeyPairOutput> {
    const [r] = await this.importMany([input], true);
    return r as ImportKeyPairOutput;
  }

  async importKeyPairs(batch: ImportKeyPairInput[]): Promise<ImportBatchResult[]> {
    return this.importMany(batch, false);
  }

  /** Validate and fingerprint every item outside the lock, then one locked write for the lot. */
  private async importMany(batch: ImportKeyPairInput[], throwFirst: boolean): Promise<ImportBatchResult[]> {
    if (!Array.isArray(batch)) throw new Ec2KeysError(Codes.InvalidParameterValue, 'an import batch must be a list of key pairs');
    const { prepareImport } = await import('./material.js');
    const prepared = batch.map((item) => {
      try {
        validateKeyName(item?.KeyName);
        const tags = validateTags(item.Tags);
        return { ok: true as const, name: item.KeyName, tags, ...prepareImport(item.PublicKey) };
      } catch (e) {
        if (throwFirst) throw e;
        return { ok: false as const, name: String(item?.KeyName ?? ''), error: e };
      }
    });
    return this.update((doc) => {
      const out: ImportBatchResult[] = [];
      let changed = false;
      const index: RegistryIndex = { names: new Set(doc.pairs.map((p) => p.KeyName)), ids: new Set(doc.pairs.map((p) => p.KeyPairId)) };
      for (const p of prepared) {
        try {
          if (!p.ok) throw p.error;
          this.admit(doc, p.name, index);
          const rec: PairRecord = {
            KeyPairId: this.newId(doc, index), KeyName: p.name, KeyType: p.type, KeyFingerprint: p.fingerprint,
            CreateTime: new Date().toISOString(), Tags: p.tags, Origin: 'imported',
          };
          doc.pairs.push(rec);
          index.names.add(rec.KeyName);
          index.ids.add(rec.KeyPairId);
          doc.pubs!.set(rec.KeyPairId, p.publicLine);
          changed = true;
          out.push({ KeyPairId: rec.KeyPairId, KeyName: rec.KeyName, KeyFingerprint: rec.KeyFingerprint, Tags: p.tags.map((t) => ({ ...t })) });
        } catch (e) {
          if (throwFirst || !(e instanceof Ec2KeysError)) throw e;
          out.push({ KeyName: p.name, Error: errorBody(e) });
        }
      }
      return [out, changed];
    });
  }

  async describeKeyPairs(input: DescribeKeyPairsInput = {}): Promise<KeyPairInfo[]> {
    const filters = validateFilters(input.Filters);
    const names = stringList(input.KeyNames, 'KeyNames');
    const ids = stringList(input.KeyPairIds, 'KeyPairIds');
    const doc = await this.load(input.IncludePublicKey === true);
    // One missing name (or id) fails the whole call, as in EC2.
    if (names.length) {
      const have = new Set(doc.pairs.map((p) => p.KeyName));
      const missing = names.filter((n) => !have.has(n));
      if (missing.length) throw notFoundName(missing);
    }
    if (ids.length) {
      const have = new Set(doc.pairs.map((p) => p.KeyPairId));
      const missing = ids.filter((n) => !have.has(n));
      if (missing.length) throw notFoundId(missing);
    }
    const nameSet = names.length ? new Set(names) : undefined;
    const idSet = ids.length ? new Set(ids) : undefined;
    const match = compileFilters(filters);
    const out: KeyPairInfo[] = [];
    for (const p of doc.pairs) {
      if (nameSet && !nameSet.has(p.KeyName)) continue;
      if (idSet && !idSet.has(p.KeyPairId)) continue;
      const info: KeyPairInfo = {
        KeyPairId: p.KeyPairId, KeyFingerprint: p.KeyFingerprint, KeyName: p.KeyName, KeyType: p.KeyType,
        Tags: p.Tags.map((t) => ({ Key: t.Key, Value: t.Value })), CreateTime: p.CreateTime,
      };
      if (!match(info)) continue;
      if (doc.pubs) info.PublicKey = `${doc.pubs.get(p.KeyPairId)} ${p.KeyName}`;
      out.push(info);
    }
    return out;
  }

  async deleteKeyPair(input: DeleteKeyPairInput): Promise<DeleteKeyPairOutput> {
    const { KeyName, KeyPairId } = input ?? {};
    if (KeyPairId === undefined && KeyName === undefined) {
      throw new Ec2KeysError(Codes.MissingParameter, 'give the key pair to delete: a key name or a key pair id', { hint: 'ec2keys remove NAME, or ec2keys remove --id key-…' });
    }
    if (KeyPairId !== undefined && typeof KeyPairId !== 'string') throw notFoundId(String(KeyPairId));
    if (KeyName !== undefined && typeof KeyName !== 'string') throw notFoundName(String(KeyName));
    return this.update((doc): [DeleteKeyPairOutput, boolean] => {
      let i: number;
      if (KeyPairId !== undefined) {
        i = doc.pairs.findIndex((p) => p.KeyPairId === KeyPairId && (KeyName === undefined || p.KeyName === KeyName));
        if (i < 0) throw notFoundId(KeyPairId);
      } else {
        i = doc.pairs.findIndex((p) => p.KeyName === KeyName);
        // EC2: deleting a name that does not exist succeeds, without a KeyPairId.
        if (i < 0) return [{ Return: true }, false];
      }
      const [gone] = doc.pairs.splice(i, 1);
      doc.pubs!.delete(gone.KeyPairId);
      return [{ Return: true, KeyPairId: gone.KeyPairId }, true];
    });
  }

  async getPasswordData(instanceId: string): Promise<PasswordDataOutput> {
    throw new Ec2KeysError(Codes.Unsupported, `the local key pair registry has no instances, so it has no password data for ${JSON.stringify(String(instanceId))}`, {
      hint: 'fetch it from EC2 with --store ec2 (and --region/--profile), or decrypt a saved blob with --data or --data-file',
      target: String(instanceId),
    });
  }
}

function stringList(v: unknown, what: string): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    throw new Ec2KeysError(Codes.InvalidParameterValue, `${what} must be a list of strings`);
  }
  return v as string[];
}

function errorBody(e: Ec2KeysError): { Code: string; Message: string; Hint?: string } {
  const o: { Code: string; Message: string; Hint?: string } = { Code: e.code, Message: e.message };
  if (e.hint) o.Hint = e.hint;
  return o;
}

/** Exactly `len` bytes at `pos` (a short read means the file changed under us: damaged). */
async function readAt(fh: fs.FileHandle, pos: number, len: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(len);
  let got = 0;
  while (got < len) {
    const { bytesRead } = await fh.read(buf, got, len - got, pos + got);
    if (bytesRead === 0) throw new Error(`unexpected end of file at byte ${pos + got}`);
    got += bytesRead;
  }
  return buf;
}

async function renameRetrying(from: string, to: string): Promise<void> {
  // Windows: a virus scanner or an indexer briefly holding the target makes rename fail with
  // EPERM/EACCES/EBUSY; retry for up to ~1 s. POSIX renames do not fail that way.
  for (let i = 0; ; i++) {
    try {
      await fs.rename(from, to);
      return;
    } catch (e) {
      const c = errCode(e);
      if (process.platform !== 'win32' || i >= 20 || !(c === 'EPERM' || c === 'EACCES' || c === 'EBUSY')) throw e;
      await new Promise((r) => setTimeout(r, 10 + i * 5));
    }
  }
}

async function generate(type: KeyType, bits: number, comment: string): Promise<import('./material.js').Generated> {
  const { generateLocally } = await import('./material.js');
  return generateLocally(type, bits, comment);
}

