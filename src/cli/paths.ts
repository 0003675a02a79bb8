/**
 * Checks on the command line's files, made before any slow work starts so that a typo
 * fails at once with the right code rather than after the blob is built.
 */
import { constants } from 'node:fs';
import { access, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { PfscError, type ErrorCode } from '../errors.js';

/** Standard input or output. */
export const STDIO = '-';

function errnoOf(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null ? ((e as NodeJS.ErrnoException).code ?? undefined) : undefined;
}

/** The input must exist and be a readable regular file (or '-'). */
export async function checkInput(path: string, what = 'input file'): Promise<void> {
  if (path === STDIO) return;
  await checkReadableFile(path, what, 'PFSC_INPUT_NOT_FOUND', 'PFSC_INPUT_UNREADABLE');
}

/** Each --ref must be a readable regular file. */
export async function checkRefs(refs: readonly string[]): Promise<void> {
  for (const ref of refs) await checkReadableFile(ref, 'ref file', 'PFSC_REF_UNREADABLE', 'PFSC_REF_UNREADABLE');
}

async function checkReadableFile(path: string, what: string, missing: ErrorCode, unreadable: ErrorCode): Promise<void> {
  let isFile: boolean;
  try {
    isFile = (await stat(path)).isFile();
  } catch (e) {
    const errno = errnoOf(e);
    if (errno === 'ENOENT' || errno === 'ENOTDIR') throw new PfscError(missing, `${what} not found: ${path}`, { cause: e });
    throw new PfscError(unreadable, `cannot read ${what} ${path}: ${errno ?? String(e)}`, { cause: e });
  }
  if (!isFile) throw new PfscError(unreadable, `${what} is not a regular file: ${path}`);
  try {
    await access(path, constants.R_OK);
  } catch (e) {
    throw new PfscError(unreadable, `cannot read ${what} ${path}: permission denied`, { cause: e });
  }
}

/**
 * The output must not exist unless --force, must not be the input, and its folder must exist.
 */
export async function checkOutput(output: string, options: { force?: boolean; input?: string }): Promise<void> {
  if (output === STDIO) return;
  if (options.input !== undefined && options.input !== STDIO && resolve(options.input) === resolve(output)) {
    throw new PfscError('PFSC_USAGE', `the output would overwrite the input: ${output}`, {
      hint: 'Choose another output name with -o.',
    });
  }
  let exists = false;
  try {
    const st = await stat(output);
    if (st.isDirectory()) {
      throw new PfscError('PFSC_OUTPUT_UNWRITABLE', `the output is a folder: ${output}`, {
        hint: 'Give a file name with -o, e.g. -o DIR/name.',
      });
    }
    exists = true;
  } catch (e) {
    if (e instanceof PfscError) throw e;
    const errno = errnoOf(e);
    if (errno !== 'ENOENT') throw new PfscError('PFSC_OUTPUT_UNWRITABLE', `cannot use output ${output}: ${errno ?? String(e)}`, { cause: e });
  }
  if (exists && !options.force) throw new PfscError('PFSC_OUTPUT_EXISTS', `output file already exists: ${output}`);
  const dir = dirname(resolve(output));
  try {
    if (!(await stat(dir)).isDirectory()) throw new Error('not a folder');
  } catch (e) {
    throw new PfscError('PFSC_OUTPUT_UNWRITABLE', `the output folder does not exist: ${dirname(output)}`, { cause: e });
  }
}

/** Writes a small text file the CLI makes itself (the SVG), honouring --force. */
export async function writeTextOutput(path: string, text: string, force: boolean): Promise<void> {
  try {
    await writeFile(path, text, { flag: force ? 'w' : 'wx' });
  } catch (e) {
    const errno = errnoOf(e);
    if (errno === 'EEXIST') throw new PfscError('PFSC_OUTPUT_EXISTS', `output file already exists: ${path}`, { cause: e });
    throw new PfscError('PFSC_OUTPUT_UNWRITABLE', `cannot write ${path}: ${errno ?? String(e)}`, { cause: e });
  }
}

/** Default output of `pfsc replay`: the input without its .pbb suffix. */
export function replayOutputFor(input: string): string | undefined {
  if (input === STDIO) return STDIO;
  if (!input.toLowerCase().endsWith('.pbb') || input.length <= 4) return undefined;
  const base = input.slice(0, -4);
  // "dir/.pbb" would give "dir/"; no usable name.
  if (base.endsWith('/') || base.endsWith('\\')) return undefined;
  return base;
}

/** Default output of `pfsc build`: the input plus .pbb, or standard output for standard input. */
export function buildOutputFor(input: string): string {
  return input === STDIO ? STDIO : `${input}.pbb`;
}
