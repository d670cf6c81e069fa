// A minimal, strict DER reader and writer (X.690) for the handful of fixed structures we meet:
// PKCS#1, PKCS#8 / PBES2 parameters, SubjectPublicKeyInfo. Kept in-house instead of
// node-forge's ASN.1 because the password path must start fast (forge's require alone costs
// ~150 ms, runtime.md §3); forge stays lazy-loaded for legacy PBES1/PKCS#12 ciphers only.
// Every length is checked against what is left before slicing.

import { formatError } from '../errors.js';
import { bigToBuf, bufToBig } from './model.js';

export const TAG = { INTEGER: 0x02, BIT_STRING: 0x03, OCTET_STRING: 0x04, NULL: 0x05, OID: 0x06, SEQUENCE: 0x30 } as const;

export interface DerNode {
  tag: number;
  /** The contents octets. */
  value: Buffer;
  /** The whole TLV. */
  raw: Buffer;
}

export class DerReader {
  private off = 0;
  constructor(private readonly buf: Buffer, private readonly what = 'DER data') {}

  fail(detail: string): never {
    throw formatError(`${this.what} is malformed: ${detail}`);
  }

  get done(): boolean {
    return this.off >= this.buf.length;
  }

  peekTag(): number | undefined {
    return this.done ? undefined : this.buf[this.off];
  }

  next(expectTag?: number): DerNode {
    const b = this.buf;
    const start = this.off;
    if (start + 2 > b.length) this.fail('truncated');
    const tag = b[start];
    if ((tag & 0x1f) === 0x1f) this.fail('multi-byte tags are not used in key structures');
    let len = b[start + 1];
    let p = start + 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n === 0) this.fail('indefinite length (BER) is not DER');
      if (n > 4) this.fail('length field too large');
      if (p + n > b.length) this.fail('truncated length');
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + b[p + i];
      p += n;
    }
    if (len > b.length - p) this.fail(`an element says ${len} bytes but only ${b.length - p} are left`);
    if (expectTag !== undefined && tag !== expectTag) this.fail(`expected tag 0x${expectTag.toString(16)}, found 0x${tag.toString(16)}`);
    this.off = p + len;
    return { tag, value: b.subarray(p, p + len), raw: b.subarray(start, p + len) };
  }

  seq(): DerReader {
    return new DerReader(this.next(TAG.SEQUENCE).value, this.what);
  }

  /** Non-negative INTEGER as bigint. */
  uint(): bigint {
    const v = this.next(TAG.INTEGER).value;
    if (v.length === 0) this.fail('empty INTEGER');
    if (v[0] & 0x80) this.fail('negative INTEGER');
    return bufToBig(v);
  }

  /** Small INTEGER as number (versions, iteration counts); refuses values above 2^48. */
  int(): number {
    const v = this.uint();
    if (v > 2n ** 48n) this.fail('INTEGER too large');
    return Number(v);
  }

  oid(): string {
    return decodeOid(this.next(TAG.OID).value, this);
  }

  octets(): Buffer {
    return this.next(TAG.OCTET_STRING).value;
  }

  bitString(): Buffer {
    const v = this.next(TAG.BIT_STRING).value;
    if (v.length === 0 || v[0] !== 0) this.fail('BIT STRING with unused bits');
    return v.subarray(1);
  }

  end(): void {
    if (!this.done) this.fail('unexpected trailing data');
  }
}

function decodeOid(v: Buffer, r: DerReader): string {
  if (v.length === 0 || v.length > 64) r.fail('bad OBJECT IDENTIFIER');
  // X.690 §8.19.2: every arc ends with a byte whose top bit is clear, and is minimally encoded
  // (no leading 0x80). Without these checks a truncated arc became "2.NaN" or silently vanished.
  if (v[v.length - 1] & 0x80) r.fail('OBJECT IDENTIFIER ends inside an arc');
  const out: number[] = [];
  let acc = 0;
  for (let i = 0; i < v.length; i++) {
    const byte = v[i];
    if (byte === 0x80 && (i === 0 || !(v[i - 1] & 0x80))) r.fail('OBJECT IDENTIFIER arc is not minimally encoded');
    acc = acc * 128 + (byte & 0x7f);
    if (acc > Number.MAX_SAFE_INTEGER) r.fail('OBJECT IDENTIFIER arc is too large');
    if (!(byte & 0x80)) {
      out.push(acc);
      acc = 0;
    }
  }
  const first = out.shift()!;
  const a = first < 40 ? 0 : first < 80 ? 1 : 2;
  return [a, first - a * 40, ...out].join('.');
}

// ---------------------------------------------------------------- writer

function tlv(tag: number, value: Buffer): Buffer {
  const len = value.length;
  let hdr: Buffer;
  if (len < 0x80) hdr = Buffer.from([tag, len]);
  else {
    const lb = bigToBuf(BigInt(len));
    hdr = Buffer.concat([Buffer.from([tag, 0x80 | lb.length]), lb]);
  }
  return Buffer.concat([hdr, value]);
}

export const der = {
  seq: (...items: Buffer[]) => tlv(TAG.SEQUENCE, Buffer.concat(items)),
  uint: (x: bigint | number) => {
    let b = bigToBuf(BigInt(x));
    if (b.length === 0 || b[0] & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
    return tlv(TAG.INTEGER, b);
  },
  octets: (b: Buffer) => tlv(TAG.OCTET_STRING, b),
  bitString: (b: Buffer) => tlv(TAG.BIT_STRING, Buffer.concat([Buffer.from([0]), b])),
  null: () => Buffer.from([TAG.NULL, 0]),
  oid: (s: string) => {
    const parts = s.split('.').map(Number);
    const bytes: number[] = [parts[0] * 40 + parts[1]];
    for (const p of parts.slice(2)) {
      const enc: number[] = [p & 0x7f];
      for (let v = Math.floor(p / 128); v > 0; v = Math.floor(v / 128)) enc.unshift((v & 0x7f) | 0x80);
      bytes.push(...enc);
    }
    return tlv(TAG.OID, Buffer.from(bytes));
  },
};

/** Top-level element tags of a SEQUENCE, for sniffing; undefined if not well-formed DER. */
export function sequenceTags(buf: Buffer): number[] | undefined {
  try {
    const outer = new DerReader(buf);
    const r = outer.seq();
    outer.end();
    const tags: number[] = [];
    while (!r.done && tags.length < 16) tags.push(r.next().tag);
    return tags;
  } catch {
    return undefined;
  }
}

export const OID = {
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsaPss: '1.2.840.113549.1.1.10',
  ed25519: '1.3.101.112',
  ed448: '1.3.101.113',
  x25519: '1.3.101.110',
  ecPublicKey: '1.2.840.10045.2.1',
  dsa: '1.2.840.10040.4.1',
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  scrypt: '1.3.6.1.4.1.11591.4.11',
  hmacWithSHA1: '1.2.840.113549.2.7',
  hmacWithSHA224: '1.2.840.113549.2.8',
  hmacWithSHA256: '1.2.840.113549.2.9',
  hmacWithSHA384: '1.2.840.113549.2.10',
  hmacWithSHA512: '1.2.840.113549.2.11',
  aes128cbc: '2.16.840.1.101.3.4.1.2',
  aes192cbc: '2.16.840.1.101.3.4.1.22',
  aes256cbc: '2.16.840.1.101.3.4.1.42',
  desEde3cbc: '1.2.840.113549.3.7',
  desCbc: '1.3.14.3.2.7',
} as const;
