/** The manifest parameters of a bank file, once its program checks (docs/BANKS.md, section 9). */
import type { BankParams } from '../blob/types.js';
import { parseBank } from './compile.js';
import { escapeBankParams } from './manifest-params.js';

/**
 * The manifest parameters of a bank file: `sha256` and `text00`... Checks the text first
 * (PFSC_BANK_INVALID, as parseBank would), and that its escaped form fits a manifest.
 */
export function bankParams(text: string): BankParams {
  parseBank(text);
  return escapeBankParams(text);
}
