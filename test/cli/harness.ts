/**
 * Runs the real pfsc command (node bin/pfsc.js) as a user would, with a private PFSC_HOME.
 * The tests need dist/ built from the current sources: `npm test` runs tsc first; when
 * running vitest alone, run `npx tsc -p tsconfig.json` before.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(ROOT, 'bin', 'pfsc.js');
const DIST_INDEX = join(ROOT, 'dist', 'src', 'index.js');

export interface CliRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  stdoutBytes: Buffer;
}

export interface RunOptions {
  cwd?: string;
  /** PFSC_HOME for the run; every test file passes its own temp folder. */
  home: string;
  env?: Record<string, string | undefined>;
  input?: Buffer | string;
}

function childEnv(o: RunOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PFSC_HOME: o.home, FORCE_COLOR: '0', NO_COLOR: '1' };
  delete env.PFSC_DEBUG;
  for (const [k, v] of Object.entries(o.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Runs `pfsc ...args` to completion. */
export function runCli(args: string[], o: RunOptions): CliRun {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: o.cwd ?? ROOT,
    env: childEnv(o),
    input: o.input,
    maxBuffer: 256 * 1024 * 1024,
    timeout: 120_000,
  });
  if (r.error) throw r.error;
  return {
    status: r.status,
    signal: r.signal,
    stdout: r.stdout.toString('utf8'),
    stderr: r.stderr.toString('utf8'),
    stdoutBytes: r.stdout,
  };
}

/** Runs `pfsc ...args` and closes our end of its standard output at once. */
export function runWithClosedStdout(args: string[], o: RunOptions): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: o.cwd ?? ROOT, env: childEnv(o), stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

export function makeTemp(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `pfsc-${prefix}-`));
}

/** True when the library's public API is built (dist/src/index.js exports build and replay). */
export function detectApi(): boolean {
  if (!existsSync(DIST_INDEX)) return false;
  const probe = `const m = await import(${JSON.stringify(pathToFileURL(DIST_INDEX).href)});
process.exit(['build', 'replay', 'inspect', 'blobInfo', 'blobBuild'].every((n) => typeof m[n] === 'function') ? 0 : 1);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { cwd: ROOT, timeout: 60_000 });
  return r.status === 0;
}

function filesUnder(dir: string, ext: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(p, ext));
    else if (entry.name.endsWith(ext)) out.push(p);
  }
  return out;
}

/** Throws a clear message when dist/ lacks or predates the CLI sources. */
export function assertBuilt(): void {
  const stale: string[] = [];
  for (const src of filesUnder(join(ROOT, 'src', 'cli'), '.ts')) {
    const rel = relative(ROOT, src).replace(/\.ts$/, '.js');
    const out = join(ROOT, 'dist', rel);
    if (!existsSync(out) || statSync(out).mtimeMs + 1 < statSync(src).mtimeMs) stale.push(rel);
  }
  if (stale.length > 0) {
    throw new Error(`dist/ is missing or older than the sources (${stale.slice(0, 3).join(', ')}...); run \`npx tsc -p tsconfig.json\` first (npm test does).`);
  }
}

/** True when a text has no stack-trace line. */
export function hasNoStack(text: string): boolean {
  return !/^\s+at .+/m.test(text);
}

/** Deterministic pseudo-random bytes (xorshift32). */
export function pseudoRandom(n: number, seed = 0x9e3779b9): Buffer {
  const out = Buffer.alloc(n);
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
