/**
 * A bank file inside a manifest (docs/BANKS.md, section 9): manifest parameters are
 * strings of at most 256 printable ASCII characters, so the text is escaped (every UTF-8 byte
 * outside 0x20..0x7e, and `%`, as `%hh`) and cut into `text00`, `text01`, ... of 256
 * characters each, next to the SHA-256 of its UTF-8 bytes. The form is canonical: one text
 * has exactly one set of parameters, so the Blob_ID changes exactly when the text does.
 */
import { createHash } from 'node:crypto';
import { paramError } from '../blob/params.js';
import type { BankParams } from '../blob/types.js';
import { PfscError } from '../errors.js';
import { bankError, positionAt } from './bank-error.js';

/** Characters per text parameter. */
export const BANK_TEXT_CHUNK = 256;
/** Text parameters at most (with sha256, a manifest's 32 parameters). */
export const BANK_TEXT_PARAMS = 31;
/** Longest escaped text a manifest holds: 7936 characters. */
export const MAX_ESCAPED_BANK_TEXT = BANK_TEXT_CHUNK * BANK_TEXT_PARAMS;

const TEXT_KEY = /^text([0-9]{2})$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const isPlain = (b: number): boolean => b >= 0x20 && b <= 0x7e && b !== 0x25;

const textKey = (i: number): string => `text${String(i).padStart(2, '0')}`;

/** Bytes a manifest writes as `%hh`: outside 0x20..0x7e, and `%` itself. */
const NEEDS_ESCAPE = /[^\x20-\x24\x26-\x7e]/g;
const ESCAPES = Array.from({ length: 256 }, (_, b) => `%${b.toString(16).padStart(2, '0')}`);

/**
 * The manifest parameters of a bank file: `sha256` and `text00`... Checks that its escaped
 * form fits a manifest, not the program (bankParams in src/banks/bank-params.ts does both).
 */
export function escapeBankParams(text: string): BankParams {
  const bytes = Buffer.from(text, 'utf8');
  // One latin1 character per byte, so the regular expression escapes bytes, not characters.
  const escaped = bytes.toString('latin1').replace(NEEDS_ESCAPE, (c) => ESCAPES[c.charCodeAt(0)] as string);
  if (escaped.length > MAX_ESCAPED_BANK_TEXT) throw tooLong(text);
  const params: BankParams = { sha256: createHash('sha256').update(bytes).digest('hex') };
  for (let i = 0; i * BANK_TEXT_CHUNK < escaped.length; i++) {
    params[textKey(i)] = escaped.slice(i * BANK_TEXT_CHUNK, (i + 1) * BANK_TEXT_CHUNK);
  }
  return params;
}

/** The error for a text whose escaped form passes the limit, at the character where it does. */
function tooLong(text: string): PfscError {
  let chars = 0;
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i) as number;
    const width = cp < 0x80 ? (isPlain(cp) ? 1 : 3) : 3 * Buffer.byteLength(String.fromCodePoint(cp), 'utf8');
    if (chars + width > MAX_ESCAPED_BANK_TEXT) {
      return bankError(positionAt(text, i), `the text is too long for a manifest: escaped, it passes ${MAX_ESCAPED_BANK_TEXT} characters here`);
    }
    chars += width;
    i += cp > 0xffff ? 2 : 1;
  }
  return new PfscError('PFSC_INTERNAL', 'tooLong: the escaped text fits after all');
}

/** The parameters' text chunks joined, after checking their names and lengths. */
function joinedText(params: BankParams): string {
  let count = 0;
  for (const key of Object.keys(params)) {
    if (key === 'sha256') continue;
    if (!TEXT_KEY.test(key)) {
      throw new PfscError('PFSC_MANIFEST_INVALID', `params.${key} is not a parameter of kind bank; it takes sha256 and text00, text01, ... (up to text${BANK_TEXT_PARAMS - 1})`);
    }
    count++;
  }
  if (!Object.hasOwn(params, 'sha256')) throw paramError('sha256', 'is missing (kind bank needs sha256 and text00, text01, ...)');
  if (count < 1) throw paramError('text00', 'is missing (kind bank needs sha256 and text00, text01, ...)');
  if (count > BANK_TEXT_PARAMS) throw paramError(textKey(BANK_TEXT_PARAMS), `is one text parameter too many; at most ${BANK_TEXT_PARAMS} are allowed`);
  const parts: string[] = [];
  for (let i = 0; i < count; i++) {
    const key = textKey(i);
    const v = params[key];
    if (v === undefined) throw paramError(key, `is missing: the text parameters are text00 to text${String(count - 1).padStart(2, '0')} without gaps`);
    const last = i === count - 1;
    if (typeof v !== 'string' || !/^[\x20-\x7e]*$/.test(v) || (last ? v.length < 1 || v.length > BANK_TEXT_CHUNK : v.length !== BANK_TEXT_CHUNK)) {
      const shape = last ? `1 to ${BANK_TEXT_CHUNK}` : `exactly ${BANK_TEXT_CHUNK}`;
      throw paramError(key, `must be a string of ${shape} printable ASCII characters (every text parameter but the last is full)`, v);
    }
    parts.push(v);
  }
  return parts.join('');
}

/** Where in the joined text a character lies, as `textNN` for messages. */
const chunkOf = (i: number): string => textKey(Math.floor(i / BANK_TEXT_CHUNK));

/** A `%` not followed by two lowercase hex digits, or one that escapes a printable byte. */
const BAD_ESCAPE = /%(?![0-9a-f]{2})|%(?:2[0-46-9a-f]|[3-6][0-9a-f]|7[0-9a-e])/;
const ESCAPE = /%([0-9a-f]{2})/g;

/**
 * Texts already unescaped and checked, by their sha256 and escaped form: a manifest's banks are
 * read several times per command (validation, content kind, generation), and the same text
 * always gives the same result. Bounded, so hostile manifests cannot grow it without limit.
 */
const checkedTexts = new Map<string, string>();
const CHECKED_TEXTS_MAX = 256;

/**
 * The bank file a manifest's parameters carry. Throws PFSC_MANIFEST_INVALID when they are not
 * in the canonical form bankParams() writes, or the sha256 does not match.
 */
export function bankTextFromParams(params: BankParams): string {
  const joined = joinedText(params);
  const sha = params.sha256;
  const key = `${typeof sha === 'string' ? sha : ''}:${joined}`;
  const known = checkedTexts.get(key);
  if (known !== undefined) return known;
  if (BAD_ESCAPE.test(joined)) throw badEscape(joined);
  const raw = Buffer.from(joined.replace(ESCAPE, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16))), 'latin1');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(raw);
  } catch {
    throw paramError('text00', 'does not hold UTF-8 text once unescaped');
  }
  if (typeof sha !== 'string' || !SHA256_HEX.test(sha)) throw paramError('sha256', 'must be 64 lowercase hex digits', sha);
  const actual = createHash('sha256').update(raw).digest('hex');
  if (actual !== sha) throw paramError('sha256', `does not match the text, whose SHA-256 is ${actual}`, sha);
  if (checkedTexts.size >= CHECKED_TEXTS_MAX) checkedTexts.clear();
  checkedTexts.set(key, text);
  return text;
}

/** The error for the first bad `%` of a joined text (BAD_ESCAPE matched it). */
function badEscape(joined: string): PfscError {
  for (let i = joined.indexOf('%'); i >= 0; i = joined.indexOf('%', i + 1)) {
    const h = joined.slice(i + 1, i + 3);
    if (!/^[0-9a-f]{2}$/.test(h)) return paramError(chunkOf(i), 'holds a "%" not followed by two lowercase hex digits');
    if (isPlain(Number.parseInt(h, 16))) {
      return paramError(chunkOf(i), `escapes a printable character (%${h}); only bytes outside 0x20..0x7e and "%" are escaped`);
    }
    i += 2;
  }
  return new PfscError('PFSC_INTERNAL', 'badEscape: no bad escape in the text after all');
}
