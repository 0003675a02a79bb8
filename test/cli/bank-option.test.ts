/** --bank through the real command: build, replay, exec and inspect with a bank file. */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTemp, runCli } from './harness.js';

const dir = makeTemp('bank-option');
const home = join(dir, 'home');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A bank holding two JSON-ish records; the input shares most of their text.
const records = ['{"name":"alpha","versions":[1,2,3],"notes":"first of its kind"}', '{"name":"beta","versions":[4,5,6],"notes":"second of its kind"}'];
const bankText = `bank 1\nname "records"\n${records.map((r) => JSON.stringify(r)).join('\n')}\n`;
const input = `${records[0]}\n${records[1]!.replace('beta', 'gamma')}\n${records[0]!.replace('alpha', 'delta')}\n`;

describe('--bank', () => {
  const bank = join(dir, 'records.bank');
  const file = join(dir, 'new.json');
  writeFileSync(bank, bankText);
  writeFileSync(file, input);

  it('builds against the bank, and replays only with it', () => {
    const b = runCli(['build', file, '-o', join(dir, 'with.pbb'), '--bank', bank, '--json'], { home });
    expect(b.status, b.stderr).toBe(0);
    const withBank = JSON.parse(b.stdout) as { pbbBytes: number; bytesFrom: { refs: number } };
    expect(withBank.bytesFrom.refs).toBeGreaterThan(input.length / 2);
    const r = runCli(['replay', join(dir, 'with.pbb'), '-o', join(dir, 'out.json'), '--bank', bank], { home });
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'out.json'), 'utf8')).toBe(input);
    const missing = runCli(['replay', join(dir, 'with.pbb'), '-o', join(dir, 'no.json')], { home });
    expect(missing.status).toBe(1);
    // A blueprint this small carries no diagnostics: the message says so.
    expect(missing.stderr).toMatch(/^PFSC_BLOB_MISMATCH: .*does not record which refs and base it needs/);
    expect(missing.stderr).toContain('--bank');
    expect(missing.stderr).not.toMatch(/^\s+at /m);
  });

  it('counts bank files before refs, in order, on exec and inspect too', () => {
    const ref = join(dir, 'old.json');
    writeFileSync(ref, records.join('\n'));
    const b = runCli(['build', file, '-o', join(dir, 'both.pbb'), '-f', '--bank', bank, '--ref', ref], { home });
    expect(b.status, b.stderr).toBe(0);
    const e = runCli(['exec', join(dir, 'both.pbb'), '--bank', bank, '--ref', ref, '--prog', 'counteq:10', '--json'], { home });
    expect(e.status, e.stderr).toBe(0);
    expect((JSON.parse(e.stdout) as { accumulators: Record<string, number> }).accumulators).toMatchObject({ 'counteq:10': 3 });
    const swapped = runCli(['exec', join(dir, 'both.pbb'), '--ref', bank, '--bank', ref, '--prog', 'counteq:10'], { home });
    expect(swapped.status).toBe(1);
    const i = runCli(['inspect', join(dir, 'both.pbb'), '--bank', bank, '--ref', ref, '--json'], { home });
    expect(i.status, i.stderr).toBe(0);
    expect(i.stdout).toContain('"refs"');
  });

  it('refuses a bank file that does not compile, naming it, with exit 1 and no stack', () => {
    const bad = join(dir, 'bad.bank');
    writeFileSync(bad, 'bank 1\n"unterminated\n');
    const r = runCli(['build', file, '-o', join(dir, 'bad.pbb'), '--bank', bad], { home });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^PFSC_BANK_INVALID: bank file ${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: bank line 2, column 1`));
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });
});
