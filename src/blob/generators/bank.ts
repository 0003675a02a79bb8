/**
 * `bank`: a bank written in the bank language (docs/BANKS.md). Its parameters carry the
 * bank file's text, escaped into `text00`, `text01`, ... with its `sha256`, so the Blob_ID
 * changes whenever the text does. The program's output P (1 to 2^30 bytes) is the bank's
 * cycle: the bank is the first `size` bytes of P || P || P || ...
 *
 * validate() checks the parameters' form and digest only. The program is parsed when the
 * bank is generated, which happens once per base blob (the cache keeps the bytes): the
 * parser (chevrotain) costs about 40 ms to load and 50 ms to prepare its grammar, which
 * every command that merely resolves a manifest would otherwise pay. prepare() loads it.
 */
import { PfscError } from '../../errors.js';
import type { BankGenerator, BankParams, GenerateContext } from '../types.js';
import { repeatCycle } from '../params.js';
import { bankTextFromParams } from '../../banks/manifest-params.js';
import { bankContentOf } from '../../banks/header-content.js';

type Compiler = typeof import('../../banks/compile.js') & typeof import('../../banks/emit.js');

let compiler: Compiler | undefined;

export const bankGenerator: BankGenerator = {
  kind: 'bank',
  version: 1,
  contentKind: 'data',
  async prepare(): Promise<void> {
    if (compiler === undefined) {
      const [c, e] = await Promise.all([import('../../banks/compile.js'), import('../../banks/emit.js')]);
      compiler = { ...c, ...e };
    }
  },
  validate(params: BankParams): void {
    bankTextFromParams(params);
  },
  contentKindOf(params: BankParams): 'code' | 'text' | 'data' {
    return bankContentOf(bankTextFromParams(params));
  },
  generate(out: Uint8Array, params: BankParams, _seed: string, ctx?: GenerateContext): void {
    if (compiler === undefined) throw new PfscError('PFSC_INTERNAL', 'the bank generator ran before prepare() loaded the bank language');
    let program;
    try {
      program = compiler.parseBank(bankTextFromParams(params));
    } catch (e) {
      if (e instanceof PfscError && ctx?.name !== undefined) {
        throw new PfscError(e.code, `bank ${ctx.name}: ${e.message}`, { cause: e, hint: e.hint });
      }
      throw e;
    }
    repeatCycle(out, compiler.emitBank(program, out));
    ctx?.onProgress?.(out.length);
  },
};
