/** Literals, groups, repeats, alignment, the header and the lexical rules, against bytes written by hand. */
import { describe, expect, it } from 'vitest';
import { compileBank, parseBank } from '../../src/banks/index.js';
import { ascii, bankErrorOf, fromHex } from './support.js';

const bytes = (body: string): number[] => [...compileBank(`bank 1\n${body}\n`)];

describe('bytes and ranges', () => {
  it('decimal, hex and separators', () => {
    expect(bytes('65 0x41 007 0xf_f 2_5_5 0 0x0')).toEqual([65, 0x41, 7, 255, 255, 0, 0]);
  });
  it('ranges run up or down, both ends included', () => {
    expect(bytes('0x20..0x23')).toEqual([0x20, 0x21, 0x22, 0x23]);
    expect(bytes('5..2')).toEqual([5, 4, 3, 2]);
    expect(bytes('7..7')).toEqual([7]);
    const all = bytes('0..255');
    expect(all).toHaveLength(256);
    all.forEach((b, i) => expect(b).toBe(i));
    expect(bytes('0x7e..0x20')).toEqual(Array.from({ length: 95 }, (_, i) => 0x7e - i));
  });
  it('0X is not hex, and a byte is 0 to 255', () => {
    bankErrorOf(() => bytes('0X4'));
    expect(bankErrorOf(() => bytes('256')).message).toBe('bank line 2, column 1: a byte must be from 0 to 255, got "256"');
    expect(bankErrorOf(() => bytes('-1')).message).toBe('bank line 2, column 1: a byte must be from 0 to 255, got "-1"');
    expect(bankErrorOf(() => bytes('0x100..0x00')).message).toMatch(/column 1: the first byte of a range must be from 0 to 255/);
    expect(bankErrorOf(() => bytes('1_')).message).toMatch(/"1_" is not a number/);
    expect(bankErrorOf(() => bytes('1__0')).message).toMatch(/"1__0" is not a number/);
    expect(bankErrorOf(() => bytes('0x')).message).toMatch(/"0x" is not a number/);
  });
});

describe('strings', () => {
  it('are UTF-8, with escapes', () => {
    expect(bytes('"Hi"')).toEqual(ascii('Hi'));
    expect(bytes('"é\\n"')).toEqual([0xc3, 0xa9, 0x0a]);
    expect(bytes('"\\xe9"')).toEqual([0xe9]);
    expect(bytes('"\\xFF\\x00"')).toEqual([0xff, 0x00]);
    expect(bytes('"\\u{1F600}"')).toEqual([0xf0, 0x9f, 0x98, 0x80]);
    expect(bytes('"\\u{e9}\\u{0}\\u{10ffff}"')).toEqual([0xc3, 0xa9, 0x00, 0xf4, 0x8f, 0xbf, 0xbf]);
    expect(bytes('"\\\\\\"\\n\\r\\t\\0"')).toEqual([0x5c, 0x22, 0x0a, 0x0d, 0x09, 0x00]);
    expect(bytes('"😀"')).toEqual([0xf0, 0x9f, 0x98, 0x80]);
    expect(bytes('"" 1')).toEqual([1]);
    expect(bytes('"#not a comment"')).toEqual(ascii('#not a comment'));
  });
  it('refuse unknown and malformed escapes, at the backslash', () => {
    expect(bankErrorOf(() => bytes('"ab\\q"')).message).toBe('bank line 2, column 4: unknown escape \\q (escapes: \\\\ \\" \\n \\r \\t \\0 \\xHH \\u{H...})');
    expect(bankErrorOf(() => bytes('"\\x4"')).message).toMatch(/column 2: \\x needs two hex digits/);
    expect(bankErrorOf(() => bytes('"\\u{d800}"')).message).toMatch(/column 2: \\u needs a Unicode scalar value/);
    expect(bankErrorOf(() => bytes('"\\u{110000}"')).message).toMatch(/\\u needs/);
    expect(bankErrorOf(() => bytes('"\\u{1234567}"')).message).toMatch(/\\u needs/);
    expect(bankErrorOf(() => bytes('"\\u41"')).message).toMatch(/\\u needs/);
  });
  it('end on their line', () => {
    expect(bankErrorOf(() => bytes('"abc\n"')).message).toBe('bank line 2, column 1: a string is not closed with " before the end of its line');
    expect(bankErrorOf(() => bytes('"abc\\')).message).toMatch(/line 2, column 1: a string is not closed/);
  });
});

describe('hex strings', () => {
  it('are pairs of hex digits, whitespace between pairs, across lines', () => {
    expect(bytes('x"4865 6c6c 6f"')).toEqual(ascii('Hello'));
    expect(bytes('x"DEADbeef"')).toEqual([0xde, 0xad, 0xbe, 0xef]);
    expect(bytes('x"00\n  ff\r\n\t01"')).toEqual([0, 255, 1]);
    expect(bytes('x"" 7')).toEqual([7]);
  });
  it('refuse odd digits and other characters', () => {
    expect(bankErrorOf(() => bytes('x"0 0"')).message).toBe('bank line 2, column 3: a hex string holds whole bytes: pairs of hex digits, whitespace only between pairs');
    expect(bankErrorOf(() => bytes('x"abc"')).message).toMatch(/column 5: a hex string holds whole bytes/);
    expect(bankErrorOf(() => bytes('x"0g"')).message).toMatch(/column 3: a hex string holds whole bytes/);
    expect(bankErrorOf(() => bytes('x"zz"')).message).toMatch(/column 3: a hex string holds hex digits and whitespace only, got "z"/);
    expect(bankErrorOf(() => bytes('x"00\nzz"')).message).toMatch(/line 3, column 1: a hex string holds hex digits/);
    expect(bankErrorOf(() => bytes('x"00 ff')).message).toBe('bank line 2, column 1: a hex string is not closed with " before the end of the file');
  });
});

describe('groups and repeats', () => {
  it('* applies to the item before it; groups repeat whole', () => {
    expect(bytes('0x00 0xff * 3')).toEqual([0, 255, 255, 255]);
    expect(bytes('(0x00 0xff) * 3')).toEqual([0, 255, 0, 255, 0, 255]);
    expect(bytes('"ab" * 2 * 3')).toEqual(ascii('abababababab'));
    expect(bytes('0x10..0x12 * 2')).toEqual([0x10, 0x11, 0x12, 0x10, 0x11, 0x12]);
    expect(bytes('1 "x" * 0 2 () 3 (()) * 5')).toEqual([1, 2, 3]);
  });
  it('nested repeats, against loops', () => {
    const want: number[] = [];
    for (let i = 0; i < 4; i++) {
      want.push(9);
      for (let j = 0; j < 3; j++) want.push(1, 2);
      for (let j = 0; j < 5; j++) want.push(7);
    }
    expect(bytes('(9 (1 2) * 3 7 * 5) * 4')).toEqual(want);
  });
  it('a long repeat is the byte string repeated, to the last byte', () => {
    const out = compileBank('bank 1 ("abc" 0x00..0x04) * 100000 "!"');
    expect(out.length).toBe(800001);
    const unit = [...ascii('abc'), 0, 1, 2, 3, 4];
    for (let i = 0; i < 800000; i += 7919) expect(out[i]).toBe(unit[i % 8]);
    expect(out[799999]).toBe(4);
    expect(out[800000]).toBe(0x21);
  });
  it('an empty item stays empty whatever the counts', () => {
    expect(bytes('"" * 1073741824 * 1073741824 * 1073741824 1')).toEqual([1]);
    expect(bytes('(0 * 0) * 1073741824 1')).toEqual([1]);
    expect(bytes('0 * 0 * 1073741824 * 1073741824 1')).toEqual([1]);
  });
});

describe('align', () => {
  it('pads to the next multiple from the start of its sequence', () => {
    expect(bytes('"abc" align 4')).toEqual([...ascii('abc'), 0]);
    expect(bytes('"abcd" align 4 1')).toEqual([...ascii('abcd'), 1]);
    expect(bytes('1 align 1 2')).toEqual([1, 2]);
    expect(bytes('1 align 8 fill 0xcc')).toEqual([1, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc]);
    expect(bytes('("abc" align 4 fill 0x2e) * 2')).toEqual(ascii('abc.abc.'));
    expect(bytes('0 (1 align 4 fill 9)')).toEqual([0, 1, 9, 9, 9]);
    expect(bytes('0 0 0 align 2 fill 5 (align 3 fill 6 1) align 8 fill 7')).toEqual([0, 0, 0, 5, 1, 7, 7, 7]);
  });
  it('cannot be repeated, and takes 1 to 2^30 and a fill byte', () => {
    expect(bankErrorOf(() => bytes('align 4 * 2')).message).toBe('bank line 2, column 9: align cannot be repeated; repeat a group that holds it instead');
    expect(bankErrorOf(() => bytes('1 align 0')).message).toMatch(/column 9: the multiple of align must be from 1 to 2\^30, got "0"/);
    expect(bankErrorOf(() => bytes('1 align 4 fill 256')).message).toMatch(/column 16: the fill byte must be from 0 to 255/);
    expect(parseBank('bank 1 1 align 1073741824').length).toBe(2 ** 30);
    expect(bankErrorOf(() => bytes('1 align 1073741824')).message).toBe('bank line 2, column 3: the bank makes more than 268435456 bytes by the end of this item (1073741824 bytes)');
  });
});

describe('header', () => {
  it('name, content, size and samples, in any order', () => {
    const d1 = 'ab'.repeat(32);
    const d2 = '0123456789abcdef'.repeat(4);
    const p = parseBank(`bank 1\nsamples ${d1}\n  ${d2}\ncontent text\nsize 2\nname "my bank"\n"hi"`);
    expect(p.header).toEqual({ name: 'my bank', content: 'text', size: 2, samples: [d1, d2] });
    expect(p.length).toBe(2);
    expect(parseBank('bank 1 1').header).toEqual({ samples: [] });
  });
  it('changes no byte', () => {
    expect([...compileBank(`bank 1 name "x" content code samples ${'c'.repeat(64)} 1 2`)]).toEqual([1, 2]);
  });
  it('refuses bad fields', () => {
    expect(bankErrorOf(() => parseBank('bank 1 name "a" name "b" 1')).message).toBe('bank line 1, column 17: the header has "name" twice');
    expect(bankErrorOf(() => parseBank('bank 1 name "" 1')).message).toMatch(/column 13: a bank's name must be 1 to 64 printable ASCII/);
    expect(bankErrorOf(() => parseBank(`bank 1 name "${'n'.repeat(65)}" 1`)).message).toMatch(/name must be 1 to 64/);
    expect(bankErrorOf(() => parseBank('bank 1 name "a\\n" 1')).message).toMatch(/name must be 1 to 64 printable ASCII/);
    expect(bankErrorOf(() => parseBank('bank 1 content binary 1')).message).toBe('bank line 1, column 16: expected code, text or data after "content", got "binary"');
    expect(bankErrorOf(() => parseBank('bank 1 size 0 1')).message).toMatch(/column 13: size must be from 1 to 2\^30/);
    expect(bankErrorOf(() => parseBank('bank 1 samples 1')).message).toMatch(/column 16: expected a sha256 digest/);
    expect(bankErrorOf(() => parseBank(`bank 1 samples ${'A'.repeat(64)} 1`)).message).toMatch(/expected a sha256 digest/);
    expect(bankErrorOf(() => parseBank(`bank 1 samples ${'a'.repeat(63)} 1`)).message).toMatch(/expected a sha256 digest/);
    expect(bankErrorOf(() => parseBank(`bank 1 samples ${'a'.repeat(64)} ${'a'.repeat(64)} 1`)).message).toMatch(/column 81: sample digest aaaaaaaaaaaa... is listed twice/);
    expect(bankErrorOf(() => parseBank('bank 1 0 name "x"')).message).toBe('bank line 1, column 10: the header field "name" must come before the body (the first item)');
    expect(bankErrorOf(() => parseBank('bank 1 size 3 "ab"')).message).toBe('bank line 1, column 13: the header says size 3, but the body makes 2 bytes');
  });
  it('the version line comes first and says 1', () => {
    expect([...compileBank('# a comment\n\n  bank 0x1 9')]).toEqual([9]);
    expect(bankErrorOf(() => parseBank('0x41')).message).toBe('bank line 1, column 1: a bank file starts with its version line, "bank 1", got "0x41"');
    expect(bankErrorOf(() => parseBank('bank 2 0')).message).toBe('bank line 1, column 6: this pfsc reads bank language version 1; the file says "bank 2"');
    expect(bankErrorOf(() => parseBank('')).message).toBe('bank line 1, column 1: a bank file starts with its version line, "bank 1", got the end of the file');
    expect(bankErrorOf(() => parseBank('bank')).message).toMatch(/column 5: expected the language version/);
    expect(bankErrorOf(() => parseBank('bank 1')).message).toBe('bank line 1, column 7: the bank makes no bytes; its body needs at least one byte');
    expect(bankErrorOf(() => parseBank('bank 1 "" () 0 * 0')).message).toMatch(/the bank makes no bytes/);
  });
});

describe('lexical rules', () => {
  it('comments and whitespace of every kind separate tokens', () => {
    expect(bytes('1#c\n2\t3\r4\r\n5 # "6"\n# 7\n8')).toEqual([1, 2, 3, 4, 5, 8]);
  });
  it('words are matched whole; unknown words and characters are refused where they are', () => {
    expect(bankErrorOf(() => bytes('counter')).message).toMatch(/^bank line 2, column 1: expected an item .* or the end of the file, got "counter"$/);
    expect(bankErrorOf(() => bytes('u16lex count 1')).message).toMatch(/got "u16lex"/);
    expect(bankErrorOf(() => bytes('U8 count 1')).message).toMatch(/got "U8"/);
    expect(bankErrorOf(() => bytes('1\n  2 ; 3')).message).toBe('bank line 3, column 5: unexpected character ";"');
    expect(bankErrorOf(() => bytes('1.5')).message).toBe('bank line 2, column 2: unexpected character "."');
    expect(bankErrorOf(() => bytes('é')).message).toBe('bank line 2, column 1: unexpected character "\\u00e9"');
    expect(bankErrorOf(() => bytes('😀')).message).toBe('bank line 2, column 1: unexpected character "\\ud83d\\ude00"');
    expect(bankErrorOf(() => parseBank('\ufeffbank 1 1')).message).toBe('bank line 1, column 1: unexpected character "\\ufeff"');
    expect(bankErrorOf(() => parseBank('bank 1 "a\ud800"')).message).toBe('bank line 1, column 10: the text is not well-formed Unicode (a lone surrogate)');
  });
  it('columns count UTF-16 code units; \\r, \\n and \\r\\n end lines', () => {
    expect(bankErrorOf(() => parseBank('bank 1\r"😀" 256')).message).toBe('bank line 2, column 6: a byte must be from 0 to 255, got "256"');
    expect(bankErrorOf(() => parseBank('bank 1\r\n\r\n\t256')).message).toBe('bank line 3, column 2: a byte must be from 0 to 255, got "256"');
  });
  it('a word after a number is its own token only with space between', () => {
    expect(bankErrorOf(() => bytes('0x41count')).message).toMatch(/"0x41count" is not a number/);
  });
});

describe('numbers', () => {
  it('are exact at any size, up to 64 characters', () => {
    expect([...compileBank(`bank 1 u64be from 0x${'f'.repeat(16)} count 1`)]).toEqual(fromHex('ffffffffffffffff'));
    expect(bankErrorOf(() => bytes(`${'1'.repeat(65)}`)).message).toMatch(/is longer than 64 characters/);
    expect(bankErrorOf(() => bytes(`${'9'.repeat(63)}`)).message).toMatch(/a byte must be from 0 to 255/);
    // 64 hex digits are a digest (rule 5 comes before numbers), which the body does not take.
    expect(bankErrorOf(() => bytes(`${'9'.repeat(64)}`)).message).toMatch(/expected an item .*, got "9999/);
    expect(bankErrorOf(() => bytes(`-${'9'.repeat(63)}`)).message).toMatch(/a byte must be from 0 to 255/);
  });
});
