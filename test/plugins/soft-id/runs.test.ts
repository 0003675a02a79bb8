// The chunked scans of plugins/soft-id/runs.ts against plain byte-by-byte loops.
import { describe, expect, it } from 'vitest';
import { differencesInPlace, zeroRunEnd } from '../../../plugins/soft-id/runs.js';
import { prng } from '../../helpers/tmp.js';

/** Mostly-equal pairs: runs of equal bytes of every length around the 4 KiB chunks, a few changed bytes. */
function pairs(seed: number): { block: Uint8Array; pos: number; old: Uint8Array }[] {
  const r = prng(seed);
  const out = [];
  for (const len of [0, 1, 7, 4095, 4096, 4097, 8192, 12_289, 70_001]) {
    for (const changes of [0, 1, 3, 50]) {
      const pos = r() % 5000;
      const block = new Uint8Array(pos + len + r() % 100);
      for (let i = 0; i < block.length; i++) block[i] = r() & 255;
      const old = block.slice(pos, pos + len);
      for (let c = 0; c < changes && len > 0; c++) old[r() % len] ^= 1 + (r() % 255);
      if (len > 4096 && changes === 1) old[4095] ^= 0x80; // a difference at a chunk's last byte
      out.push({ block, pos, old });
    }
  }
  return out;
}

describe('soft-id byte runs', () => {
  it('differencesInPlace gives the byte-wise differences and says whether any is nonzero', () => {
    for (const { block, pos, old } of pairs(5)) {
      const want = old.map((b, k) => (block[pos + k]! - b) & 255);
      const got = old.slice();
      const any = differencesInPlace(block, pos, got, got.length);
      expect(Buffer.from(got).equals(Buffer.from(want)), `len ${old.length}`).toBe(true);
      expect(any).toBe(want.some((b) => b !== 0));
    }
  });

  it('zeroRunEnd finds the first nonzero byte from any start, up to any end', () => {
    const r = prng(9);
    for (let t = 0; t < 300; t++) {
      const d = new Uint8Array(1 + (r() % 20_000));
      const nonzero = r() % 4;
      for (let c = 0; c < nonzero; c++) d[r() % d.length] = 1 + (r() % 255);
      const from = r() % d.length;
      const end = from + (r() % (d.length - from + 1));
      let want = from;
      while (want < end && d[want] === 0) want++;
      expect(zeroRunEnd(d, from, end), `length ${d.length} from ${from} end ${end}`).toBe(want);
    }
    const sub = new Uint8Array(10_000).subarray(3); // a view at an odd offset
    sub[9000] = 7;
    expect(zeroRunEnd(sub, 0, sub.length)).toBe(9000);
  });
});
