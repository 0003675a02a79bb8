// A table's bucket halfwords (bloom) only let probes skip buckets that hold no entry with
// the probe's check byte: the plans must be exactly those of a table that skips nothing.
import { describe, expect, it } from 'vitest';
import { Planner } from '../../src/plan/planner.js';
import { buildTable, type KgramTable } from '../../src/index/table.js';
import { addDeltas, xorDeltas } from '../../src/index/hash.js';
import { GENERATED_PARAMS, REF_PARAMS, type MatchIndex } from '../../src/index/match-index.js';
import { planFields } from '../helpers/plan.js';
import { prng, randomBytes } from '../helpers/tmp.js';

/** The same table with every bucket's halfword full: no probe is skipped. */
const skipsNothing = (t: KgramTable): KgramTable => ({ ...t, bloom: new Uint16Array(t.bloom.length).fill(0xffff) });

const base = randomBytes(prng(5), 96 * 1024);
const ref = randomBytes(prng(6), 64 * 1024);

function index(full: boolean): MatchIndex {
  const f = full ? skipsNothing : (t: KgramTable) => t;
  const g = GENERATED_PARAMS;
  const r = REF_PARAMS;
  return {
    parts: [
      { name: 'base', isRef: false, start: 0, bytes: base, params: g, id: f(buildTable(base, g.k, g.step, g.load)) },
      {
        name: 'ref0',
        isRef: true,
        start: base.length,
        bytes: ref,
        params: r,
        id: f(buildTable(ref, r.k, r.step, r.load)),
        xor: f(buildTable(xorDeltas(ref), r.k, r.deltaStep, r.load)),
        add: f(buildTable(addDeltas(ref), r.k, r.deltaStep, r.load)),
      },
    ],
    buildMs: 0,
  };
}

/** New bytes, pieces of the base and of the ref, some xor- or add-transformed. */
function block(seed: number): Uint8Array {
  const r = prng(seed);
  const out: number[] = [];
  while (out.length < 200_000) {
    const kind = r() % 4;
    const src = r() % 2 === 0 ? base : ref;
    const at = r() % (src.length - 3000);
    const piece = Array.from(src.subarray(at, at + 40 + (r() % 2000)));
    if (kind === 0) for (let i = 0, n = 10 + (r() % 500); i < n; i++) out.push(r() & 0xff);
    else if (kind === 1) out.push(...piece);
    else if (kind === 2) out.push(...piece.map((b) => b ^ 0x5a));
    else out.push(...piece.map((b) => (b + 3) & 255));
  }
  return Uint8Array.from(out);
}


describe('the bucket halfwords', () => {
  it('change no plan: the same as with tables that skip no bucket', () => {
    const real = index(false);
    const full = index(true);
    // Most buckets are occupied (about four entries each), yet most of the halfwords' bits are clear.
    const bits = real.parts[0]!.id.bloom.reduce((n, w) => n + (w.toString(2).match(/1/g)?.length ?? 0), 0);
    expect(bits / (16 * real.parts[0]!.id.bloom.length)).toBeLessThan(0.35);
    for (const seed of [1, 2, 3]) {
      for (const options of [{}, { minFarMatch: 0 }, { selfMatch: true }]) {
        const b = block(seed);
        const want = new Planner(full, options).planBlock(b);
        const got = new Planner(real, options).planBlock(b);
        expect(planFields(got)).toEqual(planFields(want));
        expect(got.count).toBeGreaterThan(50); // copies were found: the probes ran
      }
    }
  });
});
