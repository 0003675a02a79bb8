/**
 * Starts reading a command's refs while the command loads the library: the ref's read and
 * SHA-256 (off the JavaScript thread on the native engine) overlap module loading instead of
 * following it. The library takes the started reads (prefetchRefs in
 * src/blob/generators/ref.ts). With --plugin the library is the package's own copy, which
 * would not see these reads, so nothing is started then.
 */
import type { CommonOptions } from './options.js';

export function prefetchRefsFor(opts: Pick<CommonOptions, 'ref' | 'plugin'>): void {
  const refs = opts.ref ?? [];
  if (refs.length === 0 || (opts.plugin?.length ?? 0) > 0) return;
  import('../blob/generators/ref.js').then(
    (m) => m.prefetchRefs(refs),
    () => undefined, // the library's own read reports any problem
  );
}
