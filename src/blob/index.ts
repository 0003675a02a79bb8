/** The blob: manifests, bank generators, profiles, the cache and loading. */
export type {
  BankContentKind,
  BankGenerator,
  BankInfo,
  BankParams,
  BankSpec,
  Blob,
  GenerateContext,
  Manifest,
  RefSpec,
} from './types.js';
export { canonicalJson, type CanonicalValue } from './canonical.js';
export { choiceParam, describeValue, expectParams, intParam, listParam, paramError, repeatCycle } from './params.js';
export { BankRegistry, BUILTIN_GENERATORS, defaultRegistry, KIND_PATTERN } from './registry.js';
export {
  BANK_NAME_PATTERN,
  BASE_ID_DOMAIN,
  BLOB_ID_DOMAIN,
  bankLayout,
  baseSize,
  canonicalManifest,
  MANIFEST_FORMAT,
  manifestBaseId,
  manifestBlobId,
  MAX_BANK_SIZE,
  MAX_BANKS,
  MAX_BLOB_SIZE,
  MAX_MANIFEST_JSON,
  MAX_PARAMS,
  MAX_REF_SIZE,
  MAX_REFS,
  MAX_STRING,
  parseManifestJson,
  PROFILE_PATTERN,
  toHex,
  validateManifest,
} from './manifest.js';
export {
  DEFAULT_PROFILE,
  PROFILE_NAMES,
  profileDefinition,
  profileManifest,
  type ProfileBank,
  type ProfileDefinition,
} from './profiles.js';
export { constGenerator } from './generators/const.js';
export { rampGenerator } from './generators/ramp.js';
export { grayGenerator } from './generators/gray.js';
export { isMaximalLfsr, lfsrDegree, lfsrGenerator } from './generators/lfsr.js';
export { debruijnGenerator, writeDeBruijn } from './generators/debruijn.js';
export { randomBankKey, randomGenerator } from './generators/random.js';
export { readRefFile, refFileSize, refGenerator } from './generators/ref.js';
export {
  CACHE_KEY_PATTERN,
  CACHE_KIND_PATTERN,
  catalogProblem,
  PfscCache,
  resolvePfscHome,
  type CacheEntry,
  type GetOrCreateOptions,
  type GetOrCreateResult,
} from './cache.js';
export { LoadedBlob } from './blob.js';
export {
  BLOB_CACHE_KIND,
  blobCacheKey,
  buildBlob,
  describeBlob,
  generateBank,
  prepareGenerators,
  generateBase,
  openBlob,
  resolveManifest,
  type OpenOptions,
  type ResolvedManifest,
  type ResolveOptions,
} from './open.js';
