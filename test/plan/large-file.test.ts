/**
 * A multi-GiB input is built and replayed in bounded memory: each step runs in its own
 * process, which reports its peak resident memory. The input (2.5 GiB, more than 2^31
 * bytes) is made of copies of a 4 MiB ref with scattered substitutions.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, statfsSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { prng, randomBytes, tempDir } from '../helpers/tmp.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const API = pathToFileURL(join(ROOT, 'dist', 'src', 'index.js')).href;
const CHUNK = 4 << 20;
const CHUNKS = 640; // 2.5 GiB
const SIZE = CHUNK * CHUNKS;
const MEMORY_LIMIT = 1 << 30; // peak RSS allowed, bytes: well under the input's size

const tmp = tempDir('large');
afterAll(() => tmp.cleanup());

function freeBytes(dir: string): number {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
}

const needed = 2 * SIZE + (1 << 30);
const free = freeBytes(tmp.dir);
const skipReason = free < needed ? `needs ${(needed / 2 ** 30).toFixed(1)} GiB free in ${tmp.dir}, has ${(free / 2 ** 30).toFixed(1)} GiB` : '';
if (skipReason) console.log(`large-file test skipped: ${skipReason}`);

function writeInput(path: string, ref: Buffer): void {
  const rand = prng(31337);
  const fd = openSync(path, 'w');
  try {
    const chunk = Buffer.allocUnsafe(CHUNK);
    for (let c = 0; c < CHUNKS; c++) {
      ref.copy(chunk);
      for (let k = 0; k < 8; k++) chunk[rand() % CHUNK] = rand() & 255;
      writeSync(fd, chunk);
    }
  } finally {
    closeSync(fd);
  }
}

function sha256File(path: string): string {
  const h = createHash('sha256');
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(8 << 20);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return h.digest('hex');
}

/** Runs one API call in a fresh process; returns its result and peak RSS in bytes. */
function inChild(call: 'build' | 'replay', opts: object): { result: Record<string, unknown>; maxRss: number } {
  const script = `
    const api = await import(${JSON.stringify(API)});
    const result = await api.${call}(${JSON.stringify(opts)});
    process.stdout.write(JSON.stringify({ result, maxRss: process.resourceUsage().maxRSS * 1024 }));
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`${call} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

describe.skipIf(skipReason !== '')('a 2.5 GiB input', () => {
  it('builds and replays byte for byte with peak memory under 1 GiB', { timeout: 600_000 }, () => {
    const ref = randomBytes(prng(42), CHUNK);
    const refPath = join(tmp.dir, 'ref.bin');
    const fd = openSync(refPath, 'w');
    writeSync(fd, ref);
    closeSync(fd);
    const input = join(tmp.dir, 'big.bin');
    writeInput(input, ref);
    const home = join(tmp.dir, 'home');
    const pbb = join(tmp.dir, 'big.pbb');
    const out = join(tmp.dir, 'big.out');

    const b = inChild('build', { input, output: pbb, refs: [refPath], home });
    expect(b.result.inputBytes).toBe(SIZE);
    expect(b.result.pbbBytes as number).toBeLessThan(200_000);
    expect(b.maxRss).toBeLessThan(MEMORY_LIMIT);

    const r = inChild('replay', { input: pbb, output: out, refs: [refPath], home });
    expect(r.result.outputBytes).toBe(SIZE);
    expect(r.maxRss).toBeLessThan(MEMORY_LIMIT);
    expect(sha256File(out)).toBe(sha256File(input));
    console.log(`2.5 GiB: .pbb ${b.result.pbbBytes} B; peak RSS build ${(b.maxRss / 2 ** 20).toFixed(0)} MiB, replay ${(r.maxRss / 2 ** 20).toFixed(0)} MiB`);
  });
});
