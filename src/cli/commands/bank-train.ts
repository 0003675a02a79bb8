/**
 * pfsc bank train --out NAME.bank FILE...: a bank file trained on sample files, whose output
 * holds what the samples share, for `--bank` to copy from (docs/BANKS.md, section 12).
 * The samples are read in the order given; the file is written to a temporary name beside
 * the output and renamed into place, so a half-written bank is never left under its name.
 */
import { randomBytes } from 'node:crypto';
import { link, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { MAX_BANK_OUTPUT } from '../../banks/limits.js';
import { PfscError } from '../../errors.js';
import { registerTemp, releaseTemp } from '../../io/cleanup.js';
import { out, type CliContext } from '../context.js';
import { groupDigits, humanBytes, humanMs, keyValues, toJson } from '../format.js';
import { addForceOption, addJsonOption, addQuietVerbose } from '../options.js';
import { checkInput, checkOutput, STDIO } from '../paths.js';

const EXAMPLES = `
Examples:
  $ pfsc bank train -o pages.bank samples/*.html         the samples' content, without long repeats
  $ pfsc bank train -o pages.bank --max-size 256k a b c  at most 256 KiB: what the samples share most
  $ pfsc bank train -o pages.bank -f $(ls samples/* | LC_ALL=C sort)
                                                        in sorted order, overwriting pages.bank
  $ pfsc bank train -o pages.bank samples/* --json       the summary as JSON
  $ pfsc build new.html --bank pages.bank                then use it (both sides hold pages.bank)

Samples are read in the order given: the same files in the same order make the same bank.
A bank file holds at most 1 MiB of text, which limits the bank before --max-size does for
most samples (about 1 MiB of text, 512 KiB of binary data).
`;

/** Default of --max-size, as the user writes it. */
const DEFAULT_MAX_SIZE = '64M';

const UNITS: Readonly<Record<string, number>> = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30 };

/** "65536", "64k", "64M", "1G" (powers of 1024) as a byte count from 1 to MAX_BANK_OUTPUT. */
export function parseByteSize(text: string): number {
  const m = /^([0-9]+)([kKmMgG]?)$/.exec(text.trim());
  const n = m === null ? NaN : Number(m[1]) * (UNITS[(m[2] as string).toLowerCase()] as number);
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_BANK_OUTPUT) {
    throw new InvalidArgumentError(`give a byte count from 1 to 1G (2^30, what a bank may hold), such as 65536, 512k or 64M`);
  }
  return n;
}

interface TrainCliOptions {
  out: string;
  force?: boolean;
  maxSize: number | string;
  quiet?: boolean;
  verbose?: boolean;
  json?: boolean;
}

export function bankTrainCommand(ctx: CliContext): Command {
  const cmd = new Command('train')
    .description('make a bank file from sample files: their content without long repeats, or what they share most when that is too large')
    .argument('<files...>', 'the sample files, in the order they are read')
    .requiredOption('-o, --out <file.bank>', 'the bank file to write');
  addForceOption(cmd);
  cmd.addOption(
    new Option('--max-size <bytes>', 'most bytes the bank may make (k, M, G: powers of 1024; at most 1G); its text holds at most 1 MiB too')
      .argParser(parseByteSize)
      .default(DEFAULT_MAX_SIZE),
  );
  addQuietVerbose(cmd, 'also print the distinct samples, the bytes left after dropping repeats, the budget and how the pieces were chosen');
  addJsonOption(cmd, 'a summary (samples, bytes in, bank bytes, text bytes, time)');
  cmd.addHelpText('after', EXAMPLES);
  cmd.action(async (files: string[], opts: TrainCliOptions) => runTrain(ctx, files, opts));
  return cmd;
}

/** The temporary name the bank is written to, beside the output. */
function tempPathFor(output: string): string {
  return join(dirname(output), `.${basename(output)}.pfsc-tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
}

function errnoOf(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? String(e);
}

/** Writes the text to a temporary file and renames it to output; without force, never over a file that appeared meanwhile. */
async function writeBank(output: string, text: string, force: boolean): Promise<void> {
  const tmp = tempPathFor(output);
  registerTemp(tmp);
  try {
    try {
      await writeFile(tmp, text, { flag: 'wx' });
    } catch (e) {
      throw new PfscError('PFSC_OUTPUT_UNWRITABLE', `cannot write ${output}: ${errnoOf(e)}`, { cause: e });
    }
    if (force) {
      await rename(tmp, output).catch((e: unknown) => {
        throw new PfscError('PFSC_OUTPUT_UNWRITABLE', `cannot write ${output}: ${errnoOf(e)}`, { cause: e });
      });
      return;
    }
    try {
      await link(tmp, output);
    } catch (e) {
      const code = errnoOf(e);
      if (code === 'EEXIST') throw new PfscError('PFSC_OUTPUT_EXISTS', `output file already exists: ${output}`, { cause: e });
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') {
        throw new PfscError('PFSC_OUTPUT_UNWRITABLE', `cannot write ${output}: ${code}`, { cause: e });
      }
      // The file system has no hard links: check, then rename.
      await checkOutput(output, { force: false });
      await rename(tmp, output).catch((e2: unknown) => {
        throw new PfscError('PFSC_OUTPUT_UNWRITABLE', `cannot write ${output}: ${errnoOf(e2)}`, { cause: e2 });
      });
      return;
    }
    await unlink(tmp).catch(() => undefined);
  } finally {
    await rm(tmp, { force: true }).catch(() => undefined);
    releaseTemp(tmp);
  }
}

async function readSample(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (e) {
    throw new PfscError('PFSC_INPUT_UNREADABLE', `cannot read sample ${path}: ${errnoOf(e)}`, { cause: e });
  }
}

async function runTrain(ctx: CliContext, files: string[], opts: TrainCliOptions): Promise<void> {
  const output = opts.out;
  const maxSize = typeof opts.maxSize === 'number' ? opts.maxSize : parseByteSize(opts.maxSize);
  if (output === STDIO) {
    throw new PfscError('PFSC_USAGE', 'a bank is written to a file, not standard output', { hint: 'Give the bank file with -o NAME.bank.' });
  }
  for (const f of files) {
    if (f === STDIO) {
      throw new PfscError('PFSC_USAGE', 'samples are files; standard input cannot be one', { hint: 'Save it to a file first, and give that file.' });
    }
    if (resolve(f) === resolve(output)) {
      throw new PfscError('PFSC_USAGE', `the output would overwrite a sample: ${output}`, { hint: 'Choose another output name with -o.' });
    }
  }
  for (const f of files) await checkInput(f, 'sample');
  await checkOutput(output, { force: opts.force });

  const started = performance.now();
  const samples: Uint8Array[] = [];
  for (const f of files) samples.push(await readSample(f));
  const { trainBank } = await import('../../banks/train.js');
  const bank = trainBank(samples, { maxSize });
  await writeBank(output, bank.text, Boolean(opts.force));
  const ms = performance.now() - started;
  const textBytes = Buffer.byteLength(bank.text);

  if (opts.json) {
    out(
      ctx,
      toJson({
        output,
        samples: bank.samplesGiven,
        distinctSamples: bank.samples.length,
        bytesIn: bank.bytesIn,
        bytesDistinct: bank.bytesDistinct,
        bankBytes: bank.bytes.length,
        textBytes,
        pieces: bank.pieces,
        selected: bank.selected,
        maxSize: bank.budget.bytes,
        ms: Math.round(ms),
      }),
    );
    return;
  }
  if (opts.quiet) return;
  out(
    ctx,
    `${output}: ${groupDigits(bank.bytes.length)} bytes (${humanBytes(bank.bytes.length)}) in ${groupDigits(bank.pieces)} pieces ` +
      `from ${groupDigits(bank.samplesGiven)} samples of ${groupDigits(bank.bytesIn)} bytes; ${groupDigits(textBytes)} bytes of text, in ${humanMs(ms)}\n`,
  );
  if (opts.verbose) {
    out(
      ctx,
      keyValues([
        ['distinct samples', `${groupDigits(bank.samples.length)} (by SHA-256; repeats are left out)`],
        ['without repeats', `${groupDigits(bank.bytesDistinct)} bytes`],
        ['budget', `${groupDigits(bank.budget.bytes)} bytes of output, ${groupDigits(bank.budget.text)} bytes of text for the body`],
        ['chosen', bank.selected ? 'segments by the samples that share their 8-byte strings (they did not fit)' : 'every piece (they fit)'],
      ]),
    );
  }
}
