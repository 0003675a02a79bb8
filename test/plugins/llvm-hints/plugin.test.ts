/**
 * The plugin in real builds through the public API: the regions it adds reach the
 * compilation, a real ELF file round-trips byte for byte, a ZIP's whole-file sniff is
 * refined, hostile input and read failures warn instead of failing the build.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { build, Compilation, Compiler, replay, type PfscPlugin, type Region } from 'pfsc';
import { hintsFor, LlvmHints } from '../../../plugins/llvm-hints/index.js';
// @ts-expect-error: a JavaScript module without declarations
import * as fx from '../../../fixtures/llvm-hints/binaries.mjs';
import { tempDir } from '../../helpers/tmp.js';
import { expectWellFormed } from './support.js';

const tmp = tempDir('llvm-hints-plugin');
const home = join(tmp.dir, 'home');
afterAll(() => tmp.cleanup());

/** Records the compilation's regions once every hint tap before it has run. */
class RegionProbe implements PfscPlugin {
  readonly name = 'region-probe';
  regions: Region[] = [];
  apply(compiler: Compiler): void {
    compiler.hooks.hint.tapPromise(this.name, async (c) => {
      this.regions = c.regions.map((r) => ({ ...r }));
    });
  }
}

async function roundTrip(input: string, plugins: PfscPlugin[]) {
  const out = join(tmp.dir, `${input.split('/').pop()}-${Date.now()}.pbb`);
  const r = await build({ input, output: out, home, plugins, defaultPlugins: false });
  const back = `${out}.out`;
  await replay({ input: out, output: back, home });
  expect(readFileSync(back).equals(readFileSync(input))).toBe(true);
  return r;
}

const ELF = ['/usr/bin/perl', process.execPath].find((p) => existsSync(p) && readFileSync(p).subarray(0, 4).toString('latin1') === '\x7fELF');

describe('the llvm-hints plugin in build()', () => {
  if (ELF === undefined) console.log('skipped: no real ELF file (/usr/bin/perl, node) found');
  it.skipIf(ELF === undefined)(`a real ELF file (${ELF}) round-trips byte for byte, with its sections as regions`, async () => {
    const probe = new RegionProbe();
    const r = await roundTrip(ELF!, [new LlvmHints(), probe]);
    expect(r.warnings.filter((w) => w.startsWith('llvm-hints'))).toEqual([]);
    const size = readFileSync(ELF!).length;
    expectWellFormed(probe.regions, size);
    const expected = await hintsFor({ size, read: async (p, l) => readFileSync(ELF!).subarray(p, p + l) });
    expect(probe.regions).toEqual(expected.regions);
    expect(probe.regions.some((x) => x.kind === 'code' && (x as { arch?: string }).arch === 'x86-64')).toBe(true);
    console.log(`${ELF}: ${size} bytes, ${probe.regions.length} regions, hint stage ${r.timings.hint.toFixed(1)} ms`);
  });

  it('a ZIP: the whole-file compressed region of the built-in sniff gives way to the entries', async () => {
    const z = fx.zipMixed(true);
    const input = join(tmp.dir, 'mixed.zip');
    writeFileSync(input, z.bytes);
    const probe = new RegionProbe();
    await roundTrip(input, [new LlvmHints(), probe]);
    expect(probe.regions.some((x) => x.start === 0 && x.length === z.bytes.length)).toBe(false);
    expect(probe.regions.map((x) => x.kind)).toContain('text');
    expectWellFormed(probe.regions, z.bytes.length);

    const keep = new RegionProbe();
    await roundTrip(input, [new LlvmHints({ refineWholeFile: false }), keep]);
    expect(keep.regions[0]).toEqual({ start: 0, length: z.bytes.length, kind: 'compressed' });

    // A partial analysis (here: cut by maxEntries) keeps the coarse region beside its own.
    const partial = new RegionProbe();
    const r = await roundTrip(input, [new LlvmHints({ maxEntries: 2 }), partial]);
    expect(partial.regions[0]).toEqual({ start: 0, length: z.bytes.length, kind: 'compressed' });
    expect(partial.regions.length).toBeGreaterThan(1);
    expect(r.warnings.some((w) => /^llvm-hints: zip: entries cut at 2/.test(w))).toBe(true);
  });

  it('hostile headers: the build succeeds, with a warning naming the plugin', async () => {
    const b = new Uint8Array(fx.elf64le().bytes);
    new DataView(b.buffer).setUint16(60, 65535, true); // e_shnum
    const input = join(tmp.dir, 'hostile.elf');
    writeFileSync(input, b);
    const r = await roundTrip(input, [new LlvmHints()]);
    expect(r.warnings.some((w) => /^llvm-hints: elf: section table claims 65535/.test(w))).toBe(true);
    const quiet = await roundTrip(input, [new LlvmHints({ warn: false })]);
    expect(quiet.warnings.some((w) => w.startsWith('llvm-hints'))).toBe(false);
  });

  it('an input that cannot be read during the hint stage: a warning, no regions, no exception', async () => {
    const compiler = new Compiler([new LlvmHints()]);
    const input = {
      path: 'broken',
      size: 1000,
      read: async () => {
        throw new Error('device gone');
      },
    };
    const c = new Compilation(
      { input: 'broken', output: 'broken.pbb', force: false, refs: [], profile: 'orchard', blockSize: 1 << 20 },
      input as unknown as Compilation['input'],
      undefined as unknown as Compilation['registry'],
    );
    await compiler.hooks.hint.promise(c);
    expect(c.regions).toEqual([]);
    expect(c.warnings.map((w) => w.message)).toEqual(['llvm-hints: no hints (device gone)']);
    expect(c.warnings[0]).toMatchObject({ stage: 'hint', plugin: 'llvm-hints' });
  });

  it('invalid options are refused when the plugin is made', () => {
    expect(() => new LlvmHints({ maxBytes: -1 })).toThrow(RangeError);
    expect(() => new LlvmHints({ maxSections: Number.NaN })).toThrow(RangeError);
    expect(new LlvmHints({ maxBytes: 1 << 20, text: false }).name).toBe('llvm-hints');
  });
});
