/**
 * Checks a parsed program against the op table: known names, an immediate exactly where an
 * op takes one, immediates in 0..255. Messages point at the token at fault.
 */
import type { OpNode, ProgramNode } from './ast.js';
import { OP_NAMES, opInfo, opText, type Program, type ProgramOp } from './ops.js';
import { describeToken, programError } from './program-error.js';

/** More ops than any useful program needs; a bound so a pasted file fails at once. */
export const MAX_PROGRAM_OPS = 256;

const DECIMAL = /^[0-9]+$/;
const HEX = /^0[xX][0-9a-fA-F]+$/;

/** The value of an immediate's text, or undefined when it is not a number in 0..255. */
export function immediateValue(text: string): number | undefined {
  let v: number;
  if (DECIMAL.test(text)) v = parseInt(text, 10);
  else if (HEX.test(text)) v = parseInt(text.slice(2), 16);
  else return undefined;
  return v <= 255 ? v : undefined;
}

function checkOp(node: OpNode): ProgramOp {
  const name = node.name.text;
  const info = opInfo(name);
  if (info === undefined) throw programError(node.name.at, `unknown op ${describeToken(name)} (ops: ${OP_NAMES.join(', ')})`);
  if (!info.hasImmediate) {
    if (node.colon !== undefined) throw programError(node.colon.at, `"${name}" takes no immediate, got ":${node.immediate?.text ?? ''}"`);
    return { name: info.name, imm: 0 };
  }
  if (node.immediate === undefined) {
    // Point just past the name, where the ":immediate" should be.
    const at = { ...node.name.at, column: node.name.at.column + name.length, offset: node.name.at.offset + name.length };
    throw programError(at, `"${name}" needs an immediate 0..255, e.g. "${name}:${name === 'counteq' ? 0 : 255}"`);
  }
  const imm = immediateValue(node.immediate.text);
  if (imm === undefined) {
    throw programError(node.immediate.at, `expected an immediate 0..255 after "${name}:", got ${describeToken(node.immediate.text)}`);
  }
  return { name: info.name, imm };
}

export function validateProgram(node: ProgramNode): Program {
  if (node.ops.length > MAX_PROGRAM_OPS) {
    const extra = node.ops[MAX_PROGRAM_OPS]!;
    throw programError(extra.name.at, `a program has at most ${MAX_PROGRAM_OPS} ops; this is op ${MAX_PROGRAM_OPS + 1}`);
  }
  const ops = node.ops.map(checkOp);
  return { ops, text: ops.map(opText).join(',') };
}
