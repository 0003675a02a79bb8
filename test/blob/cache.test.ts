import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { PfscError } from '../../src/errors.js';
import { catalogProblem, PfscCache, resolvePfscHome } from '../../src/blob/cache.js';
import { removeTempDirs, tempDir } from './support.js';
import { crc32cReference } from '../helpers/crc32c.js';

afterAll(removeTempDirs);

const open: PfscCache[] = [];
function openCache(home: string, warnings?: string[]): PfscCache {
  const c = PfscCache.open(home, { onWarning: (m) => warnings?.push(m) });
  open.push(c);
  return c;
}
afterEach(() => {
  for (const c of open.splice(0)) c.close();
});

function payload(n: number, salt = 0): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + salt) & 0xff;
  return b;
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Rewrites key's record as records were before they carried a CRC-32C: SHA-256 only. */
async function recordWithSha256Only(home: string, key: string, sha256: string): Promise<void> {
  const { open } = createRequire(import.meta.url)('lmdb') as typeof import('lmdb');
  const db = open<Record<string, unknown>, string>({ path: join(home, 'catalog.lmdb'), encoding: 'json', compression: false });
  const rec = { ...db.get(key)! };
  delete rec.crc32c;
  rec.sha256 = sha256;
  db.putSync(key, rec);
  await db.close();
}

describe('PfscCache', () => {
  it('creates an entry once, then reuses it', async () => {
    const home = tempDir();
    const cache = openCache(home);
    let calls = 0;
    const make = () => {
      calls++;
      return payload(100_000);
    };
    const first = await cache.getOrCreate('test-0001', 'test', make, { meta: { note: 'hello' } });
    expect(first.created).toBe(true);
    const second = await cache.getOrCreate('test-0001', 'test', make);
    expect(second.created).toBe(false);
    expect(calls).toBe(1);
    expect(Buffer.compare(first.bytes, second.bytes)).toBe(0);
    expect(cache.has('test-0001')).toBe(true);
    expect(cache.has('test-0002')).toBe(false);
    const [entry] = cache.entries();
    expect(entry).toMatchObject({ key: 'test-0001', kind: 'test', size: 100_000, crc32c: crc32cReference(payload(100_000)), meta: { note: 'hello' } });
    expect(entry?.created).toBeGreaterThan(Date.now() - 60_000);
    expect(existsSync(join(home, 'catalog.lmdb'))).toBe(true);
    expect(readFileSync(join(home, 'objects', 'test-0001.bin'))).toEqual(Buffer.from(payload(100_000)));
  });

  it('survives closing and reopening, and async make()', async () => {
    const home = tempDir();
    const a = PfscCache.open(home);
    await a.getOrCreate('test-0001', 'test', async () => payload(10));
    a.close();
    a.close();
    const b = openCache(home);
    const again = await b.getOrCreate('test-0001', 'test', () => payload(11));
    expect(again.created).toBe(false);
    expect(again.bytes).toHaveLength(10);
    expect(() => a.has('test-0001')).toThrow(/closed/);
  });

  it('force rebuilds a good entry', async () => {
    const cache = openCache(tempDir());
    await cache.getOrCreate('test-0001', 'test', () => payload(10));
    const r = await cache.getOrCreate('test-0001', 'test', () => payload(10, 1), { force: true });
    expect(r.created).toBe(true);
    expect((await cache.getOrCreate('test-0001', 'test', () => payload(1))).bytes).toEqual(Buffer.from(payload(10, 1)));
  });

  const damage: [string, (file: string, home: string) => void, RegExp][] = [
    ['a truncated file', (f) => truncateSync(f, 5000), /has 5000 bytes, the catalog says 10000 \(truncated or damaged\)/],
    ['a flipped byte', (f) => {
      const b = readFileSync(f);
      b[1234] = (b[1234] as number) ^ 0x40;
      writeFileSync(f, b);
    }, /CRC-32C differs from the catalog \(damaged\)/],
    ['a deleted file', (f) => rmSync(f), /is missing or unreadable \(ENOENT\)/],
    ['a deleted catalog', (_f, home) => {
      rmSync(join(home, 'catalog.lmdb'));
      rmSync(join(home, 'catalog.lmdb-lock'), { force: true });
    }, /has a file but no catalog record/],
  ];
  it.each(damage)('detects %s, warns and rebuilds', async (_name, hurt, warning) => {
    const home = tempDir();
    const first = PfscCache.open(home);
    await first.getOrCreate('blob-00ff', 'blob', () => payload(10_000));
    first.close();
    hurt(join(home, 'objects', 'blob-00ff.bin'), home);
    const warnings: string[] = [];
    const cache = openCache(home, warnings);
    let made = 0;
    const r = await cache.getOrCreate('blob-00ff', 'blob', () => (made++, payload(10_000)), { onWarning: (m) => warnings.push(m) });
    expect(r.created).toBe(true);
    expect(made).toBe(1);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(warning);
    expect(warnings[0]).toContain('blob-00ff');
    // The rebuilt entry is good: used as is next time, with no warning.
    const again = await cache.getOrCreate('blob-00ff', 'blob', () => payload(1), { onWarning: (m) => warnings.push(m) });
    expect(again.created).toBe(false);
    expect(again.bytes).toEqual(Buffer.from(payload(10_000)));
    expect(warnings).toHaveLength(1);
  });

  it('honours records that carry a SHA-256 instead of a CRC-32C, and catches damage by it', async () => {
    const home = tempDir();
    const first = PfscCache.open(home);
    await first.getOrCreate('blob-00aa', 'blob', () => payload(5000));
    first.close();
    await recordWithSha256Only(home, 'blob-00aa', sha(payload(5000)));
    const cache = openCache(home);
    expect(cache.entry('blob-00aa')).toMatchObject({ sha256: sha(payload(5000)) });
    expect(cache.entry('blob-00aa')?.crc32c).toBeUndefined();
    const warnings: string[] = [];
    const r = await cache.getOrCreate('blob-00aa', 'blob', () => payload(1), { onWarning: (m) => warnings.push(m) });
    expect(r.created).toBe(false);
    expect(warnings).toEqual([]);
    cache.close();
    const f = join(home, 'objects', 'blob-00aa.bin');
    const b = readFileSync(f);
    b[99] = b[99]! ^ 1;
    writeFileSync(f, b);
    const again = openCache(home);
    const rebuilt = await again.getOrCreate('blob-00aa', 'blob', () => payload(5000), { onWarning: (m) => warnings.push(m) });
    expect(rebuilt.created).toBe(true);
    expect(warnings).toEqual([expect.stringMatching(/SHA-256 differs from the catalog \(damaged\)/)]);
    expect(again.entry('blob-00aa')?.crc32c).toBe(crc32cReference(payload(5000)));
  });

  it('treats an entry of another kind as absent, with a warning', async () => {
    const cache = openCache(tempDir());
    await cache.getOrCreate('x-01', 'index', () => payload(10));
    const warnings: string[] = [];
    const r = await cache.getOrCreate('x-01', 'blob', () => payload(20), { onWarning: (m) => warnings.push(m) });
    expect(r.created).toBe(true);
    expect(warnings[0]).toMatch(/holds kind index, not blob/);
  });

  const catalogDamage: [string, (catalog: string) => void][] = [
    ['garbage', (c) => writeFileSync(c, Buffer.alloc(50_000, 0x41))],
    ['cut to 100 bytes', (c) => truncateSync(c, 100)],
    ['cut to one page', (c) => truncateSync(c, 4096)],
    ['cut after two pages', (c) => truncateSync(c, 8192)],
  ];
  it.each(catalogDamage)('moves a damaged catalog (%s) aside instead of crashing', async (_name, hurt) => {
    const home = tempDir();
    const first = PfscCache.open(home);
    await first.getOrCreate('x-01', 'test', () => payload(10));
    first.close();
    const catalog = join(home, 'catalog.lmdb');
    hurt(catalog);
    expect(catalogProblem(catalog)).toBeDefined();
    const warnings: string[] = [];
    const cache = openCache(home, warnings);
    expect(warnings[0]).toMatch(/catalog .* is damaged: .*; moved it to .*catalog\.lmdb\.damaged-\d+ and started a new one/);
    const r = await cache.getOrCreate('x-01', 'test', () => payload(10), { onWarning: (m) => warnings.push(m) });
    expect(r.created).toBe(true);
    expect(readdirSync(home).some((n) => n.startsWith('catalog.lmdb.damaged-'))).toBe(true);
    expect(catalogProblem(catalog)).toBeUndefined();
  });

  it('deletes entries', async () => {
    const cache = openCache(tempDir());
    await cache.getOrCreate('x-01', 'test', () => payload(10));
    expect(cache.delete('x-01')).toBe(true);
    expect(cache.delete('x-01')).toBe(false);
    expect(cache.has('x-01')).toBe(false);
    expect(existsSync(cache.objectPath('x-01'))).toBe(false);
    expect(cache.entries()).toEqual([]);
  });

  it('rejects unsafe keys and kinds', async () => {
    const cache = openCache(tempDir());
    for (const key of ['', '../x', 'a/b', 'A1', '.tmp-x', '-x', 'x.bin', 'x'.repeat(129)]) {
      await expect(cache.getOrCreate(key, 'test', () => payload(1))).rejects.toThrow(PfscError);
      expect(() => cache.has(key)).toThrow(/not a safe name/);
    }
    await expect(cache.getOrCreate('x-1', 'Bad Kind', () => payload(1))).rejects.toThrow(/not a valid kind/);
  });

  it('removes temp files that crashed writers left behind, but only old ones', () => {
    const home = tempDir();
    PfscCache.open(home).close();
    const old = join(home, 'objects', '.tmp-x-01-1-abc');
    const fresh = join(home, 'objects', '.tmp-x-01-2-def');
    writeFileSync(old, 'x');
    writeFileSync(fresh, 'x');
    const hourAgo = (Date.now() - 2 * 3600_000) / 1000;
    utimesSync(old, hourAgo, hourAgo);
    openCache(home);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
  });

  it('reports an unusable home as PFSC_CACHE', () => {
    const home = tempDir();
    const file = join(home, 'not-a-dir');
    writeFileSync(file, 'x');
    expect(() => PfscCache.open(file)).toThrow(expect.objectContaining({ code: 'PFSC_CACHE' }));
  });

  it('writes leave no temp files, and the file matches the record', async () => {
    const home = tempDir();
    const cache = openCache(home);
    const e = await cache.put('x-01', 'test', payload(3000));
    expect(readdirSync(join(home, 'objects'))).toEqual(['x-01.bin']);
    expect(statSync(cache.objectPath('x-01')).size).toBe(e.size);
    expect(e.crc32c).toBe(crc32cReference(payload(3000)));
    expect(cache.entry('x-01')?.crc32c).toBe(e.crc32c);
  });
});

describe('resolvePfscHome', () => {
  const saved = { PFSC_HOME: process.env.PFSC_HOME, XDG_CACHE_HOME: process.env.XDG_CACHE_HOME };
  afterEach(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
  it('prefers the explicit home, then $PFSC_HOME, then $XDG_CACHE_HOME/pfsc, then ~/.cache/pfsc', () => {
    process.env.PFSC_HOME = '/tmp/pfsc-a';
    process.env.XDG_CACHE_HOME = '/tmp/xdg';
    expect(resolvePfscHome('/tmp/explicit')).toBe('/tmp/explicit');
    expect(resolvePfscHome()).toBe('/tmp/pfsc-a');
    process.env.PFSC_HOME = '';
    expect(resolvePfscHome()).toBe('/tmp/xdg/pfsc');
    delete process.env.PFSC_HOME;
    process.env.XDG_CACHE_HOME = 'relative/ignored';
    expect(resolvePfscHome()).toBe(join(homedir(), '.cache', 'pfsc'));
    delete process.env.XDG_CACHE_HOME;
    expect(resolvePfscHome()).toBe(join(homedir(), '.cache', 'pfsc'));
  });
});
