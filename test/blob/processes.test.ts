/**
 * Separate node processes: they agree on the Blob_ID and the bytes, and several of them
 * building the same cache entry at once all end with a good entry. The children import
 * the blob module compiled by tsc (support.ts, compileBlobModule).
 */
import { createHash } from 'node:crypto';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PfscCache, prepareGenerators, profileManifest, generateBase, resolveManifest } from '../../src/blob/index.js';
import { compileBlobModule, removeTempDirs, runNodeScript, tempDir } from './support.js';

let moduleUrl = '';
beforeAll(async () => {
  moduleUrl = pathToFileURL(compileBlobModule()).href;
  await prepareGenerators(profileManifest()); // generateBase below makes the profile's bank-kind banks
}, 120_000);
afterAll(removeTempDirs);

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Waits until the file named by argv[1] exists, so the children start together. */
const BARRIER = `
import { existsSync } from 'node:fs';
const go = process.argv[1];
while (!existsSync(go)) await new Promise((r) => setTimeout(r, 2));
`;

function parse(out: { code: number | null; stdout: string; stderr: string }): Record<string, unknown> {
  expect(out.stderr, out.stderr).not.toMatch(/Error/);
  expect(out.code).toBe(0);
  return JSON.parse(out.stdout.trim().split('\n').at(-1) as string) as Record<string, unknown>;
}

describe('separate processes', () => {
  it('agree on the Blob_ID and the content', async () => {
    const script = `
      import { createHash } from 'node:crypto';
      const b = await import(${JSON.stringify(moduleUrl)});
      const blob = await b.openBlob({ home: process.argv[1] });
      const all = new Uint8Array(blob.size);
      blob.read(0, blob.size, all, 0);
      const r = await b.resolveManifest();
      console.log(JSON.stringify({ id: blob.idHex, resolved: r.idHex, sha: createHash('sha256').update(all).digest('hex') }));
    `;
    const [a, b] = await Promise.all([runNodeScript(script, [tempDir()]), runNodeScript(script, [tempDir()])]);
    const ra = parse(a);
    const rb = parse(b);
    expect(ra).toEqual(rb);
    expect(ra.id).toBe(ra.resolved);
    expect(ra.id).toBe((await resolveManifest()).idHex);
    expect(ra.sha).toBe(sha(generateBase(profileManifest())));
  });

  it('building the same blob at once: every builder gets the right bytes, the entry is good', async () => {
    const home = tempDir();
    const go = join(tempDir(), 'go');
    const script = `${BARRIER}
      import { createHash } from 'node:crypto';
      const b = await import(${JSON.stringify(moduleUrl)});
      const warnings = [];
      const blob = await b.openBlob({ home: process.argv[2], onWarning: (m) => warnings.push(m) });
      const all = new Uint8Array(blob.size);
      blob.read(0, blob.size, all, 0);
      console.log(JSON.stringify({ sha: createHash('sha256').update(all).digest('hex'), warnings }));
    `;
    const runs = [0, 1, 2, 3].map(() => runNodeScript(script, [go, home]));
    await new Promise((r) => setTimeout(r, 300));
    writeFileSync(go, '');
    const results = (await Promise.all(runs)).map(parse);
    const want = sha(generateBase(profileManifest()));
    for (const r of results) expect(r).toEqual({ sha: want, warnings: [] });
    const cache = PfscCache.open(home);
    const warnings: string[] = [];
    const again = await cache.getOrCreate(cache.entries()[0]!.key, 'blob', () => new Uint8Array(0), { onWarning: (m) => warnings.push(m) });
    cache.close();
    expect(again.created).toBe(false);
    expect(sha(again.bytes)).toBe(want);
    expect(warnings).toEqual([]);
    expect(readdirSync(join(home, 'objects'))).toHaveLength(1);
  });

  it('writers racing with force and readers: readers never see a bad entry', async () => {
    const home = tempDir();
    const go = join(tempDir(), 'go');
    const script = `${BARRIER}
      const b = await import(${JSON.stringify(moduleUrl)});
      const mode = process.argv[3];
      const cache = b.PfscCache.open(process.argv[2]);
      const make = async () => {
        await new Promise((r) => setTimeout(r, Math.random() * 20));
        const bytes = new Uint8Array(4 << 20);
        for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7) & 0xff;
        return bytes;
      };
      const warnings = [];
      let created = 0;
      for (let round = 0; round < 6; round++) {
        const r = await cache.getOrCreate('test-race', 'test', make, { force: mode === 'write', onWarning: (m) => warnings.push(m) });
        if (r.created) created++;
        if (r.bytes.length !== 4 << 20 || r.bytes[12345] !== ((12345 * 7) & 0xff)) throw new Error('bad bytes');
      }
      cache.close();
      console.log(JSON.stringify({ mode, created, warnings }));
    `;
    const modes = ['write', 'write', 'write', 'read', 'read'];
    const runs = modes.map((m) => runNodeScript(script, [go, home, m]));
    await new Promise((r) => setTimeout(r, 300));
    writeFileSync(go, '');
    const results = (await Promise.all(runs)).map(parse);
    for (const r of results) {
      expect(r.warnings).toEqual([]);
      if (r.mode === 'write') expect(r.created).toBe(6);
    }
    const cache = PfscCache.open(home);
    const warnings: string[] = [];
    const final = await cache.get('test-race', 'test', (m) => warnings.push(m));
    cache.close();
    expect(warnings).toEqual([]);
    expect(final?.length).toBe(4 << 20);
    expect(readdirSync(join(home, 'objects'))).toEqual(['test-race.bin']);
  });

  it('builders with different bytes for one key: readers never see a file with the wrong record', async () => {
    const home = tempDir();
    const go = join(tempDir(), 'go');
    const script = `${BARRIER}
      const b = await import(${JSON.stringify(moduleUrl)});
      const me = Number(process.argv[3]);
      const cache = b.PfscCache.open(process.argv[2]);
      const warnings = [];
      let seen = 0;
      if (me > 0) {
        for (let round = 0; round < 8; round++) {
          await cache.getOrCreate('test-mixed', 'test', () => new Uint8Array(1 << 20).fill(me), { force: true });
        }
      } else {
        const until = Date.now() + 1500;
        while (Date.now() < until) {
          const bytes = await cache.get('test-mixed', 'test', (m) => warnings.push(m));
          if (bytes === undefined) continue;
          if (!bytes.every((x) => x === bytes[0])) throw new Error('mixed bytes');
          seen++;
        }
      }
      cache.close();
      console.log(JSON.stringify({ me, warnings, seen }));
    `;
    const runs = [1, 2, 3, 0, 0].map((me) => runNodeScript(script, [go, home, String(me)]));
    await new Promise((r) => setTimeout(r, 300));
    writeFileSync(go, '');
    const results = (await Promise.all(runs)).map(parse);
    for (const r of results) expect(r.warnings).toEqual([]);
    expect(results.filter((r) => r.me === 0).every((r) => (r.seen as number) > 0)).toBe(true);
    const cache = PfscCache.open(home);
    const warnings: string[] = [];
    const final = await cache.get('test-mixed', 'test', (m) => warnings.push(m));
    cache.close();
    expect(warnings).toEqual([]);
    expect([1, 2, 3]).toContain(final?.[0]);
    expect(final?.every((x) => x === final[0])).toBe(true);
  });
});
