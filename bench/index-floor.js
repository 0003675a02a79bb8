#!/usr/bin/env node
// The floor of the index build on this machine, next to the addon's own build, in one run.
// Compiles bench/index-floor.cc (the C++ compiler node-gyp uses), then, round by round,
// runs it and times the addon's buildKgramTable over the same table: 16 MiB of random bytes,
// k = 16 every 8 bytes, 2^19 buckets (bench/engine.js's banks' table). Reports medians over
// the rounds, in ns per entry and in MB/s of bytes indexed.
//
//   node bench/index-floor.js [--rounds N] [--reps N] [--json OUT.json]
//
// Needs `npm run build` (it loads the engine from dist/) and a C++ compiler (c++ or $CXX).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO, median, table, parseCommandLine } from './lib/common.js';

const HELP = `usage: node bench/index-floor.js [options]

  --rounds N   rounds, each one run of the floor program and of the addon (default 5)
  --reps N     repetitions of each measure within a round; its median counts (default 9)
  --json OUT   write the results to OUT (JSON)
`;

const args = parseCommandLine(
  {
    rounds: { type: 'string', default: '5' },
    reps: { type: 'string', default: '9' },
    json: { type: 'string' },
  },
  HELP,
);
const rounds = Number(args.rounds);
const reps = Number(args.reps);
if (!Number.isInteger(rounds) || rounds < 1 || !Number.isInteger(reps) || reps < 1) {
  console.error('bench: --rounds and --reps take positive integers');
  process.exit(2);
}

const ENGINE = path.join(REPO, 'dist', 'src', 'engine', 'index.js');
if (!existsSync(ENGINE)) {
  console.error(`bench: ${path.relative(REPO, ENGINE)} is missing; run \`npm run build\` first.`);
  process.exit(1);
}
const { nativeEngine } = await import(pathToFileURL(ENGINE).href);
const native = nativeEngine();
if (!('addon' in native)) {
  console.error(`bench: the native engine is not available (${native.reason}); the floor is measured against it`);
  process.exit(1);
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'pfsc-index-floor-'));
const exe = path.join(dir, 'index-floor');
const cxx = process.env.CXX || 'c++';
try {
  execFileSync(cxx, ['-O3', '-march=native', '-std=c++17', '-o', exe, path.join(REPO, 'bench', 'index-floor.cc')], { stdio: 'inherit' });
} catch (e) {
  rmSync(dir, { recursive: true, force: true });
  console.error(`bench: cannot compile bench/index-floor.cc with ${cxx}: ${e.message}`);
  process.exit(1);
}

// The addon's input: random bytes, as the floor program's (its own generator; the table's
// shape, not its bytes, sets the cost).
const BYTES = 16 * 1024 * 1024;
const seq = new Uint8Array(BYTES);
let x = 11;
for (let i = 0; i < BYTES; i++) {
  x = (Math.imul(x, 1103515245) + 12345) >>> 0;
  seq[i] = x >>> 24;
}
const K = 16;
const STEP = 8;
const BITS = 19;
const entries = Math.floor((BYTES - K) / STEP) + 1;

const samples = new Map();
const add = (name, v) => samples.set(name, [...(samples.get(name) ?? []), v]);
function timeAddon(threads) {
  const ms = [];
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    native.kernels.buildKgramTable(seq, K, STEP, BITS, 32 - BITS, threads);
    ms.push(performance.now() - t);
  }
  return (median(ms) * 1e6) / entries;
}
try {
  for (let round = 0; round < rounds; round++) {
    const out = execFileSync(exe, ['--reps', String(reps)], { encoding: 'utf8' });
    for (const line of out.split('\n')) {
      const [name, value] = line.trim().split(/\s+/);
      if (name && value && !['entries', 'sink'].includes(name)) add(name, Number(value));
    }
    add('addon-1', timeAddon(1));
    add('addon-2', timeAddon(2));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const ROWS = [
  ['addon-1', 'addon buildKgramTable, one thread (the whole build)', 'build'],
  ['addon-2', 'addon buildKgramTable, two threads (the whole build; per core is half the rate)', 'build'],
  ['hash', 'hash every k-gram, nothing else', 'build'],
  ['partition', 'partition pass alone (lines streamed out; partitions pre-sized)', 'build'],
  ['sort', 'sort pass alone (partitions contiguous, counted and placed)', 'build'],
  ['one-pass-sort', 'plain counting sort of the whole table (from the hashes)', 'build'],
  ['chains', 'hash chains (from the hashes)', 'build'],
  ['chains-hashing', 'hash chains, hashing as they go', 'build'],
  ['chains-blocked', 'hash chains, hashing 512 at a time, then linking them', 'build'],
  ['probe-sorted', 'probe of a present k-gram: bucket-sorted table', 'probe'],
  ['probe-chains', 'probe of a present k-gram: hash chains', 'probe'],
];
const MBps = (ns) => (STEP * 1e3) / ns; // bytes indexed per entry / ns per entry, in MB/s
const rows = ROWS.filter(([key]) => samples.has(key)).map(([key, label, kind]) => {
  const ns = median(samples.get(key));
  return [label, ns.toFixed(2), kind === 'build' ? MBps(ns).toFixed(0) : '-'];
});
// The bytes a build moves: the input read; the records (8 bytes an entry) written and read;
// the table written (entry and check byte an entry, start word and halfword a bucket).
const readGB = median(samples.get('read-GBps') ?? [NaN]);
const writeGB = median(samples.get('write-GBps') ?? [NaN]);
const moved = { read: BYTES + 8 * entries, written: 8 * entries + 5 * entries + 6 * 2 ** BITS };
const memoryMs = (moved.read / readGB + moved.written / writeGB) / 1e6;
const floor = ['hash', 'partition', 'sort'].map((k) => median(samples.get(k) ?? [NaN])).reduce((a, b) => a + b, 0);
console.log(`index build floor, ${entries.toLocaleString('en-US')} entries (16 MiB, k ${K} every ${STEP} bytes, 2^${BITS} buckets), medians of ${rounds} rounds`);
console.log(table([{ title: 'measure' }, { title: 'ns an entry (a probe)', align: 'r' }, { title: 'MB/s', align: 'r' }], rows));
console.log(
  `\nhash + partition + sort, each alone: ${floor.toFixed(2)} ns an entry = ${MBps(floor).toFixed(0)} MB/s on one core.` +
    `\n1 GB/s of bytes indexed at ${STEP} bytes an entry allows ${STEP} ns an entry.` +
    `\nmemory, one core: reads ${readGB.toFixed(1)} GB/s, streams writes at ${writeGB.toFixed(1)} GB/s; the build's ` +
    `${((moved.read + moved.written) / 1e6).toFixed(1)} MB of traffic take ${memoryMs.toFixed(1)} ms of that, ` +
    `${((memoryMs * 1e6) / entries).toFixed(2)} ns an entry.`,
);
if (args.json) {
  const report = {
    date: new Date().toISOString(),
    machine: { cpu: os.cpus()[0]?.model, nproc: os.availableParallelism(), node: process.version },
    table: { bytes: BYTES, k: K, step: STEP, bits: BITS, entries },
    rounds,
    reps,
    // ns an entry (a probe), except read-GBps and write-GBps
    measures: Object.fromEntries([...samples].map(([k, v]) => [k, { median: median(v), samples: v }])),
    memory: { readGBps: readGB, writeGBps: writeGB, bytesRead: moved.read, bytesWritten: moved.written, ms: memoryMs },
  };
  writeFileSync(args.json, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`wrote ${args.json}`);
}
