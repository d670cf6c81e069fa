// Reporter output: long JSON documents are written in pieces (speed), and the pieces must join
// into exactly the document, never splitting a UTF-16 surrogate pair (that would put U+FFFD
// into a UTF-8 stream: a tag value with an emoji would come out damaged).
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { writeText } from '../../src/cli/output.js';

function sink() {
  const chunks: Buffer[] = [];
  const w = new Writable({ write: (c, _e, cb) => (chunks.push(Buffer.from(c)), cb()) });
  return { w, bytes: () => Buffer.concat(chunks), pieces: () => chunks.length };
}

describe('writeText', () => {
  it('joins to the same UTF-8 bytes for every piece size, with surrogate pairs on every boundary', () => {
    const s = 'ab\u{1F511}c\u{1F511}\u{1F511}d'.repeat(7) + '\u{1F511}';
    for (let piece = 1; piece <= 12; piece++) {
      const out = sink();
      writeText(out.w, s, piece);
      expect(out.bytes().equals(Buffer.from(s, 'utf8')), `piece ${piece}`).toBe(true);
      expect(out.bytes().includes(Buffer.from('\uFFFD', 'utf8')), `piece ${piece}`).toBe(false);
    }
  });

  it('a 1.2 MB document goes out in 64 KiB pieces; an empty one writes nothing', () => {
    const s = JSON.stringify({ KeyPairs: Array.from({ length: 5000 }, (_, i) => ({ KeyName: `k-${i}`, Tags: [{ Key: 'T', Value: 'v\u00e9\u{1F511}' }] })) }, null, 2);
    const out = sink();
    writeText(out.w, s);
    expect(out.bytes().toString('utf8')).toBe(s);
    expect(out.pieces()).toBe(Math.ceil(s.length / 65536));
    const empty = sink();
    writeText(empty.w, '');
    expect(empty.pieces()).toBe(0);
  });
});
