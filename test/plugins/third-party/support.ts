/**
 * The third-party plugin fixture (test/fixtures/third-party-plugin), loaded as its author
 * ships it: plain ES modules whose only import is the `pfsc` package. A package installed
 * beside pfsc finds it in node_modules; here the fixture's node_modules/pfsc is a symlink to
 * this checkout (what `npm link pfsc` makes), created on first use and ignored by git.
 */
import { lstatSync, mkdirSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as Fixture from '../../fixtures/third-party-plugin/index.js';

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
export const FIXTURE = join(ROOT, 'test', 'fixtures', 'third-party-plugin');

/** Makes FIXTURE/node_modules/pfsc point at this checkout (safe when tests race to do it). */
export function linkPfsc(): void {
  const dir = join(FIXTURE, 'node_modules');
  const link = join(dir, 'pfsc');
  mkdirSync(dir, { recursive: true });
  const target = relative(dir, ROOT);
  const good = (): boolean => {
    try {
      return lstatSync(link).isSymbolicLink() && realpathSync(link) === realpathSync(ROOT);
    } catch {
      return false;
    }
  };
  if (good()) return;
  rmSync(link, { recursive: true, force: true }); // a stale link or a folder
  try {
    symlinkSync(target, link, 'dir');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !good()) throw e;
  }
}

export type SawtoothModule = typeof Fixture;

/** The fixture's entry point, imported by path (its `pfsc` import resolves through the link). */
export async function loadFixture(): Promise<SawtoothModule> {
  linkPfsc();
  return (await import(/* @vite-ignore */ pathToFileURL(join(FIXTURE, 'index.js')).href)) as SawtoothModule;
}

/** Reference computations, written apart from the fixture's. */
export function refAddRotl(b: number, k: number, r: number): number {
  const x = (b + k) % 256;
  const bits = x.toString(2).padStart(8, '0');
  const s = r % 8;
  return Number.parseInt(bits.slice(s) + bits.slice(0, s), 2);
}

export function refSawtooth(size: number, period: number, step: number, shift: number): Buffer {
  const out = Buffer.alloc(size);
  for (let j = 0; j < size; j++) out[j] = (shift * Math.floor(j / period) + step * (j % period)) % 256;
  return out;
}

/** bytes mapped through the reference add-then-rotate. */
export function refTransform(bytes: Uint8Array, k: number, r: number): Buffer {
  return Buffer.from(Array.from(bytes, (b) => refAddRotl(b, k, r)));
}
