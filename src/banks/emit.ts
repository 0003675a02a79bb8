/**
 * Writes a checked program's bytes. Every node's bytes are independent of where it lands,
 * so a repeat writes its body once and copies it; a sink that fills up stops everything, so
 * writing a prefix costs no more than the prefix.
 */
import { writeDeBruijn } from '../blob/generators/debruijn.js';
import { emitLeb } from './leb128.js';
import type { BankNode, BankProgram } from './program.js';
import { emitRandom } from './random.js';
import { Sink } from './sink.js';
import { emitWords } from './words.js';

function emitNode(node: BankNode, sink: Sink): void {
  if (node.length === 0 || sink.full) return;
  switch (node.op) {
    case 'bytes':
      sink.putBytes(node.bytes);
      return;
    case 'fill': {
      const n = Math.min(node.length, sink.room);
      sink.out.fill(node.byte, sink.pos, sink.pos + n);
      sink.pos += n;
      return;
    }
    case 'seq':
      for (const item of node.items) {
        if (sink.full) return;
        emitNode(item, sink);
      }
      return;
    case 'repeat': {
      const start = sink.pos;
      emitNode(node.body, sink);
      const total = Math.min(sink.end, start + node.length);
      // The body's bytes are in place; double them until the repeat (or the sink) is done.
      while (sink.pos < total) {
        const n = Math.min(sink.pos - start, total - sink.pos);
        if (n <= 0) break;
        sink.out.copyWithin(sink.pos, start, start + n);
        sink.pos += n;
      }
      return;
    }
    case 'words':
      emitWords(node.width, node.bigEndian, node.from, node.step, node.count, sink);
      return;
    case 'leb':
      emitLeb(node.signed, node.from, node.step, node.count, sink);
      return;
    case 'debruijn': {
      const n = Math.min(node.length, sink.room);
      const target = sink.out.subarray(sink.pos, sink.pos + n);
      writeDeBruijn(target, node.alphabet.length, node.order, 0);
      for (let i = 0; i < n; i++) target[i] = node.alphabet[target[i] as number] as number;
      sink.pos += n;
      return;
    }
    case 'random':
      emitRandom(node.seed, node.length, node.alphabet, sink);
      return;
  }
}

/**
 * Writes the first min(out.length, program.length) bytes of the program's output into out,
 * from out[0]; returns how many it wrote.
 */
export function emitBank(program: BankProgram, out: Uint8Array): number {
  const sink = new Sink(out, 0, Math.min(out.length, program.length));
  emitNode(program.body, sink);
  return sink.pos;
}
