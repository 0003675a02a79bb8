/**
 * The compiler: hooks, plugins, and run(), which takes one input through the six stages in
 * order. Every stage's built-in behaviour is a plugin tapping its hook (src/stages/), so a
 * plugin can tap before it, after it, or instead of it.
 */
import { open, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { defaultRegistry } from '../blob/registry.js';
import { ERROR_CODES, PfscError, isPfscError } from '../errors.js';
import { Digest16, encodeHeader, OUTPUT_DIGEST_BYTES, PBB_VERSION } from '../format/index.js';
import type { PbbHeader } from '../format/types.js';
import { OP_COPY, OP_COPY_ADD, OP_COPY_DIFF, OP_COPY_XOR, OP_LITERAL, type BlockPlan } from '../format/types.js';
import type { StageName } from '../api-types.js';
import { Compilation, type ResolvedBuildOptions } from './compilation.js';
import { createHooks, HOOK_STAGE, type HookName } from './hooks.js';
import { InputFile } from './input.js';
import type { PfscPlugin } from './types.js';
import { executeBlock } from '../runtime/execute.js';
import { engine } from '../engine/index.js';
import { TransformRegistry } from '../runtime/plugin-transforms.js';
import { registerTemp, releaseTemp } from '../io/cleanup.js';

/** Plugins whose names start with this are part of pfsc: their failures are pfsc's bugs. */
export const BUILTIN_PREFIX = 'pfsc:';

/** Outputs at least this long carry the header's diagnostics (base fingerprint, refs). */
export const DIAGNOSTICS_MIN_OUTPUT = 64 * 1024;

export class Compiler {
  readonly hooks = createHooks();
  readonly plugins: readonly PfscPlugin[];
  /** The transforms plugins brought, in plugin order: op OP_TRANSFORM + index in blueprints. */
  readonly transforms = new TransformRegistry();

  constructor(plugins: readonly PfscPlugin[]) {
    this.plugins = plugins;
    this.annotateTaps();
    for (const p of plugins) {
      for (const t of p.transforms ?? []) this.transforms.register(t);
      applyPlugin(p, this);
    }
  }

  /** Runs the six stages over options.input and emits the .pbb. */
  async run(options: ResolvedBuildOptions): Promise<Compilation> {
    const input = await InputFile.open(options.input, { readAheadUpTo: options.blockSize });
    const registry = defaultRegistry();
    for (const p of this.plugins) for (const g of p.banks ?? []) registry.register(g);
    this.hooks.banks.call(registry);
    const c = new Compilation(options, input, registry, this.transforms.definitions());
    let spoolPath: string | undefined;
    try {
      await this.stage(c, 'snapshot', () => this.hooks.snapshot.promise(c));
      c.requireBlob();
      await this.stage(c, 'index', () => this.hooks.index.promise(c));
      await this.stage(c, 'hint', () => this.hooks.hint.promise(c));
      const header = this.headerFor(c);

      spoolPath = spoolPathFor(options.output);
      registerTemp(spoolPath);
      const spool = await open(spoolPath, 'wx');
      try {
        let written = 0;
        const write = async (bytes: Uint8Array) => {
          await spool.write(bytes, 0, bytes.length, written);
          written += bytes.length;
        };
        // The output digest is the header's last field: it is computed while the blocks are
        // read, and written into place once they all are, so the input is read only once.
        const headerBytes = encodeHeader(header);
        await write(headerBytes);
        const digest = new Digest16();
        let wholeDigest: Uint8Array | undefined; // the input's SHA-256 when it came in one read
        for await (const block of input.blocks(options.blockSize)) {
          if (block.sha256 !== undefined) wholeDigest = block.sha256.slice(0, OUTPUT_DIGEST_BYTES);
          else digest.update(block.bytes);
          let plan = await this.stage(c, 'plan', () => this.hooks.plan.promise(c, block));
          if (!plan) throw new PfscError('PFSC_INTERNAL', `no plugin planned block ${block.index}`);
          plan = await this.stage(c, 'plan', () => this.hooks.optimizePlan.promise(plan!, c, block));
          checkPlanCovers(plan, block.bytes.length, block.index);
          await this.stage(c, 'plan', async () => verifyPlan(plan!, c, block));
          this.count(c, plan);
          const packed = await this.stage(c, 'pack', () => this.hooks.pack.promise(c, plan!));
          if (!packed) throw new PfscError('PFSC_INTERNAL', `no plugin packed block ${block.index}`);
          for (const s of packed.streams) {
            const prev = c.stats.streams.get(s.name);
            c.stats.streams.set(s.name, prev
              ? { ...prev, rawBytes: prev.rawBytes + s.rawBytes, codedBytes: prev.codedBytes + s.codedBytes, coding: prev.coding === s.coding ? s.coding : 'lzma2', filter: prev.filter ?? s.filter }
              : { ...s });
          }
          await this.stage(c, 'pack', () => write(packed.bytes));
          c.progress('build', block.position + block.bytes.length, input.size);
        }
        const outputDigest = wholeDigest ?? digest.digest();
        await spool.write(outputDigest, 0, outputDigest.length, headerBytes.length - outputDigest.length);
        c.stats.pbbBytes = written;
      } finally {
        await spool.close();
      }
      const blueprint = { spoolPath, bytes: c.stats.pbbBytes, output: options.output, force: options.force };
      await this.stage(c, 'emit', () => this.hooks.emit.promise(c, blueprint));
      releaseTemp(spoolPath);
      spoolPath = undefined; // the emitter moved or removed it
      await this.hooks.done.promise(c);
      return c;
    } catch (e) {
      const err = isPfscError(e) ? e : new PfscError('PFSC_INTERNAL', e instanceof Error ? e.message : String(e), { cause: e });
      c.errors.push(err);
      this.hooks.failed.call(err);
      throw err;
    } finally {
      if (spoolPath) {
        await rm(spoolPath, { force: true });
        releaseTemp(spoolPath);
      }
    }
  }

  /** The header, with the output digest left zero until the input has been read. */
  private headerFor(c: Compilation): PbbHeader {
    const blob = c.requireBlob();
    return {
      version: PBB_VERSION,
      outputLength: c.input.size,
      blobId: blob.id,
      // Small outputs leave the diagnostics out: they name what differs when the wrong blob
      // is used, which is worth less than their 9 to 13 bytes on a file of a few hundred.
      diagnostics: c.input.size >= DIAGNOSTICS_MIN_OUTPUT,
      baseFingerprint: blob.baseId.subarray(0, 4),
      refs: blob.manifest.refs.map((r) => ({ size: r.size, digestPrefix: Buffer.from(r.sha256.slice(0, 8), 'hex') })),
      transforms: this.transforms.decls(),
      outputDigest: new Uint8Array(16),
    };
  }

  /** Runs one stage's work, timing it and naming the stage on any error it raises. */
  private async stage<T>(c: Compilation, name: StageName, work: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await work();
    } catch (e) {
      if (isPfscError(e)) {
        e.stage ??= name;
        throw e;
      }
      throw new PfscError('PFSC_INTERNAL', `${name} stage failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e, stage: name });
    } finally {
      c.stats.timings[name] += performance.now() - t0;
    }
  }

  private count(c: Compilation, plan: BlockPlan): void {
    const blob = c.requireBlob();
    const s = c.stats;
    for (let i = 0; i < plan.count; i++) {
      const op = plan.op[i];
      if (op === OP_LITERAL) {
        s.segments.literal++;
        s.bytesFrom.spill += plan.len[i];
        continue;
      }
      if (op === OP_COPY) s.segments.copy++;
      else if (op === OP_COPY_XOR) s.segments.copyXor++;
      else if (op === OP_COPY_ADD) s.segments.copyAdd++;
      else if (op === OP_COPY_DIFF) s.segments.copyDiff++;
      else s.segments.copyTransform++;
      if (plan.off[i] >= blob.size) {
        s.bytesFrom.output += plan.len[i];
        continue;
      }
      const bank = blob.banks[blob.bankAt(plan.off[i])];
      if (bank?.isRef) s.bytesFrom.refs += plan.len[i];
      else s.bytesFrom.banks += plan.len[i];
    }
  }

  /**
   * Wraps every tap so an error it throws names its plugin, hook and stage. A failure in a
   * third-party plugin that is not a PfscError becomes PFSC_PLUGIN; in a built-in one, PFSC_INTERNAL.
   */
  private annotateTaps(): void {
    for (const [hookName, hook] of Object.entries(this.hooks) as [HookName, { intercept(i: object): void }][]) {
      hook.intercept({
        register: (tap: { type: string; name: string; fn: (...args: unknown[]) => unknown }) => {
          const annotate = (e: unknown) => annotateError(e, tap.name, hookName);
          const fn = tap.fn;
          if (tap.type === 'promise') {
            tap.fn = (...args: unknown[]) => {
              try {
                return Promise.resolve(fn(...args)).catch((e) => {
                  throw annotate(e);
                });
              } catch (e) {
                return Promise.reject(annotate(e));
              }
            };
          } else if (tap.type === 'async') {
            tap.fn = (...args: unknown[]) => {
              const cb = args.pop() as (err?: unknown, res?: unknown) => void;
              try {
                fn(...args, (err: unknown, res: unknown) => cb(err ? annotate(err) : err, res));
              } catch (e) {
                cb(annotate(e));
              }
            };
          } else {
            tap.fn = (...args: unknown[]) => {
              try {
                return fn(...args);
              } catch (e) {
                throw annotate(e);
              }
            };
          }
          return tap;
        },
      });
    }
  }
}

/**
 * Runs a plugin's apply(). What a third-party plugin throws that is not a PfscError becomes
 * PFSC_PLUGIN naming it (a built-in one's, PFSC_INTERNAL): the plugin is at fault, not pfsc.
 */
function applyPlugin(p: PfscPlugin, compiler: Compiler): void {
  try {
    p.apply(compiler);
  } catch (e) {
    if (isPfscError(e)) {
      e.plugin ??= p.name;
      throw e;
    }
    // Coded by another copy of pfsc (a plugin's own, or the CLI bundle's): already named.
    const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
    if (typeof code === 'string' && Object.prototype.hasOwnProperty.call(ERROR_CODES, code)) throw e;
    const builtin = p.name.startsWith(BUILTIN_PREFIX);
    const message = (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
    throw new PfscError(builtin ? 'PFSC_INTERNAL' : 'PFSC_PLUGIN', `plugin ${p.name} failed in apply(): ${message}`, { cause: e, plugin: p.name });
  }
}

function annotateError(e: unknown, plugin: string, hook: HookName): PfscError {
  const stage = HOOK_STAGE[hook];
  if (isPfscError(e)) {
    e.plugin ??= plugin;
    e.hook ??= hook;
    e.stage ??= stage;
    return e;
  }
  const builtin = plugin.startsWith(BUILTIN_PREFIX);
  const message = e instanceof Error ? e.message : String(e);
  return new PfscError(builtin ? 'PFSC_INTERNAL' : 'PFSC_PLUGIN', `plugin ${plugin} failed in hook ${hook}: ${message}`, {
    cause: e,
    plugin,
    hook,
    stage,
  });
}

function checkPlanCovers(plan: BlockPlan, length: number, block: number): void {
  let sum = 0;
  let lit = 0;
  for (let i = 0; i < plan.count; i++) {
    if (!(plan.len[i] > 0)) throw new PfscError('PFSC_INTERNAL', `block ${block}: segment ${i} has length 0`);
    sum += plan.len[i];
    if (plan.op[i] === OP_LITERAL) lit += plan.len[i];
  }
  if (sum !== length || plan.outLength !== length || lit !== plan.spill.length) {
    throw new PfscError('PFSC_INTERNAL', `block ${block}: the plan covers ${sum} of ${length} bytes (spill ${plan.spill.length} of ${lit})`);
  }
}

/**
 * Replays the plan against the blob and compares with the block, so a planner or plugin bug
 * fails the build instead of producing a blueprint that cannot be replayed.
 */
function verifyPlan(plan: BlockPlan, c: Compilation, block: { index: number; position: number; bytes: Uint8Array }): void {
  // On huge pages where the engine can: a fresh block-sized buffer otherwise costs a page fault per 4 KiB.
  const out = engine().allocBytes(block.bytes.length);
  executeBlock(plan, c.requireBlob(), out, { block: block.index, outputStart: block.position, transforms: c.transforms });
  if (Buffer.compare(out, block.bytes) !== 0) {
    let at = 0;
    while (out[at] === block.bytes[at]) at++;
    throw new PfscError('PFSC_INTERNAL', `block ${block.index}: the plan does not reproduce the input (first difference at byte ${block.position + at})`);
  }
}

/** A temporary name beside the output, so the final rename is atomic on the same file system. */
function spoolPathFor(output: string): string {
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  if (output === '-') return join(process.env.TMPDIR ?? '/tmp', `.pfsc-stdout.${tag}.pbb-tmp`);
  return join(dirname(output), `.${basename(output)}.${tag}.pbb-tmp`);
}
