/**
 * Shared pieces of the bank tests: independent references (a LEB128 encoder, an AES-CTR
 * keystream straight from node:crypto) and error checks. Nothing here calls src/banks.
 */
import { createCipheriv, createHash } from 'node:crypto';
import { expect } from 'vitest';
import { PfscError } from '../../src/errors.js';

export const hex = (b: Uint8Array | number[]): string => Buffer.from(b instanceof Uint8Array ? b : Uint8Array.from(b)).toString('hex');
export const fromHex = (s: string): number[] => [...Buffer.from(s.replace(/\s+/g, ''), 'hex')];
export const ascii = (s: string): number[] => [...Buffer.from(s, 'latin1')];

/** Unsigned LEB128, written out by hand (BigInt, 7 bits at a time). */
export function ulebRef(value: bigint): number[] {
  const out: number[] = [];
  let v = value;
  do {
    let b = Number(v & 127n);
    v >>= 7n;
    if (v !== 0n) b |= 0x80;
    out.push(b);
  } while (v !== 0n);
  return out;
}

/** Signed LEB128: stop once the rest is all sign bits and the last byte's bit 6 agrees. */
export function slebRef(value: bigint): number[] {
  const out: number[] = [];
  let v = value;
  for (;;) {
    const b = Number(BigInt.asUintN(7, v));
    v >>= 7n;
    const signBit = (b & 0x40) !== 0;
    if ((v === 0n && !signBit) || (v === -1n && signBit)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

/** The first n bytes of the keystream of a bank random run with this seed. */
export function keystreamRef(seed: Uint8Array | string, n: number): Uint8Array {
  const key = createHash('sha256').update('pfsc-bank-random-v1\n', 'utf8').update(seed).digest().subarray(0, 16);
  const c = createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
  return new Uint8Array(c.update(Buffer.alloc(n)));
}

/** Runs f and returns the PfscError it throws, checking it is one line with the given code. */
export function bankErrorOf(f: () => unknown, code = 'PFSC_BANK_INVALID'): PfscError {
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected an error').toBeInstanceOf(PfscError);
  const e = caught as PfscError;
  expect(e.code, e.message).toBe(code);
  expect(e.message).not.toMatch(/[\r\n\u2028\u2029]/);
  return e;
}
