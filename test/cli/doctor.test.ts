/** pfsc doctor through the real command: the engine in use, versions, cache state, --json. */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, hasNoStack, makeTemp, runCli } from './harness.js';
import { nativeMissing } from '../engine/support.js';

interface Report {
  pfsc: string;
  node: string;
  engine: { engine: string; simd: string; cpuSimd?: string; addonVersion?: string; reason?: string };
  zstd: boolean;
  cache: { home: string; exists: boolean; writable: boolean; blobCached: boolean; profile: string };
}

describe('pfsc doctor', () => {
  const tmp = makeTemp('doctor');
  beforeAll(() => assertBuilt());
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  const doctor = (args: string[], home: string, env: Record<string, string | undefined> = {}): Report => {
    const r = runCli(['doctor', '--json', ...args], { home, env: { PFSC_NO_NATIVE: undefined, PFSC_NATIVE_SIMD: undefined, ...env } });
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as Report;
  };

  it('reports the JavaScript engine and why when PFSC_NO_NATIVE=1', () => {
    const r = doctor([], join(tmp, 'a'), { PFSC_NO_NATIVE: '1' });
    expect(r.engine).toEqual({ engine: 'js', simd: 'none', reason: 'PFSC_NO_NATIVE is set', sha256: 'js', lzma2: 'lzma-native' });
    expect(r.node).toBe(process.version);
    expect(r.pfsc).toMatch(/^\d+\.\d+\.\d+/);
    expect(typeof r.zstd).toBe('boolean');
  });

  it.skipIf(nativeMissing !== undefined)('reports the native engine, its SIMD level and the addon version', () => {
    const r = doctor([], join(tmp, 'a'));
    expect(r.engine.engine).toBe('native');
    expect(['scalar', 'avx2', 'avx512']).toContain(r.engine.simd);
    expect(r.engine.addonVersion).toBe(r.pfsc);
    expect(['native', 'js']).toContain(r.engine.sha256);
    expect(r.engine.lzma2).toMatch(/^(liblzma \d+\.\d+\.\d+|lzma-native)$/);
    expect(doctor([], join(tmp, 'a'), { PFSC_NATIVE_SIMD: 'scalar' }).engine).toMatchObject({ engine: 'native', simd: 'scalar', cpuSimd: r.engine.simd });
  });

  it('reports a missing cache folder without creating it, then an existing one', () => {
    const home = join(tmp, 'fresh', 'home');
    let r = doctor([], home);
    expect(r.cache).toEqual({ home, exists: false, writable: true, blobCached: false, profile: 'orchard' });
    expect(existsSync(home)).toBe(false); // not even for the command's code cache
    mkdirSync(home, { recursive: true });
    r = doctor([], home);
    expect(r.cache).toMatchObject({ home, exists: true, writable: true, blobCached: false });
  });

  it('prints a readable report, and refuses a wrong option without a stack', () => {
    const r = runCli(['doctor'], { home: join(tmp, 'b'), env: { PFSC_NO_NATIVE: '1' } });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^engine +JavaScript \(PFSC_NO_NATIVE is set\)$/m);
    expect(r.stdout).toMatch(/^node +v\d+/m);
    expect(r.stdout).toMatch(/^file digests +SHA-256 on the JavaScript thread$/m);
    expect(r.stdout).toMatch(/^cache +.*\(not created yet; the first build creates it\)$/m);
    const bad = runCli(['doctor', '--nope'], { home: join(tmp, 'b') });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^PFSC_USAGE: /);
    expect(hasNoStack(bad.stderr)).toBe(true);
  });
});
