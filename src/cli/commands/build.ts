/**
 * pfsc build FILE: compile a file into a .pbb blueprint.
 */
import { Command } from 'commander';
import type { BuildOptions, BuildResult } from '../../api-types.js';
import { STAGES } from '../../api-types.js';
import { PfscError } from '../../errors.js';
import { err, out, type CliContext } from '../context.js';
import { displayPath, groupDigits, humanBytes, humanMs, keyValues, percent, streamTable, table, toJson } from '../format.js';
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
import { buildOutputFor, checkInput, checkOutput, checkRefs, STDIO } from '../paths.js';
import { prefetchRefsFor } from '../prefetch.js';
import { progressFor } from '../progress.js';

interface BuildCliOptions extends CommonOptions {
  output?: string;
}

const EXAMPLES = `
Examples:
  $ pfsc build app.bin                      writes app.bin.pbb
  $ pfsc build app-v2.bin --ref app-v1.bin  use the old version both sides hold
  $ pfsc build data.json -o data.pbb -f     choose the output name, overwrite it
  $ cat log.txt | pfsc build - > log.pbb    standard input to standard output
  $ pfsc build app.bin --json -q            the build result as JSON
  $ pfsc build app.bin -v                   per-stage timings and stream sizes
  $ pfsc build data.bin --plugin pfsc-plugin-x --manifest blob.json
                                            with a plugin and a base manifest; replay with the same
`;

export function buildCommand(ctx: CliContext): Command {
  const cmd = new Command('build')
    .description('compile FILE into a .pbb blueprint of references into the shared blob')
    .argument('<file>', 'the file to compile, or - for standard input')
    .option('-o, --output <out>', 'output path, or - for standard output (default: FILE.pbb; standard output when FILE is -)');
  addForceOption(cmd);
  addRefOption(cmd);
  addBankOption(cmd);
  addBlobBaseOptions(cmd);
  addQuietVerbose(cmd, 'also print per-stage timings, segment counts and stream sizes');
  addJsonOption(cmd, 'the build result');
  cmd.addHelpText('after', EXAMPLES);
  cmd.action(async (file: string, opts: BuildCliOptions) => runBuild(ctx, file, opts));
  return cmd;
}

async function runBuild(ctx: CliContext, input: string, opts: BuildCliOptions): Promise<void> {
  const output = opts.output ?? buildOutputFor(input);
  if (output === STDIO && opts.json) {
    throw new PfscError('PFSC_USAGE', '--json and a blueprint on standard output cannot share standard output', {
      hint: 'Write the blueprint to a file with -o FILE, or drop --json.',
    });
  }
  if (output === STDIO && ctx.io.stdout.isTTY && !opts.force) {
    throw new PfscError('PFSC_USAGE', 'will not write a binary blueprint to a terminal', {
      hint: 'Redirect standard output (> FILE.pbb), choose a file with -o, or pass -f to write it anyway.',
    });
  }
  await checkInput(input);
  await checkRefs(opts.ref ?? []);
  await checkOutput(output, { force: opts.force, input });
  prefetchRefsFor(opts);

  const { api, ext } = await loadApiWith(ctx, opts);
  const progress = progressFor(ctx.io.stderr, opts.quiet);
  const options: BuildOptions = { input, output, force: Boolean(opts.force), ...blobOptions(opts), ...ext, onProgress: progress.onProgress };
  const started = performance.now();
  let result: BuildResult;
  try {
    result = await api.build(options);
  } finally {
    progress.stop();
  }
  const ms = performance.now() - started;

  if (!opts.quiet) for (const w of result.warnings) err(ctx, `warning: ${w}\n`);
  if (opts.json) {
    out(ctx, toJson(result));
    return;
  }
  if (opts.quiet) return;
  // When the blueprint goes to standard output, the report goes to standard error.
  const write = (text: string): void => (output === STDIO ? err(ctx, text) : out(ctx, text));
  write(summaryLine(input, result, ms));
  if (opts.verbose) write(verboseReport(result));
}

/** "app.bin -> app.bin.pbb: 1,048,576 -> 12,580 bytes (1.20%, 83.4:1) in 1.23 s" */
export function summaryLine(input: string, r: BuildResult, ms: number): string {
  const ratio = r.pbbBytes > 0 ? `${(r.inputBytes / r.pbbBytes).toFixed(1)}:1` : '-';
  return (
    `${displayPath(input, 'stdin')} → ${displayPath(r.output, 'stdout')}: ` +
    `${groupDigits(r.inputBytes)} → ${groupDigits(r.pbbBytes)} bytes ` +
    `(${percent(r.pbbBytes, r.inputBytes)}, ${ratio}) in ${humanMs(ms)}\n`
  );
}

export function verboseReport(r: BuildResult): string {
  const parts: string[] = ['\n'];
  parts.push(
    keyValues([
      ['Blob_ID', r.blobId],
      ['input', `${groupDigits(r.inputBytes)} bytes (${humanBytes(r.inputBytes)})`],
      ['blueprint', `${groupDigits(r.pbbBytes)} bytes (${humanBytes(r.pbbBytes)})`],
      ['raw_ratio', r.rawRatio.toFixed(4)],
    ]),
  );
  const totalMs = STAGES.reduce((s, st) => s + (r.timings[st] ?? 0), 0);
  parts.push('\nstages\n');
  parts.push(
    table(
      [{ header: 'stage' }, { header: 'time', align: 'right' }, { header: 'share', align: 'right' }],
      [
        ...STAGES.map((st) => [st, humanMs(r.timings[st] ?? 0), percent(r.timings[st] ?? 0, totalMs)]),
        ['total', humanMs(totalMs), ''],
      ],
    ),
  );
  const seg = r.segments;
  const segTotal = seg.copy + seg.copyXor + seg.copyAdd + seg.copyDiff + seg.copyTransform + seg.literal;
  parts.push('\nsegments\n');
  parts.push(
    table(
      [{ header: 'kind' }, { header: 'count', align: 'right' }],
      [
        ['copy', groupDigits(seg.copy)],
        ['copy xor', groupDigits(seg.copyXor)],
        ['copy add', groupDigits(seg.copyAdd)],
        ['copy diff', groupDigits(seg.copyDiff)],
        ...(seg.copyTransform > 0 ? [['copy plugin', groupDigits(seg.copyTransform)]] : []),
        ['literal', groupDigits(seg.literal)],
        ['total', groupDigits(segTotal)],
      ],
    ),
  );
  parts.push('\noutput bytes from\n');
  parts.push(
    table(
      [{ header: 'source' }, { header: 'bytes', align: 'right' }, { header: 'share', align: 'right' }],
      [
        ['blob banks', groupDigits(r.bytesFrom.banks), percent(r.bytesFrom.banks, r.inputBytes)],
        ['refs', groupDigits(r.bytesFrom.refs), percent(r.bytesFrom.refs, r.inputBytes)],
        ['earlier output', groupDigits(r.bytesFrom.output), percent(r.bytesFrom.output, r.inputBytes)],
        ['spill', groupDigits(r.bytesFrom.spill), percent(r.bytesFrom.spill, r.inputBytes)],
      ],
    ),
  );
  parts.push('\nstreams\n');
  parts.push(streamTable(r.streams));
  return parts.join('');
}
