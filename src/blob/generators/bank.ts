/**
 * `bank`: a bank written in the bank language (docs/BANKS.md). Its parameters carry the
 * bank file's text, escaped into `text00`, `text01`, ... with its `sha256`, so the Blob_ID
 * changes whenever the text does. The program's output P (1 to 2^30 bytes) is the bank's
 * cycle: the bank is the first `size` bytes of P || P || P || ...
 */
import type { BankGenerator, BankParams, GenerateContext } from '../types.js';
import { repeatCycle } from '../params.js';
import { bankTextFromParams } from '../../banks/manifest-params.js';
import { parseBank } from '../../banks/compile.js';
import { emitBank } from '../../banks/emit.js';

export const bankGenerator: BankGenerator = {
  kind: 'bank',
  version: 1,
  contentKind: 'data',
  validate(params: BankParams): void {
    parseBank(bankTextFromParams(params));
  },
  generate(out: Uint8Array, params: BankParams, _seed: string, ctx?: GenerateContext): void {
    const program = parseBank(bankTextFromParams(params));
    repeatCycle(out, emitBank(program, out));
    ctx?.onProgress?.(out.length);
  },
};
