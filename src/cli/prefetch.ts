/**
 * Starts reading a command's refs while the command loads the library: the ref's read and
 * SHA-256 (off the JavaScript thread on the native engine) overlap module loading instead of
 * following it. The library takes the started reads (prefetchRefs in
 * src/blob/generators/ref.ts). With --plugin the library is the package's own copy, which
 * would not see these reads, so nothing is started then.
 */
import type { CommonOptions } from './options.js';

/** The commands whose --ref files are read ahead. */
const READ_AHEAD_COMMANDS = new Set(['build', 'replay']);

export function prefetchRefsFor(opts: Pick<CommonOptions, 'ref' | 'plugin'>): void {
  const refs = opts.ref ?? [];
  if (refs.length === 0 || (opts.plugin?.length ?? 0) > 0) return;
  import('../blob/generators/ref.js').then(
    (m) => m.prefetchRefs(refs),
    () => undefined, // the library's own read reports any problem
  );
}

/**
 * The --ref files of a build or replay command line (argv as process.argv has it), read as
 * commander will read them: `--ref FILE` and `--ref=FILE`, up to a `--`; nothing for other
 * commands, or with --plugin. Lets the reads start before the command line is parsed (7 ms
 * of start-up on these machines). A misread costs only a read: the command's own parse
 * decides what the refs are, and a read nobody takes is dropped.
 */
export function refsInArgv(argv: readonly string[]): string[] {
  const args = argv.slice(2);
  if (!READ_AHEAD_COMMANDS.has(args[0] ?? '')) return [];
  const refs: string[] = [];
  for (let i = 1; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') break;
    if (a === '--plugin' || a.startsWith('--plugin=')) return [];
    if (a.startsWith('--ref=')) refs.push(a.slice('--ref='.length));
    else if (a === '--ref' && i + 1 < args.length) refs.push(args[++i]!);
  }
  return refs.filter((r) => r !== '' && r !== '-');
}

/** prefetchRefsFor, from the raw command line (see refsInArgv). */
export function prefetchRefsInArgv(argv: readonly string[]): void {
  const refs = refsInArgv(argv);
  if (refs.length > 0) prefetchRefsFor({ ref: refs });
}
