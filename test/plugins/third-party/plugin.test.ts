/**
 * A third-party plugin package (test/fixtures/third-party-plugin: plain ES modules, its own
 * package.json, importing only 'pfsc') adds the `sawtooth` bank kind and the add-then-rotate
 * transform through the public API alone; builds use the transform where it pays and
 * round-trip; a receiver without the plugin refuses with a stable code and writes nothing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as pfsc from 'pfsc';
import type { Manifest } from 'pfsc';
import { prng, randomBytes, tempDir } from '../../helpers/tmp.js';
import { runCli } from '../../cli/harness.js';
import { FIXTURE, loadFixture, refAddRotl, refSawtooth, refTransform, type SawtoothModule } from './support.js';

const tmp = tempDir('third-party');
const home = join(tmp.dir, 'home');
afterAll(() => tmp.cleanup());

let saw: SawtoothModule;
beforeAll(async () => {
  saw = await loadFixture();
});

const SAW = { name: 'saw', size: 64 * 1024, params: { period: 509, step: 3, shift: 17 } };
const sawManifest = (bank = SAW): Manifest => saw.withSawtoothBanks(pfsc.profileManifest('orchard'), [bank]);

async function failure(p: Promise<unknown>): Promise<pfsc.PfscError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e, 'expected a failure').toBeInstanceOf(pfsc.PfscError);
  return e as pfsc.PfscError;
}

function noTemps(): void {
  expect(readdirSync(tmp.dir).filter((f) => f.includes('tmp'))).toEqual([]);
}

describe('the fixture is a package of its own', () => {
  it('has a name, type module and an entry point, and imports only pfsc', () => {
    const pkg = JSON.parse(readFileSync(join(FIXTURE, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg.name).toBe('pfsc-plugin-sawtooth');
    expect(pkg.type).toBe('module');
    expect((pkg.exports as Record<string, { default: string }>)['.'].default).toBe('./index.js');
    expect(pkg.peerDependencies).toHaveProperty('pfsc');
    const src = readFileSync(join(FIXTURE, 'index.js'), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
    const specs = [...src.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2]);
    expect(specs).toEqual(['pfsc']);
  });
});

describe('parity with reference computations', () => {
  it('the transform equals rotl8((b + k) mod 256, r) for every byte, k and r, and the inverse undoes it', () => {
    const t = saw.addRotlTransform;
    expect(t.name).toBe('sawtooth/add-rotl.1');
    expect(t.immCount).toBe(2);
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    for (let r = 0; r < 8; r++) {
      for (let k = 0; k < 256; k++) {
        const buf = new Uint8Array(260);
        buf.set(all, 2);
        t.apply(buf, 2, 258, Uint8Array.of(k, r));
        expect(buf[0]).toBe(0); // bytes outside [start, end) are left alone
        expect(buf[259]).toBe(0);
        const want = refTransform(all, k, r);
        expect(Buffer.from(buf.subarray(2, 258)).equals(want), `k ${k} r ${r}`).toBe(true);
        for (let b = 0; b < 256; b += 37) {
          expect(saw.addRotl(b, k, r)).toBe(refAddRotl(b, k, r));
          expect(saw.invertAddRotl(saw.addRotl(b, k, r), k, r)).toBe(b);
        }
      }
    }
  });

  it('r is taken mod 8: any immediate bytes give a defined result', () => {
    const buf = Uint8Array.of(1, 2, 200);
    saw.addRotlTransform.apply(buf, 0, 3, Uint8Array.of(5, 8 + 3));
    expect([...buf]).toEqual([1, 2, 200].map((b) => refAddRotl(b, 5, 3)));
  });

  it('the sawtooth bank equals its formula, deterministically, whatever the seed and name', () => {
    const g = saw.sawtoothGenerator;
    for (const [size, period, step, shift] of [[5000, 509, 3, 17], [1, 2, 1, 0], [70_000, 65536, 255, 255], [1000, 7, 128, 1]] as const) {
      const params = { period, step, shift };
      g.validate(params, size);
      const a = new Uint8Array(size);
      const b = new Uint8Array(size);
      g.generate(a, params, 'seed-a', { name: 'x' });
      g.generate(b, params, 'seed-b', { name: 'y' });
      expect(Buffer.from(a).equals(refSawtooth(size, period, step, shift))).toBe(true);
      expect(Buffer.from(b).equals(Buffer.from(a))).toBe(true);
    }
  });
});

describe('the planning tap', () => {
  it('rewrites only literals, keeping other segments, their immediates and differences, and the plan still replays', () => {
    const rand = prng(77);
    const src = randomBytes(rand, 4096);
    const blob = {
      size: src.length,
      banks: [{ name: 'ref0', kind: 'ref', contentKind: 'ref', offset: 0, size: src.length, isRef: true }],
      bankAt: (o: number) => (o >= 0 && o < src.length ? 0 : -1),
      bankBytes: () => src,
      read: (o: number, n: number, dst: Uint8Array, at: number) => dst.set(src.subarray(o, o + n), at),
    } as unknown as pfsc.Blob;
    const xorT: pfsc.TransformDefinition = {
      name: 'other/xor.1',
      immCount: 1,
      apply(buf, start, end, imm) {
        for (let i = start; i < end; i++) buf[i] ^= imm[0]!;
      },
    };
    const head = randomBytes(rand, 100);
    const tail = randomBytes(rand, 100);
    const literal = Buffer.concat([head, refTransform(src.subarray(1000, 1400), 33, 6), tail]);
    const diffs = randomBytes(rand, 50);
    const plan: pfsc.BlockPlan = {
      outLength: 100 + 50 + literal.length,
      count: 3,
      op: Uint8Array.of(pfsc.OP_TRANSFORM, pfsc.OP_COPY_DIFF, pfsc.OP_LITERAL),
      len: Uint32Array.of(100, 50, literal.length),
      off: Float64Array.of(0, 200, 0),
      imm: new Uint8Array(3),
      spill: literal,
      diffs,
      timm: Uint8Array.of(0x5a),
    };
    const transforms = [xorT, saw.addRotlTransform];
    const parts = [saw.indexPart(0, src)];
    const rewritten = saw.rewritePlan(plan, parts, pfsc.OP_TRANSFORM + 1, transforms.map((t) => t.immCount));
    expect([...rewritten.op]).toEqual([pfsc.OP_TRANSFORM, pfsc.OP_COPY_DIFF, pfsc.OP_LITERAL, pfsc.OP_TRANSFORM + 1, pfsc.OP_LITERAL]);
    expect([...rewritten.len]).toEqual([100, 50, 100, 400, 100]);
    expect(rewritten.off[3]).toBe(1000);
    expect([...rewritten.timm!]).toEqual([0x5a, 33, 6]);
    expect(rewritten.diffs).toBe(diffs);
    expect(Buffer.from(rewritten.spill).equals(Buffer.concat([head, tail]))).toBe(true);
    const got = Buffer.alloc(plan.outLength);
    pfsc.executeBlock(rewritten, blob, got, { transforms });
    const before = Buffer.alloc(plan.outLength);
    pfsc.executeBlock(plan, blob, before, { transforms });
    expect(got.equals(before)).toBe(true);
    expect(got.subarray(150).equals(literal)).toBe(true);
    // Nothing to find: the very same plan comes back.
    expect(saw.rewritePlan({ ...plan, spill: randomBytes(rand, literal.length) }, parts, pfsc.OP_TRANSFORM + 1, [1, 2]).count).toBe(3);
  });
});

describe('bank parameters', () => {
  // The sawtooth bank comes after the profile's banks: N in a message is its index.
  const sawIndex = pfsc.profileManifest().banks.length;
  const at = (re: RegExp): RegExp => new RegExp(re.source.replace('banks\\[N\\]', `banks\\[${sawIndex}\\]`));
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ period: 1, step: 3, shift: 0 }, at(/^banks\[N\]\.params\.period must be an integer from 2 to 65536 \(got 1\)$/)],
    [{ period: 509, step: 0, shift: 0 }, at(/^banks\[N\]\.params\.step must be an integer from 1 to 255 \(got 0\)$/)],
    [{ period: 509, step: 3, shift: 2.5 }, at(/^banks\[N\]\.params\.shift must be an integer\b.*\(got 2\.5\)$/)],
    [{ period: '509', step: 3, shift: 0 }, at(/^banks\[N\]\.params\.period must be an integer/)],
    [{ period: 509, step: 3 }, at(/^banks\[N\]\.params\.shift is missing \(kind sawtooth needs period, shift, step\)$/)],
    [{ period: 509, step: 3, shift: 0, width: 2 }, at(/^banks\[N\]\.params\.width is not a parameter of kind sawtooth; it takes period, shift, step$/)],
  ];

  it('bad parameters are refused with PFSC_MANIFEST_INVALID before anything is built or written', async () => {
    const input = join(tmp.dir, 'small.bin');
    writeFileSync(input, randomBytes(prng(3), 1000));
    for (const [params, message] of bad) {
      const manifest = sawManifest({ ...SAW, params: params as typeof SAW.params });
      const out = join(tmp.dir, 'bad.pbb');
      const e = await failure(pfsc.build({ input, output: out, home, manifest, plugins: [new saw.SawtoothPlugin()] }));
      expect(e.code).toBe('PFSC_MANIFEST_INVALID');
      expect(e.message).toMatch(message);
      expect(e.message).not.toContain('\n');
      expect(existsSync(out)).toBe(false);
      const info = await failure(pfsc.blobInfo({ home, manifest, plugins: [new saw.SawtoothPlugin()] }));
      expect(info.code).toBe('PFSC_MANIFEST_INVALID');
    }
    noTemps();
  });

  it('a manifest with sawtooth banks needs the plugin: PFSC_BANK_UNKNOWN without it', async () => {
    const e = await failure(pfsc.blobInfo({ home, manifest: sawManifest() }));
    expect(e.code).toBe('PFSC_BANK_UNKNOWN');
    expect(e.message).toContain('sawtooth');
  });

  it('the bank is part of the Blob_ID: its parameters and version change it', async () => {
    const plugins = [new saw.SawtoothPlugin()];
    const a = await pfsc.blobInfo({ home, manifest: sawManifest(), plugins });
    const b = await pfsc.blobInfo({ home, manifest: sawManifest({ ...SAW, params: { ...SAW.params, shift: 18 } }), plugins });
    const plain = await pfsc.blobInfo({ home });
    expect(a.manifest.profile).toBe('orchard+sawtooth');
    expect(a.banks.at(-1)).toMatchObject({ name: 'saw', kind: 'sawtooth', contentKind: 'palette', size: SAW.size, isRef: false });
    expect(new Set([a.blobIdHex, b.blobIdHex, plain.blobIdHex]).size).toBe(3);
    const m = sawManifest();
    m.banks.at(-1)!.version = 2;
    const e = await failure(pfsc.blobInfo({ home, manifest: m, plugins }));
    expect(e.code).toBe('PFSC_BANK_UNKNOWN');
  });
});

describe('round trips through the public API', () => {
  const rand = prng(2024);
  const ref = join(tmp.dir, 'old.bin');
  const refBytes = randomBytes(rand, 64 * 1024);
  writeFileSync(ref, refBytes);
  // New data: two stretches of the ref under add-then-rotate, between bytes found nowhere.
  const fromRef = Buffer.concat([
    randomBytes(rand, 3000),
    refTransform(refBytes.subarray(5000, 13_000), 77, 3),
    randomBytes(rand, 500),
    refTransform(refBytes.subarray(30_000, 42_000), 200, 5),
    randomBytes(rand, 700),
  ]);
  const refInput = join(tmp.dir, 'from-ref.bin');
  writeFileSync(refInput, fromRef);

  it('a build with the plugin copies through the transform, is far smaller, and replays byte for byte', async () => {
    const plugin = new saw.SawtoothPlugin();
    const without = await pfsc.build({ input: refInput, output: join(tmp.dir, 'from-ref.plain.pbb'), refs: [ref], home });
    expect(without.segments.copyTransform).toBe(0);
    const out = join(tmp.dir, 'from-ref.pbb');
    const r = await pfsc.build({ input: refInput, output: out, refs: [ref], home, plugins: [plugin] });
    expect(r.segments.copyTransform).toBe(2);
    expect(r.bytesFrom.refs).toBe(20_000);
    expect(r.bytesFrom.spill).toBe(4200);
    expect(r.pbbBytes).toBeLessThan(without.pbbBytes - 15_000);

    const report = await pfsc.inspect({ input: out, refs: [ref], home });
    expect(report.header.transforms).toEqual([{ name: 'sawtooth/add-rotl.1', immCount: 2 }]);
    expect(report.segments.copyTransform).toBe(2);

    const back = join(tmp.dir, 'from-ref.out');
    await pfsc.replay({ input: out, output: back, refs: [ref], home, plugins: [new saw.SawtoothPlugin()] });
    expect(readFileSync(back).equals(fromRef)).toBe(true);

    // The same input and plugin give the same blueprint, byte for byte.
    const again = join(tmp.dir, 'from-ref.again.pbb');
    await pfsc.build({ input: refInput, output: again, refs: [ref], home, plugins: [new saw.SawtoothPlugin()] });
    expect(readFileSync(again).equals(readFileSync(out))).toBe(true);
  });

  it('replay without the plugin fails with PFSC_UNSUPPORTED in one line and leaves no output', async () => {
    const out = join(tmp.dir, 'from-ref.pbb');
    const back = join(tmp.dir, 'from-ref.noplugin.out');
    const e = await failure(pfsc.replay({ input: out, output: back, refs: [ref], home }));
    expect(e.code).toBe('PFSC_UNSUPPORTED');
    expect(e.message).toBe('the blueprint uses transform sawtooth/add-rotl.1, which no loaded plugin provides');
    expect(existsSync(back)).toBe(false);
    const x = await failure(pfsc.exec({ input: out, program: 'fnv', refs: [ref], home }));
    expect(x.code).toBe('PFSC_UNSUPPORTED');
    noTemps();
  });

  it('the pfsc command shows the transform and, having no plugin, refuses to replay in one line', () => {
    const out = join(tmp.dir, 'from-ref.pbb');
    const i = runCli(['inspect', out, '--ref', ref, '--json'], { home });
    expect(i.status).toBe(0);
    const report = JSON.parse(i.stdout) as pfsc.InspectReport;
    expect(report.header.transforms).toEqual([{ name: 'sawtooth/add-rotl.1', immCount: 2 }]);
    expect(report.segments.copyTransform).toBe(2);
    const table = runCli(['inspect', out, '--ref', ref], { home });
    expect(table.stdout).toMatch(/copy\s+plugin \(sawtooth\/add-rotl\.1\)\s+2\b/);

    const back = join(tmp.dir, 'cli.out');
    const r = runCli(['replay', out, '-o', back, '--ref', ref], { home });
    expect(r.status).toBe(1);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe('PFSC_UNSUPPORTED: the blueprint uses transform sawtooth/add-rotl.1, which no loaded plugin provides');
    expect(lines[1]).toMatch(/^hint: Replay with the plugin that provides this transform/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(back)).toBe(false);
    noTemps();
  });

  it('exec runs a program over the blueprint with the plugin, the same as over the file', async () => {
    const out = join(tmp.dir, 'from-ref.pbb');
    const viaPlugin = await pfsc.exec({ input: out, program: 'counteq:0,crc32c', refs: [ref], home, plugins: [new saw.SawtoothPlugin()] });
    expect(viaPlugin.accumulators['counteq:0']).toBe(fromRef.filter((b) => b === 0).length);
  });

  it('data from the plugin\'s own bank under the transform: copies from the sawtooth bank, replayed with the same manifest', async () => {
    const manifest = sawManifest();
    const bank = refSawtooth(SAW.size, SAW.params.period, SAW.params.step, SAW.params.shift);
    const data = Buffer.concat([
      refTransform(bank.subarray(1000, 21_000), 9, 1),
      randomBytes(rand, 2000),
      refTransform(bank.subarray(40_000, 50_000), 250, 6),
      refTransform(bank.subarray(3333, 6000), 0, 7),
    ]);
    const input = join(tmp.dir, 'from-bank.bin');
    writeFileSync(input, data);
    const plain = await pfsc.build({ input, output: join(tmp.dir, 'from-bank.plain.pbb'), home, manifest, plugins: [{ ...new saw.SawtoothPlugin(), apply() {} }] });
    expect(plain.segments.copyTransform).toBe(0);
    const out = join(tmp.dir, 'from-bank.pbb');
    const r = await pfsc.build({ input, output: out, home, manifest, plugins: [new saw.SawtoothPlugin()] });
    expect(r.segments.copyTransform).toBeGreaterThanOrEqual(3);
    expect(r.segments.copyTransform).toBeLessThanOrEqual(8);
    expect(r.bytesFrom).toEqual({ banks: data.length - 2000, refs: 0, output: 0, spill: 2000 });
    // The stretches are periodic, which LZMA2 codes well as literals too; the copies still pay.
    expect(r.pbbBytes).toBeLessThan(plain.pbbBytes - 500);
    const info = await pfsc.blobInfo({ home, manifest, plugins: [new saw.SawtoothPlugin()] });
    expect(r.blobId).toBe(info.blobIdHex);

    const report = await pfsc.inspect({ input: out, home, manifest, plugins: [new saw.SawtoothPlugin()] });
    expect(report.perBank?.find((b) => b.name === 'saw')).toMatchObject({ kind: 'sawtooth', bytes: data.length - 2000 });

    const back = join(tmp.dir, 'from-bank.out');
    await pfsc.replay({ input: out, output: back, home, manifest, plugins: [new saw.SawtoothPlugin()] });
    expect(readFileSync(back).equals(data)).toBe(true);

    // Without the plugin: the transform is missing (checked first). Without the manifest: another blob.
    const none = join(tmp.dir, 'from-bank.none.out');
    expect((await failure(pfsc.replay({ input: out, output: none, home, manifest }))).code).toBe('PFSC_UNSUPPORTED');
    expect((await failure(pfsc.replay({ input: out, output: none, home, plugins: [new saw.SawtoothPlugin()] }))).code).toBe('PFSC_BLOB_MISMATCH');
    expect(existsSync(none)).toBe(false);
  });

  it('a plain Node program (no test runner) loads the package through node_modules and round-trips', () => {
    const out = join(tmp.dir, 'node.pbb');
    const back = join(tmp.dir, 'node.out');
    const r = spawnSync(process.execPath, [join(FIXTURE, 'example.js'), refInput, ref, out, back, home], { encoding: 'utf8', timeout: 120_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as { copyTransform: number; identical: boolean; withoutPlugin: string };
    expect(report).toEqual({ copyTransform: 2, identical: true, withoutPlugin: 'PFSC_UNSUPPORTED' });
  });
});
