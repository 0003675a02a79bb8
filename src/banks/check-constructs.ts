/**
 * Constructs with clauses (docs/BANKS.md, section 6): which clauses each takes, their
 * ranges, and the length each makes, all before any byte is made.
 */
import type { ClauseNode, PrimaryNode, SourceToken } from './ast.js';
import { bankError } from './bank-error.js';
import { alphabetBytes } from './bytes-source.js';
import { lebRunLength } from './leb128.js';
import { MAX_BANK_OUTPUT, MAX_DEBRUIJN_LENGTH, MAX_SEED } from './limits.js';
import { numberIn, pow2, showBound, smallNumberIn } from './numbers.js';
import type { BankNode } from './program.js';
import { stringBytes } from './strings.js';

type Construct = Extract<PrimaryNode, { kind: 'construct' }>;

const WIDTHS: Readonly<Record<string, [1 | 2 | 4 | 8, boolean]>> = {
  u8: [1, false],
  u16le: [2, false],
  u16be: [2, true],
  u32le: [4, false],
  u32be: [4, true],
  u64le: [8, false],
  u64be: [8, true],
};

const CLAUSES: Readonly<Record<string, { takes: readonly string[]; needs: readonly string[]; example: string }>> = {
  words: { takes: ['from', 'step', 'count'], needs: ['count'], example: 'count 256' },
  leb: { takes: ['from', 'step', 'count'], needs: ['count'], example: 'count 1000' },
  debruijn: { takes: ['order', 'over'], needs: ['order', 'over'], example: 'order 3 over "ACGT"' },
  random: { takes: ['count', 'seed', 'over'], needs: ['count', 'seed'], example: 'count 4096 seed "a"' },
};

const MAX = BigInt(MAX_BANK_OUTPUT);

function list(words: readonly string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words.at(-1) as string}`;
}

/** The construct's clauses by name, each at most once and each one it takes. */
function clauses(node: Construct, family: string): Map<string, ClauseNode> {
  const rule = CLAUSES[family] as (typeof CLAUSES)[string];
  const name = node.keyword.text;
  const out = new Map<string, ClauseNode>();
  for (const c of node.clauses) {
    const k = c.keyword.text;
    if (!rule.takes.includes(k)) throw bankError(c.keyword.at, `"${name}" takes ${list(rule.takes)}; "${k}" is not one of its clauses`);
    if (out.has(k)) throw bankError(c.keyword.at, `"${name}" has "${k}" twice`);
    out.set(k, c);
  }
  for (const k of rule.needs) {
    if (!out.has(k)) throw bankError(node.keyword.at, `"${name}" needs ${k === 'over' || k === 'order' ? 'an' : 'a'} ${k} clause, e.g. "${name} ${rule.example}"`);
  }
  return out;
}

const value = (c: ClauseNode | undefined): SourceToken | undefined => c?.value;

function tooLong(at: SourceToken['at'], what: string, length: bigint): never {
  throw bankError(at, `${what} makes ${length} bytes; an item may make at most ${showBound(MAX)}`);
}

function words(node: Construct): BankNode {
  const [width, bigEndian] = WIDTHS[node.keyword.text] as [1 | 2 | 4 | 8, boolean];
  const c = clauses(node, 'words');
  const bits = 8 * width;
  const fromTok = value(c.get('from'));
  const stepTok = value(c.get('step'));
  const countTok = value(c.get('count')) as SourceToken;
  const from = fromTok === undefined ? 0n : numberIn(fromTok, -pow2(bits - 1), pow2(bits) - 1n, `from of ${node.keyword.text}`);
  const step = stepTok === undefined ? 1n : numberIn(stepTok, -(pow2(bits) - 1n), pow2(bits) - 1n, `step of ${node.keyword.text}`);
  const count = smallNumberIn(countTok, 0, MAX_BANK_OUTPUT, 'count');
  const length = BigInt(count) * BigInt(width);
  if (length > MAX) tooLong(countTok.at, `"${node.keyword.text}" with this count`, length);
  return { op: 'words', length: Number(length), width, bigEndian, from, step, count };
}

function leb(node: Construct): BankNode {
  const signed = node.keyword.text === 'sleb128';
  const c = clauses(node, 'leb');
  const lo = signed ? -pow2(63) : 0n;
  const hi = signed ? pow2(63) - 1n : pow2(64) - 1n;
  const fromTok = value(c.get('from'));
  const stepTok = value(c.get('step'));
  const countTok = value(c.get('count')) as SourceToken;
  const from = fromTok === undefined ? 0n : numberIn(fromTok, lo, hi, `from of ${node.keyword.text}`);
  const step = stepTok === undefined ? 1n : numberIn(stepTok, -(pow2(64) - 1n), pow2(64) - 1n, `step of ${node.keyword.text}`);
  const count = smallNumberIn(countTok, 0, MAX_BANK_OUTPUT, 'count');
  if (count > 0) {
    const last = from + BigInt(count - 1) * step;
    if (last < lo || last > hi) {
      throw bankError(countTok.at, `the last value of "${node.keyword.text}", from + (count - 1) * step = ${last}, is outside ${showBound(lo)} to ${showBound(hi)}`);
    }
  }
  const length = lebRunLength(signed, from, step, BigInt(count));
  if (length > MAX) tooLong(countTok.at, `"${node.keyword.text}" with this count`, length);
  return { op: 'leb', length: Number(length), signed, from, step, count };
}

function debruijn(node: Construct): BankNode {
  const c = clauses(node, 'debruijn');
  const orderTok = value(c.get('order')) as SourceToken;
  const order = smallNumberIn(orderTok, 1, 26, 'the order of a de Bruijn sequence');
  const alphabet = alphabetBytes((c.get('over') as ClauseNode).alphabet as NonNullable<ClauseNode['alphabet']>, 2, 'a de Bruijn sequence');
  const length = BigInt(alphabet.length) ** BigInt(order);
  if (length > BigInt(MAX_DEBRUIJN_LENGTH)) {
    throw bankError(orderTok.at, `a de Bruijn sequence of order ${order} over ${alphabet.length} bytes has ${length} bytes; at most ${showBound(BigInt(MAX_DEBRUIJN_LENGTH))} are allowed`);
  }
  return { op: 'debruijn', length: Number(length), order, alphabet };
}

function random(node: Construct): BankNode {
  const c = clauses(node, 'random');
  const count = smallNumberIn(value(c.get('count')) as SourceToken, 0, MAX_BANK_OUTPUT, 'count');
  const seedTok = value(c.get('seed')) as SourceToken;
  const seed = stringBytes(seedTok);
  if (seed.length > MAX_SEED) throw bankError(seedTok.at, `a seed may have at most ${MAX_SEED} bytes, this one has ${seed.length}`);
  const over = c.get('over')?.alphabet;
  const alphabet = over === undefined ? undefined : alphabetBytes(over, 1, 'a random run');
  return { op: 'random', length: count, seed, ...(alphabet === undefined ? {} : { alphabet }) };
}

export function checkConstruct(node: Construct): BankNode {
  const k = node.keyword.text;
  if (Object.hasOwn(WIDTHS, k)) return words(node);
  if (k === 'uleb128' || k === 'sleb128') return leb(node);
  if (k === 'debruijn') return debruijn(node);
  return random(node);
}
