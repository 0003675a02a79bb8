/**
 * Items and groups (docs/BANKS.md, section 5): literals, groups, repeats and alignment, with
 * every length worked out and bounded before anything is made.
 */
import type { ItemNode, PrimaryNode, SourcePosition } from './ast.js';
import { bankError } from './bank-error.js';
import { sourceBytes } from './bytes-source.js';
import { checkConstruct } from './check-constructs.js';
import { MAX_BANK_OUTPUT } from './limits.js';
import { numberIn, showBound, smallNumberIn } from './numbers.js';
import type { BankNode } from './program.js';

const EMPTY: BankNode = { op: 'seq', length: 0, items: [] };
const MAX = showBound(BigInt(MAX_BANK_OUTPUT));

/** Where an item starts, for messages about the whole item. */
function startOf(p: PrimaryNode): SourcePosition {
  switch (p.kind) {
    case 'byte':
      return p.value.at;
    case 'range':
      return p.from.at;
    case 'string':
    case 'hex':
      return p.token.at;
    case 'group':
      return p.open.at;
    case 'align':
    case 'construct':
      return p.keyword.at;
  }
}

/** One primary at `pos` bytes into its group (only `align` depends on it). */
function checkPrimary(p: PrimaryNode, pos: number): BankNode {
  switch (p.kind) {
    case 'byte':
    case 'range':
    case 'string':
    case 'hex': {
      const bytes = sourceBytes(p);
      return { op: 'bytes', length: bytes.length, bytes };
    }
    case 'group':
      return checkSequence(p.items, { what: 'a group', limit: MAX_BANK_OUTPUT });
    case 'align': {
      const multiple = smallNumberIn(p.multiple, 1, MAX_BANK_OUTPUT, 'the multiple of align');
      const byte = p.fill === undefined ? 0 : smallNumberIn(p.fill, 0, 255, 'the fill byte');
      const length = (multiple - (pos % multiple)) % multiple;
      return length === 0 ? EMPTY : { op: 'fill', length, byte };
    }
    case 'construct':
      return checkConstruct(p);
  }
}

/** An item: its primary, then each `* count` multiplying its length. */
function checkItem(item: ItemNode, pos: number): BankNode {
  const node = checkPrimary(item.primary, pos);
  if (item.repeats.length === 0) return node;
  if (item.primary.kind === 'align') {
    throw bankError((item.repeats[0] as ItemNode['repeats'][number]).star.at, 'align cannot be repeated; repeat a group that holds it instead');
  }
  let count = 1n;
  for (const r of item.repeats) {
    const c = numberIn(r.count, 0n, BigInt(MAX_BANK_OUTPUT), 'a repeat count');
    // An empty item stays empty whatever the counts, so they need not be multiplied.
    if (node.length === 0 || count === 0n) continue;
    count *= c;
    const length = count * BigInt(node.length);
    if (length > BigInt(MAX_BANK_OUTPUT)) {
      throw bankError(r.star.at, `this repeat makes ${length} bytes; an item may make at most ${MAX}`);
    }
  }
  if (node.length === 0 || count === 0n) return EMPTY;
  if (count === 1n) return node;
  return { op: 'repeat', length: Number(count) * node.length, count: Number(count), body: node };
}

export interface SequenceRule {
  /** Named in the message when the sequence passes its limit ("a group", "the bank"). */
  what: string;
  limit: number;
}

/** A sequence of items (a group's, or the body's), which `align` measures from its start. */
export function checkSequence(items: readonly ItemNode[], rule: SequenceRule): BankNode {
  const out: BankNode[] = [];
  let length = 0;
  for (const item of items) {
    const node = checkItem(item, length);
    length += node.length;
    if (length > rule.limit) {
      throw bankError(startOf(item.primary), `${rule.what} makes more than ${rule.limit === MAX_BANK_OUTPUT ? MAX : rule.limit} bytes by the end of this item (${length} bytes)`);
    }
    if (node.length > 0) out.push(node);
  }
  if (out.length === 1) return out[0] as BankNode;
  return { op: 'seq', length, items: out };
}
