/**
 * Loads each library entry point only when a command calls it, so --help and usage errors
 * load nothing and `replay` never loads the compiler. A failure to load is a broken install,
 * reported as an internal error with what to do about it.
 */
import type { build } from '../api/build.js';
import type { replay } from '../api/replay.js';
import type { exec } from '../api/exec.js';
import type { inspect } from '../api/inspect.js';
import type { blobBuild, blobInfo } from '../api/blob.js';
import { PfscError } from '../errors.js';

export interface Api {
  build: typeof build;
  replay: typeof replay;
  exec: typeof exec;
  inspect: typeof inspect;
  blobInfo: typeof blobInfo;
  blobBuild: typeof blobBuild;
}

async function load<T>(importer: () => Promise<T>): Promise<T> {
  try {
    return await importer();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new PfscError('PFSC_INTERNAL', `the pfsc library could not be loaded: ${message}`, {
      cause: e,
      hint: 'The installation is incomplete or out of date; run `npm run build` in the pfsc folder (or reinstall), and report it if the problem stays.',
    });
  }
}

const api: Api = {
  build: async (o) => (await load(() => import('../api/build.js'))).build(o),
  replay: async (o) => (await load(() => import('../api/replay.js'))).replay(o),
  exec: async (o) => (await load(() => import('../api/exec.js'))).exec(o),
  inspect: async (o) => (await load(() => import('../api/inspect.js'))).inspect(o),
  blobInfo: async (o) => (await load(() => import('../api/blob.js'))).blobInfo(o),
  blobBuild: async (o) => (await load(() => import('../api/blob.js'))).blobBuild(o),
};

export async function loadApi(): Promise<Api> {
  return api;
}
