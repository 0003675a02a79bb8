/**
 * import() of a specifier known only at run time (a plugin's file URL, the package's own
 * name). The pfsc command runs as one CommonJS script compiled with a V8 code cache
 * (bin/pfsc.js), and a script has no import() of its own in Node 20; the loader lends it
 * one (under IMPORT_HOOK), which resolves from bin/, inside the package. Elsewhere (the
 * library as tsc wrote it, the tests) this module's own import() is used.
 */
export const IMPORT_HOOK = Symbol.for('pfsc.cli.import');

type Importer = (specifier: string) => Promise<unknown>;

export function importAtRunTime(specifier: string): Promise<unknown> {
  const hook = (globalThis as Record<symbol, Importer | undefined>)[IMPORT_HOOK];
  return hook !== undefined ? hook(specifier) : import(specifier);
}
