/**
 * Loads the library only when a command needs it. A failure to load is a broken install,
 * reported as an internal error with what to do about it.
 */
import { PfscError } from '../errors.js';

export type Api = typeof import('./api.js');

let loaded: Promise<Api> | undefined;

export function loadApi(): Promise<Api> {
  loaded ??= import('./api.js').catch((e: unknown) => {
    loaded = undefined;
    const message = e instanceof Error ? e.message : String(e);
    throw new PfscError('PFSC_INTERNAL', `the pfsc library could not be loaded: ${message}`, {
      cause: e,
      hint: 'The installation is incomplete or out of date; run `npm run build` in the pfsc folder (or reinstall), and report it if the problem stays.',
    });
  });
  return loaded;
}
