import { describe, expect, it } from 'vitest';
import { ERROR_CODES, PfscError } from '../../src/errors.js';
import { EXIT_INTERNAL, EXIT_USAGE, EXIT_USER, formatError, locationLine } from '../../src/cli/report-error.js';

describe('formatError', () => {
  it('prints a user error as code: message and a hint, exit 1, no stack', () => {
    const r = formatError(new PfscError('PFSC_BLOB_MISMATCH', 'blueprint needs blob 1a2b, local blob is 3c4d'));
    expect(r.text).toBe(`PFSC_BLOB_MISMATCH: blueprint needs blob 1a2b, local blob is 3c4d\nhint: ${ERROR_CODES.PFSC_BLOB_MISMATCH}\n`);
    expect(r.exitCode).toBe(EXIT_USER);
  });

  it('uses a custom hint when the error has one', () => {
    const r = formatError(new PfscError('PFSC_CACHE', 'cannot lock the catalog', { hint: 'Close the other pfsc.' }));
    expect(r.text).toBe('PFSC_CACHE: cannot lock the catalog\nhint: Close the other pfsc.\n');
  });

  it('adds where the error arose: plugin, hook and stage', () => {
    const e = new PfscError('PFSC_MANIFEST_INVALID', 'bank "x" has size 0', { plugin: 'orchard-banks', hook: 'snapshot', stage: 'snapshot' });
    const lines = formatError(e).text.trimEnd().split('\n');
    expect(lines).toEqual([
      'PFSC_MANIFEST_INVALID: bank "x" has size 0',
      `hint: ${ERROR_CODES.PFSC_MANIFEST_INVALID}`,
      '  in plugin orchard-banks (hook snapshot, stage snapshot)',
    ]);
  });

  it('names the place with whatever parts are known', () => {
    expect(locationLine({})).toBeUndefined();
    expect(locationLine({ stage: 'plan' })).toBe('  in stage plan');
    expect(locationLine({ hook: 'pack', stage: 'pack' })).toBe('  in hook pack (stage pack)');
    expect(locationLine({ plugin: 'soft-id' })).toBe('  in plugin soft-id');
    expect(locationLine({ plugin: 'soft-id', hook: 'plan' })).toBe('  in plugin soft-id (hook plan)');
  });

  it('gives usage errors exit 2', () => {
    const r = formatError(new PfscError('PFSC_USAGE', "unknown option '--x'"));
    expect(r.exitCode).toBe(EXIT_USAGE);
    expect(r.text.startsWith("PFSC_USAGE: unknown option '--x'\nhint: ")).toBe(true);
  });

  it('keeps the first line one line', () => {
    const r = formatError(new PfscError('PFSC_PBB_CORRUPT', 'stream ops:\n  length 9 exceeds 4'));
    expect(r.text.split('\n')[0]).toBe('PFSC_PBB_CORRUPT: stream ops: length 9 exceeds 4');
  });

  it('prints an unknown exception as PFSC_INTERNAL, exit 70, stack only when verbose', () => {
    const boom = new TypeError('cannot read properties of undefined');
    const quiet = formatError(boom);
    expect(quiet.exitCode).toBe(EXIT_INTERNAL);
    expect(quiet.text.split('\n')[0]).toBe('PFSC_INTERNAL: cannot read properties of undefined');
    expect(quiet.text.split('\n')[1]).toBe(`hint: ${ERROR_CODES.PFSC_INTERNAL}`);
    expect(quiet.text).toContain('PFSC_DEBUG=1');
    expect(quiet.text).not.toMatch(/^\s+at /m);
    const loud = formatError(boom, { verbose: true });
    expect(loud.text).toMatch(/^\s+at /m);
    expect(loud.text).not.toContain('PFSC_DEBUG=1');
  });

  it('prints PFSC_INTERNAL errors with exit 70', () => {
    expect(formatError(new PfscError('PFSC_INTERNAL', 'segment table overflow')).exitCode).toBe(EXIT_INTERNAL);
  });

  it('shows a plugin failure with its cause, exit 1', () => {
    const cause = new Error('bank table missing');
    const e = new PfscError('PFSC_PLUGIN', 'plugin llvm-hints failed', { plugin: 'llvm-hints', hook: 'hint', stage: 'hint', cause });
    const r = formatError(e);
    expect(r.exitCode).toBe(EXIT_USER);
    const lines = r.text.split('\n');
    expect(lines[0]).toBe('PFSC_PLUGIN: plugin llvm-hints failed');
    expect(lines[1]).toMatch(/^hint: /);
    expect(lines[2]).toBe('  in plugin llvm-hints (hook hint, stage hint)');
    expect(lines[3]).toBe('caused by: bank table missing');
  });

  it('reads errors shaped like PfscError from another copy of the library', () => {
    const foreign = Object.assign(new Error('wrong blob'), { code: 'PFSC_BLOB_MISMATCH', hint: 'Use the same refs.' });
    expect(formatError(foreign).text).toBe('PFSC_BLOB_MISMATCH: wrong blob\nhint: Use the same refs.\n');
    const unknownCode = Object.assign(new Error('odd'), { code: 'ENOENT' });
    expect(formatError(unknownCode).exitCode).toBe(EXIT_INTERNAL);
  });

  it('treats a full disk as an output error, not a bug', () => {
    const e = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const r = formatError(e);
    expect(r.exitCode).toBe(EXIT_USER);
    expect(r.text.split('\n')[0]).toBe('PFSC_OUTPUT_UNWRITABLE: ENOSPC: no space left on device, write');
  });

  it('copes with non-Error values thrown', () => {
    const r = formatError('plain string');
    expect(r.exitCode).toBe(EXIT_INTERNAL);
    expect(r.text.split('\n')[0]).toBe('PFSC_INTERNAL: non-error value thrown: plain string');
  });
});
