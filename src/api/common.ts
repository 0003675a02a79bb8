/**
 * What the API's entry points share: defaults and the checks made before any work. The
 * checks are single stat() calls, made synchronously: through libuv's pool each would wait
 * behind the reads a command starts early (prefetchRefs), a few milliseconds apiece on two
 * cores, for a call that takes microseconds.
 */
import { accessSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { PfscError } from '../errors.js';

export const DEFAULT_PROFILE = 'orchard';

export async function exists(path: string): Promise<boolean> {
  try {
    return statSync(path, { throwIfNoEntry: false }) !== undefined;
  } catch {
    return false; // as a failed stat() said before: not there for pfsc's purposes
  }
}

/** Refuses early, before any work, when the output cannot be written. */
export async function checkOutput(output: string, force: boolean): Promise<void> {
  if (output === '-') return;
  if (!force && (await exists(output))) throw new PfscError('PFSC_OUTPUT_EXISTS', `output ${output} already exists`);
  try {
    accessSync(dirname(output));
  } catch (e) {
    throw new PfscError('PFSC_OUTPUT_UNWRITABLE', `cannot write ${output}: folder ${dirname(output)} does not exist`, { cause: e });
  }
}

export async function checkRefs(refs: readonly string[]): Promise<void> {
  for (const r of refs) {
    let st;
    try {
      st = statSync(r, { throwIfNoEntry: false });
    } catch {
      st = undefined; // not searchable, name too long, ...: not readable either way
    }
    if (!st || !st.isFile()) throw new PfscError('PFSC_REF_UNREADABLE', `ref ${r} is not a readable regular file`);
  }
}
