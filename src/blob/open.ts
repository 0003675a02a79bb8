/**
 * Resolving a manifest (profile + ref digests, no generation), generating the base blob,
 * and opening a blob through the cache.
 */
import { PfscError } from '../errors.js';
import type { BlobInfo, Progress } from '../api-types.js';
import type { BankInfo, BankSpec, Blob, Manifest, RefSpec } from './types.js';
import { BankRegistry, BUILTIN_GENERATORS, defaultRegistry } from './registry.js';
import {
  bankLayout,
  baseSize,
  MAX_BLOB_SIZE,
  manifestBaseId,
  manifestBlobId,
  toHex,
  validateManifest,
} from './manifest.js';
import { DEFAULT_PROFILE, profileManifest } from './profiles.js';
import { readRefFile, refFileSize } from './generators/ref.js';
import { PfscCache, resolvePfscHome } from './cache.js';
import { loadBankFiles } from './bank-files.js';
import { createHash } from 'node:crypto';
import { LoadedBlob } from './blob.js';

/** Cache entry kind of base blobs. */
export const BLOB_CACHE_KIND = 'blob';

export interface ResolveOptions {
  /** Built-in profile name; default 'orchard'. Ignored when `manifest` is given. */
  profile?: string;
  /**
   * A base manifest to use instead of a profile's (e.g. a profile a plugin extended). It is
   * validated; its refs must be empty: refs come from `refs`.
   */
  manifest?: unknown;
  /** Files both sides hold; each becomes a ref bank, in this order. */
  refs?: string[];
  /**
   * Bank files (docs/BANKS.md) both sides hold: each one's output becomes a ref bank, in
   * this order, before the refs.
   */
  banks?: string[];
  /** Cache folder (see resolvePfscHome): bank files' outputs are kept there. */
  home?: string;
  registry?: BankRegistry;
  onProgress?(p: Progress): void;
}

export interface OpenOptions extends ResolveOptions {
  onWarning?(msg: string): void;
  /** Regenerate the base even when the cache holds a good copy. */
  rebuild?: boolean;
  /**
   * Load the generated banks only when blob.prepare() first asks for them (replay of a
   * blueprint that copies only from refs never needs them).
   */
  deferBase?: boolean;
}

export interface ResolvedManifest {
  manifest: Manifest;
  banks: BankInfo[];
  /** Blob_ID of the whole blob. */
  id: Uint8Array;
  idHex: string;
  /** Id of the base part (generated banks). */
  baseId: Uint8Array;
  baseIdHex: string;
  /** Total size in bytes, refs included. */
  size: number;
}

/** The cache key of a base blob. */
export function blobCacheKey(baseId: Uint8Array): string {
  return `${BLOB_CACHE_KIND}-${toHex(baseId)}`;
}

function baseManifest(opts: ResolveOptions, registry: BankRegistry): Manifest {
  if (opts.manifest !== undefined) {
    const m = validateManifest(opts.manifest, registry);
    if (m.refs.length > 0) {
      throw new PfscError('PFSC_MANIFEST_INVALID', 'refs must be empty in a base manifest; pass the ref files instead');
    }
    return m;
  }
  // A built-in profile is made from pinned definitions (profileManifest checks its bank files
  // against their SHA-256), and test/blob/manifest.test.ts validates each: validating it
  // again on every command cost 6 to 25 ms in a new process (timed alone, on a loaded
  // machine). It is validated when the registry's generator for one of its kinds is not the
  // built-in one the profile was written for.
  const m = profileManifest(opts.profile ?? DEFAULT_PROFILE);
  return madeByBuiltins(m, registry) ? m : validateManifest(m, registry);
}

function madeByBuiltins(m: Manifest, registry: BankRegistry): boolean {
  return m.banks.every((b) => {
    if (!registry.has(b.kind)) return false;
    const gen = registry.get(b.kind);
    return BUILTIN_GENERATORS.includes(gen) && gen.version === b.version;
  });
}

/** Checks each ref path (a regular file, not too large) and that everything fits in a blob. */
async function checkRefPaths(paths: readonly string[], base: number): Promise<number[]> {
  const sizes: number[] = [];
  let total = base;
  for (const p of paths) {
    const size = await refFileSize(p);
    sizes.push(size);
    total += size;
  }
  if (total > MAX_BLOB_SIZE) {
    throw new PfscError('PFSC_REF_TOO_LARGE', `the blob with these refs would hold ${total} bytes; at most ${MAX_BLOB_SIZE} (4 GiB) are allowed`);
  }
  return sizes;
}

function finish(base: Manifest, refs: RefSpec[], registry: BankRegistry): ResolvedManifest {
  const manifest: Manifest = { ...base, refs };
  const banks = bankLayout(manifest, registry);
  const id = manifestBlobId(manifest);
  const baseId = manifestBaseId(manifest);
  let size = 0;
  for (const b of banks) size += b.size;
  return { manifest, banks, id, idHex: toHex(id), baseId, baseIdHex: toHex(baseId), size };
}

/**
 * The manifest of a profile (or given base manifest) with the refs' sizes and digests, and
 * its ids. Hashes the refs by streaming them; generates nothing.
 */
export async function resolveManifest(opts: ResolveOptions = {}): Promise<ResolvedManifest> {
  const registry = opts.registry ?? defaultRegistry();
  const base = baseManifest(opts, registry);
  const refs = bankRefs(await loadBankFiles(opts.banks ?? [], { home: opts.home }));
  const paths = opts.refs ?? [];
  const sizes = await checkRefPaths(paths, baseSize(base) + refs.reduce((n, r) => n + r.size, 0));
  const total = sizes.reduce((a, b) => a + b, 0);
  let before = 0;
  for (let i = 0; i < paths.length; i++) {
    const r = await readRefFile(paths[i] as string, false, (done) => opts.onProgress?.({ phase: 'ref', done: before + done, total }));
    refs.push({ name: `ref${refs.length}`, size: r.size, sha256: r.sha256 });
    before += r.size;
  }
  return finish(base, refs, registry);
}

/** The ref entries of bank files' outputs (they come first among the refs). */
function bankRefs(outputs: readonly { bytes: Uint8Array }[]): RefSpec[] {
  return outputs.map((o, i) => ({ name: `ref${i}`, size: o.bytes.length, sha256: createHash('sha256').update(o.bytes).digest('hex') }));
}

/**
 * Awaits prepare() of every generator a manifest's banks use: generateBank and generateBase
 * need it first (openBlob does it before it generates).
 */
export async function prepareGenerators(manifest: Pick<Manifest, 'banks'>, registry: BankRegistry = defaultRegistry()): Promise<void> {
  const kinds = new Set(manifest.banks.map((b) => b.kind));
  for (const kind of kinds) {
    const gen = registry.get(kind);
    if (gen.prepare !== undefined) await runGeneratorAsync(kind, () => gen.prepare!());
  }
}

async function runGeneratorAsync(kind: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof PfscError) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    throw new PfscError('PFSC_PLUGIN', `bank generator ${kind} failed to prepare: ${msg}`, { cause: e });
  }
}

/** The bytes of one generated bank, made by its generator (after prepareGenerators). */
export function generateBank(
  bank: BankSpec,
  seed: string,
  registry: BankRegistry = defaultRegistry(),
  onProgress?: (done: number) => void,
): Uint8Array {
  const gen = registry.get(bank.kind);
  const out = new Uint8Array(bank.size);
  runGenerator(gen.kind, () => gen.generate(out, bank.params, seed, { name: bank.name, onProgress }));
  return out;
}

function runGenerator(kind: string, fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (e instanceof PfscError) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    throw new PfscError('PFSC_PLUGIN', `bank generator ${kind} failed: ${msg}`, { cause: e });
  }
}

/**
 * Generates the base blob of a validated manifest: its generated banks back to back.
 * Reports progress as phase 'blob', in bytes.
 */
export function generateBase(
  manifest: Manifest,
  registry: BankRegistry = defaultRegistry(),
  onProgress?: (p: Progress) => void,
): Buffer {
  const total = baseSize(manifest);
  const out = Buffer.alloc(total);
  let offset = 0;
  onProgress?.({ phase: 'blob', done: 0, total });
  for (const bank of manifest.banks) {
    const gen = registry.get(bank.kind);
    const at = offset;
    const view = out.subarray(at, at + bank.size);
    runGenerator(gen.kind, () =>
      gen.generate(view, bank.params, manifest.seed, {
        name: bank.name,
        onProgress: (done) => onProgress?.({ phase: 'blob', done: at + Math.min(done, bank.size), total }),
      }),
    );
    offset += bank.size;
    onProgress?.({ phase: 'blob', done: offset, total });
  }
  return out;
}

/**
 * Opens the blob of a profile (or base manifest) and refs: the base from the cache under
 * `home` (generated and stored on first use or when `rebuild`), each ref read from its file.
 * When the cache cannot be used, the base is generated in memory and a warning says why.
 */
export async function openBlob(opts: OpenOptions = {}): Promise<Blob> {
  const registry = opts.registry ?? defaultRegistry();
  const base = baseManifest(opts, registry);
  const total = baseSize(base);
  const banks = await loadBankFiles(opts.banks ?? [], { home: opts.home, onWarning: opts.onWarning });
  const refs: RefSpec[] = bankRefs(banks);
  const refBytes: Uint8Array[] = banks.map((b) => b.bytes);
  const paths = opts.refs ?? [];
  const sizes = await checkRefPaths(paths, total + refs.reduce((n, r) => n + r.size, 0));
  const refTotal = sizes.reduce((a, b) => a + b, 0);
  let before = 0;
  for (let i = 0; i < paths.length; i++) {
    const r = await readRefFile(paths[i] as string, true, (done) => opts.onProgress?.({ phase: 'ref', done: before + done, total: refTotal }));
    refs.push({ name: `ref${refs.length}`, size: r.size, sha256: r.sha256 });
    refBytes.push(r.bytes as Buffer);
    before += r.size;
  }
  const resolved = finish(base, refs, registry);
  const loadBase = async (): Promise<Uint8Array> => {
    const key = blobCacheKey(resolved.baseId);
    let made: Buffer | undefined;
    const make = async () => {
      await prepareGenerators(base, registry);
      return (made = generateBase(base, registry, opts.onProgress));
    };
    let bytes: Buffer;
    let cache: PfscCache | undefined;
    try {
      cache = PfscCache.open(opts.home, { onWarning: opts.onWarning });
      const got = await cache.getOrCreate(key, BLOB_CACHE_KIND, make, {
        meta: { manifest: { format: base.format, profile: base.profile, seed: base.seed, banks: base.banks } },
        onWarning: opts.onWarning,
        force: opts.rebuild === true,
      });
      bytes = got.bytes;
    } catch (e) {
      if (!(e instanceof PfscError) || e.code !== 'PFSC_CACHE') throw e;
      opts.onWarning?.(`${e.message}; generating the blob without the cache`);
      bytes = made ?? (await make());
    } finally {
      cache?.close();
    }
    if (bytes.length !== total) {
      throw new PfscError('PFSC_INTERNAL', `base blob ${key} has ${bytes.length} bytes; its manifest says ${total}`);
    }
    opts.onProgress?.({ phase: 'blob', done: total, total });
    return bytes;
  };
  return new LoadedBlob({
    manifest: resolved.manifest,
    id: resolved.id,
    baseId: resolved.baseId,
    banks: resolved.banks,
    base: opts.deferBase === true ? loadBase : await loadBase(),
    refs: refBytes,
  });
}

/** What `pfsc blob info` shows: the manifest, layout, Blob_ID, and whether the base is cached. */
export async function describeBlob(opts: OpenOptions = {}): Promise<BlobInfo> {
  const resolved = await resolveManifest(opts);
  const home = resolvePfscHome(opts.home);
  let cached = false;
  let cache: PfscCache | undefined;
  try {
    cache = PfscCache.open(home, { onWarning: opts.onWarning });
    cached = cache.has(blobCacheKey(resolved.baseId));
  } catch (e) {
    if (!(e instanceof PfscError) || e.code !== 'PFSC_CACHE') throw e;
    opts.onWarning?.(e.message);
  } finally {
    cache?.close();
  }
  return { manifest: resolved.manifest, banks: resolved.banks, blobIdHex: resolved.idHex, size: resolved.size, cached, home };
}

/** `pfsc blob build`: opens the blob, generating the base unless cached (always with force). */
export async function buildBlob(opts: OpenOptions & { force?: boolean } = {}): Promise<Blob> {
  return openBlob({ ...opts, rebuild: opts.rebuild === true || opts.force === true });
}
