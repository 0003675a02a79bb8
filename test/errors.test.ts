import { describe, expect, it } from 'vitest';
import { ERROR_CODES, PfscError, toPfscError } from '../src/errors.js';

describe('PfscError', () => {
  it('carries a stable code and the documented hint', () => {
    const e = new PfscError('PFSC_PBB_TRUNCATED', 'blueprint ends at byte 12 of 40');
    expect(e.code).toBe('PFSC_PBB_TRUNCATED');
    expect(e.hint).toBe(ERROR_CODES.PFSC_PBB_TRUNCATED);
    expect(e.isUserError).toBe(true);
  });
  it('wraps foreign errors as internal ones, keeping the cause', () => {
    const cause = new RangeError('boom');
    const e = toPfscError(cause);
    expect(e.code).toBe('PFSC_INTERNAL');
    expect(e.cause).toBe(cause);
    expect(e.isUserError).toBe(false);
  });
});
