/**
 * The examples of docs/BANKS.md, read from the document itself: the worked example against
 * its printed bytes and against bytes built here by hand, the error table, the check values.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bankParams, compileBank, parseBank } from '../../src/banks/index.js';
import { ROOT } from '../blob/support.js';
import { ascii, bankErrorOf, hex, keystreamRef } from './support.js';

const doc = readFileSync(join(ROOT, 'docs', 'BANKS.md'), 'utf8');

/** The fenced code blocks of a section (from its heading to the next heading of that level). */
function blocks(heading: string): string[] {
  const start = doc.startsWith(`${heading}\n`) ? 0 : doc.indexOf(`\n${heading}\n`) + 1;
  expect(start, heading).toBeGreaterThanOrEqual(0);
  expect(doc.slice(start).startsWith(heading), heading).toBe(true);
  const level = heading.split(' ')[0] as string;
  const rest = doc.slice(start + heading.length + 1);
  const next = rest.search(new RegExp(`^${level} `, 'm'));
  const section = next < 0 ? rest : rest.slice(0, next);
  return [...section.matchAll(/^```[a-z]*\n([\s\S]*?)^```$/gm)].map((m) => m[1] as string);
}

describe('docs/BANKS.md', () => {
  it('the worked example makes the bytes printed below it, and the bytes its comments say', () => {
    const [text, printed] = blocks('## 10. Worked example');
    const out = compileBank(text as string);
    expect(hex(out)).toBe((printed as string).replace(/\s+/g, ''));
    const want = [
      ...ascii('PK'), 0x03, 0x04,
      0x00, 0x01, 0x01, 0x02, 0x02, 0x03,
      0x20, 0x21, 0x22, 0x23,
      0xaa, 0xbb, 0xaa, 0xbb,
      ...Array<number>(6).fill(0xff),
      0x7f, 0x80, 0x01,
      0x7f, 0xbf, 0x7f,
      ...ascii('aabb'),
      ...keystreamRef('demo', 8),
    ];
    while (want.length < 64) want.push(0);
    expect(hex(out)).toBe(hex(want));
    expect(parseBank(text as string).header).toEqual({ name: 'demo', content: 'data', size: 64, samples: [] });
  });

  it('the other examples are valid bank files', () => {
    const [intro] = blocks('# The bank language (.bank files)');
    const out = compileBank(intro as string);
    expect(out.length).toBe(8 + 64 * 16 + 64 * 4 + (128 + 2 * (300 - 128)));
    expect(hex(out.subarray(0, 24))).toBe(hex([...ascii('HDR'), 0, 0, 0, 0, 0, ...ascii('REC'), 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]));
    const [header] = blocks('## 4. Header');
    const p = parseBank(header as string);
    expect(p.header.samples).toHaveLength(2);
    expect(p.length).toBe(4096);
  });

  it('every message in the error table is the one pfsc gives', () => {
    const section = doc.slice(doc.indexOf('## 8. Errors'), doc.indexOf('## 9.'));
    const rows = [...section.matchAll(/^\| `([^`]*)` \| `([^`]*)` \|$/gm)];
    expect(rows.length).toBeGreaterThan(8);
    for (const [, text, message] of rows) expect(bankErrorOf(() => compileBank(text as string)).message, text).toBe(message);
  });

  it('the random check values', () => {
    expect(hex(compileBank('bank 1 random count 32 seed "demo"'))).toBe('d567a2b2531805d91b4287fa5f94cdd6ea48335783b764c08eaac99e3115ffb1');
    expect(hex(compileBank('bank 1 random count 16 seed "a"'))).toBe('d20006a5becd53aa4cf9529b368d9fae');
    expect(doc).toContain('seed `demo`: key `36fa7f67e97756b16ebf9edcd4b2a05a`');
    expect(doc).toContain('d567a2b2531805d91b4287fa5f94cdd6 ea48335783b764c08eaac99e3115ffb1');
    expect(doc).toContain('`bd3e0d25f9f9c328794de143b1054d2b`, stream `d20006a5becd53aa4cf9529b368d9fae');
  });

  it('the manifest example of section 9.1', () => {
    const [json] = blocks('### 9.1 `bank` (version 1)');
    expect(JSON.parse(json as string)).toEqual(bankParams('bank 1\n"ab" 0x00\n'));
  });
});
