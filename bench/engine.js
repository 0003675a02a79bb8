#!/usr/bin/env node
// Engine benchmarks (benny): each kernel's GB/s on the native engine (at its widest SIMD
// level, and scalar) and on the JS engine, against Buffer.copy (memcpy) of the same size;
// and the index build (k-gram tables) in MB/s of bytes indexed, native vs JS. Reports
// benny's median time per operation. See docs/BENCH.md, "bench/engine.js".
//
//   node bench/engine.js [--mib N] [--ref FILE] [--quick] [--json OUT.json]
//
// Needs `npm run build` (or npm install) first: it imports dist/.
import b from 'benny';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO, table, parseCommandLine } from './lib/common.js';

const HELP = `usage: node bench/engine.js [options]

  --mib N      buffer size of the kernel suite, MiB (default 64: beyond the caches, so
               memcpy runs at the memory's speed)
  --ref FILE   the ref whose tables the index suite builds (default: the typescript.js of
               the dev corpus's warm pair when present, else 9 MB of generated text)
  --quick      fewer samples (benny minSamples 1, maxTime 0.5 s)
  --json OUT   write the results to OUT (JSON)
`;

const args = parseCommandLine(
  {
    mib: { type: 'string', default: '64' },
    ref: { type: 'string' },
    quick: { type: 'boolean', default: false },
    json: { type: 'string' },
  },
  HELP,
);

const ENGINE = path.join(REPO, 'dist', 'src', 'engine', 'index.js');
if (!existsSync(ENGINE)) {
  console.error(`bench: ${path.relative(REPO, ENGINE)} is missing; run \`npm run build\` first.`);
  process.exit(1);
}
const { jsKernels, nativeEngine, engineInfo } = await import(pathToFileURL(ENGINE).href);
const native = nativeEngine();
if (!('addon' in native)) console.error(`bench: the native engine is not available (${native.reason}); JS only`);
const addon = native.addon;
const cpuSimd = addon?.cpuSimd();

const GB = 1e9;
const MB = 1e6;
const caseOptions = args.quick ? { minSamples: 1, maxTime: 0.5, delay: 0 } : { minSamples: 5, maxTime: 2, delay: 0 };
const report = {
  machine: { nproc: os.availableParallelism(), cpu: os.cpus()[0]?.model, node: process.version, engine: engineInfo() },
  date: new Date().toISOString(),
  suites: {},
};

/** The engines a case runs on: native at its widest level and at scalar, and JS. */
const variants = [];
if (addon) {
  variants.push({ name: `native ${cpuSimd}`, k: native.kernels, level: cpuSimd });
  if (cpuSimd !== 'scalar') variants.push({ name: 'native scalar', k: native.kernels, level: 'scalar' });
}
variants.push({ name: 'js', k: jsKernels, level: undefined });

function use(v) {
  if (v.level !== undefined) addon.setSimd(v.level);
}

function randomBytes(n, seed) {
  const out = Buffer.allocUnsafe(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** complete() handler: median seconds per op and GB/s (or MB/s) of `bytes`. */
function rowsOf(suite, bytes, unit) {
  return (summary) => {
    const rows = summary.results.map((r) => {
      const med = r.details.median;
      return { name: r.name, medianSecondsPerOp: med, samples: r.samples, marginPercent: r.margin, bytes, perSecond: med > 0 ? bytes / unit / med : null };
    });
    report.suites[suite] = rows;
  };
}

// ---- suite 1: kernels on N MiB, against memcpy
const size = Math.round(Number(args.mib) * 1024 * 1024);
const src = randomBytes(size, 7);
const dst = Buffer.allocUnsafe(size);
const same = Buffer.from(src); // equal to src: the match kernels run to the end
const work = Buffer.from(src);

const kernelCases = [
  ['xorInPlace', (k) => k.xorInPlace(work, 0, size, 0x5a)],
  ['addInPlace', (k) => k.addInPlace(work, 0, size, 7)],
  ['countEq', (k) => k.countEq(src, 0, size, 0)],
  ['crc32c', (k) => k.crc32c(0, src, 0, size)],
  ['fnv1a64', (k) => k.fnv1a64(0xcbf29ce484222325n, src, 0, size)],
  ['matchForward', (k) => k.matchForward(src, 0, same, 0, size)],
  ['matchBackward', (k) => k.matchBackward(src, size, same, size, size)],
  ['executeCopy copy', (k) => k.executeCopy(dst, 0, src, 0, size, 1, 0)],
  ['executeCopy xor', (k) => k.executeCopy(dst, 0, src, 0, size, 2, 0x5a)],
  ['executeCopy add', (k) => k.executeCopy(dst, 0, src, 0, size, 3, 7)],
  ['xorDeltas', (k) => k.xorDeltas(src, 0, size)],
  ['addDeltas', (k) => k.addDeltas(src, 0, size)],
];

const cases = [b.add('memcpy (Buffer.copy)', () => src.copy(dst, 0, 0, size), caseOptions)];
for (const [kernel, run] of kernelCases) {
  for (const v of variants) {
    cases.push(
      b.add(
        `${kernel} | ${v.name}`,
        () => {
          use(v);
          run(v.k);
        },
        caseOptions,
      ),
    );
  }
}
console.log(`kernels on ${(size / 1048576).toFixed(0)} MiB buffers; engines: ${variants.map((v) => v.name).join(', ')}`);
await b.suite(`engine kernels on ${args.mib} MiB (GB/s)`, ...cases, b.cycle(), b.complete(rowsOf('kernels', size, GB)));
addon?.setSimd(cpuSimd);

// ---- suite 2: index build
const defaultRef = path.join(REPO, 'corpus-dev', 'warm', 'typescript-5.6.2_to_5.6.3', 'old', 'typescript.js');
let ref;
let refName;
if (args.ref) {
  ref = readFileSync(args.ref);
  refName = path.basename(args.ref);
} else if (existsSync(defaultRef)) {
  ref = readFileSync(defaultRef);
  refName = 'typescript.js (dev corpus)';
} else {
  const words = 'function return const let var if else for while the of to and in is it that on are with as this from or by new';
  const w = words.split(' ');
  const parts = [];
  let n = 0;
  let x = 1;
  while (n < 9e6) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const s = w[x % w.length] + ((x & 15) === 0 ? '\n' : ' ');
    parts.push(s);
    n += s.length;
  }
  ref = Buffer.from(parts.join(''));
  refName = 'generated text (9 MB)';
}
// The generated banks' index: k = 16 every 8 bytes over 16 MiB (random bytes stand in for them).
const base = randomBytes(16 * 1024 * 1024, 11);
// As src/index/table.ts sizes them for the index: about four entries per bucket.
const bitsFor = (entries) => {
  let bits = 10;
  while (bits < 24 && (1 << bits) * 4 < entries) bits++;
  return bits;
};
const refStep = ref.length > 4 * 1024 * 1024 ? 2 : 1;
const indexCases = [];
const indexBytes = new Map();
for (const v of [variants[0], variants[variants.length - 1]]) {
  const baseBits = bitsFor(Math.floor((base.length - 16) / 8) + 1);
  const refBits = bitsFor(Math.floor((ref.length - 8) / refStep) + 1);
  const deltaBits = bitsFor(Math.floor((ref.length - 9) / 16) + 1);
  indexBytes.set(`base tables (16 MiB, k 16, step 8) | ${v.name}`, base.length);
  indexCases.push(b.add(`base tables (16 MiB, k 16, step 8) | ${v.name}`, () => v.k.buildKgramTable(base, 16, 8, baseBits), caseOptions));
  indexBytes.set(`ref identity table (k 8, step ${refStep}) | ${v.name}`, ref.length);
  indexCases.push(b.add(`ref identity table (k 8, step ${refStep}) | ${v.name}`, () => v.k.buildKgramTable(ref, 8, refStep, refBits), caseOptions));
  // What the index stage does per ref: the deltas and the three tables, at once.
  indexBytes.set(`ref part: deltas + 3 tables, async | ${v.name}`, ref.length);
  indexCases.push(
    b.add(
      `ref part: deltas + 3 tables, async | ${v.name}`,
      async () => {
        const x = v.k.xorDeltas(ref, 0, ref.length);
        const a = v.k.addDeltas(ref, 0, ref.length);
        await Promise.all([
          v.k.buildKgramTableAsync(ref, 8, refStep, refBits),
          v.k.buildKgramTableAsync(x, 8, 16, deltaBits),
          v.k.buildKgramTableAsync(a, 8, 16, deltaBits),
        ]);
      },
      caseOptions,
    ),
  );
}
console.log(`\nindex build over ${refName}, ${ref.length} bytes`);
await b.suite('index build (MB/s of bytes indexed)', ...indexCases, b.cycle(), b.complete((summary) => {
  report.suites.index = summary.results.map((r) => {
    const bytes = indexBytes.get(r.name);
    const med = r.details.median;
    return { name: r.name, medianSecondsPerOp: med, samples: r.samples, marginPercent: r.margin, bytes, perSecond: bytes / MB / med };
  });
}));

// ---- the summary
const kernels = report.suites.kernels;
const memcpy = kernels.find((r) => r.name.startsWith('memcpy'));
const byName = new Map(kernels.map((r) => [r.name, r]));
const summaryRows = kernelCases.map(([kernel]) => {
  const cells = variants.map((v) => byName.get(`${kernel} | ${v.name}`)?.perSecond);
  const nat = cells[0];
  const js = cells[cells.length - 1];
  return [
    kernel,
    ...cells.map((c) => (c == null ? '-' : c.toFixed(2))),
    nat == null ? '-' : (nat / memcpy.perSecond).toFixed(2),
    addon && nat != null && js != null ? (nat / js).toFixed(1) : '-',
  ];
});
console.log(`\nkernels, GB/s (median); memcpy (Buffer.copy) of the same ${args.mib} MiB: ${memcpy.perSecond.toFixed(2)} GB/s`);
console.log(
  table(
    [{ title: 'kernel' }, ...variants.map((v) => ({ title: v.name, align: 'r' })), { title: `${variants[0].name} ÷ memcpy`, align: 'r' }, { title: 'native ÷ js', align: 'r' }],
    summaryRows,
  ),
);
const index = report.suites.index;
const iname = [...new Set(index.map((r) => r.name.split(' | ')[0]))];
console.log('\nindex build, MB/s of bytes indexed (median)');
console.log(
  table(
    [{ title: 'build' }, { title: variants[0].name, align: 'r' }, { title: 'js', align: 'r' }, { title: 'native ÷ js', align: 'r' }],
    iname.map((n) => {
      const nat = index.find((r) => r.name === `${n} | ${variants[0].name}`)?.perSecond;
      const js = index.find((r) => r.name === `${n} | js`)?.perSecond;
      return [n, nat?.toFixed(0) ?? '-', js?.toFixed(0) ?? '-', nat && js && addon ? (nat / js).toFixed(1) : '-'];
    }),
  ),
);
console.log(
  'The native engine builds a table alone on two threads (buildKgramTable, as the planner\'s block tables are built), and\n' +
    'the three tables of a ref at once on libuv\'s pool, two threads each (buildKgramTableAsync); per core is half the figure.',
);
if (args.json) {
  writeFileSync(args.json, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nwrote ${args.json}`);
}
