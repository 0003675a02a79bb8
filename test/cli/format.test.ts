import { describe, expect, it } from 'vitest';
import type { InspectReport } from '../../src/api-types.js';
import { groupDigits, humanBytes, humanMs, percent, streamTable, table, toJson } from '../../src/cli/format.js';
import { verboseReport } from '../../src/cli/commands/build.js';
import { renderInspectTable } from '../../src/cli/inspect/table.js';
import { LazyProgress, progressFor } from '../../src/cli/progress.js';

describe('text formatting', () => {
  it('formats byte counts', () => {
    expect(humanBytes(0)).toBe('0 B');
    expect(humanBytes(1023)).toBe('1023 B');
    expect(humanBytes(1536)).toBe('1.50 KiB');
    expect(humanBytes(5 * 2 ** 20)).toBe('5.00 MiB');
    expect(humanBytes(300 * 2 ** 30)).toBe('300.0 GiB');
    expect(groupDigits(1234567)).toBe('1,234,567');
  });
  it('formats times and shares', () => {
    expect(humanMs(12.4)).toBe('12 ms');
    expect(humanMs(1234)).toBe('1.23 s');
    expect(humanMs(125_000)).toBe('2 min 05 s');
    expect(percent(1, 4)).toBe('25.0%');
    expect(percent(1, 100_000)).toBe('<0.1%');
    expect(percent(0, 10)).toBe('0.0%');
    expect(percent(1, 0)).toBe('-');
  });
  it('aligns tables', () => {
    expect(table([{ header: 'name' }, { header: 'bytes', align: 'right' }], [['ops', '4'], ['spill', '1,000']])).toBe(
      '  name   bytes\n  -----  -----\n  ops        4\n  spill  1,000\n',
    );
  });
  it('prints byte arrays as hex in JSON', () => {
    expect(JSON.parse(toJson({ id: new Uint8Array([0, 255, 16]), b: Buffer.from([1, 2]) }))).toEqual({ id: '00ff10', b: '0102' });
  });
});

describe('inspect table', () => {
  const r: InspectReport = {
    file: 'app.pbb',
    pbbBytes: 200,
    header: {
      version: 2,
      outputLength: 4000,
      blobId: new Uint8Array(16),
      diagnostics: true,
      baseFingerprint: new Uint8Array([0xde, 0xad, 0xbe, 0xef]),
      refs: [{ size: 1000, digestPrefix: new Uint8Array([1, 2, 3, 4]) }],
      transforms: [],
      outputDigest: new Uint8Array(16).fill(0xcc),
    },
    blobIdHex: '00'.repeat(16),
    blocks: 2,
    streams: [
      { name: 'ops', rawBytes: 10, codedBytes: 10, coding: 'stored' },
      { name: 'lengths', rawBytes: 20, codedBytes: 12, coding: 'lzma2' },
    ],
    segments: { copy: 5, copyXor: 2, copyAdd: 1, copyDiff: 0, copyTransform: 0, literal: 2 },
    bytesFrom: { banks: 3000, refs: 600, output: 300, spill: 100 },
    rawRatio: 0.025,
    perBank: [
      { name: 'debruijn', kind: 'debruijn', isRef: false, bytes: 3000 },
      { name: 'ramp8', kind: 'ramp', isRef: false, bytes: 0 },
    ],
    map: [{ start: 0, length: 4000, source: 'debruijn' }],
  };
  it('shows the header, streams, segments, sources and banks', () => {
    const text = renderInspectTable(r);
    expect(text).toContain('app.pbb: 200 bytes, replays to 4,000 bytes (blueprint is 5.0% of the output)');
    expect(text).toContain('Blob_ID         ' + '00'.repeat(16));
    expect(text).toContain('base blob       deadbeef');
    expect(text).toContain('output digest   ' + 'cc'.repeat(16));
    expect(text).toMatch(/copy\s+xor imm8\s+2\s+20\.0%/);
    expect(text).toMatch(/spill\s+100\s+2\.5%/);
    expect(text).toMatch(/refs\s+600\s+15\.0%\n\s+earlier output\s+300\s+7\.5%\n\s+spill/);
    expect(text).toContain('format version  2');
    expect(text).toMatch(/total\s+30\s+22/);
    expect(text).toMatch(/debruijn\s+debruijn\s+no\s+3,000\s+75\.0%/);
    expect(text).toContain('raw_ratio       0.0250');
    expect(text).not.toContain('output map');
    expect(text).toContain('(1 other bank supplied no bytes; -v lists them)');
    expect(text).not.toMatch(/ramp8/);
    const verbose = renderInspectTable(r, { map: true });
    expect(verbose).toContain('output map (1 runs)');
    expect(verbose).toMatch(/ramp8\s+ramp\s+no\s+0\s+0\.0%/);
    expect(renderInspectTable({ ...r, perBank: undefined })).toContain('per bank: unknown');
  });
});

describe('stream table', () => {
  it('leaves out streams no block used, and counts segments apart from bytes', () => {
    const text = streamTable([
      { name: 'ops', rawBytes: 10, codedBytes: 12, coding: 'stored' },
      { name: 'lengths', rawBytes: 0, codedBytes: 0, coding: 'stored' },
      { name: 'segments', rawBytes: 1234, codedBytes: 300, coding: 'range' },
      { name: 'spill', rawBytes: 5000, codedBytes: 900, coding: 'lzma2' },
    ]);
    expect(text).not.toContain('lengths');
    expect(text).toMatch(/segments\s+1,234 segs\s+300\s+range/);
    // the total adds bytes only: 10 + 5,000 raw, 12 + 300 + 900 coded
    expect(text).toMatch(/total\s+5,010\s+1,212/);
  });
});

describe('build --verbose report', () => {
  it('lists every source of output bytes, earlier output included, adding up to the input', () => {
    const text = verboseReport({
      output: 'a.pbb',
      inputBytes: 30_000,
      pbbBytes: 1_200,
      blobId: 'ab'.repeat(16),
      timings: { snapshot: 1, index: 2, hint: 0, plan: 30, pack: 5, emit: 1 },
      segments: { copy: 6, copyXor: 0, copyAdd: 0, copyDiff: 0, copyTransform: 0, literal: 2 },
      bytesFrom: { banks: 300, refs: 12_000, output: 15_000, spill: 2_700 },
      rawRatio: 0.09,
      streams: [
        { name: 'segments', rawBytes: 8, codedBytes: 30, coding: 'range' },
        { name: 'spill', rawBytes: 2_700, codedBytes: 1_100, coding: 'lzma2' },
      ],
      warnings: [],
    });
    expect(text).toMatch(/blob banks\s+300\s+1\.0%\n\s+refs\s+12,000\s+40\.0%\n\s+earlier output\s+15,000\s+50\.0%\n\s+spill\s+2,700\s+9\.0%/);
    expect(text).toMatch(/segments\s+8 segs\s+30\s+range/);
  });
});

describe('progress bar', () => {
  function fakeTty(): { isTTY: boolean; written: string[]; write: (s: string) => boolean } {
    const written: string[] = [];
    return { isTTY: true, written, write: (s: string) => (written.push(s), true) };
  }

  it('stays silent when standard error is not a terminal', () => {
    const stream = { isTTY: false, written: [] as string[], write(s: string) { this.written.push(s); return true; } };
    const p = progressFor(stream, false);
    p.onProgress({ phase: 'snapshot', done: 1, total: 2 });
    p.stop();
    expect(stream.written).toEqual([]);
    expect(p.visible).toBe(false);
  });

  it('stays silent when quiet', () => {
    const stream = fakeTty();
    const p = progressFor(stream, true);
    p.onProgress({ phase: 'snapshot', done: 1, total: 2 });
    expect(p.visible).toBe(false);
    p.stop();
  });

  it('appears only after the delay, follows phases, and clears on stop', () => {
    let now = 0;
    const stream = fakeTty();
    const p = new LazyProgress({ stream, enabled: true, delayMs: 1000, now: () => now });
    p.onProgress({ phase: 'snapshot', done: 10, total: 100 });
    now = 999;
    p.onProgress({ phase: 'snapshot', done: 50, total: 100 });
    expect(p.visible).toBe(false);
    expect(stream.written).toEqual([]);
    now = 1001;
    p.onProgress({ phase: 'snapshot', done: 60, total: 100 });
    expect(p.visible).toBe(true);
    expect(stream.written.join('')).toContain('snapshot');
    p.onProgress({ phase: 'index', done: 1, total: 0 });
    expect(stream.written.join('')).toContain('index');
    p.stop();
    expect(p.visible).toBe(false);
    const count = stream.written.length;
    p.onProgress({ phase: 'plan', done: 1, total: 2 });
    expect(stream.written.length).toBe(count);
  });
});
