// Code shared by the bench scripts: locations, the dev corpus, hashing, plain-text tables
// and the command line. Plain ESM, no build step.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** Root of the pfsc repository (the folder holding package.json). */
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Default corpus folder (git-ignored). */
export const DEFAULT_CORPUS = path.join(REPO, 'corpus-dev');

/** The script that builds the public measuring corpus, next to the repository. */
export const CORPUS_SCRIPT = path.resolve(REPO, '..', 'shared', 'corpus', 'make-dev-corpus.sh');

/**
 * Makes sure DIR holds the dev corpus (DIR/MANIFEST.tsv); builds it with make-dev-corpus.sh if not.
 * Returns the absolute corpus folder. Throws with a readable message when it cannot.
 */
export function ensureCorpus(dir) {
  const abs = path.resolve(dir);
  if (existsSync(path.join(abs, 'MANIFEST.tsv'))) return abs;
  if (!existsSync(CORPUS_SCRIPT)) {
    throw new Error(`${abs}/MANIFEST.tsv is missing and the corpus script was not found at ${CORPUS_SCRIPT}`);
  }
  console.log(`corpus: ${abs} has no MANIFEST.tsv; building it with ${CORPUS_SCRIPT} (needs npm pack) ...`);
  const t0 = process.hrtime.bigint();
  const r = spawnSync('bash', [CORPUS_SCRIPT, abs], { stdio: 'inherit' });
  if (r.status !== 0 || !existsSync(path.join(abs, 'MANIFEST.tsv'))) {
    throw new Error(`building the corpus failed (exit ${r.status ?? r.signal ?? r.error?.message})`);
  }
  console.log(`corpus: built in ${seconds(t0).toFixed(1)} s`);
  return abs;
}

/** Reads DIR/MANIFEST.tsv into a Map path -> {bytes, sha256}. */
export function readManifest(dir) {
  const m = new Map();
  for (const line of readFileSync(path.join(dir, 'MANIFEST.tsv'), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const [p, bytes, sha256] = line.split('\t');
    m.set(p, { bytes: Number(bytes), sha256 });
  }
  return m;
}

function filesIn(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => statSync(path.join(dir, n)).isFile())
    .sort();
}

function dirsIn(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => statSync(path.join(dir, n)).isDirectory())
    .sort();
}

/**
 * The measuring cases of a corpus folder:
 *   { kind: 'cold', name: 'cold/<f>', input }
 *   { kind: 'warm', name: 'warm/<pair>' (+ '/<f>' when a pair has several files), input: new, ref: old }
 *   { kind: 'small', name: 'small/<set>', files: [...] }
 */
export function listCases(corpus) {
  const cases = [];
  for (const f of filesIn(path.join(corpus, 'cold'))) {
    cases.push({ kind: 'cold', name: `cold/${f}`, input: path.join(corpus, 'cold', f) });
  }
  for (const pair of dirsIn(path.join(corpus, 'warm'))) {
    const newDir = path.join(corpus, 'warm', pair, 'new');
    const oldDir = path.join(corpus, 'warm', pair, 'old');
    const files = filesIn(newDir).filter((f) => existsSync(path.join(oldDir, f)));
    for (const f of files) {
      cases.push({
        kind: 'warm',
        name: files.length > 1 ? `warm/${pair}/${f}` : `warm/${pair}`,
        input: path.join(newDir, f),
        ref: path.join(oldDir, f),
      });
    }
  }
  for (const set of dirsIn(path.join(corpus, 'small'))) {
    const d = path.join(corpus, 'small', set);
    cases.push({ kind: 'small', name: `small/${set}`, files: filesIn(d).map((f) => path.join(d, f)) });
  }
  return cases;
}

export function sha256File(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** Seconds since a process.hrtime.bigint() stamp. */
/**
 * The script's options from process.argv (node:util parseArgs, strict, with -h/--help added).
 * A usage error prints `<who>: <message>` and the help text and exits 2; --help prints the
 * help text and exits 0.
 */
export function parseCommandLine(options, help, who = 'bench') {
  let values;
  try {
    values = parseArgs({ options: { ...options, help: { type: 'boolean', short: 'h', default: false } }, strict: true }).values;
  } catch (e) {
    console.error(`${who}: ${e.message}\n\n${help}`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(help);
    process.exit(0);
  }
  return values;
}

export function seconds(t0) {
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

export function median(xs) {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function fmtBytes(n) {
  return n == null ? '-' : n.toLocaleString('en-US');
}

export function fmtSec(s) {
  if (s == null) return '-';
  return s < 10 ? s.toFixed(3) : s.toFixed(2);
}

export function fmtRatio(r) {
  return r == null || !Number.isFinite(r) ? '-' : r.toFixed(r < 10 ? 4 : 2);
}

/**
 * Plain-text table. columns: [{ title, align: 'l'|'r' }]; rows: arrays of strings, or
 * { span: 'text' } for a row whose text starts in the second column and runs past the others.
 */
export function table(columns, rows) {
  const widths = columns.map((c) => c.title.length);
  for (const r of rows) {
    if (!Array.isArray(r)) continue;
    r.forEach((cell, i) => (widths[i] = Math.max(widths[i], String(cell).length)));
  }
  const pad = (s, i) => (columns[i].align === 'r' ? String(s).padStart(widths[i]) : String(s).padEnd(widths[i]));
  const out = [];
  out.push(columns.map((c, i) => pad(c.title, i)).join('  ').trimEnd());
  out.push(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) {
    if (Array.isArray(r)) out.push(r.map((c, i) => pad(c, i)).join('  ').trimEnd());
    else out.push(`${pad(r.first ?? '', 0)}  ${r.span}`);
  }
  return out.join('\n');
}
