/**
 * pfsc inspect FILE.pbb: what a blueprint holds and where its output bytes come from, as a
 * table, as JSON, or as an SVG picture.
 */
import { Command } from 'commander';
import type { InspectReport } from '../../api-types.js';
import { err, out, type CliContext } from '../context.js';
import { toJson } from '../format.js';
import { renderInspectSvg } from '../inspect/svg.js';
import { renderInspectTable } from '../inspect/table.js';
import { loadApiWith } from '../load-api.js';
import { addForceOption, addJsonOption, addBlobBaseOptions, addBankOption, addRefOption, blobOptions, type CommonOptions } from '../options.js';
import { checkInput, checkOutput, checkRefs, writeTextOutput } from '../paths.js';

interface InspectCliOptions extends CommonOptions {
  svg?: string;
}

const EXAMPLES = `
Examples:
  $ pfsc inspect app.bin.pbb                        header, streams, segments, sources
  $ pfsc inspect app-v2.bin.pbb --ref app-v1.bin    per-bank bytes need the same refs as the build
  $ pfsc inspect app.bin.pbb --svg app.svg          a picture of the output by source; open it in a browser
  $ pfsc inspect app.bin.pbb --json | jq .rawRatio  the report as JSON
  $ pfsc inspect data.bin.pbb --plugin pfsc-plugin-x --manifest blob.json
                                                    the same plugins and manifest as the build
`;

export function inspectCommand(ctx: CliContext): Command {
  const cmd = new Command('inspect')
    .description('show what a .pbb blueprint holds and where its output bytes come from')
    .argument('<file.pbb>', 'the blueprint to inspect')
    .option('--svg <out.svg>', 'also write an SVG picture of the output colored by source');
  addForceOption(cmd, 'the SVG file');
  addRefOption(cmd);
  addBankOption(cmd);
  addBlobBaseOptions(cmd);
  cmd.option('-v, --verbose', 'also list banks that supplied no bytes and every run of the output map');
  addJsonOption(cmd, 'the inspect report');
  cmd.addHelpText('after', EXAMPLES);
  cmd.action(async (file: string, opts: InspectCliOptions) => runInspect(ctx, file, opts));
  return cmd;
}

async function runInspect(ctx: CliContext, input: string, opts: InspectCliOptions): Promise<void> {
  await checkInput(input, 'blueprint');
  await checkRefs(opts.ref ?? []);
  if (opts.svg !== undefined) await checkOutput(opts.svg, { force: opts.force, input });

  const { api, ext } = await loadApiWith(ctx, opts);
  const report: InspectReport = await api.inspect({ input, ...blobOptions(opts), ...ext });

  if (opts.svg !== undefined) {
    await writeTextOutput(opts.svg, renderInspectSvg(report), Boolean(opts.force));
  }
  if (opts.json) out(ctx, toJson(report));
  else out(ctx, renderInspectTable(report, { map: Boolean(opts.verbose) }));
  if (opts.svg !== undefined && !opts.json) err(ctx, `wrote ${opts.svg}\n`);
}
