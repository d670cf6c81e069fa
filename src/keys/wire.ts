// SSH wire encoding (RFC 4251 §5): uint32, string, mpint. Bounds-checked: a length prefix is
// compared with what is left before anything is sliced, so a huge prefix is a format error,
// never an allocation.

import { formatError } from '../errors.js';
import { bigToBuf, bufToBig } from './model.js';

export class SshReader {
  private off = 0;
  constructor(private readonly buf: Buffer, private readonly what = 'key data') {}

  get remaining(): number {
    return this.buf.length - this.off;
  }

  private fail(detail: string): never {
    throw formatError(`${this.what} is malformed: ${detail}`);
  }

  u32(): number {
    if (this.remaining < 4) this.fail('truncated');
    const v = this.buf.readUInt32BE(this.off);
    this.off += 4;
    return v;
  }

  u8(): number {
    if (this.remaining < 1) this.fail('truncated');
    return this.buf[this.off++];
  }

  bytes(n: number): Buffer {
    if (n > this.remaining) this.fail(`a field says ${n} bytes but only ${this.remaining} are left`);
    const b = this.buf.subarray(this.off, this.off + n);
    this.off += n;
    return b;
  }

  string(): Buffer {
    return this.bytes(this.u32());
  }

  /** A string that must be text (algorithm names, cipher names). */
  text(max = 256): string {
    const b = this.string();
    if (b.length > max) this.fail('a name field is too long');
    return b.toString('latin1');
  }

  /** A non-negative mpint (RSA numbers). */
  mpint(): bigint {
    const b = this.string();
    if (b.length > 0 && b[0] & 0x80) this.fail('negative number');
    return bufToBig(b);
  }

  rest(): Buffer {
    return this.bytes(this.remaining);
  }

  /** Nothing may follow (public blobs). */
  end(): void {
    if (this.remaining !== 0) this.fail(`${this.remaining} unexpected bytes at the end`);
  }
}

export class SshWriter {
  private parts: Buffer[] = [];

  u32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(v >>> 0);
    this.parts.push(b);
    return this;
  }

  raw(b: Uint8Array): this {
    this.parts.push(Buffer.from(b));
    return this;
  }

  string(b: Uint8Array | string): this {
    const buf = typeof b === 'string' ? Buffer.from(b, 'utf8') : Buffer.from(b);
    return this.u32(buf.length).raw(buf);
  }

  mpint(x: bigint): this {
    let b = bigToBuf(x);
    if (b.length > 0 && b[0] & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
    return this.string(b);
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.parts);
  }
}
