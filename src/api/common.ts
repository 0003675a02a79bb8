/** What the API's entry points share: defaults and the checks made before any work. */
import { access, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PfscError } from '../errors.js';

export const DEFAULT_PROFILE = 'orchard';

export async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}

/** Refuses early, before any work, when the output cannot be written. */
export async function checkOutput(output: string, force: boolean): Promise<void> {
  if (output === '-') return;
  if (!force && (await exists(output))) throw new PfscError('PFSC_OUTPUT_EXISTS', `output ${output} already exists`);
  try {
    await access(dirname(output));
  } catch (e) {
    throw new PfscError('PFSC_OUTPUT_UNWRITABLE', `cannot write ${output}: folder ${dirname(output)} does not exist`, { cause: e });
  }
}

export async function checkRefs(refs: readonly string[]): Promise<void> {
  for (const r of refs) {
    const st = await stat(r).catch(() => undefined);
    if (!st || !st.isFile()) throw new PfscError('PFSC_REF_UNREADABLE', `ref ${r} is not a readable regular file`);
  }
}

