/**
 * Small text functions for the command-line output: byte counts, times, percentages,
 * aligned tables and JSON with byte arrays shown as hex.
 */

import type { StreamStats } from '../format/types.js';

const UNITS = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** 1234567 -> "1,234,567". */
export function groupDigits(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return Math.round(n).toLocaleString('en-US');
}

/** 512 -> "512 B", 1536 -> "1.50 KiB", 5 * 2^20 -> "5.00 MiB". */
export function humanBytes(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const sign = n < 0 ? '-' : '';
  let v = Math.abs(n);
  if (v < 1024) return `${sign}${Math.round(v)} B`;
  let unit = -1;
  while (v >= 1024 && unit < UNITS.length - 1) {
    v /= 1024;
    unit++;
  }
  const digits = v >= 100 ? 1 : 2;
  return `${sign}${v.toFixed(digits)} ${UNITS[unit]}`;
}

/** Milliseconds as "850 ms", "1.23 s", "2 min 03 s". */
export function humanMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(2)} s`;
  const min = Math.floor(s / 60);
  const rest = Math.round(s - min * 60);
  return `${min} min ${String(rest).padStart(2, '0')} s`;
}

/**
 * part/whole as a percentage with one decimal ("25.0%"); shares that round to zero but are
 * not zero show as "<0.1%", so a nonzero source never looks absent.
 */
export function percent(part: number, whole: number): string {
  if (!(whole > 0)) return '-';
  const p = (part / whole) * 100;
  if (p > 0 && p < 0.05) return '<0.1%';
  return `${p.toFixed(1)}%`;
}

/** Lowercase hex of a byte array. */
export function hex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** Shows '-' (standard input or output) by name. */
export function displayPath(p: string, stream: 'stdin' | 'stdout'): string {
  return p === '-' ? `(${stream})` : p;
}

export type Align = 'left' | 'right';

export interface Column {
  header: string;
  align?: Align;
}

/**
 * Aligned plain-text table: a header row, a rule, then the rows; every line is indented by
 * `indent` spaces and has no trailing blanks.
 */
export function table(columns: Column[], rows: string[][], indent = 2): string {
  const widths = columns.map((c, i) => Math.max(c.header.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    (
      ' '.repeat(indent) +
      cells
        .map((cell, i) => {
          const w = widths[i] ?? 0;
          return columns[i]?.align === 'right' ? cell.padStart(w) : cell.padEnd(w);
        })
        .join('  ')
    ).trimEnd();
  const out = [line(columns.map((c) => c.header)), line(widths.map((w) => '-'.repeat(w)))];
  for (const r of rows) out.push(line(columns.map((_, i) => r[i] ?? '')));
  return out.join('\n') + '\n';
}

/** "key   value" lines with the keys padded to one width. */
export function keyValues(pairs: [string, string][], indent = 0): string {
  const w = Math.max(0, ...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${' '.repeat(indent)}${k.padEnd(w)}  ${v}`.trimEnd()).join('\n') + '\n';
}

/** JSON with two-space indent; Uint8Arrays become hex strings, bigints decimal strings. */
export function toJson(value: unknown): string {
  return (
    JSON.stringify(
      value,
      (_key, v: unknown) => {
        if (v instanceof Uint8Array) return hex(v);
        if (typeof v === 'bigint') return v.toString();
        if (isBufferJson(v)) return hex(Uint8Array.from(v.data));
        return v;
      },
      2,
    ) + '\n'
  );
}

/** A Node Buffer after its own toJSON ran (JSON.stringify calls it before the replacer). */
function isBufferJson(v: unknown): v is { type: 'Buffer'; data: number[] } {
  return (
    typeof v === 'object' &&
    v !== null &&
    (v as { type?: unknown }).type === 'Buffer' &&
    Array.isArray((v as { data?: unknown }).data)
  );
}

/** The per-stream table of build --verbose and inspect. */
export function streamTable(streams: readonly StreamStats[]): string {
  let raw = 0;
  let coded = 0;
  // Streams no block used are left out; a modeled block's segments stream counts segments,
  // not bytes, so its raw column shows the count as such and stays out of the raw total.
  const rows = streams
    .filter((s) => s.codedBytes > 0)
    .map((s) => {
      coded += s.codedBytes;
      if (s.name === 'segments') return [s.name, `${groupDigits(s.rawBytes)} segs`, groupDigits(s.codedBytes), s.coding];
      raw += s.rawBytes;
      return [s.name, groupDigits(s.rawBytes), groupDigits(s.codedBytes), s.filter !== undefined ? `${s.coding} (${s.filter})` : s.coding];
    });
  rows.push(['total', groupDigits(raw), groupDigits(coded), '']);
  return table(
    [{ header: 'stream' }, { header: 'raw bytes', align: 'right' }, { header: 'coded bytes', align: 'right' }, { header: 'coding' }],
    rows,
  );
}
