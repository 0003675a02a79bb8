/**
 * stream/promises' pipeline, with node:stream/promises loaded on its first call: the
 * command's script requires every built-in it imports as it starts, and this one cost 1.5 ms
 * of every start, for the commands that read standard input or write standard output.
 */
import { createRequire } from 'node:module';
import type { Readable, Writable } from 'node:stream';

let streamPromises: typeof import('node:stream/promises') | undefined;

/** Pipes source into destination (options as stream/promises' pipeline takes them). */
export function pipeline(source: Readable | NodeJS.ReadableStream, destination: Writable | NodeJS.WritableStream, options?: { end?: boolean }): Promise<void> {
  streamPromises ??= createRequire(import.meta.url)('node:stream/promises') as typeof import('node:stream/promises');
  return streamPromises.pipeline(source, destination, options ?? {});
}
