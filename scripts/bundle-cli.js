#!/usr/bin/env node
// Bundles the pfsc command (dist/src/cli/main.js, compiled by tsc) into dist/cli/:
//
//   main.cjs   the whole command as one CommonJS script. bin/pfsc.js compiles it with a V8
//              code cache (Node 20 has no compile cache for ES modules, and compiling the
//              command's code was the largest part of its start-up): `pfsc replay` of a
//              9 MB pair took 160 instead of 202 ms, `pfsc build` 428 instead of 483 ms
//              (medians of 20 interleaved runs against the earlier ES module chunks).
//              Code the command loads on demand (the API per command, the bank language)
//              is evaluated on first use, as the chunks were loaded on first use.
//   lmdb.cjs   lmdb's JavaScript with its pure-JavaScript dependencies (LMDB_PACKAGES), which
//              the command loads when it first opens the cache, through bin/pfsc.js, with a
//              code cache of its own; most commands (a replay from refs, --version) never do.
//   worker.js  the pCPU worker (parallel-lanes.ts starts it from new URL('./worker.js',
//              import.meta.url)), an ES module with its chunks.
//
// Packages in node_modules are left as require()s, but for commander (every command loads
// it; Node loaded it as a CommonJS package in about 20 ms), tapable (only the compiler uses
// it; a require() of a package is made when the script starts, a bundled one when first
// used) and chevrotain: a script cannot import an ES module package, so the bank
// language's parser gets chevrotain's single-file build bundled in
// (src/runtime/pcpu/chevrotain.ts loads the same file in the library). The script is kept
// to ASCII (other characters written as \u escapes), which Node reads and V8 scans faster
// than UTF-8 text.
// pfsc's own modules are treated as side-effect free: a module whose exports nothing uses
// is left out (the default plugins import the library entry point 'pfsc', which would
// otherwise pull in every module it re-exports). The library (dist/src/index.js) is not
// bundled: plugins and programs import it as tsc wrote it.
//
//   node scripts/bundle-cli.js      (npm run build runs it after tsc)
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(ROOT, 'dist');
const OUT = path.join(DIST, 'cli');
const MAIN = path.join(DIST, 'src', 'cli', 'main.js');
const WORKER = path.join(DIST, 'src', 'runtime', 'pcpu', 'worker.js');
const CHEVROTAIN_SHIM = path.join(DIST, 'src', 'runtime', 'pcpu', 'chevrotain.js');

for (const [name, file] of [['main', MAIN], ['worker', WORKER]]) {
  if (!existsSync(file)) {
    console.error(`bundle-cli: ${path.relative(ROOT, file)} (${name}) is missing; run tsc first (npm run build)`);
    process.exit(1);
  }
}

/** chevrotain's single-file build, beside its main entry (lib/src/api.js -> lib/chevrotain.mjs). */
function chevrotainFile() {
  const main = createRequire(import.meta.url).resolve('chevrotain');
  const single = path.join(path.dirname(main), '..', 'chevrotain.mjs');
  return existsSync(single) ? single : main;
}

const shared = {
  // The default plugins (plugins/) import the package by its name, as third-party plugins
  // do: inside the command that is the bundle itself, not a second copy of the library.
  resolve: { alias: { pfsc: path.join(DIST, 'src', 'index.js') } },
  treeshake: { moduleSideEffects: (id, external) => external || !id.startsWith(DIST + path.sep) },
  platform: 'node',
  logLevel: 'warn',
};
const isPackage = (id) => !id.startsWith('.') && !path.isAbsolute(id) && !id.startsWith('\0');
/** The package an import names: '@scope/name' or 'name', without any subpath. */
const packageOf = (id) => id.split('/').slice(0, id.startsWith('@') ? 2 : 1).join('/');

/**
 * lmdb's JavaScript and the pure-JavaScript packages it loads, bundled into lmdb.cjs: as
 * packages they took 35-45 ms to resolve, compile and run whenever a cache was opened (every
 * build), 15-20 ms bundled and covered by the script's code cache. Their native parts
 * (lmdb's and msgpackr-extract's .node files) stay in node_modules, found as before from the
 * package folders, which PATCHES point at instead of at the script's folder.
 */
const LMDB_PACKAGES = ['lmdb', 'msgpackr', 'msgpackr-extract', 'ordered-binary', 'weak-lru-cache', '@harperfast/extended-iterable', 'node-gyp-build-optional-packages', 'detect-libc'];
const LMDB_SHIM = path.join(DIST, 'src', 'blob', 'lmdb.js');

/**
 * Source edits of the bundled packages, each checked: a package version that no longer has
 * the text stops the bundle, with the package named, rather than building a command that
 * looks for a native part in the wrong folder or loads a module it need not.
 */
const PATCHES = [
  {
    // commander requires node:child_process when it loads, for subcommands that are separate
    // executables (pfsc has none). With node:net it pulls in, 3-5 ms of every command's start.
    file: path.join('commander', 'lib', 'command.js'),
    from: /const childProcess = require\('node:child_process'\);/,
    to: "let childProcessModule;\nconst childProcess = { spawn: (...a) => (childProcessModule ??= require('node:child_process')).spawn(...a) };",
    prologue: '',
  },
  {
    // lmdb finds its native part (and its compression dictionary) from its own file's path.
    file: path.join('lmdb', 'dist', 'index.cjs'),
    from: /__filename/g,
    to: '__lmdbFile',
    prologue: 'var __lmdbFile = require.resolve("lmdb");\n',
  },
  {
    // msgpackr-extract loads its native part from its own folder.
    file: path.join('msgpackr-extract', 'index.js'),
    from: /__dirname/g,
    to: '__msgpackrExtractDir',
    prologue: 'var __msgpackrExtractDir = require("path").dirname(require.resolve("msgpackr-extract"));\n',
  },
  {
    // detect-libc requires node:child_process as it loads (3-5 ms, with node:net) for a
    // fallback it seldom runs: the require is made on first use instead.
    file: path.join('detect-libc', 'lib', 'detect-libc.js'),
    from: /const childProcess = require\('child_process'\);/,
    to: "let childProcessModule;\nconst childProcess = { exec: (...a) => (childProcessModule ??= require('child_process')).exec(...a), execSync: (...a) => (childProcessModule ??= require('child_process')).execSync(...a) };",
    prologue: '',
  },
];

/** The rolldown plugin that makes PATCHES' edits, in whichever bundle a patched file lands. */
function patchesPlugin() {
  return {
    name: 'pfsc-patches',
    transform(code, id) {
      const patch = PATCHES.find((p) => id.endsWith(path.sep + 'node_modules' + path.sep + p.file));
      if (patch === undefined) return null;
      if (!patch.from.test(code)) {
        throw new Error(`bundle-cli: ${patch.file} no longer has ${patch.from}; update PATCHES for this version`);
      }
      patch.from.lastIndex = 0;
      patch.applied = true;
      return { code: patch.prologue + code.replace(patch.from, patch.to), map: null };
    },
  };
}

rmSync(OUT, { recursive: true, force: true });

// The command: one script, chevrotain imported statically instead of by top-level await.
const CHEVROTAIN = '\0pfsc-chevrotain';
const command = await rolldown({
  ...shared,
  input: { main: MAIN },
  external: (id) => isPackage(id) && !['pfsc', 'commander', 'tapable'].includes(id),
  plugins: [
    {
      name: 'pfsc-lmdb-script',
      load(id) {
        if (id !== LMDB_SHIM) return null;
        // lmdb from dist/cli/lmdb.cjs, which bin/pfsc.js runs with a code cache of its own;
        // the package itself when the script is not there (or the bundle runs some other way).
        return [
          'export function loadLmdb() {',
          "  const script = globalThis[Symbol.for('pfsc.cli.script')];",
          "  return (script !== undefined && script('lmdb')) || require('lmdb');",
          '}',
          '',
        ].join('\n');
      },
    },
    {
      name: 'pfsc-chevrotain-static',
      resolveId(id, importer) {
        if (importer !== undefined && id.startsWith('.') && path.resolve(path.dirname(importer), id) === CHEVROTAIN_SHIM) return CHEVROTAIN;
        return null;
      },
      load(id) {
        if (id !== CHEVROTAIN) return null;
        return `import * as chevrotain from ${JSON.stringify(chevrotainFile())};\nexport { chevrotain };\n`;
      },
    },
    patchesPlugin(),
  ],
});
await command.write({ dir: OUT, format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false, sourcemap: true });
await command.close();
// lmdb's script: the package's JavaScript with its pure-JavaScript dependencies, patched.
const LMDB_ENTRY = '\0pfsc-lmdb-entry';
const lmdbScript = await rolldown({
  ...shared,
  input: { lmdb: LMDB_ENTRY },
  external: (id) => isPackage(id) && !LMDB_PACKAGES.includes(packageOf(id)),
  // ordered-binary builds a string reader with eval() on purpose; it is not ours to change.
  onLog(level, log, handler) {
    if (log.code === 'EVAL' && String(log.id ?? log.message).includes('ordered-binary')) return;
    handler(level, log);
  },
  plugins: [
    {
      name: 'pfsc-lmdb-entry',
      resolveId: (id) => (id === LMDB_ENTRY ? id : null),
      load: (id) => (id === LMDB_ENTRY ? 'module.exports = require("lmdb");\n' : null),
    },
    patchesPlugin(),
  ],
});
await lmdbScript.write({ dir: OUT, format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false, sourcemap: true });
await lmdbScript.close();
for (const p of PATCHES) {
  if (!p.applied) {
    console.error(`bundle-cli: ${p.file} was not bundled, so its edit was not made; check PATCHES and LMDB_PACKAGES`);
    process.exit(1);
  }
}

// Non-ASCII characters as \u escapes. They stand in strings, template texts, regular
// expressions and comments, where an escape means the same character; one after a backslash
// (an escape of its own) or in a raw template text would not, so those stop the build.
const SCRIPT = path.join(OUT, 'main.cjs');
const text = readFileSync(SCRIPT, 'utf8');
if (/\\[^\x00-\x7f]/u.test(text) || /String\.raw|\.raw\b/.test(text)) {
  console.error('bundle-cli: main.cjs has an escaped non-ASCII character or a raw template text; cannot write it as ASCII');
  process.exit(1);
}
const escapeUnit = (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
writeFileSync(SCRIPT, text.replace(/[^\x00-\x7f]/g, escapeUnit));

// The pCPU worker: an ES module, as Worker starts it.
const worker = await rolldown({ ...shared, input: { worker: WORKER }, external: (id) => isPackage(id) && id !== 'pfsc' });
await worker.write({ dir: OUT, format: 'esm', entryFileNames: '[name].js', chunkFileNames: 'worker-[name]-[hash].js', sourcemap: true });
await worker.close();
