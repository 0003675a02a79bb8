/**
 * A bounded single-producer/single-consumer ring of piece descriptors in shared memory,
 * with a byte ring beside it for pieces whose bytes are not in the blob (spill, kept
 * earlier output). The producer (exec's main thread) waits when the ring is full; the
 * consumer (one worker) sleeps when it is empty. Counters are int32 and wrap; only their
 * differences are used.
 */
import { smallInt } from './small-int.js';

/** Control words (Int32Array). Words each side writes sit on their own 64-byte line. */
const HEAD = 0; // slots published (producer)
const CLOSED = 1; // 1 when no slot will follow (producer)
const PRODUCER_SLEEPING = 2; // the producer waits for TAIL to move
const TAIL = 16; // slots done (consumer)
const RELEASED = 17; // byte-ring counter below which bytes are free again (consumer)
const CONSUMER_SLEEPING = 18; // the consumer waits for HEAD to move
const CONTROL_WORDS = 32;

/** Float64 fields of a slot. */
const SLOT_FIELDS = 4;
const F_CODE = 0; // kind | op << 1 | imm << 3
const F_OFFSET = 1; // blob offset (KIND_BLOB) or byte-ring counter of the first byte (KIND_BYTES)
const F_LENGTH = 2;
const F_STRETCH = 3; // the stretch of the stream the piece belongs to

export const KIND_BLOB = 0;
export const KIND_BYTES = 1;

/** The shared memory of one ring, as sent to its worker. */
export interface RingMemory {
  control: SharedArrayBuffer;
  slots: SharedArrayBuffer;
  bytes: SharedArrayBuffer;
}

const isPowerOfTwo = (n: number): boolean => n > 0 && (n & (n - 1)) === 0;

export function createRing(slotCount: number, byteCapacity: number): RingMemory {
  if (!isPowerOfTwo(slotCount) || !isPowerOfTwo(byteCapacity) || byteCapacity > 1 << 30) {
    throw new RangeError(`ring sizes must be powers of two (byte ring at most 1 GiB): ${slotCount} slots, ${byteCapacity} bytes`);
  }
  return {
    control: new SharedArrayBuffer(CONTROL_WORDS * 4),
    slots: new SharedArrayBuffer(slotCount * SLOT_FIELDS * 8),
    bytes: new SharedArrayBuffer(byteCapacity),
  };
}

/** Atomics.waitAsync (Node 16+), which the ES2022 library types do not declare. */
type WaitAsync = (a: Int32Array, index: number, value: number, timeout?: number) => { async: boolean; value: Promise<string> | string };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

/** How long the producer sleeps before it checks `abort` again, in ms. */
const PRODUCER_POLL_MS = 100;

export class RingProducer {
  /** The largest piece of bytes one slot takes: half the byte ring, so one always fits. */
  readonly maxBytesPiece: number;
  private readonly ctrl: Int32Array;
  private readonly slots: Float64Array;
  private readonly ring: Uint8Array;
  private readonly slotMask: number;
  private readonly byteMask: number;
  private head = 0;
  private produced = 0;

  /** @param abort throws when the consumer has failed, so a wait for space ends. */
  constructor(mem: RingMemory, private readonly abort: () => void = () => undefined) {
    this.ctrl = new Int32Array(mem.control);
    this.slots = new Float64Array(mem.slots);
    this.ring = new Uint8Array(mem.bytes);
    this.slotMask = this.slots.length / SLOT_FIELDS - 1;
    this.byteMask = this.ring.length - 1;
    this.maxBytesPiece = this.ring.length / 2;
  }

  /** A blob range; returns a promise only when it had to wait for space. */
  pushBlob(offset: number, length: number, op: number, imm: number, stretch: number): void | Promise<void> {
    if (!this.slotFree()) return this.waitFor(() => this.slotFree()).then(() => this.pushBlob(offset, length, op, imm, stretch));
    this.publish(KIND_BLOB | (op << 1) | (imm << 3), offset, length, stretch);
  }

  /** Copies src[start, end) (at most maxBytesPiece) into the byte ring; a promise only when it waited. */
  pushBytes(src: Uint8Array, start: number, end: number, op: number, imm: number, stretch: number): void | Promise<void> {
    const n = end - start;
    if (n > this.maxBytesPiece) throw new RangeError(`piece of ${n} bytes is larger than the ring takes (${this.maxBytesPiece})`);
    const at = this.placeFor(n);
    if (!this.slotFree() || !this.bytesFree(at, n)) {
      return this.waitFor(() => this.slotFree() && this.bytesFree(at, n)).then(() => this.pushBytes(src, start, end, op, imm, stretch));
    }
    this.ring.set(src.subarray(start, end), at & this.byteMask);
    this.produced = (at + n) | 0;
    this.publish(KIND_BYTES | (op << 1) | (imm << 3), at, n, stretch);
  }

  /** Says no slot follows, and wakes the consumer to see it. */
  close(): void {
    Atomics.store(this.ctrl, CLOSED, 1);
    Atomics.notify(this.ctrl, HEAD);
  }

  private slotFree(): boolean {
    return ((this.head - Atomics.load(this.ctrl, TAIL)) | 0) <= this.slotMask;
  }

  /** The byte-ring counter where n bytes go: here, or at the ring's start when they would run past its end. */
  private placeFor(n: number): number {
    const p = this.produced;
    const off = p & this.byteMask;
    return off + n > this.ring.length ? (p + (this.ring.length - off)) | 0 : p;
  }

  private bytesFree(at: number, n: number): boolean {
    return ((at + n - Atomics.load(this.ctrl, RELEASED)) | 0) <= this.ring.length;
  }

  private publish(code: number, offset: number, length: number, stretch: number): void {
    const s = (this.head & this.slotMask) * SLOT_FIELDS;
    this.slots[s + F_CODE] = code;
    this.slots[s + F_OFFSET] = offset;
    this.slots[s + F_LENGTH] = length;
    this.slots[s + F_STRETCH] = stretch;
    this.head = (this.head + 1) | 0;
    // The store publishes the slot's fields: Atomics order the plain writes before it.
    Atomics.store(this.ctrl, HEAD, this.head);
    if (Atomics.load(this.ctrl, CONSUMER_SLEEPING) !== 0) Atomics.notify(this.ctrl, HEAD);
  }

  private async waitFor(ready: () => boolean): Promise<void> {
    for (;;) {
      Atomics.store(this.ctrl, PRODUCER_SLEEPING, 1);
      const tail = Atomics.load(this.ctrl, TAIL);
      // Checked after the flag is up: a consumer that moved TAIL before seeing it is seen here.
      if (ready()) break;
      const w = waitAsync(this.ctrl, TAIL, tail, PRODUCER_POLL_MS);
      if (w.async) await w.value;
      this.abort();
    }
    Atomics.store(this.ctrl, PRODUCER_SLEEPING, 0);
  }
}

/** One descriptor as the consumer reads it. */
export interface Piece {
  kind: number;
  op: number;
  imm: number;
  /** Blob offset (KIND_BLOB) or index into `bytes` (KIND_BYTES). */
  offset: number;
  length: number;
  stretch: number;
}

export class RingConsumer {
  /** The byte ring; a KIND_BYTES piece's bytes are bytes[offset, offset + length) until it is released. */
  readonly bytes: Uint8Array;
  private readonly ctrl: Int32Array;
  private readonly slots: Float64Array;
  private readonly slotMask: number;
  private readonly byteMask: number;
  private tail = 0;
  /** The byte-ring counter that releasing the current piece frees up to (bytes pieces only). */
  private releaseTo: number | undefined;

  constructor(mem: RingMemory) {
    this.ctrl = new Int32Array(mem.control);
    this.slots = new Float64Array(mem.slots);
    this.bytes = new Uint8Array(mem.bytes);
    this.slotMask = this.slots.length / SLOT_FIELDS - 1;
    this.byteMask = this.bytes.length - 1;
  }

  /**
   * Fills `piece` with the next descriptor, sleeping while the ring is empty; false once the
   * producer has closed the ring and every slot is done. Call release() after each piece.
   */
  next(piece: Piece): boolean {
    for (;;) {
      if (Atomics.load(this.ctrl, HEAD) !== this.tail) break;
      if (Atomics.load(this.ctrl, CLOSED) !== 0) {
        // CLOSED is set after the last HEAD store, so HEAD read now is final.
        if (Atomics.load(this.ctrl, HEAD) !== this.tail) break;
        return false;
      }
      Atomics.store(this.ctrl, CONSUMER_SLEEPING, 1);
      const head = Atomics.load(this.ctrl, HEAD);
      if (head === this.tail && Atomics.load(this.ctrl, CLOSED) === 0) Atomics.wait(this.ctrl, HEAD, head);
      Atomics.store(this.ctrl, CONSUMER_SLEEPING, 0);
    }
    const s = (this.tail & this.slotMask) * SLOT_FIELDS;
    const code = this.slots[s + F_CODE]!;
    piece.kind = code & 1;
    piece.op = (code >>> 1) & 3;
    piece.imm = (code >>> 3) & 255;
    piece.offset = smallInt(this.slots[s + F_OFFSET]!);
    piece.length = this.slots[s + F_LENGTH]! | 0; // at most a block's 256 MiB
    piece.stretch = smallInt(this.slots[s + F_STRETCH]!);
    if (piece.kind === KIND_BYTES) {
      this.releaseTo = (piece.offset + piece.length) | 0;
      piece.offset &= this.byteMask;
    } else {
      this.releaseTo = undefined;
    }
    return true;
  }

  /** Gives the last piece's slot (and bytes) back to the producer. */
  release(): void {
    if (this.releaseTo !== undefined) Atomics.store(this.ctrl, RELEASED, this.releaseTo);
    this.tail = (this.tail + 1) | 0;
    Atomics.store(this.ctrl, TAIL, this.tail);
    if (Atomics.load(this.ctrl, PRODUCER_SLEEPING) !== 0) Atomics.notify(this.ctrl, TAIL);
  }
}
