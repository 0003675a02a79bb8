#!/usr/bin/env node
// benny micro-benchmarks of the public API (dist/src/index.js): build and replay throughput on a
// warm pair and a cold file of the dev corpus, per-stage throughput (index, plan, ...) taken from
// build()'s own stage timings, and a Buffer.copy baseline of the same sizes for replay.
//
//   node bench/run.js [--corpus DIR] [--warm NAME] [--cold NAME] [--quick] [--json OUT.json]
//
// Needs `npm run build` first (it imports dist/src/index.js). See docs/BENCH.md.
import b from 'benny';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEFAULT_CORPUS, REPO, ensureCorpus, fmtBytes, listCases, median, sha256File, table, parseCommandLine } from './lib/common.js';

const HELP = `usage: node bench/run.js [options]

  --corpus DIR   corpus folder (default: <repo>/corpus-dev; built when MANIFEST.tsv is missing)
  --warm NAME    warm pair to use (substring of warm/<pair>; default: typescript)
  --cold NAME    cold file to use (substring of cold/<file>; default: vue.global.js)
  --quick        fewer samples (benny minSamples 1, maxTime 1 s)
  --json OUT     write the results to OUT (JSON)
`;

const args = parseCommandLine(
  {
    corpus: { type: 'string' },
    warm: { type: 'string', default: 'typescript' },
    cold: { type: 'string', default: 'vue.global.js' },
    quick: { type: 'boolean', default: false },
    json: { type: 'string' },
  },
  HELP,
);

// ---- the public API
const INDEX = path.join(REPO, 'dist', 'src', 'index.js');
const REQUIRED = ['build', 'replay'];
let api;
try {
  if (!existsSync(INDEX)) throw new Error(`${path.relative(REPO, INDEX)} does not exist`);
  api = await import(pathToFileURL(INDEX).href);
} catch (e) {
  console.error(`bench: cannot load the public API: ${e.message}`);
  console.error('bench: run `npm run build` first; the suites need build() and replay() from dist/src/index.js.');
  process.exit(1);
}
const missing = REQUIRED.filter((n) => typeof api[n] !== 'function');
if (missing.length) {
  console.error(`bench: dist/src/index.js does not export ${missing.map((n) => `${n}()`).join(' and ')} yet.`);
  console.error(`bench: it exports: ${Object.keys(api).sort().join(', ') || '(nothing)'}`);
  console.error('bench: the suites need build({input, output, refs, force, home}) and replay({input, output, refs, force, home}).');
  process.exit(1);
}

// ---- corpus and cases
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
  console.error(`bench: cases are:\n  ${cases.map((c) => c.name).join('\n  ')}`);
  process.exit(1);
}

const HOME = path.join(corpus, '.pfsc-home');
mkdirSync(HOME, { recursive: true });
const work = mkdtempSync(path.join(os.tmpdir(), 'pfsc-benny-'));
const cleanup = () => rmSync(work, { recursive: true, force: true });
process.on('exit', cleanup);
process.on('SIGINT', () => process.exit(130));

const MB = 1e6;
const subjects = [cold, warm].map((c) => {
  const bytes = statSync(c.input).size;
  const slug = c.name.replace(/[^A-Za-z0-9._-]+/g, '_');
  return {
    ...c,
    bytes,
    sha256: sha256File(c.input),
    refs: c.ref ? [c.ref] : [],
    label: `${c.name}${c.ref ? ' --ref old' : ''} (${(bytes / MB).toFixed(2)} MB)`,
    pbb: path.join(work, `${slug}.pbb`),
    benchPbb: path.join(work, `${slug}.bench.pbb`),
    out: path.join(work, `${slug}.out`),
    timings: [],
  };
});

function fail(msg) {
  console.error(`bench: ${msg}`);
  process.exit(1);
}

// ---- untimed warm-up: fills the blob cache in HOME, writes the .pbb the replay suite reads, and
// checks the round trip once.
console.log(`PFSC_HOME=${HOME}`);
for (const s of subjects) {
  const t0 = process.hrtime.bigint();
  try {
    await api.build({ input: s.input, output: s.pbb, refs: s.refs, force: true, home: HOME });
    await api.replay({ input: s.pbb, output: s.out, refs: s.refs, force: true, home: HOME });
  } catch (e) {
    fail(`warm-up of ${s.name} failed: ${e?.stack ?? e}`);
  }
  const sec = Number(process.hrtime.bigint() - t0) / 1e9;
  if (sha256File(s.out) !== s.sha256) fail(`warm-up of ${s.name}: replayed output differs from the input`);
  console.log(`warm-up (untimed) ${s.name}: build + replay ${sec.toFixed(3)} s, .pbb ${fmtBytes(statSync(s.pbb).size)} bytes, round trip exact`);
}

/**
 * An async benny case. benny 3.7 calls the function it is given once while detecting its type and
 * does not await that call; that first call is skipped here, and calls are chained so two never
 * overlap. An error ends the run with exit code 1 (a rejected case would otherwise hang benny).
 */
function asyncCase(op) {
  return async () => {
    let first = true;
    let tail = Promise.resolve();
    return () => {
      if (first) {
        first = false;
        return Promise.resolve();
      }
      const p = tail.then(op).catch((e) => fail(`benchmark case failed: ${e?.stack ?? e}`));
      tail = p;
      return p;
    };
  };
}

const caseOptions = args.quick ? { minSamples: 1, maxTime: 1, delay: 0 } : { minSamples: 5, maxTime: 5, delay: 0 };
const report = { machine: { nproc: os.availableParallelism(), cpu: os.cpus()[0]?.model, node: process.version }, date: new Date().toISOString(), suites: {} };

/**
 * complete() handler: for each case ops/s (1 / mean), the median seconds per operation over
 * benny's samples, and MB/s of input taken from that median (MB = 10^6 bytes).
 */
function throughput(suiteName, bytesByCase) {
  return (summary) => {
    const rows = summary.results.map((r) => {
      const bytes = bytesByCase.get(r.name);
      const mean = r.details.mean;
      const med = r.details.median;
      return {
        name: r.name,
        opsPerSecond: mean > 0 ? 1 / mean : null,
        medianSecondsPerOp: med,
        marginPercent: r.margin,
        samples: r.samples,
        bytes,
        mbPerSecond: bytes && med > 0 ? bytes / MB / med : null,
      };
    });
    report.suites[suiteName] = rows;
    console.log(
      `\n${table(
        [
          { title: 'case' },
          { title: 'ops/s', align: 'r' },
          { title: '±%', align: 'r' },
          { title: 'samples', align: 'r' },
          { title: 'median s/op', align: 'r' },
          { title: 'MB/s of input', align: 'r' },
        ],
        rows.map((r) => [
          r.name,
          r.opsPerSecond == null ? '-' : r.opsPerSecond.toPrecision(4),
          r.marginPercent.toFixed(2),
          String(r.samples),
          r.medianSecondsPerOp.toPrecision(4),
          r.mbPerSecond == null ? '-' : r.mbPerSecond.toFixed(2),
        ]),
      )}\n`,
    );
  };
}

// ---- suite 1: build (whole API: snapshot, index, hint, plan, pack, emit)
const buildBytes = new Map();
const buildCases = subjects.map((s) => {
  const name = `build ${s.label}`;
  buildBytes.set(name, s.bytes);
  return b.add(
    name,
    asyncCase(async () => {
      const r = await api.build({ input: s.input, output: s.benchPbb, refs: s.refs, force: true, home: HOME });
      if (r && r.timings) s.timings.push(r.timings);
    }),
    caseOptions,
  );
});
await b.suite('pfsc build throughput (public API build())', ...buildCases, b.configure({ minDisplayPrecision: 2 }), b.cycle(), b.complete(), b.complete(throughput('build', buildBytes)));

// ---- per-stage throughput from build()'s own timings (milliseconds per stage)
const stageRows = [];
for (const s of subjects) {
  if (!s.timings.length) continue;
  const stages = Object.keys(s.timings[0]);
  for (const st of stages) {
    const ms = median(s.timings.map((t) => t[st]).filter((x) => typeof x === 'number'));
    if (ms == null) continue;
    stageRows.push({ case: s.label, stage: st, medianMs: ms, calls: s.timings.length, mbPerSecond: ms > 0 ? s.bytes / MB / (ms / 1000) : null });
  }
}
report.stages = stageRows;
if (stageRows.length) {
  console.log('pfsc build stages (median of the BuildResult.timings of every timed build call; index = index build, plan = planning):');
  console.log(
    `${table(
      [{ title: 'case' }, { title: 'stage' }, { title: 'median ms', align: 'r' }, { title: 'calls', align: 'r' }, { title: 'MB/s of input', align: 'r' }],
      stageRows.map((r) => [r.case, r.stage, r.medianMs.toFixed(1), String(r.calls), r.mbPerSecond == null ? '-' : r.mbPerSecond.toFixed(2)]),
    )}\n`,
  );
} else {
  console.log('pfsc build stages: build() returned no timings; no per-stage figures.\n');
}

// ---- suite 1b: index build and planning in process, through the public exports
// (openBlob, loadMatchIndex, Planner): the blob's generated-bank tables come from the cache, so
// "index" measures building the ref tables; "plan" plans the whole input as one block.
if (typeof api.openBlob === 'function' && typeof api.loadMatchIndex === 'function' && typeof api.Planner === 'function') {
  const stageBytes = new Map();
  const stageCases = [];
  for (const s of subjects) {
    const blob = await api.openBlob({ refs: s.refs, home: HOME });
    const index = await api.loadMatchIndex(blob, { home: HOME });
    const input = readFileSync(s.input);
    if (s.refs.length) {
      const refBytes = statSync(s.refs[0]).size;
      const name = `index: ref tables of ${s.name} old (${(refBytes / MB).toFixed(2)} MB)`;
      stageBytes.set(name, refBytes);
      stageCases.push(b.add(name, asyncCase(async () => { await api.loadMatchIndex(blob, { home: HOME }); }), caseOptions));
    }
    const name = `plan: ${s.label}`;
    stageBytes.set(name, s.bytes);
    stageCases.push(b.add(name, () => () => new api.Planner(index).planBlock(input), caseOptions));
  }
  await b.suite('pfsc index build and planning (in process)', ...stageCases, b.configure({ minDisplayPrecision: 2 }), b.cycle(), b.complete(), b.complete(throughput('index-plan', stageBytes)));
}

// ---- suite 2: replay, with a Buffer.copy of the same size as the floor
const replayBytes = new Map();
const replayCases = [];
for (const s of subjects) {
  const name = `replay ${s.label}`;
  replayBytes.set(name, s.bytes);
  replayCases.push(
    b.add(
      name,
      asyncCase(async () => {
        await api.replay({ input: s.pbb, output: s.out, refs: s.refs, force: true, home: HOME });
      }),
      caseOptions,
    ),
  );
}
for (const s of subjects) {
  const name = `baseline Buffer.copy of ${s.name} (${(s.bytes / MB).toFixed(2)} MB, in memory)`;
  replayBytes.set(name, s.bytes);
  replayCases.push(
    b.add(
      name,
      () => {
        const src = readFileSync(s.input);
        const dst = Buffer.allocUnsafe(src.length);
        return () => src.copy(dst);
      },
      caseOptions,
    ),
  );
}
await b.suite('pfsc replay throughput (public API replay())', ...replayCases, b.configure({ minDisplayPrecision: 2 }), b.cycle(), b.complete(), b.complete(throughput('replay', replayBytes)));

if (args.json) {
  const out = path.resolve(args.json);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`json: ${out}`);
}
