import { describe, expect, it } from 'vitest';
import type { InspectReport } from '../../src/api-types.js';
import { groupDigits, humanBytes, humanMs, percent, table, toJson } from '../../src/cli/format.js';
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
      version: 1,
      outputLength: 4000,
      blobId: new Uint8Array(16),
      baseFingerprint: new Uint8Array([0xde, 0xad, 0xbe, 0xef]),
      refs: [{ size: 1000, digestPrefix: new Uint8Array([1, 2, 3, 4]) }],
      outputDigest: new Uint8Array(16).fill(0xcc),
    },
    blobIdHex: '00'.repeat(16),
    blocks: 2,
    streams: [
      { name: 'ops', rawBytes: 10, codedBytes: 10, coding: 'stored' },
      { name: 'lengths', rawBytes: 20, codedBytes: 12, coding: 'lzma2' },
    ],
    segments: { copy: 5, copyXor: 2, copyAdd: 1, literal: 2 },
    bytesFrom: { banks: 3000, refs: 900, spill: 100 },
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
