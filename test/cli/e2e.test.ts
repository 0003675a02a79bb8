/**
 * End to end through the real command: build, replay, inspect and blob, on small generated
 * files. These need the library's public API in dist/src/index.js and are skipped until it
 * is there.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, detectApi, hasNoStack, makeTemp, pseudoRandom, runCli, runWithClosedStdout } from './harness.js';

const apiReady = detectApi();
const SLOW = 300_000;
let home: string;
let work: string;

/** A small file with text, structure and noise, so copies, literals and spill all occur. */
function sampleFile(seed: number, size = 48 * 1024): Buffer {
  const parts: Buffer[] = [];
  let n = 0;
  let i = 0;
  while (n < size) {
    const text = Buffer.from(`{"id":${i},"name":"item-${i}","tags":["a","b"],"value":${(i * 7919) % 1000}}\n`);
    const noise = pseudoRandom(37 + (i % 50), seed + i);
    const ramp = Buffer.from(Array.from({ length: 64 }, (_, k) => (k * 3 + i) & 0xff));
    parts.push(text, noise, ramp);
    n += text.length + noise.length + ramp.length;
    i++;
  }
  return Buffer.concat(parts).subarray(0, size);
}

beforeAll(() => {
  assertBuilt();
  home = makeTemp('e2e-home');
  work = makeTemp('e2e-work');
});
afterAll(() => {
  rmSync(home, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

const run = (args: string[], input?: Buffer): ReturnType<typeof runCli> => runCli(args, { home, cwd: work, input });

describe.skipIf(!apiReady)('build and replay', () => {
  it(
    'rebuilds a file byte for byte',
    () => {
      const data = sampleFile(1);
      writeFileSync(join(work, 'a.bin'), data);
      const b = run(['build', 'a.bin']);
      expect(b.status, b.stderr).toBe(0);
      expect(b.stdout).toMatch(/^a\.bin → a\.bin\.pbb: 49,152 → [\d,]+ bytes \([\d.<]+%, [\d.]+:1\) in .+\n$/);
      const r = run(['replay', 'a.bin.pbb', '-o', 'a.out']);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain('a.bin.pbb → a.out: 49,152 bytes');
      expect(readFileSync(join(work, 'a.out')).equals(data)).toBe(true);
    },
    SLOW,
  );

  it(
    'replays to the default name, and refuses to overwrite it without -f',
    () => {
      const data = sampleFile(2, 5000);
      writeFileSync(join(work, 'b.bin'), data);
      expect(run(['build', 'b.bin', '-q']).status).toBe(0);
      rmSync(join(work, 'b.bin'));
      const r = run(['replay', 'b.bin.pbb', '-q']);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toBe('');
      expect(readFileSync(join(work, 'b.bin')).equals(data)).toBe(true);
      const again = run(['replay', 'b.bin.pbb']);
      expect(again.status).toBe(1);
      expect(again.stderr).toMatch(/^PFSC_OUTPUT_EXISTS: /);
      expect(run(['replay', 'b.bin.pbb', '-f', '-q']).status).toBe(0);
    },
    SLOW,
  );

  it(
    'uses --ref on both sides, and names the blob mismatch without it',
    () => {
      const old = sampleFile(3, 40_000);
      const changed = Buffer.from(old);
      for (let i = 1000; i < changed.length; i += 4096) changed[i] = (changed[i] ?? 0) ^ 0x5a;
      writeFileSync(join(work, 'old.bin'), old);
      writeFileSync(join(work, 'new.bin'), changed);
      const b = run(['build', 'new.bin', '--ref', 'old.bin', '-q']);
      expect(b.status, b.stderr).toBe(0);
      const r = run(['replay', 'new.bin.pbb', '--ref', 'old.bin', '-o', 'new.out']);
      expect(r.status, r.stderr).toBe(0);
      expect(readFileSync(join(work, 'new.out')).equals(changed)).toBe(true);
      const wrong = run(['replay', 'new.bin.pbb', '-o', 'new.out2']);
      expect(wrong.status).toBe(1);
      expect(wrong.stderr).toMatch(/^PFSC_BLOB_MISMATCH: /);
      expect(hasNoStack(wrong.stderr)).toBe(true);
    },
    SLOW,
  );

  it(
    'works through standard input and standard output',
    () => {
      const data = sampleFile(4, 20_000);
      const b = run(['build', '-'], data);
      expect(b.status, b.stderr).toBe(0);
      expect(b.stdoutBytes.length).toBeGreaterThan(0);
      expect(b.stderr).toMatch(/^\(stdin\) → \(stdout\): 20,000 → /);
      const r = run(['replay', '-', '-q'], b.stdoutBytes);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdoutBytes.equals(data)).toBe(true);
      writeFileSync(join(work, 'c.pbb'), b.stdoutBytes);
      const toStdout = run(['replay', 'c.pbb', '-o', '-']);
      expect(toStdout.status, toStdout.stderr).toBe(0);
      expect(toStdout.stdoutBytes.equals(data)).toBe(true);
    },
    SLOW,
  );

  it(
    'prints JSON and nothing else with --json',
    () => {
      const data = sampleFile(5, 10_000);
      writeFileSync(join(work, 'd.bin'), data);
      const b = run(['build', 'd.bin', '--json']);
      expect(b.status, b.stderr).toBe(0);
      const result = JSON.parse(b.stdout) as { inputBytes: number; pbbBytes: number; output: string; blobId: string; timings: Record<string, number> };
      expect(result.inputBytes).toBe(10_000);
      expect(result.output).toBe('d.bin.pbb');
      expect(result.pbbBytes).toBe(readFileSync(join(work, 'd.bin.pbb')).length);
      expect(Object.keys(result.timings)).toEqual(['snapshot', 'index', 'hint', 'plan', 'pack', 'emit']);

      const r = run(['replay', 'd.bin.pbb', '-o', 'd.out', '--json']);
      expect(r.status, r.stderr).toBe(0);
      expect((JSON.parse(r.stdout) as { outputBytes: number }).outputBytes).toBe(10_000);

      const i = run(['inspect', 'd.bin.pbb', '--json']);
      expect(i.status, i.stderr).toBe(0);
      const report = JSON.parse(i.stdout) as { header: { outputLength: number; blobId: string; version: number }; blobIdHex: string; bytesFrom: Record<string, number> };
      expect(report.header.outputLength).toBe(10_000);
      expect(report.header.version).toBe(3);
      expect(report.header.blobId).toBe(report.blobIdHex);
      expect(Object.keys(report.bytesFrom)).toEqual(['banks', 'refs', 'output', 'spill']);
      expect(Object.values(report.bytesFrom).reduce((a, b) => a + b, 0)).toBe(10_000);

      const info = run(['blob', 'info', '--json']);
      expect(info.status, info.stderr).toBe(0);
      expect((JSON.parse(info.stdout) as { blobIdHex: string }).blobIdHex).toMatch(/^[0-9a-f]+$/);
    },
    SLOW,
  );

  it(
    'reports stages and streams with --verbose',
    () => {
      writeFileSync(join(work, 'e.bin'), sampleFile(6, 8000));
      const b = run(['build', 'e.bin', '-v']);
      expect(b.status, b.stderr).toBe(0);
      for (const word of ['stages', 'snapshot', 'streams', 'segments', 'raw_ratio', 'Blob_ID', 'earlier output']) expect(b.stdout).toContain(word);
    },
    SLOW,
  );
});

describe.skipIf(!apiReady)('inspect', () => {
  it(
    'prints the table and writes an SVG',
    () => {
      writeFileSync(join(work, 'f.bin'), sampleFile(7, 30_000));
      expect(run(['build', 'f.bin', '-q']).status).toBe(0);
      const i = run(['inspect', 'f.bin.pbb', '--svg', 'f.svg']);
      expect(i.status, i.stderr).toBe(0);
      expect(i.stdout.split('\n')[0]).toMatch(/^f\.bin\.pbb: [\d,]+ bytes, replays to 30,000 bytes/);
      for (const word of ['Blob_ID', 'streams', 'segments', 'output bytes from', 'earlier output', 'raw_ratio']) expect(i.stdout).toContain(word);
      expect(i.stderr).toBe('wrote f.svg\n');
      const svg = readFileSync(join(work, 'f.svg'), 'utf8');
      expect(svg.startsWith('<?xml')).toBe(true);
      expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
      expect(svg).toContain('f.bin.pbb');
    },
    SLOW,
  );

  it(
    'does not crash when standard output closes early',
    async () => {
      writeFileSync(join(work, 'g.bin'), sampleFile(8, 2 * 1024 * 1024));
      expect(run(['build', 'g.bin', '-q']).status).toBe(0);
      const r1 = await runWithClosedStdout(['inspect', 'g.bin.pbb', '-v'], { home, cwd: work });
      expect(r1.stderr).toBe('');
      expect(r1.status).toBe(0);
      const r2 = await runWithClosedStdout(['replay', 'g.bin.pbb', '-o', '-'], { home, cwd: work });
      expect(r2.stderr).toBe('');
      expect(r2.status).toBe(0);
    },
    SLOW,
  );
});

describe.skipIf(!apiReady)('blob', () => {
  it(
    'builds the blob and shows it as cached',
    () => {
      const b = run(['blob', 'build']);
      expect(b.status, b.stderr).toBe(0);
      expect(b.stdout).toMatch(/^blob [0-9a-f]+ \(.+\) ready in .+, in .+\n$/);
      const info = run(['blob', 'info']);
      expect(info.status, info.stderr).toBe(0);
      expect(info.stdout).toMatch(/^profile\s+\S+/m);
      expect(info.stdout).toMatch(/^cached\s+yes$/m);
      expect(info.stdout).toContain('bank map');
      expect(info.stdout).toContain(home);
    },
    SLOW,
  );
});
