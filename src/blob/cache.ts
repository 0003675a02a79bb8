/**
 * The pfsc cache under $PFSC_HOME: an lmdb catalog (catalog.lmdb) of entries, each
 * key -> {kind, size, crc32c, created, meta}, and one flat file objects/<key>.bin per entry
 * holding its bytes (so native code can map it). Used for blobs and for anything else
 * expensive to rebuild and keyed by content ids (indexes, for instance).
 *
 * Writes are atomic: the bytes go to a temp file in objects/ (synced), then, inside one lmdb
 * write transaction (which also serializes writers across processes), the temp file is
 * renamed over objects/<key>.bin and the record is written. A reader checks the file's size
 * and CRC-32C against the record, and when they disagree checks again holding the write
 * lock; a missing, truncated or damaged file, or a file without a record, is then reported
 * through onWarning and rebuilt, never used.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readSync, renameSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { open as openFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { RootDatabase } from 'lmdb';
import { loadLmdb } from './lmdb.js';
import { engine } from '../engine/index.js';
import { PfscError } from '../errors.js';

/** Cache keys: lowercase letters, digits, '_' and '-', 1 to 128 characters; e.g. "blob-<hex id>". */
export const CACHE_KEY_PATTERN = /^[a-z0-9][a-z0-9_-]{0,127}$/;
/** Entry kinds: e.g. "blob", "index". */
export const CACHE_KIND_PATTERN = /^[a-z][a-z0-9_-]{0,31}$/;
export const CATALOG_FILE = 'catalog.lmdb';
export const OBJECTS_DIR = 'objects';
const TEMP_PREFIX = '.tmp-';
const STALE_TEMP_MS = 60 * 60 * 1000;
const IO_CHUNK = 1 << 23;

export interface CacheEntry {
  key: string;
  kind: string;
  size: number;
  /**
   * CRC-32C of the entry's bytes, what a read checks them against: damage, not tampering, is
   * what a cache must catch, and the native engine checks 32 MiB in about 4 ms where SHA-256
   * took 35 ms (records written before this field carry `sha256` instead, still honoured).
   */
  crc32c?: number;
  /** Hex SHA-256 of the entry's bytes (older records). */
  sha256?: string;
  /** Milliseconds since the epoch when the entry was written. */
  created: number;
  meta?: unknown;
}

/** The outcome of reading an entry: its verified bytes, or what is wrong with it. */
interface Checked {
  bytes?: Buffer;
  problem?: string;
}

interface CatalogRecord {
  kind: string;
  size: number;
  crc32c?: number;
  sha256?: string;
  created: number;
  meta?: unknown;
}

export interface GetOrCreateOptions {
  /** Stored with the record (plain JSON); e.g. the manifest an entry was made from. */
  meta?: object;
  onWarning?(msg: string): void;
  /** Rebuild even when a good entry exists. */
  force?: boolean;
}

export interface GetOrCreateResult {
  bytes: Buffer;
  /** True when make() ran (no good entry, or force). */
  created: boolean;
  /** Milliseconds spent, reading or making and storing. */
  ms: number;
}

/**
 * The cache folder: `home` when given, else $PFSC_HOME, else $XDG_CACHE_HOME/pfsc, else
 * ~/.cache/pfsc. Empty variables count as unset; a relative XDG_CACHE_HOME is ignored.
 */
export function resolvePfscHome(home?: string): string {
  if (home !== undefined && home !== '') return resolve(home);
  const env = process.env.PFSC_HOME;
  if (env !== undefined && env !== '') return resolve(env);
  const xdg = process.env.XDG_CACHE_HOME;
  if (xdg !== undefined && xdg !== '' && isAbsolute(xdg)) return join(xdg, 'pfsc');
  return join(homedir(), '.cache', 'pfsc');
}

function checkKey(key: string): void {
  if (typeof key !== 'string' || !CACHE_KEY_PATTERN.test(key)) {
    throw new PfscError('PFSC_INTERNAL', `cache key ${JSON.stringify(key)} is not a safe name (${CACHE_KEY_PATTERN.source})`);
  }
}

function checkKind(kind: string): void {
  if (typeof kind !== 'string' || !CACHE_KIND_PATTERN.test(kind)) {
    throw new PfscError('PFSC_INTERNAL', `cache kind ${JSON.stringify(kind)} is not a valid kind (${CACHE_KIND_PATTERN.source})`);
  }
}

function isRecord(v: unknown): v is CatalogRecord {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return (
    typeof r.kind === 'string' &&
    typeof r.size === 'number' && Number.isSafeInteger(r.size) && r.size >= 0 &&
    ((typeof r.crc32c === 'number' && Number.isInteger(r.crc32c) && r.crc32c >= 0 && r.crc32c <= 0xffffffff) ||
      (typeof r.sha256 === 'string' && /^[0-9a-f]{64}$/.test(r.sha256))) &&
    typeof r.created === 'number'
  );
}

function crc32cOf(bytes: Uint8Array): number {
  return engine().crc32c(0, bytes, 0, bytes.length);
}

function errText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err?.code ?? (e instanceof Error ? e.message : String(e));
}

function cacheError(what: string, e: unknown): PfscError {
  return new PfscError('PFSC_CACHE', `${what}: ${errText(e)}`, { cause: e });
}

export class PfscCache {
  readonly home: string;
  private readonly objects: string;
  private db: RootDatabase<CatalogRecord, string> | undefined;

  private constructor(home: string, db: RootDatabase<CatalogRecord, string>) {
    this.home = home;
    this.objects = join(home, OBJECTS_DIR);
    this.db = db;
  }

  /**
   * Opens (creating when needed) the cache at `home` (see resolvePfscHome). A catalog that
   * lmdb cannot open is moved aside (reported through onWarning) and started afresh.
   */
  static open(home?: string, opts: { onWarning?(msg: string): void } = {}): PfscCache {
    const dir = resolvePfscHome(home);
    const objects = join(dir, OBJECTS_DIR);
    try {
      mkdirSync(objects, { recursive: true });
    } catch (e) {
      throw cacheError(`cannot create the cache folder ${objects}`, e);
    }
    const catalog = join(dir, CATALOG_FILE);
    let db: RootDatabase<CatalogRecord, string>;
    try {
      db = openCatalog(catalog);
    } catch (first) {
      const aside = `${catalog}.damaged-${Date.now()}`;
      try {
        if (!existsSync(catalog)) throw first;
        renameSync(catalog, aside);
        rmSync(`${catalog}-lock`, { force: true });
        db = openCatalog(catalog);
      } catch (e) {
        throw cacheError(`cannot open the cache catalog ${catalog}`, e);
      }
      const why = first instanceof PfscError ? first.message : `cache catalog ${catalog} could not be opened (${errText(first)})`;
      opts.onWarning?.(`${why}; moved it to ${aside} and started a new one`);
    }
    const cache = new PfscCache(dir, db);
    cache.removeStaleTemps();
    return cache;
  }

  /** The file holding an entry's bytes (it may not exist). */
  objectPath(key: string): string {
    checkKey(key);
    return join(this.objects, `${key}.bin`);
  }

  /** The catalog record of key, if any (not checked against the file). */
  entry(key: string): CacheEntry | undefined {
    checkKey(key);
    const rec = this.catalog().get(key);
    return isRecord(rec) ? { key, ...rec } : undefined;
  }

  /** True when the catalog has a record for key and its file exists with the recorded size. */
  has(key: string): boolean {
    const rec = this.entry(key);
    if (rec === undefined) return false;
    try {
      const st = statSync(this.objectPath(key));
      return st.isFile() && st.size === rec.size;
    } catch {
      return false;
    }
  }

  /** All catalog records, in key order. */
  entries(): CacheEntry[] {
    const out: CacheEntry[] = [];
    for (const { key, value } of this.catalog().getRange()) {
      if (typeof key === 'string' && isRecord(value)) out.push({ key, ...value });
    }
    return out;
  }

  /**
   * The bytes of a good entry of this kind, or undefined. A record without a file, a file
   * without a record, a wrong kind, size or digest: reported through onWarning, not used.
   */
  async get(key: string, kind: string, onWarning?: (msg: string) => void): Promise<Buffer | undefined> {
    checkKey(key);
    checkKind(kind);
    const first = this.readChecked(key, kind);
    if (first.bytes !== undefined || first.problem === undefined) return first.bytes;
    // A writer in another process may be between renaming its file into place and
    // committing its record. Look again holding the catalog's write lock, which writers
    // hold across both steps: what is wrong then is really wrong.
    const db = this.catalog();
    let second: Checked = first;
    try {
      db.transactionSync(() => {
        second = this.readChecked(key, kind);
      });
    } catch (e) {
      throw cacheError(`cannot read the cache catalog in ${this.home}`, e);
    }
    if (second.problem !== undefined) onWarning?.(second.problem);
    return second.bytes;
  }

  /** Reads and verifies an entry: its bytes, or what is wrong (nothing when simply absent). */
  private readChecked(key: string, kind: string): Checked {
    const file = this.objectPath(key);
    const raw: unknown = this.catalog().get(key);
    if (raw === undefined) {
      return existsSync(file) ? { problem: `cache entry ${key} has a file but no catalog record; rebuilding it` } : {};
    }
    if (!isRecord(raw)) return { problem: `cache entry ${key} has a damaged catalog record; rebuilding it` };
    if (raw.kind !== kind) return { problem: `cache entry ${key} holds kind ${raw.kind}, not ${kind}; rebuilding it` };
    // The file is mapped (native engine) or read (JS engine) whole: entries are written to a
    // temp file and renamed into place, never rewritten in place, so a mapping stays valid.
    let bytes: Buffer;
    try {
      bytes = Buffer.from(engine().mapFile(file));
    } catch (e) {
      return { problem: `cache entry ${key}: its file ${file} is missing or unreadable (${errText(e)}); rebuilding it` };
    }
    if (bytes.length !== raw.size) {
      return { problem: `cache entry ${key}: its file has ${bytes.length} bytes, the catalog says ${raw.size} (truncated or damaged); rebuilding it` };
    }
    if (raw.crc32c !== undefined ? crc32cOf(bytes) !== raw.crc32c : createHash('sha256').update(bytes).digest('hex') !== raw.sha256) {
      return { problem: `cache entry ${key}: its file's ${raw.crc32c !== undefined ? 'CRC-32C' : 'SHA-256'} differs from the catalog (damaged); rebuilding it` };
    }
    return { bytes };
  }

  /** Stores bytes under key, atomically replacing any earlier entry. */
  async put(key: string, kind: string, bytes: Uint8Array, meta?: object): Promise<CacheEntry> {
    checkKey(key);
    checkKind(kind);
    const db = this.catalog();
    const metaValue = meta === undefined ? undefined : (JSON.parse(JSON.stringify(meta)) as unknown);
    const crc32c = crc32cOf(bytes);
    const tmp = join(this.objects, `${TEMP_PREFIX}${key}-${process.pid}-${randomBytes(6).toString('hex')}`);
    try {
      const fh = await openFile(tmp, 'wx');
      try {
        let pos = 0;
        while (pos < bytes.length) {
          const { bytesWritten } = await fh.write(bytes, pos, Math.min(IO_CHUNK, bytes.length - pos), pos);
          pos += bytesWritten;
        }
        await fh.sync();
      } finally {
        await fh.close();
      }
    } catch (e) {
      rmSync(tmp, { force: true });
      throw cacheError(`cannot write cache entry ${key} in ${this.objects}`, e);
    }
    const record: CatalogRecord = { kind, size: bytes.length, crc32c, created: Date.now() };
    if (metaValue !== undefined) record.meta = metaValue;
    const final = this.objectPath(key);
    try {
      // The write lock of this transaction is shared by all processes: the file and its
      // record change together, as seen by any other writer.
      db.transactionSync(() => {
        renameSync(tmp, final);
        db.putSync(key, record);
      });
    } catch (e) {
      rmSync(tmp, { force: true });
      throw cacheError(`cannot store cache entry ${key}`, e);
    }
    return { key, ...record };
  }

  /**
   * The bytes of key: the cached ones when good, else make()'s, stored for next time.
   * A damaged entry is reported through opts.onWarning and rebuilt.
   */
  async getOrCreate(
    key: string,
    kind: string,
    make: () => Promise<Uint8Array> | Uint8Array,
    opts: GetOrCreateOptions = {},
  ): Promise<GetOrCreateResult> {
    checkKey(key);
    checkKind(kind);
    const t0 = performance.now();
    if (opts.force !== true) {
      const cached = await this.get(key, kind, opts.onWarning);
      if (cached !== undefined) return { bytes: cached, created: false, ms: performance.now() - t0 };
    }
    const made: unknown = await make();
    if (!(made instanceof Uint8Array)) {
      throw new PfscError('PFSC_INTERNAL', `cache entry ${key}: make() returned ${typeof made}, not bytes`);
    }
    const bytes = Buffer.isBuffer(made) ? made : Buffer.from(made.buffer, made.byteOffset, made.byteLength);
    await this.put(key, kind, bytes, opts.meta);
    return { bytes, created: true, ms: performance.now() - t0 };
  }

  /** Removes an entry (record and file); true when there was a record. */
  delete(key: string): boolean {
    checkKey(key);
    const db = this.catalog();
    const file = this.objectPath(key);
    let had = false;
    try {
      db.transactionSync(() => {
        had = db.removeSync(key);
        rmSync(file, { force: true });
      });
    } catch (e) {
      throw cacheError(`cannot delete cache entry ${key}`, e);
    }
    return had;
  }

  /** Closes the catalog; the cache cannot be used afterwards. Idempotent. */
  close(): void {
    const db = this.db;
    this.db = undefined;
    if (db !== undefined) void db.close().catch(() => {});
  }

  private catalog(): RootDatabase<CatalogRecord, string> {
    if (this.db === undefined) throw new PfscError('PFSC_INTERNAL', `the cache at ${this.home} is closed`);
    return this.db;
  }

  /** Deletes temp files that crashed writers left behind (older than an hour). */
  private removeStaleTemps(): void {
    let names: string[];
    try {
      names = readdirSync(this.objects);
    } catch {
      return;
    }
    const now = Date.now();
    for (const name of names) {
      if (!name.startsWith(TEMP_PREFIX)) continue;
      const p = join(this.objects, name);
      try {
        if (now - statSync(p).mtimeMs > STALE_TEMP_MS) unlinkSync(p);
      } catch {
        // Another process removed or renamed it first.
      }
    }
  }
}

const LMDB_MAGIC = 0xbeefc0de;

/**
 * Why an existing catalog file must not be handed to lmdb, or undefined when it looks whole.
 * lmdb maps the file and trusts it: a truncated or overwritten file crashes the process
 * instead of failing. So before opening, the meta pages are checked as lmdb reads them:
 * the magic number in page 0 and page 1, a sane page size, and the newest meta's last
 * page inside the file.
 */
export function catalogProblem(path: string): string | undefined {
  let bytes: Buffer;
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) return 'it is not a regular file';
    size = st.size;
    if (size === 0) return undefined;
    if (size < 1024) return `it has only ${size} bytes`;
    // Two pages of the largest page size hold every meta page lmdb reads.
    bytes = Buffer.alloc(Math.min(size, 2 * 65536));
    const fd = openSync(path, 'r');
    try {
      readSync(fd, bytes, 0, bytes.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : `it cannot be read (${errText(e)})`;
  }
  // The meta page header is 16 or 24 bytes depending on the lmdb build; find the magic.
  const hdr = [24, 16].find((h) => bytes.length >= h + 4 && bytes.readUInt32LE(h) === LMDB_MAGIC);
  if (hdr === undefined) return 'it does not start with an lmdb meta page';
  const psize = bytes.readUInt32LE(hdr + 24);
  if (psize < 512 || psize > 65536 || (psize & (psize - 1)) !== 0) return `its page size ${psize} is not valid`;
  if (size < 2 * psize) return `it has ${size} bytes, less than two ${psize}-byte pages`;
  if (bytes.readUInt32LE(psize + hdr) !== LMDB_MAGIC) return 'its second meta page is damaged';
  let newest = -1;
  let lastPage = 0;
  for (const at of [0, psize / 2, psize]) {
    if (bytes.readUInt32LE(at + hdr) !== LMDB_MAGIC) continue;
    const last = Number(bytes.readBigUInt64LE(at + hdr + 120));
    const txn = Number(bytes.readBigUInt64LE(at + hdr + 128));
    if (txn > newest) {
      newest = txn;
      lastPage = last;
    }
  }
  if (!Number.isSafeInteger(lastPage) || (lastPage + 1) * psize > size) {
    return `its meta page says it holds ${lastPage + 1} pages, but the file has ${size} bytes (truncated or damaged)`;
  }
  return undefined;
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function openCatalog(path: string): RootDatabase<CatalogRecord, string> {
  let problem = catalogProblem(path);
  // Another process may be creating the catalog right now: give it a moment to finish
  // writing its first pages before calling the file damaged.
  for (let i = 0; problem !== undefined && i < 4; i++) {
    sleepSync(50);
    problem = catalogProblem(path);
  }
  if (problem !== undefined) throw new PfscError('PFSC_CACHE', `catalog ${path} is damaged: ${problem}`);
  const db = loadLmdb().open<CatalogRecord, string>({ path, encoding: 'json', compression: false });
  // Touch the catalog so a file lmdb cannot read fails here, not at first use.
  db.get('');
  return db;
}
