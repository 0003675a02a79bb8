// The gates of src/plan/gates.ts: which generated banks a hinted region may copy from.
import { describe, expect, it } from 'vitest';
import { BankKinds, GATES, OPEN_GATE, gateCursor, gateOf } from '../../src/plan/gates.js';
import { Planner, type Region } from '../../src/plan/planner.js';
import { buildTable } from '../../src/index/table.js';
import { addDeltas, xorDeltas } from '../../src/index/hash.js';
import { GENERATED_PARAMS, type MatchIndex } from '../../src/index/match-index.js';
import { OP_COPY_ADD, OP_COPY_XOR, OP_LITERAL, type BlockPlan } from '../../src/format/types.js';
import { bankContentOf } from '../../src/banks/header-content.js';
import { bankParams } from '../../src/banks/bank-params.js';
import { bankLayout } from '../../src/blob/manifest.js';
import { profileManifest } from '../../src/blob/profiles.js';
import { prng } from '../helpers/tmp.js';

const BANK = 32 * 1024;

function randomBytes(n: number, seed: number): Uint8Array {
  const r = prng(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = r() & 0xff;
  return out;
}

/** Three generated banks back to back: tiles, code, text, each of random bytes. */
const base = randomBytes(3 * BANK, 7);
const banks = [
  { start: 0, end: BANK, contentKind: 'tiles' as const },
  { start: BANK, end: 2 * BANK, contentKind: 'code' as const },
  { start: 2 * BANK, end: 3 * BANK, contentKind: 'text' as const },
];

function index(withDeltas = false): MatchIndex {
  const params = withDeltas ? { ...GENERATED_PARAMS, deltaStep: 16 } : GENERATED_PARAMS;
  return {
    parts: [
      {
        name: 'base',
        isRef: false,
        start: 0,
        bytes: base,
        params,
        id: buildTable(base, params.k, params.step, params.load),
        xor: withDeltas ? buildTable(xorDeltas(base), params.k, 16, params.load) : undefined,
        add: withDeltas ? buildTable(addDeltas(base), params.k, 16, params.load) : undefined,
      },
    ],
    buildMs: 0,
  };
}

/** 300 bytes from each bank (at 1000 into it), separated by 200 bytes found nowhere. */
function input(transform: (b: number) => number = (b) => b): Uint8Array {
  const filler = randomBytes(200, 99);
  const pieces: Uint8Array[] = [];
  for (const b of banks) {
    pieces.push(filler);
    pieces.push(base.subarray(b.start + 1000, b.start + 1300).map(transform));
  }
  pieces.push(filler);
  const out = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Bytes copied from each bank (by the offset of the segment's source) with any copy op. */
function copiedPerBank(plan: BlockPlan): number[] {
  const out = banks.map(() => 0);
  for (let s = 0; s < plan.count; s++) {
    if (plan.op[s] === OP_LITERAL) continue;
    const k = banks.findIndex((b) => plan.off[s]! >= b.start && plan.off[s]! < b.end);
    out[k] = out[k]! + plan.len[s]!;
  }
  return out;
}

function plan(block: Uint8Array, regions: Region[], opts: { gates?: boolean; deltas?: boolean } = {}): BlockPlan {
  const p = new Planner(index(opts.deltas), { generatedBanks: banks, gates: opts.gates });
  return p.planBlock(block, regions);
}

describe('gates', () => {
  const block = input();
  const whole = (kind: string): Region[] => [{ start: 0, length: block.length, kind }];

  it('open outside regions: every bank is copied from', () => {
    expect(copiedPerBank(plan(block, []))).toEqual([300, 300, 300]);
  });

  it('code regions copy from code banks only (not tiles, not text)', () => {
    expect(copiedPerBank(plan(block, whole('code')))).toEqual([0, 300, 0]);
  });

  it('text regions copy from text banks only', () => {
    expect(copiedPerBank(plan(block, whole('text')))).toEqual([0, 0, 300]);
  });

  it('compressed regions copy from no generated bank; data regions are open', () => {
    expect(copiedPerBank(plan(block, whole('compressed')))).toEqual([0, 0, 0]);
    expect(copiedPerBank(plan(block, whole('data')))).toEqual([300, 300, 300]);
  });

  it('gates: false leaves only the compressed gate', () => {
    expect(copiedPerBank(plan(block, whole('code'), { gates: false }))).toEqual([300, 300, 300]);
    expect(copiedPerBank(plan(block, whole('compressed'), { gates: false }))).toEqual([0, 0, 0]);
  });

  it('a gate holds only inside its region', () => {
    // code over the first two pieces (filler 200 + tiles 300 + filler 200 + code 300)
    const regions: Region[] = [{ start: 0, length: 1000, kind: 'code' }];
    expect(copiedPerBank(plan(block, regions))).toEqual([0, 300, 300]);
  });

  it('xor and add copies from generated banks are not tried in code or text', () => {
    const xored = input((b) => b ^ 0x5a);
    const open = plan(xored, [], { deltas: true });
    let deltaBytes = 0;
    for (let s = 0; s < open.count; s++) if (open.op[s] === OP_COPY_XOR || open.op[s] === OP_COPY_ADD) deltaBytes += open.len[s]!;
    expect(deltaBytes).toBeGreaterThanOrEqual(600);
    for (const kind of ['code', 'text']) {
      const gated = plan(xored, [{ start: 0, length: xored.length, kind }], { deltas: true });
      expect(copiedPerBank(gated), kind).toEqual([0, 0, 0]);
    }
  });
});

describe('gateCursor', () => {
  it('is undefined without gated regions', () => {
    expect(gateCursor([])).toBeUndefined();
    expect(gateCursor([{ start: 0, length: 10, kind: 'data' }])).toBeUndefined();
  });

  it('walks regions in order, restarts on a position behind it, and the stricter gate wins on overlap', () => {
    const at = gateCursor([
      { start: 100, length: 100, kind: 'text' },
      { start: 0, length: 50, kind: 'code' },
      { start: 150, length: 100, kind: 'compressed' },
    ])!;
    expect(at(0)).toBe(GATES.code);
    expect(at(49)).toBe(GATES.code);
    expect(at(50)).toBe(OPEN_GATE);
    expect(at(120)).toBe(GATES.text);
    expect(at(150)).toBe(GATES.compressed);
    expect(at(249)).toBe(GATES.compressed);
    expect(at(250)).toBe(OPEN_GATE);
    expect(at(10)).toBe(GATES.code); // behind the cursor
    expect(at(199)).toBe(GATES.compressed);
  });

  it('agrees with a plain scan over every region on thousands of random, overlapping regions', () => {
    const r = prng(31);
    const kinds = ['code', 'text', 'compressed', 'data'];
    const regions = Array.from({ length: 2000 }, () => ({ start: r() % 200_000, length: r() % 3000, kind: kinds[r() % kinds.length]! }));
    const bits = (g: { kinds: number }): number => g.kinds.toString(2).replace(/0/g, '').length;
    const reference = (pos: number) => {
      let best: { gate: (typeof GATES)[string]; start: number } | undefined;
      for (const x of regions) {
        const gate = GATES[x.kind];
        if (gate === undefined || pos < x.start || pos >= x.start + x.length) continue;
        const better = best === undefined || bits(gate) < bits(best.gate) || (bits(gate) === bits(best.gate) && x.start < best.start);
        if (better) best = { gate, start: x.start };
      }
      return best?.gate ?? OPEN_GATE;
    };
    const at = gateCursor(regions)!;
    for (let pos = 0; pos < 203_000; pos += 23) expect(at(pos), `pos ${pos}`).toBe(reference(pos));
  });

  it('gateOf: kinds without a gate are open', () => {
    expect(gateOf('data')).toBe(OPEN_GATE);
    expect(gateOf('code')).toBe(GATES.code);
  });
});

describe('BankKinds', () => {
  const kinds = new BankKinds([
    { start: 100, end: 200, contentKind: 'text' },
    { start: 0, end: 100, contentKind: 'code' },
  ]);
  it('answers by the bank at the offset; offsets past the generated banks pass', () => {
    expect(kinds.allows(0, GATES.code!.kinds)).toBe(true);
    expect(kinds.allows(99, GATES.text!.kinds)).toBe(false);
    expect(kinds.allows(100, GATES.text!.kinds)).toBe(true);
    expect(kinds.allows(150, GATES.code!.kinds)).toBe(false);
    expect(kinds.allows(150, 0)).toBe(false);
    expect(kinds.allows(200, 0)).toBe(true);
    expect(kinds.allows(150, OPEN_GATE.kinds)).toBe(true);
  });
});

describe('bankContentOf', () => {
  it('reads the content field after the other header fields', () => {
    expect(bankContentOf('bank 1\ncontent code\n"x"')).toBe('code');
    expect(bankContentOf('bank 1 name "a b" # c\n size 16 content text x"00"')).toBe('text');
    expect(bankContentOf(`bank 1\nsamples ${'ab'.repeat(32)} ${'cd'.repeat(32)}\ncontent code`)).toBe('code');
  });
  it('is data without the field, with a bad one, or for text that is not a bank', () => {
    expect(bankContentOf('bank 1\n"abc"')).toBe('data');
    expect(bankContentOf('bank 1\ncontent pictures')).toBe('data');
    expect(bankContentOf('bank 1\nname 5\ncontent code')).toBe('data');
    expect(bankContentOf('banks 1\ncontent code')).toBe('data');
    expect(bankContentOf('')).toBe('data');
    expect(bankContentOf('bank 1\n"unterminated')).toBe('data');
  });
});

describe('bank files in the bank map', () => {
  it('take the content kind their header names', () => {
    const m = profileManifest();
    const text = (content: string): string => `bank 1\nsize 4\n${content}\nx"01020304"\n`;
    const extra = [
      { name: 'c', kind: 'bank', version: 1, size: 4, params: bankParams(text('content code')) },
      { name: 't', kind: 'bank', version: 1, size: 4, params: bankParams(text('content text')) },
      { name: 'd', kind: 'bank', version: 1, size: 4, params: bankParams(text('')) },
    ];
    const layout = bankLayout({ ...m, banks: [...m.banks, ...extra] });
    expect(layout.slice(-3).map((b) => b.contentKind)).toEqual(['code', 'text', 'data']);
  });
});
