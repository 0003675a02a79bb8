/**
 * The pCPU ops: which are transforms of the byte stream and which are reductions into an
 * accumulator, and which take an immediate (docs/PCPU.md, "Ops").
 */

export type OpName = 'xor' | 'add' | 'counteq' | 'crc32c' | 'fnv';

export interface OpInfo {
  name: OpName;
  /** A transform rewrites the stream for the ops after it; a reduction folds it into an accumulator. */
  role: 'transform' | 'reduction';
  hasImmediate: boolean;
}

export const OPS: Readonly<Record<OpName, OpInfo>> = Object.freeze({
  xor: { name: 'xor', role: 'transform', hasImmediate: true },
  add: { name: 'add', role: 'transform', hasImmediate: true },
  counteq: { name: 'counteq', role: 'reduction', hasImmediate: true },
  crc32c: { name: 'crc32c', role: 'reduction', hasImmediate: false },
  fnv: { name: 'fnv', role: 'reduction', hasImmediate: false },
});

export const OP_NAMES = Object.keys(OPS) as OpName[];

export function opInfo(name: string): OpInfo | undefined {
  return Object.prototype.hasOwnProperty.call(OPS, name) ? OPS[name as OpName] : undefined;
}

/** One op of a checked program; imm is 0 for ops without an immediate. */
export interface ProgramOp {
  name: OpName;
  imm: number;
}

/** A checked program: its ops in order and its canonical text. */
export interface Program {
  ops: readonly ProgramOp[];
  /** The program written canonically: no whitespace or comments, immediates in decimal. */
  text: string;
}

/** The canonical text of one op: `xor:255`, `crc32c`. */
export function opText(op: ProgramOp): string {
  return OPS[op.name].hasImmediate ? `${op.name}:${op.imm}` : op.name;
}
