/** Loads a blob's match index: base tables through the cache, ref tables built now. */
import type { Progress } from '../api-types.js';
import { PfscCache, toHex } from '../blob/index.js';
import type { Blob } from '../blob/types.js';
import { assembleIndex, buildBaseTables, type MatchIndex } from './match-index.js';

/** Bump when the tables' layout or parameters change: old cache entries are then ignored. */
export const INDEX_FORMAT = 3;

export interface LoadIndexOptions {
  home?: string;
  onWarning?: (message: string) => void;
  onProgress?: (p: Progress) => void;
}

export async function loadMatchIndex(blob: Blob, opts: LoadIndexOptions = {}): Promise<MatchIndex> {
  const cache = PfscCache.open(opts.home);
  try {
    const key = `index-${toHex(blob.baseId)}-v${INDEX_FORMAT}`;
    const make = async () => {
      opts.onProgress?.({ phase: 'index', done: 0, total: 1 });
      const t = await buildBaseTables(blob);
      opts.onProgress?.({ phase: 'index', done: 1, total: 1 });
      return t;
    };
    let entry = await cache.getOrCreate(key, 'index', make, { onWarning: opts.onWarning });
    let index = await assembleIndex(blob, entry.bytes);
    if (!index) {
      opts.onWarning?.(`cached index ${key} is not well formed; rebuilding it`);
      entry = await cache.getOrCreate(key, 'index', make, { onWarning: opts.onWarning, force: true });
      index = await assembleIndex(blob, entry.bytes);
      if (!index) throw new Error(`index ${key} could not be rebuilt`);
    }
    return index;
  } finally {
    cache.close();
  }
}
