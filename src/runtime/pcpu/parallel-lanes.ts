/**
 * pcores N > 1: N worker threads, each fed through its own ring (ring.ts). The stream is
 * cut into stretches of STRETCH_BYTES; a split lane takes every N-th stretch, and with fnv
 * in the program one worker is the serial lane and takes everything (lanes.ts). The blob
 * bytes the blueprint copies from are copied once, as they are first needed, into one
 * SharedArrayBuffer all workers read.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import type { Worker } from 'node:worker_threads';
import type { Blob } from '../../blob/types.js';
import { engineInfo } from '../../engine/index.js';
import { PfscError, ERROR_CODES, type ErrorCode } from '../../errors.js';
import { combineValues, initialValue, reductionsOf, type AccumulatorValue, type Reduction } from './accumulators.js';
import { planLanes, type LaneProgram } from './lanes.js';
import type { Lanes } from './local-lane.js';
import type { Program } from './ops.js';
import { createRing, RingProducer } from './ring.js';
import type { StretchResult, WorkerMessage, WorkerSetup } from './worker.js';

/**
 * node:worker_threads, loaded when lanes first start: the command's script requires the
 * built-ins it imports as it starts, and this one took 3.6 ms of that, for exec alone.
 */
const loadWorkerThreads = (): typeof import('node:worker_threads') =>
  createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');

/**
 * Stretch length: large enough that a worker's per-stretch result and the CRC combine cost
 * nothing, small enough that two workers alternate many times over a file of a few MB.
 */
export const STRETCH_BYTES = 1 << 20;
/** Per ring: descriptor slots, and the byte ring for spill and kept output (4 stretches). */
const RING_SLOTS = 4096;
const RING_BYTES = 4 << 20;
/**
 * The shared copy of the blob is filled a granule (of a bank) at a time, when a copy first
 * reads it: only what the blueprint uses is copied, workers start on the first pieces while
 * later granules are still being copied, and a bank the blob loads on demand is never read
 * for a neighbour's sake.
 */
const GRANULE_BYTES = 1 << 20;

type Done = Extract<WorkerMessage, { type: 'done' }>;

interface Lane {
  kind: 'serial' | 'split';
  slots: number[];
  worker: Worker;
  producer: RingProducer;
  ready: Promise<void>;
  done: Promise<Done>;
}

type Push = (p: RingProducer, from: number, n: number, stretch: number) => void | Promise<void>;

function workerUrl(): URL {
  const url = new URL('./worker.js', import.meta.url);
  if (!existsSync(fileURLToPath(url))) {
    throw new PfscError('PFSC_INTERNAL', `the pcore worker ${fileURLToPath(url)} is missing`, {
      hint: 'Run `npm run build` in the pfsc folder: several pcores run the compiled worker in dist/.',
    });
  }
  return url;
}

function workerError(m: { code?: string; message: string }): PfscError {
  const code = m.code !== undefined && Object.prototype.hasOwnProperty.call(ERROR_CODES, m.code) ? (m.code as ErrorCode) : 'PFSC_INTERNAL';
  return new PfscError(code, `pcore worker: ${m.message}`);
}

export class ParallelLanes implements Lanes {
  readonly workers: number;
  private readonly lanes: Lane[];
  private readonly serial: Lane | undefined;
  private readonly split: Lane[];
  private readonly reductions: Reduction[];
  private readonly blobView: Uint8Array;
  /** filled[bank][g]: granule g of that bank is in the shared copy. */
  private readonly filled: Uint8Array[];
  private failure: PfscError | undefined;
  /** Output position of the next piece. */
  private pos = 0;

  private constructor(program: Program, pcores: number, private readonly source: Blob) {
    const plan = planLanes(program);
    this.reductions = reductionsOf(program);
    const shared = new SharedArrayBuffer(source.size);
    this.blobView = new Uint8Array(shared);
    this.filled = source.banks.map((b) => new Uint8Array(Math.ceil(b.size / GRANULE_BYTES)));
    const url = workerUrl();
    // Workers load the engine themselves; when this thread fell back to JavaScript, they
    // should too, without saying so again.
    const env = engineInfo().engine === 'js' ? { ...process.env, PFSC_NO_NATIVE: '1' } : process.env;
    const start = (kind: Lane['kind'], lp: LaneProgram): Lane => {
      const ring = createRing(RING_SLOTS, RING_BYTES);
      const setup: WorkerSetup = { lane: kind, program: lp.program, ring, blob: shared };
      const worker = new (loadWorkerThreads().Worker)(url, { workerData: setup, env });
      let onReady!: () => void;
      const ready = new Promise<void>((r) => (onReady = r));
      const done = new Promise<Done>((resolve, reject) => {
        const fail = (e: PfscError): void => {
          this.failure ??= e;
          reject(e);
        };
        let reported = false;
        worker.on('message', (m: WorkerMessage) => {
          if (m.type === 'ready') return onReady();
          reported = true;
          if (m.type === 'done') resolve(m);
          else fail(workerError(m));
        });
        worker.on('error', (e) => fail(new PfscError('PFSC_INTERNAL', `pcore worker failed: ${e.message}`, { cause: e })));
        worker.on('exit', (code) => {
          if (!reported) fail(new PfscError('PFSC_INTERNAL', `pcore worker exited (code ${code}) before it reported`));
        });
      });
      done.catch(() => undefined); // observed in finish(); a failure meanwhile stops the producer
      const producer = new RingProducer(ring, () => this.checkFailure());
      return { kind, slots: lp.slots, worker, producer, ready: Promise.race([ready, done.then(() => undefined)]), done };
    };
    this.serial = plan.serial ? start('serial', plan.serial) : undefined;
    const splitCount = plan.split ? pcores - (this.serial ? 1 : 0) : 0;
    this.split = [];
    for (let i = 0; i < splitCount; i++) this.split.push(start('split', plan.split!));
    this.lanes = [...(this.serial ? [this.serial] : []), ...this.split];
    this.workers = this.lanes.length;
  }

  /** Starts the workers and waits until each has loaded its program and engine. */
  static async start(program: Program, pcores: number, blob: Blob): Promise<ParallelLanes> {
    const lanes = new ParallelLanes(program, pcores, blob);
    try {
      await Promise.all(lanes.lanes.map((l) => l.ready));
      lanes.checkFailure();
    } catch (e) {
      await lanes.close();
      throw e;
    }
    return lanes;
  }

  blob(offset: number, length: number, op: number, imm: number): void | Promise<void> {
    this.fill(offset, length);
    return this.route(length, Infinity, (p, from, n, s) => p.pushBlob(offset + from, n, op, imm, s));
  }

  bytes(src: Uint8Array, start: number, end: number, op: number, imm: number): void | Promise<void> {
    const max = this.lanes[0]!.producer.maxBytesPiece;
    return this.route(end - start, max, (p, from, n, s) => p.pushBytes(src, start + from, start + from + n, op, imm, s));
  }

  async finish(): Promise<AccumulatorValue[]> {
    for (const l of this.lanes) l.producer.close();
    const results = await Promise.all(this.lanes.map((l) => l.done));
    const values = this.reductions.map((r) => initialValue(r.name));
    const total = this.pos;
    const check = (what: string, bytes: number): void => {
      if (bytes !== total) throw new PfscError('PFSC_INTERNAL', `${what} ran over ${bytes} bytes of the ${total} sent`);
    };
    if (this.serial) {
      const r = results[0]!;
      check('the serial lane', r.bytes);
      this.serial.slots.forEach((slot, i) => (values[slot] = r.values[i]!));
    }
    if (this.split.length > 0) {
      const stretches: StretchResult[] = results.slice(this.serial ? 1 : 0).flatMap((r) => r.stretches);
      stretches.sort((a, b) => a.stretch - b.stretch);
      check('the split lanes', stretches.reduce((n, s) => n + s.bytes, 0));
      const slots = this.split[0]!.slots;
      for (const s of stretches) {
        slots.forEach((slot, i) => (values[slot] = combineValues(this.reductions[slot]!.name, values[slot]!, s.values[i]!, s.bytes)));
      }
    }
    return values;
  }

  async close(): Promise<void> {
    await Promise.all(this.lanes.map((l) => l.worker.terminate().catch(() => undefined)));
  }

  private checkFailure(): void {
    if (this.failure) throw this.failure;
  }

  /** Copies the granules holding blob[offset, offset + length) into the shared copy, once each. */
  private fill(offset: number, length: number): void {
    const banks = this.source.banks;
    const end = offset + length;
    for (let i = this.source.bankAt(offset); i >= 0 && i < banks.length && banks[i]!.offset < end; i++) {
      const bank = banks[i]!;
      const filled = this.filled[i]!;
      const from = Math.max(offset, bank.offset) - bank.offset;
      const to = Math.min(end, bank.offset + bank.size) - bank.offset;
      for (let g = Math.floor(from / GRANULE_BYTES); g * GRANULE_BYTES < to; g++) {
        if (filled[g]) continue;
        const start = bank.offset + g * GRANULE_BYTES;
        this.source.read(start, Math.min(GRANULE_BYTES, bank.size - g * GRANULE_BYTES), this.blobView, start);
        filled[g] = 1;
      }
    }
  }

  /**
   * Sends a piece of `length` output bytes: cut at stretch ends (and into parts of at most
   * maxPiece bytes), each part to the serial lane and to the split lane owning its stretch.
   */
  private route(length: number, maxPiece: number, push: Push): void | Promise<void> {
    this.checkFailure();
    let from = 0;
    const step = (): void | Promise<void> => {
      while (from < length) {
        const stretch = Math.floor(this.pos / STRETCH_BYTES);
        const n = Math.min(length - from, (stretch + 1) * STRETCH_BYTES - this.pos, maxPiece);
        const waits: Promise<void>[] = [];
        if (this.serial) {
          const w = push(this.serial.producer, from, n, stretch);
          if (w) waits.push(w);
        }
        if (this.split.length > 0) {
          const w = push(this.split[stretch % this.split.length]!.producer, from, n, stretch);
          if (w) waits.push(w);
        }
        this.pos += n;
        from += n;
        if (waits.length > 0) return Promise.all(waits).then(step);
      }
    };
    return step();
  }
}
