/**
 * Independent reference implementations for the pCPU tests, written from docs/PCPU.md alone:
 * a bitwise CRC-32C, a BigInt FNV-1a, and the semantics as a whole-array interpreter.
 */

/** CRC-32C one bit at a time: reflected polynomial 0x82F63B78, init and final xor 0xFFFFFFFF. */
export function bitwiseCrc32c(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

/** 64-bit FNV-1a in BigInt arithmetic. */
export function bigintFnv1a(bytes: Uint8Array): bigint {
  let h = 0xcbf29ce484222325n;
  for (const b of bytes) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return h;
}

export function countBytes(bytes: Uint8Array, value: number): number {
  let n = 0;
  for (const b of bytes) if (b === value) n++;
  return n;
}

/** A program as the test writes it: [name, imm?] pairs. */
export type RefOp = ['xor' | 'add' | 'counteq', number] | ['crc32c' | 'fnv'];

/**
 * The semantics of docs/PCPU.md over a whole array: transforms make a new stream, reductions
 * read the current one. Values as exec writes them (counts as numbers, hashes as 0x hex).
 */
export function referenceRun(ops: readonly RefOp[], input: Uint8Array): (number | string)[] {
  let s = Uint8Array.from(input);
  const out: (number | string)[] = [];
  for (const op of ops) {
    switch (op[0]) {
      case 'xor': s = s.map((b) => b ^ op[1]); break;
      case 'add': s = s.map((b) => (b + op[1]) & 255); break;
      case 'counteq': out.push(countBytes(s, op[1])); break;
      case 'crc32c': out.push(`0x${bitwiseCrc32c(s).toString(16).padStart(8, '0')}`); break;
      case 'fnv': out.push(`0x${bigintFnv1a(s).toString(16).padStart(16, '0')}`); break;
    }
  }
  return out;
}

export function programText(ops: readonly RefOp[]): string {
  return ops.map((op) => (op.length === 2 ? `${op[0]}:${op[1]}` : op[0])).join(',');
}
