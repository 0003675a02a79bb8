/** blobInfo() and blobBuild(): the blob's manifest, bank map and cache. */
import type { BlobInfo, CommonBlobOptions } from '../api-types.js';
import { buildBlob, describeBlob } from '../blob/index.js';
import { loadMatchIndex } from '../index/load.js';
import { checkRefs, DEFAULT_PROFILE } from './common.js';
import { extensionsOf } from './extensions.js';

export async function blobInfo(opts: CommonBlobOptions = {}): Promise<BlobInfo> {
  await checkRefs(opts.refs ?? []);
  return describeBlob({ ...opts, profile: opts.profile ?? DEFAULT_PROFILE, registry: extensionsOf(opts.plugins).registry });
}

export async function blobBuild(opts: CommonBlobOptions & { force?: boolean } = {}): Promise<BlobInfo & { ms: number }> {
  await checkRefs(opts.refs ?? []);
  const t0 = performance.now();
  const profile = opts.profile ?? DEFAULT_PROFILE;
  const registry = extensionsOf(opts.plugins).registry;
  const blob = await buildBlob({ ...opts, profile, registry });
  // The index of the generated banks is part of set-up: build it now so a first build starts at once.
  await loadMatchIndex(blob, { home: opts.home, onProgress: opts.onProgress });
  const info = await describeBlob({ ...opts, profile, registry });
  return { ...info, ms: performance.now() - t0 };
}
