/**
 * Loads a blob's match index through the cache: the base tables per base Blob_ID, and each
 * ref's tables per ref digest (a file synced again and again against the same old version
 * is indexed once), within a size budget for the refs' tables.
 */
import type { Progress } from '../api-types.js';
import { PfscCache, toHex } from '../blob/index.js';
import type { Blob } from '../blob/types.js';
import { PfscError } from '../errors.js';
import {
  assembleIndex,
  buildBaseTables,
  buildRefTables,
  deserializeTables,
  serializeTables,
  type IndexParams,
  type MatchIndex,
  type RefTablesSource,
} from './match-index.js';

/** Bump when the tables' layout or parameters change: old cache entries are then ignored. */
export const INDEX_FORMAT = 7;

/** Cache entry kind of a ref's tables. */
export const REF_INDEX_KIND = 'refindex';

/** Default budget for cached ref tables, in MiB (PFSC_REF_INDEX_CACHE overrides; 0 turns it off). */
export const DEFAULT_REF_INDEX_CACHE_MIB = 1024;

export interface LoadIndexOptions {
  home?: string;
  onWarning?: (message: string) => void;
  onProgress?: (p: Progress) => void;
  /** Budget for cached ref tables in bytes; default from PFSC_REF_INDEX_CACHE (MiB). */
  refCacheBytes?: number;
}

/** The ref-table budget PFSC_REF_INDEX_CACHE asks for, in bytes. */
export function refCacheBudget(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.PFSC_REF_INDEX_CACHE;
  if (raw === undefined || raw === '') return DEFAULT_REF_INDEX_CACHE_MIB * 2 ** 20;
  if (!/^\d{1,9}$/.test(raw.trim())) {
    throw new PfscError('PFSC_USAGE', `PFSC_REF_INDEX_CACHE is ${JSON.stringify(raw)}, not a whole number of MiB`, {
      hint: 'Set PFSC_REF_INDEX_CACHE to the MiB the cache may spend on refs\' tables (0 turns that off), or unset it.',
    });
  }
  return Number(raw.trim()) * 2 ** 20;
}

function refKey(sha256: string, p: IndexParams): string {
  return `${REF_INDEX_KIND}-${sha256}-k${p.k}s${p.step}d${p.deltaStep}l${p.load}-v${INDEX_FORMAT}`;
}

/**
 * Removes the oldest cached ref tables until those left fit `budget` bytes, sparing `keep`
 * (the entry just written).
 */
function evictRefTables(cache: PfscCache, budget: number, keep: string): void {
  const entries = cache
    .entries()
    .filter((e) => e.kind === REF_INDEX_KIND)
    .sort((a, b) => b.created - a.created);
  let total = 0;
  for (const e of entries) {
    total += e.size;
    if (total > budget && e.key !== keep) {
      cache.delete(e.key);
      total -= e.size;
    }
  }
}

/** Ref tables through the cache: read when a good entry exists, else built and stored. */
function cachedRefTables(cache: PfscCache, budget: number, opts: LoadIndexOptions): RefTablesSource {
  return async (bank, bytes, params) => {
    if (budget <= 0 || !/^[0-9a-f]{64}$/.test(bank.sha256)) return buildRefTables(bank, bytes, params);
    const key = refKey(bank.sha256, params);
    const cached = await cache.get(key, REF_INDEX_KIND, opts.onWarning);
    const tables = cached && deserializeTables(cached);
    if (tables) return tables;
    if (cached) opts.onWarning?.(`cached tables ${key} are not well formed; rebuilding them`);
    const built = await buildRefTables(bank, bytes, params);
    const serialized = serializeTables(built);
    if (serialized.length <= budget) {
      await cache.put(key, REF_INDEX_KIND, serialized);
      evictRefTables(cache, budget, key);
    }
    return built;
  };
}

/** Tables of an earlier INDEX_FORMAT are never read again: their space is given back. */
function removeOldFormats(cache: PfscCache): void {
  const suffix = `-v${INDEX_FORMAT}`;
  for (const e of cache.entries()) {
    if ((e.kind === 'index' || e.kind === REF_INDEX_KIND) && !e.key.endsWith(suffix)) cache.delete(e.key);
  }
}

export async function loadMatchIndex(blob: Blob, opts: LoadIndexOptions = {}): Promise<MatchIndex> {
  const budget = opts.refCacheBytes ?? refCacheBudget();
  const cache = PfscCache.open(opts.home);
  try {
    const key = `index-${toHex(blob.baseId)}-v${INDEX_FORMAT}`;
    const make = async () => {
      opts.onProgress?.({ phase: 'index', done: 0, total: 1 });
      const t = await buildBaseTables(blob);
      opts.onProgress?.({ phase: 'index', done: 1, total: 1 });
      return t;
    };
    const refTables = cachedRefTables(cache, budget, opts);
    let entry = await cache.getOrCreate(key, 'index', make, { onWarning: opts.onWarning });
    if (entry.created) removeOldFormats(cache);
    let index = await assembleIndex(blob, entry.bytes, refTables);
    if (!index) {
      opts.onWarning?.(`cached index ${key} is not well formed; rebuilding it`);
      entry = await cache.getOrCreate(key, 'index', make, { onWarning: opts.onWarning, force: true });
      index = await assembleIndex(blob, entry.bytes, refTables);
      if (!index) throw new Error(`index ${key} could not be rebuilt`);
    }
    return index;
  } finally {
    cache.close();
  }
}
