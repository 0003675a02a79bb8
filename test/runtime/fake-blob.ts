/** A Blob over a Uint8Array, for tests: two generated banks and optional refs. */
import { createHash } from 'node:crypto';
import type { BankInfo, Blob, Manifest, RefSpec } from '../../src/blob/types.js';

export interface FakeBlobOptions {
  bytes: Uint8Array;
  /** Bytes at the end of `bytes` that belong to refs, one entry per ref. */
  refSizes?: number[];
  /** Forces the Blob_ID (default: first 16 bytes of SHA-256 of the bytes and ref layout). */
  id?: Uint8Array;
  baseId?: Uint8Array;
}

const sha = (b: Uint8Array): Buffer => createHash('sha256').update(b).digest();

export function fakeBlob(opts: FakeBlobOptions): Blob {
  const { bytes } = opts;
  const refSizes = opts.refSizes ?? [];
  const refTotal = refSizes.reduce((a, b) => a + b, 0);
  const baseSize = bytes.length - refTotal;
  const half = Math.floor(baseSize / 2);
  const banks: BankInfo[] = [
    { name: 'const', kind: 'const', contentKind: 'palette', offset: 0, size: half, isRef: false },
    { name: 'random', kind: 'random', contentKind: 'random', offset: half, size: baseSize - half, isRef: false },
  ];
  const refs: RefSpec[] = [];
  let p = baseSize;
  refSizes.forEach((size, i) => {
    banks.push({ name: `ref${i}`, kind: 'ref', contentKind: 'ref', offset: p, size, isRef: true });
    refs.push({ name: `ref${i}`, size, sha256: sha(bytes.subarray(p, p + size)).toString('hex') });
    p += size;
  });
  const manifest: Manifest = {
    format: 1, profile: 'test', seed: 'seed',
    banks: banks.filter((b) => !b.isRef).map((b) => ({ name: b.name, kind: b.kind, version: 1, size: b.size, params: {} })),
    refs,
  };
  const baseId = opts.baseId ?? new Uint8Array(sha(bytes.subarray(0, baseSize)).subarray(0, 16));
  const id = opts.id ?? new Uint8Array(sha(bytes).subarray(0, 16));
  return {
    manifest,
    id,
    idHex: Buffer.from(id).toString('hex'),
    baseId,
    size: bytes.length,
    banks,
    bankBytes: (i) => bytes.subarray(banks[i]!.offset, banks[i]!.offset + banks[i]!.size),
    bankAt: (offset) => banks.findIndex((b) => offset >= b.offset && offset < b.offset + b.size),
    read(offset, length, dst, dstOffset) {
      if (offset < 0 || offset + length > bytes.length) throw new RangeError(`read ${offset}+${length} outside fake blob`);
      dst.set(bytes.subarray(offset, offset + length), dstOffset);
    },
  };
}

/** The suites' seeded PRNG (floats in [0, 1)). */
export { mulberry32 as prng } from '../helpers/random.js';

export function randomBytes(rand: () => number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (rand() * 256) | 0;
  return out;
}
