import { describe, expect, it } from 'vitest';
import type { InspectReport } from '../../src/api-types.js';
import { barRects, escapeXml, legendOf, renderInspectSvg } from '../../src/cli/inspect/svg.js';

function report(over: Partial<InspectReport> = {}): InspectReport {
  return {
    file: 'dir/app.bin.pbb',
    pbbBytes: 120,
    header: {
      version: 2,
      outputLength: 1000,
      blobId: new Uint8Array(16).fill(0xab),
      diagnostics: true,
      baseFingerprint: new Uint8Array([1, 2, 3, 4]),
      refs: [{ size: 4096, digestPrefix: new Uint8Array([9, 8, 7, 6]) }],
      transforms: [],
      outputDigest: new Uint8Array(16).fill(0x11),
    },
    blobIdHex: 'ab'.repeat(16),
    blocks: 1,
    streams: [
      { name: 'ops', rawBytes: 4, codedBytes: 4, coding: 'stored' },
      { name: 'spill', rawBytes: 100, codedBytes: 80, coding: 'lzma2' },
    ],
    segments: { copy: 3, copyXor: 0, copyAdd: 0, copyDiff: 0, copyTransform: 0, literal: 1 },
    bytesFrom: { banks: 650, refs: 250, output: 0, spill: 100 },
    rawRatio: 0.1,
    perBank: [
      { name: 'debruijn', kind: 'debruijn', isRef: false, bytes: 650 },
      { name: 'ramp', kind: 'ramp', isRef: false, bytes: 0 },
      { name: 'ref0', kind: 'ref', isRef: true, bytes: 250 },
    ],
    map: [
      { start: 0, length: 400, source: 'debruijn' },
      { start: 400, length: 100, source: 'spill' },
      { start: 500, length: 250, source: 'ref0' },
      { start: 750, length: 250, source: 'debruijn' },
    ],
    ...over,
  };
}

/**
 * A small well-formedness check: tags balance and nest, one root, attribute values quoted,
 * and no bare '<' or '&' in text or attributes.
 */
function checkWellFormed(xml: string): void {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  let roots = 0;
  const tag = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"]*")*)\s*(\/?)>/y;
  const badAmp = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/;
  let i = 0;
  while (i < body.length) {
    const lt = body.indexOf('<', i);
    const text = body.slice(i, lt === -1 ? body.length : lt);
    expect(badAmp.test(text), `bare & in text: ${text}`).toBe(false);
    if (stack.length === 0) expect(text.trim(), 'text outside the root').toBe('');
    if (lt === -1) break;
    tag.lastIndex = lt;
    const m = tag.exec(body);
    expect(m, `malformed tag at ${body.slice(lt, lt + 60)}`).not.toBeNull();
    if (!m) return;
    const [whole, close, name, attrs, selfClose] = m;
    expect(badAmp.test(attrs ?? ''), `bare & in attributes: ${attrs}`).toBe(false);
    expect(attrs ?? '').not.toMatch(/="[^"]*</);
    if (close) {
      expect(stack.pop(), `closing </${name}>`).toBe(name);
    } else if (!selfClose) {
      if (stack.length === 0) roots++;
      stack.push(name ?? '');
    } else if (stack.length === 0) roots++;
    i = lt + whole.length;
  }
  expect(stack).toEqual([]);
  expect(roots).toBe(1);
}

function legendRows(svg: string): string[][] {
  const rows: string[][] = [];
  for (const g of svg.matchAll(/<g class="legend-entry">([\s\S]*?)<\/g>/g)) {
    rows.push([...(g[1] ?? '').matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((t) => t[1] ?? ''));
  }
  return rows;
}

describe('inspect SVG', () => {
  it('is well-formed XML with an svg root', () => {
    const svg = renderInspectSvg(report());
    checkWellFormed(svg);
    expect(svg).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).not.toMatch(/href=|<script|@import|url\(/);
  });

  it('has a legend with bytes and the right percentages, banks then refs then spill', () => {
    const rows = legendRows(renderInspectSvg(report()));
    expect(rows).toEqual([
      ['debruijn', '650 B', '65.0%', 'blob bank'],
      ['ref0', '250 B', '25.0%', 'ref (a file both sides hold)'],
      ['spill', '100 B', '10.0%', 'spill (carried in the blueprint)'],
    ]);
  });

  it('has a title with the file name and sizes', () => {
    const svg = renderInspectSvg(report());
    const title = /<title id="pfsc-title">([^<]*)<\/title>/.exec(svg)?.[1];
    expect(title).toBe('app.bin.pbb: 1000 B output from a 120 B blueprint (12.0%)');
    expect(svg).toContain('>app.bin.pbb: 1000 B output');
  });

  it('draws the runs in order with the legend colors', () => {
    const svg = renderInspectSvg(report(), { barWidth: 100 });
    const rects = [...svg.matchAll(/<rect x="(\d+)" y="70" width="(\d+)" height="48" fill="(#[0-9a-f]{6})"><title>([^<]*)<\/title>/g)].map(
      (m) => ({ x: Number(m[1]) - 20, width: Number(m[2]), fill: m[3], title: m[4] }),
    );
    expect(rects.map((r) => [r.x, r.width])).toEqual([
      [0, 40],
      [40, 10],
      [50, 25],
      [75, 25],
    ]);
    const legend = legendOf(report());
    const color = (name: string): string | undefined => legend.find((e) => e.name === name)?.color;
    expect(rects.map((r) => r.fill)).toEqual([color('debruijn'), color('spill'), color('ref0'), color('debruijn')]);
    expect(rects[1]?.title).toBe('spill: bytes 400 to 500');
  });

  it('escapes names and drops characters XML forbids', () => {
    const weird = report({
      file: `we<ird>&"name'\u0001.pbb`,
      perBank: undefined,
      map: [
        { start: 0, length: 500, source: '<b>&amp;' },
        { start: 500, length: 500, source: 'spill' },
      ],
    });
    const svg = renderInspectSvg(weird);
    checkWellFormed(svg);
    expect(svg).toContain('we&lt;ird&gt;&amp;&quot;name&apos;\ufffd.pbb');
    expect(svg).toContain('&lt;b&gt;&amp;amp;');
    expect(svg).not.toContain('<b>');
    expect(escapeXml('a\ud800b')).toBe('a\ufffdb');
    expect(legendRows(svg).map((r) => r.slice(0, 3))).toEqual([
      ['&lt;b&gt;&amp;amp;', '500 B', '50.0%'],
      ['spill', '500 B', '50.0%'],
    ]);
  });

  it('caps the rectangles: runs below one pixel are merged', () => {
    const map: InspectReport['map'] = [];
    const n = 100_000;
    for (let i = 0; i < n; i++) map.push({ start: i * 10, length: 10, source: i % 3 === 0 ? 'spill' : i % 3 === 1 ? 'debruijn' : 'ref0' });
    const big = report({ header: { ...report().header, outputLength: n * 10 }, map });
    const svg = renderInspectSvg(big, { barWidth: 500 });
    checkWellFormed(svg);
    const rects = svg.match(/<rect x="\d+" y="70" width="\d+" height="48" fill="#[0-9a-f]{6}"><title>/g) ?? [];
    expect(rects.length).toBeGreaterThan(0);
    expect(rects.length).toBeLessThanOrEqual(500);
    expect(legendRows(svg).map((r) => r[2])).toEqual(['33.3%', '33.3%', '33.3%']);
  });

  it('gives each column to the source with most bytes in it', () => {
    const r = report({
      header: { ...report().header, outputLength: 100 },
      map: [
        { start: 0, length: 3, source: 'spill' },
        { start: 3, length: 7, source: 'ref0' },
        { start: 10, length: 90, source: 'debruijn' },
      ],
    });
    const names = legendOf(r).map((e) => e.name);
    expect(barRects(r, names, 10)).toEqual([
      { x: 0, width: 1, source: names.indexOf('ref0') },
      { x: 1, width: 9, source: names.indexOf('debruijn') },
    ]);
  });

  it('shows bytes no run covers, and falls back to totals without a map', () => {
    const partial = report({ map: [{ start: 0, length: 600, source: 'debruijn' }] });
    expect(legendOf(partial).map((e) => [e.name, e.bytes])).toEqual([
      ['debruijn', 600],
      ['not mapped', 400],
    ]);
    const noMap = report({ map: [] });
    expect(legendOf(noMap).map((e) => [e.name, e.kind, e.bytes])).toEqual([
      ['debruijn', 'bank', 650],
      ['ref0', 'ref', 250],
      ['spill', 'spill', 100],
    ]);
    const nothing = report({ map: [], perBank: undefined });
    expect(legendOf(nothing).map((e) => e.name)).toEqual(['blob banks', 'refs', 'spill']);
    checkWellFormed(renderInspectSvg(noMap));
  });

  it('handles an empty output', () => {
    const empty = report({ header: { ...report().header, outputLength: 0 }, map: [], bytesFrom: { banks: 0, refs: 0, output: 0, spill: 0 }, perBank: [] });
    const svg = renderInspectSvg(empty);
    checkWellFormed(svg);
    expect(svg).toContain('empty output');
  });
});

describe('inspect SVG: copies from earlier output', () => {
  // 1000 bytes: 400 from debruijn, 100 spill, 250 from ref0, 150 copied from earlier in the file, 100 from debruijn.
  const withOutput = (over: Partial<InspectReport> = {}): InspectReport =>
    report({
      bytesFrom: { banks: 500, refs: 250, output: 150, spill: 100 },
      perBank: [
        { name: 'debruijn', kind: 'debruijn', isRef: false, bytes: 500 },
        { name: 'ref0', kind: 'ref', isRef: true, bytes: 250 },
      ],
      map: [
        { start: 0, length: 400, source: 'debruijn' },
        { start: 400, length: 100, source: 'spill' },
        { start: 500, length: 250, source: 'ref0' },
        { start: 750, length: 150, source: 'earlier output' },
        { start: 900, length: 100, source: 'debruijn' },
      ],
      ...over,
    });

  it('lists earlier output after the refs and before the spill, with its own color and kind', () => {
    const svg = renderInspectSvg(withOutput());
    checkWellFormed(svg);
    expect(legendRows(svg)).toEqual([
      ['debruijn', '500 B', '50.0%', 'blob bank'],
      ['ref0', '250 B', '25.0%', 'ref (a file both sides hold)'],
      ['earlier output', '150 B', '15.0%', 'copied from earlier in the same file'],
      ['spill', '100 B', '10.0%', 'spill (carried in the blueprint)'],
    ]);
    const legend = legendOf(withOutput());
    const output = legend.find((e) => e.kind === 'output');
    expect(output?.name).toBe('earlier output');
    expect(new Set(legend.map((e) => e.color)).size).toBe(legend.length);
  });

  it('draws its run in its color', () => {
    const r = withOutput();
    const svg = renderInspectSvg(r, { barWidth: 100 });
    const color = legendOf(r).find((e) => e.kind === 'output')!.color;
    expect(svg).toContain(`<rect x="95" y="70" width="15" height="48" fill="${color}"><title>earlier output: bytes 750 to 900</title>`);
  });

  it('falls back to totals without a map, and leaves it out when nothing was copied from the output', () => {
    expect(legendOf(withOutput({ map: [] })).map((e) => [e.name, e.kind, e.bytes])).toEqual([
      ['debruijn', 'bank', 500],
      ['ref0', 'ref', 250],
      ['earlier output', 'output', 150],
      ['spill', 'spill', 100],
    ]);
    expect(legendOf(withOutput({ map: [], perBank: undefined })).map((e) => [e.name, e.kind])).toEqual([
      ['blob banks', 'bank'],
      ['refs', 'ref'],
      ['earlier output', 'output'],
      ['spill', 'spill'],
    ]);
    expect(legendOf(report({ map: [] })).map((e) => e.kind)).not.toContain('output');
  });
});

describe('inspect SVG legend names', () => {
  it('cuts very long names, keeping the full name in the tooltip', () => {
    const long = 'bank-with-a-very-long-name-'.repeat(4);
    const svg = renderInspectSvg(report({ perBank: undefined, map: [{ start: 0, length: 1000, source: long }] }));
    checkWellFormed(svg);
    const shown = legendRows(svg)[0]?.[0] ?? '';
    expect([...shown].length).toBe(48);
    expect(shown.endsWith('…')).toBe(true);
    expect(svg).toContain(`<title>${long}: 1,000 bytes, 100.0% of the output</title>`);
  });
});
