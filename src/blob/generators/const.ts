/**
 * `const`: runs of each byte value in turn. Byte i of the bank is floor(i / run) mod 256,
 * so the bank holds a run of 0x00, then of 0x01, ... then of 0xff, then again from 0x00.
 */
import type { BankGenerator, BankParams } from '../types.js';
import { expectParams, intParam } from '../params.js';

export const CONST_MAX_RUN = 1 << 24;

export const constGenerator: BankGenerator = {
  kind: 'const',
  version: 1,
  contentKind: 'palette',
  validate(params: BankParams): void {
    expectParams(params, 'const', ['run']);
    intParam(params, 'run', 1, CONST_MAX_RUN);
  },
  generate(out: Uint8Array, params: BankParams): void {
    const run = params.run as number;
    let value = 0;
    for (let pos = 0; pos < out.length; value = (value + 1) & 0xff) {
      const end = Math.min(out.length, pos + run);
      out.fill(value, pos, end);
      pos = end;
    }
  },
};
