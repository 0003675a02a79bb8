/**
 * `--plugin MODULE`: finds a plugin module the way Node would import it from a file in the
 * current folder, imports it, and turns its default export into plugin objects.
 *
 * MODULE is a path when it is absolute or starts with `./` or `../` (a file, or a package
 * folder), and otherwise a package name (`pfsc-plugin-x`, `@scope/x`, `x/sub`) looked up in
 * node_modules from the current folder upwards, with the conditions of `import` ("node",
 * "import", "default") when the package has "exports".
 *
 * The contract (docs/CLI.md, "Plugins"): the module's default export is a plugin (an object
 * with a `name` and an `apply(compiler)` function, and optionally `banks` and `transforms`),
 * an array of plugins, a class whose instances are plugins (constructed with no arguments),
 * or a function called with no arguments that returns (or resolves to) a plugin or an array.
 *
 * This file is loaded only when a command is given --plugin, and the modules are imported
 * at run time (the bundler leaves an import of a computed URL alone).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { PfscPlugin } from '../compiler/types.js';
import { ERROR_CODES, PfscError } from '../errors.js';
import { importAtRunTime } from './dynamic-import.js';

const CONDITIONS = ['node', 'import', 'default'];

const CONTRACT =
  'its default export must be a plugin (an object with name and apply()), an array of plugins, a class of them, or a function returning one or an array; docs/CLI.md, "Plugins"';

export interface LoadPluginsOptions {
  /** The folder paths and package names are resolved from; default process.cwd(). */
  cwd?: string;
  /** PFSC_DEBUG is set: keep the underlying error as the cause, so its stack is printed. */
  debug?: boolean;
}

/** A plugin module that cannot be used: PFSC_PLUGIN, one line, with what to do. */
function pluginError(message: string, hint: string, cause: unknown, o: LoadPluginsOptions): PfscError {
  return new PfscError('PFSC_PLUGIN', message, { hint, cause: o.debug ? cause : undefined });
}

function firstLine(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.split('\n')[0]!.trim();
}

/** True for MODULE written as a path rather than a package name. */
export function isPathSpecifier(spec: string): boolean {
  return (
    isAbsolute(spec) ||
    spec === '.' ||
    spec === '..' ||
    spec.startsWith('./') ||
    spec.startsWith('../') ||
    spec.startsWith('.\\') ||
    spec.startsWith('..\\') ||
    spec.startsWith('file:')
  );
}

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** A target of "exports" under the import conditions; null when excluded, undefined when none matches. */
function exportTarget(target: unknown, star: string | undefined): string | null | undefined {
  if (typeof target === 'string') return star === undefined ? target : target.split('*').join(star);
  if (target === null) return null;
  if (Array.isArray(target)) {
    for (const t of target) {
      const r = exportTarget(t, star);
      if (typeof r === 'string') return r;
    }
    return undefined;
  }
  if (typeof target === 'object') {
    for (const [key, value] of Object.entries(target as Record<string, unknown>)) {
      if (!CONDITIONS.includes(key)) continue;
      const r = exportTarget(value, star);
      if (r !== undefined) return r;
    }
  }
  return undefined;
}

/** Resolves a subpath ('.' or './x') through a package's "exports", as `import` does. */
export function resolveExports(exports: unknown, subpath: string): string | null | undefined {
  const isSubpathMap =
    typeof exports === 'object' && exports !== null && !Array.isArray(exports) && Object.keys(exports).some((k) => k.startsWith('.'));
  const map: Record<string, unknown> = isSubpathMap ? (exports as Record<string, unknown>) : { '.': exports };
  if (Object.prototype.hasOwnProperty.call(map, subpath) && !subpath.includes('*')) return exportTarget(map[subpath], undefined);
  let best: { key: string; star: string } | undefined;
  for (const key of Object.keys(map)) {
    const i = key.indexOf('*');
    if (i < 0 || key.indexOf('*', i + 1) >= 0) continue;
    const prefix = key.slice(0, i);
    const suffix = key.slice(i + 1);
    if (subpath.length >= key.length && subpath.startsWith(prefix) && subpath.endsWith(suffix)) {
      if (best === undefined || prefix.length > best.key.indexOf('*')) {
        best = { key, star: subpath.slice(prefix.length, subpath.length - suffix.length) };
      }
    }
  }
  return best === undefined ? undefined : exportTarget(map[best.key], best.star);
}

/** The file a package folder's entry point (or subpath) names. */
function packageEntry(pkgDir: string, subpath: string, shown: string, o: LoadPluginsOptions): string {
  const pkg = readJson(join(pkgDir, 'package.json'));
  if (pkg !== undefined && pkg.exports !== undefined) {
    const target = resolveExports(pkg.exports, subpath);
    if (typeof target !== 'string' || !target.startsWith('./')) {
      throw pluginError(
        `plugin module ${shown}: the package does not export ${subpath === '.' ? 'an entry point' : subpath} for import`,
        'Check the name; a package with "exports" can be loaded only through what it exports.',
        undefined,
        o,
      );
    }
    return join(pkgDir, target);
  }
  const base = subpath === '.' ? (typeof pkg?.main === 'string' && pkg.main !== '' ? pkg.main : 'index.js') : subpath;
  const first = join(pkgDir, base);
  for (const candidate of [first, `${first}.js`, `${first}.mjs`, join(first, 'index.js'), join(pkgDir, 'index.js')]) {
    if (isFile(candidate)) return candidate;
  }
  throw pluginError(
    `plugin module ${shown}: the package has no entry point (looked for ${base} in ${pkgDir})`,
    'Check the package: its package.json needs "exports" or "main" naming an ES module.',
    undefined,
    o,
  );
}

/** The file MODULE names, resolved from cwd. */
export function resolvePluginModule(spec: string, o: LoadPluginsOptions = {}): string {
  const cwd = o.cwd ?? process.cwd();
  if (spec === '') throw new PfscError('PFSC_USAGE', '--plugin needs a module: a path (./plugin.js) or a package name');
  if (isPathSpecifier(spec)) {
    const path = spec.startsWith('file:') ? fileURLToPath(spec) : resolve(cwd, spec);
    if (isDir(path)) return packageEntry(path, '.', spec, o);
    if (isFile(path)) return path;
    throw pluginError(
      `plugin module not found: ${spec}`,
      'Check the path: a relative --plugin path is taken from the current folder.',
      undefined,
      o,
    );
  }
  const parts = spec.split('/');
  const nameLength = spec.startsWith('@') ? 2 : 1;
  const name = parts.slice(0, nameLength).join('/');
  const subpath = parts.length > nameLength ? `./${parts.slice(nameLength).join('/')}` : '.';
  if (name === '' || (spec.startsWith('@') && parts.length < 2) || parts.some((p) => p === '')) {
    throw pluginError(`plugin module ${spec} is neither a path nor a package name`, 'Write a path as ./FILE or /FILE, or give an installed package name.', undefined, o);
  }
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const pkgDir = join(dir, 'node_modules', ...name.split('/'));
    if (isDir(pkgDir)) return packageEntry(pkgDir, subpath, spec, o);
    if (dirname(dir) === dir) break;
  }
  const local = existsSync(resolve(cwd, spec));
  throw pluginError(
    `plugin package not found: ${spec} (looked in node_modules from ${cwd} upwards)`,
    local
      ? `To load the file ${spec} in this folder, write it as a path: --plugin .${sep}${spec}`
      : `Install it (npm install ${name}) in this folder or a parent, or give the path of the module (./plugin.js).`,
    undefined,
    o,
  );
}

/** True for a class, or a constructor function whose instances have apply(). */
function isConstructor(f: Function): boolean {
  if (/^class[\s{]/.test(Function.prototype.toString.call(f))) return true;
  const proto = (f as { prototype?: unknown }).prototype as { apply?: unknown } | undefined;
  return typeof proto === 'object' && proto !== null && Object.prototype.hasOwnProperty.call(proto, 'apply') && typeof proto.apply === 'function';
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** Checks one plugin's shape; returns it. */
function checkPlugin(v: unknown, where: string, o: LoadPluginsOptions): PfscPlugin {
  const fail = (why: string): never => {
    throw pluginError(`${where} is not a pfsc plugin: ${why}`, `Fix the module: ${CONTRACT}.`, undefined, o);
  };
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(`it is ${describe(v)}, not a plugin object`);
  const p = v as Record<string, unknown>;
  if (typeof p.name !== 'string' || p.name.trim() === '') fail('it has no name (a non-empty string)');
  if (typeof p.apply !== 'function') fail(`it has no apply(compiler) function`);
  for (const key of ['banks', 'transforms'] as const) {
    if (p[key] !== undefined && !Array.isArray(p[key])) fail(`its ${key} is ${describe(p[key])}, not an array`);
  }
  return guardApply(v as PfscPlugin, o);
}

/**
 * The plugin, seen through a proxy whose apply() turns an exception into PFSC_PLUGIN naming
 * the plugin, in one line (the compiler calls apply() outside any hook, where an uncoded
 * exception would read as a bug in pfsc). The plugin's own apply() runs with the plugin as
 * `this`; every other property is the plugin's.
 */
function guardApply(plugin: PfscPlugin, o: LoadPluginsOptions): PfscPlugin {
  const original = plugin.apply;
  const name = plugin.name;
  const apply = function (this: unknown, compiler: Parameters<PfscPlugin['apply']>[0]): void {
    try {
      original.call(plugin, compiler);
    } catch (e) {
      if (isCoded(e)) throw e;
      throw new PfscError('PFSC_PLUGIN', `plugin ${name} failed in apply(): ${firstLine(e)}`, {
        hint: 'Fix the plugin, or report it to its author; PFSC_DEBUG=1 prints the stack.',
        plugin: name,
        cause: o.debug ? e : undefined,
      });
    }
  };
  return new Proxy(plugin, {
    get: (target, key) => (key === 'apply' ? apply : Reflect.get(target, key, target)),
  });
}

/** An error that already carries a pfsc error code (from this copy of pfsc or the plugin's). */
function isCoded(e: unknown): boolean {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(ERROR_CODES, code);
}

/** The plugins a module's namespace object provides, by the contract above. */
export async function pluginsFromModule(ns: Record<string, unknown>, spec: string, o: LoadPluginsOptions = {}): Promise<PfscPlugin[]> {
  const noPlugin = (why: string): never => {
    throw pluginError(`plugin module ${spec} exports no plugin: ${why}`, `Fix the module: ${CONTRACT}.`, undefined, o);
  };
  let value: unknown = ns.default;
  if (value === undefined) {
    const named = Object.keys(ns).filter((k) => k !== 'default');
    noPlugin(named.length > 0 ? `it has no default export (only ${named.slice(0, 4).join(', ')}${named.length > 4 ? ', ...' : ''})` : 'it has no default export');
  }
  // CommonJS compiled from `export default` (module.exports.default = plugin).
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && !('apply' in value) && 'default' in value) {
    value = (value as { default: unknown }).default;
  }
  if (typeof value === 'function') {
    const f = value as new () => unknown;
    try {
      value = isConstructor(f) ? new f() : await (f as unknown as () => unknown)();
    } catch (e) {
      if (isCoded(e)) throw e;
      throw pluginError(`plugin module ${spec}: its default export threw: ${firstLine(e)}`, 'Fix the module, or report it to its author; PFSC_DEBUG=1 prints the stack.', e, o);
    }
  }
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) noPlugin('its default export is an empty array');
  return list.map((p, i) => checkPlugin(p, Array.isArray(value) ? `plugin module ${spec}, plugin [${i}],` : `plugin module ${spec}'s default export`, o));
}

/** Imports a module by URL at run time (not bundled). */
const importUrl = (url: string): Promise<Record<string, unknown>> => importAtRunTime(url) as Promise<Record<string, unknown>>;

/**
 * Loads every --plugin module, in order, and returns their plugins in order. Every MODULE is
 * resolved before any is imported, so a wrong one is refused before a module's code runs.
 */
export async function loadPlugins(specs: readonly string[], o: LoadPluginsOptions = {}): Promise<PfscPlugin[]> {
  const files = specs.map((spec) => resolvePluginModule(spec, o));
  const out: PfscPlugin[] = [];
  for (const [i, spec] of specs.entries()) {
    const file = files[i]!;
    let ns: Record<string, unknown>;
    try {
      ns = await importUrl(pathToFileURL(file).href);
    } catch (e) {
      throw pluginError(
        `plugin module ${spec} could not be loaded: ${firstLine(e)}`,
        'Fix the module or install what it imports (a plugin imports pfsc: install it beside pfsc, or npm link pfsc); PFSC_DEBUG=1 prints the stack.',
        e,
        o,
      );
    }
    out.push(...(await pluginsFromModule(ns, spec, o)));
  }
  return out;
}
