/**
 * A plugin written against the package's public entry point alone ('pfsc') taps every
 * stage; plugins can replace a stage; plugin failures name the plugin, hook and stage and
 * leave no output behind.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as pfsc from 'pfsc';
import type { BlockPlan, Compiler, PfscPlugin } from 'pfsc';
import { prng, tempDir, textBytes } from '../helpers/tmp.js';

const tmp = tempDir('plugins');
const home = join(tmp.dir, 'home');
afterAll(() => tmp.cleanup());

const input = join(tmp.dir, 'input.txt');
writeFileSync(input, textBytes(prng(7), 50_000));

class ProbePlugin implements PfscPlugin {
  readonly name = 'probe';
  readonly seen: string[] = [];
  apply(compiler: Compiler): void {
    const h = compiler.hooks;
    h.banks.tap(this.name, (registry) => {
      this.seen.push(`banks:${registry.kinds().includes('random')}`);
    });
    h.snapshot.tapPromise(this.name, async (c) => {
      this.seen.push(`snapshot:${c.blob !== undefined}`);
    });
    h.index.tapPromise(this.name, async (c) => {
      this.seen.push(`index:${c.index !== undefined}`);
    });
    h.hint.tapPromise(this.name, async (c) => {
      c.addRegion({ start: 0, length: c.input.size, kind: 'text' });
      this.seen.push('hint');
    });
    h.plan.tapPromise({ name: this.name, stage: -1 }, async (_c, block) => {
      this.seen.push(`plan:${block.index}:${block.bytes.length}`);
      return undefined; // let the built-in planner plan
    });
    h.optimizePlan.tap(this.name, (plan) => {
      this.seen.push(`optimizePlan:${plan.count > 0}`);
      return plan;
    });
    h.pack.tapPromise({ name: this.name, stage: -1 }, async () => {
      this.seen.push('pack');
      return undefined;
    });
    h.emit.tapPromise(this.name, async (_c, bp) => {
      this.seen.push(`emit:${existsSync(bp.output)}`);
    });
    h.done.tapPromise(this.name, async (c) => {
      this.seen.push(`done:${c.errors.length}`);
    });
  }
}

function literalOnly(block: Uint8Array): BlockPlan {
  return {
    outLength: block.length,
    count: 1,
    op: Uint8Array.of(pfsc.OP_LITERAL),
    len: Uint32Array.of(block.length),
    off: new Float64Array(1),
    imm: new Uint8Array(1),
    spill: block,
  };
}

describe('plugins through the public API', () => {
  it('a plugin taps every stage, in order, with the state each stage made', async () => {
    const probe = new ProbePlugin();
    const out = join(tmp.dir, 'probe.pbb');
    const r = await pfsc.build({ input, output: out, home, plugins: [probe] });
    expect(probe.seen).toEqual([
      'banks:true',
      'snapshot:true',
      'index:true',
      'hint',
      'plan:0:50000',
      'optimizePlan:true',
      'pack',
      'emit:true',
      'done:0',
    ]);
    expect(r.pbbBytes).toBe(readFileSync(out).length);
    const back = join(tmp.dir, 'probe.out');
    await pfsc.replay({ input: out, output: back, home });
    expect(readFileSync(back).equals(readFileSync(input))).toBe(true);
  });

  it('a plugin can replace the plan stage, and the result still replays', async () => {
    const replacer: PfscPlugin = {
      name: 'all-literal',
      apply(compiler) {
        compiler.hooks.plan.tapPromise({ name: 'all-literal', stage: -10 }, async (_c, block) => literalOnly(block.bytes));
      },
    };
    const out = join(tmp.dir, 'literal.pbb');
    const r = await pfsc.build({ input, output: out, home, plugins: [replacer] });
    expect(r.segments).toEqual({ copy: 0, copyXor: 0, copyAdd: 0, copyDiff: 0, copyTransform: 0, literal: 1 });
    expect(r.bytesFrom.spill).toBe(50_000);
    const back = join(tmp.dir, 'literal.out');
    await pfsc.replay({ input: out, output: back, home });
    expect(readFileSync(back).equals(readFileSync(input))).toBe(true);
  });

  it('a failing plugin is named with its hook and stage, and no output or spool is left', async () => {
    const bad: PfscPlugin = {
      name: 'bad-hints',
      apply(compiler) {
        compiler.hooks.hint.tap('bad-hints', () => {
          throw new Error('cannot parse section table');
        });
      },
    };
    const out = join(tmp.dir, 'bad.pbb');
    const err = await pfsc.build({ input, output: out, home, plugins: [bad] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(pfsc.PfscError);
    const e = err as pfsc.PfscError;
    expect(e.code).toBe('PFSC_PLUGIN');
    expect(e.plugin).toBe('bad-hints');
    expect(e.hook).toBe('hint');
    expect(e.stage).toBe('hint');
    expect(e.message).toContain('cannot parse section table');
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(tmp.dir).filter((f) => f.includes('pbb-tmp'))).toEqual([]);
  });

  it('a plugin whose apply() throws is PFSC_PLUGIN naming it, and no output is left', async () => {
    const bad: PfscPlugin = {
      name: 'bad-apply',
      apply() {
        throw new TypeError('hooks.nosuch is undefined');
      },
    };
    const out = join(tmp.dir, 'bad-apply.pbb');
    const err = await pfsc.build({ input, output: out, home, plugins: [bad] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(pfsc.PfscError);
    const e = err as pfsc.PfscError;
    expect(e.code).toBe('PFSC_PLUGIN');
    expect(e.plugin).toBe('bad-apply');
    expect(e.message).toBe('plugin bad-apply failed in apply(): hooks.nosuch is undefined');
    expect(existsSync(out)).toBe(false);
  });

  it('a plan that does not reproduce the input fails the build instead of emitting it', async () => {
    const corrupt: PfscPlugin = {
      name: 'corrupt',
      apply(compiler) {
        compiler.hooks.optimizePlan.tap('corrupt', (plan) => {
          const lit = literalOnly(new Uint8Array(plan.outLength));
          return lit; // all zeros: the right length, the wrong bytes
        });
      },
    };
    const out = join(tmp.dir, 'corrupt.pbb');
    const err = (await pfsc.build({ input, output: out, home, plugins: [corrupt] }).catch((e: unknown) => e)) as pfsc.PfscError;
    expect(err.code).toBe('PFSC_INTERNAL');
    expect(err.message).toMatch(/does not reproduce the input/);
    expect(existsSync(out)).toBe(false);
  });

  it('blocks are planned and coded one at a time, with offsets carried across them', async () => {
    const rand = prng(99);
    const ref = join(tmp.dir, 'multi.ref');
    const refBytes = textBytes(rand, 300_000);
    writeFileSync(ref, refBytes);
    const edited = Buffer.concat([refBytes.subarray(150_000), Buffer.from('a new middle'), refBytes.subarray(0, 150_000)]);
    const multi = join(tmp.dir, 'multi.txt');
    writeFileSync(multi, edited);
    const compiler = new pfsc.Compiler(pfsc.builtinPlugins());
    const out = join(tmp.dir, 'multi.pbb');
    const c = await compiler.run({ input: multi, output: out, force: false, refs: [ref], profile: 'orchard', home, blockSize: 64 * 1024 });
    expect(c.stats.bytesFrom.refs).toBeGreaterThan(290_000);
    const back = join(tmp.dir, 'multi.out');
    await pfsc.replay({ input: out, output: back, refs: [ref], home });
    expect(readFileSync(back).equals(edited)).toBe(true);
  });
});
