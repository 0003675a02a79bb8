/** The version line and header fields (docs/BANKS.md, sections 3 and 4). */
import type { FieldNode, FileNode } from './ast.js';
import { bankError, describeToken } from './bank-error.js';
import { BANK_LANGUAGE_VERSION, MAX_BANK_OUTPUT, MAX_NAME, MAX_SAMPLES } from './limits.js';
import { numberValue, smallNumberIn } from './numbers.js';
import type { BankContent, BankHeader } from './program.js';
import { stringBytes } from './strings.js';

export function checkVersion(file: FileNode): number {
  const v = numberValue(file.version);
  if (v !== BigInt(BANK_LANGUAGE_VERSION)) {
    throw bankError(file.version.at, `this pfsc reads bank language version ${BANK_LANGUAGE_VERSION}; the file says "bank ${file.version.text}"`);
  }
  return BANK_LANGUAGE_VERSION;
}

function nameValue(field: FieldNode): string {
  const t = field.values[0] as FieldNode['values'][number];
  const bytes = stringBytes(t);
  if (bytes.length < 1 || bytes.length > MAX_NAME || !bytes.every((b) => b >= 0x20 && b <= 0x7e)) {
    throw bankError(t.at, `a bank's name must be 1 to ${MAX_NAME} printable ASCII characters, got ${describeToken(t.text)}`);
  }
  return String.fromCharCode(...bytes);
}

function samplesValue(field: FieldNode): string[] {
  if (field.values.length > MAX_SAMPLES) {
    throw bankError(field.keyword.at, `samples lists ${field.values.length} digests; at most ${MAX_SAMPLES} are allowed`);
  }
  const seen = new Set<string>();
  for (const t of field.values) {
    if (seen.has(t.text)) throw bankError(t.at, `sample digest ${t.text.slice(0, 12)}... is listed twice`);
    seen.add(t.text);
  }
  return field.values.map((t) => t.text);
}

export function checkHeader(file: FileNode): BankHeader {
  const seen = new Set<string>();
  let name: string | undefined;
  let content: BankContent | undefined;
  let size: number | undefined;
  let samples: string[] = [];
  for (const field of file.fields) {
    const key = field.keyword.text;
    if (seen.has(key)) throw bankError(field.keyword.at, `the header has "${key}" twice`);
    seen.add(key);
    const first = field.values[0] as FieldNode['values'][number];
    if (key === 'name') name = nameValue(field);
    else if (key === 'content') content = first.text as BankContent;
    else if (key === 'size') size = smallNumberIn(first, 1, MAX_BANK_OUTPUT, 'size');
    else samples = samplesValue(field);
  }
  return {
    ...(name === undefined ? {} : { name }),
    ...(content === undefined ? {} : { content }),
    ...(size === undefined ? {} : { size }),
    samples,
  };
}
