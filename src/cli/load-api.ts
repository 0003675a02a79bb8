/**
 * Loads each library entry point only when a command calls it, so --help and usage errors
 * load nothing and `replay` never loads the compiler. A failure to load is a broken install,
 * reported as an internal error with what to do about it.
 *
 * With --plugin, the API comes from the package entry point instead ('pfsc', the library as
 * tsc wrote it, the copy a plugin's own `import ... from 'pfsc'` finds), so the plugin and
 * the command share one copy of pfsc and its PfscError; --plugin and --manifest are read
 * here, by modules loaded only when those options are given.
 */
import type { build } from '../api/build.js';
import type { replay } from '../api/replay.js';
import type { exec } from '../api/exec.js';
import type { inspect } from '../api/inspect.js';
import type { blobBuild, blobInfo } from '../api/blob.js';
import type { Manifest } from '../blob/types.js';
import type { PfscPlugin } from '../compiler/types.js';
import type { ManifestChecker } from './manifest-file.js';
import { PfscError } from '../errors.js';
import { debugEnabled, type CliContext } from './context.js';
import { importAtRunTime } from './dynamic-import.js';

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

// importAtRunTime imports by a computed specifier, which the bundler cannot follow: 'pfsc'
// stays the package (resolved by Node through the package's own name) rather than a second
// copy inside the bundle.

/** The package entry point, as far as the CLI uses it. */
type Library = Api & ManifestChecker;

let library: Library | undefined;

/** The API (and the manifest validator) as the package entry point exports them. */
async function libraryModule(): Promise<Library> {
  if (library === undefined) {
    const lib = (await load(() => importAtRunTime('pfsc'))) as Library;
    library = {
      build: lib.build,
      replay: lib.replay,
      exec: lib.exec,
      inspect: lib.inspect,
      blobInfo: lib.blobInfo,
      blobBuild: lib.blobBuild,
      validateManifest: lib.validateManifest,
      defaultRegistry: lib.defaultRegistry,
    };
  }
  return library;
}

/** What --plugin and --manifest add to a command's library options. */
export interface Extensions {
  plugins?: PfscPlugin[];
  manifest?: Manifest;
}

export interface LoadOptions {
  /**
   * The command reads a blueprint whose header may name plugin transforms (replay, exec):
   * a manifest bank kind no plugin provides is then reported only if the library finds no
   * missing transform first, so `replay X.pbb --manifest M.json` without the plugin says
   * which transform is missing (PFSC_UNSUPPORTED), as it would without --manifest.
   */
  transformsFirst?: boolean;
}

function codeOf(e: unknown): unknown {
  return typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
}

/** The API, with PFSC_BANK_UNKNOWN from any call replaced by `known` (the same fault, naming the file). */
function reportingBankUnknown(api: Api, known: unknown): Api {
  const wrap =
    <A, R>(f: (o: A) => Promise<R>) =>
    async (o: A): Promise<R> => {
      try {
        return await f(o);
      } catch (e) {
        throw codeOf(e) === 'PFSC_BANK_UNKNOWN' ? known : e;
      }
    };
  return {
    build: wrap(api.build),
    replay: wrap(api.replay),
    exec: wrap(api.exec),
    inspect: wrap(api.inspect),
    blobInfo: wrap(api.blobInfo),
    blobBuild: wrap(api.blobBuild),
  };
}

/**
 * The API and the library options --plugin and --manifest give (none when they are not
 * given: then nothing more is loaded). In order: the manifest file is read and parsed, every
 * plugin module is resolved, and only then are the modules imported (their code runs); the
 * manifest is then validated with the plugins' bank kinds, before the command starts.
 */
export async function loadApiWith(
  ctx: CliContext,
  opts: { plugin?: string[]; manifest?: string },
  o: LoadOptions = {},
): Promise<{ api: Api; ext: Extensions }> {
  const ext: Extensions = {};
  let manifestJson: unknown;
  const manifestFile = await (opts.manifest === undefined ? undefined : import('./manifest-file.js'));
  if (manifestFile !== undefined) manifestJson = await manifestFile.readManifestFile(opts.manifest!);
  let api: Api;
  let checker: ManifestChecker | undefined = manifestFile?.BUNDLED_CHECKER;
  if (opts.plugin !== undefined && opts.plugin.length > 0) {
    const { loadPlugins } = await import('./plugin-loader.js');
    ext.plugins = await loadPlugins(opts.plugin, { debug: debugEnabled(ctx.io.env) });
    // The plugins import 'pfsc': the command uses that copy too, so they share its classes.
    const lib = await libraryModule();
    api = lib;
    checker = lib;
  } else {
    api = await loadApi();
  }
  if (manifestFile !== undefined) {
    try {
      ext.manifest = manifestFile.checkManifest(opts.manifest!, manifestJson, checker!, ext.plugins);
    } catch (e) {
      if (!(o.transformsFirst === true && codeOf(e) === 'PFSC_BANK_UNKNOWN')) throw e;
      // The library checks the header's transforms, then refuses the manifest the same way.
      ext.manifest = manifestJson as Manifest;
      api = reportingBankUnknown(api, e);
    }
  }
  return { api, ext };
}
