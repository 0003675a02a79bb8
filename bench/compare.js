#!/usr/bin/env node
// Side-by-side comparison of pfsc with xz, zstd, xdelta3 and bsdiff on the dev corpus.
//
//   node bench/compare.js [--corpus DIR] [--runs N] [--quick] [--only NAME] [--skip NAME]
//                         [--tools LIST] [--json OUT.json] [--fresh-home] [--no-install] [--keep]
//
// Every encode and decode is timed as a whole process (process.hrtime around spawnSync) and the
// median of N runs is reported, with the encoded bytes and a sha256 check of the decoded output.
// See docs/BENCH.md for what each column means.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DEFAULT_CORPUS,
  REPO,
  ensureCorpus,
  fmtBytes,
  fmtRatio,
  fmtSec,
  listCases,
  median,
  readManifest,
  seconds,
  sha256File,
  table,
  parseCommandLine,
} from './lib/common.js';

const HELP = `usage: node bench/compare.js [options]

  --corpus DIR     corpus folder (default: <repo>/corpus-dev; built with
                   ../shared/corpus/make-dev-corpus.sh when MANIFEST.tsv is missing)
  --runs N         timed runs of each encode and decode; the median is reported (default 5)
  --quick          one run (same as --runs 1 unless --runs is given)
  --only NAME      only cases whose name contains NAME (repeatable or comma-separated),
                   e.g. --only typescript --only cold/perl --only small
  --skip NAME      leave out cases whose name contains NAME (same form as --only),
                   e.g. --skip small
  --tools LIST     only these tools, comma-separated ids: pfsc,xz,zstd,zstd-patch,xdelta3,bsdiff
  --json OUT       write every number to OUT (JSON)
  --fresh-home     delete the dedicated PFSC_HOME first, so the set-up time is a first-time one
  --no-install     do not try apt-get for missing tools; skip them
  --keep           keep the scratch folder with encoded and decoded files
`;

const PROCESS_TIMEOUT_MS = 60 * 60 * 1000;

// ---------------------------------------------------------------------------------------------
// Options

const args = parseCommandLine(
  {
    corpus: { type: 'string' },
    runs: { type: 'string' },
    quick: { type: 'boolean', default: false },
    only: { type: 'string', multiple: true },
    skip: { type: 'string', multiple: true },
    tools: { type: 'string' },
    json: { type: 'string' },
    'fresh-home': { type: 'boolean', default: false },
    'no-install': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
  HELP,
  'compare',
);
const RUNS = args.runs != null ? Number(args.runs) : args.quick ? 1 : 5;
if (!Number.isInteger(RUNS) || RUNS < 1) {
  console.error(`compare: --runs must be a positive integer, got ${args.runs}`);
  process.exit(2);
}
const ONLY = (args.only ?? []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
const SKIP = (args.skip ?? []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
const TOOL_FILTER = args.tools ? new Set(args.tools.split(',').map((s) => s.trim()).filter(Boolean)) : null;

// ---------------------------------------------------------------------------------------------
// Tools

const PFSC_BIN = path.join(REPO, 'bin', 'pfsc.js');
const NODE = process.execPath;

/**
 * A tool: id (for --tools), label (shown), needs (commands that must exist), kinds it applies to,
 * and enc/dec producing { cmd, args, stdout? } from { input, ref, enc, dec }.
 */
const TOOLS = [
  {
    id: 'pfsc',
    label: 'pfsc',
    pfsc: true,
    needs: [],
    kinds: ['cold', 'small'],
    enc: (p) => ({ cmd: NODE, args: [PFSC_BIN, 'build', p.input, '-o', p.enc, '-f', '-q'] }),
    dec: (p) => ({ cmd: NODE, args: [PFSC_BIN, 'replay', p.enc, '-o', p.dec, '-f', '-q'] }),
  },
  {
    id: 'pfsc',
    label: 'pfsc --ref old',
    pfsc: true,
    needs: [],
    kinds: ['warm'],
    enc: (p) => ({ cmd: NODE, args: [PFSC_BIN, 'build', p.input, '-o', p.enc, '-f', '-q', '--ref', p.ref] }),
    dec: (p) => ({ cmd: NODE, args: [PFSC_BIN, 'replay', p.enc, '-o', p.dec, '-f', '-q', '--ref', p.ref] }),
  },
  {
    id: 'zstd-patch',
    label: 'zstd -19 --long=27 --patch-from',
    needs: ['zstd'],
    kinds: ['warm'],
    enc: (p) => ({ cmd: 'zstd', args: ['-19', '--long=27', '-q', '-f', `--patch-from=${p.ref}`, p.input, '-o', p.enc] }),
    dec: (p) => ({ cmd: 'zstd', args: ['-d', '--long=27', '-q', '-f', `--patch-from=${p.ref}`, p.enc, '-o', p.dec] }),
  },
  {
    id: 'xdelta3',
    // -A: no application header (file names), which pfsc does not carry either.
    label: 'xdelta3 -A -9 -S djw -s old',
    needs: ['xdelta3'],
    kinds: ['warm'],
    enc: (p) => ({ cmd: 'xdelta3', args: ['-e', '-A', '-9', '-S', 'djw', '-f', '-s', p.ref, p.input, p.enc] }),
    dec: (p) => ({ cmd: 'xdelta3', args: ['-d', '-f', '-s', p.ref, p.enc, p.dec] }),
  },
  {
    id: 'bsdiff',
    label: 'bsdiff',
    needs: ['bsdiff', 'bspatch'],
    kinds: ['warm'],
    enc: (p) => ({ cmd: 'bsdiff', args: [p.ref, p.input, p.enc] }),
    dec: (p) => ({ cmd: 'bspatch', args: [p.ref, p.dec, p.enc] }),
  },
  {
    id: 'xz',
    label: 'xz -9e',
    warmLabel: 'xz -9e (new alone)',
    needs: ['xz'],
    kinds: ['cold', 'warm', 'small'],
    enc: (p) => ({ cmd: 'xz', args: ['-9e', '-k', '-c', p.input], stdout: p.enc }),
    dec: (p) => ({ cmd: 'xz', args: ['-d', '-c', p.enc], stdout: p.dec }),
  },
  {
    id: 'zstd',
    label: 'zstd -19 --long=27',
    warmLabel: 'zstd -19 --long=27 (new alone)',
    needs: ['zstd'],
    kinds: ['cold', 'warm', 'small'],
    enc: (p) => ({ cmd: 'zstd', args: ['-19', '--long=27', '-q', '-c', p.input], stdout: p.enc }),
    dec: (p) => ({ cmd: 'zstd', args: ['-d', '--long=27', '-q', '-c', p.enc], stdout: p.dec }),
  },
  {
    id: 'xdelta3',
    label: 'xdelta3 -A -9 -S djw',
    needs: ['xdelta3'],
    kinds: ['cold', 'small'],
    enc: (p) => ({ cmd: 'xdelta3', args: ['-e', '-A', '-9', '-S', 'djw', '-f', p.input, p.enc] }),
    dec: (p) => ({ cmd: 'xdelta3', args: ['-d', '-f', p.enc, p.dec] }),
  },
];

const APT_PACKAGE = { xz: 'xz-utils', zstd: 'zstd', xdelta3: 'xdelta3', bsdiff: 'bsdiff', bspatch: 'bsdiff' };

function hasCommand(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** Installs missing peer commands with apt-get when possible. Returns Map command -> reason it is missing. */
function ensurePeers(commands) {
  const missing = commands.filter((c) => !hasCommand(c));
  const reasons = new Map();
  if (!missing.length) return reasons;
  const pkgs = [...new Set(missing.map((c) => APT_PACKAGE[c]))];
  let why = null;
  if (args['no-install']) why = '--no-install given';
  else if (!hasCommand('apt-get')) why = 'apt-get is not available';
  let prefix = [];
  if (!why && process.getuid?.() !== 0) {
    if (hasCommand('sudo') && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0) prefix = ['sudo', '-n'];
    else why = 'not root and no password-less sudo for apt-get';
  }
  if (!why) {
    console.log(`tools: installing ${pkgs.join(' ')} with apt-get (missing: ${missing.join(' ')}) ...`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const run = (a) => {
      const cmd = prefix.length ? prefix[0] : a[0];
      const rest = prefix.length ? [...prefix.slice(1), ...a] : a.slice(1);
      return spawnSync(cmd, rest, { env, encoding: 'utf8', maxBuffer: 64 << 20 });
    };
    const up = run(['apt-get', 'update']);
    const inst = up.status === 0 ? run(['apt-get', 'install', '-y', ...pkgs]) : up;
    if (inst.status !== 0) {
      const tail = `${inst.stderr ?? ''}${inst.stdout ?? ''}`.trim().split('\n').slice(-3).join(' | ');
      why = `apt-get failed (exit ${inst.status}): ${tail}`;
    }
  }
  for (const c of missing) {
    if (!hasCommand(c)) reasons.set(c, why ?? `apt-get ran but ${c} is still not on PATH`);
  }
  return reasons;
}

function firstLine(cmd, cmdArgs) {
  const r = spawnSync(cmd, cmdArgs, { encoding: 'utf8' });
  if (r.error) return null;
  const text = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.trim();
  return text.split('\n')[0].trim() || null;
}

function toolVersions() {
  const v = {};
  v.xz = hasCommand('xz') ? firstLine('xz', ['--version']) : null;
  v.zstd = hasCommand('zstd') ? firstLine('zstd', ['--version'])?.replace(/^\*+\s*|\s*\*+$/g, '') : null;
  v.xdelta3 = hasCommand('xdelta3') ? firstLine('xdelta3', ['-V'])?.replace(/,.*$/, '') : null;
  if (hasCommand('bsdiff')) {
    const d = hasCommand('dpkg-query') ? firstLine('dpkg-query', ['-W', '-f=${Version}', 'bsdiff']) : null;
    v.bsdiff = d ? `bsdiff ${d} (Debian package)` : 'bsdiff (version unknown)';
  } else v.bsdiff = null;
  let pkg = {};
  try {
    pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8'));
  } catch {}
  const head = spawnSync('git', ['-C', REPO, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' });
  const dirty = spawnSync('git', ['-C', REPO, 'status', '--porcelain', '--', 'src', 'bin'], { encoding: 'utf8' });
  v.pfsc = `pfsc ${pkg.version ?? '?'} (git ${head.status === 0 ? head.stdout.trim() : '?'}${dirty.stdout?.trim() ? ', src/bin modified' : ''})`;
  return v;
}

function machineFacts() {
  const nproc = firstLine('nproc', []);
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    host: os.hostname(),
    nproc: nproc ? Number(nproc) : os.availableParallelism(),
    cpu: cpus[0]?.model ?? 'unknown',
    memoryGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
  };
}

// ---------------------------------------------------------------------------------------------
// Running and timing

function errorLine(stderr) {
  const lines = String(stderr ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const hit = lines.find((l) => /error|cannot|fail|not found|invalid/i.test(l));
  const line = hit ?? lines[lines.length - 1] ?? '';
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

/** Runs one process; returns { ok, seconds, error }. stdout goes to spec.stdout when given. */
function runTimed(spec, env) {
  let fd = null;
  if (spec.stdout) fd = openSync(spec.stdout, 'w');
  const t0 = process.hrtime.bigint();
  const r = spawnSync(spec.cmd, spec.args, {
    stdio: ['ignore', fd ?? 'ignore', 'pipe'],
    env,
    timeout: PROCESS_TIMEOUT_MS,
    maxBuffer: 64 << 20,
  });
  const s = seconds(t0);
  if (fd != null) closeSync(fd);
  if (r.error) {
    const timedOut = r.error.code === 'ETIMEDOUT';
    return { ok: false, seconds: s, error: timedOut ? `timed out after ${PROCESS_TIMEOUT_MS / 1000} s` : `cannot run ${spec.cmd}: ${r.error.message}` };
  }
  if (r.signal) return { ok: false, seconds: s, error: `killed by ${r.signal}: ${errorLine(r.stderr)}` };
  if (r.status !== 0) return { ok: false, seconds: s, error: `exit ${r.status}: ${errorLine(r.stderr)}` };
  return { ok: true, seconds: s, error: null };
}

function safeName(s) {
  return s.replace(/[^A-Za-z0-9._-]+/g, '_');
}

/**
 * N runs of encode + decode of one input; every decode is checked against the input's sha256.
 * Returns a result row (see docs/BENCH.md).
 */
function measure(tool, label, c, paths, expectSha, env) {
  const res = {
    tool: tool.id,
    label,
    status: 'ok',
    error: null,
    bytes: null,
    bytesVaried: false,
    encodeSeconds: [],
    decodeSeconds: [],
    encodeMedian: null,
    decodeMedian: null,
    exact: null,
  };
  for (let i = 0; i < RUNS; i++) {
    rmSync(paths.dec, { force: true });
    const e = runTimed(tool.enc(paths), env);
    if (!e.ok) {
      res.status = 'error';
      res.error = `encode ${e.error}`;
      break;
    }
    res.encodeSeconds.push(e.seconds);
    const size = existsSync(paths.enc) ? statSync(paths.enc).size : null;
    if (size == null) {
      res.status = 'error';
      res.error = 'encode exited 0 but wrote no output';
      break;
    }
    if (res.bytes != null && res.bytes !== size) res.bytesVaried = true;
    res.bytes = size;
    const d = runTimed(tool.dec(paths), env);
    if (!d.ok) {
      res.status = 'error';
      res.error = `decode ${d.error}`;
      break;
    }
    res.decodeSeconds.push(d.seconds);
    const same = existsSync(paths.dec) && sha256File(paths.dec) === expectSha;
    res.exact = same;
    if (!same) {
      res.status = 'mismatch';
      res.error = existsSync(paths.dec) ? 'decoded output differs from the input (sha256)' : 'decode wrote no output';
      break;
    }
  }
  res.encodeMedian = median(res.encodeSeconds);
  res.decodeMedian = median(res.decodeSeconds);
  rmSync(paths.enc, { force: true });
  rmSync(paths.dec, { force: true });
  return res;
}

// ---------------------------------------------------------------------------------------------
// Main

const tStart = process.hrtime.bigint();
const failures = [];
let work = null;

function cleanup() {
  if (work && !args.keep) rmSync(work, { recursive: true, force: true });
}
process.on('SIGINT', () => {
  cleanup();
  process.exit(130);
});

let corpus;
try {
  corpus = ensureCorpus(args.corpus ? path.resolve(args.corpus) : DEFAULT_CORPUS);
} catch (e) {
  console.error(`compare: ${e.message}`);
  process.exit(1);
}
const manifest = readManifest(corpus);
const allCases = listCases(corpus);
const cases = (ONLY.length ? allCases.filter((c) => ONLY.some((o) => c.name.includes(o))) : allCases).filter(
  (c) => !SKIP.some((s) => c.name.includes(s)),
);
if (!cases.length) {
  console.error(`compare: no case matches --only ${ONLY.join(',')}; cases are:\n  ${allCases.map((c) => c.name).join('\n  ')}`);
  process.exit(2);
}
const toolSelected = (t) => !TOOL_FILTER || TOOL_FILTER.has(t.id);
const activeTools = TOOLS.filter(toolSelected);
if (!activeTools.length) {
  console.error(`compare: --tools ${args.tools} selects no tool; ids are ${[...new Set(TOOLS.map((t) => t.id))].join(',')}`);
  process.exit(2);
}
const neededCommands = [
  ...new Set(
    activeTools.filter((t) => t.kinds.some((k) => cases.some((c) => c.kind === k))).flatMap((t) => t.needs),
  ),
];
const missingReasons = ensurePeers(neededCommands);
for (const [cmd, why] of missingReasons) console.log(`tools: skipping peers that need ${cmd}: ${why}`);
const skipReason = (t) => {
  const m = t.needs.find((c) => missingReasons.has(c));
  return m ? `${m} not available: ${missingReasons.get(m)}` : null;
};

const machine = machineFacts();
const versions = toolVersions();
console.log('== machine ==');
console.log(
  table(
    [{ title: 'fact' }, { title: 'value' }],
    [
      ['date', machine.date],
      ['host', machine.host],
      ['nproc', String(machine.nproc)],
      ['cpu', machine.cpu],
      ['memory', `${machine.memoryGiB} GiB`],
      ['os', machine.os],
      ['node', machine.node],
      ...Object.entries(versions).map(([k, v]) => [k, v ?? 'not installed']),
      ['runs', `${RUNS} (median reported)`],
      ['corpus', corpus],
    ],
  ),
);

work = mkdtempSync(path.join(os.tmpdir(), 'pfsc-bench-'));
const PFSC_HOME = path.join(corpus, '.pfsc-home');
const pfscEnv = { ...process.env, PFSC_HOME };
const plainEnv = { ...process.env };
const setup = { pfscHome: PFSC_HOME, homeExisted: null, blobBuild: null, warmupBuilds: {} };

const pfscActive = activeTools.some((t) => t.pfsc);
if (pfscActive) {
  if (args['fresh-home']) rmSync(PFSC_HOME, { recursive: true, force: true });
  setup.homeExisted = existsSync(PFSC_HOME);
  mkdirSync(PFSC_HOME, { recursive: true });
  console.log(`\n== pfsc set-up (untimed in the tables) ==`);
  console.log(`PFSC_HOME=${PFSC_HOME}${setup.homeExisted ? ' (already existed; use --fresh-home for a first-time figure)' : ' (new)'}`);
  const r = runTimed({ cmd: NODE, args: [PFSC_BIN, 'blob', 'build'] }, pfscEnv);
  setup.blobBuild = { seconds: r.seconds, ok: r.ok, error: r.error };
  if (r.ok) console.log(`pfsc blob build: ${fmtSec(r.seconds)} s`);
  else {
    console.log(`pfsc blob build: FAIL (${r.error}) after ${fmtSec(r.seconds)} s`);
    failures.push(`pfsc blob build: ${r.error}`);
  }
}

const results = [];

function caseTable(c, rows, inputBytes) {
  const peers = rows.filter((r) => !r.pfsc && r.status === 'ok');
  const best = peers.reduce((a, r) => (a == null || r.bytes < a.bytes ? r : a), null);
  for (const r of rows) {
    r.ratioToBestPeer = best && r.bytes != null && r.status === 'ok' ? r.bytes / best.bytes : null;
    r.ofInput = r.bytes != null && r.status === 'ok' ? r.bytes / inputBytes : null;
  }
  const body = rows.map((r) => {
    if (r.status === 'skipped') return { first: r.label, span: `skipped: ${r.error}` };
    if (r.status === 'error') return { first: r.label, span: `FAIL  ${r.error}` };
    return [
      r.label + (best && r === best ? ' *' : ''),
      fmtBytes(r.bytes) + (r.bytesVaried ? '~' : ''),
      fmtRatio(r.ratioToBestPeer),
      r.ofInput == null ? '-' : `${(r.ofInput * 100).toFixed(2)}%`,
      fmtSec(r.encodeMedian),
      fmtSec(r.decodeMedian),
      r.status === 'mismatch' ? 'FAIL' : r.exact ? 'yes' : '-',
    ];
  });
  return {
    best,
    text: table(
      [
        { title: 'tool' },
        { title: 'bytes', align: 'r' },
        { title: 'vs best peer', align: 'r' },
        { title: 'of input', align: 'r' },
        { title: 'encode s', align: 'r' },
        { title: 'decode s', align: 'r' },
        { title: 'exact' },
      ],
      body,
    ),
  };
}

function progressWord(r) {
  if (r.status === 'ok') return `${fmtBytes(r.bytes)} bytes`;
  if (r.status === 'mismatch') return `*** FAIL: ${r.error} ***`;
  return `FAIL (${r.error})`;
}

function recordFailure(caseName, r) {
  if (r.status === 'error' || r.status === 'mismatch') failures.push(`${caseName}: ${r.label}: ${r.error}`);
}

for (const c of cases) {
  if (c.kind === 'small') continue;
  const rel = path.relative(corpus, c.input);
  const inputBytes = statSync(c.input).size;
  const expectSha = manifest.get(rel)?.sha256 ?? sha256File(c.input);
  if (sha256File(c.input) !== expectSha) {
    console.log(`\nWARNING: ${rel} does not match MANIFEST.tsv; rebuild the corpus`);
  }
  const refBytes = c.ref ? statSync(c.ref).size : null;
  console.log(`\n== ${c.name}: ${fmtBytes(inputBytes)} bytes${c.ref ? `, old ${fmtBytes(refBytes)} bytes` : ''} ==`);
  const base = path.join(work, safeName(c.name));
  const rows = [];
  const entry = { name: c.name, kind: c.kind, input: rel, inputBytes, inputSha256: expectSha, ref: c.ref ? path.relative(corpus, c.ref) : null, refBytes, rows };
  for (const t of activeTools.filter((t) => t.kinds.includes(c.kind))) {
    const label = c.kind === 'warm' && t.warmLabel ? t.warmLabel : t.label;
    const skip = skipReason(t);
    if (skip) {
      rows.push({ tool: t.id, label, pfsc: !!t.pfsc, status: 'skipped', error: skip });
      continue;
    }
    const paths = { input: c.input, ref: c.ref, enc: `${base}.${safeName(label)}.enc`, dec: `${base}.${safeName(label)}.dec` };
    const env = t.pfsc ? pfscEnv : plainEnv;
    if (t.pfsc) {
      const w = runTimed(t.enc(paths), env);
      setup.warmupBuilds[c.name] = { seconds: w.seconds, ok: w.ok, error: w.error };
      console.log(`pfsc warm-up build (untimed): ${w.ok ? `${fmtSec(w.seconds)} s` : `FAIL (${w.error})`}`);
      rmSync(paths.enc, { force: true });
    }
    process.stdout.write(`  ${label} ...`);
    const r = measure(t, label, c, paths, expectSha, env);
    r.pfsc = !!t.pfsc;
    process.stdout.write(` ${progressWord(r)}\n`);
    recordFailure(c.name, r);
    rows.push(r);
  }
  const { best, text } = caseTable(c, rows, inputBytes);
  entry.bestPeer = best ? best.label : null;
  console.log(text);
  results.push(entry);
}

// ---- small sets: each file on its own, one pass, totals per tool (informative)
const smallResults = [];
for (const c of cases.filter((c) => c.kind === 'small')) {
  const totalIn = c.files.reduce((a, f) => a + statSync(f).size, 0);
  console.log(`\n== ${c.name}: ${c.files.length} files, ${fmtBytes(totalIn)} bytes in all (each file on its own, one pass, times summed) ==`);
  const rows = [];
  for (const t of activeTools.filter((t) => t.kinds.includes('small'))) {
    const skip = skipReason(t);
    if (skip) {
      rows.push({ tool: t.id, label: t.label, pfsc: !!t.pfsc, status: 'skipped', error: skip });
      continue;
    }
    process.stdout.write(`  ${t.label} ...`);
    const env = t.pfsc ? pfscEnv : plainEnv;
    const row = { tool: t.id, label: t.label, pfsc: !!t.pfsc, status: 'ok', error: null, files: 0, bytes: 0, encodeSeconds: 0, decodeSeconds: 0, exact: true };
    for (const f of c.files) {
      const rel = path.relative(corpus, f);
      const expectSha = manifest.get(rel)?.sha256 ?? sha256File(f);
      const base = path.join(work, `small.${safeName(t.label)}`);
      const paths = { input: f, ref: null, enc: `${base}.enc`, dec: `${base}.dec` };
      rmSync(paths.dec, { force: true });
      const e = runTimed(t.enc(paths), env);
      if (!e.ok) {
        row.status = 'error';
        row.error = `${path.basename(f)}: encode ${e.error}`;
        break;
      }
      row.bytes += statSync(paths.enc).size;
      row.encodeSeconds += e.seconds;
      const d = runTimed(t.dec(paths), env);
      if (!d.ok) {
        row.status = 'error';
        row.error = `${path.basename(f)}: decode ${d.error}`;
        break;
      }
      row.decodeSeconds += d.seconds;
      row.files++;
      if (!existsSync(paths.dec) || sha256File(paths.dec) !== expectSha) {
        row.status = 'mismatch';
        row.exact = false;
        row.error = `${path.basename(f)}: decoded output differs from the input (sha256)`;
        break;
      }
      rmSync(paths.enc, { force: true });
      rmSync(paths.dec, { force: true });
    }
    process.stdout.write(` ${progressWord(row)}\n`);
    recordFailure(c.name, row);
    rows.push(row);
  }
  const okPeers = rows.filter((r) => !r.pfsc && r.status === 'ok');
  const best = okPeers.reduce((a, r) => (a == null || r.bytes < a.bytes ? r : a), null);
  for (const r of rows) r.ratioToBestPeer = best && r.status === 'ok' ? r.bytes / best.bytes : null;
  console.log(
    table(
      [
        { title: 'tool' },
        { title: 'total bytes', align: 'r' },
        { title: 'vs best peer', align: 'r' },
        { title: 'of input', align: 'r' },
        { title: 'encode s (sum)', align: 'r' },
        { title: 'decode s (sum)', align: 'r' },
        { title: 'exact' },
      ],
      rows.map((r) => {
        if (r.status === 'skipped') return { first: r.label, span: `skipped: ${r.error}` };
        if (r.status === 'error') return { first: r.label, span: `FAIL  ${r.error} (after ${r.files} files)` };
        return [
          r.label + (r === best ? ' *' : ''),
          fmtBytes(r.bytes),
          fmtRatio(r.ratioToBestPeer),
          `${((r.bytes / totalIn) * 100).toFixed(2)}%`,
          fmtSec(r.encodeSeconds),
          fmtSec(r.decodeSeconds),
          r.status === 'mismatch' ? 'FAIL' : 'yes',
        ];
      }),
    ),
  );
  smallResults.push({ name: c.name, files: c.files.length, inputBytes: totalIn, bestPeer: best?.label ?? null, rows });
}

// ---- summary: pfsc vs the best peer per file
const summaryRows = [];
for (const e of [...results, ...smallResults]) {
  const p = e.rows.find((r) => r.pfsc);
  const best = e.rows.find((r) => r.label === e.bestPeer);
  const small = 'files' in e;
  const enc = (r) => (small ? r?.encodeSeconds : r?.encodeMedian);
  const dec = (r) => (small ? r?.decodeSeconds : r?.decodeMedian);
  const pOk = p && p.status === 'ok';
  summaryRows.push([
    e.name + (small ? ' (sum)' : ''),
    fmtBytes(e.inputBytes),
    p ? (pOk ? fmtBytes(p.bytes) : p.status === 'skipped' ? 'skipped' : p.status === 'mismatch' ? 'FAIL' : 'error') : '-',
    best ? best.label : '-',
    best ? fmtBytes(best.bytes) : '-',
    pOk && best ? fmtRatio(p.bytes / best.bytes) : '-',
    pOk ? fmtSec(enc(p)) : '-',
    best ? fmtSec(enc(best)) : '-',
    pOk ? fmtSec(dec(p)) : '-',
    best ? fmtSec(dec(best)) : '-',
  ]);
}
console.log('\n== summary: pfsc vs the best peer (smallest output) per file ==');
console.log(
  table(
    [
      { title: 'file' },
      { title: 'input bytes', align: 'r' },
      { title: 'pfsc bytes', align: 'r' },
      { title: 'best peer' },
      { title: 'peer bytes', align: 'r' },
      { title: 'pfsc/peer', align: 'r' },
      { title: 'pfsc enc s', align: 'r' },
      { title: 'peer enc s', align: 'r' },
      { title: 'pfsc dec s', align: 'r' },
      { title: 'peer dec s', align: 'r' },
    ],
    summaryRows,
  ),
);

const totalSeconds = seconds(tStart);
console.log(`\ntotal wall time: ${fmtSec(totalSeconds)} s (${RUNS} run${RUNS > 1 ? 's' : ''} per tool)`);

if (args.json) {
  const out = path.resolve(args.json);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify({ machine, versions, runs: RUNS, corpus, setup, cases: results, small: smallResults, failures, totalSeconds }, null, 2)}\n`,
  );
  console.log(`json: ${out}`);
}

cleanup();
if (failures.length) {
  console.log(`\nFAIL: ${failures.length} problem${failures.length > 1 ? 's' : ''}:`);
  for (const f of failures) console.log(`  - ${f}`);
  process.exitCode = 1;
} else {
  console.log('\nall decoded outputs are byte-exact');
}
