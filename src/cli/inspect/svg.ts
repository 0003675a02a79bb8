/**
 * A self-contained SVG picture of a blueprint: one horizontal bar for the output file,
 * colored by where each part comes from (each blob bank, each ref, earlier output, the spill), a legend with
 * bytes and shares, and a title with the file name and sizes. A pure function of the
 * InspectReport: no I/O, no clock, so the same report always gives the same picture.
 */
import type { InspectReport } from '../../api-types.js';
import { groupDigits, humanBytes, percent } from '../format.js';

export interface SvgOptions {
  /** Width of the output bar in pixels; at most this many rectangles are drawn. Default 920. */
  barWidth?: number;
}

export interface LegendEntry {
  name: string;
  kind: 'bank' | 'ref' | 'output' | 'spill' | 'unmapped';
  bytes: number;
  color: string;
}

const BANK_COLORS = ['#1f77b4', '#9467bd', '#17becf', '#8c564b', '#e377c2', '#bcbd22', '#7f7f7f', '#aec7e8', '#c5b0d5', '#9edae5', '#c49c94', '#f7b6d2'];
const REF_COLORS = ['#2ca02c', '#98df8a', '#006d2c', '#74c476', '#31a354', '#a1d99b'];
const SPILL_COLOR = '#d62728';
/** Copies from the file's own earlier output. */
const OUTPUT_COLOR = '#ff7f0e';
const OUTPUT_SOURCE = 'earlier output';
const UNMAPPED_COLOR = '#e6e6e6';

const MARGIN = 20;
const BAR_Y = 70;
const BAR_H = 48;
const LEGEND_Y = BAR_Y + BAR_H + 48;
const ROW_H = 22;

/** Escapes text for XML character data and attribute values, dropping characters XML forbids. */
export function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function isSpill(source: string): boolean {
  return source.toLowerCase() === 'spill';
}

/**
 * The legend: one entry per source, banks first (in the blob's order when the report knows
 * it), then refs, then spill, then bytes no source covers.
 */
export function legendOf(report: InspectReport): LegendEntry[] {
  const total = report.header.outputLength;
  const refNames = new Set((report.perBank ?? []).filter((b) => b.isRef).map((b) => b.name));
  const kindOf = (name: string): 'bank' | 'ref' | 'output' | 'spill' =>
    isSpill(name) ? 'spill' : name === OUTPUT_SOURCE ? 'output' : refNames.has(name) || /^ref\d+$/i.test(name) ? 'ref' : 'bank';

  const found: { name: string; kind: 'bank' | 'ref' | 'output' | 'spill'; bytes: number }[] = [];
  if (report.map.length > 0) {
    const bytes = new Map<string, number>();
    for (const b of report.perBank ?? []) bytes.set(b.name, 0);
    for (const run of report.map) bytes.set(run.source, (bytes.get(run.source) ?? 0) + Math.max(0, run.length));
    for (const [name, n] of bytes) found.push({ name, kind: kindOf(name), bytes: n });
  } else if (report.perBank && report.perBank.length > 0) {
    for (const b of report.perBank) found.push({ name: b.name, kind: b.isRef ? 'ref' : 'bank', bytes: b.bytes });
    found.push({ name: OUTPUT_SOURCE, kind: 'output', bytes: report.bytesFrom.output });
    found.push({ name: 'spill', kind: 'spill', bytes: report.bytesFrom.spill });
  } else {
    found.push({ name: 'blob banks', kind: 'bank', bytes: report.bytesFrom.banks });
    found.push({ name: 'refs', kind: 'ref', bytes: report.bytesFrom.refs });
    found.push({ name: OUTPUT_SOURCE, kind: 'output', bytes: report.bytesFrom.output });
    found.push({ name: 'spill', kind: 'spill', bytes: report.bytesFrom.spill });
  }

  const entries: LegendEntry[] = [];
  let banks = 0;
  let refs = 0;
  for (const kind of ['bank', 'ref', 'output', 'spill'] as const) {
    for (const f of found) {
      if (f.kind !== kind || !(f.bytes > 0)) continue;
      const color =
        kind === 'spill'
          ? SPILL_COLOR
          : kind === 'output'
            ? OUTPUT_COLOR
            : kind === 'ref'
            ? (REF_COLORS[refs++ % REF_COLORS.length] ?? SPILL_COLOR)
            : (BANK_COLORS[banks++ % BANK_COLORS.length] ?? SPILL_COLOR);
      entries.push({ name: f.name, kind, bytes: f.bytes, color });
    }
  }
  const covered = entries.reduce((s, e) => s + e.bytes, 0);
  if (report.map.length > 0 && total > covered) {
    entries.push({ name: 'not mapped', kind: 'unmapped', bytes: total - covered, color: UNMAPPED_COLOR });
  }
  return entries;
}

interface Rect {
  x: number;
  width: number;
  source: number;
}

/**
 * Columns of the bar, each given to the source that supplies most of its bytes, merged into
 * runs of equal source: at most `width` rectangles however many runs the map has.
 */
export function barRects(report: InspectReport, sources: readonly string[], width: number): Rect[] {
  const total = report.header.outputLength;
  if (!(total > 0) || report.map.length === 0 || width <= 0) return [];
  const index = new Map(sources.map((s, i) => [s, i]));
  const n = sources.length;
  const weight = new Float64Array(width * n);
  const scale = width / total;
  for (const run of report.map) {
    const src = index.get(run.source);
    if (src === undefined) continue;
    const start = Math.max(0, run.start);
    const end = Math.min(total, run.start + run.length);
    if (!(end > start)) continue;
    const fs = start * scale;
    const fe = end * scale;
    const c0 = Math.min(width - 1, Math.floor(fs));
    const c1 = Math.min(width, Math.ceil(fe));
    for (let c = c0; c < c1; c++) {
      const overlap = Math.min(fe, c + 1) - Math.max(fs, c);
      if (overlap > 0) weight[c * n + src] = (weight[c * n + src] ?? 0) + overlap;
    }
  }
  const rects: Rect[] = [];
  for (let c = 0; c < width; c++) {
    let best = -1;
    let bestW = 0;
    for (let s = 0; s < n; s++) {
      const w = weight[c * n + s] ?? 0;
      if (w > bestW) {
        bestW = w;
        best = s;
      }
    }
    if (best < 0) continue;
    const last = rects[rects.length - 1];
    if (last && last.source === best && last.x + last.width === c) last.width++;
    else rects.push({ x: c, width: 1, source: best });
  }
  return rects;
}

/** Legend names longer than this are cut (the full name is in the entry's tooltip). */
const MAX_NAME = 48;

function shorten(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

function basename(p: string): string {
  const parts = p.split(/[\\/]/);
  return parts[parts.length - 1] || p;
}

export function renderInspectSvg(report: InspectReport, options: SvgOptions = {}): string {
  const barWidth = Math.max(1, Math.floor(options.barWidth ?? 920));
  const width = barWidth + 2 * MARGIN;
  const total = report.header.outputLength;
  const legend = legendOf(report);
  const height = LEGEND_Y + Math.max(1, legend.length) * ROW_H + 20;
  const s = report.segments;
  const segTotal = s.copy + s.copyXor + s.copyAdd + s.copyDiff + s.copyTransform + s.literal;

  const name = basename(report.file);
  const title = `${name}: ${humanBytes(total)} output from a ${humanBytes(report.pbbBytes)} blueprint (${percent(report.pbbBytes, total)})`;
  const subtitle = `Blob_ID ${report.blobIdHex} · ${groupDigits(segTotal)} segments · raw_ratio ${report.rawRatio.toFixed(4)}`;

  const o: string[] = [];
  o.push('<?xml version="1.0" encoding="UTF-8"?>');
  o.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="pfsc-title pfsc-desc">`,
  );
  o.push(`<title id="pfsc-title">${escapeXml(title)}</title>`);
  o.push(`<desc id="pfsc-desc">${escapeXml(`Where the bytes of ${report.file} come from when the blueprint is replayed.`)}</desc>`);
  o.push(
    '<style>text{font-family:system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;fill:#222}' +
      '.t{font-size:16px;font-weight:600}.s{font-size:12px;fill:#555}.a{font-size:11px;fill:#555}.l{font-size:13px}' +
      '.n{font-variant-numeric:tabular-nums}</style>',
  );
  o.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  o.push(`<text class="t" x="${MARGIN}" y="28">${escapeXml(title)}</text>`);
  o.push(`<text class="s" x="${MARGIN}" y="48">${escapeXml(subtitle)}</text>`);

  // The bar: a light background for bytes no run covers, then the merged runs.
  o.push(`<rect x="${MARGIN}" y="${BAR_Y}" width="${barWidth}" height="${BAR_H}" fill="${UNMAPPED_COLOR}"/>`);
  if (total > 0 && report.map.length === 0) {
    o.push(
      `<text class="s" x="${MARGIN + barWidth / 2}" y="${BAR_Y + BAR_H / 2 + 4}" text-anchor="middle">no map of the output in this report; see the legend for totals</text>`,
    );
  }
  const names = legend.map((e) => e.name);
  const colors = legend.map((e) => e.color);
  o.push('<g shape-rendering="crispEdges">');
  for (const r of barRects(report, names, barWidth)) {
    const from = Math.round((r.x * total) / barWidth);
    const to = Math.min(total, Math.round(((r.x + r.width) * total) / barWidth));
    const label = `${names[r.source] ?? ''}: bytes ${groupDigits(from)} to ${groupDigits(to)}`;
    o.push(
      `<rect x="${MARGIN + r.x}" y="${BAR_Y}" width="${r.width}" height="${BAR_H}" fill="${colors[r.source] ?? UNMAPPED_COLOR}"><title>${escapeXml(label)}</title></rect>`,
    );
  }
  o.push('</g>');
  o.push(`<rect x="${MARGIN}" y="${BAR_Y}" width="${barWidth}" height="${BAR_H}" fill="none" stroke="#444" stroke-width="1"/>`);

  // Axis: quarter ticks labelled with output offsets.
  for (let q = 0; q <= 4; q++) {
    const x = MARGIN + (barWidth * q) / 4;
    const anchor = q === 0 ? 'start' : q === 4 ? 'end' : 'middle';
    o.push(`<line x1="${fmt(x)}" y1="${BAR_Y + BAR_H}" x2="${fmt(x)}" y2="${BAR_Y + BAR_H + 6}" stroke="#444"/>`);
    o.push(
      `<text class="a n" x="${fmt(x)}" y="${BAR_Y + BAR_H + 20}" text-anchor="${anchor}">${escapeXml(humanBytes(Math.round((total * q) / 4)))}</text>`,
    );
  }

  // Legend: swatch, name, bytes, share.
  const nameX = MARGIN + 22;
  const bytesX = MARGIN + 420;
  const shareX = MARGIN + 500;
  const kindX = MARGIN + 520;
  if (legend.length === 0) {
    o.push(`<text class="l" x="${MARGIN}" y="${LEGEND_Y + 12}">empty output</text>`);
  }
  legend.forEach((e, i) => {
    const y = LEGEND_Y + i * ROW_H;
    const kind =
      e.kind === 'bank'
        ? 'blob bank'
        : e.kind === 'ref'
          ? 'ref (a file both sides hold)'
          : e.kind === 'output'
            ? 'copied from earlier in the same file'
            : e.kind === 'spill'
              ? 'spill (carried in the blueprint)'
              : 'not covered by the map';
    o.push(`<g class="legend-entry">`);
    o.push(`<title>${escapeXml(`${e.name}: ${groupDigits(e.bytes)} bytes, ${percent(e.bytes, total)} of the output`)}</title>`);
    o.push(`<rect x="${MARGIN}" y="${y}" width="14" height="14" fill="${e.color}" stroke="#444" stroke-width="0.5"/>`);
    o.push(`<text class="l" x="${nameX}" y="${y + 12}">${escapeXml(shorten(e.name, MAX_NAME))}</text>`);
    o.push(`<text class="l n" x="${bytesX}" y="${y + 12}" text-anchor="end">${escapeXml(`${groupDigits(e.bytes)} B`)}</text>`);
    o.push(`<text class="l n" x="${shareX}" y="${y + 12}" text-anchor="end">${escapeXml(percent(e.bytes, total))}</text>`);
    o.push(`<text class="s" x="${kindX}" y="${y + 12}">${escapeXml(kind)}</text>`);
    o.push('</g>');
  });
  o.push('</svg>');
  return o.join('\n') + '\n';
}
