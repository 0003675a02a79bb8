/**
 * Byte sources (a byte, a range, a string, a hex string) and alphabets made of them
 * (docs/BANKS.md, sections 5.1 and 6.5).
 */
import type { AlphabetNode, ByteSourceNode } from './ast.js';
import { bankError } from './bank-error.js';
import { smallNumberIn } from './numbers.js';
import { hexBytes, stringBytes } from './strings.js';

/** The bytes a byte source stands for. */
export function sourceBytes(node: ByteSourceNode): Uint8Array {
  switch (node.kind) {
    case 'byte':
      return Uint8Array.of(smallNumberIn(node.value, 0, 255, 'a byte'));
    case 'range': {
      const a = smallNumberIn(node.from, 0, 255, 'the first byte of a range');
      const b = smallNumberIn(node.to, 0, 255, 'the last byte of a range');
      const out = new Uint8Array(Math.abs(b - a) + 1);
      const dir = b >= a ? 1 : -1;
      for (let i = 0; i < out.length; i++) out[i] = a + dir * i;
      return out;
    }
    case 'string':
      return stringBytes(node.token);
    case 'hex':
      return hexBytes(node.token);
  }
}

const hex2 = (b: number): string => `0x${b.toString(16).padStart(2, '0')}`;

/**
 * The bytes of an alphabet, in the order written: symbol j is the j-th byte. They must be
 * distinct, and between `min` and 256 of them.
 */
export function alphabetBytes(node: AlphabetNode, min: number, what: string): Uint8Array {
  const seen = new Uint8Array(256);
  const out: number[] = [];
  for (const part of node.parts) {
    const at = part.kind === 'byte' ? part.value.at : part.kind === 'range' ? part.from.at : part.token.at;
    for (const b of sourceBytes(part)) {
      if (seen[b] === 1) throw bankError(at, `the alphabet of ${what} holds byte ${hex2(b)} twice; its bytes must be distinct`);
      seen[b] = 1;
      out.push(b);
    }
  }
  if (out.length < min) {
    throw bankError(node.at, `the alphabet of ${what} has ${out.length} byte${out.length === 1 ? '' : 's'}; it needs at least ${min}`);
  }
  return Uint8Array.from(out);
}
