import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PfscError } from '../../src/errors.js';
import {
  BankRegistry,
  blobCacheKey,
  buildBlob,
  defaultRegistry,
  describeBlob,
  generateBase,
  openBlob,
  PfscCache,
  prepareGenerators,
  profileManifest,
  resolveManifest,
  toHex,
  type BankGenerator,
  type Blob,
} from '../../src/blob/index.js';
import { removeTempDirs, tempDir } from './support.js';
import { crc32cReference } from '../helpers/crc32c.js';

afterAll(removeTempDirs);

/**
 * The orchard profile's identity. These change only when the profile table, a generator's
 * bytes, an Orchard bank file or the canonical form change; such a change must bump a
 * generator version or the profile's seed and be noted in docs/ORCHARD.md. (Seed orchard-3,
 * reviewed: the first 1,679,616 bytes are those of orchard-1, then the outputs of
 * elf-headers.bank, x86-64-plt.bank and elf-strings.bank, then the random tail of seed
 * orchard-3.)
 */
const ORCHARD_BLOB_ID = 'd3b6df9b040b6d17e76191b7ee854987';
const ORCHARD_BASE_ID = 'ca5b6acb8ed711dd5f7a36c745204cf0';
const ORCHARD_SHA256 = '98d0f12bfd0e3e34d553c00f134c2411b45ef1ecc6b1b3445d490143b22fd5bf';
const ORCHARD_SIZE = 16 * 1024 * 1024;

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function whole(blob: Blob): Uint8Array {
  const out = new Uint8Array(blob.size);
  blob.read(0, blob.size, out, 0);
  return out;
}

describe('orchard, pinned', () => {
  // generateBase needs the bank language loaded for the profile's banks of kind bank.
  beforeAll(() => prepareGenerators(profileManifest()));

  it('has the pinned Blob_ID, base id and content digest', async () => {
    const r = await resolveManifest();
    expect(r.idHex).toBe(ORCHARD_BLOB_ID);
    expect(r.baseIdHex).toBe(ORCHARD_BASE_ID);
    expect(r.size).toBe(ORCHARD_SIZE);
    expect(sha(generateBase(profileManifest()))).toBe(ORCHARD_SHA256);
  });

  it('generates well under a second, and the same bytes every time', () => {
    const times: number[] = [];
    let digest = '';
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      const bytes = generateBase(profileManifest());
      times.push(performance.now() - t);
      const d = sha(bytes);
      if (digest) expect(d).toBe(digest);
      digest = d;
    }
    times.sort((a, b) => a - b);
    expect(times[1]).toBeLessThan(1000);
  });
});

describe('openBlob', () => {
  it('generates and stores the base on first use, then loads it', async () => {
    const home = tempDir();
    const progress: number[] = [];
    const cold = await openBlob({ home, onProgress: (p) => p.phase === 'blob' && progress.push(p.done) });
    expect(cold.idHex).toBe(ORCHARD_BLOB_ID);
    expect(toHex(cold.baseId)).toBe(ORCHARD_BASE_ID);
    expect(cold.size).toBe(ORCHARD_SIZE);
    expect(sha(whole(cold))).toBe(ORCHARD_SHA256);
    expect(progress.length).toBeGreaterThan(10);
    expect(progress.at(-1)).toBe(ORCHARD_SIZE);
    for (let i = 1; i < progress.length; i++) expect(progress[i]).toBeGreaterThanOrEqual(progress[i - 1] as number);

    const cache = PfscCache.open(home);
    const key = blobCacheKey(cold.baseId);
    expect(cache.entries().map((e) => e.key)).toEqual([key]);
    expect(cache.entry(key)).toMatchObject({ kind: 'blob', size: ORCHARD_SIZE });
    expect(cache.entry(key)?.crc32c).toBe(crc32cReference(readFileSync(cache.objectPath(key))));
    expect((cache.entry(key)?.meta as { manifest: { profile: string } }).manifest.profile).toBe('orchard');
    cache.close();

    const warm = await openBlob({ home });
    expect(sha(whole(warm))).toBe(ORCHARD_SHA256);
    expect((await describeBlob({ home })).cached).toBe(true);
  });

  it('rebuilds a damaged base with a warning', async () => {
    const home = tempDir();
    await openBlob({ home });
    const file = join(home, 'objects', `blob-${ORCHARD_BASE_ID}.bin`);
    const b = readFileSync(file);
    b[ORCHARD_SIZE - 7] = (b[ORCHARD_SIZE - 7] as number) ^ 1;
    writeFileSync(file, b);
    const warnings: string[] = [];
    const blob = await openBlob({ home, onWarning: (m) => warnings.push(m) });
    expect(warnings).toEqual([expect.stringMatching(/CRC-32C differs from the catalog \(damaged\); rebuilding it/)]);
    expect(sha(whole(blob))).toBe(ORCHARD_SHA256);
    truncateSync(file, 1000);
    const again = await openBlob({ home, onWarning: (m) => warnings.push(m) });
    expect(warnings[1]).toMatch(/truncated/);
    expect(sha(whole(again))).toBe(ORCHARD_SHA256);
  });

  it('still works when the cache cannot be used, with a warning', async () => {
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, 'x');
    const warnings: string[] = [];
    const blob = await openBlob({ home: file, onWarning: (m) => warnings.push(m) });
    expect(blob.idHex).toBe(ORCHARD_BLOB_ID);
    expect(warnings[0]).toMatch(/^cannot create the cache folder .*; generating the blob without the cache$/);
  });

  it('addresses banks: layout, views without copies, bankAt, reads across banks', async () => {
    const blob = await openBlob({ home: tempDir() });
    const flat = whole(blob);
    let offset = 0;
    for (let i = 0; i < blob.banks.length; i++) {
      const b = blob.banks[i]!;
      expect(b.offset).toBe(offset);
      const view = blob.bankBytes(i);
      expect(view).toHaveLength(b.size);
      expect(view.buffer).toBe(blob.bankBytes(0).buffer);
      expect(Buffer.from(view).equals(Buffer.from(flat.subarray(b.offset, b.offset + b.size)))).toBe(true);
      expect(blob.bankAt(b.offset)).toBe(i);
      expect(blob.bankAt(b.offset + b.size - 1)).toBe(i);
      offset += b.size;
    }
    expect(blob.bankAt(-1)).toBe(-1);
    expect(blob.bankAt(blob.size)).toBe(-1);
    expect(blob.bankAt(1.5)).toBe(-1);
    // A read spanning three banks (gray8 is 256 bytes).
    const gray8 = blob.banks.findIndex((b) => b.name === 'gray8');
    const start = blob.banks[gray8]!.offset - 10;
    const dst = new Uint8Array(300);
    blob.read(start, 280, dst, 20);
    expect(Buffer.from(dst.subarray(20, 300)).equals(Buffer.from(flat.subarray(start, start + 280)))).toBe(true);
    expect(() => blob.read(blob.size - 1, 2, dst, 0)).toThrow(PfscError);
    expect(() => blob.read(0, 10, dst, 295)).toThrow(/out of range/);
    expect(() => blob.bankBytes(blob.banks.length)).toThrow(PfscError);
    expect(blob.banks.map((b) => b.contentKind)).toContain('random');
  });
});

describe('refs', () => {
  it('become banks after the generated ones, checked by size and SHA-256', async () => {
    const dir = tempDir();
    const a = join(dir, 'old-a.bin');
    const b = join(dir, 'empty.bin');
    const c = join(dir, 'old-c.txt');
    writeFileSync(a, Buffer.from('the quick brown fox '.repeat(1000)));
    writeFileSync(b, Buffer.alloc(0));
    writeFileSync(c, 'jumps over the lazy dog');
    const refs = [a, b, c];
    const resolved = await resolveManifest({ refs });
    expect(resolved.manifest.refs).toEqual([
      { name: 'ref0', size: 20_000, sha256: sha(readFileSync(a)) },
      { name: 'ref1', size: 0, sha256: sha(new Uint8Array(0)) },
      { name: 'ref2', size: 23, sha256: sha(readFileSync(c)) },
    ]);
    expect(resolved.idHex).not.toBe(ORCHARD_BLOB_ID);
    expect(resolved.baseIdHex).toBe(ORCHARD_BASE_ID);

    const home = tempDir();
    const blob = await openBlob({ refs, home });
    expect(blob.idHex).toBe(resolved.idHex);
    expect(blob.size).toBe(ORCHARD_SIZE + 20_023);
    const tail = blob.banks.slice(-3);
    expect(tail.map((x) => [x.name, x.kind, x.isRef, x.contentKind, x.offset])).toEqual([
      ['ref0', 'ref', true, 'ref', ORCHARD_SIZE],
      ['ref1', 'ref', true, 'ref', ORCHARD_SIZE + 20_000],
      ['ref2', 'ref', true, 'ref', ORCHARD_SIZE + 20_000],
    ]);
    // The empty ref holds no offset: the byte after ref0 is in ref2.
    expect(blob.bankAt(ORCHARD_SIZE + 20_000)).toBe(blob.banks.length - 1);
    const across = new Uint8Array(8);
    blob.read(ORCHARD_SIZE + 19_996, 8, across, 0);
    expect(Buffer.from(across).toString()).toBe('fox jump');
    expect(Buffer.from(blob.bankBytes(blob.banks.length - 1)).toString()).toBe('jumps over the lazy dog');
    // Refs change the Blob_ID, not the cached base.
    const cache = PfscCache.open(home);
    expect(cache.entries()).toHaveLength(1);
    cache.close();

    const info = await describeBlob({ refs, home });
    expect(info).toMatchObject({ blobIdHex: resolved.idHex, size: ORCHARD_SIZE + 20_023, cached: true, home });
    expect(info.banks).toHaveLength(resolved.banks.length);
  });

  it('refuses unreadable and oversized refs', async () => {
    const dir = tempDir();
    await expect(resolveManifest({ refs: [join(dir, 'missing')] })).rejects.toMatchObject({ code: 'PFSC_REF_UNREADABLE', message: expect.stringContaining('ENOENT') });
    mkdirSync(join(dir, 'sub'));
    await expect(openBlob({ refs: [join(dir, 'sub')], home: dir })).rejects.toMatchObject({ code: 'PFSC_REF_UNREADABLE', message: expect.stringContaining('not a regular file') });
    const big = join(dir, 'big.bin');
    writeFileSync(big, '');
    truncateSync(big, 2 ** 31); // sparse: no disk used
    await expect(openBlob({ refs: [big], home: dir })).rejects.toMatchObject({ code: 'PFSC_REF_TOO_LARGE' });
    await expect(resolveManifest({ refs: [big] })).rejects.toMatchObject({ code: 'PFSC_REF_TOO_LARGE' });
  });
});

describe('describeBlob and buildBlob', () => {
  it('describeBlob says whether the base is cached; buildBlob force rebuilds it', async () => {
    const home = tempDir();
    const before = await describeBlob({ home });
    expect(before).toMatchObject({ blobIdHex: ORCHARD_BLOB_ID, size: ORCHARD_SIZE, cached: false, home });
    expect(before.manifest.profile).toBe('orchard');
    await buildBlob({ home });
    expect((await describeBlob({ home })).cached).toBe(true);
    const cache = PfscCache.open(home);
    const t1 = cache.entry(blobCacheKey(Buffer.from(ORCHARD_BASE_ID, 'hex')))?.created ?? 0;
    cache.close();
    await new Promise((r) => setTimeout(r, 5));
    const progress: string[] = [];
    const rebuilt = await buildBlob({ home, force: true, onProgress: (p) => progress.push(p.phase) });
    expect(rebuilt.idHex).toBe(ORCHARD_BLOB_ID);
    expect(progress.length).toBeGreaterThan(2);
    const again = PfscCache.open(home);
    expect(again.entry(blobCacheKey(rebuilt.baseId))?.created).toBeGreaterThan(t1);
    again.close();
  });

  it('unknown profile names the known ones', async () => {
    await expect(describeBlob({ profile: 'nope', home: tempDir() })).rejects.toMatchObject({
      code: 'PFSC_MANIFEST_INVALID',
      message: 'unknown profile "nope"; known profiles: orchard',
    });
  });
});

describe('plugins', () => {
  const stripes: BankGenerator = {
    kind: 'stripes',
    version: 3,
    contentKind: 'data',
    validate(params) {
      if (typeof params.width !== 'number' || params.width < 1) throw new PfscError('PFSC_MANIFEST_INVALID', 'params.width must be a positive integer');
    },
    generate(out, params) {
      const w = params.width as number;
      for (let i = 0; i < out.length; i++) out[i] = Math.floor(i / w) % 2 === 0 ? 0xaa : 0x55;
    },
  };

  function extended(): object {
    const m = profileManifest();
    return { ...m, profile: 'orchard+stripes', banks: [...m.banks, { name: 'stripes', kind: 'stripes', version: 3, size: 1000, params: { width: 4 } }] };
  }

  it('a registered kind can be added to a profile', async () => {
    const registry = defaultRegistry().register(stripes);
    expect(registry.kinds()).toContain('stripes');
    const blob = await openBlob({ manifest: extended(), registry, home: tempDir() });
    expect(blob.size).toBe(ORCHARD_SIZE + 1000);
    expect(blob.manifest.profile).toBe('orchard+stripes');
    const last = blob.bankBytes(blob.banks.length - 1);
    expect([...last.subarray(0, 10)]).toEqual([0xaa, 0xaa, 0xaa, 0xaa, 0x55, 0x55, 0x55, 0x55, 0xaa, 0xaa]);
    expect(blob.banks.at(-1)?.contentKind).toBe('data');
    expect(blob.idHex).not.toBe(ORCHARD_BLOB_ID);
  });

  it('without the plugin, the kind is unknown', async () => {
    await expect(resolveManifest({ manifest: extended() })).rejects.toMatchObject({ code: 'PFSC_BANK_UNKNOWN', message: expect.stringContaining('"stripes" is not a known bank kind') });
  });

  it('the plugin\'s own parameter errors name the bank', async () => {
    const registry = new BankRegistry().register(stripes);
    const m = { format: 1, profile: 'p', seed: '', refs: [], banks: [{ name: 's', kind: 'stripes', version: 3, size: 8, params: { width: 0 } }] };
    await expect(resolveManifest({ manifest: m, registry })).rejects.toMatchObject({ message: 'banks[0].params.width must be a positive integer' });
  });

  it('a plugin that throws something else is reported as PFSC_PLUGIN', async () => {
    const bad: BankGenerator = { ...stripes, kind: 'bad', validate() {}, generate() { throw new RangeError('boom'); } };
    const registry = new BankRegistry().register(bad);
    const m = { format: 1, profile: 'p', seed: '', refs: [], banks: [{ name: 's', kind: 'bad', version: 3, size: 8, params: {} }] };
    await expect(openBlob({ manifest: m, registry, home: tempDir() })).rejects.toMatchObject({ code: 'PFSC_PLUGIN', message: 'bank generator bad failed: boom' });
  });

  it('registering twice or a malformed generator is refused', () => {
    const registry = defaultRegistry();
    expect(() => registry.register(stripes).register(stripes)).toThrow(/already registered/);
    expect(() => registry.register({ ...stripes, kind: 'Bad' })).toThrow(/not a valid kind name/);
    expect(() => registry.register({ ...stripes, kind: 'ok', version: 0 })).toThrow(/positive integer/);
    expect(() => defaultRegistry().get('nope')).toThrow(expect.objectContaining({ code: 'PFSC_BANK_UNKNOWN' }));
  });

  it('a base manifest with refs is refused: refs come from files', async () => {
    const m = { ...profileManifest(), refs: [{ name: 'ref0', size: 1, sha256: 'ab'.repeat(32) }] };
    await expect(resolveManifest({ manifest: m })).rejects.toMatchObject({ code: 'PFSC_MANIFEST_INVALID', message: expect.stringContaining('refs must be empty') });
  });
});
