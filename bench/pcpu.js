#!/usr/bin/env node
// pCPU benchmarks: each op's GB/s on one core against memcpy (Buffer.copy) of the same bytes,
// and `pfsc exec` from 1 to 2 pcores on a large blueprint, on the native and the JS engine. Medians over interleaved repetitions;
// see docs/BENCH.md, "bench/pcpu.js".
//
//   node bench/pcpu.js [--mib N] [--reps N] [--out-mib N] [--quick] [--json OUT.json]
//
// Needs `npm run build` first (it imports dist/).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO, median, table, parseCommandLine } from './lib/common.js';

const HELP = `usage: node bench/pcpu.js [options]

  --mib N       buffer size of the op suite, MiB (default 32: well beyond the caches)
  --reps N      repetitions per case; medians are reported (default 15; exec: a third of it, at least 3)
  --out-mib N   output size of the exec blueprint, MiB (default 256)
  --quick       --mib 8 --reps 5 --out-mib 64
  --keep DIR    write the exec blueprint (large.pbb) and its ref (ref.bin) into DIR and keep them
  --json OUT    write the results to OUT (JSON)
`;

const args = parseCommandLine(
  {
    mib: { type: 'string' },
    reps: { type: 'string' },
    'out-mib': { type: 'string' },
    quick: { type: 'boolean', default: false },
    keep: { type: 'string' },
    json: { type: 'string' },
  },
  HELP,
);
const MIB = 1 << 20;
const size = Number(args.mib ?? (args.quick ? 8 : 32)) * MIB;
const reps = Number(args.reps ?? (args.quick ? 5 : 15));
const outSize = Number(args['out-mib'] ?? (args.quick ? 64 : 256)) * MIB;
for (const [k, v] of [['--mib', size], ['--reps', reps], ['--out-mib', outSize]]) {
  if (!Number.isInteger(v) || v <= 0) {
    console.error(`bench: ${k} must be a positive whole number`);
    process.exit(2);
  }
}

const dist = (p) => import(pathToFileURL(path.join(REPO, 'dist', 'src', p)).href);
let api, engineMod, runnerMod, programMod, formatTypes;
try {
  api = await dist('index.js');
  engineMod = await dist('engine/index.js');
  runnerMod = await dist('runtime/pcpu/runner.js');
  programMod = await dist('runtime/pcpu/program.js');
  formatTypes = await dist('format/types.js');
} catch (e) {
  console.error(`bench: cannot load dist/: ${e.message}\nbench: run \`npm run build\` first.`);
  process.exit(1);
}
const { engine, engineInfo, jsKernels } = engineMod;
const { ProgramRunner } = runnerMod;
const { parseProgram } = programMod;
const { OP_COPY, OP_COPY_XOR, OP_COPY_ADD, OP_LITERAL } = formatTypes;

const info = engineInfo();
const report = {
  machine: { nproc: os.availableParallelism(), cpu: os.cpus()[0]?.model, node: process.version },
  engine: info,
  date: new Date().toISOString(),
  ops: {},
  exec: {},
};
console.log(`engine: ${info.engine}${info.simd && info.simd !== 'none' ? ` (${info.simd})` : ''}${info.reason ? `, ${info.reason}` : ''}; ${os.availableParallelism()} cores`);

/** xorshift32 bytes, deterministic. */
function pseudoRandom(n, seed) {
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

const GB = 1e9;
const now = () => process.hrtime.bigint();
const secs = (t0) => Number(now() - t0) / 1e9;

// ---- suite 1: each op on one core, through the runner exec uses (64 KiB chunks, in place),
// against Buffer.copy of the same bytes. Cases are interleaved within each repetition, so a
// busy minute on this shared machine slows them all alike.
const src = pseudoRandom(size, 7);
const buf = Buffer.from(src);
const dst = Buffer.alloc(size);
const OPS = ['xor:255', 'add:7', 'counteq:0', 'crc32c', 'fnv'];
const cases = [{ name: 'memcpy (Buffer.copy)', engine: '-', run: () => src.copy(dst) }];
const kernelSets = [[info.engine, engine()]];
if (info.engine !== 'js') kernelSets.push(['js', jsKernels]);
for (const op of OPS) {
  for (const [name, kernels] of kernelSets) {
    const runner = new ProgramRunner(parseProgram(op), kernels);
    cases.push({ name: op, engine: name, run: () => runner.feed(buf, 0, size, OP_LITERAL, 0, true) });
  }
}
console.log(`\nops: ${size / MIB} MiB per call, ${reps} repetitions, median GB/s (10^9 bytes/s)`);
for (const c of cases) c.run(); // warm-up: page faults, JIT, first-touch of the buffers
const times = cases.map(() => []);
for (let r = 0; r < reps; r++) {
  cases.forEach((c, i) => {
    const t0 = now();
    c.run();
    times[i].push(secs(t0));
  });
}
const memcpyGbs = size / GB / median(times[0]);
const opRows = cases.map((c, i) => {
  const gbs = size / GB / median(times[i]);
  report.ops[`${c.name} ${c.engine}`] = { op: c.name, engine: c.engine, bytes: size, medianSeconds: median(times[i]), gbPerSecond: gbs, vsMemcpy: gbs / memcpyGbs };
  return [c.name, c.engine, gbs.toFixed(2), (gbs / memcpyGbs).toFixed(2)];
});
console.log(table([{ title: 'op' }, { title: 'engine' }, { title: 'GB/s', align: 'r' }, { title: '× memcpy', align: 'r' }], opRows));

// ---- suite 2: exec from 1 to 2 pcores on a large blueprint, made here: a 16 MiB ref, and
// an output of --out-mib MiB in 64 MiB blocks of copies from it (identity, xor, add), short
// literals, and copies from the block's own earlier output.
const work = args.keep ? path.resolve(args.keep) : mkdtempSync(path.join(os.tmpdir(), 'pfsc-bench-pcpu-'));
if (args.keep) mkdirSync(work, { recursive: true });
else process.on('exit', () => rmSync(work, { recursive: true, force: true }));
process.on('SIGINT', () => process.exit(130));
const home = path.join(REPO, 'corpus-dev', '.pfsc-home');
const refPath = path.join(work, 'ref.bin');
const ref = pseudoRandom(16 * MIB, 11);
writeFileSync(refPath, ref);
const blob = await api.openBlob({ refs: [refPath], home, deferBase: true });
const refStart = blob.size - ref.length;

function makePlan(outLength, seed) {
  let x = seed;
  const rnd = (n) => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x % n;
  };
  const segs = [];
  const spill = [];
  let pos = 0;
  while (pos < outLength) {
    const left = outLength - pos;
    const kind = rnd(20);
    let len;
    if (kind === 0) {
      len = Math.min(left, 1 + rnd(64));
      segs.push({ op: OP_LITERAL, len });
      spill.push(pseudoRandom(len, pos + 1));
    } else if (kind === 1 && pos >= 64 * 1024) {
      len = Math.min(left, 1024 + rnd(32 * 1024), pos);
      segs.push({ op: OP_COPY, len, off: blob.size + blockStart + rnd(pos - len + 1) });
    } else {
      len = Math.min(left, 4096 + rnd(128 * 1024));
      const op = kind % 3 === 0 ? OP_COPY_XOR : kind % 3 === 1 ? OP_COPY_ADD : OP_COPY;
      segs.push({ op, len, off: refStart + rnd(ref.length - len + 1), imm: 1 + rnd(255) });
    }
    pos += len;
  }
  const count = segs.length;
  const p = { outLength, count, op: new Uint8Array(count), len: new Uint32Array(count), off: new Float64Array(count), imm: new Uint8Array(count), spill: Buffer.concat(spill) };
  segs.forEach((s, i) => {
    p.op[i] = s.op;
    p.len[i] = s.len;
    p.off[i] = s.off ?? 0;
    p.imm[i] = s.imm ?? 0;
  });
  return p;
}

const BLOCK = 64 * MIB;
let blockStart = 0;
const plans = [];
for (let start = 0; start < outSize; start += BLOCK) {
  blockStart = start;
  plans.push(makePlan(Math.min(BLOCK, outSize - start), 1234 + start / BLOCK));
}
// The output digest and a reference CRC, from replay's own executor over each block.
const hash = createHash('sha256');
let crc = 0;
const outBuf = new Uint8Array(BLOCK);
plans.forEach((p, i) => {
  api.executeBlock(p, blob, outBuf, { block: i, outputStart: i * BLOCK });
  const view = outBuf.subarray(0, p.outLength);
  hash.update(view);
  crc = engine().crc32c(crc, view, 0, view.length);
});
const header = {
  version: 2,
  outputLength: outSize,
  blobId: blob.id,
  baseFingerprint: blob.baseId.subarray(0, 4),
  refs: [{ size: ref.length, digestPrefix: createHash('sha256').update(ref).digest().subarray(0, 4) }],
  outputDigest: hash.digest().subarray(0, 16),
};
const parts = [api.encodeHeader(header)];
const encoder = new api.BlockEncoder({ coding: 'streams' });
for (const p of plans) parts.push((await encoder.encode(p)).bytes);
const pbb = path.join(work, 'large.pbb');
writeFileSync(pbb, Buffer.concat(parts));
const segments = plans.reduce((n, p) => n + p.count, 0);
console.log(`\nexec: a ${outSize / MIB} MiB output in ${plans.length} blocks, ${segments.toLocaleString('en-US')} segments, from a 16 MiB ref; 1 pcore then 2 in each run`);

/**
 * The real command, as a user runs it: `pfsc exec --pcores 2 --json`, which measures the
 * program on 1 pcore and then on 2 in the same process. JSON on stdout.
 */
function execCli(prog, engineName) {
  const env = { ...process.env, PFSC_HOME: home };
  if (engineName === 'js') env.PFSC_NO_NATIVE = '1';
  else delete env.PFSC_NO_NATIVE;
  const r = spawnSync(process.execPath, [path.join(REPO, 'bin', 'pfsc.js'), 'exec', pbb, '--ref', refPath, '--prog', prog, '--pcores', '2', '--json'], { env, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) {
    console.error(`bench: pfsc exec failed (${engineName}, ${prog}):\n${r.stderr}`);
    process.exit(1);
  }
  return JSON.parse(r.stdout);
}

// The JS engine's ops are slow enough that its runs are compute-bound, the native ones'
// memory-bound: both show what a second pcore buys. Each engine runs the programs its
// speed allows in reasonable time.
const EXEC_CASES = [
  ['native', ['counteq:0,crc32c', 'crc32c', 'fnv', 'xor:255,add:7,counteq:0,crc32c,fnv']],
  ['js', ['counteq:0,crc32c', 'xor:255,add:7,counteq:0,crc32c,fnv']],
];
const execReps = Math.max(3, Math.round(reps / 3));
const execRows = [];
const seen = new Map();
for (const [engineName, programs] of EXEC_CASES) {
  if (engineName === 'native' && info.engine !== 'native') continue;
  for (const prog of programs) {
    const one = [];
    const two = [];
    const pwn = [];
    let acc;
    for (let r = 0; r < execReps; r++) {
      const res = execCli(prog, engineName);
      one.push(res.baseline.mbPerSecond);
      two.push(res.mbPerSecond);
      pwn.push(res.cpupwn);
      acc = res.accumulators;
    }
    // Every engine must agree, and with replay's output where crc32c sees it unchanged.
    const key = JSON.stringify(acc);
    if (seen.has(prog) && seen.get(prog) !== key) {
      console.error(`bench: the engines disagree on ${prog}: ${seen.get(prog)} vs ${key}`);
      process.exit(1);
    }
    seen.set(prog, key);
    if (acc.crc32c !== undefined && !prog.startsWith('xor') && acc.crc32c !== `0x${crc.toString(16).padStart(8, '0')}`) {
      console.error(`bench: exec's crc32c ${acc.crc32c} differs from the replayed output's 0x${crc.toString(16)}`);
      process.exit(1);
    }
    report.exec[`${prog} ${engineName}`] = { program: prog, engine: engineName, bytes: outSize, repetitions: execReps, onePcoreMBs: median(one), twoPcoresMBs: median(two), cpupwn: median(pwn), accumulators: acc };
    execRows.push([prog, engineName, median(one).toFixed(0), median(two).toFixed(0), median(pwn).toFixed(2)]);
  }
}
console.log(`\`pfsc exec --pcores 2\`, ${execReps} runs each, medians; MB/s of output (10^6 bytes/s); CPUpwn = 2-pcore MB/s ÷ 1-pcore MB/s of the same run`);
console.log(table([{ title: 'program' }, { title: 'engine' }, { title: '1 pcore MB/s', align: 'r' }, { title: '2 pcores MB/s', align: 'r' }, { title: 'CPUpwn', align: 'r' }], execRows));

if (args.json) {
  writeFileSync(args.json, JSON.stringify(report, null, 2) + '\n');
  console.log(`\nwrote ${args.json}`);
}
