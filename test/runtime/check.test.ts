import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PfscError } from '../../src/errors.js';
import type { PbbHeader } from '../../src/format/types.js';
import { checkBlobMatches } from '../../src/runtime/check.js';
import { fakeBlob, prng, randomBytes } from './fake-blob.js';

const rand = prng(5);
const base = randomBytes(rand, 1000);
const ref1 = randomBytes(rand, 9021);

function headerFor(blob: ReturnType<typeof fakeBlob>, refs: { size: number; sha256: string }[]): PbbHeader {
  return {
    version: 3,
    outputLength: 0,
    blobId: blob.id.slice(),
    diagnostics: true,
    baseFingerprint: blob.baseId.slice(0, 4),
    refs: refs.map((r) => ({ size: r.size, digestPrefix: Uint8Array.from(Buffer.from(r.sha256.slice(0, 8), 'hex')) })),
    transforms: [],
    outputDigest: new Uint8Array(16),
  };
}

function mismatch(f: () => void): PfscError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(PfscError);
    expect((e as PfscError).code).toBe('PFSC_BLOB_MISMATCH');
    return e as PfscError;
  }
  throw new Error('no error thrown');
}

describe('checkBlobMatches', () => {
  const local = fakeBlob({ bytes: Uint8Array.from([...base, ...ref1]), refSizes: [ref1.length] });

  it('accepts the same Blob_ID', () => {
    expect(() => checkBlobMatches(headerFor(local, local.manifest.refs), local)).not.toThrow();
  });

  it('names both Blob_IDs and the ref that differs', () => {
    const otherRef = randomBytes(rand, 9030);
    const built = fakeBlob({ bytes: Uint8Array.from([...base, ...otherRef]), refSizes: [otherRef.length] });
    const h = headerFor(built, built.manifest.refs);
    const e = mismatch(() => checkBlobMatches(h, local, { refLabels: ['old.js'] }));
    const sha = createHash('sha256').update(otherRef).digest('hex').slice(0, 8);
    expect(e.message).toContain(Buffer.from(built.id).toString('hex'));
    expect(e.message).toContain(local.idHex);
    expect(e.message).toContain(`ref 1 (local old.js, 9,021 bytes, sha256 ${local.manifest.refs[0]!.sha256.slice(0, 8)}…) differs from the one the blueprint was built with (9,030 bytes, sha256 ${sha}…)`);
    expect(e.message).not.toMatch(/\n/);
  });

  it('says how many refs were expected and given', () => {
    const ref2 = randomBytes(rand, 50);
    const built = fakeBlob({ bytes: Uint8Array.from([...base, ...ref1, ...ref2]), refSizes: [ref1.length, ref2.length] });
    const e = mismatch(() => checkBlobMatches(headerFor(built, built.manifest.refs), local));
    expect(e.message).toContain('2 refs expected, 1 given');
    expect(e.message).not.toContain('ref 1 (');
  });

  it('says when the generated part differs', () => {
    const built = fakeBlob({ bytes: Uint8Array.from([...randomBytes(rand, 1000), ...ref1]), refSizes: [ref1.length] });
    const e = mismatch(() => checkBlobMatches(headerFor(built, built.manifest.refs), local));
    expect(e.message).toContain('the generated banks differ');
  });

  it('explains a mismatch it cannot pin down', () => {
    const h = headerFor(local, local.manifest.refs);
    h.blobId[0] = h.blobId[0]! ^ 1;
    const e = mismatch(() => checkBlobMatches(h, local));
    expect(e.message).toContain('another pfsc version or manifest');
  });
});
