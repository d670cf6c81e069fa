// The Windows executable as shipped (issue #6 §2): dist/ec2keys-win-x64.exe.
// 1. PE structure, read from the file: MZ/PE headers, x86-64, PE32+ console program, the
//    NODE_SEA_BLOB RCDATA resource holding a SEA blob with code cache and no snapshot, the fuse
//    flipped, no (broken) Authenticode signature and a consistent PE checksum (osslsigncode).
//    Its version resource (VS_VERSIONINFO, read with resedit): ec2keys' strings instead of
//    node.exe's "Node.js" ones, which Explorer (Properties → Details) and Task Manager show;
//    every other resource (icons, manifest) is node.exe's, byte for byte.
// 2. Signing path: a self-signed `osslsigncode sign` verifies `ok` and the signed exe still runs.
// 3. The smoke test under Debian's Wine (scripts/setup-wine.sh: Windows 10 prefix), the exe alone
//    in a clean folder, stdout/stderr to files: the same results as `node bin/ec2keys.js` on the
//    same inputs (paths normalized), checked against the corpus' oracle values and real tools;
//    and Windows' own reader of the version resource (FileSystemObject under Wine's cscript).
// Wine is not Windows (no real ACLs, its own console and pipes): these tests prove the exe is a
// working Node 22 SEA for win-x64, not every Windows behaviour.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ResEdit from 'resedit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasStack } from '../helpers/cli.js';
import { Term } from '../helpers/term.js';
import { faultProxy } from '../faults/helpers.js';
import { opensslEncryptPassword, opensslGenRsa, tool } from '../helpers/tools.js';
import {
  CORPUS, EMBEDDED_NODE, PKG_VERSION, ROOT, SEA_FUSE, WIN_EXE, corpusSample, exeGate, pool, manifest, motoEnv, normalize, runNpm, runWine,
  setupWine, startMoto, tmp, type Run,
} from './exe-helpers.js';

const gate = exeGate(WIN_EXE);
const PASSWORD = 'Xy7$kP2q!Lm9@Rt4#Vw8';
// Subprocess-heavy tests (moto_server, the aws CLI, Wine) on a busy 2-core machine: well above vitest's 60 s default.
const SLOW = 240_000;
const SEA_MAGIC = 0x0143da20; // node_sea.h kMagic
const SEA_FLAG_DISABLE_WARNING = 1;
const SEA_FLAG_SNAPSHOT = 2;
const SEA_FLAG_CODE_CACHE = 4;

interface Pe {
  machine: number;
  magic: number;
  subsystem: number;
  sections: { name: string; va: number; vsize: number; rawSize: number; rawPtr: number }[];
  resourceRva: number;
  rvaToOffset(rva: number): number;
}

/** Just enough of the PE/COFF format (Microsoft PE format spec) to find the resources. */
function parsePe(buf: Buffer): Pe {
  expect(buf.toString('latin1', 0, 2)).toBe('MZ');
  const pe = buf.readUInt32LE(0x3c);
  expect(buf.toString('latin1', pe, pe + 4)).toBe('PE\0\0');
  const coff = pe + 4;
  const nSections = buf.readUInt16LE(coff + 2);
  const optSize = buf.readUInt16LE(coff + 16);
  const opt = coff + 20;
  const magic = buf.readUInt16LE(opt);
  const sections: Pe['sections'] = [];
  for (let i = 0, s = opt + optSize; i < nSections; i++, s += 40) {
    sections.push({
      name: buf.toString('latin1', s, s + 8).replace(/\0+$/, ''),
      vsize: buf.readUInt32LE(s + 8),
      va: buf.readUInt32LE(s + 12),
      rawSize: buf.readUInt32LE(s + 16),
      rawPtr: buf.readUInt32LE(s + 20),
    });
  }
  return {
    machine: buf.readUInt16LE(coff),
    magic,
    subsystem: buf.readUInt16LE(opt + 68),
    sections,
    resourceRva: buf.readUInt32LE(opt + 112 + 2 * 8), // data directory 2: resource table (PE32+ layout)
    rvaToOffset(rva: number) {
      const s = sections.find((x) => rva >= x.va && rva < x.va + Math.max(x.vsize, x.rawSize));
      if (!s) throw new Error(`RVA ${rva.toString(16)} is in no section`);
      return rva - s.va + s.rawPtr;
    },
  };
}

/** The bytes of resource type/name (IMAGE_RESOURCE_DIRECTORY tree: type → name → language → data). */
function findResource(buf: Buffer, pe: Pe, type: number, name: string): Buffer | null {
  const base = pe.rvaToOffset(pe.resourceRva);
  const entries = (dirOff: number) => {
    const n = buf.readUInt16LE(dirOff + 12) + buf.readUInt16LE(dirOff + 14);
    return Array.from({ length: n }, (_, i) => {
      const e = dirOff + 16 + i * 8;
      const nameField = buf.readUInt32LE(e);
      const dataField = buf.readUInt32LE(e + 4);
      let label: string | number = nameField;
      if (nameField & 0x80000000) {
        const so = base + (nameField & 0x7fffffff);
        label = buf.toString('utf16le', so + 2, so + 2 + 2 * buf.readUInt16LE(so));
      }
      return { label, isDir: Boolean(dataField & 0x80000000), off: base + (dataField & 0x7fffffff) };
    });
  };
  const t = entries(base).find((e) => e.label === type && e.isDir);
  const n = t && entries(t.off).find((e) => e.label === name && e.isDir);
  const lang = n && entries(n.off)[0];
  if (!lang || lang.isDir) return null;
  const rva = buf.readUInt32LE(lang.off);
  const size = buf.readUInt32LE(lang.off + 4);
  const off = pe.rvaToOffset(rva);
  return buf.subarray(off, off + size);
}

const RT_ICON = 3;
const RT_RCDATA = 10;
const RT_GROUP_ICON = 14;
const RT_VERSION = 16;
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
/** The numeric x.y.z.0 of package.json's version, as VS_FIXEDFILEINFO holds it. */
const NUMERIC = PKG_VERSION.replace(/[-+].*$/, '').split('.').map(Number).concat(0);
/** What the version resource must say (scripts/build-exe.mjs winVersionInfo); LegalCopyright from package.json's author and license. */
const VERSION_STRINGS: Record<string, string> = {
  CompanyName: 'ec2keys',
  FileDescription: 'ec2keys - Amazon EC2 key pairs for Windows',
  FileVersion: PKG_VERSION,
  InternalName: 'ec2keys',
  OriginalFilename: 'ec2keys.exe',
  ProductName: 'ec2keys',
  ProductVersion: PKG_VERSION,
  Comments: `Node.js ${EMBEDDED_NODE.slice(1)} single-executable application (Node.js: Copyright Node.js contributors, MIT license)`,
};
{
  const author: string | undefined = typeof PKG.author === 'string' ? PKG.author.replace(/\s*[<(].*$/, '') : PKG.author?.name;
  const copyright = [author && `Copyright ${author}.`, PKG.license && `${PKG.license} license.`].filter(Boolean).join(' ');
  if (copyright) VERSION_STRINGS.LegalCopyright = copyright;
}
/** The official node.exe the build started from (scripts/build-exe.mjs keeps it in its cache). */
const NODE_EXE = path.resolve(ROOT, process.env.EC2KEYS_NODE_CACHE ?? '.cache/node-bin', EMBEDDED_NODE.slice(1), 'node.exe');

function resources(file: string) {
  const exe = ResEdit.NtExecutable.from(fs.readFileSync(file), { ignoreCert: true });
  return ResEdit.NtExecutableResource.from(exe).entries;
}

if (gate.mode === 'fail') {
  describe('windows exe: artifacts', () => {
    it('dist/ec2keys-win-x64.exe is built from the current sources', () => {
      throw new Error(gate.why);
    });
  });
}

(gate.mode === 'run' ? describe : describe.skip)(`windows exe (dist/ec2keys-win-x64.exe)${gate.mode === 'skip' ? ` — skipped: ${gate.why}` : ''}`, () => {
  describe('PE file', () => {
    let buf: Buffer;
    beforeAll(() => {
      buf = fs.readFileSync(WIN_EXE);
    });

    it('is a PE32+ x86-64 console program with the SEA blob resource and the fuse flipped', () => {
      const pe = parsePe(buf);
      expect(pe.machine).toBe(0x8664); // IMAGE_FILE_MACHINE_AMD64
      expect(pe.magic).toBe(0x20b); // PE32+
      expect(pe.subsystem).toBe(3); // IMAGE_SUBSYSTEM_WINDOWS_CUI: a double-click opens a console
      expect(pe.sections.map((s) => s.name)).toContain('.rsrc');
      const blob = findResource(buf, pe, 10 /* RT_RCDATA */, 'NODE_SEA_BLOB');
      expect(blob, 'NODE_SEA_BLOB resource').not.toBeNull();
      expect(blob!.readUInt32LE(0)).toBe(SEA_MAGIC);
      const flags = blob!.readUInt32LE(4);
      expect(flags & SEA_FLAG_DISABLE_WARNING).toBeTruthy();
      expect(flags & SEA_FLAG_SNAPSHOT).toBe(0);
      expect(Boolean(flags & SEA_FLAG_CODE_CACHE)).toBe(manifest().files['ec2keys-win-x64.exe'].codeCache);
      // Then the main script's name (size_t-prefixed) and the bundle itself.
      const name = blob!.indexOf('ec2keys.cjs');
      expect(name).toBeGreaterThan(8);
      expect(name).toBeLessThan(32);
      expect(Number(blob!.readBigUInt64LE(name - 8))).toBe('ec2keys.cjs'.length);
      expect(blob!.includes('__ec2keysImportMetaUrl')).toBe(true);
      expect(blob!.includes(`"${PKG_VERSION}"`)).toBe(true);
      expect(buf.includes(`${SEA_FUSE}:1`)).toBe(true);
      expect(buf.includes(`${SEA_FUSE}:0`)).toBe(false);
    });

    it('carries no Authenticode signature (the one of node.exe was removed) and a valid PE checksum', () => {
      const r = spawnSync('osslsigncode', ['verify', '-in', WIN_EXE], { encoding: 'utf8' });
      const out = r.stdout + r.stderr;
      expect(out).toMatch(/No signature found/);
      expect(out).not.toMatch(/Ignoring PE signature not at the end/);
      // osslsigncode prints the header's and the computed checksum ("Current"/"Calculated"), or
      // one line when they agree (2.9), and flags a difference (MISMATCH / invalid PE checksum).
      expect(out).not.toMatch(/invalid PE checksum|MISMATCH/i);
      const sums = [...out.matchAll(/PE checksum\s*:\s*([0-9A-Fa-f]{8})/g)].map((m) => parseInt(m[1], 16));
      expect(sums.length).toBeGreaterThan(0);
      const pe = parsePe(buf);
      const header = buf.readUInt32LE(buf.readUInt32LE(0x3c) + 24 + 64);
      expect(pe.magic).toBe(0x20b);
      for (const x of sums) expect(x).toBe(header);
    });
  });

  describe('version resource (what Explorer and Task Manager show)', () => {
    let entries: ReturnType<typeof resources>;
    beforeAll(() => {
      entries = resources(WIN_EXE);
    });

    it('says ec2keys: product, description, company, file names, versions, copyright, and the embedded Node in Comments', () => {
      const vis = ResEdit.Resource.VersionInfo.fromEntries(entries);
      expect(vis.length).toBe(1);
      const vi = vis[0];
      const langs = vi.getAllLanguagesForStringValues();
      // node.exe's one string table, US English / Unicode, and the translation list naming it.
      expect(langs).toEqual([{ lang: 1033, codepage: 1200 }]);
      expect(vi.getAvailableLanguages()).toEqual([{ lang: 1033, codepage: 1200 }]);
      expect(vi.getStringValues(langs[0])).toEqual(VERSION_STRINGS);
      const [a, b, c, d] = NUMERIC;
      expect(vi.fixedInfo).toMatchObject({
        fileVersionMS: (a << 16) | b, fileVersionLS: (c << 16) | d,
        productVersionMS: (a << 16) | b, productVersionLS: (c << 16) | d,
        fileType: 1, // VFT_APP
      });
      // Nothing of node.exe's own strings is left in the resource ("Node.js JavaScript Runtime" is what Task Manager showed).
      const raw = Buffer.from(entries.find((e) => e.type === RT_VERSION)!.bin);
      for (const old of ['Node.js JavaScript Runtime', 'node.exe', 'Copyright Node.js contributors. MIT license.']) {
        expect(raw.includes(Buffer.from(old, 'utf16le')), old).toBe(false);
      }
    });

    it('sits next to the NODE_SEA_BLOB resource, which resedit reads too', () => {
      const blobs = entries.filter((e) => e.type === RT_RCDATA && e.id === 'NODE_SEA_BLOB');
      expect(blobs.length).toBe(1);
      const blob = Buffer.from(blobs[0].bin);
      expect(blob.readUInt32LE(0)).toBe(SEA_MAGIC);
      expect(blob.includes(`"${PKG_VERSION}"`)).toBe(true);
      expect(entries.filter((e) => e.type === RT_VERSION).length).toBe(1);
    });

    it.skipIf(!fs.existsSync(NODE_EXE))('keeps every other resource of node.exe byte for byte (icons, manifest)', () => {
      const key = (e: { type: string | number; id: string | number; lang: string | number }) => `${e.type}/${e.id}/${e.lang}`;
      const other = (list: typeof entries) =>
        new Map(list.filter((e) => e.type !== RT_VERSION && !(e.type === RT_RCDATA && e.id === 'NODE_SEA_BLOB')).map((e) => [key(e), Buffer.from(e.bin).toString('base64')]));
      const ours = other(entries);
      const node = other(resources(NODE_EXE));
      expect([...ours.keys()].sort()).toEqual([...node.keys()].sort());
      for (const [k, v] of node) expect(ours.get(k), k).toBe(v);
      expect(entries.some((e) => e.type === RT_GROUP_ICON)).toBe(true);
      expect(entries.filter((e) => e.type === RT_ICON).length).toBeGreaterThan(0);
    });
  });

  describe('under Wine', () => {
    let prefix: string;
    let dir: string; // the exe alone
    let exe: string;
    let work: string;
    let home: string;
    let sign: string;

    beforeAll(() => {
      prefix = setupWine();
      dir = tmp('ec2keys-wine-clean-');
      exe = path.join(dir, 'ec2keys.exe');
      fs.copyFileSync(WIN_EXE, exe);
      work = tmp('ec2keys-wine-work-');
      home = tmp('ec2keys-wine-home-');
      sign = tmp('ec2keys-wine-sign-');
      opensslGenRsa(path.join(work, 'rsa.pem'));
      tool('openssl', ['rsa', '-traditional', '-in', path.join(work, 'rsa.pem'), '-out', path.join(work, 'rsa1.pem')]);
      opensslGenRsa(path.join(work, 'other.pem'));
      fs.writeFileSync(path.join(work, 'pw.txt'), 'correct horse\n');
      tool('puttygen', [path.join(work, 'rsa1.pem'), '-O', 'private', '-o', path.join(work, 'enc3.ppk'), '--new-passphrase', path.join(work, 'pw.txt')]);
      tool('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'wine-test', '-f', path.join(work, 'ed')]);
      fs.writeFileSync(path.join(work, 'blob.txt'), opensslEncryptPassword(path.join(work, 'rsa.pem'), PASSWORD));
      fs.writeFileSync(path.join(work, 'not-a-key.txt'), 'hello, world\n');
    }, 900_000);

    afterAll(() => {
      for (const d of [dir, work, home, sign]) if (d) fs.rmSync(d, { recursive: true, force: true });
    });

    const wine = (args: string[], opts: { cwd?: string; env?: Record<string, string | undefined>; input?: string; exePath?: string } = {}) =>
      runWine(prefix, opts.exePath ?? exe, args, { cwd: opts.cwd ?? work, home, env: opts.env, input: opts.input });
    const norm = (r: Run, dirs: Record<string, string>) => ({ code: r.code, stdout: normalize(r.stdout, dirs), stderr: normalize(r.stderr, dirs) });

    /** The exe under Wine and the npm CLI on the same arguments: identical code, stdout and stderr. */
    async function same(args: string[], opts: { cwd?: string; env?: Record<string, string | undefined>; input?: string; dirs?: Record<string, string> } = {}) {
      const cwd = opts.cwd ?? work;
      const [npm, bin] = await Promise.all([runNpm(args, { cwd, home, env: opts.env, input: opts.input }), wine(args, opts)]);
      const dirs = { DIR: cwd, ...opts.dirs };
      expect(norm(bin, dirs), `wine ec2keys ${args.join(' ')}`).toEqual(norm(npm, dirs));
      return { npm, bin };
    }

    it('--version: the ec2keys version and Node 22, nothing on stderr (the code cache is accepted)', async () => {
      const r = await wine(['--version']);
      expect(r).toEqual({ code: 0, stdout: `ec2keys ${PKG_VERSION} (node ${EMBEDDED_NODE})\n`, stderr: '' });
    }, SLOW);

    it("Windows' own version reader (FileSystemObject.GetFileVersion, Wine's cscript) gives the ec2keys version", async () => {
      const script = path.join(work, 'version.js');
      const winPath = `Z:${exe.replace(/\//g, '\\')}`;
      fs.writeFileSync(script, `WScript.Echo(new ActiveXObject("Scripting.FileSystemObject").GetFileVersion(${JSON.stringify(winPath)}));\r\n`);
      const r = await runWine(prefix, 'cscript', ['//nologo', 'version.js'], { cwd: work, home });
      expect({ code: r.code, stdout: r.stdout.trim() }).toEqual({ code: 0, stdout: NUMERIC.join('.') });
    }, SLOW);

    it('--help and usage errors: same text and exit codes as the npm CLI', async () => {
      const [help, unknown, badTo] = await Promise.all([same(['--help']), same(['frobnicate']), same(['convert', 'rsa.pem', '--to', 'xyz'])]);
      expect(help.bin.code).toBe(0);
      expect(unknown.bin.code).toBe(2);
      expect(badTo.bin.code).toBe(2);
    }, SLOW);

    it('fingerprint: corpus keys (PEM, encrypted PKCS#8, OpenSSH, encrypted PPK v2/v3) give the oracle fingerprints', async () => {
      const sample = corpusSample(['pkcs1-pem', 'pkcs8-pem-encrypted', 'openssh-encrypted', 'ppk2-encrypted', 'ppk3-encrypted', 'openssh-public']);
      expect(sample.length).toBe(6);
      await pool(sample, 3, async (e) => {
        const { bin } = await same(['fingerprint', '--json', path.join(CORPUS, e.file)], { env: { EC2KEYS_PASSPHRASE: e.passphrase ?? undefined } });
        expect(bin.code, `${e.file}: ${bin.stderr}`).toBe(0);
        const j = JSON.parse(bin.stdout);
        expect(j.Sha256, e.file).toBe(e.sha256);
        expect(j.ImportedFingerprint, e.file).toBe(e.importedFingerprint);
        if (e.createdFingerprint) expect(j.CreatedFingerprint, e.file).toBe(e.createdFingerprint);
      });
      const bad = await same(['fingerprint', 'not-a-key.txt']);
      expect(bad.bin.code).toBe(1);
      expect(hasStack(bad.bin.stderr)).toBe(false);
    }, SLOW);

    it('password: PEM with --data, passphrase-protected PPK v3 with --data-file; the wrong key is refused', async () => {
      const blob = fs.readFileSync(path.join(work, 'blob.txt'), 'utf8');
      expect((await same(['password', '--data', blob, '--key', 'rsa.pem'])).bin).toMatchObject({ code: 0, stdout: `${PASSWORD}\n` });
      const ppk = await same(['password', '--data-file', 'blob.txt', '--key', 'enc3.ppk', '--passphrase-file', 'pw.txt']);
      expect(ppk.bin.stdout).toBe(`${PASSWORD}\n`);
      const wrong = await same(['password', '--data', blob, '--key', 'other.pem']);
      expect(wrong.bin.code).toBe(1);
      expect(wrong.bin.stderr).toMatch(/^ec2keys: Ec2Keys\.WrongKey: /);
    }, SLOW);

    it('convert: PPK and PKCS#8 files byte-identical to the npm CLI; OpenSSH output accepted by ssh-keygen', async () => {
      const a = tmp('ec2keys-wine-conv-npm-');
      const b = tmp('ec2keys-wine-conv-bin-');
      try {
        for (const d of [a, b]) fs.copyFileSync(path.join(work, 'rsa1.pem'), path.join(d, 'rsa1.pem'));
        const both = async (args: string[]) => {
          const [npm, bin] = await Promise.all([runNpm(args, { cwd: a, home }), wine(args, { cwd: b })]);
          expect(norm(bin, { DIR: b }), args.join(' ')).toEqual(norm(npm, { DIR: a }));
          expect(bin.code, bin.stderr).toBe(0);
        };
        await both(['convert', 'rsa1.pem', '--to', 'ppk', '--out', 'k.ppk', '--comment', 'c']);
        await both(['convert', 'rsa1.pem', '--to', 'pkcs8', '--out', 'k.p8']);
        await both(['convert', 'rsa1.pem', '--to', 'openssh', '--out', 'k.openssh']);
        for (const f of ['k.ppk', 'k.p8']) expect(fs.readFileSync(path.join(b, f)), f).toEqual(fs.readFileSync(path.join(a, f)));
        const pub = (f: string) => execFileSync('ssh-keygen', ['-y', '-f', f]).toString().trim().split(' ').slice(0, 2).join(' ');
        fs.chmodSync(path.join(b, 'k.openssh'), 0o600); // Wine does not map the Windows ACL to a POSIX mode
        expect(pub(path.join(b, 'k.openssh'))).toBe(pub(path.join(b, 'rsa1.pem')));
      } finally {
        fs.rmSync(a, { recursive: true, force: true });
        fs.rmSync(b, { recursive: true, force: true });
      }
    }, SLOW);

    it('local store: new, get, remove; the npm CLI reads the registry the exe wrote', async () => {
      const d = tmp('ec2keys-wine-store-');
      try {
        const created = await wine(['--home', 'reg', 'new', 'wine-key', '--json'], { cwd: d });
        expect(created.code, created.stderr).toBe(0);
        const j = JSON.parse(created.stdout);
        expect(j).toMatchObject({ KeyName: 'wine-key', KeyType: 'rsa' });
        expect(normalize(j.KeyFile, { DIR: d })).toBe('<DIR>/wine-key.pem');
        expect(j.KeyFile).toMatch(/^Z:\\/);
        const keyFile = path.join(d, 'wine-key.pem');
        expect(fs.readFileSync(keyFile, 'utf8')).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n[^\r]+-----END RSA PRIVATE KEY-----\n$/);
        const der = tool('openssl', ['pkcs8', '-topk8', '-nocrypt', '-outform', 'DER', '-in', keyFile]);
        expect(j.KeyFingerprint).toBe(execFileSync('openssl', ['sha1', '-c'], { input: der }).toString().trim().split(' ').pop());

        const list = await same(['--home', 'reg', 'get', '--json'], { cwd: d });
        expect(JSON.parse(list.bin.stdout).KeyPairs.map((k: { KeyName: string }) => k.KeyName)).toEqual(['wine-key']);
        expect((await same(['--home', 'reg', 'verify', 'wine-key.pem', 'wine-key'], { cwd: d })).bin.code).toBe(0);
        const dup = await wine(['--home', 'reg', 'new', 'wine-key', '--out', 'dup.pem'], { cwd: d });
        expect(dup.code).toBe(1);
        expect(dup.stderr).toMatch(/^ec2keys: InvalidKeyPair\.Duplicate: /);
        expect(fs.existsSync(path.join(d, 'dup.pem'))).toBe(false);
        const rm = await wine(['--home', 'reg', 'remove', 'wine-key', '--yes'], { cwd: d });
        expect(rm.code, rm.stderr).toBe(0);
        const gone = await same(['--home', 'reg', 'get', 'wine-key'], { cwd: d });
        expect(gone.bin.code).toBe(1);
      } finally {
        fs.rmSync(d, { recursive: true, force: true });
      }
    }, SLOW);

    it('--store ec2 against moto_server: new, get, remove, checked with the aws CLI', async () => {
      const moto = await startMoto();
      const d = tmp('ec2keys-wine-ec2-');
      try {
        const env = motoEnv(moto.url);
        const awsEnv = { ...process.env, ...env, AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', AWS_EC2_METADATA_DISABLED: 'true' };
        const aws = (...args: string[]) => JSON.parse(execFileSync('aws', ['--endpoint-url', moto.url, '--output', 'json', 'ec2', ...args], { env: awsEnv }).toString());
        const created = await wine(['--store', 'ec2', 'new', 'wine-ec2', '--json'], { cwd: d, env });
        expect(created.code, created.stderr).toBe(0);
        const j = JSON.parse(created.stdout);
        expect(aws('describe-key-pairs', '--key-names', 'wine-ec2').KeyPairs[0]).toMatchObject({ KeyPairId: j.KeyPairId, KeyFingerprint: j.KeyFingerprint });
        const list = await same(['--store', 'ec2', 'get', '--json'], { cwd: d, env });
        expect(JSON.parse(list.bin.stdout).KeyPairs.map((k: { KeyName: string }) => k.KeyName)).toEqual(['wine-ec2']);
        // The AWS SDK asset's code cache was made by node.exe under Wine: node.exe must accept it
        // (a Linux-made one would be rejected, and the SDK compiled from scratch: +90 ms).
        const rm = await wine(['--store', 'ec2', 'remove', 'wine-ec2', '--yes'], { cwd: d, env: { ...env, EC2KEYS_TRACE_ASSETS: '1' } });
        expect(rm.code, rm.stderr).toBe(0);
        expect(rm.stderr).toContain('ec2keys: asset aws-ec2.cjs: code cache accepted\n');
        expect(aws('describe-key-pairs').KeyPairs).toEqual([]);
      } finally {
        moto.stop();
        fs.rmSync(d, { recursive: true, force: true });
      }
    }, SLOW);

    it('Ctrl-C in a Wine console while EC2 is slow to create the pair: the exe says it waits, then deletes the pair; exit 130, no key file', async () => {
      // The console's Ctrl-C reaches the exe as SIGINT (Wine's console, like Windows', turns it
      // into a CTRL_C_EVENT, which Node reports as SIGINT): the same handler as on Linux.
      const moto = await startMoto();
      const proxy = await faultProxy(Number(new URL(moto.url).port), 'Action=CreateKeyPair', 'delay-answer', 15_000);
      const cwd = tmp('ec2keys-wine-ctrlc-');
      const t = Term.start(['wine', exe, '--store', 'ec2', '--endpoint-url', proxy.url, 'new', 'wine-ctrlc', '--out', 'wine-ctrlc.pem'], {
        cwd,
        stepMs: 60_000,
        flat: true,
        env: { WINEPREFIX: prefix, WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=', HOME: home, ...motoEnv(moto.url), EC2KEYS_ENDPOINT_URL: undefined },
      });
      try {
        await proxy.matched; // CreateKeyPair has left; moto makes the pair, its answer is held 15 s (margin for a slow Wine)
        t.keys('C-c');
        await t.waitFor('ec2keys: Ec2Keys.Interrupted: interrupted by Ctrl-C (SIGINT)');
        await t.waitFor('waiting for the step in progress to finish, to undo it; press Ctrl-C again to stop now');
        expect(await t.exitCode()).toBe(130);
        expect(t.screen()).not.toContain('hint:');
        expect(fs.readdirSync(cwd)).toEqual([]);
        const awsEnv = { ...process.env, ...motoEnv(moto.url), AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', AWS_EC2_METADATA_DISABLED: 'true' };
        expect(JSON.parse(execFileSync('aws', ['--endpoint-url', moto.url, '--output', 'json', 'ec2', 'describe-key-pairs'], { env: awsEnv }).toString()).KeyPairs).toEqual([]);
      } finally {
        t.close();
        proxy.close();
        moto.stop();
        fs.rmSync(cwd, { recursive: true, force: true });
      }
    }, SLOW);

    it('the wizard of the double-clicked exe, in a real terminal (tmux) under Wine: create an encrypted PPK in Documents\\EC2Keys, then decrypt the Windows password with it', async () => {
      // What a double-click gives: no arguments, a console. Wine's console redraws lines in
      // pieces, so each step waits for the next prompt's text, never for a count of lines.
      const docs = path.join(prefix, 'drive_c', 'users', os.userInfo().username, 'Documents', 'EC2Keys');
      const reg = tmp('ec2keys-wine-wizard-reg-');
      const cwd = tmp('ec2keys-wine-wizard-cwd-');
      const name = `wiz-${process.pid}`;
      fs.rmSync(docs, { recursive: true, force: true });
      const t = Term.start(['wine', exe], {
        cwd,
        stepMs: 120_000,
        flat: true,
        env: { WINEPREFIX: prefix, WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=', EC2KEYS_HOME: reg, AWS_REGION: 'eu-west-1', HOME: home },
      });
      // Wine's console (not Windows): after some select prompts, the keys sent next are swallowed
      // up to and including an Enter, as if a line-mode console read were still pending. So a
      // step whose next prompt does not come is sent once more; how often is counted below.
      let resent = 0;
      // A step that makes the exe work (create the key, Argon2 of a PPK) is sent once and given
      // long: sending it again would answer the prompt after it.
      const press = async (send: () => void, next: string, o: { work?: boolean } = {}) => {
        const n = t.count(next);
        for (let i = 0; i < (o.work ? 1 : 3); i++) {
          send();
          const s = await t.poll(next, n + 1, o.work ? 120_000 : 20_000);
          if (s !== undefined) {
            await new Promise((r) => setTimeout(r, 1000)); // the prompt drawn is not yet reading
            return s;
          }
          resent++;
        }
        throw new Error(`no ${JSON.stringify(next)} after ${o.work ? 'one try' : 'three tries'}; screen:\n${t.screen()}`);
      };
      try {
        await t.waitFor('What do you want to do?');
        await press(() => t.keys('Enter'), 'Where do your key pairs live?');
        await press(() => t.keys('Enter'), 'Name of the new key pair:');
        t.type(name);
        await t.waitFor(name);
        await press(() => t.keys('Enter'), 'Which instances will use this key pair?');
        await press(() => t.keys('Enter'), 'Key size:');
        await press(() => t.keys('Enter'), 'File format:');
        await press(() => t.keys('Down', 'Enter'), 'Protect'); // PuTTY (.ppk, version 3)
        const s = await press(() => t.keys('y', 'Enter'), 'Save the private key as:');
        await t.waitFor('Documents\\EC2Keys');
        await press(() => t.keys('Enter'), 'New passphrase');
        t.type('wine pass');
        await press(() => t.keys('Enter'), 'Same passphrase again');
        t.type('wine pass');
        await press(() => t.keys('Enter'), 'Press Enter to close', { work: true });
        expect(s).toContain('C:\\users\\');
        const ppk = path.join(docs, `${name}.ppk`);
        expect(fs.readFileSync(ppk, 'utf8')).toMatch(/^PuTTY-User-Key-File-3: ssh-rsa\r?\nEncryption: aes256-cbc/);
        // puttygen opens it with the passphrase; the npm CLI finds the pair the exe recorded.
        const pwFile = path.join(cwd, '..', `${path.basename(cwd)}-pw`);
        fs.writeFileSync(pwFile, 'wine pass\n');
        const pem = path.join(reg, 'plain.pem');
        const emptyFile = `${pwFile}-empty`;
        fs.writeFileSync(emptyFile, '');
        tool('puttygen', [ppk, '--old-passphrase', pwFile, '--new-passphrase', emptyFile, '-O', 'private-openssh', '-o', pem]);
        for (const f of [pwFile, emptyFile]) fs.rmSync(f);
        const pairs = JSON.parse((await runNpm(['--home', reg, '--region', 'eu-west-1', 'get', '--json'], { home })).stdout).KeyPairs;
        expect(pairs.map((k: { KeyName: string }) => k.KeyName)).toEqual([name]);
        const der = tool('openssl', ['pkcs8', '-topk8', '-nocrypt', '-outform', 'DER', '-in', pem]);
        expect(pairs[0].KeyFingerprint).toBe(execFileSync('openssl', ['sha1', '-c'], { input: der }).toString().trim().split(' ').pop());

        // Back to the menu: the Windows password from a pasted blob, with that key (found in Documents\EC2Keys).
        const blob = opensslEncryptPassword(pem, PASSWORD);
        await press(() => t.keys('Down', 'Enter'), 'What do you want to do?');
        await press(() => t.keys('Down', 'Down', 'Down', 'Down', 'Enter'), 'Key file of the key pair');
        await press(() => t.keys('Enter'), 'Where is the encrypted password?'); // the only key file found: the one just made
        await press(() => t.keys('Enter'), 'Password data');
        t.type(blob);
        await press(() => t.keys('Enter'), `Passphrase for ${name}.ppk`);
        t.type('wine pass');
        const shown = await press(() => t.keys('Enter'), 'Press Enter to close', { work: true });
        expect(shown.replace(/\s+/g, ' ')).toContain(`Windows Administrator password: ${PASSWORD}`);
        expect(shown).not.toContain('wine pass'); // typed hidden
        t.keys('Enter');
        expect(await t.exitCode()).toBe(0);
        console.log(`wine wizard: ${resent} step(s) sent twice (Wine's console swallowed the keys)`);
      } finally {
        t.close();
        for (const d of [docs, reg, cwd]) fs.rmSync(d, { recursive: true, force: true });
      }
    }, 600_000);

    it('signing path: osslsigncode sign with a self-signed certificate verifies ok, and the signed exe runs', async () => {
      const key = path.join(sign, 'sign.key');
      const crt = path.join(sign, 'sign.crt');
      tool('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-keyout', key, '-out', crt, '-days', '2', '-nodes', '-subj', '/CN=ec2keys test signing', '-addext', 'extendedKeyUsage=codeSigning']);
      const signed = path.join(sign, 'ec2keys.exe');
      tool('osslsigncode', ['sign', '-certs', crt, '-key', key, '-n', 'ec2keys', '-i', 'https://example.invalid/ec2keys', '-h', 'sha256', '-in', WIN_EXE, '-out', signed]);
      const ok = spawnSync('osslsigncode', ['verify', '-CAfile', crt, '-in', signed], { encoding: 'utf8' });
      expect(ok.stdout + ok.stderr).toMatch(/Signature verification: ok/);
      expect(ok.status).toBe(0);
      // Tampering after signing is detected: the signature covers the injected SEA blob too.
      const tampered = path.join(sign, 'tampered.exe');
      const bytes = fs.readFileSync(signed);
      const at = bytes.indexOf(`${SEA_FUSE}:1`) + SEA_FUSE.length + 1;
      bytes[at] = bytes[at] ^ 0x20;
      fs.writeFileSync(tampered, bytes);
      const bad = spawnSync('osslsigncode', ['verify', '-CAfile', crt, '-in', tampered], { encoding: 'utf8' });
      expect(bad.status).not.toBe(0);
      const r = await wine(['--version'], { exePath: signed });
      expect(r).toEqual({ code: 0, stdout: `ec2keys ${PKG_VERSION} (node ${EMBEDDED_NODE})\n`, stderr: '' });
    }, SLOW);
  });
});
