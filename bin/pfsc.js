#!/usr/bin/env node
// The pfsc command. The program is compiled from src/ into dist/ and bundled into one script,
// dist/cli/main.cjs (scripts/bundle-cli.js), by `npm install` (the prepare script) or
// `npm run build`. This file compiles that script with a V8 code cache: compiling the
// command's code was the largest part of its start-up, and Node 20 caches no compiled code
// for ES modules. The cache is kept in pfsc's cache folder (once that exists), one file per
// script version, Node version and architecture, written after a run that found none (or
// one V8 refused).
// PFSC_CODE_CACHE=0 turns it off.
// This file is CommonJS on purpose (bin/package.json says so for bin/): an ES module entry
// point starts Node's ES module loader before any of pfsc runs, 12-24 ms of every command's
// start on these machines (medians of 31 interleaved runs). The loader now starts only when
// something is imported at run time (a plugin, the package for one).
const { isAscii } = require('node:buffer');
const { createHash } = require('node:crypto');
const { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { homedir } = require('node:os');
const { dirname, isAbsolute, join, resolve } = require('node:path');
const { pathToFileURL } = require('node:url');
const vm = require('node:vm');

const bundle = join(__dirname, '..', 'dist', 'cli', 'main.cjs');

let bytes;
try {
  bytes = readFileSync(bundle);
} catch {
  const root = resolve(__dirname, '..');
  process.stderr.write(
    `pfsc: cannot start: ${bundle} is missing, so pfsc has not been built.\n` +
      `hint: run \`npm install\` (or \`npm run build\`) in ${root}, then try again.\n`,
  );
  process.exit(1);
}

/**
 * pfsc's cache folder, by the rules of resolvePfscHome (src/blob/cache.ts). Only the user's
 * own folder: V8 runs the code a cache file holds.
 */
function cacheHome() {
  const env = process.env.PFSC_HOME;
  if (env !== undefined && env !== '') return resolve(env);
  const xdg = process.env.XDG_CACHE_HOME;
  if (xdg !== undefined && xdg !== '' && isAbsolute(xdg)) return join(xdg, 'pfsc');
  return join(homedir(), '.cache', 'pfsc');
}

const useCache = process.env.PFSC_CODE_CACHE !== '0';
const home = cacheHome();
const cacheDir = join(home, 'code-cache');

/**
 * Runs a CommonJS script of dist/cli/ (its bytes given) compiled with a V8 code cache named
 * after it (`name`), and returns its exports.
 */
function runCached(file, bytes, name) {
  // V8 checks a cache's V8 version and flags, and the length of the source, not its text:
  // the file name carries the script's digest, so a cache is only ever offered to its script.
  const cacheName = `${name}-${createHash('sha256').update(bytes).digest('hex').slice(0, 32)}-${process.version}-${process.arch}.v8`;
  // The bundler writes the scripts in ASCII, which reads fastest as latin1 (one byte a character).
  const source = isAscii(bytes) ? bytes.latin1Slice(0, bytes.length) : bytes.toString('utf8');
  const cacheFile = join(cacheDir, cacheName);
  // A cache is about two thirds of the script's size; a file far larger is not one of ours.
  const maxCacheBytes = 8 * bytes.length + (1 << 20);
  let cachedData;
  if (useCache) {
    try {
      if (statSync(cacheFile).size <= maxCacheBytes) cachedData = readFileSync(cacheFile);
    } catch {
      // None yet: this run writes it.
    }
  }
  // The CommonJS wrapper, on the script's first line so its line numbers stay the script's.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, cachedData });
  const cjsModule = { exports: {} };
  script.runInThisContext()(cjsModule.exports, createRequire(file), cjsModule, file, dirname(file));
  if (useCache && (cachedData === undefined || script.cachedDataRejected)) {
    // At exit the cache also holds the functions this run compiled. It goes into the cache
    // folder only once that exists (the first build makes it: `pfsc doctor` and `--help`
    // leave no folder behind). A folder that cannot be written just means no cache; older
    // caches of the same script in it are removed.
    const older = new RegExp(`^${name}-[0-9a-f]{32}-.*\\.v8$`);
    process.once('exit', () => {
      try {
        if (!statSync(home).isDirectory()) return;
        mkdirSync(cacheDir, { recursive: true });
        const tmp = join(cacheDir, `.${cacheName}.${process.pid}.tmp`);
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, cacheFile);
        for (const f of readdirSync(cacheDir)) {
          if (f !== cacheName && older.test(f)) rmSync(join(cacheDir, f), { force: true });
        }
      } catch {
        // Not writable here: the next run compiles again.
      }
    });
  }
  return cjsModule.exports;
}

// A script has no import() in Node 20: lend it this module's (src/cli/dynamic-import.ts).
// The package's own name is resolved from the package's root, not from bin/ (whose
// package.json has no name): the same file, so the same module, that plugins get for 'pfsc'.
const fromPackageRoot = createRequire(join(__dirname, '..', 'package.json'));
globalThis[Symbol.for('pfsc.cli.import')] = (specifier) =>
  import(specifier === 'pfsc' ? pathToFileURL(fromPackageRoot.resolve('pfsc')).href : specifier);
// The command's other scripts (dist/cli/lmdb.cjs: a package bundled apart, which most
// commands never load), each run once, with a code cache of its own. Undefined when the
// script is missing: the command then requires the package itself.
const scripts = new Map();
globalThis[Symbol.for('pfsc.cli.script')] = (name) => {
  if (!/^[a-z]+$/.test(name)) throw new Error(`pfsc: no script ${name}`);
  if (!scripts.has(name)) {
    const file = join(dirname(bundle), `${name}.cjs`);
    let got;
    try {
      got = readFileSync(file);
    } catch {
      got = undefined;
    }
    scripts.set(name, got === undefined ? undefined : runCached(file, got, name));
  }
  return scripts.get(name);
};

// The commands that run most have a cache each: a cache holds the functions the run that
// wrote it compiled, and V8 deserializes all of them. A replay's own cache is about 60% of
// a build's, and deserializing it took 7.3 instead of 10 ms (medians of 5). Other commands
// share one.
const OWN_CACHE = new Set(['build', 'replay', 'exec']);
const command = process.argv[2];
const main = runCached(bundle, bytes, OWN_CACHE.has(command) ? `cli-${command}` : 'cli');

// main() ends the process itself, with the command's exit code (and reports its own errors).
main.main(process.argv);
