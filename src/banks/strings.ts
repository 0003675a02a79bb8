/**
 * String and hex string literals (docs/BANKS.md, section 5.1): a string's characters as UTF-8,
 * with backslash escapes; a hex string's digit pairs as bytes.
 */
import type { SourceToken } from './ast.js';
import { bankError, inside, quote } from './bank-error.js';

const SIMPLE: Readonly<Record<string, number>> = { '\\': 0x5c, '"': 0x22, n: 0x0a, r: 0x0d, t: 0x09, '0': 0x00 };
const HEXDIGIT = /^[0-9A-Fa-f]$/;

/** Appends the UTF-8 encoding of code point cp. */
function utf8(cp: number, out: number[]): void {
  if (cp < 0x80) out.push(cp);
  else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
  else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
}

/** The bytes of a string token (its text includes the quotes). */
export function stringBytes(t: SourceToken): Uint8Array {
  const s = t.text;
  const out: number[] = [];
  const end = s.length - 1;
  for (let i = 1; i < end; ) {
    const cp = s.codePointAt(i) as number;
    if (cp !== 0x5c) {
      utf8(cp, out);
      i += cp > 0xffff ? 2 : 1;
      continue;
    }
    const at = inside(t.at, s, i);
    const e = s[i + 1] as string;
    const simple = SIMPLE[e];
    if (simple !== undefined) {
      out.push(simple);
      i += 2;
    } else if (e === 'x') {
      const h = s.slice(i + 2, i + 4);
      if (h.length !== 2 || !HEXDIGIT.test(h[0] as string) || !HEXDIGIT.test(h[1] as string)) {
        throw bankError(at, '\\x needs two hex digits (\\x00 to \\xff)');
      }
      out.push(Number.parseInt(h, 16));
      i += 4;
    } else if (e === 'u') {
      const m = /^\{([0-9A-Fa-f]{1,6})\}/.exec(s.slice(i + 2, i + 11));
      const cp2 = m === null ? -1 : Number.parseInt(m[1] as string, 16);
      if (m === null || cp2 > 0x10ffff || (cp2 >= 0xd800 && cp2 <= 0xdfff)) {
        throw bankError(at, '\\u needs a Unicode scalar value in braces, 1 to 6 hex digits (\\u{0} to \\u{10ffff}, not d800 to dfff)');
      }
      utf8(cp2, out);
      i += 2 + (m[0] as string).length;
    } else {
      throw bankError(at, `unknown escape ${/^[\x21-\x7e]$/.test(e) ? `\\${e}` : `(a backslash before ${quote(e)})`} (escapes: \\\\ \\" \\n \\r \\t \\0 \\xHH \\u{H...})`);
    }
  }
  return Uint8Array.from(out);
}

/** The bytes of a hex string token (`x"..."`): pairs of hex digits, whitespace between pairs. */
export function hexBytes(t: SourceToken): Uint8Array {
  const s = t.text;
  const out: number[] = [];
  const end = s.length - 1;
  for (let i = 2; i < end; ) {
    const c = s[i] as string;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      i++;
      continue;
    }
    if (!HEXDIGIT.test(c)) throw bankError(inside(t.at, s, i), `a hex string holds hex digits and whitespace only, got ${quote(c)}`);
    const d = s[i + 1] as string;
    if (i + 1 >= end || !HEXDIGIT.test(d)) {
      throw bankError(inside(t.at, s, i), 'a hex string holds whole bytes: pairs of hex digits, whitespace only between pairs');
    }
    out.push(Number.parseInt(c + d, 16));
    i += 2;
  }
  return Uint8Array.from(out);
}
