/**
 * Generated calls: every synchronous kernel called with arguments drawn at random from
 * numbers at and past the edges, arrays of the wrong kinds and values of the wrong types.
 * The two engines must agree on each call: both throw a TypeError or RangeError, or both
 * return the same result and leave the same bytes in the arrays passed in. A native call
 * that crashed the process would end this test file (a BigInt where a number goes once did:
 * N-API cannot throw a RangeError over the TypeError its conversion left pending). The
 * kernels that read files or build off the JavaScript thread get every pair of a smaller set
 * of values, and must also throw the same file error codes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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
  xorDeltas: 3,
  addDeltas: 3,
  executeCopy: 7,
  addDiff: 5,
  allocBytes: 1,
};

type Outcome = { threw: string } | { value: unknown };

/** An error's class and, for a file error, its code: what the engines must agree on. */
function errorKind(e: unknown): string {
  if (!(e instanceof Error)) return typeof e;
  const code = (e as NodeJS.ErrnoException).code;
  return code === undefined ? e.constructor.name : `${e.constructor.name} ${code}`;
}

function outcomeOf(f: () => unknown): Outcome {
  try {
    return { value: f() };
  } catch (e) {
    return { threw: errorKind(e) };
  }
}

function same(x: unknown, y: unknown): boolean {
  if (x instanceof ArrayBuffer && y instanceof ArrayBuffer) return Buffer.compare(Buffer.from(x), Buffer.from(y)) === 0;
  if (ArrayBuffer.isView(x) && ArrayBuffer.isView(y)) {
    return x.constructor === y.constructor && Buffer.compare(Buffer.from(x.buffer, x.byteOffset, x.byteLength), Buffer.from(y.buffer, y.byteOffset, y.byteLength)) === 0;
  }
  if (x !== null && y !== null && typeof x === 'object' && typeof y === 'object' && 'entries' in x && 'entries' in y) {
    const a = x as Record<string, unknown>;
    const b = y as Record<string, unknown>;
    return same(a.start, b.start) && same(a.entries, b.entries) && same(a.check, b.check);
  }
  if (x !== null && y !== null && typeof x === 'object' && typeof y === 'object' && 'sha256' in x && 'sha256' in y) {
    const a = x as Record<string, unknown>;
    const b = y as Record<string, unknown>;
    return same(a.bytes, b.bytes) && same(a.sha256, b.sha256);
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

  const dir = mkdtempSync(join(tmpdir(), 'pfsc-args-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('of the kernels that read files or build off the thread get the same outcome from both engines', async () => {
    if (nativeMissing !== undefined) return;
    const native = nativeKernels as Kernels;
    const file = join(dir, 'f.bin');
    writeFileSync(file, Buffer.from('pfsc reads this file whole, and hashes it too.'));
    const values: unknown[] = [
      file,
      dir,
      join(dir, 'missing'),
      '',
      undefined,
      null,
      5n,
      Symbol('x'),
      {},
      { valueOf: () => 7 },
      {
        toString: () => {
          throw new Error('toString refused');
        },
      },
      Buffer.from(file),
      0,
      3,
      46,
      1 << 20,
      -1,
      1.5,
      NaN,
      2 ** 53,
    ];
    const settle = async (f: () => unknown): Promise<Outcome> => {
      try {
        return { value: await f() };
      } catch (e) {
        return { threw: errorKind(e) };
      }
    };
    const check = (where: string, js: Outcome, nat: Outcome): void => {
      if ('threw' in js || 'threw' in nat) {
        if (!('threw' in js && 'threw' in nat && js.threw === nat.threw)) expect.fail(`${where}: js ${JSON.stringify(js)}, native ${JSON.stringify(nat)}`);
      } else if (!same(js.value, nat.value)) {
        expect.fail(`${where}: the results differ`);
      }
    };
    let calls = 0;
    for (const a of values) {
      check(`mapFile(${describeArg(a)})`, await settle(() => jsKernels.mapFile(a as string)), await settle(() => native.mapFile(a as string)));
      calls++;
      for (const b of values) {
        const where = `readFile(${describeArg(a)}, ${describeArg(b)})`;
        check(where, await settle(() => jsKernels.readFile(a as string, b as number)), await settle(() => native.readFile(a as string, b as number)));
        const seq = typeof b === 'number' && b >= 0 && b <= 64 ? new Uint8Array(b * 37).map((_, i) => (i * 131) >>> 3) : a;
        const kgram = `buildKgramTableAsync(${describeArg(seq)}, 8, ${describeArg(b)}, 12)`;
        check(kgram, await settle(() => jsKernels.buildKgramTableAsync(seq as Uint8Array, 8, b as number, 12)), await settle(() => native.buildKgramTableAsync(seq as Uint8Array, 8, b as number, 12)));
        calls += 2;
      }
    }
    expect(calls).toBe(values.length * (2 * values.length + 1));
  });
});
