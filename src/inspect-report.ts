/**
 * Turns a blueprint scan into the inspect report: where every output byte comes from
 * (each generated bank, each ref, earlier output of the same file, the spill), attributed
 * with the local blob's bank map.
 */
import type { InspectReport } from './api-types.js';
import type { ResolvedManifest } from './blob/index.js';
import { toHex } from './blob/index.js';
import { scanBlueprint } from './runtime/inspect.js';
import type { ByteSource } from './format/index.js';

/** The map keeps at most this many runs; beyond it, neighbours merge (finer than a pixel). */
const MAX_MAP_RUNS = 20_000;

type MapRun = { start: number; length: number; source: string };

function pushRun(map: MapRun[], run: MapRun): void {
  const last = map[map.length - 1];
  if (last && last.source === run.source && last.start + last.length === run.start) last.length += run.length;
  else map.push(run);
  if (map.length > MAX_MAP_RUNS) coarsen(map);
}

/** Halves the map: each pair of neighbours becomes one run named after the larger. */
function coarsen(map: MapRun[]): void {
  const out: MapRun[] = [];
  for (let i = 0; i < map.length; i += 2) {
    const a = map[i];
    const b = map[i + 1];
    if (!b) {
      out.push(a);
      continue;
    }
    out.push({ start: a.start, length: b.start + b.length - a.start, source: a.length >= b.length ? a.source : b.source });
  }
  map.length = 0;
  for (const r of out) pushRun(map, r);
}

export async function inspectBlueprint(file: string, src: ByteSource, resolved: ResolvedManifest): Promise<InspectReport> {
  const banks = resolved.banks;
  const perBank = new Float64Array(banks.length);
  const map: MapRun[] = [];
  let outPos = 0;
  let fromBanks = 0;
  let fromRefs = 0;
  let fromOutput = 0;
  // Offsets at or past the blob's end address the file's own earlier output (docs/FORMAT.md).
  const blobEnd = banks.reduce((end, b) => Math.max(end, b.offset + b.size), 0);
  const bankIndexAt = (offset: number): number => {
    let lo = 0;
    let hi = banks.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (offset < banks[mid].offset) hi = mid - 1;
      else if (offset >= banks[mid].offset + banks[mid].size) lo = mid + 1;
      else return mid;
    }
    return -1;
  };
  const scan = await scanBlueprint(src, {
    maxCopies: 0,
    onCopy(run) {
      if (run.start > outPos) pushRun(map, { start: outPos, length: run.start - outPos, source: 'spill' });
      // A copy may span banks: attribute each piece to its own bank. A run of copies may also
      // go on from the blob's last bytes into the file's own output (the scan merges copies
      // whose sources continue each other).
      let off = run.offset;
      let at = run.start;
      let left = run.length;
      while (left > 0) {
        if (off >= blobEnd) {
          fromOutput += left;
          pushRun(map, { start: at, length: left, source: 'earlier output' });
          break;
        }
        const b = bankIndexAt(off);
        const piece = b < 0 ? Math.min(left, blobEnd - off) : Math.min(left, banks[b].offset + banks[b].size - off);
        const source = b < 0 ? 'outside the local blob' : banks[b].name;
        if (b >= 0) {
          perBank[b] += piece;
          if (banks[b].isRef) fromRefs += piece;
          else fromBanks += piece;
        } else {
          fromBanks += piece;
        }
        pushRun(map, { start: at, length: piece, source });
        off += piece;
        at += piece;
        left -= piece;
      }
      outPos = run.start + run.length;
    },
  });
  if (scan.outputLength > outPos) pushRun(map, { start: outPos, length: scan.outputLength - outPos, source: 'spill' });
  const layoutMatches = toHex(scan.header.blobId) === resolved.idHex;
  return {
    file,
    pbbBytes: scan.pbbBytes,
    header: scan.header,
    blobIdHex: toHex(scan.header.blobId),
    blocks: scan.blocks,
    streams: scan.streams,
    segments: scan.segments,
    bytesFrom: { banks: fromBanks, refs: fromRefs, output: fromOutput, spill: scan.spillBytes },
    rawRatio: scan.outputLength === 0 ? 0 : scan.spillBytes / scan.outputLength,
    perBank: layoutMatches
      ? banks.map((b, i) => ({ name: b.name, kind: b.kind, isRef: b.isRef, bytes: perBank[i] }))
      : undefined,
    map,
  };
}
