/**
 * Large streams are encoded by the system's `xz` (raw LZMA2) when it is installed: the same
 * LZMA2 encoder with the same options, in a newer liblzma (5.4 here) that runs about twice
 * as fast as the 5.2.3 bundled with lzma-native, and gives the same bytes on every stream
 * checked. Any failure (no xz, an error, a signal) falls back to lzma-native. PFSC_NO_XZ=1
 * turns it off.
 */
import type * as ChildProcess from 'node:child_process';
import { createRequire } from 'node:module';

/**
 * node:child_process, loaded on the first encode: it pulls in node:net, which took 3-5 ms of
 * every command's start here, and only a build of large streams spawns xz.
 */
let childProcess: typeof ChildProcess | undefined;
const loadChildProcess = (): typeof ChildProcess => (childProcess ??= createRequire(import.meta.url)('node:child_process') as typeof ChildProcess);

/** Streams smaller than this are not worth a process start. */
export const XZ_MIN_BYTES = 1 << 20;

let xzMissing = false;

/** The xz --lzma2 option string for a liblzma preset (level | EXTREME flag) and dictionary size. */
export function xzLzma2Option(level: number, extreme: boolean, dictSize: number): string {
  return `preset=${level}${extreme ? 'e' : ''},dict=${dictSize}`;
}

/**
 * Encodes raw as a raw LZMA2 stream with xz, or resolves undefined when xz cannot be used
 * (the caller then encodes it itself).
 */
export function encodeWithXz(raw: Uint8Array, level: number, extreme: boolean, dictSize: number): Promise<Uint8Array | undefined> {
  if (xzMissing || process.env.PFSC_NO_XZ === '1' || raw.length < XZ_MIN_BYTES) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    let settled = false;
    const done = (v: Uint8Array | undefined) => {
      if (!settled) {
        settled = true;
        resolve(v);
      }
    };
    const child = loadChildProcess().spawn('xz', ['--format=raw', `--lzma2=${xzLzma2Option(level, extreme, dictSize)}`, '--stdout', '--quiet'], {
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    const out: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') xzMissing = true;
      done(undefined);
    });
    child.stdin.on('error', () => done(undefined));
    child.on('close', (code) => done(code === 0 ? Buffer.concat(out) : undefined));
    child.stdin.end(raw);
  });
}
