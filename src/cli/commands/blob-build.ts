/**
 * pfsc blob build: make the blob (and its index) in the cache now, so later builds start at once.
 */
import { Command } from 'commander';
import { out, type CliContext } from '../context.js';
import { groupDigits, humanBytes, humanMs, toJson } from '../format.js';
import { loadApiWith } from '../load-api.js';
import { addJsonOption, addBlobBaseOptions, addQuietVerbose, addBankOption, addRefOption, blobOptions, type CommonOptions } from '../options.js';
import { checkRefs } from '../paths.js';
import { progressFor } from '../progress.js';

const EXAMPLES = `
Examples:
  $ pfsc blob build                       make the default profile's blob in the cache
  $ pfsc blob build --force               rebuild it even if a cached copy exists
  $ pfsc blob build --ref app-v1.bin      the blob with a ref bank added
  $ PFSC_HOME=/srv/pfsc pfsc blob build   build into another cache folder
  $ pfsc blob build --plugin pfsc-plugin-x --manifest blob.json   a blob with a plugin's banks
`;

export function blobBuildCommand(ctx: CliContext): Command {
  const cmd = new Command('build').description('build the blob into the cache (with a progress bar on a terminal)');
  cmd.option('-f, --force', 'rebuild even if the cache holds it');
  addRefOption(cmd);
  addBankOption(cmd);
  addBlobBaseOptions(cmd);
  addQuietVerbose(cmd, 'print stacks on internal errors');
  addJsonOption(cmd, 'the blob description and the time taken');
  cmd.addHelpText('after', EXAMPLES);
  cmd.action(async (opts: CommonOptions) => {
    await checkRefs(opts.ref ?? []);
    const { api, ext } = await loadApiWith(ctx, opts);
    const progress = progressFor(ctx.io.stderr, opts.quiet);
    let info: Awaited<ReturnType<typeof api.blobBuild>>;
    try {
      info = await api.blobBuild({ ...blobOptions(opts), ...ext, force: Boolean(opts.force), onProgress: progress.onProgress });
    } finally {
      progress.stop();
    }
    if (opts.json) out(ctx, toJson(info));
    else if (!opts.quiet) {
      out(
        ctx,
        `blob ${info.blobIdHex} (${info.manifest.profile}, ${groupDigits(info.size)} bytes, ${humanBytes(info.size)}) ` +
          `ready in ${info.home}, in ${humanMs(info.ms)}\n`,
      );
    }
  });
  return cmd;
}
