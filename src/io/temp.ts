/** Temporary files for standard input and output, removed by their owner. */
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from './pipeline.js';
import { registerTemp } from './cleanup.js';

/** A fresh temporary path, registered for removal if the process is interrupted. */
export function tempPath(tag: string): string {
  const path = join(process.env.TMPDIR ?? tmpdir(), `.pfsc-${tag}.${process.pid}-${randomBytes(6).toString('hex')}`);
  registerTemp(path);
  return path;
}

/** Copies standard input to a temporary file (bounded memory), returning its path. */
export async function spoolStdin(tag: string): Promise<string> {
  const path = tempPath(tag);
  try {
    await pipeline(process.stdin, createWriteStream(path, { flags: 'wx' }));
  } catch (e) {
    await rm(path, { force: true });
    throw e;
  }
  return path;
}
