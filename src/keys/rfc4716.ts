// RFC 4716 "The Secure Shell (SSH) Public Key File Format" (the ssh.com / `ssh-keygen -e` form):
//
//   ---- BEGIN SSH2 PUBLIC KEY ----
//   Comment: "2048-bit RSA, converted by me@host from OpenSSH"      (headers: `Tag: value`, §3.3)
//   x-private-tag: a value continued \                              (a trailing `\` continues, §3.3)
//   on the next line
//   AAAAB3NzaC1yc2EAAAADAQABAAABAQ…                                  (base64 of the SSH blob, §3.4)
//   ---- END SSH2 PUBLIC KEY ----
//
// Header tags are case-insensitive; Comment values are commonly quoted (§3.3.2): the quotes are
// removed, and inside them PuTTY's \\ and \" escapes undone. RSA and Ed25519 keys are parsed (what EC2 accepts per origin is decided elsewhere).
// Limits (§3.3, hostile input): a header tag is 1..64 printable US-ASCII bytes, a header value at
// most 1024 bytes (checked while continuation lines are joined, so a long header never grows), a
// header line at most 1024 bytes; anything malformed is InvalidKey.Format.
// The writer follows `ssh-keygen -e`: quoted Comment header on ONE line, 70-column base64. A long
// comment is not split with `\` continuations although §3 limits lines to 72 bytes: ssh-keygen and
// puttygen both write it on one line, and puttygen 0.78 cannot read continued headers ("invalid
// algorithm prefix"), so one line is what every reader here accepts.

import { Codes, Ec2KeysError, formatError } from '../errors.js';
import type { PublicKey } from './model.js';
import { decodeBase64Strict, parsePublicBlob, publicBlob } from './ssh-public.js';

export const RFC4716_BEGIN = '---- BEGIN SSH2 PUBLIC KEY ----';
export const RFC4716_END = '---- END SSH2 PUBLIC KEY ----';
export const MAX_HEADER_TAG_BYTES = 64;
export const MAX_HEADER_VALUE_BYTES = 1024;
export const MAX_HEADER_LINE_BYTES = 1024;
/** ssh-keygen's base64 width (sshbuf_dtob64 / dump_base64). */
const B64_LINE = 70;

const WHAT = 'RFC 4716 public key';
const TAG_RE = /^[\x21-\x39\x3b-\x7e]+$/; // printable US-ASCII without ':' or space

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

export function parseRfc4716(text: string): { key: PublicKey; comment?: string } {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let i = 0;
  while (i < lines.length && lines[i].trim() === '') i++;
  if (i >= lines.length || lines[i].trim() !== RFC4716_BEGIN) {
    throw formatError(`${WHAT} must start with "${RFC4716_BEGIN}"`);
  }
  const headers = new Map<string, string>();
  const body: string[] = [];
  let inHeaders = true;
  let ended = false;
  for (i++; i < lines.length; i++) {
    const line = lines[i].replace(/[ \t]+$/, '');
    const lineNo = i + 1;
    if (line.trim() === RFC4716_END) {
      ended = true;
      break;
    }
    if (line.trimStart().startsWith('----')) {
      throw formatError(`${WHAT}: line ${lineNo} is "${printable(line)}" where "${RFC4716_END}" or key data was expected`);
    }
    if (line.trim() === '') continue;
    if (inHeaders && line.includes(':')) {
      i = readHeader(lines, i, headers);
      continue;
    }
    inHeaders = false;
    if (line.includes(':')) throw formatError(`${WHAT}: header "${printable(line)}" on line ${lineNo} comes after the key data`);
    body.push(line.trim());
  }
  if (!ended) throw formatError(`${WHAT} is truncated: no "${RFC4716_END}" line`);
  for (i++; i < lines.length; i++) {
    if (lines[i].trim() !== '') {
      throw formatError(`${WHAT}: unexpected text after "${RFC4716_END}" (line ${i + 1})`, 'give one key per file');
    }
  }
  const b64 = body.join('');
  if (b64 === '') throw formatError(`${WHAT} has no key data between its BEGIN and END lines`);
  const key = parsePublicBlob(decodeBase64Strict(b64, WHAT), WHAT);
  return { key, comment: headers.get('comment') };
}

/** Read one header starting at lines[i], joining `\` continuations; returns the index of its last line. */
function readHeader(lines: string[], i: number, headers: Map<string, string>): number {
  const first = i;
  let logical = '';
  for (;;) {
    const line = lines[i].replace(/[ \t]+$/, '');
    if (bytes(line) > MAX_HEADER_LINE_BYTES) {
      throw formatError(`${WHAT}: header line ${i + 1} is ${bytes(line)} bytes; at most ${MAX_HEADER_LINE_BYTES} are accepted`);
    }
    const continued = line.endsWith('\\');
    logical += continued ? line.slice(0, -1) : line;
    // Checked as the value grows so a hostile run of continuation lines costs nothing extra.
    if (bytes(logical) > MAX_HEADER_TAG_BYTES + 2 + MAX_HEADER_VALUE_BYTES) {
      throw formatError(`${WHAT}: the header starting on line ${first + 1} is longer than ${MAX_HEADER_VALUE_BYTES} bytes`);
    }
    if (!continued) break;
    i++;
    if (i >= lines.length) throw formatError(`${WHAT}: the header on line ${first + 1} is continued past the end of the file`);
  }
  const colon = logical.indexOf(':');
  const tag = logical.slice(0, colon);
  let value = logical.slice(colon + 1);
  if (tag.length === 0 || tag.length > MAX_HEADER_TAG_BYTES || !TAG_RE.test(tag)) {
    throw formatError(`${WHAT}: "${printable(tag)}" on line ${first + 1} is not a header name (1 to ${MAX_HEADER_TAG_BYTES} US-ASCII characters, no spaces)`);
  }
  // §3.3 puts one space after the colon; tolerate none or several, as other readers do.
  value = value.replace(/^[ \t]+/, '');
  if (bytes(value) > MAX_HEADER_VALUE_BYTES) {
    throw formatError(`${WHAT}: the ${tag} header is ${bytes(value)} bytes; at most ${MAX_HEADER_VALUE_BYTES} are accepted`);
  }
  const name = tag.toLowerCase();
  if (name === 'comment') {
    if (value.startsWith('"')) {
      if (value.length < 2 || !value.endsWith('"')) {
        throw formatError(`${WHAT}: the Comment header on line ${first + 1} opens a quote it does not close`);
      }
      // PuTTY writes \\ and \" inside the quotes ("not in RFC4716 but seen in the wild", sshpubk.c);
      // only those two are undone, so an unescaped "C:\Users\me" from other writers survives.
      value = value.slice(1, -1).replace(/\\(["\\])/g, '$1');
    }
  }
  // The first of a repeated header wins; others are kept for nothing but are not an error.
  if (!headers.has(name)) headers.set(name, value);
  return i;
}

/**
 * Like `ssh-keygen -e -f key.pub`: quoted Comment header (when given), 70-column base64. A `\` or
 * `"` in the comment is escaped with `\` as puttygen writes and reads it (ssh-keygen ignores headers).
 */
export function writeRfc4716(pub: PublicKey, comment?: string): string {
  const out = [RFC4716_BEGIN];
  if (comment !== undefined && comment !== '') out.push(`Comment: "${escapeComment(comment)}"`);
  const b64 = publicBlob(pub).toString('base64');
  for (let i = 0; i < b64.length; i += B64_LINE) out.push(b64.slice(i, i + B64_LINE));
  out.push(RFC4716_END);
  return out.join('\n') + '\n';
}

function escapeComment(comment: string): string {
  // Line breaks and control characters cannot be represented in a header.
  if (/[\x00-\x1f\x7f]/.test(comment)) {
    throw new Ec2KeysError(Codes.InvalidParameterValue,
      'the key comment contains a line break or control character, which an RFC 4716 file cannot hold',
      { hint: 'give another comment with --comment' });
  }
  const escaped = comment.replace(/["\\]/g, '\\$&');
  // The whole `Comment: "…"` line must stay within what parseRfc4716 reads back.
  const max = MAX_HEADER_LINE_BYTES - bytes('Comment: ""');
  if (bytes(escaped) > max) {
    throw new Ec2KeysError(Codes.InvalidParameterValue,
      `the key comment is ${bytes(comment)} bytes; an RFC 4716 file holds at most ${max}`,
      { hint: 'give a shorter comment with --comment' });
  }
  return escaped;
}

function printable(s: string): string {
  const t = s.slice(0, 40).replace(/[^\x20-\x7e]/g, '?');
  return s.length > 40 ? t + '…' : t;
}
