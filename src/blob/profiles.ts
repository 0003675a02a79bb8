/**
 * Blob profiles: named lists of banks. A profile is data: to add a bank, add a row (the
 * `rest` bank, the random tail, shrinks to keep the profile's total). Any change to a row
 * changes the profile's Blob_ID; docs/MANIFEST.md lists the rows of each profile.
 */
import { PfscError } from '../errors.js';
import type { BankParams, BankSpec, Manifest } from './types.js';
import { MANIFEST_FORMAT } from './manifest.js';
import { BUILTIN_GENERATORS } from './registry.js';
import { orchardBankParams } from './orchard/families.js';

export interface ProfileBank {
  name: string;
  kind: string;
  /** Size in bytes, or 'rest': whatever the other banks leave of the profile's total. */
  size: number | 'rest';
  params: BankParams;
  /**
   * Kind `bank` only: the Orchard bank file (src/blob/orchard/) whose text becomes the
   * parameters, read when the manifest is made (`params` is then empty), and the SHA-256
   * of that text: the text is part of the Blob_ID, so a file that differs is refused.
   */
  bankFile?: { file: string; sha256: string };
}

export interface ProfileDefinition {
  name: string;
  description: string;
  seed: string;
  /** Total size of the generated banks, in bytes. */
  total: number;
  banks: readonly ProfileBank[];
}

const KiB = 1024;
const MiB = 1024 * KiB;

const ORCHARD: ProfileDefinition = {
  name: 'orchard',
  description: 'palettes, tiles, ELF headers, x86-64 IBT PLT entries, ELF strings and a pseudo-random tail; 16 MiB',
  seed: 'orchard-3',
  total: 16 * MiB,
  banks: [
    { name: 'const', kind: 'const', size: 1 * MiB, params: { run: 4096 } },
    { name: 'ramp8', kind: 'ramp', size: 20 * KiB, params: { width: 1, segment: 1024, strides: '1,2,3,4,5,6,7,8,9,10,12,16,32,64,255,254,253,252,248,240' } },
    { name: 'ramp16', kind: 'ramp', size: 64 * KiB, params: { width: 2, segment: 8192, strides: '1,2,3,4,8,16,256,65535' } },
    { name: 'ramp32', kind: 'ramp', size: 36 * KiB, params: { width: 4, segment: 4096, strides: '1,2,4,8,16,256,4096,65536,4294967295' } },
    { name: 'gray8', kind: 'gray', size: 256, params: { width: 1 } },
    { name: 'gray16', kind: 'gray', size: 128 * KiB, params: { width: 2 } },
    { name: 'gray32', kind: 'gray', size: 64 * KiB, params: { width: 4 } },
    { name: 'lfsr', kind: 'lfsr', size: 44 * KiB, params: { tile: 4096, taps: 'b8,110,240,500,e08,1c80,3802,6000,d008,e10000,80200003' } },
    { name: 'debruijn256', kind: 'debruijn', size: 64 * KiB, params: { k: 256, n: 2, offset: 0 } },
    { name: 'debruijn16', kind: 'debruijn', size: 64 * KiB, params: { k: 16, n: 4, offset: 0 } },
    { name: 'debruijn4', kind: 'debruijn', size: 64 * KiB, params: { k: 4, n: 8, offset: 0 } },
    { name: 'debruijn2', kind: 'debruijn', size: 64 * KiB, params: { k: 2, n: 16, offset: 0 } },
    { name: 'debruijn2-ascii', kind: 'debruijn', size: 4 * KiB, params: { k: 2, n: 12, offset: 48 } },
    // The Orchard families that pay on the dev corpus and held-out ELF files; the others ship
    // in src/blob/orchard/ for --bank (docs/ORCHARD.md). x86-64-plt before elf-strings saved
    // 514 B more than the other order, and elf-headers first 115 B more than last and 197 B
    // more than between them (measured there). A row's size is its file's output, which the
    // file's size header pins; the digest pins the text.
    { name: 'elf-headers', kind: 'bank', size: 1920, params: {}, bankFile: { file: 'elf-headers.bank', sha256: '6ef44cf0b89aa8e53b7a0730296fcb260eed6bbe358bfa22db0d824f3b624136' } },
    { name: 'x86-64-plt', kind: 'bank', size: 3072, params: {}, bankFile: { file: 'x86-64-plt.bank', sha256: '9edcd8944188c06b150d3d55f5f1913233a6861956b34c9ca100217f6375f380' } },
    { name: 'elf-strings', kind: 'bank', size: 2688, params: {}, bankFile: { file: 'elf-strings.bank', sha256: 'ae8eaa77660b321942c3fd257f85ab756d3a46369c9f3c7b4d7398aa0e7fc349' } },
    { name: 'random', kind: 'random', size: 'rest', params: {} },
  ],
};

const PROFILES: ReadonlyMap<string, ProfileDefinition> = new Map([[ORCHARD.name, ORCHARD]]);

export const DEFAULT_PROFILE = 'orchard';

/** Names of the built-in profiles. */
export const PROFILE_NAMES: readonly string[] = Object.freeze([...PROFILES.keys()]);

export function profileDefinition(profile: string = DEFAULT_PROFILE): ProfileDefinition {
  const def = PROFILES.get(profile);
  if (def === undefined) {
    throw new PfscError('PFSC_MANIFEST_INVALID', `unknown profile ${JSON.stringify(profile)}; known profiles: ${PROFILE_NAMES.join(', ')}`);
  }
  return def;
}

/** The manifest of a built-in profile, without refs. */
export function profileManifest(profile: string = DEFAULT_PROFILE): Manifest {
  const def = profileDefinition(profile);
  let fixed = 0;
  for (const b of def.banks) if (b.size !== 'rest') fixed += b.size;
  const banks: BankSpec[] = def.banks.map((b) => {
    const gen = BUILTIN_GENERATORS.find((g) => g.kind === b.kind);
    if (gen === undefined) throw new PfscError('PFSC_INTERNAL', `profile ${def.name} uses unknown kind ${b.kind}`);
    return {
      name: b.name,
      kind: b.kind,
      version: gen.version,
      size: b.size === 'rest' ? def.total - fixed : b.size,
      params: b.bankFile !== undefined ? orchardBankParams(b.bankFile.file, b.bankFile.sha256) : { ...b.params },
    };
  });
  return { format: MANIFEST_FORMAT, profile: def.name, seed: def.seed, banks, refs: [] };
}
