/**
 * `--manifest FILE.json`: reads a base manifest (docs/MANIFEST.md, section 2) for the API's
 * `manifest` option. readManifestFile() reads the file and parses its JSON, before any
 * plugin is loaded; checkManifest() then checks every field with the library's validator
 * and the plugins' bank kinds (PFSC_MANIFEST_INVALID, PFSC_BANK_UNKNOWN, naming the file).
 * Loaded only when a command is given --manifest.
 */
import { readFile, stat } from 'node:fs/promises';
import { MAX_MANIFEST_JSON, validateManifest } from '../blob/manifest.js';
import { defaultRegistry, type BankRegistry } from '../blob/registry.js';
import type { Manifest } from '../blob/types.js';
import type { PfscPlugin } from '../compiler/types.js';
import { PfscError } from '../errors.js';
import { STDIO } from './paths.js';

const HINT = 'Give --manifest a readable JSON file in the form docs/MANIFEST.md describes (its refs empty).';

function invalid(message: string, hint = HINT): PfscError {
  return new PfscError('PFSC_MANIFEST_INVALID', message, { hint });
}

/** The parsed JSON of a manifest file (validated later, by the library). */
export async function readManifestFile(path: string): Promise<unknown> {
  if (path === STDIO) {
    throw new PfscError('PFSC_USAGE', '--manifest takes a file, not standard input', { hint: 'Write the manifest to a file and give its path.' });
  }
  let size: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw invalid(`manifest file is not a regular file: ${path}`);
    size = st.size;
  } catch (e) {
    if (e instanceof PfscError) throw e;
    const errno = (e as NodeJS.ErrnoException).code;
    if (errno === 'ENOENT' || errno === 'ENOTDIR') throw invalid(`manifest file not found: ${path}`, 'Check the --manifest path.');
    throw invalid(`cannot read manifest file ${path}: ${errno ?? String(e)}`);
  }
  if (size > MAX_MANIFEST_JSON) throw invalid(`manifest file ${path} has ${size} bytes; a manifest may have at most ${MAX_MANIFEST_JSON}`);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw invalid(`cannot read manifest file ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  if (bytes.length > MAX_MANIFEST_JSON) throw invalid(`manifest file ${path} has ${bytes.length} bytes; a manifest may have at most ${MAX_MANIFEST_JSON}`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw invalid(`manifest file ${path} is not valid UTF-8`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const why = (e instanceof Error ? e.message : String(e)).split('\n')[0];
    throw invalid(`manifest file ${path} is not valid JSON: ${why}`);
  }
}

/** What checking a manifest needs of a copy of the library (the bundled one, or 'pfsc'). */
export interface ManifestChecker {
  validateManifest(value: unknown, registry?: BankRegistry): Manifest;
  defaultRegistry(): BankRegistry;
}

/** The command's own copy of the validator, used when no plugin is loaded. */
export const BUNDLED_CHECKER: ManifestChecker = { validateManifest, defaultRegistry };

/**
 * Validates a --manifest file's JSON with the library's manifest validator, knowing the bank
 * kinds of the loaded plugins, before the command does any work: a wrong field, an unknown
 * bank kind or refs in the file are refused with the file's name and what to do on the
 * command line. The plugins' bank generators are registered with the registry's own checks.
 */
export function checkManifest(path: string, value: unknown, lib: ManifestChecker, plugins: readonly PfscPlugin[] = []): Manifest {
  const registry = lib.defaultRegistry();
  for (const p of plugins) for (const g of p.banks ?? []) registry.register(g);
  let m: Manifest;
  try {
    m = lib.validateManifest(value, registry);
  } catch (e) {
    const coded = e as { code?: unknown; message?: unknown; hint?: unknown };
    if (coded.code === 'PFSC_MANIFEST_INVALID') throw invalid(`manifest file ${path}: ${String(coded.message)}`, 'Fix the manifest as the message says; docs/MANIFEST.md, section 2, describes every field.');
    if (coded.code === 'PFSC_BANK_UNKNOWN') {
      throw new PfscError('PFSC_BANK_UNKNOWN', `manifest file ${path}: ${String(coded.message)}`, {
        hint: 'Load the plugin that provides this bank kind with --plugin MODULE (on both sides), or remove the bank from the manifest.',
      });
    }
    throw e;
  }
  if (m.refs.length > 0) {
    throw invalid(`manifest file ${path} lists ${m.refs.length} ref${m.refs.length === 1 ? '' : 's'}; a base manifest has none`, 'Empty its refs and give the ref files with --ref FILE, in the same order.');
  }
  return m;
}
