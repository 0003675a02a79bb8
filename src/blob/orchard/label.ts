/**
 * What a bank of kind `bank` holds, for reports (`pfsc blob info`'s family column): the
 * `name` field of its bank file's header (docs/BANKS.md, section 4), e.g. "orchard elf
 * strings". It is read without the parser, which costs about 90 ms to load, from the tokens
 * of section 2 up to the first item; the content kind has its own column (bankContentOf).
 */
import { bankTextFromParams } from '../../banks/manifest-params.js';
import type { BankParams } from '../types.js';

export interface BankTextHeader {
  name?: string;
  content?: string;
  size?: number;
}

/** Whitespace and comments, strings, and any other run of characters (one token each). */
const TOKEN = /[ \t\r\n]+|#[^\r\n]*|"((?:[^"\\\r\n]|\\[^\r\n])*)"|[^ \t\r\n#"]+/y;

/** A string token's characters with the escapes of docs/BANKS.md 5.1 undone; undefined if not printable ASCII. */
function unescape(s: string): string | undefined {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '\\') {
      out += s[i];
      continue;
    }
    const c = s[++i];
    if (c === '\\' || c === '"') out += c;
    else if (c === 'x' && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) {
      out += String.fromCharCode(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else return undefined; // \n, \t, \u{...}: not in a name (printable ASCII only)
  }
  return /^[\x20-\x7e]*$/.test(out) ? out : undefined;
}

/**
 * The `name`, `content` and `size` header fields of a bank file's text. Fields it cannot
 * read are left out; it never throws (a file that does not parse fails where it is compiled).
 */
export function readBankHeader(text: string): BankTextHeader {
  const header: BankTextHeader = {};
  TOKEN.lastIndex = 0;
  const next = (): { text: string; str?: string } | undefined => {
    for (;;) {
      if (TOKEN.lastIndex >= text.length) return undefined;
      const m = TOKEN.exec(text);
      if (m === null) return undefined;
      if (/^[ \t\r\n#]/.test(m[0])) continue; // whitespace, comment
      return m[1] !== undefined ? { text: m[0], str: m[1] } : { text: m[0] };
    }
  };
  if (next()?.text !== 'bank' || next() === undefined) return header;
  let field = next();
  while (field !== undefined) {
    const value = next();
    if (field.text === 'name' && value?.str !== undefined) {
      const name = unescape(value.str);
      if (name !== undefined) header.name = name;
    } else if (field.text === 'content' && value !== undefined && /^(code|text|data)$/.test(value.text)) {
      header.content = value.text;
    } else if (field.text === 'size' && value !== undefined && /^[0-9][0-9_]*$/.test(value.text)) {
      header.size = Number(value.text.replace(/_/g, ''));
    } else if (field.text === 'samples') {
      let t = value;
      while (t !== undefined && /^[0-9a-f]{64}$/.test(t.text)) t = next();
      field = t;
      continue;
    } else break; // the first item: the header is over
    field = next();
  }
  return header;
}

/** The family of a bank, for reports: its bank file's `name`; undefined for other kinds. */
export function bankFamily(bank: { kind: string; params: BankParams }): string | undefined {
  if (bank.kind !== 'bank') return undefined;
  try {
    return readBankHeader(bankTextFromParams(bank.params)).name;
  } catch {
    return undefined; // parameters the manifest check refuses elsewhere
  }
}
