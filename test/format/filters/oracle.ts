/**
 * Independent implementations of the filters, for expected values: the system's xz (5.4
 * has all seven filters and a start offset) and lzma-native's liblzma (six filters, start 0).
 * A filter's bytes are read back by coding them with LZMA2 alone on the other side.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { FilterName } from '../../../src/format/filters/index.js';
import { mulberry32 } from '../../helpers/random.js';

/** xz's option for each filter. */
const XZ_OPTION: Partial<Record<FilterName, string>> = {
  x86: '--x86',
  arm: '--arm',
  armthumb: '--armthumb',
  powerpc: '--powerpc',
  sparc: '--sparc',
  ia64: '--ia64',
  arm64: '--arm64',
};

const LZMA2 = '--lzma2=preset=0';

function run(args: string[], input: Uint8Array): Buffer {
  const r = spawnSync('xz', args, { input, maxBuffer: 1 << 30 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`xz ${args.join(' ')}: exit ${r.status}: ${r.stderr.toString().trim()}`);
  return r.stdout;
}

let xzProbe: Map<FilterName, string | undefined> | undefined;

/**
 * Why xz cannot be the oracle for this filter (no xz, or an xz without the filter or
 * its start offset), or undefined when it can.
 */
export function xzMissing(name: FilterName): string | undefined {
  xzProbe ??= new Map();
  if (!xzProbe.has(name)) {
    let reason: string | undefined;
    try {
      const data = new Uint8Array(64);
      const out = xzFilter(name, 'encode', data, 4096);
      if (out.length !== data.length) reason = `xz ${XZ_OPTION[name]} gave ${out.length} bytes for ${data.length}`;
    } catch (e) {
      reason = `xz cannot run ${XZ_OPTION[name]}=start=N (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`;
    }
    xzProbe.set(name, reason);
  }
  return xzProbe.get(name);
}

/**
 * The bytes xz's filter makes of data with its start offset `start` (which xz requires to
 * be a multiple of the filter's alignment). 'encode' filters then codes with LZMA2 and
 * decodes with LZMA2 alone; 'decode' codes with LZMA2 alone and decodes through the filter.
 */
export function xzFilter(name: FilterName, direction: 'encode' | 'decode', data: Uint8Array, start: number): Uint8Array {
  const filter = `${XZ_OPTION[name]}=start=${start}`;
  if (direction === 'encode') {
    const coded = run(['--format=raw', filter, LZMA2, '-c'], data);
    return new Uint8Array(run(['--format=raw', LZMA2, '-d', '-c'], coded));
  }
  const coded = run(['--format=raw', LZMA2, '-c'], data);
  return new Uint8Array(run(['--format=raw', filter, LZMA2, '-d', '-c'], coded));
}

interface NativeStream {
  rawEncoder_(filters: unknown): number;
  rawDecoder_(filters: unknown): number;
  code(chunk: Uint8Array | null, async: boolean): void;
  bufferHandler: (buf: Buffer | null | undefined, pc: unknown, err: Error | null | undefined) => void;
}
interface LzmaNative {
  Stream: new () => NativeStream;
  FILTER_LZMA2: string;
  [filter: string]: unknown;
}
const lzma = createRequire(import.meta.url)('lzma-native') as LzmaNative;

/** lzma-native's filter constant for a filter, or undefined when it has none (ARM64). */
export function nativeFilterId(name: FilterName): string | undefined {
  const v = lzma[`FILTER_${name.toUpperCase()}`];
  return typeof v === 'string' ? v : undefined;
}

function nativeCode(raw: Uint8Array, encoder: boolean, filters: unknown): Buffer {
  const s = new lzma.Stream();
  if (encoder) s.rawEncoder_(filters);
  else s.rawDecoder_(filters);
  const parts: Buffer[] = [];
  let error: Error | undefined;
  s.bufferHandler = (buf, _pc, err) => {
    if (err) error = err;
    else if (buf) parts.push(buf);
  };
  s.code(raw, false);
  s.code(null, false);
  if (error) throw error;
  return Buffer.concat(parts);
}

/** What lzma-native's liblzma filter makes of data (start offset 0; lzma-native takes no filter options). */
export function nativeFilter(name: FilterName, direction: 'encode' | 'decode', data: Uint8Array): Uint8Array {
  const id = nativeFilterId(name);
  if (id === undefined) throw new Error(`lzma-native has no ${name} filter`);
  const lzma2 = { id: lzma.FILTER_LZMA2, options: { preset: 0 } };
  if (direction === 'encode') {
    const coded = nativeCode(data, true, [{ id }, lzma2]);
    return new Uint8Array(nativeCode(coded, false, [lzma2]));
  }
  const coded = nativeCode(data, true, [lzma2]);
  return new Uint8Array(nativeCode(coded, false, [{ id }, lzma2]));
}

/** A small deterministic PRNG (mulberry32): numbers in [0, 1). */
export const prng = mulberry32;

export function randomBytes(n: number, seed: number): Uint8Array {
  const r = prng(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 4) {
    const w = Math.floor(r() * 4294967296);
    for (let j = 0; j < 4 && i + j < n; j++) out[i + j] = w >>> (8 * j);
  }
  return out;
}

/**
 * Real machine code to test on: files of the dev corpus and addons under node_modules
 * (x86-64 ELF and PE, i386 PE, arm64 Mach-O), plus any files or folders named in
 * PFSC_FILTER_SAMPLES (colon-separated), such as the binaries bench/filters.js fetches.
 */
export function realBinaries(root: string): { name: string; path: string }[] {
  const candidates = [
    'corpus-dev/cold/perl',
    'corpus-dev/cold/rollup.linux-x64-gnu.node',
    'node_modules/lzma-native/prebuilds/linux-x64/node.napi.node',
    'node_modules/lzma-native/prebuilds/win32-ia32/node.napi.node',
    'node_modules/lzma-native/prebuilds/win32-x64/node.napi.node',
    'node_modules/lzma-native/prebuilds/darwin-arm64/node.napi.node',
  ].map((p) => join(root, p));
  for (const entry of (process.env.PFSC_FILTER_SAMPLES ?? '').split(':').filter((s) => s !== '')) {
    if (!existsSync(entry)) continue;
    if (statSync(entry).isDirectory()) {
      for (const f of readdirSync(entry, { recursive: true, encoding: 'utf8' })) {
        const p = join(entry, f);
        if (statSync(p).isFile()) candidates.push(p);
      }
    } else candidates.push(entry);
  }
  return candidates
    .filter((p) => existsSync(p) && statSync(p).isFile() && statSync(p).size > 0)
    .map((p) => ({ name: p.startsWith(root) ? p.slice(root.length + 1) : p, path: p }));
}
