import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PfscError } from '../../src/errors.js';
import {
  canonicalManifest,
  manifestBaseId,
  manifestBlobId,
  parseManifestJson,
  PROFILE_NAMES,
  profileManifest,
  resolveManifest,
  toHex,
  validateManifest,
  type Manifest,
} from '../../src/blob/index.js';
import { prng } from './support.js';

const SHA = 'ab'.repeat(32);

function small(): Manifest {
  return {
    format: 1,
    profile: 't',
    seed: 's"x',
    banks: [{ name: 'c', kind: 'const', version: 1, size: 4, params: { run: 2 } }],
    refs: [{ name: 'ref0', size: 3, sha256: SHA }],
  };
}

describe('canonical form and ids', () => {
  it('sorts keys, has no whitespace and leaves refs out of the base form', () => {
    const bank = '{"kind":"const","name":"c","params":{"run":2},"size":4,"version":1}';
    expect(canonicalManifest(small(), false)).toBe(`{"banks":[${bank}],"format":1,"profile":"t","seed":"s\\"x"}`);
    expect(canonicalManifest(small(), true)).toBe(
      `{"banks":[${bank}],"format":1,"profile":"t","refs":[{"name":"ref0","sha256":"${SHA}","size":3}],"seed":"s\\"x"}`,
    );
  });
  it('derives baseId and Blob_ID as domain-separated SHA-256 prefixes', () => {
    const m = small();
    const sha = (s: string) => createHash('sha256').update(s).digest().subarray(0, 16).toString('hex');
    expect(toHex(manifestBaseId(m))).toBe(sha(`pfsc-blob-base-v1\n${canonicalManifest(m, false)}`));
    expect(toHex(manifestBlobId(m))).toBe(sha(`pfsc-blob-id-v1\n${canonicalManifest(m, true)}`));
    expect(manifestBaseId(m)).toHaveLength(16);
  });
  it('does not depend on key order in the input', () => {
    const text = '{"seed":"s\\"x","refs":[{"size":3,"sha256":"' + SHA + '","name":"ref0"}],"banks":[{"params":{"run":2},"size":4,"version":1,"kind":"const","name":"c"}],"profile":"t","format":1}';
    expect(toHex(manifestBlobId(parseManifestJson(text)))).toBe(toHex(manifestBlobId(small())));
  });
  it('changes with any field', () => {
    const ids = new Set<string>();
    const variants: ((m: Manifest) => void)[] = [
      () => {},
      (m) => (m.seed = 'other'),
      (m) => (m.profile = 'u'),
      (m) => ((m.banks[0] as { size: number }).size = 5),
      (m) => ((m.banks[0] as { params: { run: number } }).params.run = 3),
      (m) => ((m.banks[0] as { name: string }).name = 'd'),
      (m) => ((m.refs[0] as { sha256: string }).sha256 = 'cd'.repeat(32)),
      (m) => (m.refs = []),
    ];
    for (const v of variants) {
      const m = small();
      v(m);
      ids.add(toHex(manifestBlobId(validateManifest(m))));
    }
    expect(ids.size).toBe(variants.length);
  });
  it('the base id ignores refs', () => {
    const a = small();
    const b = { ...small(), refs: [] };
    expect(toHex(manifestBaseId(a))).toBe(toHex(manifestBaseId(b)));
    expect(toHex(manifestBlobId(a))).not.toBe(toHex(manifestBlobId(b)));
  });
});

describe('profiles', () => {
  it('lists orchard and rejects unknown profiles naming the known ones', () => {
    expect(PROFILE_NAMES).toContain('orchard');
    expect(() => profileManifest('nope')).toThrow(/unknown profile "nope"; known profiles: orchard/);
    try {
      profileManifest('nope');
    } catch (e) {
      expect((e as PfscError).code).toBe('PFSC_MANIFEST_INVALID');
    }
  });
  it('every built-in profile is valid as it stands (openBlob uses them without validating again)', () => {
    for (const name of PROFILE_NAMES) {
      const made = profileManifest(name);
      expect(validateManifest(made), name).toEqual(made);
    }
  });
  it('orchard is valid, 16 MiB, and the random tail is its largest bank', () => {
    const m = validateManifest(profileManifest());
    const total = m.banks.reduce((a, b) => a + b.size, 0);
    expect(total).toBe(16 * 1024 * 1024);
    const largest = [...m.banks].sort((a, b) => b.size - a.size)[0];
    expect(largest?.kind).toBe('random');
    expect(m.refs).toEqual([]);
  });
});

type Case = [string, (m: Record<string, unknown> & { banks: Record<string, unknown>[]; refs: unknown[] }) => unknown, string, string];

const GiB = 2 ** 30;
const cases: Case[] = [
  ['not an object', () => [], 'PFSC_MANIFEST_INVALID', 'manifest must be a JSON object'],
  ['format 2', (m) => ((m.format = 2), m), 'PFSC_MANIFEST_INVALID', 'format must be 1 (got 2)'],
  ['missing seed', (m) => (delete m.seed, m), 'PFSC_MANIFEST_INVALID', 'seed is missing'],
  ['unknown field', (m) => ((m.extra = 1), m), 'PFSC_MANIFEST_INVALID', 'manifest has an unknown field "extra"'],
  ['bad profile', (m) => ((m.profile = 'Bad Name'), m), 'PFSC_MANIFEST_INVALID', 'profile must be'],
  ['seed with a newline', (m) => ((m.seed = 'a\nb'), m), 'PFSC_MANIFEST_INVALID', 'seed must be a string of at most 256 printable'],
  ['no banks', (m) => ((m.banks = []), m), 'PFSC_MANIFEST_INVALID', 'banks must be an array of 1 to 1024 banks'],
  ['bank not an object', (m) => (((m.banks as unknown[])[0] = 7), m), 'PFSC_MANIFEST_INVALID', 'banks[0] must be an object (got 7)'],
  ['negative size', (m) => (((m.banks[3] as Record<string, unknown>).size = -5), m), 'PFSC_MANIFEST_INVALID', 'banks[3].size must be a positive integer ≤ 1 GiB (got -5)'],
  ['size over 1 GiB', (m) => (((m.banks[3] as Record<string, unknown>).size = GiB + 1), m), 'PFSC_MANIFEST_INVALID', 'banks[3].size must be a positive integer ≤ 1 GiB'],
  ['fractional size', (m) => (((m.banks[3] as Record<string, unknown>).size = 1.5), m), 'PFSC_MANIFEST_INVALID', 'banks[3].size must be a positive integer'],
  ['size as a string', (m) => (((m.banks[3] as Record<string, unknown>).size = '64'), m), 'PFSC_MANIFEST_INVALID', 'banks[3].size must be a positive integer ≤ 1 GiB (got "64")'],
  ['duplicate name', (m) => (((m.banks[1] as Record<string, unknown>).name = 'const'), m), 'PFSC_MANIFEST_INVALID', 'banks[1].name "const" is used by an earlier bank'],
  ['name reserved for refs', (m) => (((m.banks[0] as Record<string, unknown>).name = 'ref0'), m), 'PFSC_MANIFEST_INVALID', 'banks[0].name "ref0" is reserved for refs'],
  ['empty name', (m) => (((m.banks[0] as Record<string, unknown>).name = ''), m), 'PFSC_MANIFEST_INVALID', 'banks[0].name must be'],
  ['unknown kind', (m) => (((m.banks[2] as Record<string, unknown>).kind = 'nosuch'), m), 'PFSC_BANK_UNKNOWN', 'banks[2].kind "nosuch" is not a known bank kind; known kinds: const'],
  ['kind ref in banks', (m) => (((m.banks[2] as Record<string, unknown>).kind = 'ref'), m), 'PFSC_MANIFEST_INVALID', 'banks[2].kind "ref" cannot be generated'],
  ['newer generator version', (m) => (((m.banks[0] as Record<string, unknown>).version = 2), m), 'PFSC_BANK_UNKNOWN', 'banks[0] needs const version 2'],
  ['version zero', (m) => (((m.banks[0] as Record<string, unknown>).version = 0), m), 'PFSC_MANIFEST_INVALID', 'banks[0].version must be a positive integer'],
  ['params an array', (m) => (((m.banks[0] as Record<string, unknown>).params = []), m), 'PFSC_MANIFEST_INVALID', 'banks[0].params must be an object'],
  ['param null', (m) => (((m.banks[0] as Record<string, unknown>).params = { run: null }), m), 'PFSC_MANIFEST_INVALID', 'banks[0].params.run must be a string, an integer or a boolean'],
  ['param fraction', (m) => (((m.banks[0] as Record<string, unknown>).params = { run: 1.5 }), m), 'PFSC_MANIFEST_INVALID', 'banks[0].params.run must be an integer'],
  ['param bad name', (m) => (((m.banks[0] as Record<string, unknown>).params = { 'r n': 1 }), m), 'PFSC_MANIFEST_INVALID', 'banks[0].params has a parameter named "r n"'],
  ['param wrong for kind', (m) => (((m.banks[0] as Record<string, unknown>).params = { run: 2, width: 1 }), m), 'PFSC_MANIFEST_INVALID', 'banks[0].params.width is not a parameter of kind const'],
  ['missing params', (m) => (delete (m.banks[0] as Record<string, unknown>).params, m), 'PFSC_MANIFEST_INVALID', 'banks[0].params is missing'],
  ['unknown bank field', (m) => (((m.banks[0] as Record<string, unknown>).foo = 1), m), 'PFSC_MANIFEST_INVALID', 'banks[0] has an unknown field "foo"'],
  [
    'over 4 GiB',
    (m) => ((m.banks = [0, 1, 2, 3, 4].map((i) => ({ name: `r${i}`, kind: 'random', version: 1, size: GiB, params: {} }))), m),
    'PFSC_MANIFEST_INVALID',
    'banks add up to 5368709120 bytes; a blob may hold at most 4294967296',
  ],
  ['refs not an array', (m) => ((m.refs = {} as unknown[]), m), 'PFSC_MANIFEST_INVALID', 'refs must be an array'],
  ['ref misnamed', (m) => ((m.refs = [{ name: 'ref1', size: 1, sha256: SHA }]), m), 'PFSC_MANIFEST_INVALID', 'refs[0].name must be "ref0" (got "ref1")'],
  ['ref digest uppercase', (m) => ((m.refs = [{ name: 'ref0', size: 1, sha256: SHA.toUpperCase() }]), m), 'PFSC_MANIFEST_INVALID', 'refs[0].sha256 must be 64 lowercase hex digits'],
  ['ref too large', (m) => ((m.refs = [{ name: 'ref0', size: 2 ** 31, sha256: SHA }]), m), 'PFSC_MANIFEST_INVALID', 'refs[0].size must be an integer from 0 to 2147483647'],
  [
    'refs push the blob over 4 GiB',
    (m) => ((m.banks = [0, 1, 2].map((i) => ({ name: `r${i}`, kind: 'random', version: 1, size: GiB, params: {} }))), (m.refs = [{ name: 'ref0', size: GiB + 1, sha256: SHA }]), m),
    'PFSC_MANIFEST_INVALID',
    'banks and refs add up to',
  ],
];

function orchardJson(): Record<string, unknown> & { banks: Record<string, unknown>[]; refs: unknown[] } {
  return JSON.parse(JSON.stringify(profileManifest())) as Record<string, unknown> & { banks: Record<string, unknown>[]; refs: unknown[] };
}

describe('manifest validation', () => {
  it.each(cases)('%s', (_name, mutate, code, fragment) => {
    let caught: unknown;
    try {
      validateManifest(mutate(orchardJson()));
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(PfscError);
    const err = caught as PfscError;
    expect(err.code).toBe(code);
    expect(err.message).toContain(fragment);
    expect(err.message).not.toMatch(/\n/);
  });

  it('parses JSON text with clear errors', () => {
    expect(() => parseManifestJson('{')).toThrow(/manifest is not valid JSON/);
    expect(() => parseManifestJson(' '.repeat((1 << 20) + 1))).toThrow(/manifest JSON has 1048577 characters/);
    expect(() => parseManifestJson(new Uint8Array([0x7b, 0xff, 0x7d]))).toThrow(/not valid UTF-8/);
    const m = parseManifestJson(new TextEncoder().encode(JSON.stringify(profileManifest())));
    expect(toHex(manifestBlobId(m))).toBe(toHex(manifestBlobId(profileManifest())));
  });

  it('allocates nothing for the sizes it declares', async () => {
    const huge = {
      format: 1,
      profile: 'huge',
      seed: 's',
      banks: [0, 1, 2, 3].map((i) => ({ name: `r${i}`, kind: 'random', version: 1, size: GiB, params: {} })),
      refs: [],
    };
    const before = process.memoryUsage().rss;
    const r = await resolveManifest({ manifest: huge });
    expect(r.size).toBe(4 * GiB);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 2 ** 20);
  });
});

/** Random JSON values, with the awkward ones over-represented. */
function randomValue(rnd: () => number, depth = 0): unknown {
  const pick = Math.floor(rnd() * 14);
  const numbers = [0, -1, 1, 2, 3, 1.5, -0, 2 ** 30, 2 ** 30 + 1, 2 ** 31, 2 ** 32, 2 ** 53, 1e308, -1e308, 255, 256, 65536];
  const strings = ['', 'orchard', 'const', 'random', 'ref', 'ref0', '__proto__', 'constructor', '1,2,3', 'b8', 'ff', 'é', '\u0000', 'x'.repeat(300), SHA];
  switch (pick) {
    case 0: return null;
    case 1: return rnd() < 0.5;
    case 2: case 3: return numbers[Math.floor(rnd() * numbers.length)];
    case 4: case 5: return strings[Math.floor(rnd() * strings.length)];
    case 6: return Math.floor(rnd() * 2 ** 20) - 2 ** 10;
    case 7: return depth > 3 ? 1 : [randomValue(rnd, depth + 1), randomValue(rnd, depth + 1)];
    case 8: return depth > 3 ? {} : { [strings[Math.floor(rnd() * strings.length)] as string]: randomValue(rnd, depth + 1) };
    default: return Math.floor(rnd() * 100);
  }
}

type Json = Record<string, unknown> | unknown[];

function containers(v: unknown, out: Json[] = []): Json[] {
  if (typeof v === 'object' && v !== null) {
    out.push(v as Json);
    for (const child of Object.values(v)) containers(child, out);
  }
  return out;
}

function mutate(root: unknown, rnd: () => number): unknown {
  const all = containers(root);
  if (all.length === 0) return randomValue(rnd);
  const target = all[Math.floor(rnd() * all.length)] as Json;
  const keys = Object.keys(target);
  const key = keys.length > 0 && rnd() < 0.8 ? (keys[Math.floor(rnd() * keys.length)] as string) : ['__proto__', 'extra', 'size', 'params', '0', 'name'][Math.floor(rnd() * 6)] as string;
  const op = rnd();
  if (op < 0.2) {
    if (Array.isArray(target)) target.splice(Number(key) || 0, 1);
    else delete target[key];
  } else if (op < 0.3 && Array.isArray(target) && target.length > 0) {
    target.push(JSON.parse(JSON.stringify(target[0])) as unknown);
  } else if (op < 0.4) {
    return randomValue(rnd);
  } else {
    Object.defineProperty(target, key, { value: randomValue(rnd), enumerable: true, configurable: true, writable: true });
  }
  return root;
}

function expectOnlyPfscErrors(run: () => Manifest | undefined): 'ok' | 'rejected' {
  try {
    const m = run();
    if (m !== undefined) {
      // A manifest that passes has a canonical form and validates again to the same id.
      expect(toHex(manifestBlobId(validateManifest(m)))).toBe(toHex(manifestBlobId(m)));
    }
    return 'ok';
  } catch (e) {
    if (!(e instanceof PfscError)) throw e;
    expect(['PFSC_MANIFEST_INVALID', 'PFSC_BANK_UNKNOWN']).toContain(e.code);
    expect(e.message.length).toBeGreaterThan(0);
    expect(e.message).not.toMatch(/\n/);
    return 'rejected';
  }
}

describe('fuzzing', () => {
  it('random structural mutations throw nothing but PfscError', () => {
    const rnd = prng(1234);
    const tally = { ok: 0, rejected: 0 };
    for (let i = 0; i < 3000; i++) {
      let value: unknown = orchardJson();
      const n = 1 + Math.floor(rnd() * 3);
      for (let j = 0; j < n; j++) value = mutate(value, rnd);
      // Half the time through JSON text, as a manifest file would arrive.
      const via = rnd() < 0.5;
      tally[expectOnlyPfscErrors(() => (via ? parseManifestJson(JSON.stringify(value) ?? 'null') : validateManifest(value)))]++;
    }
    expect(tally.rejected).toBeGreaterThan(1000);
    expect(tally.ok).toBeGreaterThan(0);
  });

  it('random edits of manifest JSON text throw nothing but PfscError', () => {
    const rnd = prng(99);
    const text = JSON.stringify(profileManifest());
    const alphabet = '{}[]",:0123456789-.eE truefalsnul\\abcz\u00e9';
    for (let i = 0; i < 3000; i++) {
      const chars = [...text];
      const edits = 1 + Math.floor(rnd() * 4);
      for (let j = 0; j < edits; j++) {
        const at = Math.floor(rnd() * chars.length);
        const c = alphabet[Math.floor(rnd() * alphabet.length)] as string;
        const op = rnd();
        if (op < 0.33) chars.splice(at, 1);
        else if (op < 0.66) chars.splice(at, 0, c);
        else chars[at] = c;
      }
      expectOnlyPfscErrors(() => parseManifestJson(chars.join('')));
    }
  });
});

describe('the worked example of docs/MANIFEST.md (section 4.1)', () => {
  it('has the documented canonical forms, ids and bytes', async () => {
    const { generateBase, generateBank } = await import('../../src/blob/index.js');
    const m = parseManifestJson(
      '{"format":1,"profile":"example","seed":"demo","banks":[{"name":"runs","kind":"const","version":1,"size":8,"params":{"run":3}},' +
        '{"name":"tiles","kind":"debruijn","version":1,"size":8,"params":{"k":2,"n":3,"offset":48}}],' +
        '"refs":[{"name":"ref0","size":3,"sha256":"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"}]}',
    );
    expect(canonicalManifest(m, false)).toBe(
      '{"banks":[{"kind":"const","name":"runs","params":{"run":3},"size":8,"version":1},{"kind":"debruijn","name":"tiles","params":{"k":2,"n":3,"offset":48},"size":8,"version":1}],"format":1,"profile":"example","seed":"demo"}',
    );
    expect(toHex(manifestBaseId(m))).toBe('35f062d8583bc17559fd49104467420f');
    expect(toHex(manifestBlobId(m))).toBe('ebb6b52dd516cf0afe0b15ad716f72fc');
    expect(Buffer.from(generateBase(m)).toString('hex')).toBe('00000001010102023030303130313131');
    const tail = generateBank({ name: 'tail', kind: 'random', version: 1, size: 32, params: {} }, 'demo');
    expect(Buffer.from(tail).toString('hex')).toBe('c07cb1eac438bbf5d076acaa23d43c3404a6c5c30e7026513ecde3dcbe0d9a63');
  });
});
