/**
 * pfsc exec FILE.pbb --prog PROGRAM: run a pCPU program over the file a blueprint describes,
 * without writing the file.
 */
import { Command } from 'commander';
import type { ExecResult } from '../../api-types.js';
import { PfscError } from '../../errors.js';
import { out, type CliContext } from '../context.js';
import { groupDigits, humanMs, keyValues, toJson } from '../format.js';
import { loadApiWith } from '../load-api.js';
import { addJsonOption, addBlobBaseOptions, addBankOption, addRefOption, blobOptions, type CommonOptions } from '../options.js';
import { checkInput, checkRefs } from '../paths.js';
import { progressFor } from '../progress.js';

interface ExecCliOptions extends CommonOptions {
  prog: string;
  pcores: string;
}

const EXAMPLES = `
Examples:
  $ pfsc exec app.bin.pbb --prog crc32c                       the CRC-32C of app.bin, which is never written
  $ pfsc exec new.pbb --ref old.bin --prog "counteq:0,fnv"     zero bytes and FNV-1a; the same --ref files as the build
  $ pfsc exec app.bin.pbb --prog "xor:255,crc32c" --pcores 2  on two worker threads, with CPUpwn against one
  $ pfsc exec app.bin.pbb --prog "crc32c # checksum" --json   the accumulators and speeds as JSON
  $ pfsc exec data.bin.pbb --prog crc32c --plugin pfsc-plugin-x --manifest blob.json
                                                              the same plugins and manifest as the build

Programs: ops separated by commas, run in order over the file's bytes (docs/PCPU.md):
  xor:N, add:N      transform the bytes the ops after them see (N: 0..255, decimal or 0x hex)
  counteq:N         count the bytes equal to N
  crc32c            CRC-32C (Castagnoli), printed as 0x + 8 hex digits
  fnv               64-bit FNV-1a, printed as 0x + 16 hex digits
Whitespace and line breaks are free; # starts a comment that runs to the end of the line.
`;

export function execCommand(ctx: CliContext): Command {
  const cmd = new Command('exec')
    .description('run a pCPU program over the file a .pbb blueprint describes, without writing the file')
    .argument('<file.pbb>', 'the blueprint')
    .requiredOption('--prog <program>', 'the program, e.g. "xor:255,add:7,counteq:0,crc32c,fnv"')
    .option('--pcores <n>', 'worker threads that run the program; with more than 1, a 1-pcore pass runs first for CPUpwn', '1');
  addRefOption(cmd);
  addBankOption(cmd);
  addBlobBaseOptions(cmd);
  cmd.option('-v, --verbose', 'also print the Blob_ID, the engine and the worker threads used');
  addJsonOption(cmd, 'the accumulators, bytes, seconds, MB/s and CPUpwn');
  cmd.addHelpText('after', EXAMPLES);
  cmd.action(async (file: string, opts: ExecCliOptions) => runExec(ctx, file, opts));
  return cmd;
}

/** "1,234.5 MB/s" */
function mbps(v: number): string {
  return `${v.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} MB/s`;
}

function pcoreText(n: number): string {
  return `${n} pcore${n === 1 ? '' : 's'}`;
}

export function renderExec(r: ExecResult, verbose: boolean): string {
  const names = Object.keys(r.accumulators);
  const width = Math.max(0, ...names.map((n) => n.length));
  const lines = [`${r.file}: ${r.program} over ${groupDigits(r.bytes)} bytes`];
  for (const n of names) lines.push(`  ${n.padEnd(width)} = ${r.accumulators[n]}`);
  let speed = `${pcoreText(r.pcores)}: ${humanMs(r.seconds * 1000)}, ${mbps(r.mbPerSecond)}`;
  if (r.pcores > 1) speed += `; 1 pcore: ${humanMs(r.baseline.seconds * 1000)}, ${mbps(r.baseline.mbPerSecond)}`;
  lines.push(`${speed}; CPUpwn ${r.cpupwn.toFixed(2)}`);
  let text = lines.join('\n') + '\n';
  if (verbose) {
    text += keyValues([
      ['Blob_ID', r.blobId],
      ['engine', r.engine],
      ['workers', r.workers === 0 ? 'none (the main thread ran the program)' : String(r.workers)],
    ]);
  }
  return text;
}

async function runExec(ctx: CliContext, input: string, opts: ExecCliOptions): Promise<void> {
  await checkInput(input, 'blueprint');
  await checkRefs(opts.ref ?? []);
  if ((opts.plugin ?? []).length > 0) await checkProgramOptions(opts);
  const { api, ext } = await loadApiWith(ctx, opts, { transformsFirst: true });
  const progress = progressFor(ctx.io.stderr, false);
  let result: ExecResult;
  try {
    result = await api.exec({ input, program: opts.prog, pcores: Number(opts.pcores), ...blobOptions(opts), ...ext, onProgress: progress.onProgress });
  } finally {
    progress.stop();
  }
  out(ctx, opts.json ? toJson(result) : renderExec(result, Boolean(opts.verbose)));
}

/**
 * --prog and --pcores, checked as exec() checks them, for a run with --plugin: a typo is
 * refused before a plugin module's code runs (without --plugin, exec() checks them first).
 */
async function checkProgramOptions(opts: ExecCliOptions): Promise<void> {
  const [{ parseProgram }, { MAX_PCORES }] = await Promise.all([import('../../runtime/pcpu/program.js'), import('../../runtime/pcpu/exec.js')]);
  parseProgram(opts.prog);
  const pcores = Number(opts.pcores);
  if (!Number.isInteger(pcores) || pcores < 1 || pcores > MAX_PCORES) {
    throw new PfscError('PFSC_USAGE', `--pcores must be a whole number from 1 to ${MAX_PCORES}, got ${pcores}`, {
      hint: 'Pass the number of worker threads, e.g. --pcores 2.',
    });
  }
}
