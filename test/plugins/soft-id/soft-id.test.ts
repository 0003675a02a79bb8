/**
 * soft-id: copies extended over the literals around them and joined along their diagonal
 * into COPY_DIFF segments. Unit cases on hand-made plans, then builds through the public API
 * of old/new pairs with scattered changes, which must replay byte for byte and shrink.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { build, executeBlock, OP_COPY, OP_COPY_DIFF, OP_LITERAL, replay, type BlockPlan } from 'pfsc';
import { DEFAULT_MERGE, mergeDiagonals, SoftId } from '../../../plugins/soft-id/index.js';
import { fakeBlob, prng, randomBytes } from '../../runtime/fake-blob.js';
import { plan } from '../../format/helpers.js';
import { tempDir } from '../../helpers/tmp.js';

const dirs: { cleanup(): void }[] = [];
afterAll(() => dirs.forEach((d) => d.cleanup()));

const rand = prng(3);
const old = randomBytes(rand, 20_000);
const blob = fakeBlob({ bytes: old });
const read = (o: number, l: number, d: Uint8Array): void => blob.read(o, l, d, 0);

/** Runs the plan and checks it makes `input`. */
function expectReproduces(p: BlockPlan, input: Uint8Array): void {
  const out = new Uint8Array(p.outLength);
  executeBlock(p, blob, out);
  expect(Buffer.compare(out, input)).toBe(0);
}

describe('mergeDiagonals', () => {
  it('bridges a short change between two copies on one diagonal into one COPY_DIFF', () => {
    const input = old.slice(1000, 1300);
    input[100] ^= 0x5a;
    input[101] ^= 0x01;
    const p = plan([
      { op: OP_COPY, len: 100, off: 1000 },
      { op: OP_LITERAL, len: 2 },
      { op: OP_COPY, len: 198, off: 1102 },
    ], input.slice(100, 102));
    const m = mergeDiagonals(p, input, blob.size, read);
    expect(Array.from(m.op)).toEqual([OP_COPY_DIFF]);
    expect(m.off[0]).toBe(1000);
    expect(m.spill.length).toBe(0);
    // The differences, worked out here: zero but at the two changed bytes.
    const want = new Uint8Array(300);
    want[100] = (input[100]! - old[1100]!) & 255;
    want[101] = (input[101]! - old[1101]!) & 255;
    expect(Array.from(m.diffs!)).toEqual(Array.from(want));
    expectReproduces(m, input);
  });

  it('leaves new content between copies on different diagonals as literal, extending only where it scores', () => {
    // a copy, 6 bytes equal to what follows it in the old bytes then 30 new bytes, then a copy elsewhere
    const fresh = randomBytes(prng(9), 30);
    const input = new Uint8Array([...old.subarray(500, 600), ...old.subarray(600, 606), ...fresh, ...old.subarray(5000, 5100)]);
    const p = plan([
      { op: OP_COPY, len: 100, off: 500 },
      { op: OP_LITERAL, len: 36 },
      { op: OP_COPY, len: 100, off: 5000 },
    ], input.slice(100, 136));
    const m = mergeDiagonals(p, input, blob.size, read, { ...DEFAULT_MERGE, minLength: 1 });
    // The first copy took the 6 equal bytes (and no more than scores); most new bytes stay literal.
    let pos = 0;
    const litBytes = Array.from(m.op).reduce((n, o, i) => n + (o === OP_LITERAL ? m.len[i]! : 0), 0);
    expect(litBytes).toBeGreaterThanOrEqual(24);
    expect(litBytes).toBeLessThanOrEqual(30);
    for (let i = 0; i < m.count; i++) pos += m.len[i]!;
    expect(pos).toBe(input.length);
    expectReproduces(m, input);
  });

  it('returns the plan itself when nothing can be merged', () => {
    const input = randomBytes(prng(11), 50);
    const p = plan([{ op: OP_LITERAL, len: 50 }], input);
    expect(mergeDiagonals(p, input, blob.size, read)).toBe(p);
  });

  it('keeps copies that are not from a ref as they are', () => {
    const input = old.slice(1000, 1300);
    input[150] ^= 1;
    const p = plan([{ op: OP_COPY, len: 150, off: 1000 }, { op: OP_LITERAL, len: 1 }, { op: OP_COPY, len: 149, off: 1151 }], input.slice(150, 151));
    expect(mergeDiagonals(p, input, blob.size, read, DEFAULT_MERGE, () => false)).toBe(p);
  });

  it('reproduces random inputs made of edited pieces of the old bytes, whatever it merges', () => {
    const r = prng(21);
    for (let t = 0; t < 40; t++) {
      // Pieces of the old bytes, each with scattered substitutions, and some new bytes between.
      const segs: { op: number; len: number; off?: number }[] = [];
      const parts: number[] = [];
      for (let k = 0; k < 1 + Math.floor(r() * 6); k++) {
        const off = Math.floor(r() * 15_000);
        const len = 50 + Math.floor(r() * 3000);
        let pos = 0;
        while (pos < len) {
          const run = Math.min(len - pos, 3 + Math.floor(r() * 60));
          segs.push({ op: OP_COPY, len: run, off: off + pos });
          for (let i = 0; i < run; i++) parts.push(old[off + pos + i]!);
          pos += run;
          if (pos < len) {
            const change = Math.min(len - pos, 1 + Math.floor(r() * 4));
            segs.push({ op: OP_LITERAL, len: change });
            for (let i = 0; i < change; i++) parts.push((old[off + pos + i]! + 1 + Math.floor(r() * 255)) & 255);
            pos += change;
          }
        }
        if (r() < 0.5) {
          const n = 1 + Math.floor(r() * 40);
          segs.push({ op: OP_LITERAL, len: n });
          for (let i = 0; i < n; i++) parts.push(Math.floor(r() * 256));
        }
      }
      const input = Uint8Array.from(parts);
      const spill: number[] = [];
      let pos = 0;
      for (const s of segs) {
        if (s.op === OP_LITERAL) for (let i = 0; i < s.len; i++) spill.push(input[pos + i]!);
        pos += s.len;
      }
      const p = plan(segs, Uint8Array.from(spill));
      expectReproduces(p, input);
      for (const opts of [DEFAULT_MERGE, { ...DEFAULT_MERGE, maxGap: 0, minEqual: 0.9 }, { ...DEFAULT_MERGE, minLength: 1, splitRun: 8 }]) {
        const m = mergeDiagonals(p, input, blob.size, read, opts);
        expectReproduces(m, input);
        expect(m.count).toBeLessThanOrEqual(p.count);
      }
    }
  });
});

describe('SoftId through build()', () => {
  it('turns a binary with addresses changed all over into few COPY_DIFF segments, smaller, and byte-exact', async () => {
    const t = tempDir('softid');
    dirs.push(t);
    const r = prng(5);
    const a = Buffer.from(randomBytes(r, 400_000));
    const b = Buffer.from(a);
    // Every 20 to 60 bytes, a 4-byte little-endian value moves by one of a few displacements.
    for (let i = 16; i + 4 < b.length; i += 20 + Math.floor(r() * 40)) {
      const v = b.readUInt32LE(i) + [0x40, 0x1000, 0x20, 0x88][Math.floor(r() * 4)]!;
      b.writeUInt32LE(v >>> 0, i);
    }
    const oldPath = join(t.dir, 'old.bin');
    const newPath = join(t.dir, 'new.bin');
    writeFileSync(oldPath, a);
    writeFileSync(newPath, b);
    const home = join(t.dir, 'home');
    const plain = await build({ input: newPath, output: join(t.dir, 'plain.pbb'), refs: [oldPath], home, defaultPlugins: false });
    const soft = await build({ input: newPath, output: join(t.dir, 'soft.pbb'), refs: [oldPath], home, defaultPlugins: false, plugins: [new SoftId()] });
    const byDefault = await build({ input: newPath, output: join(t.dir, 'default.pbb'), refs: [oldPath], home });
    expect(soft.segments.copyDiff).toBeGreaterThan(0);
    expect(soft.segments.literal).toBeLessThan(plain.segments.literal / 10);
    expect(soft.pbbBytes).toBeLessThan(plain.pbbBytes * 0.8);
    expect(byDefault.pbbBytes).toBe(soft.pbbBytes);
    for (const f of ['soft.pbb', 'default.pbb']) {
      await replay({ input: join(t.dir, f), output: join(t.dir, `${f}.out`), refs: [oldPath], home });
      expect(readFileSync(join(t.dir, `${f}.out`)).equals(b)).toBe(true);
    }
  });

  it('keeps the plain plan when COPY_DIFF would cost more (text whose new parts are new words)', async () => {
    const t = tempDir('softid-text');
    dirs.push(t);
    const words = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau'.split(' ');
    const r = prng(8);
    const line = (): string => Array.from({ length: 12 }, () => words[Math.floor(r() * words.length)]).join(' ');
    const lines = Array.from({ length: 3000 }, line);
    const oldText = lines.join('\n');
    for (let i = 0; i < lines.length; i += 97) lines[i] = line();
    const newText = lines.join('\n');
    writeFileSync(join(t.dir, 'old.txt'), oldText);
    writeFileSync(join(t.dir, 'new.txt'), newText);
    const home = join(t.dir, 'home');
    const args = { input: join(t.dir, 'new.txt'), refs: [join(t.dir, 'old.txt')], home };
    const plain = await build({ ...args, output: join(t.dir, 'p.pbb'), defaultPlugins: false });
    const soft = await build({ ...args, output: join(t.dir, 's.pbb'), defaultPlugins: false, plugins: [new SoftId()] });
    expect(soft.pbbBytes).toBeLessThanOrEqual(plain.pbbBytes);
    await replay({ input: join(t.dir, 's.pbb'), output: join(t.dir, 's.out'), refs: [join(t.dir, 'old.txt')], home });
    expect(readFileSync(join(t.dir, 's.out'), 'utf8')).toBe(newText);
  });
});
