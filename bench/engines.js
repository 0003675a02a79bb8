#!/usr/bin/env node
// The native engine against the JavaScript one, side by side in one run, on the dev corpus:
//
//   1. whole processes: `pfsc build` and `pfsc replay` of a warm pair (cache ready: the blob,
//      its index and the ref's index; replay into a new file, and with -f over the last
//      output), and `pfsc build` with the ref's index not cached
//      (PFSC_REF_INDEX_CACHE=0: a ref seen for the first time), each engine, against
//      `node -e 0` measured in the same run; medians of N runs, interleaved so load on the
//      machine hits both alike;
//   2. in process, per engine (a child process each): the ref's index build (cache off) in MB/s
//      of ref, planning in MB/s of input (a warm pair with its ref, a cold file), and the
//      replay of a blueprint's copy segments (executeBlock into a buffer) in GB/s against
//      Buffer.copy of the same bytes.
//
//   node bench/engines.js [--corpus DIR] [--warm NAME] [--cold NAME] [--runs N] [--json OUT]
//
// Needs `npm run build` (it runs bin/pfsc.js and imports dist/src/index.js). See docs/BENCH.md.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEFAULT_CORPUS, REPO, ensureCorpus, listCases, median, table, parseCommandLine } from './lib/common.js';

const HELP = `usage: node bench/engines.js [options]

  --corpus DIR   corpus folder (default: <repo>/corpus-dev; built when MANIFEST.tsv is missing)
  --warm NAME    warm pair (substring of warm/<pair>; default: typescript)
  --cold NAME    cold file (substring of cold/<file>; default: vue.global.js)
  --runs N       runs of each whole-process command and of each in-process case (default 9)
  --json OUT     write every number to OUT
`;

const args = parseCommandLine(
  {
    corpus: { type: 'string' },
    warm: { type: 'string', default: 'typescript' },
    cold: { type: 'string', default: 'vue.global.js' },
    runs: { type: 'string', default: '9' },
    json: { type: 'string' },
    child: { type: 'string' },
    pbb: { type: 'string' },
  },
  HELP,
);
const RUNS = Math.max(1, Number.parseInt(args.runs, 10) || 9);
const MB = 1e6;

let corpus;
try {
  corpus = ensureCorpus(args.corpus ? path.resolve(args.corpus) : DEFAULT_CORPUS);
} catch (e) {
  console.error(`bench: ${e.message}`);
  process.exit(1);
}
const cases = listCases(corpus);
const warm = cases.find((c) => c.kind === 'warm' && c.name.includes(args.warm));
const cold = cases.find((c) => c.kind === 'cold' && c.name.includes(args.cold));
if (!warm || !cold) {
  console.error(`bench: no ${!warm ? `warm pair matching "${args.warm}"` : `cold file matching "${args.cold}"`} in ${corpus}`);
  process.exit(1);
}
const HOME = path.join(corpus, '.pfsc-home');

function ms(t0) {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

// ---------------------------------------------------------------------------------------------
// The child: in-process figures for the engine its environment selects.
if (args.child) {
  const api = await import(pathToFileURL(path.join(REPO, 'dist', 'src', 'index.js')).href);
  const { engineInfo } = await import(pathToFileURL(path.join(REPO, 'dist', 'src', 'engine', 'index.js')).href);
  const { loadMatchIndex } = api;
  const out = { engine: engineInfo(), cases: {} };
  const timeIt = async (name, bytes, f) => {
    const times = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = process.hrtime.bigint();
      await f();
      times.push(ms(t0));
    }
    out.cases[name] = { bytes, ms: times, medianMs: median(times) };
  };
  // Index build of the warm pair's ref, the cache left out for refs.
  const refBlob = await api.openBlob({ refs: [warm.ref], home: HOME });
  const refBytes = statSync(warm.ref).size;
  await timeIt('index: ref tables', refBytes, () => loadMatchIndex(refBlob, { home: HOME, refCacheBytes: 0 }));
  // Planning: the whole input as one block, default settings.
  for (const [label, c, refs] of [['plan: warm', warm, [warm.ref]], ['plan: cold', cold, []]]) {
    const blob = await api.openBlob({ refs, home: HOME });
    const index = await loadMatchIndex(blob, { home: HOME });
    const input = new Uint8Array(readFileSync(c.input));
    await timeIt(label, input.length, () => new api.Planner(index).planBlock(input));
  }
  // Replay of the warm blueprint's segments into a buffer, against Buffer.copy.
  const src = await api.fileByteSource(args.pbb);
  const { header, length } = await api.readHeader(src);
  const blocks = [];
  for await (const b of api.readBlocks(src, header, length)) blocks.push(b);
  await src.close();
  const total = blocks.reduce((n, b) => n + b.plan.outLength, 0);
  const outBuf = new Uint8Array(Math.max(...blocks.map((b) => b.plan.outLength)));
  await timeIt('replay: execute segments', total, () => {
    for (const b of blocks) api.executeBlock(b.plan, refBlob, outBuf, { block: b.index, outputStart: b.outputStart });
  });
  const a = readFileSync(warm.input);
  const copyDst = Buffer.allocUnsafe(a.length);
  await timeIt('replay: Buffer.copy', a.length, () => a.copy(copyDst));
  process.stdout.write(JSON.stringify(out));
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
// The parent.
const PFSC = path.join(REPO, 'bin', 'pfsc.js');
const work = mkdtempSync(path.join(os.tmpdir(), 'pfsc-engines-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
const pbb = path.join(work, 'warm.pbb');
const envOf = (engine) => ({ ...process.env, PFSC_HOME: HOME, PFSC_NO_NATIVE: engine === 'js' ? '1' : '' });

function run(cmd, argv, env) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { env, encoding: 'utf8', maxBuffer: 1 << 26 });
  const t = ms(t0);
  if (r.status !== 0) {
    console.error(`bench: ${[cmd, ...argv].join(' ')} failed (exit ${r.status ?? r.signal}): ${r.stderr.trim().split('\n').pop()}`);
    process.exit(1);
  }
  return { ms: t, stdout: r.stdout };
}

const buildArgs = ['build', warm.input, '-o', pbb, '-f', '-q', '--ref', warm.ref];
const replayOut = path.join(work, 'warm.out');
// -f over the previous output: on ext4 the rename that replaces a file flushes the new one
// (auto_da_alloc), about 12 ms for these 9 MB; replaying into a new file does not.
const replayArgs = ['replay', pbb, '-o', replayOut, '-f', '-q', '--ref', warm.ref];
const replayNew = () => {
  rmSync(replayOut, { force: true });
  return ['replay', pbb, '-o', replayOut, '-q', '--ref', warm.ref];
};
console.log(`engines: native vs JavaScript on ${warm.name} (${(statSync(warm.input).size / MB).toFixed(2)} MB) and ${cold.name}; ${RUNS} runs each; PFSC_HOME=${HOME}`);
// Untimed: fill the cache (blob, base index, the ref's index) and check both engines agree.
run(process.execPath, [PFSC, ...buildArgs], envOf('native'));
const nativePbb = readFileSync(pbb);
run(process.execPath, [PFSC, ...buildArgs], envOf('js'));
if (!readFileSync(pbb).equals(nativePbb)) {
  console.error('bench: the two engines built different blueprints');
  process.exit(1);
}
for (const e of ['native', 'js']) {
  run(process.execPath, [PFSC, ...replayArgs], envOf(e));
  if (!readFileSync(path.join(work, 'warm.out')).equals(readFileSync(warm.input))) {
    console.error(`bench: the ${e} replay is not byte-exact`);
    process.exit(1);
  }
}

const whole = { 'node -e 0': [], 'build native': [], 'build js': [], 'build-noref native': [], 'build-noref js': [], 'replay native': [], 'replay js': [], 'replay-over native': [], 'replay-over js': [] };
const noRefCache = (e) => ({ ...envOf(e), PFSC_REF_INDEX_CACHE: '0' });
for (let i = 0; i < RUNS; i++) {
  whole['node -e 0'].push(run(process.execPath, ['-e', '0'], process.env).ms);
  for (const e of ['native', 'js']) whole[`build ${e}`].push(run(process.execPath, [PFSC, ...buildArgs], envOf(e)).ms);
  for (const e of ['native', 'js']) whole[`build-noref ${e}`].push(run(process.execPath, [PFSC, ...buildArgs], noRefCache(e)).ms);
  for (const e of ['native', 'js']) whole[`replay ${e}`].push(run(process.execPath, [PFSC, ...replayNew()], envOf(e)).ms);
  for (const e of ['native', 'js']) whole[`replay-over ${e}`].push(run(process.execPath, [PFSC, ...replayArgs], envOf(e)).ms);
}
// Node reads NODE_EXTRA_CA_CERTS at start-up, before any of pfsc runs: where it is set, every
// process above paid for it. Say how much, so the figures can be read against a plain start.
if (process.env.NODE_EXTRA_CA_CERTS) {
  const plainEnv = { ...process.env };
  delete plainEnv.NODE_EXTRA_CA_CERTS;
  const plain = [];
  for (let i = 0; i < RUNS; i++) plain.push(run(process.execPath, ['-e', '0'], plainEnv).ms);
  console.log(
    `\nnote: NODE_EXTRA_CA_CERTS is set (${process.env.NODE_EXTRA_CA_CERTS}); Node loads it at start-up: ` +
      `node -e 0 takes ${median(whole['node -e 0']).toFixed(0)} ms with it, ${median(plain).toFixed(0)} ms without ` +
      '(run `env -u NODE_EXTRA_CA_CERTS node bench/engines.js` for figures without it)',
  );
}
const med = Object.fromEntries(Object.entries(whole).map(([k, v]) => [k, median(v)]));
console.log('\nwhole process (median ms of interleaved runs; the cache holds the blob, its index and, but where said, the ref\'s index)');
console.log(
  table(
    [{ title: 'command' }, { title: 'native ms', align: 'r' }, { title: 'js ms', align: 'r' }, { title: 'js ÷ native', align: 'r' }, { title: 'native − node -e 0', align: 'r' }],
    [
      ['node -e 0', med['node -e 0'].toFixed(0), '', '', ''],
      ...['build', 'build-noref', 'replay', 'replay-over'].map((c) => [
        c === 'build-noref'
          ? 'pfsc build, ref index not cached'
          : c === 'replay-over'
            ? 'pfsc replay -f over the last output'
            : `pfsc ${c} ${warm.name.split('/').pop()}${c === 'replay' ? ' (a new file)' : ''}`,
        med[`${c} native`].toFixed(0),
        med[`${c} js`].toFixed(0),
        (med[`${c} js`] / med[`${c} native`]).toFixed(2),
        (med[`${c} native`] - med['node -e 0']).toFixed(0),
      ]),
    ],
  ),
);

const child = {};
for (const e of ['native', 'js']) {
  const r = run(process.execPath, [path.join(REPO, 'bench', 'engines.js'), '--child', e, '--corpus', corpus, '--warm', args.warm, '--cold', args.cold, '--runs', String(RUNS), '--pbb', pbb], envOf(e));
  child[e] = JSON.parse(r.stdout);
}
const names = Object.keys(child.native.cases);
console.log(`\nin process (median of ${RUNS}; engine: native ${child.native.engine.simd}, js)`);
const rows = names.map((n) => {
  const a = child.native.cases[n];
  const j = child.js.cases[n];
  const unit = n.startsWith('replay') ? 'GB/s' : 'MB/s';
  const scale = unit === 'GB/s' ? 1e9 : 1e6;
  const speed = (c) => c.bytes / scale / (c.medianMs / 1000);
  return [n, `${(a.bytes / MB).toFixed(2)} MB`, a.medianMs.toFixed(1), `${speed(a).toFixed(2)} ${unit}`, j.medianMs.toFixed(1), `${speed(j).toFixed(2)} ${unit}`, (j.medianMs / a.medianMs).toFixed(2)];
});
console.log(
  table(
    [{ title: 'case' }, { title: 'bytes', align: 'r' }, { title: 'native ms', align: 'r' }, { title: 'native', align: 'r' }, { title: 'js ms', align: 'r' }, { title: 'js', align: 'r' }, { title: 'js ÷ native', align: 'r' }],
    rows,
  ),
);
const ex = child.native.cases['replay: execute segments'];
const cp = child.native.cases['replay: Buffer.copy'];
console.log(`replay of copy segments (native) ÷ Buffer.copy speed: ${((cp.medianMs / cp.bytes) / (ex.medianMs / ex.bytes)).toFixed(2)}`);

if (args.json) {
  writeFileSync(path.resolve(args.json), `${JSON.stringify({ date: new Date().toISOString(), machine: { nproc: os.availableParallelism(), cpu: os.cpus()[0]?.model, node: process.version }, whole, child }, null, 2)}\n`);
  console.log(`json: ${path.resolve(args.json)}`);
}
