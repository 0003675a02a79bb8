/**
 * `random`: a seeded pseudo-random stream, the keystream of AES-128 in counter mode.
 *
 * key = the first 16 bytes of SHA-256("pfsc-random-v1\n" || seed || "\n" || bank name), all
 * UTF-8. Keystream block i (i = 0, 1, 2, ...) is AES-128-Encrypt(key, i as a 128-bit
 * big-endian integer); the bank is the first `size` bytes of block 0 || block 1 || ...
 * This is NIST SP 800-38A CTR mode with an all-zero initial counter block, so any AES
 * library reproduces it; OpenSSL runs it at gigabytes per second.
 */
import { createCipheriv, createHash } from 'node:crypto';
import { PfscError } from '../../errors.js';
import type { BankGenerator, BankParams, GenerateContext } from '../types.js';
import { expectParams } from '../params.js';

const CHUNK = 1 << 16;
const REPORT_EVERY = 1 << 20;
let zeros: Uint8Array | undefined;

/** The AES-128 key of a random bank. */
export function randomBankKey(seed: string, name: string): Buffer {
  return createHash('sha256')
    .update(`pfsc-random-v1\n${seed}\n${name}`, 'utf8')
    .digest()
    .subarray(0, 16);
}

export const randomGenerator: BankGenerator = {
  kind: 'random',
  version: 1,
  contentKind: 'random',
  validate(params: BankParams): void {
    expectParams(params, 'random', []);
  },
  generate(out: Uint8Array, _params: BankParams, seed: string, ctx?: GenerateContext): void {
    if (ctx === undefined || typeof ctx.name !== 'string') {
      throw new PfscError('PFSC_INTERNAL', 'random bank generation needs the bank name (ctx.name)');
    }
    const cipher = createCipheriv('aes-128-ctr', randomBankKey(seed, ctx.name), Buffer.alloc(16));
    zeros ??= new Uint8Array(CHUNK);
    for (let pos = 0; pos < out.length; ) {
      const n = Math.min(CHUNK, out.length - pos);
      out.set(cipher.update(zeros.subarray(0, n)), pos);
      pos += n;
      if (pos % REPORT_EVERY === 0 || pos === out.length) ctx.onProgress?.(pos);
    }
    cipher.final();
  },
};
