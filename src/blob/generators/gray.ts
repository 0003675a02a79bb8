/**
 * `gray`: the reflected binary Gray code of 8-, 16- or 32-bit words, little-endian. Word k
 * of the bank is g(k mod 2^(8*width)) with g(x) = x XOR (x >> 1): 0, 1, 3, 2, 6, 7, 5, 4, ...
 */
import type { BankGenerator, BankParams } from '../types.js';
import { choiceParam, expectParams } from '../params.js';

export const grayGenerator: BankGenerator = {
  kind: 'gray',
  version: 1,
  contentKind: 'palette',
  validate(params: BankParams): void {
    expectParams(params, 'gray', ['width']);
    choiceParam(params, 'width', [1, 2, 4]);
  },
  generate(out: Uint8Array, params: BankParams): void {
    const width = params.width as number;
    const mask = width === 4 ? 0xffffffff : (1 << (8 * width)) - 1;
    const n = out.length;
    if (width === 1) {
      for (let k = 0; k < n; k++) {
        const x = k & 0xff;
        out[k] = x ^ (x >>> 1);
      }
      return;
    }
    let pos = 0;
    for (let k = 0; pos < n; k++) {
      const x = (k & mask) >>> 0;
      const g = (x ^ (x >>> 1)) >>> 0;
      for (let b = 0; b < width && pos < n; b++) out[pos++] = (g >>> (8 * b)) & 0xff;
    }
  },
};
