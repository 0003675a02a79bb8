/**
 * Manifests: validation of untrusted manifest JSON, the canonical form, the Blob_ID and the
 * bank layout. docs/MANIFEST.md is the normative description.
 */
import { createHash } from 'node:crypto';
import { PfscError } from '../errors.js';
import type { BankInfo, BankParams, BankSpec, Manifest, RefSpec } from './types.js';
import { canonicalJson, type CanonicalValue } from './canonical.js';
import { describeValue } from './params.js';
import { BankRegistry, defaultRegistry, KIND_PATTERN } from './registry.js';
import { MAX_REF_SIZE } from './generators/ref.js';

export const MANIFEST_FORMAT = 1;
/** Largest generated bank: 1 GiB. */
export const MAX_BANK_SIZE = 2 ** 30;
/** Largest blob, generated banks and refs together: 4 GiB. */
export const MAX_BLOB_SIZE = 2 ** 32;
export const MAX_BANKS = 1024;
export const MAX_REFS = 256;
export const MAX_PARAMS = 32;
export const MAX_STRING = 256;
export const MAX_VERSION = 2 ** 31 - 1;
/** Largest manifest JSON text accepted by parseManifestJson. */
export const MAX_MANIFEST_JSON = 1 << 20;
export { MAX_REF_SIZE };

export const PROFILE_PATTERN = /^[a-z0-9][a-z0-9._+-]{0,63}$/;
export const BANK_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
export const REF_NAME_PATTERN = /^ref[0-9]+$/;
export const PARAM_NAME_PATTERN = /^[a-zA-Z][a-zA-Z0-9_]{0,31}$/;
const PRINTABLE = /^[\x20-\x7e]*$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Domain separators of the two ids (docs/MANIFEST.md, "Blob_ID"). */
export const BASE_ID_DOMAIN = 'pfsc-blob-base-v1\n';
export const BLOB_ID_DOMAIN = 'pfsc-blob-id-v1\n';

const MANIFEST_FIELDS = ['format', 'profile', 'seed', 'banks', 'refs'];
const BANK_FIELDS = ['name', 'kind', 'version', 'size', 'params'];
const REF_FIELDS = ['name', 'size', 'sha256'];

function invalid(message: string): PfscError {
  return new PfscError('PFSC_MANIFEST_INVALID', message);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function own(obj: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

function checkFields(obj: Record<string, unknown>, where: string, fields: readonly string[]): void {
  for (const key of Object.keys(obj)) {
    if (!fields.includes(key)) {
      const owner = where === '' ? 'manifest' : where.slice(0, -1);
      throw invalid(`${owner} has an unknown field ${describeValue(key)}; its fields are ${fields.join(', ')}`);
    }
  }
  for (const key of fields) {
    if (!Object.prototype.hasOwnProperty.call(obj, key)) throw invalid(`${where}${key} is missing`);
  }
}

function checkInt(v: unknown, field: string, min: number, max: number, text: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
    throw invalid(`${field} must be ${text} (got ${describeValue(v)})`);
  }
  return v;
}

function checkString(v: unknown, field: string, pattern: RegExp, text: string): string {
  if (typeof v !== 'string' || v.length > MAX_STRING || !pattern.test(v)) {
    throw invalid(`${field} must be ${text} (got ${describeValue(v)})`);
  }
  return v;
}

function checkParams(v: unknown, field: string): BankParams {
  if (!isPlainObject(v)) throw invalid(`${field} must be an object (got ${describeValue(v)})`);
  const keys = Object.keys(v);
  if (keys.length > MAX_PARAMS) throw invalid(`${field} has ${keys.length} entries; at most ${MAX_PARAMS} are allowed`);
  const out: BankParams = {};
  for (const key of keys.sort()) {
    if (!PARAM_NAME_PATTERN.test(key)) {
      throw invalid(`${field} has a parameter named ${describeValue(key)}; names are a letter then up to 31 letters, digits or _`);
    }
    const value = v[key];
    if (typeof value === 'string') {
      if (value.length > MAX_STRING || !PRINTABLE.test(value)) {
        throw invalid(`${field}.${key} must be a string of at most ${MAX_STRING} printable ASCII characters (got ${describeValue(value)})`);
      }
    } else if (typeof value === 'number') {
      if (!Number.isSafeInteger(value)) throw invalid(`${field}.${key} must be an integer, not a fraction or a huge number (got ${describeValue(value)})`);
    } else if (typeof value !== 'boolean') {
      throw invalid(`${field}.${key} must be a string, an integer or a boolean (got ${describeValue(value)})`);
    }
    out[key] = value;
  }
  return out;
}

/** Renames an error from a generator's validate() so its message names the bank. */
function fromGenerator(e: unknown, i: number, kind: string): PfscError {
  if (e instanceof PfscError) {
    const msg = e.message.startsWith('params.') ? `banks[${i}].${e.message}` : `banks[${i}] (kind ${kind}): ${e.message}`;
    return new PfscError(e.code, msg, { cause: e, hint: e.hint });
  }
  const msg = e instanceof Error ? e.message : String(e);
  return new PfscError('PFSC_PLUGIN', `bank kind ${kind} failed to validate banks[${i}]: ${msg}`, { cause: e });
}

function formatGiB(n: number): string {
  return `${n / 2 ** 30} GiB`;
}

/**
 * Validates a manifest given as parsed JSON (untrusted), checking every field, and returns a
 * clean copy. Throws PFSC_MANIFEST_INVALID (or PFSC_BANK_UNKNOWN for an unknown kind or
 * version) with a one-line message naming the field. Allocates nothing in proportion to
 * the sizes it declares.
 */
export function validateManifest(value: unknown, registry: BankRegistry = defaultRegistry()): Manifest {
  if (!isPlainObject(value)) throw invalid(`manifest must be a JSON object (got ${describeValue(value)})`);
  const format = own(value, 'format');
  if (format !== MANIFEST_FORMAT) {
    throw invalid(`format must be ${MANIFEST_FORMAT} (got ${describeValue(format)}); this pfsc reads manifest format ${MANIFEST_FORMAT}`);
  }
  checkFields(value, '', MANIFEST_FIELDS);
  const profile = checkString(own(value, 'profile'), 'profile', PROFILE_PATTERN, 'a lowercase name of 1 to 64 characters (a-z, 0-9, . _ + -)');
  const seed = checkString(own(value, 'seed'), 'seed', PRINTABLE, `a string of at most ${MAX_STRING} printable ASCII characters`);

  const rawBanks = own(value, 'banks');
  if (!Array.isArray(rawBanks) || rawBanks.length < 1 || rawBanks.length > MAX_BANKS) {
    throw invalid(`banks must be an array of 1 to ${MAX_BANKS} banks (got ${describeValue(rawBanks)})`);
  }
  const names = new Set<string>();
  const banks: BankSpec[] = [];
  let total = 0;
  for (let i = 0; i < rawBanks.length; i++) {
    const b: unknown = rawBanks[i];
    const at = `banks[${i}]`;
    if (!isPlainObject(b)) throw invalid(`${at} must be an object (got ${describeValue(b)})`);
    checkFields(b, `${at}.`, BANK_FIELDS);
    const name = checkString(own(b, 'name'), `${at}.name`, BANK_NAME_PATTERN, 'a name of 1 to 64 characters (a-z, 0-9, _ -) starting with a letter or digit');
    if (REF_NAME_PATTERN.test(name)) throw invalid(`${at}.name ${JSON.stringify(name)} is reserved for refs`);
    if (names.has(name)) throw invalid(`${at}.name ${JSON.stringify(name)} is used by an earlier bank`);
    names.add(name);
    const kind = checkString(own(b, 'kind'), `${at}.kind`, KIND_PATTERN, 'a kind name (a lowercase letter, then up to 31 of a-z, 0-9, _ -)');
    const version = checkInt(own(b, 'version'), `${at}.version`, 1, MAX_VERSION, 'a positive integer');
    const size = checkInt(own(b, 'size'), `${at}.size`, 1, MAX_BANK_SIZE, `a positive integer ≤ ${formatGiB(MAX_BANK_SIZE)}`);
    const params = checkParams(own(b, 'params'), `${at}.params`);
    if (!registry.has(kind)) {
      throw new PfscError('PFSC_BANK_UNKNOWN', `${at}.kind ${JSON.stringify(kind)} is not a known bank kind; known kinds: ${registry.kinds().filter((k) => !registry.get(k).external).join(', ')}`);
    }
    const gen = registry.get(kind);
    if (gen.external) {
      throw invalid(`${at}.kind ${JSON.stringify(kind)} cannot be generated; files both sides hold go in refs`);
    }
    if (gen.version !== version) {
      throw new PfscError('PFSC_BANK_UNKNOWN', `${at} needs ${kind} version ${version}, but the ${kind} generator here is version ${gen.version}`);
    }
    try {
      gen.validate(params, size);
    } catch (e) {
      throw fromGenerator(e, i, kind);
    }
    total += size;
    banks.push({ name, kind, version, size, params });
  }
  if (total > MAX_BLOB_SIZE) {
    throw invalid(`banks add up to ${total} bytes; a blob may hold at most ${MAX_BLOB_SIZE} (${formatGiB(MAX_BLOB_SIZE)})`);
  }

  const rawRefs = own(value, 'refs');
  if (!Array.isArray(rawRefs) || rawRefs.length > MAX_REFS) {
    throw invalid(`refs must be an array of at most ${MAX_REFS} refs (got ${describeValue(rawRefs)})`);
  }
  const refs: RefSpec[] = [];
  for (let i = 0; i < rawRefs.length; i++) {
    const r: unknown = rawRefs[i];
    const at = `refs[${i}]`;
    if (!isPlainObject(r)) throw invalid(`${at} must be an object (got ${describeValue(r)})`);
    checkFields(r, `${at}.`, REF_FIELDS);
    const name = own(r, 'name');
    if (name !== `ref${i}`) throw invalid(`${at}.name must be "ref${i}" (got ${describeValue(name)})`);
    const size = checkInt(own(r, 'size'), `${at}.size`, 0, MAX_REF_SIZE, `an integer from 0 to ${MAX_REF_SIZE}`);
    const sha256 = checkString(own(r, 'sha256'), `${at}.sha256`, SHA256_HEX, '64 lowercase hex digits');
    total += size;
    refs.push({ name: `ref${i}`, size, sha256 });
  }
  if (total > MAX_BLOB_SIZE) {
    throw invalid(`banks and refs add up to ${total} bytes; a blob may hold at most ${MAX_BLOB_SIZE} (${formatGiB(MAX_BLOB_SIZE)})`);
  }
  return { format: MANIFEST_FORMAT, profile, seed, banks, refs };
}

/** Parses and validates manifest JSON text (at most MAX_MANIFEST_JSON bytes). */
export function parseManifestJson(text: string | Uint8Array, registry?: BankRegistry): Manifest {
  if (text.length > MAX_MANIFEST_JSON) {
    throw invalid(`manifest JSON has ${text.length} ${typeof text === 'string' ? 'characters' : 'bytes'}; at most ${MAX_MANIFEST_JSON} are allowed`);
  }
  let str: string;
  if (typeof text === 'string') {
    str = text;
  } else {
    try {
      str = new TextDecoder('utf-8', { fatal: true }).decode(text);
    } catch {
      throw invalid('manifest JSON is not valid UTF-8');
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(str);
  } catch (e) {
    throw invalid(`manifest is not valid JSON: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`);
  }
  return validateManifest(value, registry);
}

function bankValue(b: BankSpec): CanonicalValue {
  return { kind: b.kind, name: b.name, params: b.params, size: b.size, version: b.version };
}

/**
 * The canonical form of a (validated) manifest: sorted keys, no whitespace. Without refs,
 * the `refs` field is left out entirely; that form names the base blob.
 */
export function canonicalManifest(m: Manifest, withRefs = true): string {
  const value: Record<string, CanonicalValue> = {
    format: m.format,
    profile: m.profile,
    seed: m.seed,
    banks: m.banks.map(bankValue),
  };
  if (withRefs) value.refs = m.refs.map((r) => ({ name: r.name, sha256: r.sha256, size: r.size }));
  return canonicalJson(value);
}

function digest16(domain: string, text: string): Uint8Array {
  const full = createHash('sha256').update(domain, 'utf8').update(text, 'utf8').digest();
  return new Uint8Array(full.buffer, full.byteOffset, 16).slice();
}

/** 16-byte id of the base blob (generated banks only): it keys the base in the cache. */
export function manifestBaseId(m: Manifest): Uint8Array {
  return digest16(BASE_ID_DOMAIN, canonicalManifest(m, false));
}

/** 16-byte Blob_ID of the whole blob (generated banks and refs). */
export function manifestBlobId(m: Manifest): Uint8Array {
  return digest16(BLOB_ID_DOMAIN, canonicalManifest(m, true));
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Total size of the generated banks. */
export function baseSize(m: Manifest): number {
  let n = 0;
  for (const b of m.banks) n += b.size;
  return n;
}

/** Where each bank lies: generated banks in order, then refs. */
export function bankLayout(m: Manifest, registry: BankRegistry = defaultRegistry()): BankInfo[] {
  const out: BankInfo[] = [];
  let offset = 0;
  for (const b of m.banks) {
    const gen = registry.get(b.kind);
    out.push({ name: b.name, kind: b.kind, contentKind: gen.contentKindOf?.(b.params) ?? gen.contentKind, offset, size: b.size, isRef: false });
    offset += b.size;
  }
  for (const r of m.refs) {
    out.push({ name: r.name, kind: 'ref', contentKind: 'ref', offset, size: r.size, isRef: true });
    offset += r.size;
  }
  return out;
}
