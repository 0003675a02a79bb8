// Planner.prepareBlock: the self-copy index built ahead, off the JavaScript thread, must give
// exactly the plans that building it inside planBlock gives.
import { describe, expect, it } from 'vitest';
import { engineInfo } from '../../src/engine/index.js';
import { Planner } from '../../src/plan/planner.js';
import { buildTable } from '../../src/index/table.js';
import { GENERATED_PARAMS, type MatchIndex } from '../../src/index/match-index.js';
import { planFields } from '../helpers/plan.js';
import { prng, randomBytes } from '../helpers/tmp.js';

const base = randomBytes(prng(3), 64 * 1024);

function index(): MatchIndex {
  const params = GENERATED_PARAMS;
  return {
    parts: [{ name: 'base', isRef: true, start: 0, bytes: base, params, id: buildTable(base, params.k, params.step, params.load) }],
    buildMs: 0,
  };
}

/**
 * A block that copies from the base and from its own earlier output: pieces of the base,
 * new bytes, and repeats (some edited) of what came before in the block.
 */
function block(seed: number): Uint8Array {
  const r = prng(seed);
  const out: number[] = [];
  while (out.length < 300_000) {
    const kind = r() % 3;
    if (kind === 0) {
      const at = r() % (base.length - 5000);
      out.push(...base.subarray(at, at + 200 + (r() % 4000)));
    } else if (kind === 1) {
      for (let i = 0, n = 20 + (r() % 300); i < n; i++) out.push(r() & 0xff);
    } else if (out.length > 10_000) {
      const from = r() % (out.length - 5000);
      const piece = out.slice(from, from + 100 + (r() % 3000));
      if (piece.length > 50) piece[r() % piece.length] ^= 0x55;
      out.push(...piece);
    }
  }
  return Uint8Array.from(out);
}


describe('Planner.prepareBlock', () => {
  it('gives the plans planBlock gives when it builds the index itself, for every self-copy setting', async () => {
    for (const seed of [1, 2]) {
      for (const options of [{ selfMatch: true }, { selfMatch: true, minFarMatch: 0 }]) {
        // Separate arrays with the same bytes: each has its own index (they are kept by array).
        const cold = block(seed);
        const warm = block(seed);
        const inline = new Planner(index(), options).planBlock(cold);
        await Planner.prepareBlock(warm);
        const ahead = new Planner(index(), options).planBlock(warm);
        expect(planFields(ahead)).toEqual(planFields(inline));
        // The block does copy from its own earlier output, so the index was used.
        const selfStart = base.length;
        let fromSelf = 0;
        for (let s = 0; s < ahead.count; s++) if (ahead.op[s] !== 0 && ahead.off[s]! >= selfStart) fromSelf += ahead.len[s]!;
        expect(fromSelf).toBeGreaterThan(10_000);
      }
    }
  });

  it('may be awaited again, or after planning, and started twice at once', async () => {
    const b = block(5);
    const [one, two] = [Planner.prepareBlock(b), Planner.prepareBlock(b)];
    if (engineInfo().engine === 'native') expect(one).toBe(two); // one build (JS: none, planBlock builds)
    await Promise.all([one, two]);
    const p = new Planner(index(), { selfMatch: true });
    const first = p.planBlock(b);
    await Planner.prepareBlock(b);
    const q = new Planner(index(), { selfMatch: true });
    expect(planFields(q.planBlock(b))).toEqual(planFields(first));
    // A block too short to index: nothing to build, and nothing goes wrong.
    await Planner.prepareBlock(new Uint8Array(3));
  });
});
