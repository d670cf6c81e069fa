// Turning key-file bytes into text the parsers can trust, and PEM armour (RFC 7468, plus the
// RFC 1421 `Proc-Type`/`DEK-Info` headers of legacy encrypted OpenSSL keys).
//
// Windows realities handled here (issue #3): a UTF-8 BOM, UTF-16LE with BOM (what Windows
// PowerShell 5.1 `>` writes), UTF-16BE with BOM, CRLF and CR-only line endings, surrounding
// whitespace, text before the BEGIN line (`Bag Attributes` from openssl pkcs12).

import { formatError } from '../errors.js';

/** Largest key input read at all (PuTTY's own PPK limit is 353,621 bytes; RSA-16384 PEMs are ~13 KB). */
export const MAX_INPUT_BYTES = 1024 * 1024;

export function checkInputSize(b: Uint8Array): void {
  if (b.length > MAX_INPUT_BYTES) {
    throw formatError(`input is ${b.length} bytes; a key file is at most ${MAX_INPUT_BYTES} bytes`, 'is this really a key file?');
  }
}

/** Decode key-file bytes to a JS string, honouring BOMs; normalise line endings to LF. */
export function decodeText(b: Uint8Array): string {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  let s: string;
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) s = buf.subarray(2).toString('utf16le');
  else if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) s = swap16(buf.subarray(2)).toString('utf16le');
  else if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) s = buf.subarray(3).toString('utf8');
  else if (looksUtf16leNoBom(buf)) s = buf.toString('utf16le');
  else s = buf.toString('utf8');
  return s.replace(/\r\n?/g, '\n');
}

function swap16(b: Buffer): Buffer {
  const c = Buffer.from(b.subarray(0, b.length & ~1));
  return c.swap16();
}

function looksUtf16leNoBom(b: Buffer): boolean {
  // "-\0-\0" or "P\0u\0": ASCII text as UTF-16LE without a BOM.
  return b.length >= 8 && b[1] === 0 && b[3] === 0 && b[0] !== 0 && b[2] !== 0;
}

/** Is this likely binary (DER) rather than text? */
export function isBinary(b: Uint8Array): boolean {
  return b.length > 0 && b[0] === 0x30 && b.length > 1 && (b[1] & 0x80 ? true : b[1] + 2 <= b.length) && !isProbablyText(b);
}

function isProbablyText(b: Uint8Array): boolean {
  const n = Math.min(b.length, 64);
  for (let i = 0; i < n; i++) {
    const c = b[i];
    if (c < 0x09 || (c > 0x0d && c < 0x20) || c > 0x7e) return false;
  }
  return true;
}

export interface PemBlock {
  label: string;
  headers: Map<string, string>;
  body: Buffer;
}

const BEGIN = /^-----BEGIN ([A-Z0-9 ]+)-----\s*$/;

/** The first PEM block in `text` (text before it is ignored), or undefined when there is none. */
export function parsePem(text: string): PemBlock | undefined {
  const lines = text.split('\n');
  let i = lines.findIndex((l) => BEGIN.test(l.trim()));
  if (i < 0) return undefined;
  const label = BEGIN.exec(lines[i].trim())![1];
  const endLine = `-----END ${label}-----`;
  const headers = new Map<string, string>();
  const b64: string[] = [];
  let inHeaders = true;
  let ended = false;
  for (i++; i < lines.length; i++) {
    const l = lines[i].trim();
    if (l === endLine) {
      ended = true;
      break;
    }
    if (l.startsWith('-----')) throw formatError(`PEM block "${label}" ends with "${l.slice(0, 60)}" instead of "${endLine}"`);
    if (inHeaders) {
      const m = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(l);
      if (m) {
        headers.set(m[1], m[2]);
        continue;
      }
      inHeaders = false;
    }
    if (l === '') continue;
    b64.push(l);
  }
  if (!ended) throw formatError(`PEM block "${label}" is truncated: no "${endLine}" line`);
  const joined = b64.join('');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(joined) || joined.length % 4 !== 0) {
    throw formatError(`PEM block "${label}" holds invalid base64`);
  }
  return { label, headers, body: Buffer.from(joined, 'base64') };
}

export function writePem(label: string, body: Buffer, headers?: [string, string][]): string {
  const b64 = body.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  const h = headers?.length ? headers.map(([k, v]) => `${k}: ${v}\n`).join('') + '\n' : '';
  return `-----BEGIN ${label}-----\n${h}${b64}\n-----END ${label}-----\n`;
}
