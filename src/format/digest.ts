/**
 * Output digests: the first 16 bytes of SHA-256, computed in one go or streaming.
 */
import { createHash, type Hash } from 'node:crypto';
import { OUTPUT_DIGEST_BYTES } from './constants.js';

/** Streaming SHA-256 truncated to 16 bytes. */
export class Digest16 {
  private readonly hash: Hash = createHash('sha256');
  private done = false;

  update(bytes: Uint8Array): this {
    if (this.done) throw new Error('Digest16.update after digest()');
    this.hash.update(bytes);
    return this;
  }

  /** The 16-byte digest; the object cannot be updated afterwards. */
  digest(): Uint8Array {
    if (this.done) throw new Error('Digest16.digest called twice');
    this.done = true;
    const full = this.hash.digest();
    return new Uint8Array(full.buffer, full.byteOffset, OUTPUT_DIGEST_BYTES).slice();
  }
}

/** First 16 bytes of SHA-256 of `bytes`. */
export function digest16(bytes: Uint8Array): Uint8Array {
  return new Digest16().update(bytes).digest();
}

/** Lower-case hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Bytes of a hex string (even length, 0-9a-f in either case); throws RangeError otherwise. */
export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new RangeError(`not a hex string: ${JSON.stringify(hex.length > 40 ? hex.slice(0, 40) + '...' : hex)}`);
  }
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/** True when a and b hold the same bytes. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
