/**
 * What programs compute (docs/PCPU.md, "Ops", "Semantics", "Accumulators"), checked against
 * published check values and the independent implementations in reference.ts.
 */
import { describe, expect, it } from 'vitest';
import { engine, jsKernels, type Kernels } from '../../../src/engine/index.js';
import { OP_COPY, OP_COPY_ADD, OP_COPY_XOR, OP_LITERAL } from '../../../src/format/types.js';
import { accumulatorRecord, combineValues, formatValue } from '../../../src/runtime/pcpu/accumulators.js';
import { planLanes } from '../../../src/runtime/pcpu/lanes.js';
import type { Program } from '../../../src/runtime/pcpu/ops.js';
import { parseProgram } from '../../../src/runtime/pcpu/program.js';
import { CHUNK_BYTES, ProgramRunner } from '../../../src/runtime/pcpu/runner.js';
import { mulberry32 } from '../../helpers/random.js';
import { bigintFnv1a, bitwiseCrc32c, programText, referenceRun, type RefOp } from './reference.js';

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

function randomBytes(seed: number, n: number): Uint8Array {
  const r = mulberry32(seed);
  const out = new Uint8Array(n);
  // Skewed towards a few values so counteq finds something.
  for (let i = 0; i < n; i++) out[i] = r() < 0.3 ? (r() < 0.5 ? 0 : 10) : (r() * 256) | 0;
  return out;
}

/** The program run over `bytes` fed in one piece. */
function runWhole(program: Program, bytes: Uint8Array, kernels?: Kernels): Record<string, number | string> {
  const r = new ProgramRunner(program, kernels);
  r.feed(bytes, 0, bytes.length, OP_LITERAL, 0, false);
  return accumulatorRecord(program, r.values);
}

function expectReference(ops: RefOp[], bytes: Uint8Array, kernels?: Kernels): void {
  const program = parseProgram(programText(ops));
  expect(Object.values(runWhole(program, bytes, kernels))).toEqual(referenceRun(ops, bytes));
}

describe('the reference implementations', () => {
  it('give the published check values', () => {
    expect(bitwiseCrc32c(ascii('123456789'))).toBe(0xe3069283);
    expect(bitwiseCrc32c(new Uint8Array(32))).toBe(0x8a9136aa); // RFC 3720, B.4
    expect(bitwiseCrc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(bigintFnv1a(new Uint8Array(0))).toBe(0xcbf29ce484222325n);
    expect(bigintFnv1a(ascii('a'))).toBe(0xaf63dc4c8601ec8cn);
    expect(bigintFnv1a(ascii('foobar'))).toBe(0x85944171f73967e8n);
  });
});

describe('reductions', () => {
  it('give the check values of docs/PCPU.md', () => {
    const p = parseProgram('crc32c,fnv');
    expect(runWhole(p, ascii('123456789'))).toEqual({ crc32c: '0xe3069283', fnv: '0x06d5573923c6cdfc' });
    expect(bigintFnv1a(ascii('123456789'))).toBe(0x06d5573923c6cdfcn);
    expect(runWhole(p, ascii('foobar')).fnv).toBe('0x85944171f73967e8');
    expect(runWhole(p, new Uint8Array(0))).toEqual({ crc32c: '0x00000000', fnv: '0xcbf29ce484222325' });
    expect(runWhole(parseProgram('counteq:0'), new Uint8Array(0))).toEqual({ 'counteq:0': 0 });
  });

  for (const [name, kernels] of [['the engine in use', undefined], ['the JavaScript engine', jsKernels]] as const) {
    it(`match the references over bytes of many lengths (${name})`, () => {
      for (const n of [1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 1000, CHUNK_BYTES - 1, CHUNK_BYTES + 3, 3 * CHUNK_BYTES + 17]) {
        const bytes = randomBytes(n, n);
        expectReference([['counteq', 0], ['counteq', 10], ['crc32c'], ['fnv']], bytes, kernels);
      }
    });
  }
});

describe('composition (docs/PCPU.md, "Semantics")', () => {
  const s = Uint8Array.of(0x0a, 0x0b);
  it('a reduction sees the transforms before it, in order', () => {
    expect(runWhole(parseProgram('counteq:10'), s)).toEqual({ 'counteq:10': 1 });
    expect(runWhole(parseProgram('xor:1,counteq:10'), s)).toEqual({ 'counteq:10': 1 });
    expect(runWhole(parseProgram('add:1,counteq:10'), s)).toEqual({ 'counteq:10': 0 });
    expect(runWhole(parseProgram('counteq:11,add:1,counteq:11'), s)).toEqual({ 'counteq:11@1': 1, 'counteq:11@3': 1 });
    expect(runWhole(parseProgram('xor:1,add:1,counteq:255'), Uint8Array.of(0xff))).toEqual({ 'counteq:255': 1 });
    expect(runWhole(parseProgram('add:1,xor:1,counteq:1'), Uint8Array.of(0xff))).toEqual({ 'counteq:1': 1 });
  });

  it('a transform after a reduction does not change it', () => {
    const bytes = randomBytes(5, 5000);
    const plain = runWhole(parseProgram('crc32c,fnv,counteq:0'), bytes);
    const after = runWhole(parseProgram('crc32c,fnv,counteq:0,xor:255,add:3'), bytes);
    expect(after).toEqual(plain);
    const between = runWhole(parseProgram('crc32c,xor:255,fnv'), bytes);
    expect(between.crc32c).toBe(plain.crc32c);
    expect(between.fnv).not.toBe(plain.fnv);
    expect(between.fnv).toBe(`0x${bigintFnv1a(bytes.map((b) => b ^ 255)).toString(16).padStart(16, '0')}`);
  });

  it('matches the whole-array interpreter on random programs', () => {
    const r = mulberry32(77);
    const pick = (): RefOp => {
      const k = (r() * 5) | 0;
      const imm = (r() * 256) | 0;
      return k === 0 ? ['xor', imm] : k === 1 ? ['add', imm] : k === 2 ? ['counteq', r() < 0.5 ? 0 : imm] : k === 3 ? ['crc32c'] : ['fnv'];
    };
    for (let t = 0; t < 40; t++) {
      const ops = Array.from({ length: 1 + ((r() * 8) | 0) }, pick);
      expectReference(ops, randomBytes(t, 1 + ((r() * 3000) | 0)));
    }
  });
});

describe('the runner', () => {
  const program = parseProgram('xor:0x5a,counteq:0,crc32c,add:200,fnv,counteq:7');
  const bytes = randomBytes(9, 3 * CHUNK_BYTES + 1234);
  const whole = runWhole(program, bytes);

  it('gives the same accumulators whatever the pieces the bytes come in', () => {
    const r = mulberry32(3);
    for (let t = 0; t < 5; t++) {
      const runner = new ProgramRunner(program);
      for (let p = 0; p < bytes.length; ) {
        const n = Math.min(bytes.length - p, 1 + ((r() * (t < 2 ? 40 : 200_000)) | 0));
        runner.feed(bytes, p, p + n, OP_COPY, 0, false);
        p += n;
      }
      expect(accumulatorRecord(program, runner.values)).toEqual(whole);
      expect(runner.bytes).toBe(bytes.length);
    }
  });

  it('applies a copy transform before the program, in place or through scratch', () => {
    const source = randomBytes(11, 100_000);
    for (const [op, imm, f] of [[OP_COPY_XOR, 0x37, (b: number) => b ^ 0x37], [OP_COPY_ADD, 250, (b: number) => (b + 250) & 255]] as const) {
      const expected = runWhole(program, source.map(f));
      const copy = Uint8Array.from(source);
      const r1 = new ProgramRunner(program);
      r1.feed(copy, 0, copy.length, op, imm, false);
      expect(accumulatorRecord(program, r1.values)).toEqual(expected);
      expect(copy).toEqual(source); // not writable: the source is left alone
      const r2 = new ProgramRunner(program);
      r2.feed(copy, 0, copy.length, op, imm, true);
      expect(accumulatorRecord(program, r2.values)).toEqual(expected);
    }
  });

  it('reads a range of a larger array, not the bytes around it', () => {
    const big = randomBytes(12, 10_000);
    const r = new ProgramRunner(program);
    r.feed(big, 1001, 9001, OP_COPY, 0, false);
    expect(accumulatorRecord(program, r.values)).toEqual(runWhole(program, big.slice(1001, 9001)));
  });

  it('starts afresh after takeValues (a new stretch)', () => {
    const r = new ProgramRunner(parseProgram('counteq:0,crc32c'));
    r.feed(bytes, 0, 1000, OP_COPY, 0, false);
    const first = r.takeValues();
    expect(first.bytes).toBe(1000);
    r.feed(bytes, 1000, 2000, OP_COPY, 0, false);
    const second = bytes.slice(1000, 2000);
    expect(r.values[0]).toBe(second.filter((b) => b === 0).length);
    expect(formatValue('crc32c', r.values[1]!)).toBe(`0x${bitwiseCrc32c(second).toString(16).padStart(8, '0')}`);
  });
});

describe('splitting over pcores (docs/PCPU.md, "Several pcores")', () => {
  it('stretch results combine in order into the whole stream\'s', () => {
    const bytes = randomBytes(21, 250_000);
    const p = parseProgram('counteq:0,crc32c,xor:3,crc32c');
    const whole = new ProgramRunner(p);
    whole.feed(bytes, 0, bytes.length, OP_COPY, 0, false);
    const parts = new ProgramRunner(p);
    let values = [0, 0, 0];
    for (const [a, b] of [[0, 1], [1, 65_537], [65_537, 65_538], [65_538, 250_000]]) {
      parts.feed(bytes, a!, b!, OP_COPY, 0, false);
      const part = parts.takeValues();
      values = values.map((v, i) => combineValues(parts.reductions[i]!.name, v, part.values[i]!, part.bytes) as number);
    }
    expect(values).toEqual(whole.values);
    expect(engine().crc32cCombine(0x12345678, 0, 0)).toBe(0x12345678);
  });

  it('the serial and split lanes\' programs give the whole program\'s accumulators', () => {
    const bytes = randomBytes(22, 20_000);
    for (const text of ['xor:1,fnv,counteq:0,add:7,crc32c,fnv,xor:2', 'fnv', 'fnv,fnv', 'crc32c,add:1', 'xor:9,fnv,add:1']) {
      const p = parseProgram(text);
      const whole = new ProgramRunner(p);
      whole.feed(bytes, 0, bytes.length, OP_COPY, 0, false);
      const lanes = planLanes(p);
      const values = [...whole.values].fill(-1);
      for (const lane of [lanes.serial, lanes.split]) {
        if (lane === undefined) continue;
        const r = new ProgramRunner(lane.program);
        r.feed(bytes, 0, bytes.length, OP_COPY, 0, false);
        lane.slots.forEach((slot, i) => (values[slot] = r.values[i]!));
      }
      expect(values, text).toEqual(whole.values);
      expect(lanes.serial?.program.ops.some((o) => o.name !== 'fnv' && o.name !== 'xor' && o.name !== 'add') ?? false).toBe(false);
      expect(lanes.split?.program.ops.some((o) => o.name === 'fnv') ?? false).toBe(false);
    }
    expect(planLanes(parseProgram('fnv,fnv')).split).toBeUndefined();
    expect(planLanes(parseProgram('xor:9,fnv,add:1')).serial!.program.text).toBe('xor:9,fnv');
    expect(planLanes(parseProgram('crc32c')).serial).toBeUndefined();
  });
});
