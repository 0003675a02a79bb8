#!/usr/bin/env node
// The Orchard bank families measured one at a time (docs/ORCHARD.md, sections 3 and 4).
//
//   node bench/orchard.js [--corpus DIR] [--files LIST] [--extra-elf] [--quick]
//                         [--families a,b] [--drop-groups] [--verbose] [--json OUT.json] [--keep]
//
// Every file of the set is built cold (no refs) in process with the library's build(),
// once against the orchard profile as it ships (the baseline) and once per variant, each
// variant a manifest given through build()'s `manifest` option:
//   - "+NAME": the family src/blob/orchard/NAME.bank added as a bank row of kind `bank`
//     just before the random tail, which shrinks by as much (the blob stays 16 MiB);
//   - "drop NAME,...": the profile without those rows, the random tail growing by as much
//     (the families the profile already holds, and with --drop-groups each group of its
//     banks: const; the ramps; the gray codes; lfsr; the de Bruijn banks; each bank file).
// The score is the .pbb's size in bytes, summed over the set and per file, against the
// baseline's. Each baseline blueprint is replayed with replay() and compared with its
// file byte for byte. Sizes do not depend on time or on the machine's load: one run.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_CORPUS, REPO, ensureCorpus, fmtBytes, seconds, table } from './lib/common.js';

const HELP = `usage: node bench/orchard.js [options]

Builds each file cold against the orchard profile and against variants of it (a family
added before the random tail, or banks of the profile dropped), and compares the .pbb bytes.

  --corpus DIR      corpus folder (default: <repo>/corpus-dev; built with
                    ../shared/corpus/make-dev-corpus.sh when MANIFEST.tsv is missing)
  --files LIST      build only these files (comma-separated; a path, or a name in the
                    corpus such as cold/vue.global.js) instead of the default set
  --extra-elf       with --files: add the held-out ELF set (below)
  --quick           the corpus's cold files only, without the held-out ELF set
  --families LIST   families to measure (comma-separated): names of src/blob/orchard/*.bank
                    (without .bank) or paths to .bank files. A family the profile holds is
                    measured dropped. Default: every file of src/blob/orchard, the ones
                    outside the profile added, the ones in it dropped
  --drop-groups     also measure the profile without each group of its banks: const;
                    ramp8,ramp16,ramp32; gray8,gray16,gray32; lfsr; the de Bruijn banks;
                    each bank file (elf-headers, x86-64-plt, elf-strings)
  --verbose         per-file deltas of each variant
  --json OUT.json   also write every figure as JSON
  --keep            keep the work folder (PFSC_HOME per variant, the blueprints)
  -h, --help        this help

Default set: the corpus's cold files and the held-out ELF set, the x86-64 ELF files among
/usr/bin/{bash,curl,dpkg,find,gpg,grep,ip,lz4,make,ninja,openssl,sqlite3,ssh,strace}
and node_modules/lzma-native/prebuilds/linux-x64/node.napi.node and
node_modules/zstd-napi/build/Release/binding.node (missing ones are skipped with a note).
The default run builds 20 files (33 MB) 13 times: about 10 minutes on 2 cores.

Needs dist/ built (npm run build). Uses its own PFSC_HOME in a temporary folder.`;

const HELD_OUT_BIN = ['bash', 'curl', 'dpkg', 'find', 'gpg', 'grep', 'ip', 'lz4', 'make', 'ninja', 'openssl', 'sqlite3', 'ssh', 'strace'];
const HELD_OUT_ADDONS = ['node_modules/lzma-native/prebuilds/linux-x64/node.napi.node', 'node_modules/zstd-napi/build/Release/binding.node'];

const DIST_INDEX = path.join(REPO, 'dist', 'src', 'index.js');
const DIST_BANKS = path.join(REPO, 'dist', 'src', 'banks', 'index.js');
const ORCHARD_DIR = path.join(REPO, 'src', 'blob', 'orchard');
const PROFILE = 'orchard';

function fail(message, hint) {
  console.error(`bench/orchard.js: ${message}`);
  if (hint) console.error(`hint: ${hint}`);
  cleanup();
  process.exit(1);
}

let opt;
try {
  ({ values: opt } = parseArgs({
    options: {
      corpus: { type: 'string', default: DEFAULT_CORPUS },
      files: { type: 'string' },
      'extra-elf': { type: 'boolean', default: false },
      quick: { type: 'boolean', default: false },
      families: { type: 'string' },
      'drop-groups': { type: 'boolean', default: false },
      verbose: { type: 'boolean', short: 'v', default: false },
      json: { type: 'string' },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }));
} catch (e) {
  console.error(`bench/orchard.js: ${e.message}\n(node bench/orchard.js --help)`);
  process.exit(2);
}
if (opt.help) {
  console.log(HELP);
  process.exit(0);
}
if (opt.quick && (opt.files !== undefined || opt['extra-elf'])) {
  console.error('bench/orchard.js: --quick takes the corpus cold files; it goes with neither --files nor --extra-elf');
  process.exit(2);
}
if (opt['extra-elf'] && opt.files === undefined) {
  console.error('bench/orchard.js: --extra-elf adds the held-out ELF set to --files (the default set holds it already)');
  process.exit(2);
}

// ---- the work folder, removed at the end (or on an error, or on Ctrl-C) unless --keep ----

let work;
function cleanup() {
  if (work === undefined || opt?.keep) return;
  rmSync(work, { recursive: true, force: true });
  work = undefined;
}
process.on('SIGINT', () => {
  cleanup();
  process.exit(130);
});

// ---- dist ----

if (!existsSync(DIST_INDEX) || !existsSync(DIST_BANKS)) fail(`dist/ is missing (${path.relative(REPO, DIST_INDEX)})`, 'run npm run build first');
const api = await import(DIST_INDEX);
const { compileBank, bankParams } = await import(DIST_BANKS);
for (const name of ['build', 'replay', 'profileManifest', 'profileDefinition']) {
  if (typeof api[name] !== 'function') fail(`dist/src/index.js has no ${name}(); dist/ is older than this script`, 'run npm run build');
}

function errorText(e) {
  if (e && typeof e.code === 'string' && e.code.startsWith('PFSC_')) return { message: `${e.code}: ${e.message}`, hint: e.hint };
  return { message: e?.stack ?? String(e) };
}

// ---- the files ----

/** True when FILE starts with the header of an x86-64 ELF executable or shared object. */
function isX8664Elf(file) {
  const head = Buffer.alloc(20);
  const fd = openSync(file, 'r');
  try {
    if (readSync(fd, head, 0, 20, 0) < 20) return false;
  } finally {
    closeSync(fd);
  }
  const type = head.readUInt16LE(16);
  return head.readUInt32BE(0) === 0x7f454c46 && head[4] === 2 && head[5] === 1 && (type === 2 || type === 3) && head.readUInt16LE(18) === 62;
}

function labelOf(file, corpus) {
  if (corpus !== undefined && file.startsWith(corpus + path.sep)) return path.relative(corpus, file);
  if (file.startsWith(REPO + path.sep)) return path.relative(REPO, file);
  return file;
}

function heldOutSet() {
  const out = [];
  const candidates = [...HELD_OUT_BIN.map((n) => path.join('/usr/bin', n)), ...HELD_OUT_ADDONS.map((p) => path.join(REPO, p))];
  for (const file of candidates) {
    if (!existsSync(file)) {
      console.log(`note: held-out file ${file} is missing; skipped`);
      continue;
    }
    if (!statSync(file).isFile() || !isX8664Elf(file)) {
      console.log(`note: held-out file ${file} is not an x86-64 ELF executable or shared object; skipped`);
      continue;
    }
    out.push(file);
  }
  return out;
}

function resolveFiles() {
  let corpus;
  const list = [];
  if (opt.files !== undefined) {
    const corpusDir = path.resolve(opt.corpus);
    for (const spec of opt.files.split(',').map((s) => s.trim()).filter(Boolean)) {
      let file = path.resolve(spec);
      if (!existsSync(file) && existsSync(path.join(corpusDir, spec))) file = path.join(corpusDir, spec);
      if (!existsSync(file)) fail(`--files: ${spec} not found (neither from ${process.cwd()} nor in ${corpusDir})`);
      if (!statSync(file).isFile()) fail(`--files: ${spec} is not a file`);
      list.push(file);
    }
    if (list.length === 0) fail('--files: no file given');
    if (existsSync(corpusDir)) corpus = corpusDir;
    if (opt['extra-elf']) list.push(...heldOutSet());
  } else {
    try {
      corpus = ensureCorpus(opt.corpus);
    } catch (e) {
      fail(e.message, 'give --corpus DIR, or --files LIST to build files of your own');
    }
    const cold = path.join(corpus, 'cold');
    if (!existsSync(cold)) fail(`${cold} is missing: the corpus has no cold files`);
    for (const n of readdirSync(cold).sort()) if (statSync(path.join(cold, n)).isFile()) list.push(path.join(cold, n));
    if (!opt.quick) list.push(...heldOutSet());
  }
  // One entry per file content: the same bytes twice would count twice.
  const seen = new Map();
  const files = [];
  for (const file of list) {
    const digest = createHash('sha256').update(readFileSync(file)).digest('hex');
    if (seen.has(digest)) {
      console.log(`note: ${file} has the same bytes as ${seen.get(digest)}; counted once`);
      continue;
    }
    seen.set(digest, file);
    files.push({ name: labelOf(file, corpus), path: file, bytes: statSync(file).size });
  }
  return files;
}

// ---- the variants ----

const base = api.profileManifest(PROFILE);
const def = api.profileDefinition(PROFILE);
const total = base.banks.reduce((n, b) => n + b.size, 0);
const randomRow = base.banks.find((b) => b.kind === 'random');
if (randomRow === undefined) fail(`the ${PROFILE} profile has no random tail`);
const bankVersion = api.BUILTIN_GENERATORS.find((g) => g.kind === 'bank')?.version ?? 1;
/** Profile rows of kind bank: the file each one comes from. */
const keptFiles = new Map(def.banks.filter((b) => b.bankFile !== undefined).map((b) => [b.bankFile.file.replace(/\.bank$/, ''), b.name]));

/** The manifest with ADDED rows before the random tail and the rows named in DROP left out. */
function variantManifest(added, drop) {
  const rows = base.banks.filter((b) => b.kind !== 'random' && !drop.includes(b.name));
  const all = [...rows, ...added];
  const used = all.reduce((n, b) => n + b.size, 0);
  if (used >= total) fail(`the banks take ${fmtBytes(used)} of the blob's ${fmtBytes(total)} bytes: no room left for the random tail`);
  return { ...base, banks: [...all, { ...randomRow, size: total - used }] };
}

function familyRow(file, names) {
  const text = readFileSync(file, 'utf8');
  let bytes;
  try {
    bytes = compileBank(text);
  } catch (e) {
    const { message, hint } = errorText(e);
    fail(`${file}: ${message}`, hint);
  }
  let name = path.basename(file, '.bank').toLowerCase().replace(/[^a-z0-9_-]/g, '-').slice(0, 60) || 'family';
  if (!/^[a-z0-9]/.test(name)) name = `f${name}`.slice(0, 60);
  while (names.has(name)) name = `${name}-x`;
  return { name, kind: 'bank', version: bankVersion, size: bytes.length, params: bankParams(text) };
}

function resolveVariants() {
  const available = readdirSync(ORCHARD_DIR).filter((n) => n.endsWith('.bank')).sort().map((n) => n.replace(/\.bank$/, ''));
  const specs = opt.families === undefined ? available : opt.families.split(',').map((s) => s.trim()).filter(Boolean);
  const adds = [];
  const drops = [];
  const names = new Set(base.banks.map((b) => b.name));
  for (const spec of specs) {
    const isPath = spec.endsWith('.bank') || spec.includes('/');
    if (!isPath && keptFiles.has(spec)) {
      drops.push([keptFiles.get(spec)]);
      continue;
    }
    const file = isPath ? path.resolve(spec) : path.join(ORCHARD_DIR, `${spec}.bank`);
    if (!existsSync(file)) fail(`--families: no family ${spec}`, `the families are: ${available.join(', ')} (or give a path to a .bank file)`);
    const row = familyRow(file, names);
    names.add(row.name);
    adds.push({ row, file });
  }
  if (opt['drop-groups']) {
    // Groups by kind; each row of kind bank is its own group; the random tail is no group.
    const groups = [];
    for (const b of base.banks) {
      if (b.kind === 'random') continue;
      const last = groups[groups.length - 1];
      if (b.kind !== 'bank' && last !== undefined && last.kind === b.kind) last.names.push(b.name);
      else groups.push({ kind: b.kind, names: [b.name] });
    }
    for (const g of groups) drops.push(g.names);
  }
  const variants = [];
  for (const { row, file } of adds.sort((a, b) => (a.row.name < b.row.name ? -1 : a.row.name > b.row.name ? 1 : 0))) {
    variants.push({ name: `+${row.name}`, kind: 'add', file: path.relative(REPO, file) || file, bankBytes: row.size, banks: [row.name], manifest: variantManifest([row], []) });
  }
  // Drops in the profile's order, each set once.
  const order = new Map(base.banks.map((b, i) => [b.name, i]));
  const seen = new Set();
  for (const d of drops.map((d) => [...d].sort((a, b) => order.get(a) - order.get(b))).sort((a, b) => order.get(a[0]) - order.get(b[0]))) {
    const key = d.join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    const bankBytes = -base.banks.filter((b) => d.includes(b.name)).reduce((n, b) => n + b.size, 0);
    variants.push({ name: `drop ${key}`, kind: 'drop', bankBytes, banks: d, manifest: variantManifest([], d) });
  }
  return variants;
}

// ---- building ----

async function buildSet(label, manifest, files, { replayCheck = false } = {}) {
  const dir = path.join(work, label.replace(/[^a-z0-9.,+-]+/gi, '_'));
  const home = path.join(dir, 'home');
  mkdirSync(home, { recursive: true });
  const t0 = process.hrtime.bigint();
  const perFile = {};
  let blobId;
  for (const f of files) {
    const output = path.join(dir, `${f.name.replace(/[^a-z0-9._-]+/gi, '_')}.pbb`);
    let r;
    try {
      r = await api.build({ input: f.path, output, force: true, manifest, home });
    } catch (e) {
      const { message, hint } = errorText(e);
      fail(`${label}: building ${f.path} failed: ${message}`, hint);
    }
    blobId = r.blobId;
    perFile[f.name] = { bytes: r.pbbBytes, fromBanks: r.bytesFrom.banks };
    if (replayCheck) {
      const back = path.join(dir, 'replay.out');
      try {
        await api.replay({ input: output, output: back, force: true, manifest, home });
      } catch (e) {
        const { message, hint } = errorText(e);
        fail(`${label}: replaying ${f.name} failed: ${message}`, hint);
      }
      const same = readFileSync(back).equals(readFileSync(f.path));
      rmSync(back, { force: true });
      if (!same) fail(`${label}: the replay of ${f.name} differs from the file`);
      perFile[f.name].replayed = true;
    }
    if (!opt.keep) rmSync(output, { force: true });
  }
  if (!opt.keep) rmSync(dir, { recursive: true, force: true });
  return { blobId, perFile, secs: seconds(t0) };
}

// ---- main ----

const files = resolveFiles();
if (files.length === 0) fail('no file to build');
const variants = resolveVariants();
if (variants.length === 0) fail('no variant to measure (--families is empty)');

work = mkdtempSync(path.join(os.tmpdir(), 'pfsc-bench-orchard-'));
process.env.PFSC_HOME = path.join(work, 'home'); // nothing should use it: every call passes its home

const inputBytes = files.reduce((n, f) => n + f.bytes, 0);
console.log(`${files.length} files, ${fmtBytes(inputBytes)} bytes; ${variants.length} variants and the baseline (profile ${PROFILE}, ${fmtBytes(total)} bytes)`);
console.log(`work folder ${work}`);

const baseline = await buildSet('baseline', base, files, { replayCheck: true });
const baselineTotal = files.reduce((n, f) => n + baseline.perFile[f.name].bytes, 0);
const baselineBanks = files.reduce((n, f) => n + baseline.perFile[f.name].fromBanks, 0);
console.log(`  baseline: ${fmtBytes(baselineTotal)} bytes, Blob_ID ${baseline.blobId}; ${files.length} of ${files.length} replays byte-exact (${baseline.secs.toFixed(1)} s)`);

const results = [];
for (const v of variants) {
  const r = await buildSet(v.name, v.manifest, files);
  const perFile = {};
  let sum = 0;
  let fromBanks = 0;
  let better = 0;
  let worse = 0;
  for (const f of files) {
    const b = baseline.perFile[f.name];
    const a = r.perFile[f.name];
    const delta = a.bytes - b.bytes;
    perFile[f.name] = { bytes: a.bytes, delta, fromBanks: a.fromBanks, fromBanksDelta: a.fromBanks - b.fromBanks };
    sum += a.bytes;
    fromBanks += a.fromBanks - b.fromBanks;
    if (delta < 0) better++;
    if (delta > 0) worse++;
  }
  const delta = sum - baselineTotal;
  const res = { name: v.name, kind: v.kind, file: v.file, banks: v.banks, bankBytes: v.bankBytes, blobId: r.blobId, total: sum, delta, pct: baselineTotal ? (100 * delta) / baselineTotal : 0, better, worse, fromBanksDelta: fromBanks, secs: r.secs, files: perFile };
  results.push(res);
  console.log(`  ${v.name}: ${fmtBytes(sum)} bytes, ${signed(delta)} (${r.secs.toFixed(1)} s)`);
}

function signed(n) {
  return n > 0 ? `+${fmtBytes(n)}` : n < 0 ? `-${fmtBytes(-n)}` : '0';
}
function pct(x) {
  return x === 0 ? '0' : `${x > 0 ? '+' : '-'}${Math.abs(x).toFixed(3)}%`;
}

console.log('');
const rows = [['baseline', '0', String(files.length), fmtBytes(baselineTotal), '', '', '', '', '']];
for (const r of results) {
  rows.push([r.name, signed(r.bankBytes), String(files.length), fmtBytes(r.total), signed(r.delta), pct(r.pct), String(r.better), String(r.worse), signed(r.fromBanksDelta)]);
}
console.log(
  table(
    [
      { title: 'variant', align: 'l' },
      { title: 'bank bytes', align: 'r' },
      { title: 'files', align: 'r' },
      { title: 'total bytes', align: 'r' },
      { title: 'Δ bytes', align: 'r' },
      { title: 'Δ %', align: 'r' },
      { title: 'better', align: 'r' },
      { title: 'worse', align: 'r' },
      { title: 'Δ from banks', align: 'r' },
    ],
    rows,
  ),
);
console.log(`baseline total ${fmtBytes(baselineTotal)} bytes of .pbb for ${fmtBytes(inputBytes)} bytes of ${files.length} files (Blob_ID ${baseline.blobId})`);
console.log('"Δ from banks": the change in output bytes copied from the generated banks (bytesFrom.banks), summed.');

if (opt.verbose) {
  for (const r of results) {
    console.log('');
    console.log(
      table(
        [
          { title: r.name, align: 'l' },
          { title: 'baseline', align: 'r' },
          { title: 'variant', align: 'r' },
          { title: 'Δ bytes', align: 'r' },
          { title: 'from banks', align: 'r' },
          { title: 'Δ from banks', align: 'r' },
        ],
        files.map((f) => {
          const x = r.files[f.name];
          return [f.name, fmtBytes(baseline.perFile[f.name].bytes), fmtBytes(x.bytes), signed(x.delta), fmtBytes(x.fromBanks), signed(x.fromBanksDelta)];
        }),
      ),
    );
  }
}

if (opt.json) {
  const figures = {
    date: new Date().toISOString(),
    node: process.version,
    machine: { platform: process.platform, arch: process.arch, cpus: os.cpus().length, cpu: os.cpus()[0]?.model },
    profile: PROFILE,
    blobBytes: total,
    files: files.map((f) => ({ name: f.name, path: f.path, bytes: f.bytes })),
    baseline: { blobId: baseline.blobId, total: baselineTotal, fromBanks: baselineBanks, secs: baseline.secs, files: baseline.perFile },
    variants: results,
  };
  writeFileSync(opt.json, JSON.stringify(figures, null, 2) + '\n');
  console.log(`figures written to ${opt.json}`);
}
if (opt.keep) console.log(`kept ${work}`);
else cleanup();
