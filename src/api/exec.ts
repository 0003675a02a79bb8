/**
 * exec(): run a pCPU program over the file a .pbb blueprint describes, without writing it.
 * With pcores N > 1 it makes two passes, the program on 1 pcore then on N, so CPUpwn
 * compares the same program, blueprint and machine minutes apart rather than figures
 * from another run.
 */
import type { ExecOptions, ExecResult, ExecTiming } from '../api-types.js';
import { openBlob, toHex } from '../blob/index.js';
import { engineInfo } from '../engine/index.js';
import { PfscError } from '../errors.js';
import { fileByteSource, readHeader } from '../format/index.js';
import { checkBlobMatches } from '../runtime/check.js';
import { accumulatorRecord } from '../runtime/pcpu/accumulators.js';
import { execPass, MAX_PCORES, type ExecPass } from '../runtime/pcpu/exec.js';
import { parseProgram } from '../runtime/pcpu/program.js';
import { extensionsOf, headerTransforms } from './extensions.js';
import { checkRefs, DEFAULT_PROFILE, exists } from './common.js';

function timing(pass: ExecPass): ExecTiming {
  const mbPerSecond = pass.bytes > 0 && pass.seconds > 0 ? pass.bytes / 1e6 / pass.seconds : 0;
  return { seconds: pass.seconds, mbPerSecond };
}

function checkPcores(pcores: number): void {
  if (!Number.isInteger(pcores) || pcores < 1 || pcores > MAX_PCORES) {
    throw new PfscError('PFSC_USAGE', `--pcores must be a whole number from 1 to ${MAX_PCORES}, got ${pcores}`, {
      hint: 'Pass the number of worker threads, e.g. --pcores 2.',
    });
  }
}

export async function exec(opts: ExecOptions): Promise<ExecResult> {
  // The program and the numbers first: a typo fails before the blob is opened.
  const program = parseProgram(opts.program);
  const pcores = opts.pcores ?? 1;
  checkPcores(pcores);
  const refs = opts.refs ?? [];
  await checkRefs(refs);
  if (!(await exists(opts.input))) throw new PfscError('PFSC_INPUT_NOT_FOUND', `blueprint ${opts.input} does not exist`);
  const src = await fileByteSource(opts.input);
  try {
    const { header, length } = await readHeader(src);
    const banks = opts.banks ?? [];
    const ext = extensionsOf(opts.plugins);
    const transforms = headerTransforms(header, ext);
    const blob = await openBlob({
      profile: opts.profile ?? DEFAULT_PROFILE, manifest: opts.manifest, refs, banks, home: opts.home, registry: ext.registry, onProgress: opts.onProgress, deferBase: true,
    });
    const refLabels = [...banks, ...refs];
    checkBlobMatches(header, blob, { refLabels });
    const pass = (n: number): Promise<ExecPass> =>
      execPass({
        input: src, header, headerLength: length, blob, program, pcores: n, refLabels, transforms,
        onProgress: (p) => opts.onProgress?.({ ...p, phase: n === 1 ? 'exec' : `exec ×${n}` }),
      });
    const base = await pass(1);
    const run = pcores === 1 ? base : await pass(pcores);
    const baseAcc = accumulatorRecord(program, base.values);
    const accumulators = accumulatorRecord(program, run.values);
    if (JSON.stringify(baseAcc) !== JSON.stringify(accumulators)) {
      throw new PfscError('PFSC_INTERNAL',
        `the program gave ${JSON.stringify(accumulators)} on ${pcores} pcores and ${JSON.stringify(baseAcc)} on 1`);
    }
    const t = timing(run);
    const baseline = timing(base);
    return {
      file: opts.input,
      program: program.text,
      blobId: toHex(blob.id),
      engine: engineInfo().engine,
      pcores,
      workers: run.workers,
      accumulators,
      bytes: run.bytes,
      ...t,
      baseline,
      cpupwn: baseline.mbPerSecond > 0 ? t.mbPerSecond / baseline.mbPerSecond : 1,
    };
  } finally {
    await src.close();
  }
}
