/** docs/HINTS.md against the code: its version, every kind, every arch, every option. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ARCHES, DEFAULT_LIMITS, HINT_KINDS, HINTS_VERSION } from '../../../plugins/llvm-hints/index.js';

const md = readFileSync(new URL('../../../docs/HINTS.md', import.meta.url), 'utf8');
const section = (title: string) => md.split(/^## /m).find((s) => s.startsWith(title)) ?? '';

describe('docs/HINTS.md', () => {
  it('states the version the code exports, and has a history entry for it', () => {
    expect(md).toMatch(new RegExp(`^Hints version: \\*\\*${HINTS_VERSION}\\*\\*`, 'm'));
    expect(section('Version history')).toMatch(new RegExp(`^- \\*\\*${HINTS_VERSION}\\*\\*:`, 'm'));
  });

  it('defines every kind, and no other', () => {
    const rows = [...section('Kinds').matchAll(/^\| `([a-z]+)` \|/gm)].map((m) => m[1]);
    expect(rows.sort()).toEqual([...HINT_KINDS].sort());
  });

  it('maps every arch, and no other', () => {
    const rows = [...section('Architectures').matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]);
    expect(rows.sort()).toEqual([...ARCHES].sort());
  });

  it('documents every option', () => {
    const table = section('Options');
    for (const key of [...Object.keys(DEFAULT_LIMITS), 'refineWholeFile', 'warn']) expect(table, key).toContain(`| \`${key}\` |`);
  });
});
