/**
 * The loader: which engine runs, PFSC_NO_NATIVE and PFSC_NATIVE_SIMD, the one-time notice
 * when the addon is missing; and the native k-gram build on two threads.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsKernels } from '../../src/engine/index.js';
import { mulberry32 } from '../helpers/random.js';
import { ROOT } from '../cli/harness.js';
import { addon, nativeLevels, nativeMissing } from './support.js';

const ENGINE = join(ROOT, 'dist', 'src', 'engine', 'index.js');

/** engineInfo() in a fresh process with the given environment, and what it wrote on stderr. */
function infoWith(
  env: Record<string, string | undefined>,
  script = 'console.log(JSON.stringify(m.engineInfo()))',
  engineJs = ENGINE,
): { info: Record<string, unknown>; stderr: string } {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  delete childEnv.PFSC_NO_NATIVE;
  delete childEnv.PFSC_NATIVE_SIMD;
  Object.assign(childEnv, env);
  const code = `const m = await import(${JSON.stringify(engineJs)}); ${script}`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { env: childEnv, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`);
  return { info: JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>, stderr: r.stderr };
}

describe('engine loader', () => {
  it('PFSC_NO_NATIVE=1 selects the JavaScript engine, silently', () => {
    const { info, stderr } = infoWith({ PFSC_NO_NATIVE: '1' });
    expect(info).toMatchObject({ engine: 'js', simd: 'none', reason: 'PFSC_NO_NATIVE is set' });
    expect(stderr).toBe('');
  });

  it.skipIf(nativeMissing !== undefined)('selects the native engine at the widest SIMD level, or the one PFSC_NATIVE_SIMD caps it to', () => {
    const levels = nativeLevels();
    const { info } = infoWith({});
    expect(info).toMatchObject({ engine: 'native', simd: levels[levels.length - 1], addonVersion: expect.any(String) });
    for (const level of levels) expect(infoWith({ PFSC_NATIVE_SIMD: level }).info).toMatchObject({ engine: 'native', simd: level });
    // A cap above the CPU's level is the CPU's level.
    expect(infoWith({ PFSC_NATIVE_SIMD: 'avx512' }).info.simd).toBe(addon!.cpuSimd());
  });

  it('says once on stderr why the native engine is off, at first use', () => {
    // A package without the built addon: the engine copied into a folder of its own.
    const dir = mkdtempSync(join(tmpdir(), 'pfsc-loader-'));
    try {
      cpSync(join(ROOT, 'dist', 'src', 'engine'), join(dir, 'dist', 'src', 'engine'), { recursive: true });
      cpSync(join(ROOT, 'dist', 'src', 'index', 'hash.js'), join(dir, 'dist', 'src', 'index', 'hash.js'));
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'pfsc', type: 'module' }));
      const engineJs = join(dir, 'dist', 'src', 'engine', 'index.js');
      const twice = 'm.engine(); m.engine(); console.log(JSON.stringify(m.engineInfo()))';
      let r = infoWith({}, twice, engineJs);
      expect(r.info).toMatchObject({ engine: 'js', reason: 'the addon is not built (run npm install)' });
      expect(r.stderr).toBe('pfsc: using the JavaScript engine: the addon is not built (run npm install)\n');
      // The reason the install script recorded for a failed build.
      mkdirSync(join(dir, 'native', 'build'), { recursive: true });
      writeFileSync(join(dir, 'native', 'build', 'status.json'), JSON.stringify({ ok: false, reason: 'no C++ compiler' }));
      r = infoWith({}, twice, engineJs);
      expect(r.stderr).toBe('pfsc: using the JavaScript engine: the addon did not build: no C++ compiler\n');
      // A file that is not an addon.
      mkdirSync(join(dir, 'native', 'build', 'Release'));
      writeFileSync(join(dir, 'native', 'build', 'Release', 'pfsc_native.node'), 'not an addon');
      r = infoWith({}, twice, engineJs);
      expect(r.info.reason).toMatch(/^the addon did not load: /);
      expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
      // Asked for: no notice.
      expect(infoWith({ PFSC_NO_NATIVE: '1' }, twice, engineJs).stderr).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(nativeMissing !== undefined)('native k-gram tables on two threads', () => {
  it('are the tables one thread builds, bit for bit', async () => {
    const rand = mulberry32(41);
    const seq = new Uint8Array(300_000);
    for (let i = 0; i < seq.length; i++) seq[i] = i % 1000 < 600 ? Math.floor(rand() * 256) : (i * 13) & 7;
    for (const [k, step, bits] of [[8, 1, 18], [16, 8, 15], [8, 2, 20], [16, 1, 10]] as const) {
      const want = jsKernels.buildKgramTable(seq, k, step, bits);
      const one = addon!.buildKgramTable(seq, k, step, bits, 32 - bits, 1);
      const two = addon!.buildKgramTable(seq, k, step, bits, 32 - bits, 2);
      const twoAsync = await addon!.buildKgramTableAsync(seq, k, step, bits, 32 - bits, 2);
      for (const got of [one, two, twoAsync]) {
        expect(Buffer.compare(new Uint8Array(got.start.buffer), new Uint8Array(want.start.buffer))).toBe(0);
        expect(Buffer.compare(new Uint8Array(got.entries.buffer), new Uint8Array(want.entries.buffer))).toBe(0);
        expect(Buffer.compare(got.check, want.check)).toBe(0);
      }
    }
  });

  it('keep the event loop free while an async build runs', async () => {
    const seq = new Uint8Array(8 << 20).map((_, i) => (i * 2654435761) >>> 24);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const t = await addon!.buildKgramTableAsync(seq, 8, 1, 22, 10, 1);
    clearInterval(timer);
    expect(t.entries.length).toBe(seq.length - 7);
    expect(ticks).toBeGreaterThan(0);
  });
});
