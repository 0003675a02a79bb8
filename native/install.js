#!/usr/bin/env node
// npm's `install` script: compiles the native engine with node-gyp against the local Node
// headers, and never fails the install. When the build cannot run (no compiler, no headers)
// pfsc uses its JavaScript engine; the reason goes to native/build/status.json, which the
// loader (src/engine/load-native.ts) prints once at first use.
//
//   node native/install.js        (npm install runs it; run it again after changing native/)
//
// Nothing is downloaded: no prebuilt binaries, and no Node headers (node-gyp would fetch
// them when the local ones are missing, so the build is skipped instead).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const NATIVE = dirname(fileURLToPath(import.meta.url));
const BUILD = join(NATIVE, 'build');

function onPath(names) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of names) if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** node-gyp: the one npm runs scripts with, else the one bundled with npm beside node. */
function findNodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    join(dirname(process.execPath), 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  return candidates.find((p) => p && existsSync(p));
}

/** The folder whose include/node holds this Node's headers (node-gyp's --nodedir). */
function findNodeDir() {
  const candidates = [process.env.npm_config_nodedir, join(dirname(process.execPath), '..')];
  return candidates.find((d) => d && existsSync(join(d, 'include', 'node', 'node_api.h')) && existsSync(join(d, 'include', 'node', 'common.gypi')));
}

function record(status) {
  mkdirSync(BUILD, { recursive: true });
  writeFileSync(join(BUILD, 'status.json'), `${JSON.stringify({ ...status, node: process.version, at: new Date().toISOString() }, null, 2)}\n`);
}

function skip(reason) {
  record({ ok: false, reason });
  console.log(`pfsc: the native engine was not built (${reason}); pfsc will use its JavaScript engine`);
  process.exit(0);
}

/** The line of node-gyp's output that says what went wrong, in short. */
function failureLine(output) {
  const lines = output.split('\n').map((l) => l.trim()).filter(Boolean);
  const compiler = lines.find((l) => /(error|not found|No such file)/i.test(l) && !l.startsWith('gyp ERR!') && !l.startsWith('gyp info'));
  const gyp = lines.filter((l) => l.startsWith('gyp ERR!') && !/gyp ERR! (stack|System|command|cwd|node -v|node-gyp -v|not ok)/.test(l)).pop();
  return (compiler ?? gyp ?? lines.pop() ?? 'node-gyp failed').slice(0, 300);
}

if (process.env.PFSC_SKIP_NATIVE_BUILD === '1') skip('PFSC_SKIP_NATIVE_BUILD=1');
const nodeGyp = findNodeGyp();
if (nodeGyp === undefined) skip('node-gyp was not found (it comes with npm)');
const nodeDir = findNodeDir();
if (nodeDir === undefined) skip(`Node's headers are not installed beside ${process.execPath} (include/node), and pfsc does not download them`);
if (onPath([process.env.CXX ?? 'c++', 'g++', 'clang++']) === undefined) skip('no C++ compiler (c++, g++ or clang++) on the PATH');
if (onPath(['make']) === undefined) skip('make is not on the PATH');
if (onPath(['python3', 'python']) === undefined) skip('python3 is not on the PATH (node-gyp needs it)');

const started = Date.now();
const r = spawnSync(process.execPath, [nodeGyp, 'rebuild', `--nodedir=${nodeDir}`, '--jobs=2'], {
  cwd: NATIVE,
  encoding: 'utf8',
  env: { ...process.env, npm_config_nodedir: nodeDir },
  maxBuffer: 64 * 1024 * 1024,
});
const output = `${r.stdout ?? ''}\n${r.stderr ?? ''}`;
mkdirSync(BUILD, { recursive: true });
writeFileSync(join(BUILD, 'build.log'), output);
if (r.error !== undefined) skip(`node-gyp could not run: ${r.error.message}`);
if (r.status !== 0 || !existsSync(join(BUILD, 'Release', 'pfsc_native.node'))) skip(`node-gyp failed: ${failureLine(output)}`);
record({ ok: true });
console.log(`pfsc: built the native engine in ${((Date.now() - started) / 1000).toFixed(1)} s (native/build/Release/pfsc_native.node)`);
