/**
 * A ref's tables through the cache: built once per ref digest, read back the same, rebuilt
 * when damaged, kept within their budget (oldest out first), and not kept at all when the
 * budget is 0.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openBlob } from '../../src/blob/index.js';
import { PfscCache } from '../../src/blob/cache.js';
import { loadMatchIndex, REF_INDEX_KIND, refCacheBudget } from '../../src/index/load.js';
import type { MatchIndex } from '../../src/index/match-index.js';
import { prng, randomBytes, tempDir, textBytes } from '../helpers/tmp.js';

const dirs: { cleanup(): void }[] = [];
afterAll(() => dirs.forEach((d) => d.cleanup()));

function folder(): string {
  const t = tempDir('refcache');
  dirs.push(t);
  return t.dir;
}

function writeRef(dir: string, name: string, bytes: Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

async function indexOf(home: string, refs: string[], budget?: number, warnings: string[] = []): Promise<MatchIndex> {
  const blob = await openBlob({ refs, home });
  return loadMatchIndex(blob, { home, refCacheBytes: budget, onWarning: (m) => warnings.push(m) });
}

function refEntries(home: string): { key: string; size: number }[] {
  const cache = PfscCache.open(home);
  try {
    return cache.entries().filter((e) => e.kind === REF_INDEX_KIND);
  } finally {
    cache.close();
  }
}

/** A ref part's tables as bytes, to compare two indexes. */
function tablesOf(index: MatchIndex): Buffer[] {
  return index.parts
    .filter((p) => p.isRef)
    .flatMap((p) => [p.id, p.xor!, p.add!])
    .flatMap((t) => [Buffer.from(t.start.buffer, t.start.byteOffset, t.start.byteLength), Buffer.from(t.entries.buffer, t.entries.byteOffset, t.entries.byteLength)]);
}

describe('ref tables in the cache', () => {
  const MiB = 2 ** 20;

  it('are stored on first use, keyed by the ref digest, and read back identical', async () => {
    const home = folder();
    const ref = writeRef(folder(), 'old.txt', textBytes(prng(3), 300_000));
    const sha = createHash('sha256').update(readFileSync(ref)).digest('hex');
    const first = await indexOf(home, [ref], 64 * MiB);
    const entries = refEntries(home);
    expect(entries).toHaveLength(1);
    expect(entries[0]!.key).toContain(sha);
    const second = await indexOf(home, [ref], 64 * MiB);
    expect(refEntries(home)).toEqual(entries);
    const a = tablesOf(first);
    const b = tablesOf(second);
    expect(b).toHaveLength(6);
    b.forEach((t, i) => expect(Buffer.compare(t, a[i]!), `array ${i}`).toBe(0));
  });

  it('are rebuilt, with a warning, when their file is damaged', async () => {
    const home = folder();
    const ref = writeRef(folder(), 'old.bin', randomBytes(prng(5), 200_000));
    const good = tablesOf(await indexOf(home, [ref], 64 * MiB));
    const [entry] = refEntries(home);
    const file = join(home, 'objects', `${entry!.key}.bin`);
    const bytes = readFileSync(file);
    bytes[bytes.length >> 1] ^= 0x10;
    writeFileSync(file, bytes);
    const warnings: string[] = [];
    const again = tablesOf(await indexOf(home, [ref], 64 * MiB, warnings));
    expect(warnings.some((w) => w.includes(entry!.key) && /damaged/.test(w))).toBe(true);
    again.forEach((t, i) => expect(Buffer.compare(t, good[i]!), `array ${i}`).toBe(0));
    expect(readFileSync(file).equals(bytes)).toBe(false);
  });

  it('stay within their budget, the oldest removed first', async () => {
    const home = folder();
    const dir = folder();
    const refs = [1, 2, 3].map((i) => writeRef(dir, `r${i}.bin`, randomBytes(prng(10 + i), 150_000)));
    await indexOf(home, [refs[0]!], 64 * MiB);
    const one = refEntries(home)[0]!.size;
    // Room for two entries: the third evicts the first.
    const budget = 2 * one + one / 2;
    await indexOf(home, [refs[1]!], budget);
    await indexOf(home, [refs[2]!], budget);
    const keys = refEntries(home).map((e) => e.key);
    expect(keys).toHaveLength(2);
    const shaOf = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
    expect(keys.some((k) => k.includes(shaOf(refs[0]!)))).toBe(false);
    expect(keys.some((k) => k.includes(shaOf(refs[1]!)))).toBe(true);
    expect(keys.some((k) => k.includes(shaOf(refs[2]!)))).toBe(true);
  });

  it('are not stored with a budget of 0, and the index is the same', async () => {
    const home = folder();
    const ref = writeRef(folder(), 'old.bin', textBytes(prng(8), 100_000));
    const built = tablesOf(await indexOf(home, [ref], 0));
    expect(refEntries(home)).toEqual([]);
    const cached = tablesOf(await indexOf(home, [ref], 64 * MiB));
    cached.forEach((t, i) => expect(Buffer.compare(t, built[i]!), `array ${i}`).toBe(0));
  });

  it('take their budget from PFSC_REF_INDEX_CACHE, in MiB, and refuse anything else', () => {
    expect(refCacheBudget({})).toBe(1024 * MiB);
    expect(refCacheBudget({ PFSC_REF_INDEX_CACHE: '0' })).toBe(0);
    expect(refCacheBudget({ PFSC_REF_INDEX_CACHE: ' 300 ' })).toBe(300 * MiB);
    for (const bad of ['-1', '1.5', 'lots', '1e3']) {
      expect(() => refCacheBudget({ PFSC_REF_INDEX_CACHE: bad })).toThrow(/PFSC_REF_INDEX_CACHE/);
    }
  });
});
