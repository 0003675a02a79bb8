/** A growable list of segments that becomes a BlockPlan. */
import { OP_LITERAL, type BlockPlan } from '../format/types.js';

export class SegmentBuilder {
  private op = new Uint8Array(256);
  private len = new Uint32Array(256);
  private off = new Float64Array(256);
  private imm = new Uint8Array(256);
  private count = 0;
  private spillParts: Uint8Array[] = [];
  private spillBytes = 0;
  private outLength = 0;

  constructor(private readonly input: Uint8Array) {}

  private grow(): void {
    const n = this.op.length * 2;
    const op = new Uint8Array(n);
    op.set(this.op);
    const len = new Uint32Array(n);
    len.set(this.len);
    const off = new Float64Array(n);
    off.set(this.off);
    const imm = new Uint8Array(n);
    imm.set(this.imm);
    this.op = op;
    this.len = len;
    this.off = off;
    this.imm = imm;
  }

  /** Literal input[start, start+length). Adjacent literals merge. */
  literal(start: number, length: number): void {
    if (length <= 0) return;
    const last = this.count - 1;
    if (last >= 0 && this.op[last] === OP_LITERAL) {
      this.len[last] += length;
    } else {
      if (this.count === this.op.length) this.grow();
      this.op[this.count] = OP_LITERAL;
      this.len[this.count] = length;
      this.off[this.count] = 0;
      this.imm[this.count] = 0;
      this.count++;
    }
    this.spillParts.push(this.input.subarray(start, start + length));
    this.spillBytes += length;
    this.outLength += length;
  }

  /** A copy of blob[offset, offset+length) through op/imm. Contiguous copies merge. */
  copy(op: number, offset: number, length: number, imm: number): void {
    if (length <= 0) return;
    const last = this.count - 1;
    if (last >= 0 && this.op[last] === op && this.imm[last] === imm && this.off[last] + this.len[last] === offset) {
      this.len[last] += length;
    } else {
      if (this.count === this.op.length) this.grow();
      this.op[this.count] = op;
      this.len[this.count] = length;
      this.off[this.count] = offset;
      this.imm[this.count] = imm;
      this.count++;
    }
    this.outLength += length;
  }

  finish(): BlockPlan {
    const spill = new Uint8Array(this.spillBytes);
    let at = 0;
    for (const p of this.spillParts) {
      spill.set(p, at);
      at += p.length;
    }
    const n = this.count;
    return {
      outLength: this.outLength,
      count: n,
      op: this.op.slice(0, n),
      len: this.len.slice(0, n),
      off: this.off.slice(0, n),
      imm: this.imm.slice(0, n),
      spill,
    };
  }
}
