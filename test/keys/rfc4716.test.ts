// RFC 4716 public keys against ssh-keygen (-e / -i -m RFC4716) and puttygen (-p / reading), header
// grammar and limits, plus every public-key entry of the shared corpus (RFC 4716, OpenSSH lines,
// OpenSSH certificates) read through detect.ts.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Codes, Ec2KeysError } from '../../src/errors.js';
import { readKey } from '../../src/keys/detect.js';
import { importedFingerprint, sha256Fingerprint } from '../../src/keys/fingerprint.js';
import { sameKey, type PublicKey } from '../../src/keys/model.js';
import { MAX_HEADER_LINE_BYTES, MAX_HEADER_VALUE_BYTES, parseRfc4716, writeRfc4716 } from '../../src/keys/rfc4716.js';
import { parseOpenSshLine, writeOpenSshLine } from '../../src/keys/ssh-public.js';
import type { ReadResult } from '../../src/keys/types.js';
import { corpusDir } from '../helpers/tools.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ec2keys-rfc4716-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const f = (name: string) => path.join(dir, name);
const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

function errorOf(fn: () => unknown): Ec2KeysError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(Ec2KeysError);
    return e as Ec2KeysError;
  }
  throw new Error('expected an Ec2KeysError, the call succeeded');
}
const codeOf = (fn: () => unknown) => errorOf(fn).code;

const keys: Record<'rsa' | 'ed25519', { pub: string; key: PublicKey }> = {} as never;

beforeAll(() => {
  for (const [t, args] of [['rsa', ['-t', 'rsa', '-b', '2048']], ['ed25519', ['-t', 'ed25519']]] as const) {
    run('ssh-keygen', ['-q', ...args, '-N', '', '-C', `${t}@test`, '-f', f(t)]);
    const pub = fs.readFileSync(f(`${t}.pub`), 'utf8');
    keys[t] = { pub: f(`${t}.pub`), key: parseOpenSshLine(pub).key };
  }
}, 60_000);

/** ssh-keygen -e output and its comment. */
function keygenExport(t: 'rsa' | 'ed25519'): { text: string; comment: string } {
  const text = run('ssh-keygen', ['-e', '-f', keys[t].pub]);
  return { text, comment: /^Comment: "(.*)"$/m.exec(text)![1] };
}
/** The OpenSSH line ssh-keygen makes of an RFC 4716 file. */
const keygenImport = (file: string) => run('ssh-keygen', ['-i', '-m', 'RFC4716', '-f', file]).trim();

describe('against ssh-keygen and puttygen', () => {
  it.each(['rsa', 'ed25519'] as const)('%s: reads `ssh-keygen -e`, and writes it back byte for byte', (t) => {
    const { text, comment } = keygenExport(t);
    expect(comment).toMatch(/converted by/);
    const r = parseRfc4716(text);
    expect(sameKey(r.key, keys[t].key)).toBe(true);
    expect(r.comment).toBe(comment);
    expect(writeRfc4716(keys[t].key, comment)).toBe(text);
  });

  it.each(['rsa', 'ed25519'] as const)('%s: our file is read by `ssh-keygen -i -m RFC4716` and puttygen', (t) => {
    const file = f(`${t}.ours.rfc`);
    fs.writeFileSync(file, writeRfc4716(keys[t].key, 'my key, from ec2keys'));
    expect(keygenImport(file)).toBe(writeOpenSshLine(keys[t].key));
    expect(run('puttygen', [file, '-L']).trim()).toBe(writeOpenSshLine(keys[t].key, 'my key, from ec2keys'));
  });

  it.each(['rsa', 'ed25519'] as const)('%s: reads what puttygen -p writes (64 columns), comment included', (t) => {
    const text = run('puttygen', [f(t), '-C', 'putty comment', '-p']);
    const r = parseRfc4716(text);
    expect(sameKey(r.key, keys[t].key)).toBe(true);
    expect(r.comment).toBe('putty comment');
  });

  it('a long UTF-8 comment stays on one line (as ssh-keygen and puttygen write it) and all three tools read it', () => {
    const comment = 'a long comment ' + 'é'.repeat(60) + ' with ünïcödé, a backslash \\ and the end';
    const text = writeRfc4716(keys.rsa.key, comment);
    expect(text.split('\n')[1]).toBe(`Comment: "${comment.replace('\\', '\\\\')}"`);
    const file = f('long.rfc');
    fs.writeFileSync(file, text);
    expect(parseRfc4716(text).comment).toBe(comment);
    expect(keygenImport(file)).toBe(writeOpenSshLine(keys.rsa.key));
    expect(run('puttygen', [file, '-L']).trim()).toBe(writeOpenSshLine(keys.rsa.key, comment));
  });

  it('quotes and backslashes are escaped as puttygen does, and puttygen reads them back', () => {
    const comment = 'say "hi" from C:\\Users\\me\\';
    const text = writeRfc4716(keys.ed25519.key, comment);
    expect(text.split('\n')[1]).toBe('Comment: "say \\"hi\\" from C:\\\\Users\\\\me\\\\"');
    expect(parseRfc4716(text).comment).toBe(comment);
    const file = f('escaped.rfc');
    fs.writeFileSync(file, text);
    expect(run('puttygen', [file, '-L']).trim()).toBe(writeOpenSshLine(keys.ed25519.key, comment));
    expect(keygenImport(file)).toBe(writeOpenSshLine(keys.ed25519.key));
    // and what puttygen itself writes for such a comment
    expect(parseRfc4716(run('puttygen', [f('ed25519'), '-C', comment, '-p'])).comment).toBe(comment);
    // an unescaped backslash from other writers is kept
    expect(parseRfc4716(text.replace(/^Comment: .*$/m, 'Comment: "C:\\Users\\me"')).comment).toBe('C:\\Users\\me');
  });

  it('no comment: no header; base64 in 70 columns; ends with a newline', () => {
    const text = writeRfc4716(keys.rsa.key);
    const lines = text.split('\n');
    expect(lines[0]).toBe('---- BEGIN SSH2 PUBLIC KEY ----');
    expect(lines[1].startsWith('AAAAB3NzaC1yc2E')).toBe(true);
    expect(lines.slice(1, -3).every((l) => l.length === 70)).toBe(true);
    expect(lines.at(-2)).toBe('---- END SSH2 PUBLIC KEY ----');
    expect(lines.at(-1)).toBe('');
    expect(parseRfc4716(text).comment).toBeUndefined();
    expect(writeRfc4716(keys.rsa.key, '')).toBe(text);
  });

  it('the writer refuses comments it cannot represent', () => {
    for (const c of ['two\nlines', 'cr\rhere', 'tab\there', 'x'.repeat(MAX_HEADER_LINE_BYTES), '"'.repeat(510)]) {
      expect(codeOf(() => writeRfc4716(keys.rsa.key, c))).toBe(Codes.InvalidParameterValue);
    }
    // the longest accepted comment is read back
    const max = 'y'.repeat(MAX_HEADER_LINE_BYTES - 'Comment: ""'.length);
    expect(parseRfc4716(writeRfc4716(keys.rsa.key, max)).comment).toBe(max);
  });

  it('round trips any representable comment (fast-check)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (s) => {
        const c = s.replace(/[\x00-\x1f\x7f]/g, '');
        const r = parseRfc4716(writeRfc4716(keys.ed25519.key, c));
        expect(r.comment).toBe(c === '' ? undefined : c);
      }),
      { numRuns: 300 },
    );
  });
});

describe('header grammar (RFC 4716 §3.3)', () => {
  const body = () => writeRfc4716(keys.rsa.key).split('\n').slice(1, -2);
  const file = (...headers: string[]) => ['---- BEGIN SSH2 PUBLIC KEY ----', ...headers, ...body(), '---- END SSH2 PUBLIC KEY ----', ''].join('\n');

  it('tags are case-insensitive; quotes optional; other headers ignored; continuation with a trailing backslash', () => {
    expect(parseRfc4716(file('COMMENT: "upper"')).comment).toBe('upper');
    expect(parseRfc4716(file('comment: bare words')).comment).toBe('bare words');
    expect(parseRfc4716(file('Subject: someone', 'x-private: a\\', 'b\\', 'c', 'Comment: "c"')).comment).toBe('c');
    expect(parseRfc4716(file('Comment: "one \\', 'two\\', ' three"')).comment).toBe('one two three');
    expect(parseRfc4716(file('Comment:no-space')).comment).toBe('no-space');
    expect(parseRfc4716(file('Comment: ""')).comment).toBe('');
    expect(parseRfc4716(file('Comment: say "hi"')).comment).toBe('say "hi"');
    expect(parseRfc4716(file('Comment: "a \\"b\\" \\\\"')).comment).toBe('a "b" \\');
    expect(parseRfc4716(file('Comment: "first"', 'Comment: "second"')).comment).toBe('first');
  });

  it('CRLF, trailing spaces, blank lines and a file without a final newline are fine', () => {
    const text = file('Comment: "crlf"  ').replace(/\n/g, '\r\n').trimEnd();
    const r = parseRfc4716(`\r\n${text}`);
    expect(r.comment).toBe('crlf');
    expect(sameKey(r.key, keys.rsa.key)).toBe(true);
    const lines = file().split('\n');
    lines.splice(1, 0, '');
    expect(sameKey(parseRfc4716(lines.join('\n')).key, keys.rsa.key)).toBe(true);
  });

  it('limits: header value ≤ 1024 bytes, header line ≤ 1024 bytes, tag ≤ 64 bytes', () => {
    const v = 'v'.repeat(MAX_HEADER_VALUE_BYTES);
    expect(parseRfc4716(file(`x-long: ${v.slice(0, 500)}\\`, v.slice(500))).comment).toBeUndefined();
    expect(codeOf(() => parseRfc4716(file(`x-long: ${v}v`)))).toBe(Codes.InvalidKeyFormat);
    expect(codeOf(() => parseRfc4716(file(`x-long: ${v.slice(0, 600)}\\`, v.slice(0, 600))))).toBe(Codes.InvalidKeyFormat);
    expect(codeOf(() => parseRfc4716(file(`Comment: "${'c'.repeat(MAX_HEADER_LINE_BYTES)}"`)))).toBe(Codes.InvalidKeyFormat);
    expect(parseRfc4716(file(`${'t'.repeat(64)}: ok`)).comment).toBeUndefined();
    expect(codeOf(() => parseRfc4716(file(`${'t'.repeat(65)}: no`)))).toBe(Codes.InvalidKeyFormat);
    // an endless run of continuation lines is refused, not accumulated
    const e = errorOf(() => parseRfc4716(file('x-a: b\\', ...Array.from({ length: 100_000 }, () => 'cccccccccc\\'), 'end')));
    expect(e.code).toBe(Codes.InvalidKeyFormat);
    expect(e.message).toContain('1024');
  });

  it.each([
    ['no END line', (t: string) => t.replace('---- END SSH2 PUBLIC KEY ----', '')],
    ['text after END', (t: string) => t + 'ssh-rsa AAAA\n'],
    ['a second key after END', (t: string) => t + t],
    ['header after the key data', (t: string) => t.replace('---- END', 'Comment: late\n---- END')],
    ['no key data', () => '---- BEGIN SSH2 PUBLIC KEY ----\nComment: "x"\n---- END SSH2 PUBLIC KEY ----\n'],
    ['invalid base64', (t: string) => t.replace(/\nAAAA/, '\nAA*A')],
    ['truncated base64', (t: string) => t.replace(/\n[^\n]*\n---- END/, '\n---- END')],
    ['garbage blob', () => '---- BEGIN SSH2 PUBLIC KEY ----\nAAAAB3Nz\n---- END SSH2 PUBLIC KEY ----\n'],
    ['wrong marker', (t: string) => t.replace('---- END SSH2 PUBLIC KEY ----', '---- END SSH2 PRIVATE KEY ----')],
    ['not RFC 4716 at all', () => 'ssh-rsa AAAA'],
    ['unbalanced quote', (t: string) => t.replace('---- BEGIN SSH2 PUBLIC KEY ----\n', '---- BEGIN SSH2 PUBLIC KEY ----\nComment: "open\n')],
    ['continued past the end', () => '---- BEGIN SSH2 PUBLIC KEY ----\nComment: a\\'],
    ['empty tag', (t: string) => t.replace('---- BEGIN SSH2 PUBLIC KEY ----\n', '---- BEGIN SSH2 PUBLIC KEY ----\n: value\n')],
    ['tag with a space', (t: string) => t.replace('---- BEGIN SSH2 PUBLIC KEY ----\n', '---- BEGIN SSH2 PUBLIC KEY ----\nmy tag: value\n')],
  ])('refuses %s with InvalidKey.Format', (_name, mangle) => {
    expect(codeOf(() => parseRfc4716(mangle(writeRfc4716(keys.rsa.key))))).toBe(Codes.InvalidKeyFormat);
  });

  it('ECDSA and DSA keys exported by ssh-keygen are refused by name', () => {
    for (const [t, name] of [['ecdsa', 'ECDSA'], ['dsa', 'DSA']] as const) {
      run('ssh-keygen', ['-q', '-t', t, '-N', '', '-f', f(t)]);
      const text = run('ssh-keygen', ['-e', '-f', f(`${t}.pub`)]);
      const e = errorOf(() => parseRfc4716(text));
      expect(e.code).toBe(Codes.InvalidKeyFormat);
      expect(e.message).toContain(name);
    }
  });

  it('arbitrary text never escapes as anything but Ec2KeysError (fast-check)', () => {
    const good = writeRfc4716(keys.ed25519.key, 'c');
    fc.assert(
      fc.property(fc.nat({ max: good.length }), fc.string({ maxLength: 40 }), fc.nat({ max: 40 }), (at, insert, del) => {
        const t = good.slice(0, at) + insert + good.slice(at + del);
        try {
          parseRfc4716(t);
        } catch (e) {
          expect(e).toBeInstanceOf(Ec2KeysError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('detect.ts sends RFC 4716 text here, and names the five-dash look-alike', async () => {
    const { text, comment } = keygenExport('ed25519');
    const r = await readKey(Buffer.from(text.replace(/\n/g, '\r\n')));
    expect(r).toMatchObject({ kind: 'public', format: 'rfc4716', comment });
    expect(sameKey(r.key, keys.ed25519.key)).toBe(true);
    const five = text.replace(/---- (BEGIN|END) SSH2 PUBLIC KEY ----/g, '-----$1 SSH2 PUBLIC KEY-----');
    await expect(readKey(Buffer.from(five))).rejects.toMatchObject({ code: Codes.InvalidKeyFormat, message: expect.stringContaining('five dashes') });
  });
});

// ---------------------------------------------------------------- shared corpus

interface Entry {
  file: string;
  format: string;
  expect: 'ok' | 'reject';
  optional?: boolean;
  passphrase: string | null;
  keyType: string;
  importedFingerprint?: string;
  sha256?: string;
}
const CORPUS = corpusDir();
const manifest = JSON.parse(fs.readFileSync(path.join(CORPUS, 'manifest.json'), 'utf8')) as { files: Entry[] };
const entries = manifest.files.filter((e) => ['rfc4716', 'openssh-public', 'openssh-cert'].includes(e.format));

describe('corpus: public keys (RFC 4716, OpenSSH lines, certificates)', () => {
  it('has the entries this suite expects', () => {
    expect(entries.filter((e) => e.format === 'rfc4716').length).toBeGreaterThanOrEqual(6);
    expect(entries.length).toBeGreaterThanOrEqual(60);
  });

  it.each(entries.map((e) => [e.file, e] as const))('%s', async (_name, e) => {
    let r: ReadResult;
    try {
      r = await readKey(fs.readFileSync(path.join(CORPUS, e.file)), { passphrase: { get: async () => e.passphrase ?? undefined } });
    } catch (err) {
      expect(err).toBeInstanceOf(Ec2KeysError);
      if (!e.optional) expect(e.expect).toBe('reject');
      return;
    }
    if (!e.optional) expect(e.expect).toBe('ok');
    expect(r.kind).toBe('public');
    expect(r.key.type).toBe(e.keyType);
    expect(importedFingerprint(r.key)).toBe(e.importedFingerprint);
    expect(sha256Fingerprint(r.key)).toBe(e.sha256);
    if (e.format === 'rfc4716') {
      // mscdex/ssh2 keeps the expected comment next to each fixture
      const expected = JSON.parse(fs.readFileSync(path.join(CORPUS, `${e.file}.result`), 'utf8')) as { comment: string };
      expect(r.comment ?? '').toBe(expected.comment);
    }
  });
});
