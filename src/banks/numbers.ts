/**
 * Number literals (docs/BANKS.md, section 2.1): decimal or 0x hex, an optional leading `-`,
 * single `_` between digits; read exactly as BigInts, then checked against each use's range.
 */
import type { SourceToken } from './ast.js';
import { bankError, describeToken } from './bank-error.js';
import { MAX_NUMBER_LENGTH } from './limits.js';

const DECIMAL = /^-?[0-9]+(?:_[0-9]+)*$/;
const HEX = /^-?0x[0-9A-Fa-f]+(?:_[0-9A-Fa-f]+)*$/;

/** The exact value of a number token; throws PFSC_BANK_INVALID when it is not one. */
export function numberValue(t: SourceToken): bigint {
  if (t.text.length > MAX_NUMBER_LENGTH) {
    throw bankError(t.at, `number ${describeToken(t.text)} is longer than ${MAX_NUMBER_LENGTH} characters`);
  }
  const neg = t.text.startsWith('-');
  const body = (neg ? t.text.slice(1) : t.text).replace(/_/g, '');
  let v: bigint;
  if (HEX.test(t.text)) v = BigInt(body);
  else if (DECIMAL.test(t.text)) v = BigInt(body);
  else throw bankError(t.at, `${describeToken(t.text)} is not a number (decimal like 42, or hex like 0x2a)`);
  return neg ? -v : v;
}

/** A power of two as a BigInt. */
export const pow2 = (n: number): bigint => 1n << BigInt(n);

/** How a bound is written in messages: decimal, or 2^n for large powers of two (and 2^n - 1). */
export function showBound(v: bigint): string {
  const a = v < 0n ? -v : v;
  const sign = v < 0n ? '-' : '';
  if (a >= 1n << 20n) {
    for (let n = 20; n <= 64; n++) {
      if (a === pow2(n)) return `${sign}2^${n}`;
      if (a === pow2(n) - 1n) return `${sign}(2^${n} - 1)`;
    }
  }
  return `${v}`;
}

/** A number token whose value must lie in [min, max]; `what` names it in the message. */
export function numberIn(t: SourceToken, min: bigint, max: bigint, what: string): bigint {
  const v = numberValue(t);
  if (v < min || v > max) {
    throw bankError(t.at, `${what} must be from ${showBound(min)} to ${showBound(max)}, got ${describeToken(t.text)}`);
  }
  return v;
}

/** As numberIn, for ranges that fit a JavaScript number. */
export function smallNumberIn(t: SourceToken, min: number, max: number, what: string): number {
  return Number(numberIn(t, BigInt(min), BigInt(max), what));
}
