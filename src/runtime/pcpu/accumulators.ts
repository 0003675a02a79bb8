/**
 * Accumulators: what a program's reductions compute, how partial results over consecutive
 * stretches of the stream combine, and how the values are written (docs/PCPU.md,
 * "Accumulators").
 */
import { engine, FNV64_OFFSET } from '../../engine/index.js';
import { OPS, opText, type OpName, type Program } from './ops.js';

export type ReductionName = Extract<OpName, 'counteq' | 'crc32c' | 'fnv'>;

/** One reduction of a program: its op, its immediate, and its slot among the reductions. */
export interface Reduction {
  name: ReductionName;
  imm: number;
  /** Position among the program's reductions, from 0 (the accumulator's index). */
  slot: number;
}

/** A running value: a count or a CRC (numbers), or an FNV state (bigint). */
export type AccumulatorValue = number | bigint;

export function reductionsOf(program: Program): Reduction[] {
  const out: Reduction[] = [];
  for (const op of program.ops) {
    if (OPS[op.name].role === 'reduction') out.push({ name: op.name as ReductionName, imm: op.imm, slot: out.length });
  }
  return out;
}

/**
 * The accumulator names of a program's reductions, in program order: the op's canonical
 * text (`counteq:0`, `crc32c`, `fnv`), and when the same text occurs more than once, each
 * occurrence followed by `@` and its op's position in the program, from 1 (`crc32c@1`).
 */
export function accumulatorNames(program: Program): string[] {
  const texts = program.ops.map(opText);
  const seen = new Map<string, number>();
  program.ops.forEach((op, i) => {
    if (OPS[op.name].role === 'reduction') seen.set(texts[i]!, (seen.get(texts[i]!) ?? 0) + 1);
  });
  const names: string[] = [];
  program.ops.forEach((op, i) => {
    if (OPS[op.name].role !== 'reduction') return;
    const t = texts[i]!;
    names.push(seen.get(t)! > 1 ? `${t}@${i + 1}` : t);
  });
  return names;
}

/** The value before any byte: 0 for counts and CRCs, the FNV-1a offset basis for fnv. */
export function initialValue(name: ReductionName): AccumulatorValue {
  return name === 'fnv' ? FNV64_OFFSET : 0;
}

/**
 * The value over a ‖ b from the value over a and the value over b (b started from the
 * initial value) and b's length. fnv has no such rule: its state after a is where b must
 * start, so it is never split (docs/PCPU.md, "Several pcores").
 */
export function combineValues(name: ReductionName, a: AccumulatorValue, b: AccumulatorValue, lengthB: number): AccumulatorValue {
  if (name === 'counteq') return (a as number) + (b as number);
  if (name === 'crc32c') return engine().crc32cCombine(a as number, b as number, lengthB);
  throw new RangeError('fnv values cannot be combined; fnv runs over the whole stream in one lane');
}

/** A value as exec prints it: counts in decimal, crc32c as 8 and fnv as 16 lowercase hex digits after 0x. */
export function formatValue(name: ReductionName, v: AccumulatorValue): string {
  if (name === 'counteq') return String(v);
  const digits = name === 'crc32c' ? 8 : 16;
  return `0x${BigInt(v).toString(16).padStart(digits, '0')}`;
}

/**
 * The accumulators by name, in program order, as JSON shows them: counts as numbers, CRCs
 * and FNV states as the hex strings formatValue writes (an FNV state does not fit a JSON
 * number).
 */
export function accumulatorRecord(program: Program, values: readonly AccumulatorValue[]): Record<string, number | string> {
  const names = accumulatorNames(program);
  const reductions = reductionsOf(program);
  const out: Record<string, number | string> = {};
  reductions.forEach((r, i) => {
    const v = values[i]!;
    out[names[i]!] = r.name === 'counteq' ? Number(v) : formatValue(r.name, v);
  });
  return out;
}
