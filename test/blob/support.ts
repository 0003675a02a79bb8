/** Shared pieces of the blob tests: temp folders, and the blob module compiled for child processes. */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

const made: string[] = [];

/** A new empty folder under the system temp folder, removed by removeTempDirs(). */
export function tempDir(prefix = 'pfsc-blob-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * Compiles src/blob/index.ts (and what it imports) with tsc into a fresh folder inside the
 * project, so child processes can import it and still find node_modules. Returns the path
 * of the compiled index.js. The folder is removed with removeTempDirs().
 */
export function compileBlobModule(): string {
  const base = join(ROOT, 'node_modules', '.cache');
  mkdirSync(base, { recursive: true });
  const out = mkdtempSync(join(base, 'pfsc-blob-test-'));
  made.push(out);
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(
    process.execPath,
    [
      tsc,
      join(ROOT, 'src', 'blob', 'index.ts'),
      '--outDir', out,
      '--rootDir', ROOT,
      '--module', 'nodenext',
      '--moduleResolution', 'nodenext',
      '--target', 'es2022',
      '--strict',
      '--skipLibCheck',
      '--types', 'node',
    ],
    { cwd: ROOT, stdio: 'pipe' },
  );
  const index = join(out, 'src', 'blob', 'index.js');
  if (!existsSync(index)) throw new Error(`tsc did not write ${index}`);
  return index;
}

export interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node --input-type=module -e script -- args...` (the script sees the args from
 * process.argv[1]) and collects its output. PFSC_HOME points into a temp folder, so a
 * script that forgets its home never touches the user's cache.
 */
export function runNodeScript(script: string, args: string[] = []): Promise<ChildResult> {
  const env = { ...process.env, PFSC_HOME: join(tempDir('pfsc-blob-child-home-'), 'home') };
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, '--', ...args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

/** The suites' seeded PRNG (floats in [0, 1)). */
export { mulberry32 as prng } from '../helpers/random.js';
