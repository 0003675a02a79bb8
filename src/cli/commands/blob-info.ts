/**
 * pfsc blob info: the blob a profile and refs describe, and whether it is cached.
 */
import { Command } from 'commander';
import type { BlobInfo } from '../../api-types.js';
import { out, type CliContext } from '../context.js';
import { groupDigits, humanBytes, keyValues, table, toJson } from '../format.js';
import { loadApiWith } from '../load-api.js';
import { addJsonOption, addBlobBaseOptions, addBankOption, addRefOption, blobOptions, type CommonOptions } from '../options.js';
import { checkRefs } from '../paths.js';
import { bankFamily } from '../../blob/orchard/label.js';

const EXAMPLES = `
Examples:
  $ pfsc blob info                       the default profile's blob
  $ pfsc blob info --ref app-v1.bin      the blob with a ref bank added
  $ pfsc blob info --profile orchard --json
  $ PFSC_HOME=/tmp/pfsc pfsc blob info   look in another cache folder
  $ pfsc blob info --plugin pfsc-plugin-x --manifest blob.json   a blob with a plugin's banks
`;

export function blobInfoCommand(ctx: CliContext): Command {
  const cmd = new Command('info').description('show the blob manifest, its bank map, Blob_ID and cache state');
  addRefOption(cmd);
  addBankOption(cmd);
  addBlobBaseOptions(cmd);
  cmd.option('-v, --verbose', 'also print each bank\'s parameters; print stacks on internal errors');
  addJsonOption(cmd, 'the blob description');
  cmd.addHelpText('after', EXAMPLES);
  cmd.action(async (opts: CommonOptions) => {
    await checkRefs(opts.ref ?? []);
    const { api, ext } = await loadApiWith(ctx, opts);
    const info = await api.blobInfo({ ...blobOptions(opts), ...ext });
    out(ctx, opts.json ? toJson(info) : renderBlobInfo(info, Boolean(opts.verbose)));
  });
  return cmd;
}

/**
 * The text of `pfsc blob info`. The bank map's family column names what a bank of kind
 * `bank` holds (its bank file's `name` header, e.g. "orchard elf strings"); other rows show "-".
 */
export function renderBlobInfo(info: BlobInfo, verbose = false): string {
  const m = info.manifest;
  const specs = new Map(m.banks.map((b) => [b.name, b]));
  const parts: string[] = [];
  parts.push(
    keyValues([
      ['profile', m.profile],
      ['manifest format', String(m.format)],
      ['seed', m.seed],
      ['Blob_ID', info.blobIdHex],
      ['size', `${groupDigits(info.size)} bytes (${humanBytes(info.size)})`],
      ['banks', `${m.banks.length} generated, ${m.refs.length} ref${m.refs.length === 1 ? '' : 's'}`],
      ['cache', info.home],
      ['cached', info.cached ? 'yes' : 'no (the next build makes it; or run `pfsc blob build`)'],
    ]),
  );
  parts.push('\nbank map\n');
  parts.push(
    table(
      [
        { header: 'name' },
        { header: 'kind' },
        { header: 'content' },
        { header: 'offset', align: 'right' },
        { header: 'bytes', align: 'right' },
        { header: 'size', align: 'right' },
        { header: 'family' },
      ],
      info.banks.map((b) => {
        const spec = b.isRef ? undefined : specs.get(b.name);
        const about = spec === undefined ? undefined : bankFamily(spec);
        return [b.name, b.kind, b.contentKind, groupDigits(b.offset), groupDigits(b.size), humanBytes(b.size), about ?? '-'];
      }),
    ),
  );
  if (m.refs.length > 0) {
    parts.push('\nrefs\n');
    parts.push(
      table(
        [{ header: 'name' }, { header: 'size', align: 'right' }, { header: 'sha256' }],
        m.refs.map((r) => [r.name, groupDigits(r.size), r.sha256]),
      ),
    );
  }
  if (verbose && m.banks.length > 0) {
    parts.push('\nbank parameters\n');
    parts.push(
      table(
        [{ header: 'name' }, { header: 'version', align: 'right' }, { header: 'params' }],
        m.banks.map((b) => [b.name, String(b.version), JSON.stringify(b.params)]),
      ),
    );
  }
  return parts.join('');
}
