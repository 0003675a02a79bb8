/**
 * Bank files given with `--bank NAME.bank`: programs in the bank language (docs/BANKS.md)
 * that both sides hold, such as a bank `pfsc bank train` made from sample files. A bank
 * file's output joins the blob the way a file given with --ref does (bank files first, in
 * order, then the refs): the manifest lists it as a ref, by the size and SHA-256 of its
 * output, so the blob does not depend on how the file is written, only on the bytes it
 * makes.
 *
 * Compiling a large trained bank takes a while (chevrotain), so the output is cached under
 * $PFSC_HOME by the SHA-256 of the file's text; a damaged entry is rebuilt, as every entry.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { PfscError } from '../errors.js';
import { PfscCache } from './cache.js';

/** Cache entry kind of a bank file's output. */
export const BANK_OUTPUT_KIND = 'bankout';

/** Largest bank file read, in bytes of text. */
export const MAX_BANK_FILE = 256 * 1024 * 1024;

export interface BankFileOutput {
  path: string;
  /** The bytes the file's program makes. */
  bytes: Uint8Array;
  /** Hex SHA-256 of the file's text. */
  textSha256: string;
}

async function readBankText(path: string): Promise<Buffer> {
  let size: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new PfscError('PFSC_INPUT_UNREADABLE', `bank file ${path} is not a regular file`);
    size = st.size;
  } catch (e) {
    if (e instanceof PfscError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new PfscError('PFSC_INPUT_NOT_FOUND', `bank file ${path} does not exist`, { cause: e });
    throw new PfscError('PFSC_INPUT_UNREADABLE', `cannot read bank file ${path}: ${code ?? String(e)}`, { cause: e });
  }
  if (size > MAX_BANK_FILE) {
    throw new PfscError('PFSC_BANK_INVALID', `bank file ${path} has ${size} bytes; a bank file may have at most ${MAX_BANK_FILE}`);
  }
  try {
    return await readFile(path);
  } catch (e) {
    throw new PfscError('PFSC_INPUT_UNREADABLE', `cannot read bank file ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { cause: e });
  }
}

/** Compiles a bank file's text, its messages prefixed with the file's path. */
async function compileText(path: string, text: Buffer): Promise<Uint8Array> {
  let source: string;
  try {
    source = new TextDecoder('utf-8', { fatal: true }).decode(text);
  } catch {
    throw new PfscError('PFSC_BANK_INVALID', `bank file ${path} is not UTF-8 text`);
  }
  const { compileBank } = await import('../banks/compile.js');
  try {
    return compileBank(source);
  } catch (e) {
    if (e instanceof PfscError) throw new PfscError(e.code, `bank file ${path}: ${e.message}`, { cause: e, hint: e.hint });
    throw e;
  }
}

/**
 * The output of each bank file, in order: from the cache when it holds the output of the
 * same text, else compiled (and stored). Without a usable cache the files are compiled.
 */
export async function loadBankFiles(paths: readonly string[], opts: { home?: string; onWarning?(msg: string): void } = {}): Promise<BankFileOutput[]> {
  if (paths.length === 0) return [];
  const out: BankFileOutput[] = [];
  let cache: PfscCache | undefined;
  try {
    try {
      cache = PfscCache.open(opts.home, { onWarning: opts.onWarning });
    } catch (e) {
      if (!(e instanceof PfscError) || e.code !== 'PFSC_CACHE') throw e;
      opts.onWarning?.(`${e.message}; compiling bank files without the cache`);
    }
    for (const path of paths) {
      const text = await readBankText(path);
      const textSha256 = createHash('sha256').update(text).digest('hex');
      const make = () => compileText(path, text);
      const bytes = cache
        ? (await cache.getOrCreate(`${BANK_OUTPUT_KIND}-${textSha256}`, BANK_OUTPUT_KIND, make, { onWarning: opts.onWarning })).bytes
        : await make();
      out.push({ path, bytes, textSha256 });
    }
  } finally {
    cache?.close();
  }
  return out;
}
