/** Test helpers: build plans and whole blueprints in memory. */
import { expect } from 'vitest';
import { PfscError } from '../../src/errors.js';
import { prng } from '../runtime/fake-blob.js';
import {
  BlockEncoder, PBB_VERSION, encodeHeader, type BlockEncoderOptions, type BlockPlan, type EncodedBlock, type PbbHeader,
  type StreamStats,
} from '../../src/format/index.js';

export interface Seg {
  op: number;
  len: number;
  off?: number;
  imm?: number;
  /** COPY_DIFF: its len difference bytes. */
  diff?: number[];
  /** A transform copy: its immediate bytes. */
  timm?: number[];
}

/** A BlockPlan from a list of segments and the spill bytes. */
export function plan(segs: Seg[], spill: Uint8Array = new Uint8Array(0)): BlockPlan {
  const count = segs.length;
  const p: BlockPlan = {
    outLength: segs.reduce((a, s) => a + s.len, 0),
    count,
    op: new Uint8Array(count),
    len: new Uint32Array(count),
    off: new Float64Array(count),
    imm: new Uint8Array(count),
    spill,
  };
  segs.forEach((s, i) => {
    p.op[i] = s.op;
    p.len[i] = s.len;
    p.off[i] = s.off ?? 0;
    p.imm[i] = s.imm ?? 0;
  });
  const diffs = segs.flatMap((s) => s.diff ?? []);
  const timm = segs.flatMap((s) => s.timm ?? []);
  if (diffs.length > 0) p.diffs = Uint8Array.from(diffs);
  if (timm.length > 0) p.timm = Uint8Array.from(timm);
  return p;
}

export function header(outputLength: number, over: Partial<PbbHeader> = {}): PbbHeader {
  return {
    version: PBB_VERSION,
    outputLength,
    blobId: new Uint8Array(16).fill(0xb1),
    diagnostics: true,
    baseFingerprint: Uint8Array.of(1, 2, 3, 4),
    refs: [],
    transforms: [],
    outputDigest: new Uint8Array(16),
    ...over,
  };
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** The block codings a BlockEncoder can be told to use. */
export const CODINGS = ['streams', 'modeled', 'best'] as const;
export type Coding = (typeof CODINGS)[number];

/**
 * Encodes header + blocks into one .pbb; returns the bytes and each block's stream stats.
 * `opts` goes to the BlockEncoder (preset, coding: default 'best'); `codings` forces a
 * coding per block instead, block i taking codings[i % codings.length].
 */
export async function buildPbb(
  h: PbbHeader,
  plans: BlockPlan[],
  opts: BlockEncoderOptions & { codings?: Coding[] } = {},
): Promise<{ bytes: Uint8Array; streams: StreamStats[][] }> {
  const { codings, ...encOpts } = opts;
  // One encoder per coding used. Each encodes every block, so its diagonal stays that of the
  // file so far, and the block's coding picks whose bytes are kept.
  const used = new Set<Coding>(codings ?? [encOpts.coding ?? 'best']);
  const encoders = new Map([...used].map((c) => [c, new BlockEncoder({ ...encOpts, coding: c })]));
  const parts = [encodeHeader(h)];
  const streams: StreamStats[][] = [];
  for (const [i, p] of plans.entries()) {
    const coded = new Map<Coding, EncodedBlock>();
    for (const [c, enc] of encoders) coded.set(c, await enc.encode(p));
    const b = codings === undefined ? [...coded.values()][0]! : coded.get(codings[i % codings.length]!)!;
    parts.push(b.bytes);
    streams.push(b.streams);
  }
  return { bytes: concat(parts), streams };
}

/** The Block_Coding byte of an encoded block (after its two header varints). */
export function blockCodingOf(block: Uint8Array): number {
  let p = 0;
  for (let k = 0; k < 2; k++) while (block[p++]! & 0x80);
  return block[p]!;
}

/** The plan with literal offsets and immediates of ops without one zeroed, as the decoder returns it. */
export function normalized(p: BlockPlan): {
  outLength: number; count: number; op: number[]; len: number[]; off: number[]; imm: number[]; spill: number[]; diffs: number[]; timm: number[];
} {
  const op = Array.from(p.op.subarray(0, p.count));
  return {
    diffs: Array.from(p.diffs ?? []),
    timm: Array.from(p.timm ?? []),
    outLength: p.outLength,
    count: p.count,
    op,
    len: Array.from(p.len.subarray(0, p.count)),
    off: Array.from(p.off.subarray(0, p.count), (f, i) => (op[i] === 0 ? 0 : f)),
    imm: Array.from(p.imm.subarray(0, p.count), (v, i) => (op[i] === 2 || op[i] === 3 ? v : 0)),
    spill: Array.from(p.spill),
  };
}

/** The PfscError code f throws, or 'no error'; fails the test on any other exception. */
export function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(PfscError);
    return (e as PfscError).code;
  }
  return 'no error';
}

/** The PfscError code a promise rejects with, or 'no error'; fails the test on any other rejection. */
export async function codeOfAsync(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(PfscError);
    return (e as PfscError).code;
  }
  return 'no error';
}

/**
 * Reads a block's fields by hand, as a decoder written from docs/FORMAT.md would: `varint()`
 * returns the next LEB128 varint, `byte()` the next byte, `at` is the position.
 */
export class FieldReader {
  at = 0;
  constructor(private readonly bytes: Uint8Array) {}

  varint(): number {
    let v = 0;
    let scale = 1;
    for (;;) {
      const b = this.bytes[this.at++]!;
      v += (b & 0x7f) * scale;
      if (b < 0x80) return v;
      scale *= 128;
    }
  }

  byte(): number {
    return this.bytes[this.at++]!;
  }
}

/**
 * x86-64-like code: calls, conditional jumps and RIP-relative loads to a few targets, among
 * filler instructions; `start` is the output position of its first byte, so the fields are
 * relative to where they will sit in the file.
 */
export function fakeCode(n: number, seed: number, start: number): Uint8Array {
  const r = prng(seed);
  const targets = Array.from({ length: 12 }, (_, k) => 0x10000 + k * 0x3340);
  const out = new Uint8Array(n);
  let i = 0;
  const field = (at: number, end: number): void => {
    const rel = (targets[Math.floor(r() * targets.length)]! - (start + end)) >>> 0;
    for (let b = 0; b < 4; b++) out[at + b] = (rel >>> (8 * b)) & 255;
  };
  while (i + 8 <= n) {
    const x = r();
    if (x < 0.2) { out[i] = 0xe8; field(i + 1, i + 5); i += 5; }
    else if (x < 0.3) { out[i] = 0x0f; out[i + 1] = 0x84 + (i & 1); field(i + 2, i + 6); i += 6; }
    else if (x < 0.5) { out[i] = 0x48; out[i + 1] = 0x8b; out[i + 2] = 0x05 | ((i & 7) << 3); field(i + 3, i + 7); i += 7; }
    else { out[i] = [0x55, 0x53, 0x5d, 0xc3, 0x90, 0x31][Math.floor(r() * 6)]!; i += 1; }
  }
  return out;
}
