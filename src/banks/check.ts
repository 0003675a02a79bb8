/**
 * From a syntax tree to a checked program: the version, the header, and the body with every
 * length known and bounded, before any byte is made.
 */
import type { FileNode } from './ast.js';
import { bankError, endOf } from './bank-error.js';
import { checkHeader, checkVersion } from './check-header.js';
import { checkSequence } from './check-items.js';
import type { BankProgram } from './program.js';

/** `limit`: the most bytes the whole bank may make (at most MAX_BANK_OUTPUT). */
export function checkFile(text: string, file: FileNode, limit: number): BankProgram {
  const version = checkVersion(file);
  const header = checkHeader(file);
  const body = checkSequence(file.items, { what: 'the bank', limit });
  if (body.length === 0) throw bankError(endOf(text), 'the bank makes no bytes; its body needs at least one byte');
  if (header.size !== undefined && header.size !== body.length) {
    const field = file.fields.find((f) => f.keyword.text === 'size');
    const at = field?.values[0]?.at ?? file.bank.at;
    throw bankError(at, `the header says size ${header.size}, but the body makes ${body.length} bytes`);
  }
  return { version, header, length: body.length, body };
}
