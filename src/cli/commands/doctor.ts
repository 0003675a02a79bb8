/**
 * pfsc doctor: what this installation runs on. The engine (native or JavaScript, and why),
 * its SIMD level, the Node and addon versions, where files read whole are hashed, whether
 * zstd-napi loads, and the cache
 * folder: where it is, whether it exists and is writable, and whether the blob is in it.
 */
import { Command } from 'commander';
import { out, type CliContext } from '../context.js';
import type { DoctorReport } from '../doctor-report.js';
import { keyValues, toJson } from '../format.js';
import { addJsonOption, addProfileOption, type CommonOptions } from '../options.js';

const EXAMPLES = `
Examples:
  $ pfsc doctor                          the engine, versions and cache in use
  $ pfsc doctor --json                   the same as JSON
  $ PFSC_NO_NATIVE=1 pfsc doctor         what the JavaScript engine reports
  $ PFSC_HOME=/srv/pfsc pfsc doctor      check another cache folder
`;

export function renderDoctor(r: DoctorReport): string {
  const e = r.engine;
  const engine =
    e.engine === 'native' ? `native, SIMD ${e.simd}${e.cpuSimd !== undefined && e.cpuSimd !== e.simd ? ` (the CPU has ${e.cpuSimd}; capped by PFSC_NATIVE_SIMD)` : ''}` : `JavaScript (${e.reason ?? 'native engine unavailable'})`;
  const cache = r.cache.exists
    ? `${r.cache.home} (exists, ${r.cache.writable ? 'writable' : 'NOT writable: builds cannot store the blob'})`
    : `${r.cache.home} (not created yet; ${r.cache.writable ? 'the first build creates it' : 'NOT creatable: its parent is not writable'})`;
  return keyValues([
    ['pfsc', r.pfsc],
    ['node', `${r.node} (${r.platform} ${r.arch})`],
    ['engine', engine],
    ['addon', e.addonVersion ?? 'not loaded'],
    ['file digests', e.sha256 === 'native' ? "SHA-256 on the addon's thread, as files are read (the host Node's OpenSSL)" : 'SHA-256 on the JavaScript thread'],
    ['lzma2 decoder', e.lzma2 === 'lzma-native' ? 'lzma-native (its bundled liblzma)' : `the system's ${e.lzma2}, through the addon`],
    ['zstd-napi', r.zstd ? 'available' : 'not available (spills are coded with LZMA2 only)'],
    ['cache', cache],
    [`blob (${r.cache.profile})`, r.cache.blobCached ? 'cached' : 'not cached (the next build makes it; or run `pfsc blob build`)'],
  ]);
}

export function doctorCommand(ctx: CliContext): Command {
  const cmd = new Command('doctor').description('show the engine (native or JavaScript), SIMD level, versions and cache folder in use');
  addProfileOption(cmd);
  cmd.option('-v, --verbose', 'print stacks on internal errors');
  addJsonOption(cmd, 'the report');
  cmd.addHelpText('after', EXAMPLES);
  cmd.action(async (opts: CommonOptions) => {
    // Loaded here, not at start-up: it loads the engine and the cache code.
    const { doctorReport } = await import('../doctor-report.js');
    const report = await doctorReport(opts.profile);
    out(ctx, opts.json ? toJson(report) : renderDoctor(report));
  });
  return cmd;
}
