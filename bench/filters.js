#!/usr/bin/env node
// Do the branch-call-jump filters (src/format/filters/, docs/FILTERS.md) pay on real code?
// For every ELF file of the dev corpus, and binaries of other architectures fetched with
// npm pack (and apt-get download where dpkg has the architecture), it finds the code
// sections with llvm-hints and prints, for each filter that suits the code: the raw LZMA2
// size of the code without and with the filter, and of the whole file unfiltered, filtered
// over all of it, and filtered over its code alone; a check against xz's own filter; and
// each filter's speed in MB/s on 4 MiB of code. docs/FILTERS.md, "Measured", has a run.
//
//   node bench/filters.js [--quick] [--preset 9e] [--all] [--no-fetch] [--bins DIR]
//                         [--jobs N] [--no-speed | --speed] [--json OUT] [FILE|DEB ...]
//
// Needs `npm run build` first: it imports dist/.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_CORPUS, REPO, ensureCorpus, fmtBytes, seconds, table } from './lib/common.js';

const HELP = `usage: node bench/filters.js [options] [FILE|DEB ...]

Measures whether each BCJ filter makes machine code smaller under raw LZMA2.

  --quick        fewer files (one esbuild of the dev corpus's warm pair, no Debian perl for
                 i386 and armel) and no xz check: about half the time
  --preset P     LZMA2 preset, 0-9 with an optional e (default 9e, what pfsc codes with)
  --all          try every filter on every file, not only the filter(s) of its code
  --no-fetch     only the dev corpus and the FILE arguments: no npm pack, no apt-get download
  --bins DIR     where fetched binaries are kept (default $PFSC_BENCH_BINS, else
                 <tmp>/pfsc-bench-filters); nothing is fetched twice
  --jobs N       LZMA2 encodes at once (default 2)
  --no-speed     skip the MB/s measurement
  --speed        only the MB/s measurement (a few seconds), no sizes
  --json OUT     also write every number to OUT (JSON)
  FILE           more executables (ELF, PE, Mach-O) to measure; a .deb is unpacked and its
                 ELF files of 64 KiB or more measured

Fetched: @esbuild/linux-{arm64,arm,ia32,ppc64}@0.23.1 and @rollup/rollup-linux-{arm64-gnu,
arm-gnueabihf}@4.28.1 with npm pack; perl-base for arm64, armhf, armel, i386 and ppc64el with
apt-get download when dpkg --print-foreign-architectures lists the architecture (add one with
dpkg --add-architecture ARCH && apt-get update).
`;

let args;
try {
  args = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      preset: { type: 'string' },
      all: { type: 'boolean', default: false },
      'no-fetch': { type: 'boolean', default: false },
      bins: { type: 'string' },
      jobs: { type: 'string', default: '2' },
      'no-speed': { type: 'boolean', default: false },
      speed: { type: 'boolean', default: false },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
} catch (e) {
  console.error(`bench: ${e.message}\n\n${HELP}`);
  process.exit(2);
}
const opts = args.values;
if (opts.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

const presetText = opts.preset ?? '9e';
const presetMatch = /^([0-9])(e?)$/.exec(presetText);
const jobs = Number(opts.jobs);
if (!presetMatch || !Number.isInteger(jobs) || jobs < 1) {
  console.error(`bench: --preset takes 0-9 with an optional e, --jobs a positive integer\n\n${HELP}`);
  process.exit(2);
}
const level = Number(presetMatch[1]);
const extreme = presetMatch[2] === 'e';

const DIST = path.join(REPO, 'dist');
const need = ['src/format/filters/index.js', 'src/format/lzma2.js', 'src/format/xz-encoder.js', 'plugins/llvm-hints/index.js'];
for (const p of need) {
  if (!existsSync(path.join(DIST, p))) {
    console.error(`bench: dist/${p} is missing; run \`npm run build\` first.`);
    process.exit(1);
  }
}
const load = (p) => import(pathToFileURL(path.join(DIST, p)).href);
const { FILTERS, filterByName } = await load('src/format/filters/index.js');
const { encodeLzma2, lzma2DictSize, LZMA_PRESET_EXTREME } = await load('src/format/lzma2.js');
const { xzLzma2Option } = await load('src/format/xz-encoder.js');
const { hintsForBytes } = await load('plugins/llvm-hints/index.js');
const preset = level | (extreme ? LZMA_PRESET_EXTREME : 0);

// ---------------------------------------------------------------------------------------------
// The files

const ELF = [0x7f, 0x45, 0x4c, 0x46];
/** XCOFF (AIX) magics: 64-bit 0x01F7, 32-bit 0x01DF; big-endian PowerPC code, which llvm-hints does not read. */
const xcoffBits = (b) => (b.length < 2 ? 0 : b[0] === 0x01 && b[1] === 0xf7 ? 64 : b[0] === 0x01 && b[1] === 0xdf ? 32 : 0);
const isElf = (b) => (b.length >= 4 && ELF.every((x, i) => b[i] === x)) || xcoffBits(b) !== 0;

function elfFilesUnder(dir, minBytes = 0) {
  const out = [];
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()) {
    if (name.split(path.sep).some((part) => part.startsWith('.'))) continue; // caches such as the corpus's .packs
    const p = path.join(dir, name);
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st?.isFile() || st.size < Math.max(minBytes, 64)) continue;
    const head = Buffer.alloc(4);
    const fd = openSync(p, 'r');
    readSync(fd, head, 0, 4, 0);
    closeSync(fd);
    if (isElf(head)) out.push(p);
  }
  return out;
}

const NPM_BINARIES = [
  ['@esbuild/linux-arm64@0.23.1', 'package/bin/esbuild'],
  ['@esbuild/linux-arm@0.23.1', 'package/bin/esbuild'],
  ['@esbuild/linux-ia32@0.23.1', 'package/bin/esbuild'],
  ['@esbuild/linux-ppc64@0.23.1', 'package/bin/esbuild'],
  ['@esbuild/aix-ppc64@0.23.1', 'package/bin/esbuild'],
  ['@rollup/rollup-linux-arm64-gnu@4.28.1', 'package/rollup.linux-arm64-gnu.node'],
  ['@rollup/rollup-linux-arm-gnueabihf@4.28.1', 'package/rollup.linux-arm-gnueabihf.node'],
];
const DEB_ARCHES = opts.quick ? ['arm64', 'armhf', 'ppc64el'] : ['arm64', 'armhf', 'armel', 'i386', 'ppc64el'];

function fetchNpm(bins) {
  const got = [];
  for (const [spec, file] of NPM_BINARIES) {
    const dir = path.join(bins, spec.replace(/^@/, '').replace(/[/@]/g, '-'));
    const target = path.join(dir, file);
    if (!existsSync(target)) {
      mkdirSync(dir, { recursive: true });
      const r = spawnSync('npm', ['pack', '--silent', '--pack-destination', dir, spec], { encoding: 'utf8' });
      const tgz = r.status === 0 ? r.stdout.trim().split('\n').pop() : undefined;
      if (tgz === undefined || spawnSync('tar', ['-xzf', path.join(dir, tgz), '-C', dir]).status !== 0 || !existsSync(target)) {
        console.log(`fetch: ${spec}: skipped (npm pack failed: ${(r.stderr || r.error?.message || '').trim().split('\n')[0]})`);
        continue;
      }
    }
    got.push({ name: `${spec}/${path.basename(file)}`, path: target });
  }
  return got;
}

function unpackDeb(deb, dest) {
  if (!existsSync(dest)) {
    mkdirSync(dest, { recursive: true });
    const r = spawnSync('dpkg-deb', ['-x', deb, dest]);
    if (r.status !== 0) return [];
  }
  return elfFilesUnder(dest, 64 * 1024);
}

function fetchDebs(bins) {
  const got = [];
  const r = spawnSync('dpkg', ['--print-foreign-architectures'], { encoding: 'utf8' });
  const foreign = new Set(r.status === 0 ? r.stdout.split(/\s+/).filter(Boolean) : []);
  const missing = DEB_ARCHES.filter((a) => !foreign.has(a));
  if (missing.length > 0) {
    console.log(`fetch: perl-base for ${missing.join(', ')}: skipped (dpkg lacks the architecture; ` +
      `add it with dpkg --add-architecture ARCH && apt-get update)`);
  }
  const dir = path.join(bins, 'deb');
  mkdirSync(dir, { recursive: true });
  for (const arch of DEB_ARCHES.filter((a) => foreign.has(a))) {
    let deb = readdirSync(dir).find((f) => f.startsWith('perl-base_') && f.endsWith(`_${arch}.deb`));
    if (deb === undefined) {
      const d = spawnSync('apt-get', ['download', '-q', `perl-base:${arch}`], { cwd: dir, encoding: 'utf8' });
      deb = readdirSync(dir).find((f) => f.startsWith('perl-base_') && f.endsWith(`_${arch}.deb`));
      if (deb === undefined) {
        console.log(`fetch: perl-base:${arch}: skipped (apt-get download failed: ${(d.stderr || d.error?.message || '').trim().split('\n').pop()})`);
        continue;
      }
    }
    const perl = unpackDeb(path.join(dir, deb), path.join(dir, deb.replace(/\.deb$/, ''))).find((p) => p.endsWith('/usr/bin/perl'));
    if (perl !== undefined) got.push({ name: `${deb.replace(/^perl-base_/, 'perl-base ').replace(/\.deb$/, '')}/perl`, path: perl });
  }
  return got;
}

const files = [];
const corpus = ensureCorpus(DEFAULT_CORPUS);
for (const p of elfFilesUnder(corpus)) {
  const rel = path.relative(corpus, p);
  if (opts.quick && rel.startsWith('warm/') && rel.includes('/old/')) continue;
  files.push({ name: rel, path: p });
}
if (!opts['no-fetch']) {
  const bins = path.resolve(opts.bins ?? process.env.PFSC_BENCH_BINS ?? path.join(os.tmpdir(), 'pfsc-bench-filters'));
  mkdirSync(bins, { recursive: true });
  console.log(`fetch: binaries of other architectures in ${bins}`);
  files.push(...fetchNpm(bins), ...fetchDebs(bins));
}
for (const arg of args.positionals) {
  const p = path.resolve(arg);
  if (!existsSync(p)) {
    console.error(`bench: ${arg}: no such file`);
    process.exit(2);
  }
  if (p.endsWith('.deb')) {
    const dest = path.join(os.tmpdir(), `pfsc-bench-filters-${path.basename(p, '.deb')}`);
    for (const f of unpackDeb(p, dest)) files.push({ name: `${path.basename(p)}:${path.relative(dest, f)}`, path: f });
  } else files.push({ name: arg, path: p });
}

// ---------------------------------------------------------------------------------------------
// Code sections and filters

/** The sections of an XCOFF file flagged STYP_TEXT (0x20), as code regions. */
function xcoffCode(bytes) {
  const bits = xcoffBits(bytes);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const count = v.getUint16(2);
  const optional = v.getUint16(16);
  const size = bits === 64 ? 72 : 40;
  const regions = [];
  for (let i = 0, at = (bits === 64 ? 24 : 20) + optional; i < count && at + size <= bytes.length; i++, at += size) {
    const flags = v.getUint32(bits === 64 ? at + 64 : at + 36);
    const length = bits === 64 ? Number(v.getBigUint64(at + 24)) : v.getUint32(at + 16);
    const start = bits === 64 ? Number(v.getBigUint64(at + 32)) : v.getUint32(at + 20);
    if ((flags & 0xffff) === 0x20 && length > 0 && start + length <= bytes.length) {
      regions.push({ start, length, kind: 'code', arch: 'powerpc', endian: 'big' });
    }
  }
  return regions;
}

/** The code regions of a file (llvm-hints; XCOFF read here) and the arch and byte order of the largest. */
async function codeOf(bytes) {
  if (xcoffBits(bytes) !== 0) {
    const regions = xcoffCode(bytes);
    return { format: 'xcoff', regions, arch: 'powerpc', endian: 'big' };
  }
  const h = await hintsForBytes(bytes);
  const regions = h.regions.filter((r) => r.kind === 'code' && r.length > 0);
  const largest = regions.reduce((a, r) => (a === undefined || r.length > a.length ? r : a), undefined);
  return { format: h.format, regions, arch: largest?.arch, endian: largest?.endian };
}

/** The filters to try on code of `arch`: its own, for 32-bit ARM both ARM and Thumb, for x86-64 both x86 filters. */
function filtersFor(arch) {
  if (opts.all) return FILTERS;
  if (arch === 'arm' || arch === 'armthumb') return [filterByName('arm'), filterByName('armthumb')];
  if (arch === 'x86-64') return [filterByName('x86'), filterByName('x86-64')];
  const f = arch === undefined ? undefined : filterByName(arch);
  return f === undefined ? [] : [f];
}

/** A copy of bytes with `f` applied over each region, each at its own file position. */
function filterRegions(f, bytes, regions) {
  const out = new Uint8Array(bytes);
  let n = 0;
  for (const r of regions) n += f.encode(out.subarray(r.start, r.start + r.length), r.start);
  return { bytes: out, converted: n };
}

/** The code regions' bytes, concatenated, and the same regions renumbered inside them. */
function concatRegions(bytes, regions) {
  const total = regions.reduce((a, r) => a + r.length, 0);
  const out = new Uint8Array(total);
  let p = 0;
  for (const r of regions) {
    out.set(bytes.subarray(r.start, r.start + r.length), p);
    p += r.length;
  }
  return out;
}

/** Runs xz's own filter over bytes: the coded size and the filtered bytes (decoded by LZMA2 alone). */
function xzFiltered(f, bytes) {
  const option = xzLzma2Option(level, extreme, lzma2DictSize(bytes.length));
  return new Promise((resolve) => {
    const child = spawn('xz', ['--format=raw', `--${f.name}`, `--lzma2=${option}`, '-c'], { stdio: ['pipe', 'pipe', 'ignore'] });
    const out = [];
    child.stdout.on('data', (d) => out.push(d));
    child.on('error', () => resolve(undefined));
    child.stdin.on('error', () => resolve(undefined));
    child.on('close', (code) => {
      if (code !== 0) return resolve(undefined);
      const coded = Buffer.concat(out);
      const d = spawnSync('xz', ['--format=raw', `--lzma2=${option}`, '-d', '-c'], { input: coded, maxBuffer: 1 << 30 });
      resolve({ size: coded.length, bytes: d.status === 0 ? d.stdout : undefined });
    });
    child.stdin.end(bytes);
  });
}

/** At most `jobs` of the thunks at once; resolves their results in order. */
async function pool(thunks) {
  const results = new Array(thunks.length);
  let next = 0;
  const worker = async () => {
    while (next < thunks.length) {
      const i = next++;
      results[i] = await thunks[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, thunks.length) }, worker));
  return results;
}

const pct = (a, b) => (a === undefined || !b ? '-' : `${((a / b - 1) * 100).toFixed(2)}%`);
const ratio = (a, b) => (a === undefined || !b ? '-' : (a / b).toFixed(4));
const lz = async (bytes) => (bytes.length === 0 ? 0 : (await encodeLzma2(bytes, preset)).length);

// ---------------------------------------------------------------------------------------------
// Speed

const MB = 1e6;
function bestSeconds(fn, reps) {
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = process.hrtime.bigint();
    fn();
    best = Math.min(best, seconds(t0));
  }
  return best;
}

/** The first 4 MiB of the largest code region that `pred` accepts (at least 1 MiB), or undefined. */
function codeSlice(loaded, pred) {
  let best;
  for (const l of loaded) {
    for (const r of l.code.regions) {
      if (r.length >= 1 << 20 && pred(r) && (best === undefined || r.length > best.r.length)) best = { l, r };
    }
  }
  if (best === undefined) return undefined;
  const n = Math.min(best.r.length, 4 << 20);
  return { name: `${best.l.name} (${(n / MB).toFixed(1)} MB)`, bytes: best.l.bytes.subarray(best.r.start, best.r.start + n), start: best.r.start };
}

async function speeds(loaded) {
  const pick = (pred) => codeSlice(loaded, pred);
  const x86 = pick((r) => r.arch === 'x86-64') ?? pick((r) => r.arch === 'x86');
  const rows = [];
  const reference = x86 ?? pick(() => true);
  if (reference === undefined) return rows;
  const buf = new Uint8Array(reference.bytes);
  const copy = new Uint8Array(buf.length);
  const memcpy = buf.length / MB / bestSeconds(() => copy.set(buf), 15);
  rows.push({ filter: 'Uint8Array.set (memcpy)', code: reference.name, encode: memcpy, decode: memcpy });
  for (const f of FILTERS) {
    const own = pick((r) => r.arch === f.name && (f.name !== 'powerpc' || r.endian === 'big'));
    const src = own ?? reference;
    const data = new Uint8Array(src.bytes);
    f.encode(data, src.start); // warm up
    f.decode(data, src.start);
    let enc = Infinity;
    let dec = Infinity;
    for (let r = 0; r < 9; r++) {
      enc = Math.min(enc, bestSeconds(() => f.encode(data, src.start), 1));
      dec = Math.min(dec, bestSeconds(() => f.decode(data, src.start), 1));
    }
    rows.push({ filter: f.name, code: `${src.name}${own ? '' : ' (not its code)'}`, encode: data.length / MB / enc, decode: data.length / MB / dec });
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Run

const t0 = process.hrtime.bigint();
const loaded = [];
for (const f of files) {
  const bytes = new Uint8Array(readFileSync(f.path));
  const code = await codeOf(bytes);
  if (code.regions.length === 0) {
    console.log(`${f.name}: no code sections found (${code.format ?? 'unknown format'}); skipped`);
    continue;
  }
  loaded.push({ ...f, bytes, code });
}

const results = { date: new Date().toISOString(), machine: machine(), preset: presetText, speed: [], files: [] };

if (!opts['no-speed']) {
  results.speed = await speeds(loaded);
  console.log(`\nSpeed: MB/s (10^6 bytes a second), best of 9, over up to 4 MiB of the filter's own code where a file has 1 MiB of it\n`);
  console.log(table(
    [{ title: 'filter', align: 'l' }, { title: 'encode', align: 'r' }, { title: 'decode', align: 'r' }, { title: 'on', align: 'l' }],
    results.speed.map((s) => [s.filter, s.encode.toFixed(0), s.decode.toFixed(0), s.code]),
  ));
}

if (opts.speed) {
  if (opts.json) writeFileSync(opts.json, JSON.stringify(results, null, 2));
  process.exit(0);
}

console.log(`\nSizes: raw LZMA2, preset ${presetText}, dictionary as pfsc sizes it; ratio = filtered / unfiltered\n`);
for (const l of loaded) {
  const { bytes, code } = l;
  const codeBytes = concatRegions(bytes, code.regions);
  const filters = filtersFor(code.arch);
  const tasks = [() => lz(codeBytes), () => lz(bytes)];
  const plans = filters.map((f) => {
    const inCode = filterRegions(f, bytes, code.regions);
    const codeFiltered = concatRegions(inCode.bytes, code.regions);
    const whole = new Uint8Array(bytes);
    const convertedWhole = f.encode(whole, 0);
    const i = tasks.length;
    tasks.push(() => lz(codeFiltered), () => lz(whole), () => lz(inCode.bytes));
    // xz has the filters with .xz ids (below 64), not pfsc's own.
    const xzCheck = !opts.quick && f.id < 64;
    if (xzCheck) tasks.push(() => xzFiltered(f, bytes));
    return { f, i, xzCheck, convertedCode: inCode.converted, convertedWhole, whole };
  });
  const out = await pool(tasks);
  const [codeNone, wholeNone] = out;
  for (const p of plans) {
    const [codeF, wholeAll, wholeCode, xz] = out.slice(p.i, p.i + (p.xzCheck ? 4 : 3));
    const xzSame = xz?.bytes === undefined ? undefined : Buffer.from(p.whole).equals(xz.bytes);
    results.files.push({
      file: l.name, bytes: bytes.length, arch: code.arch, endian: code.endian, filter: p.f.name,
      codeBytes: codeBytes.length, codeNone, codeFiltered: codeF,
      wholeNone, wholeFiltered: wholeAll, wholeCodeFiltered: wholeCode,
      convertedInCode: p.convertedCode, convertedOutsideCode: p.convertedWhole - p.convertedCode,
      xzWholeFiltered: xz?.size, xzSameBytes: xzSame,
    });
  }
  if (plans.length === 0) {
    results.files.push({ file: l.name, bytes: bytes.length, arch: code.arch, endian: code.endian, filter: undefined,
      codeBytes: codeBytes.length, codeNone, wholeNone });
  }
  const r = results.files.filter((x) => x.file === l.name);
  console.log(`${l.name}: ${fmtBytes(bytes.length)} bytes, ${code.arch ?? '?'} ${code.endian ?? ''} code ${fmtBytes(codeBytes.length)} bytes` +
    ` in ${code.regions.length} region(s); ${r.map((x) => x.filter === undefined ? 'no filter for it' : `${x.filter}: code ${pct(x.codeFiltered, x.codeNone)}, file ${pct(x.wholeCodeFiltered, x.wholeNone)}`).join('; ')}` +
    ` (${seconds(t0).toFixed(0)} s)`);
}

console.log('\nCode sections alone\n');
console.log(table(
  ['file', 'arch', 'filter', 'code bytes', 'LZMA2', 'filtered', 'ratio', 'change', 'converted'].map((t, i) => ({ title: t, align: i < 3 ? 'l' : 'r' })),
  results.files.map((x) => [x.file, `${x.arch ?? '?'}${x.endian === 'big' ? ' BE' : x.endian === 'little' && x.arch === 'powerpc' ? ' LE' : ''}`, x.filter ?? '-',
    fmtBytes(x.codeBytes), fmtBytes(x.codeNone), fmtBytes(x.codeFiltered), ratio(x.codeFiltered, x.codeNone), pct(x.codeFiltered, x.codeNone),
    x.convertedInCode === undefined ? '-' : fmtBytes(x.convertedInCode)]),
));
console.log('\nWhole files: unfiltered, the filter over the whole file, over the code sections only\n');
console.log(table(
  ['file', 'filter', 'bytes', 'LZMA2', 'all filtered', 'ratio', 'code filtered', 'ratio', 'outside code', ...(opts.quick ? [] : ['xz --FILTER', 'same bytes'])]
    .map((t, i) => ({ title: t, align: i < 2 ? 'l' : 'r' })),
  results.files.filter((x) => x.filter !== undefined).map((x) => [x.file, x.filter, fmtBytes(x.bytes), fmtBytes(x.wholeNone),
    fmtBytes(x.wholeFiltered), ratio(x.wholeFiltered, x.wholeNone), fmtBytes(x.wholeCodeFiltered), ratio(x.wholeCodeFiltered, x.wholeNone),
    fmtBytes(x.convertedOutsideCode),
    ...(opts.quick ? [] : [fmtBytes(x.xzWholeFiltered), x.xzSameBytes === undefined ? '-' : x.xzSameBytes ? 'yes' : 'NO']),
  ]),
));
console.log(`\n${results.machine}; ${seconds(t0).toFixed(0)} s`);
if (opts.json) {
  writeFileSync(opts.json, JSON.stringify(results, null, 2));
  console.log(`wrote ${opts.json}`);
}
if (results.files.some((x) => x.xzSameBytes === false)) {
  console.error('bench: a filter gave other bytes than xz\'s on a file (column "same bytes")');
  process.exitCode = 1;
}

function machine() {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const xz = spawnSync('xz', ['--version'], { encoding: 'utf8' }).stdout?.split('\n')[0] ?? 'no xz';
  return `${cpu}, ${os.cpus().length} cores, Node ${process.version}, ${xz}`;
}
