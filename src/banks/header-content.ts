/**
 * The `content` field of a bank file's header (docs/BANKS.md, section 4), read without the
 * parser: the planner asks for it whenever a blob holding bank files is opened, and loading
 * the parser (chevrotain) for that would cost about 90 ms. It scans the tokens of section 2
 * from the start up to the first that is not part of the header. A file that does not
 * parse gives 'data' here and fails where its bytes are generated.
 */

/** The tokens of docs/BANKS.md, section 2, in its order; group n + 1 is token n. */
const TOKEN = /[ \t\r\n]+|#[^\r\n]*|(x"[^"]*")|("(?:[^"\\\r\n]|\\[^\r\n])*")|([0-9a-f]{64}(?![0-9A-Za-z_]))|(-?[0-9][0-9A-Za-z_]*)|(\.\.)|([()[\]*])|([A-Za-z_][A-Za-z0-9_]*)/y;

type Token = { type: 'hex' | 'string' | 'digest' | 'number' | 'range' | 'punct' | 'word'; text: string } | undefined;
const TYPES = ['hex', 'string', 'digest', 'number', 'range', 'punct', 'word'] as const;

export type BankContent = 'code' | 'text' | 'data';

export function bankContentOf(text: string): BankContent {
  TOKEN.lastIndex = 0;
  const next = (): Token => {
    for (;;) {
      const at = TOKEN.lastIndex;
      if (at >= text.length) return undefined;
      const m = TOKEN.exec(text);
      if (m === null || m.index !== at) return undefined;
      for (let g = 1; g <= TYPES.length; g++) if (m[g] !== undefined) return { type: TYPES[g - 1]!, text: m[g]! };
      // whitespace or a comment: skipped
    }
  };
  const isWord = (t: Token, w: string): boolean => t?.type === 'word' && t.text === w;
  if (!isWord(next(), 'bank') || next()?.type !== 'number') return 'data';
  let t = next();
  for (;;) {
    if (isWord(t, 'content')) {
      const k = next();
      return k?.type === 'word' && (k.text === 'code' || k.text === 'text' || k.text === 'data') ? k.text : 'data';
    }
    if (isWord(t, 'name')) {
      if (next()?.type !== 'string') return 'data';
      t = next();
    } else if (isWord(t, 'size')) {
      if (next()?.type !== 'number') return 'data';
      t = next();
    } else if (isWord(t, 'samples')) {
      do t = next(); while (t?.type === 'digest');
    } else return 'data';
  }
}
