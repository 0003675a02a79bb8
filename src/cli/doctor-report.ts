/** What `pfsc doctor` reports, gathered (src/cli/commands/doctor.ts prints it). */
import { accessSync, constants, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { resolvePfscHome } from '../blob/cache.js';
import { engineInfo, type EngineInfo } from '../engine/index.js';
import { zstdAvailable } from '../format/zstd.js';
import { loadApi } from './load-api.js';
import { packageVersion } from './version.js';

export interface DoctorReport {
  pfsc: string;
  node: string;
  platform: string;
  arch: string;
  engine: EngineInfo;
  zstd: boolean;
  cache: {
    home: string;
    exists: boolean;
    /** Writable when it exists; when it does not, whether it can be created. */
    writable: boolean;
    /** Whether the profile's blob is cached (false when the folder does not exist). */
    blobCached: boolean;
    profile: string;
  };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Whether a folder can be written to, or, when missing, created in its nearest existing parent. */
function writable(path: string): boolean {
  let dir = path;
  while (!isDirectory(dir)) {
    const parent = dirname(dir);
    if (parent === dir) return false;
    dir = parent;
  }
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export async function doctorReport(profile: string | undefined): Promise<DoctorReport> {
  const home = resolvePfscHome();
  const exists = isDirectory(home);
  // Looking for the blob opens the cache, which would create the folder: only when it exists.
  const blobCached = exists ? (await (await loadApi()).blobInfo(profile === undefined ? {} : { profile })).cached : false;
  return {
    pfsc: packageVersion(),
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    engine: engineInfo(),
    zstd: zstdAvailable(),
    cache: { home, exists, writable: writable(home), blobCached, profile: profile ?? 'orchard' },
  };
}
