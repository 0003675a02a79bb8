/** The pCPU program language (docs/PCPU.md, "Syntax"): what parses, and where errors point. */
import { describe, expect, it } from 'vitest';
import { PfscError } from '../../../src/errors.js';
import { accumulatorNames } from '../../../src/runtime/pcpu/accumulators.js';
import { MAX_PROGRAM_TEXT, parseProgram } from '../../../src/runtime/pcpu/program.js';
import { MAX_PROGRAM_OPS } from '../../../src/runtime/pcpu/validate.js';

function fails(text: string): PfscError {
  try {
    parseProgram(text);
  } catch (e) {
    expect(e).toBeInstanceOf(PfscError);
    return e as PfscError;
  }
  throw new Error(`${JSON.stringify(text)} parsed`);
}

describe('valid programs', () => {
  it('reads the example program', () => {
    const p = parseProgram('xor:255,add:7,counteq:0,crc32c,fnv');
    expect(p.ops).toEqual([
      { name: 'xor', imm: 255 },
      { name: 'add', imm: 7 },
      { name: 'counteq', imm: 0 },
      { name: 'crc32c', imm: 0 },
      { name: 'fnv', imm: 0 },
    ]);
    expect(p.text).toBe('xor:255,add:7,counteq:0,crc32c,fnv');
  });

  it('takes immediates in decimal and 0x hex, and writes them back in decimal', () => {
    expect(parseProgram('xor:0xff,add:0X0A,counteq:0x0,xor:007,add:0').text).toBe('xor:255,add:10,counteq:0,xor:7,add:0');
    expect(parseProgram('counteq:0x00000000ff').ops[0]).toEqual({ name: 'counteq', imm: 255 });
  });

  it('ignores whitespace, line breaks and # comments between tokens', () => {
    const text = [
      '# count newlines, then checksum',
      '  counteq : 10 ,   # a comment after a comma',
      '\tcrc32c\r\n,fnv # the last line has no line break',
    ].join('\n');
    expect(parseProgram(text).text).toBe('counteq:10,crc32c,fnv');
    expect(parseProgram(' xor:1 , add:2 ').text).toBe('xor:1,add:2');
    expect(parseProgram('fnv#no space before the comment').text).toBe('fnv');
  });

  it('accepts a program of transforms only, and one op', () => {
    expect(parseProgram('xor:1').ops).toHaveLength(1);
    expect(parseProgram('xor:1,add:2').ops).toHaveLength(2);
  });

  it(`accepts ${MAX_PROGRAM_OPS} ops`, () => {
    expect(parseProgram(Array(MAX_PROGRAM_OPS).fill('crc32c').join(',')).ops).toHaveLength(MAX_PROGRAM_OPS);
  });
});

describe('accumulator names', () => {
  it('are the reductions\' canonical texts, in program order', () => {
    expect(accumulatorNames(parseProgram('xor:255,add:7,counteq:0x0,crc32c,fnv'))).toEqual(['counteq:0', 'crc32c', 'fnv']);
    expect(accumulatorNames(parseProgram('xor:1,add:2'))).toEqual([]);
  });
  it('carry the op position when the same reduction occurs twice', () => {
    expect(accumulatorNames(parseProgram('crc32c,xor:1,crc32c,counteq:1,counteq:2'))).toEqual(['crc32c@1', 'crc32c@3', 'counteq:1', 'counteq:2']);
  });
});

describe('errors name the line and column of the bad token', () => {
  const cases: [string, string][] = [
    ['xor:300', 'program line 1, column 5: expected an immediate 0..255 after "xor:", got "300"'],
    ['xor:255,add:256', 'program line 1, column 13: expected an immediate 0..255 after "add:", got "256"'],
    ['xor:0x100', 'program line 1, column 5: expected an immediate 0..255 after "xor:", got "0x100"'],
    ['xor:-1', 'program line 1, column 5: expected an immediate 0..255 after "xor:", got "-1"'],
    ['xor:0x', 'program line 1, column 5: expected an immediate 0..255 after "xor:", got "0x"'],
    ['add:12ab', 'program line 1, column 5: expected an immediate 0..255 after "add:", got "12ab"'],
    ['counteq:99999999999999999999999', 'program line 1, column 9: expected an immediate 0..255 after "counteq:", got "99999999999999999999999"'],
    ['xor:', 'program line 1, column 5: expected an immediate 0..255 after "xor:", got the end of the program'],
    ['xor:,fnv', 'program line 1, column 5: expected an immediate 0..255 after "xor:", got ","'],
    ['add::1', 'program line 1, column 5: expected an immediate 0..255 after "add:", got ":"'],
    ['xor:abc', 'program line 1, column 5: expected an immediate 0..255 after "xor:", got "abc"'],
    ['xor', 'program line 1, column 4: "xor" needs an immediate 0..255, e.g. "xor:255"'],
    ['crc32c,\n  counteq', 'program line 2, column 10: "counteq" needs an immediate 0..255, e.g. "counteq:0"'],
    ['crc32c:1', 'program line 1, column 7: "crc32c" takes no immediate, got ":1"'],
    ['fnv:0x10', 'program line 1, column 4: "fnv" takes no immediate, got ":0x10"'],
    ['crc32', 'program line 1, column 1: unknown op "crc32" (ops: xor, add, counteq, crc32c, fnv)'],
    ['crc32c,XOR:1', 'program line 1, column 8: unknown op "XOR" (ops: xor, add, counteq, crc32c, fnv)'],
    ['', 'program line 1, column 1: expected an op name (xor, add, counteq, crc32c, fnv), got the end of the program'],
    ['  # nothing but a comment\n', 'program line 2, column 1: expected an op name (xor, add, counteq, crc32c, fnv), got the end of the program'],
    ['xor:1,', 'program line 1, column 7: expected an op name (xor, add, counteq, crc32c, fnv), got the end of the program'],
    [',crc32c', 'program line 1, column 1: expected an op name (xor, add, counteq, crc32c, fnv), got ","'],
    ['crc32c,,fnv', 'program line 1, column 8: expected an op name (xor, add, counteq, crc32c, fnv), got ","'],
    ['crc32c,255', 'program line 1, column 8: expected an op name (xor, add, counteq, crc32c, fnv), got "255"'],
    ['xor:1 add:2', 'program line 1, column 7: expected "," or the end of the program, got "add"'],
    ['crc32c\nfnv', 'program line 2, column 1: expected "," or the end of the program, got "fnv"'],
    ['crc32c;fnv', 'program line 1, column 7: unexpected character ";"'],
    ['crc32c,\r\n  // comment', 'program line 2, column 3: unexpected character "/"'],
    ['fnv,\n\n   crc32c ,xor:1,\tadd:2 $', 'program line 3, column 25: unexpected character "$"'],
  ];
  for (const [text, message] of cases) {
    it(JSON.stringify(text), () => {
      const e = fails(text);
      expect(e.code).toBe('PFSC_PROGRAM_INVALID');
      expect(e.message).toBe(message);
      expect(e.message).not.toMatch(/\n/);
    });
  }

  it(`refuses more than ${MAX_PROGRAM_OPS} ops at the first op too many`, () => {
    const e = fails(Array(MAX_PROGRAM_OPS + 1).fill('fnv').join(','));
    expect(e.message).toBe(`program line 1, column ${MAX_PROGRAM_OPS * 4 + 1}: a program has at most ${MAX_PROGRAM_OPS} ops; this is op ${MAX_PROGRAM_OPS + 1}`);
  });

  it('refuses a text longer than the limit before reading it', () => {
    const e = fails(`crc32c${' '.repeat(MAX_PROGRAM_TEXT)}`);
    expect(e.code).toBe('PFSC_PROGRAM_INVALID');
    expect(e.message).toMatch(/at most 65536/);
  });

  it('refuses after a valid program has been read, and reads again afterwards (the parser is reused)', () => {
    expect(fails('xor:1,').code).toBe('PFSC_PROGRAM_INVALID');
    expect(parseProgram('fnv').text).toBe('fnv');
  });
});
