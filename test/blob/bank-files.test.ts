/**
 * Bank files given with --bank: their outputs join the blob as refs, before the --ref files;
 * the output is cached by the text's digest; bad files fail with a clear code.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PfscError } from '../../src/errors.js';
import { openBlob, resolveManifest } from '../../src/blob/index.js';
import { PfscCache } from '../../src/blob/cache.js';
import { BANK_OUTPUT_KIND } from '../../src/blob/bank-files.js';
import { removeTempDirs, tempDir } from './support.js';

afterAll(removeTempDirs);

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

function files(): { dir: string; bank: string; bankBytes: Uint8Array; ref: string } {
  const dir = tempDir();
  const bank = join(dir, 'words.bank');
  // The output, written out here: "hello" 0x00 0x01 0x02, then u16le 1000..1003.
  writeFileSync(bank, 'bank 1\nname "test"\n"hello" 0x00..0x02\nu16le from 1000 step 1 count 4\n');
  const bankBytes = Uint8Array.from([...Buffer.from('hello'), 0, 1, 2, 0xe8, 0x03, 0xe9, 0x03, 0xea, 0x03, 0xeb, 0x03]);
  const ref = join(dir, 'old.txt');
  writeFileSync(ref, 'an older version of the file\n'.repeat(50));
  return { dir, bank, bankBytes, ref };
}

describe('bank files in the blob', () => {
  it('come first among the refs, as their output, and give the Blob_ID of that output given as a ref', async () => {
    const { dir, bank, bankBytes, ref } = files();
    const home = join(dir, 'home');
    const blob = await openBlob({ banks: [bank], refs: [ref], home });
    expect(blob.manifest.refs.map((r) => [r.name, r.size, r.sha256])).toEqual([
      ['ref0', bankBytes.length, sha(bankBytes)],
      ['ref1', readFileSync(ref).length, sha(readFileSync(ref))],
    ]);
    const i = blob.banks.findIndex((b) => b.name === 'ref0');
    expect(Buffer.from(blob.bankBytes(i))).toEqual(Buffer.from(bankBytes));
    const asRef = join(dir, 'bank.bin');
    writeFileSync(asRef, bankBytes);
    const same = await openBlob({ refs: [asRef, ref], home });
    expect(same.idHex).toBe(blob.idHex);
    const resolved = await resolveManifest({ banks: [bank], refs: [ref], home });
    expect(resolved.idHex).toBe(blob.idHex);
  });

  it('are compiled once: the output is cached by the text digest, and a damaged entry is rebuilt', async () => {
    const { dir, bank, bankBytes } = files();
    const home = join(dir, 'home');
    await openBlob({ banks: [bank], home });
    const key = `${BANK_OUTPUT_KIND}-${sha(readFileSync(bank))}`;
    const cache = PfscCache.open(home);
    expect(cache.entry(key)).toMatchObject({ kind: BANK_OUTPUT_KIND, size: bankBytes.length });
    const file = cache.objectPath(key);
    cache.close();
    writeFileSync(file, Buffer.alloc(bankBytes.length, 0x55));
    const warnings: string[] = [];
    const blob = await openBlob({ banks: [bank], home, onWarning: (m) => warnings.push(m) });
    expect(warnings.some((w) => w.includes(key))).toBe(true);
    expect(blob.manifest.refs[0]!.sha256).toBe(sha(bankBytes));
    expect(readFileSync(file)).toEqual(Buffer.from(bankBytes));
  });

  it('that are missing, not text, or do not compile fail with a code and the path', async () => {
    const { dir } = files();
    const home = join(dir, 'home');
    const code = async (banks: string[]): Promise<[string, string]> => {
      try {
        await openBlob({ banks, home });
      } catch (e) {
        if (e instanceof PfscError) return [e.code, e.message];
        throw e;
      }
      throw new Error('no error');
    };
    expect(await code([join(dir, 'none.bank')])).toEqual(['PFSC_INPUT_NOT_FOUND', `bank file ${join(dir, 'none.bank')} does not exist`]);
    const bad = join(dir, 'bad.bank');
    writeFileSync(bad, 'bank 1\n300\n');
    const [c, m] = await code([bad]);
    expect(c).toBe('PFSC_BANK_INVALID');
    expect(m).toMatch(new RegExp(`^bank file ${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: bank line 2, column 1: `));
    const binary = join(dir, 'bin.bank');
    writeFileSync(binary, Buffer.from([0x62, 0xff, 0xfe, 0x00]));
    expect((await code([binary]))[0]).toBe('PFSC_BANK_INVALID');
    expect((await code([dir]))[0]).toBe('PFSC_INPUT_UNREADABLE');
  });
});
