/**
 * The descriptor ring (src/runtime/pcpu/ring.ts), producer and consumer on one thread:
 * fields arrive as sent, bytes survive the byte ring's wrap-around, and a full ring makes
 * the producer wait until the consumer releases a slot.
 */
import { describe, expect, it } from 'vitest';
import { createRing, KIND_BLOB, KIND_BYTES, RingConsumer, RingProducer, type Piece } from '../../../src/runtime/pcpu/ring.js';

const piece = (): Piece => ({ kind: -1, op: -1, imm: -1, offset: -1, length: -1, stretch: -1 });

describe('ring', () => {
  it('carries blob and bytes descriptors in order, then says it is closed', () => {
    const mem = createRing(8, 64);
    const p = new RingProducer(mem);
    const c = new RingConsumer(mem);
    expect(p.pushBlob(4_000_000_123, 77, 2, 0xfe, 5)).toBeUndefined();
    expect(p.pushBytes(Uint8Array.of(9, 8, 7, 6, 5), 1, 4, 3, 1, 6)).toBeUndefined();
    p.close();
    const x = piece();
    expect(c.next(x)).toBe(true);
    expect(x).toEqual({ kind: KIND_BLOB, op: 2, imm: 0xfe, offset: 4_000_000_123, length: 77, stretch: 5 });
    c.release();
    expect(c.next(x)).toBe(true);
    expect({ ...x, offset: 0 }).toEqual({ kind: KIND_BYTES, op: 3, imm: 1, offset: 0, length: 3, stretch: 6 });
    expect(Array.from(c.bytes.subarray(x.offset, x.offset + x.length))).toEqual([8, 7, 6]);
    c.release();
    expect(c.next(x)).toBe(false);
  });

  it('keeps each piece of bytes contiguous across the byte ring\'s end, for many rounds', () => {
    const mem = createRing(4, 64);
    const p = new RingProducer(mem);
    const c = new RingConsumer(mem);
    expect(p.maxBytesPiece).toBe(32);
    const x = piece();
    for (let i = 0; i < 1000; i++) {
      const n = 1 + ((i * 7) % 32);
      const src = Uint8Array.from({ length: n }, (_, k) => (i + k) & 255);
      expect(p.pushBytes(src, 0, n, 1, 0, i)).toBeUndefined();
      expect(c.next(x)).toBe(true);
      expect(x.offset + x.length).toBeLessThanOrEqual(64);
      expect(c.bytes.subarray(x.offset, x.offset + x.length)).toEqual(src);
      c.release();
    }
  });

  it('makes the producer wait while the ring is full, and go on once a slot is released', async () => {
    const mem = createRing(2, 64);
    const p = new RingProducer(mem);
    const c = new RingConsumer(mem);
    expect(p.pushBlob(1, 1, 1, 0, 0)).toBeUndefined();
    expect(p.pushBlob(2, 1, 1, 0, 0)).toBeUndefined();
    let sent = false;
    const waiting = p.pushBlob(3, 1, 1, 0, 0);
    expect(waiting).toBeInstanceOf(Promise);
    void (waiting as Promise<void>).then(() => (sent = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(sent).toBe(false);
    const x = piece();
    c.next(x);
    c.release();
    await waiting;
    expect(sent).toBe(true);
    const offsets: number[] = [];
    p.close();
    while (c.next(x)) {
      offsets.push(x.offset);
      c.release();
    }
    expect(offsets).toEqual([2, 3]);
  });

  it('waits for byte space too, and stops waiting when the consumer has failed', async () => {
    const mem = createRing(8, 64);
    let failed = false;
    const p = new RingProducer(mem, () => {
      if (failed) throw new Error('worker failed');
    });
    expect(p.pushBytes(new Uint8Array(32), 0, 32, 1, 0, 0)).toBeUndefined();
    expect(p.pushBytes(new Uint8Array(32), 0, 32, 1, 0, 0)).toBeUndefined();
    const waiting = p.pushBytes(new Uint8Array(1), 0, 1, 1, 0, 0);
    expect(waiting).toBeInstanceOf(Promise);
    failed = true;
    await expect(waiting).rejects.toThrow('worker failed');
  });

  it('refuses sizes that are not powers of two, and pieces larger than half the byte ring', () => {
    expect(() => createRing(3, 64)).toThrow(RangeError);
    expect(() => createRing(4, 100)).toThrow(RangeError);
    const p = new RingProducer(createRing(4, 64));
    expect(() => p.pushBytes(new Uint8Array(33), 0, 33, 1, 0, 0)).toThrow(RangeError);
  });
});
