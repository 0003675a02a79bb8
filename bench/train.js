#!/usr/bin/env node
// Trained banks against zstd's trained dictionaries, on a set of small similar files sent
// one by one (docs/BANKS.md, section 12).
//
//   node bench/train.js [--corpus DIR] [--set NAME] [--no-pfsc] [--pfsc-limit N] [--keep] [--json OUT.json]
//
// The set's files in sorted order are split: the even-indexed ones (0, 2, 4, ...) are the
// samples, the odd-indexed ones are coded one at a time. It measures
//   - `pfsc bank train` on the samples (one command): the bank's bytes, text and time;
//   - each odd file with `zstd -19 --no-check -D`, with the bank's bytes as a raw dictionary,
//     against zstd's own dictionary (`zstd --train` on the same samples) with and without
//     the checksum, the samples end to end as a raw dictionary, and no dictionary;
//   - a bank trained with --max-size set to the size of zstd's dictionary, the same way;
//   - when `pfsc build` takes --bank: each odd file built with the bank (`pfsc build FILE
//     --bank NAME.bank`), the .pbb bytes summed, and each replayed (`pfsc replay X.pbb
//     --bank NAME.bank`) and compared with the file byte for byte.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_CORPUS, REPO, ensureCorpus, fmtBytes, fmtSec, seconds, table } from './lib/common.js';

const HELP = `usage: node bench/train.js [options]

  --corpus DIR      corpus folder (default: <repo>/corpus-dev; built with
                    ../shared/corpus/make-dev-corpus.sh when MANIFEST.tsv is missing)
  --set NAME        the set of small files under DIR/small (default: caniuse-features)
  --no-pfsc         skip the pfsc build and replay of each file
  --pfsc-limit N    build and replay only the first N odd files with pfsc
  --keep            keep the work folder (banks, dictionaries, blueprints)
  --json OUT.json   also write the figures as JSON
  -h, --help        this help

Needs zstd on the PATH, and dist/ built (npm run build).`;

const { values: opt } = parseArgs({
  options: {
    corpus: { type: 'string', default: DEFAULT_CORPUS },
    set: { type: 'string', default: 'caniuse-features' },
    'no-pfsc': { type: 'boolean', default: false },
    'pfsc-limit': { type: 'string' },
    keep: { type: 'boolean', default: false },
    json: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (opt.help) {
  console.log(HELP);
  process.exit(0);
}

const BIN = path.join(REPO, 'bin', 'pfsc.js');
const DIST_BANKS = path.join(REPO, 'dist', 'src', 'banks', 'index.js');

function fail(message) {
  console.error(`bench/train.js: ${message}`);
  process.exit(1);
}

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { maxBuffer: 1 << 30, ...options });
  if (r.error) fail(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) fail(`${cmd} ${args.slice(0, 4).join(' ')} ... exited ${r.status}: ${String(r.stderr).trim().split('\n').slice(0, 3).join(' / ')}`);
  return r;
}

function pfsc(args, env) {
  return run(process.execPath, [BIN, ...args], { env });
}

if (spawnSync('zstd', ['--version']).status !== 0) fail('zstd is not on the PATH (apt-get install zstd)');
if (!existsSync(DIST_BANKS) || !existsSync(path.join(REPO, 'dist', 'cli', 'main.cjs'))) fail('dist/ is missing; run npm run build');
const { compileBank } = await import(DIST_BANKS);

const corpus = ensureCorpus(opt.corpus);
const setDir = path.join(corpus, 'small', opt.set);
if (!existsSync(setDir)) fail(`no set ${opt.set} in ${path.join(corpus, 'small')}`);
const files = readdirSync(setDir)
  .filter((f) => statSync(path.join(setDir, f)).isFile())
  .sort()
  .map((f) => path.join(setDir, f));
const samples = files.filter((_, i) => i % 2 === 0);
const targets = files.filter((_, i) => i % 2 === 1);
const sampleBytes = samples.reduce((n, f) => n + statSync(f).size, 0);
const targetBytes = targets.reduce((n, f) => n + statSync(f).size, 0);

const work = mkdtempSync(path.join(os.tmpdir(), 'pfsc-bench-train-'));
const env = { ...process.env, PFSC_HOME: path.join(work, 'home') };
mkdirSync(env.PFSC_HOME);
console.log(`set ${opt.set}: ${files.length} files; ${samples.length} samples (${fmtBytes(sampleBytes)} bytes), ${targets.length} files coded (${fmtBytes(targetBytes)} bytes)`);
console.log(`work folder ${work}`);

/** Trains a bank with pfsc (one command) and compiles it to its bytes. */
function trainPfsc(name, extra) {
  const bank = path.join(work, `${name}.bank`);
  const t0 = process.hrtime.bigint();
  const r = pfsc(['bank', 'train', '-o', bank, '--json', ...extra, ...samples], env);
  const secs = seconds(t0);
  const summary = JSON.parse(r.stdout);
  const bytes = compileBank(readFileSync(bank, 'utf8'), { limit: 2 ** 30 });
  const bin = path.join(work, `${name}.bin`);
  writeFileSync(bin, bytes);
  return { bank, bin, bytes: bytes.length, text: statSync(bank).size, pieces: summary.pieces, selected: summary.selected, secs };
}

/** Sum of zstd -19 output sizes of the target files, each alone, with a dictionary or none. */
function zstdTotal(dict, check = false) {
  let total = 0;
  for (const f of targets) {
    const args = ['-19', '-q', '-c', ...(check ? [] : ['--no-check']), ...(dict ? ['-D', dict] : []), f];
    total += run('zstd', args).stdout.length;
  }
  return total;
}

// zstd's own dictionary, trained on the same samples.
const zdict = path.join(work, 'zstd.dict');
let t0 = process.hrtime.bigint();
run('zstd', ['--train', '-q', ...samples, '-o', zdict]);
const zdictSecs = seconds(t0);
const zdictSize = statSync(zdict).size;
const concat = path.join(work, 'samples.bin');
writeFileSync(concat, Buffer.concat(samples.map((f) => readFileSync(f))));

const bank = trainPfsc('train', []);
const small = trainPfsc('train-small', ['--max-size', String(zdictSize)]);

const rows = [];
const figures = { set: opt.set, files: files.length, samples: samples.length, sampleBytes, targets: targets.length, targetBytes, rows: [] };
function add(label, dictBytes, textBytes, secs, total) {
  rows.push([label, fmtBytes(dictBytes), textBytes == null ? '-' : fmtBytes(textBytes), secs == null ? '-' : fmtSec(secs), fmtBytes(total)]);
  figures.rows.push({ label, dictBytes, textBytes, secs, total });
  console.log(`  ${label}: ${fmtBytes(total)}`);
}
console.log('coding each file alone with zstd -19 ...');
add('zstd -19, no dictionary', 0, null, null, zstdTotal(null));
add('zstd -19 -D zstd --train dictionary (with checksum)', zdictSize, null, zdictSecs, zstdTotal(zdict, true));
add('zstd -19 --no-check -D zstd --train dictionary', zdictSize, null, zdictSecs, zstdTotal(zdict));
add('zstd -19 --no-check -D samples end to end', sampleBytes, null, null, zstdTotal(concat));
add('zstd -19 --no-check -D pfsc bank train', bank.bytes, bank.text, bank.secs, zstdTotal(bank.bin));
add(`zstd -19 --no-check -D pfsc bank train --max-size ${zdictSize}`, small.bytes, small.text, small.secs, zstdTotal(small.bin));

const help = pfsc(['build', '--help'], env).stdout.toString();
if (opt['no-pfsc']) {
  console.log('pfsc build: skipped (--no-pfsc)');
} else if (!help.includes('--bank')) {
  console.log('pfsc build: this pfsc has no --bank option; skipped');
} else {
  const limit = opt['pfsc-limit'] === undefined ? targets.length : Number(opt['pfsc-limit']);
  const some = targets.slice(0, limit);
  const someBytes = some.reduce((n, f) => n + statSync(f).size, 0);
  const measure = (b, label) => {
    console.log(`pfsc build and replay of ${some.length} files with ${label} ...`);
    let total = 0;
    let mismatches = 0;
    const t1 = process.hrtime.bigint();
    for (const [i, f] of some.entries()) {
      const pbb = path.join(work, 'x.pbb');
      const back = path.join(work, 'x.out');
      pfsc(['build', f, '--bank', b.bank, '-o', pbb, '-f', '-q'], env);
      total += statSync(pbb).size;
      pfsc(['replay', pbb, '--bank', b.bank, '-o', back, '-f', '-q'], env);
      if (!readFileSync(back).equals(readFileSync(f))) {
        mismatches++;
        console.error(`  replay of ${path.basename(f)} differs from the file`);
      }
      if ((i + 1) % 50 === 0) console.log(`  ${i + 1} / ${some.length}`);
    }
    const secs = seconds(t1);
    const label2 = `pfsc build --bank (${label}; seconds: build + replay)${some.length < targets.length ? `, ${some.length} files, ${fmtBytes(someBytes)} bytes` : ''}`;
    rows.push([label2, fmtBytes(b.bytes), fmtBytes(b.text), fmtSec(secs), fmtBytes(total)]);
    figures.rows.push({ label: label2, dictBytes: b.bytes, textBytes: b.text, secs, total, replayed: some.length, mismatches });
    console.log(`  ${fmtBytes(total)} bytes of .pbb; ${some.length - mismatches} of ${some.length} replays byte-exact`);
    if (mismatches > 0) process.exitCode = 1;
  };
  measure(bank, 'pfsc bank train');
  measure(small, `--max-size ${zdictSize}`);
}

console.log('');
console.log(
  table(
    [
      { title: `${targets.length} files coded one at a time`, align: 'l' },
      { title: 'dictionary bytes', align: 'r' },
      { title: 'bank text', align: 'r' },
      { title: 'seconds', align: 'r' },
      { title: 'total bytes', align: 'r' },
    ],
    rows,
  ),
);
if (opt.json) writeFileSync(opt.json, JSON.stringify(figures, null, 2) + '\n');
if (opt.keep) console.log(`kept ${work}`);
else rmSync(work, { recursive: true, force: true });
