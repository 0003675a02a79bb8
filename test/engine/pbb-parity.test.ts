/**
 * Whole builds and replays on both engines: the same input gives byte-identical .pbb files
 * (and cached base indexes) with PFSC_NO_NATIVE=1 and without, and each engine replays the
 * other's blueprint to the input. Runs the real command (dist/ must be built).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli } from '../cli/harness.js';
import { prng, randomBytes, tempDir, textBytes } from '../helpers/tmp.js';
import { nativeMissing } from './support.js';

const ENGINES = { native: { PFSC_NO_NATIVE: undefined }, js: { PFSC_NO_NATIVE: '1' } } as const;
type EngineName = keyof typeof ENGINES;

/** An edited copy of `old`: replaced, inserted and deleted runs, one run xored, one added to. */
function edited(old: Buffer, seed: number): Buffer {
  const rand = prng(seed);
  const parts: Buffer[] = [];
  let at = 0;
  while (at < old.length) {
    const keep = 2000 + (rand() % 30_000);
    parts.push(old.subarray(at, at + keep));
    at += keep;
    switch (rand() % 5) {
      case 0: parts.push(textBytes(rand, 1 + (rand() % 200))); break; // inserted
      case 1: at += 1 + (rand() % 300); break; // deleted
      case 2: parts.push(Buffer.from(old.subarray(at, at + 3000).map((b) => b ^ 0x20))); at += 3000; break; // xor c
      case 3: parts.push(Buffer.from(old.subarray(at, at + 3000).map((b) => (b + 7) & 255))); at += 3000; break; // add c
      default: parts.push(randomBytes(rand, 1 + (rand() % 64))); at += 1 + (rand() % 64); // replaced
    }
  }
  return Buffer.concat(parts);
}

describe.skipIf(nativeMissing !== undefined)('builds and replays on both engines', () => {
  const tmp = tempDir('engine-parity');
  const homes: Record<EngineName, string> = { native: join(tmp.dir, 'home-native'), js: join(tmp.dir, 'home-js') };
  const files: Record<string, string> = {};

  beforeAll(() => {
    assertBuilt();
    const rand = prng(77);
    const old = Buffer.concat([textBytes(rand, 400_000), randomBytes(rand, 100_000), textBytes(rand, 200_000)]);
    const other = textBytes(rand, 150_000);
    const write = (name: string, bytes: Buffer): void => {
      files[name] = join(tmp.dir, name);
      writeFileSync(files[name]!, bytes);
    };
    write('old.bin', old);
    write('other.bin', other);
    write('new.bin', edited(old, 3));
    write('two-refs.bin', Buffer.concat([edited(other, 5), edited(old.subarray(0, 300_000), 9)]));
    // No ref: text that repeats within itself, and bytes the generated banks hold.
    const words = textBytes(rand, 60_000);
    write('cold.bin', Buffer.concat([words, randomBytes(rand, 5000), words, Buffer.alloc(20_000, 0x41), words.subarray(0, 30_000)]));
  });
  afterAll(() => tmp.cleanup());

  /** [what, input, refs, whether its plan has xor and add copies] */
  const cases: [string, string, string[], boolean][] = [
    ['an edited file with its old version as ref', 'new.bin', ['old.bin'], true],
    ['a file made of two refs', 'two-refs.bin', ['other.bin', 'old.bin'], false],
    ['a file without refs', 'cold.bin', [], false],
  ];

  it.each(cases)('%s: the same .pbb, replayed by either engine', (_what, input, refs, transformed) => {
    const refArgs = refs.flatMap((r) => ['--ref', files[r]!]);
    const pbb: Partial<Record<EngineName, Buffer>> = {};
    for (const engine of ['native', 'js'] as const) {
      const out = join(tmp.dir, `${input}.${engine}.pbb`);
      const r = runCli(['build', files[input]!, '-o', out, '-f', '--json', ...refArgs], { home: homes[engine], env: ENGINES[engine] });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toBe('');
      const segments = (JSON.parse(r.stdout) as { segments: { copyXor: number; copyAdd: number } }).segments;
      if (transformed) expect(Math.min(segments.copyXor, segments.copyAdd), JSON.stringify(segments)).toBeGreaterThan(0);
      pbb[engine] = readFileSync(out);
    }
    expect(pbb.native!.length).toBeGreaterThan(0);
    expect(Buffer.compare(pbb.native!, pbb.js!), `${input}: the engines' blueprints differ`).toBe(0);
    const original = readFileSync(files[input]!);
    for (const [by, from] of [['native', 'js'], ['js', 'native']] as const) {
      const out = join(tmp.dir, `${input}.${by}-replays-${from}`);
      const r = runCli(['replay', join(tmp.dir, `${input}.${from}.pbb`), '-o', out, '-f', '-q', ...refArgs], { home: homes[by], env: ENGINES[by] });
      expect(r.status, r.stderr).toBe(0);
      expect(Buffer.compare(readFileSync(out), original), `${by} replaying ${from}'s blueprint`).toBe(0);
    }
  });

  it('the engines cache the same base index', () => {
    const indexes = (home: string): Map<string, Buffer> => {
      const dir = join(home, 'objects');
      return new Map(readdirSync(dir).filter((f) => f.startsWith('index-')).map((f) => [f, readFileSync(join(dir, f))]));
    };
    const native = indexes(homes.native);
    const js = indexes(homes.js);
    expect(native.size).toBe(1);
    expect([...native.keys()]).toEqual([...js.keys()]);
    for (const [name, bytes] of native) expect(Buffer.compare(bytes, js.get(name)!), name).toBe(0);
  });
});
