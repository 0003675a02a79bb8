/**
 * pfsc replay FILE.pbb: rebuild the original file from a blueprint and the local blob.
 */
import { Command } from 'commander';
import type { ReplayOptions, ReplayResult } from '../../api-types.js';
import { PfscError } from '../../errors.js';
import { err, out, type CliContext } from '../context.js';
import { displayPath, groupDigits, humanBytes, humanMs, keyValues, toJson } from '../format.js';
import { loadApiWith } from '../load-api.js';
import {
  addForceOption,
  addJsonOption,
  addBlobBaseOptions,
  addQuietVerbose,
  addBankOption,
  addRefOption,
  blobOptions,
  type CommonOptions,
} from '../options.js';
import { checkInput, checkOutput, checkRefs, replayOutputFor, STDIO } from '../paths.js';
import { prefetchRefsFor } from '../prefetch.js';
import { progressFor } from '../progress.js';

interface ReplayCliOptions extends CommonOptions {
  output?: string;
}

const EXAMPLES = `
Examples:
  $ pfsc replay app.bin.pbb                      writes app.bin
  $ pfsc replay app-v2.bin.pbb --ref app-v1.bin  the same --ref files, in the same order, as the build
  $ pfsc replay app.pbb -o app.bin -f            choose the output name, overwrite it
  $ pfsc replay - < log.pbb > log.txt            standard input to standard output
  $ pfsc replay app.bin.pbb --json               the replay result as JSON
  $ pfsc replay data.bin.pbb --plugin pfsc-plugin-x --manifest blob.json
                                                 the same plugins and manifest as the build
`;

export function replayCommand(ctx: CliContext): Command {
  const cmd = new Command('replay')
    .description('rebuild the original file from a .pbb blueprint and the local blob, verified against its digest')
    .argument('<file.pbb>', 'the blueprint, or - for standard input')
    .option('-o, --output <out>', 'output path, or - for standard output (default: FILE without .pbb; standard output when FILE is -)');
  addForceOption(cmd);
  addRefOption(cmd);
  addBankOption(cmd);
  addBlobBaseOptions(cmd);
  addQuietVerbose(cmd, 'also print the Blob_ID and the output size; print stacks on internal errors');
  addJsonOption(cmd, 'the replay result');
  cmd.addHelpText('after', EXAMPLES);
  cmd.action(async (file: string, opts: ReplayCliOptions) => runReplay(ctx, file, opts));
  return cmd;
}

async function runReplay(ctx: CliContext, input: string, opts: ReplayCliOptions): Promise<void> {
  const output = opts.output ?? replayOutputFor(input);
  if (output === undefined) {
    throw new PfscError('PFSC_USAGE', `cannot name the output: ${input} does not end in .pbb`, {
      hint: 'Give the output path with -o OUT.',
    });
  }
  if (output === STDIO && opts.json) {
    throw new PfscError('PFSC_USAGE', '--json and the replayed file on standard output cannot share standard output', {
      hint: 'Write the file with -o FILE, or drop --json.',
    });
  }
  await checkInput(input, 'blueprint');
  await checkRefs(opts.ref ?? []);
  await checkOutput(output, { force: opts.force, input });
  prefetchRefsFor(opts);

  const { api, ext } = await loadApiWith(ctx, opts, { transformsFirst: true });
  const progress = progressFor(ctx.io.stderr, opts.quiet);
  const options: ReplayOptions = { input, output, force: Boolean(opts.force), ...blobOptions(opts), ...ext, onProgress: progress.onProgress };
  let result: ReplayResult;
  try {
    result = await api.replay(options);
  } finally {
    progress.stop();
  }

  if (opts.json) {
    out(ctx, toJson(result));
    return;
  }
  if (opts.quiet) return;
  const write = (text: string): void => (output === STDIO ? err(ctx, text) : out(ctx, text));
  write(
    `${displayPath(input, 'stdin')} → ${displayPath(result.output, 'stdout')}: ` +
      `${groupDigits(result.outputBytes)} bytes in ${humanMs(result.milliseconds)}, digest verified\n`,
  );
  if (opts.verbose) {
    write(
      keyValues([
        ['Blob_ID', result.blobId],
        ['output', `${groupDigits(result.outputBytes)} bytes (${humanBytes(result.outputBytes)})`],
        ['time', humanMs(result.milliseconds)],
      ]),
    );
  }
}
