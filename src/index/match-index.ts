/**
 * The match index of a blob: for every bank, k-gram tables over its bytes (identity) and
 * over its xor and add delta sequences (so `xor c` / `add c` copies are found with one
 * probe; DESIGN.md "Matching"). Generated banks are indexed sparsely and cached per base
 * Blob_ID; ref banks are indexed densely, where short matches pay, and built on the fly.
 */
import type { Blob } from '../blob/types.js';
import { addDeltas, xorDeltas } from './hash.js';
import { buildTableAsync, readTable, tableByteLength, writeTable, type KgramTable } from './table.js';

/** How densely one bank is indexed and how hard probes look. */
export interface IndexParams {
  k: number;
  step: number;
  /** Step for the xor/add delta tables; 0 disables transform matching in this bank. */
  deltaStep: number;
  /** Candidates a probe walks per table, at most. */
  maxWalk: number;
  /**
   * Average entries per hash bucket the tables are sized for. Four makes the bucket starts a
   * quarter of one per entry (less memory to fill and cache) and cost no bytes on the dev
   * corpus against one (esbuild 221 B smaller, the other pairs and cold files the same).
   */
  load: number;
}

export const REF_PARAMS: IndexParams = { k: 8, step: 1, deltaStep: 16, maxWalk: 32, load: 4 };
/** Refs above this size are indexed every other byte: as good on the dev corpus, half the work. */
export const DENSE_REF_LIMIT = 4 * 1024 * 1024;

export function refParams(size: number): IndexParams {
  return size > DENSE_REF_LIMIT ? { ...REF_PARAMS, step: 2 } : REF_PARAMS;
}
/**
 * Generated banks: identity only. Their xor/add tables cost most of the planning time on
 * cold binaries (low-entropy regions give many short delta matches to verify and reject)
 * and saved 0.01% on perl; refs keep theirs.
 */
export const GENERATED_PARAMS: IndexParams = { k: 16, step: 8, deltaStep: 0, maxWalk: 8, load: 4 };

export interface IndexPart {
  /** Name for reports: "base" for the generated banks, else the ref bank's name. */
  name: string;
  isRef: boolean;
  /** Blob offset of bytes[0]. */
  start: number;
  bytes: Uint8Array;
  params: IndexParams;
  id: KgramTable;
  /** Tables over the xor and add delta sequences (computed from bytes when probed). */
  xor?: KgramTable;
  add?: KgramTable;
}

export interface MatchIndex {
  /** In blob order: the base part (all generated banks, contiguous at the blob's start), then refs. */
  parts: IndexPart[];
  /** Milliseconds spent building ref tables. */
  buildMs: number;
}

interface PartTables {
  id: KgramTable;
  xor?: KgramTable;
  add?: KgramTable;
}

/**
 * A part's tables. On the native engine each is built off the JavaScript thread (the three
 * at once, on libuv's pool), so progress bars keep moving.
 */
async function buildPartTables(bytes: Uint8Array, p: IndexParams): Promise<PartTables> {
  if (p.deltaStep === 0) return { id: await buildTableAsync(bytes, p.k, p.step, p.load) };
  const [id, xor, add] = await Promise.all([
    buildTableAsync(bytes, p.k, p.step, p.load),
    buildTableAsync(xorDeltas(bytes), p.k, p.deltaStep, p.load),
    buildTableAsync(addDeltas(bytes), p.k, p.deltaStep, p.load),
  ]);
  return { id, xor, add };
}

function makePart(name: string, isRef: boolean, start: number, bytes: Uint8Array, params: IndexParams, t: PartTables): IndexPart {
  return { name, isRef, start, bytes, params, id: t.id, xor: t.xor, add: t.add };
}

/** The generated banks lie first in the blob, back to back; this is their extent. */
export function baseExtent(blob: Blob): number {
  let end = 0;
  for (const b of blob.banks) {
    if (b.isRef) break;
    end = b.offset + b.size;
  }
  return end;
}

/** The generated banks' bytes as one array: a view when they already are, else a copy. */
export function baseBytes(blob: Blob): Uint8Array {
  const size = baseExtent(blob);
  const views: Uint8Array[] = [];
  blob.banks.forEach((b, i) => {
    if (!b.isRef && b.size > 0) views.push(blob.bankBytes(i));
  });
  if (views.length === 0) return new Uint8Array(0);
  const first = views[0];
  const contiguous = views.every(
    (v, i) => v.buffer === first.buffer && (i === 0 || v.byteOffset === views[i - 1].byteOffset + views[i - 1].length),
  );
  if (contiguous && views.reduce((n, v) => n + v.length, 0) === size) {
    return new Uint8Array(first.buffer, first.byteOffset, size);
  }
  const out = new Uint8Array(size);
  blob.read(0, size, out, 0);
  return out;
}

const SET_MAGIC = 0x5358_4650; // "PFXS"
const SET_VERSION = 3;

/** Serializes a part's tables (the cached base index). */
export function serializeTables(t: PartTables): Uint8Array {
  const n = t.xor && t.add ? 3 : 1;
  let size = 12 + tableByteLength(t.id);
  if (t.xor && t.add) size += tableByteLength(t.xor) + tableByteLength(t.add);
  const out = new Uint8Array(size);
  const head = new Int32Array(out.buffer, 0, 3);
  head[0] = SET_MAGIC;
  head[1] = SET_VERSION;
  head[2] = n;
  let at = writeTable(t.id, out, 12);
  if (t.xor && t.add) {
    at = writeTable(t.xor, out, at);
    writeTable(t.add, out, at);
  }
  return out;
}

/** Reads serializeTables output; undefined when it is not well formed. */
export function deserializeTables(buf: Uint8Array): PartTables | undefined {
  if (buf.byteOffset % 4 !== 0 || buf.length < 12) return undefined;
  const head = new Int32Array(buf.buffer, buf.byteOffset, 3);
  const n = head[2];
  if (head[0] !== SET_MAGIC || head[1] !== SET_VERSION || (n !== 1 && n !== 3)) return undefined;
  const tables: KgramTable[] = [];
  let at = 12;
  for (let j = 0; j < n; j++) {
    const r = readTable(buf, at);
    if (!r) return undefined;
    tables.push(r.table);
    at = r.end;
  }
  if (at !== buf.length) return undefined;
  return n === 3 ? { id: tables[0], xor: tables[1], add: tables[2] } : { id: tables[0] };
}

/** The base part's tables, serialized: what the index cache holds per base Blob_ID. */
export async function buildBaseTables(blob: Blob): Promise<Uint8Array> {
  return serializeTables(await buildPartTables(baseBytes(blob), GENERATED_PARAMS));
}

/** Where a ref bank's tables come from: built now, or through a cache (src/index/load.ts). */
export type RefTablesSource = (bank: { name: string; sha256: string }, bytes: Uint8Array, params: IndexParams) => Promise<PartTables>;

/** Builds a ref's tables now (no cache). */
export const buildRefTables: RefTablesSource = (_bank, bytes, params) => buildPartTables(bytes, params);

export type { PartTables };

/**
 * Assembles a blob's index from the cached base tables (from buildBaseTables) and the refs'
 * tables (from `refTables`). Undefined when the cached base bytes are not well formed.
 */
export async function assembleIndex(blob: Blob, baseTables: Uint8Array, refTables: RefTablesSource = buildRefTables): Promise<MatchIndex | undefined> {
  const tables = deserializeTables(baseTables);
  if (!tables) return undefined;
  const parts: IndexPart[] = [];
  const base = baseBytes(blob);
  if (base.length > 0) parts.push(makePart('base', false, 0, base, GENERATED_PARAMS, tables));
  const t0 = performance.now();
  let ref = 0;
  for (let i = 0; i < blob.banks.length; i++) {
    const bank = blob.banks[i]!;
    if (!bank.isRef) continue;
    const spec = blob.manifest.refs[ref++];
    if (bank.size === 0) continue;
    const bytes = blob.bankBytes(i);
    const params = refParams(bytes.length);
    const t = await refTables({ name: bank.name, sha256: spec?.sha256 ?? '' }, bytes, params);
    parts.push(makePart(bank.name, true, bank.offset, bytes, params, t));
  }
  return { parts, buildMs: performance.now() - t0 };
}
