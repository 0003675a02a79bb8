/**
 * The Diffs stream's content (docs/FORMAT.md, "Stream contents"): a block's difference
 * bytes, mostly zeros, as runs of zeros and the nonzero byte after each. A varint Z, then a
 * nonzero byte V, stand for Z zeros and V; the zeros after the last nonzero byte are implied
 * by the total. So 6 MB of differences of which 400 KB are nonzero take about 750 KB before
 * LZMA2 instead of 6 MB, which LZMA2 codes in a fraction of the time, to the same size.
 */
import { fail } from './fail.js';
import { readVarint, varintLength, writeVarint, type VarintCursor } from './varint.js';

/** The sparse form of `diffs`. */
export function encodeSparse(diffs: Uint8Array): Uint8Array {
  let size = 0;
  let run = 0;
  for (let i = 0; i < diffs.length; i++) {
    if (diffs[i] === 0) {
      run++;
    } else {
      size += varintLength(run) + 1;
      run = 0;
    }
  }
  const out = new Uint8Array(size);
  let p = 0;
  run = 0;
  for (let i = 0; i < diffs.length; i++) {
    const v = diffs[i]!;
    if (v === 0) {
      run++;
    } else {
      p = writeVarint(out, p, run);
      out[p++] = v;
      run = 0;
    }
  }
  return out;
}

/** Most bytes a sparse form of `total` differences can take: a 1-byte run and a value per byte. */
export function maxSparseLength(total: number): number {
  return 2 * total;
}

/**
 * The `total` difference bytes a sparse form stands for. Corrupt: a zero value, runs that
 * pass the total, or bytes left over.
 */
export function decodeSparse(data: Uint8Array, total: number, where: string): Uint8Array {
  const out = new Uint8Array(total);
  const cur: VarintCursor = { pos: 0 };
  let at = 0;
  while (cur.pos < data.length) {
    const z = readVarint(data, cur, data.length, () => `${where}: zero run at byte ${cur.pos}`);
    if (z < 0 || cur.pos >= data.length) fail('PFSC_PBB_CORRUPT', `${where}: ends inside an entry, at byte ${data.length}`);
    if (z >= total - at) fail('PFSC_PBB_CORRUPT', `${where}: ${z} zeros and a byte pass the ${total} differences (${at} made)`);
    at += z;
    const v = data[cur.pos++]!;
    if (v === 0) fail('PFSC_PBB_CORRUPT', `${where}: a zero after a run of zeros, at byte ${cur.pos - 1}`);
    out[at++] = v;
  }
  return out;
}
