/**
 * Checks that the local blob is the one a blueprint was built against, and says what
 * differs when it is not.
 */
import type { Blob } from '../blob/types.js';
import { PfscError } from '../errors.js';
import { bytesEqual, toHex } from '../format/digest.js';
import type { PbbHeader } from '../format/types.js';

export interface CheckBlobOptions {
  /** What to call the local refs in messages (e.g. the --ref paths), in order. */
  refLabels?: readonly string[];
}

const fmt = (n: number): string => n.toLocaleString('en-US');

/** Explains how the header's refs and base differ from the local blob's; empty when nothing visible differs. */
export function describeBlobDifference(header: PbbHeader, blob: Blob, opts: CheckBlobOptions = {}): string[] {
  const out: string[] = [];
  if (!header.diagnostics) {
    out.push(`the blueprint does not record which refs and base it needs (small blueprints leave that out); the local blob has ${blob.manifest.refs.length} ref${blob.manifest.refs.length === 1 ? '' : 's'}`);
    return out;
  }
  const localBase = blob.baseId.subarray(0, 4);
  if (!bytesEqual(header.baseFingerprint, localBase)) {
    out.push(`the generated banks differ (base ${toHex(header.baseFingerprint)}… expected, local ${toHex(localBase)}…: another profile, seed or pfsc version)`);
  }
  const localRefs = blob.manifest.refs;
  const want = header.refs.length;
  if (want !== localRefs.length) {
    const noun = (n: number): string => `${n} ref${n === 1 ? '' : 's'}`;
    out.push(`${noun(want)} expected, ${localRefs.length} given`);
  }
  const n = Math.min(want, localRefs.length);
  for (let i = 0; i < n; i++) {
    const exp = header.refs[i]!;
    const loc = localRefs[i]!;
    const locPrefix = loc.sha256.slice(0, 8).toLowerCase();
    const expPrefix = toHex(exp.digestPrefix);
    if (exp.size !== loc.size || expPrefix !== locPrefix) {
      const label = opts.refLabels?.[i] ?? loc.name;
      out.push(`ref ${i + 1} (local ${label}, ${fmt(loc.size)} bytes, sha256 ${locPrefix}…) differs from the one the blueprint was built with (${fmt(exp.size)} bytes, sha256 ${expPrefix}…)`);
    }
  }
  return out;
}

/**
 * Throws PFSC_BLOB_MISMATCH when the blueprint needs another blob than `blob`, naming
 * both Blob_IDs and, where the header tells, which ref or the generated part differs.
 */
export function checkBlobMatches(header: PbbHeader, blob: Blob, opts: CheckBlobOptions = {}): void {
  if (bytesEqual(header.blobId, blob.id)) return;
  const diffs = describeBlobDifference(header, blob, opts);
  const detail = diffs.length > 0
    ? diffs.join('; ')
    : 'its refs and generated banks look the same, so the blob was built by another pfsc version or manifest';
  throw new PfscError('PFSC_BLOB_MISMATCH',
    `blueprint needs blob ${toHex(header.blobId)}, the local blob is ${toHex(blob.id)}: ${detail}`);
}
