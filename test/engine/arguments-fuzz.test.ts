/**
 * Generated calls: every synchronous kernel called with arguments drawn at random from
 * numbers at and past the edges, arrays of the wrong kinds and values of the wrong types.
 * The two engines must agree on each call: both throw a TypeError or RangeError, or both
 * return the same result and leave the same bytes in the arrays passed in. A native call
 * that crashed the process would end this test file (a BigInt where a number goes once did:
 * N-API cannot throw a RangeError over the TypeError its conversion left pending).
 */
import { describe, expect, it } from 'vitest';
import type { Kernels } from '../../src/engine/index.js';
import { jsKernels } from '../../src/engine/index.js';
import { mulberry32 } from '../helpers/random.js';
import { nativeKernels, nativeMissing } from './support.js';

/** The kernels and how many arguments each takes. */
const ARITY: Record<string, number> = {
  xorInPlace: 4,
  addInPlace: 4,
  countEq: 4,
  crc32c: 4,
  crc32cCombine: 3,
  fnv1a64: 4,
  matchForward: 5,
  matchBackward: 5,
  buildKgramTable: 5,
  occupancy: 1,
  xorDeltas: 3,
  addDeltas: 3,
  executeCopy: 7,
  addDiff: 5,
  allocBytes: 1,
};

type Outcome = { threw: string } | { value: unknown };

function outcomeOf(f: () => unknown): Outcome {
  try {
    return { value: f() };
  } catch (e) {
    return { threw: e instanceof Error ? e.constructor.name : typeof e };
  }
}

function same(x: unknown, y: unknown): boolean {
  if (ArrayBuffer.isView(x) && ArrayBuffer.isView(y)) {
    return x.constructor === y.constructor && Buffer.compare(Buffer.from(x.buffer, x.byteOffset, x.byteLength), Buffer.from(y.buffer, y.byteOffset, y.byteLength)) === 0;
  }
  if (x !== null && y !== null && typeof x === 'object' && typeof y === 'object' && 'entries' in x && 'entries' in y) {
    const a = x as Record<string, unknown>;
    const b = y as Record<string, unknown>;
    return same(a.start, b.start) && same(a.entries, b.entries) && same(a.check, b.check);
  }
  return Object.is(x, y);
}

function describeArg(v: unknown): string {
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${v.byteLength})`;
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'number' || typeof v === 'symbol') return String(v);
  return JSON.stringify(v) ?? String(v);
}

describe.skipIf(nativeKernels === undefined)('generated kernel arguments', () => {
  it('get the same outcome from both engines, call by call', () => {
    if (nativeMissing !== undefined) return;
    const native = nativeKernels as Kernels;
    let rand = mulberry32(97);
    const pick = <T,>(a: readonly T[]): T => a[Math.floor(rand() * a.length)]!;
    const number = (): number =>
      pick([0, 1, -1, 2, 7, 8, 15, 16, 17, 64, 255, 256, 1.5, -0.5, NaN, Infinity, -Infinity, 2 ** 31, 2 ** 32, 2 ** 53, -(2 ** 31), 1e300, Math.floor(rand() * 300)]);
    const bytes = (n: number): Uint8Array => new Uint8Array(n).map(() => Math.floor(rand() * 256));
    const value = (): unknown =>
      pick<() => unknown>([
        number,
        number,
        number,
        () => undefined,
        () => null,
        () => '3',
        () => ({}),
        () => [1, 2],
        () => true,
        () => 5n,
        () => 0xcbf29ce484222325n,
        () => Symbol('x'),
        () => ({ valueOf: () => 7 }),
        () => ({
          valueOf: () => {
            throw new RangeError('valueOf refused');
          },
        }),
        () => new Uint8Array(0),
        () => bytes(Math.floor(rand() * 300)),
        () => bytes(Math.floor(rand() * 40)),
        () => Buffer.from(bytes(33)),
        () => new Int32Array(9).map(() => Math.floor(rand() * 20)),
        () => new Uint16Array(8),
        () => new ArrayBuffer(8),
      ])();
    const copy = (v: unknown): unknown => (ArrayBuffer.isView(v) && !(v instanceof DataView) ? (v as Uint8Array).slice() : v);
    let calls = 0;
    for (let i = 0; i < 48_000; i++) {
      if (i % 12_000 === 0) rand = mulberry32([97, 5, 11, 23][i / 12_000]!);
      const name = pick(Object.keys(ARITY));
      const args = Array.from({ length: ARITY[name]! }, value);
      // Keep tables and buffers small: a valid 2^30-bucket table or a 2^53-byte array is
      // a memory test, not an argument test.
      if (name === 'buildKgramTable' && typeof args[3] === 'number' && args[3] > 16) continue;
      if (name === 'allocBytes' && typeof args[0] === 'number' && args[0] > 1 << 20) continue;
      const forJs = args.map(copy);
      const forNative = args.map(copy);
      const js = outcomeOf(() => (jsKernels as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!(...forJs));
      const nat = outcomeOf(() => (native as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!(...forNative));
      // expect() only for a call that disagrees: 48,000 passing expects would take seconds.
      const where = (): string => `${name}(${args.map(describeArg).join(', ')})`;
      const throwsTyped = (o: Outcome): boolean => 'threw' in o && (o.threw === 'TypeError' || o.threw === 'RangeError');
      if ('threw' in js || 'threw' in nat) {
        if (!(throwsTyped(js) && throwsTyped(nat))) expect.fail(`${where()}: js ${JSON.stringify(js)}, native ${JSON.stringify(nat)}`);
      } else {
        if (!same(js.value, nat.value)) expect.fail(`${where()}: the results differ`);
        if (!forJs.every((x, k) => same(x, forNative[k]))) expect.fail(`${where()}: the arrays passed in differ`);
      }
      calls++;
    }
    expect(calls).toBeGreaterThan(40_000);
  });
});
