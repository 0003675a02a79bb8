/**
 * The readable report `pfsc inspect` prints: header fields, streams, segment counts, where
 * the output bytes come from. A pure function of the InspectReport.
 */
import type { InspectReport } from '../../api-types.js';
import { groupDigits, hex, humanBytes, keyValues, percent, streamTable, table } from '../format.js';

export interface TableOptions {
  /** Also list every run of the output map, and banks that supplied no bytes. */
  map?: boolean;
}

export function renderInspectTable(r: InspectReport, options: TableOptions = {}): string {
  const total = r.header.outputLength;
  const parts: string[] = [];
  parts.push(
    `${r.file}: ${groupDigits(r.pbbBytes)} bytes, replays to ${groupDigits(total)} bytes ` +
      `(blueprint is ${percent(r.pbbBytes, total)} of the output)\n\n`,
  );
  parts.push('header\n');
  parts.push(
    keyValues(
      [
        ['format version', String(r.header.version)],
        ['Blob_ID', r.blobIdHex],
        ...(r.header.diagnostics
          ? [
              ['base blob', `${hex(r.header.baseFingerprint)} (first bytes of the base Blob_ID)`] as [string, string],
              ['refs needed', r.header.refs.length === 0 ? 'none' : `${r.header.refs.length} (pass them with --bank and --ref, in this order, bank files first)`] as [string, string],
            ]
          : [['diagnostics', 'none (left out of small blueprints: the base and refs needed are not recorded)'] as [string, string]]),
        ...(r.header.transforms.length > 0
          ? [['transforms', r.header.transforms.map((t) => `${t.name} (${t.immCount} immediate byte${t.immCount === 1 ? '' : 's'})`).join(', ')] as [string, string]]
          : []),
        ['output length', `${groupDigits(total)} bytes (${humanBytes(total)})`],
        ['output digest', `${hex(r.header.outputDigest)} (SHA-256, first ${r.header.outputDigest.length} bytes)`],
        ['blocks', groupDigits(r.blocks)],
        ['raw_ratio', r.rawRatio.toFixed(4)],
      ],
      2,
    ),
  );

  if (r.header.refs.length > 0) {
    parts.push('\nrefs\n');
    parts.push(
      table(
        [{ header: '#', align: 'right' }, { header: 'size', align: 'right' }, { header: 'sha256 prefix' }],
        r.header.refs.map((ref, i) => [String(i), groupDigits(ref.size), hex(ref.digestPrefix)]),
      ),
    );
  }

  parts.push('\nstreams\n');
  parts.push(streamTable(r.streams));

  const s = r.segments;
  const segTotal = s.copy + s.copyXor + s.copyAdd + s.copyDiff + s.copyTransform + s.literal;
  parts.push('\nsegments\n');
  parts.push(
    table(
      [{ header: 'kind' }, { header: 'transform' }, { header: 'count', align: 'right' }, { header: 'share', align: 'right' }],
      [
        ['copy', 'identity', groupDigits(s.copy), percent(s.copy, segTotal)],
        ['copy', 'xor imm8', groupDigits(s.copyXor), percent(s.copyXor, segTotal)],
        ['copy', 'add imm8', groupDigits(s.copyAdd), percent(s.copyAdd, segTotal)],
        ['copy', 'differences', groupDigits(s.copyDiff), percent(s.copyDiff, segTotal)],
        ...(s.copyTransform > 0 || r.header.transforms.length > 0
          ? [['copy', `plugin (${r.header.transforms.map((t) => t.name).join(', ') || '-'})`, groupDigits(s.copyTransform), percent(s.copyTransform, segTotal)]]
          : []),
        ['literal', '-', groupDigits(s.literal), percent(s.literal, segTotal)],
        ['total', '', groupDigits(segTotal), ''],
      ],
    ),
  );

  parts.push('\noutput bytes from\n');
  const from = r.bytesFrom;
  parts.push(
    table(
      [{ header: 'source' }, { header: 'bytes', align: 'right' }, { header: 'share', align: 'right' }],
      [
        ['blob banks', groupDigits(from.banks), percent(from.banks, total)],
        ['refs', groupDigits(from.refs), percent(from.refs, total)],
        ['earlier output', groupDigits(from.output), percent(from.output, total)],
        ['spill', groupDigits(from.spill), percent(from.spill, total)],
      ],
    ),
  );

  if (r.perBank && r.perBank.length > 0) {
    // Banks that supplied nothing are listed only with --verbose.
    const shown = options.map ? r.perBank : r.perBank.filter((b) => b.bytes > 0);
    const idle = r.perBank.length - shown.length;
    parts.push('\nper bank\n');
    if (shown.length > 0) {
      parts.push(
        table(
          [{ header: 'bank' }, { header: 'kind' }, { header: 'ref' }, { header: 'bytes', align: 'right' }, { header: 'share', align: 'right' }],
          shown.map((b) => [b.name, b.kind, b.isRef ? 'yes' : 'no', groupDigits(b.bytes), percent(b.bytes, total)]),
        ),
      );
    }
    if (idle > 0) parts.push(`  (${idle} other bank${idle === 1 ? '' : 's'} supplied no bytes; -v lists them)\n`);
  } else {
    parts.push('\nper bank: unknown (the local blob does not match this blueprint; pass the same --bank and --ref files and --profile as the build)\n');
  }

  if (options.map) {
    parts.push(`\noutput map (${groupDigits(r.map.length)} runs)\n`);
    parts.push(
      table(
        [{ header: 'start', align: 'right' }, { header: 'length', align: 'right' }, { header: 'source' }],
        r.map.map((m) => [groupDigits(m.start), groupDigits(m.length), m.source]),
      ),
    );
  }
  return parts.join('');
}
