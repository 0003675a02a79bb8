/**
 * The input file as the compiler sees it: a path, a size, and blocks read one at a
 * time, so a multi-GiB input never sits in memory whole.
 */
import { open, stat } from 'node:fs/promises';
import { engine, type FileContents } from '../engine/index.js';
import { PfscError } from '../errors.js';

/** Output bytes per block: the planner and the coder see one block at a time. */
export const DEFAULT_BLOCK_SIZE = 64 * 1024 * 1024;

/** One block of the input; `sha256` is the whole input's, given when the block is all of it. */
export interface InputBlock {
  index: number;
  position: number;
  bytes: Uint8Array;
  sha256?: Uint8Array;
}

export class InputFile {
  /** The whole file and its SHA-256, being read ahead (see open's readAheadUpTo). */
  private whole?: Promise<FileContents>;

  private constructor(
    readonly path: string,
    readonly size: number,
  ) {}

  /**
   * Opens the input. With readAheadUpTo, an input of at most that many bytes starts being
   * read, and hashed, at once (off the JavaScript thread on the native engine), while the
   * blob is opened and indexed; blocks() then gives it as one block with its SHA-256.
   */
  static async open(path: string, opts: { readAheadUpTo?: number } = {}): Promise<InputFile> {
    let st;
    try {
      st = await stat(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new PfscError('PFSC_INPUT_NOT_FOUND', `input ${path} does not exist`, { cause: e });
      throw new PfscError('PFSC_INPUT_UNREADABLE', `cannot read input ${path}: ${code ?? String(e)}`, { cause: e });
    }
    if (!st.isFile()) throw new PfscError('PFSC_INPUT_UNREADABLE', `input ${path} is not a regular file`);
    const input = new InputFile(path, st.size);
    const limit = opts.readAheadUpTo;
    if (limit !== undefined && st.size > 0 && st.size <= limit) {
      input.whole = engine().readFile(path, limit);
      input.whole.catch(() => undefined); // reported by blocks(), which awaits it
    }
    return input;
  }

  /**
   * The whole input's bytes once the read ahead (see open) has them: the very array blocks()
   * gives as its one block. Undefined when the input is not read ahead (it comes in several
   * blocks) and, once settled, when the read failed (blocks() reports that).
   */
  wholeBytes(): Promise<Uint8Array | undefined> | undefined {
    return this.whole?.then((got) => (got.bytes.length === this.size ? got.bytes : undefined), () => undefined);
  }

  /** Reads length bytes at position (fewer only if the file shrank, which is an error). */
  async read(position: number, length: number): Promise<Uint8Array> {
    const fh = await this.openHandle();
    try {
      return await readFully(fh, position, length, this.path);
    } finally {
      await fh.close();
    }
  }

  /** The input in blocks of blockSize bytes (the last may be shorter; none for an empty file). */
  async *blocks(blockSize = DEFAULT_BLOCK_SIZE): AsyncGenerator<InputBlock> {
    if (this.whole !== undefined && this.size <= blockSize) {
      const { bytes, sha256 } = await this.readAhead(this.whole);
      yield { index: 0, position: 0, bytes, sha256 };
      return;
    }
    const fh = await this.openHandle();
    try {
      let index = 0;
      for (let pos = 0; pos < this.size; pos += blockSize, index++) {
        const bytes = await readFully(fh, pos, Math.min(blockSize, this.size - pos), this.path);
        yield { index, position: pos, bytes };
      }
    } finally {
      await fh.close();
    }
  }

  private async readAhead(job: Promise<FileContents>): Promise<FileContents> {
    let got;
    try {
      got = await job;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? String(e);
      if (code === 'EFBIG' || code === 'ESHRINK' || code === 'EGROW') throw changed(this.path);
      if (code === 'ENOTREG') throw new PfscError('PFSC_INPUT_UNREADABLE', `input ${this.path} is not a regular file`, { cause: e });
      throw new PfscError('PFSC_INPUT_UNREADABLE', `cannot read input ${this.path}: ${code}`, { cause: e });
    }
    if (got.bytes.length !== this.size) throw changed(this.path);
    return got;
  }

  private async openHandle() {
    try {
      return await open(this.path, 'r');
    } catch (e) {
      throw new PfscError('PFSC_INPUT_UNREADABLE', `cannot read input ${this.path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { cause: e });
    }
  }
}

function changed(path: string): PfscError {
  return new PfscError('PFSC_INPUT_UNREADABLE', `input ${path} changed size while being read`, {
    hint: 'Build again once nothing is writing to the file.',
  });
}

async function readFully(fh: import('node:fs/promises').FileHandle, position: number, length: number, path: string): Promise<Uint8Array> {
  const buf = Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(buf, got, length - got, position + got);
    if (bytesRead === 0) throw changed(path);
    got += bytesRead;
  }
  return buf;
}
