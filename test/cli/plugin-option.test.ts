/**
 * --plugin MODULE and --manifest FILE.json through the real command (node bin/pfsc.js):
 * the third-party fixture pfsc-plugin-sawtooth (test/fixtures/third-party-plugin) loaded by
 * path and by package name, a base manifest with its sawtooth bank, round trips byte for
 * byte, and every way the options can be wrong giving a stable code in one line, no stack
 * and no output.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as pfsc from 'pfsc';
import { FIXTURE, loadFixture, refSawtooth, refTransform, type SawtoothModule } from '../plugins/third-party/support.js';
import { hasNoStack, makeTemp, pseudoRandom, ROOT, runCli, type CliRun } from './harness.js';

const dir = makeTemp('plugin-option');
const home = join(dir, 'home');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SAW = { name: 'saw', size: 64 * 1024, params: { period: 509, step: 3, shift: 17 } };
/** The fixture as a path relative to the folder the command runs in (ROOT). */
const PLUGIN = `./${relative(ROOT, FIXTURE)}`;
const manifestFile = join(dir, 'saw.json');
const input = join(dir, 'data.bin');
const pbb = join(dir, 'data.bin.pbb');
let saw: SawtoothModule;
let data: Buffer;
/** The Blob_ID the blueprint names (from inspect --json). */
let blobIdOfPbb = '';
/** Whether `pfsc blob info` declares --plugin and --manifest (src/cli/commands/blob-info.ts). */
const blobInfoHelp = runCli(['blob', 'info', '--help'], { home }).stdout;
const blobInfoTakesPlugins = blobInfoHelp.includes('--plugin <module>') && blobInfoHelp.includes('--manifest <file.json>');

beforeAll(async () => {
  saw = await loadFixture(); // also links the fixture's node_modules/pfsc to this checkout
  writeFileSync(manifestFile, JSON.stringify(saw.withSawtoothBanks(pfsc.profileManifest('orchard'), [SAW]), null, 2));
  const bank = refSawtooth(SAW.size, SAW.params.period, SAW.params.step, SAW.params.shift);
  data = Buffer.concat([refTransform(bank.subarray(1000, 21_000), 9, 1), pseudoRandom(2000, 7), refTransform(bank.subarray(40_000, 50_000), 250, 6)]);
  writeFileSync(input, data);
});

/** The run failed with CODE on its first line, a hint on the second (then at most where it arose), and no stack. */
function expectFailure(r: CliRun, code: string, status = 1): string {
  expect(r.status, r.stderr).toBe(status);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines[0]).toMatch(new RegExp(`^${code}: \\S`));
  expect(lines[1]).toMatch(/^hint: \S/);
  expect(lines.length, r.stderr).toBeLessThanOrEqual(3);
  if (lines.length === 3) expect(lines[2]).toMatch(/^ {2}in (plugin|hook|stage) /);
  expect(hasNoStack(r.stderr)).toBe(true);
  expect(r.stdout).toBe('');
  return lines[0]!;
}

function noTemps(): void {
  expect(readdirSync(dir).filter((f) => f.includes('tmp'))).toEqual([]);
}

describe('--plugin and --manifest', () => {
  it('build with the fixture and a manifest with its bank copies through the plugin transform', () => {
    const r = runCli(['build', input, '-o', pbb, '--plugin', PLUGIN, '--manifest', manifestFile, '--json'], { home });
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as pfsc.BuildResult;
    expect(result.segments.copyTransform).toBeGreaterThanOrEqual(2);
    expect(result.bytesFrom).toEqual({ banks: data.length - 2000, refs: 0, output: 0, spill: 2000 });
    expect(result.pbbBytes).toBeLessThan(data.length / 4);
  });

  it('replays byte for byte with the same --plugin and --manifest', () => {
    const back = join(dir, 'back.bin');
    const r = runCli(['replay', pbb, '-o', back, '--plugin', PLUGIN, '--manifest', manifestFile], { home });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/digest verified/);
    expect(readFileSync(back).equals(data)).toBe(true);
  });

  it('the same build again gives the same blueprint, byte for byte', () => {
    const again = join(dir, 'again.pbb');
    const r = runCli(['build', input, '-o', again, '--plugin', PLUGIN, '--manifest', manifestFile, '-q'], { home });
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(again).equals(readFileSync(pbb))).toBe(true);
  });

  it('replay without --plugin fails PFSC_UNSUPPORTED in one line and writes nothing', () => {
    for (const extra of [['--manifest', manifestFile], []]) {
      const back = join(dir, 'without.bin');
      const r = runCli(['replay', pbb, '-o', back, ...extra], { home });
      const first = expectFailure(r, 'PFSC_UNSUPPORTED');
      expect(first).toBe('PFSC_UNSUPPORTED: the blueprint uses transform sawtooth/add-rotl.1, which no loaded plugin provides');
      expect(r.stderr.split('\n')[1]).toMatch(/^hint: .*--plugin MODULE/);
      expect(existsSync(back)).toBe(false);
    }
    noTemps();
  });

  it('inspect with the plugin shows the transform and the sawtooth bank', () => {
    const t = runCli(['inspect', pbb, '--plugin', PLUGIN, '--manifest', manifestFile], { home });
    expect(t.status, t.stderr).toBe(0);
    expect(t.stdout).toMatch(/transforms\s+sawtooth\/add-rotl\.1 \(2 immediate bytes\)/);
    expect(t.stdout).toMatch(/copy\s+plugin \(sawtooth\/add-rotl\.1\)\s+[2-9]\b/);
    expect(t.stdout).toMatch(/^\s*saw\s+sawtooth\s+no\s+30,000\b/m);
    const j = runCli(['inspect', pbb, '--plugin', PLUGIN, '--manifest', manifestFile, '--json'], { home });
    expect(j.status, j.stderr).toBe(0);
    const report = JSON.parse(j.stdout) as pfsc.InspectReport;
    expect(report.header.transforms).toEqual([{ name: 'sawtooth/add-rotl.1', immCount: 2 }]);
    // Both stretches (rotations 1 and 6) are copies through the plugin's transform.
    expect(report.segments.copyTransform).toBeGreaterThanOrEqual(2);
    expect(report.segments.copy + report.segments.copyXor + report.segments.copyAdd + report.segments.copyDiff).toBe(0);
    expect(report.perBank?.find((b) => b.name === 'saw')).toMatchObject({ kind: 'sawtooth', bytes: data.length - 2000 });
    blobIdOfPbb = report.blobIdHex;
  });

  it('inspect without the options still counts the plugin transform\'s copies', () => {
    const j = runCli(['inspect', pbb, '--json'], { home });
    expect(j.status, j.stderr).toBe(0);
    const report = JSON.parse(j.stdout) as pfsc.InspectReport;
    expect(report.segments.copyTransform).toBeGreaterThanOrEqual(2);
    expect(report.perBank).toBeUndefined();
  });

  it('replay with the plugin but without the manifest: another blob, refused, nothing written', () => {
    const back = join(dir, 'no-manifest.bin');
    const r = runCli(['replay', pbb, '-o', back, '--plugin', PLUGIN], { home });
    expectFailure(r, 'PFSC_BLOB_MISMATCH');
    expect(existsSync(back)).toBe(false);
    noTemps();
  });

  it('exec without the plugin is refused like replay', () => {
    for (const extra of [['--manifest', manifestFile], []]) {
      const e = runCli(['exec', pbb, '--prog', 'crc32c', ...extra], { home });
      expect(expectFailure(e, 'PFSC_UNSUPPORTED')).toMatch(/transform sawtooth\/add-rotl\.1/);
    }
  });

  it('loads a package by name from the current folder (its "exports"), for exec and blob build', () => {
    const cwd = join(dir, 'project');
    mkdirSync(join(cwd, 'node_modules'), { recursive: true });
    symlinkSync(FIXTURE, join(cwd, 'node_modules', 'pfsc-plugin-sawtooth'), 'dir');
    const e = runCli(['exec', pbb, '--plugin', 'pfsc-plugin-sawtooth', '--manifest', manifestFile, '--prog', 'counteq:0', '--json'], { home, cwd });
    expect(e.status, e.stderr).toBe(0);
    const zeros = data.filter((b) => b === 0).length;
    expect((JSON.parse(e.stdout) as pfsc.ExecResult).accumulators).toEqual({ 'counteq:0': zeros });
    const b = runCli(['blob', 'build', '--plugin', 'pfsc-plugin-sawtooth', '--manifest', manifestFile, '--json'], { home, cwd });
    expect(b.status, b.stderr).toBe(0);
    const info = JSON.parse(b.stdout) as pfsc.BlobInfo;
    expect(info.manifest.profile).toBe('orchard+sawtooth');
    const orchard = pfsc.profileManifest('orchard');
    expect(info.banks.map((x) => x.name)).toEqual([...orchard.banks.map((x) => x.name), 'saw']);
    expect(info.banks.at(-1)).toMatchObject({ name: 'saw', kind: 'sawtooth', size: SAW.size, isRef: false });
    expect(info.cached).toBe(true);
    expect(blobIdOfPbb).not.toBe('');
    expect(info.blobIdHex).toBe(blobIdOfPbb);
    // A subpath the package does not export is refused as import would refuse it.
    const sub = runCli(['blob', 'build', '--plugin', 'pfsc-plugin-sawtooth/example.js', '--manifest', manifestFile], { home, cwd });
    expect(expectFailure(sub, 'PFSC_PLUGIN')).toMatch(/does not export \.\/example\.js/);
  });

  it.skipIf(!blobInfoTakesPlugins)('blob info with --plugin and --manifest describes the blob the blueprint names', () => {
    const t = runCli(['blob', 'info', '--plugin', PLUGIN, '--manifest', manifestFile], { home });
    expect(t.status, t.stderr).toBe(0);
    expect(t.stdout).toMatch(/^\s*saw\s+sawtooth\b/m);
    const j = runCli(['blob', 'info', '--plugin', PLUGIN, '--manifest', manifestFile, '--json'], { home });
    expect(j.status, j.stderr).toBe(0);
    const info = JSON.parse(j.stdout) as pfsc.BlobInfo;
    expect(info.manifest.banks.at(-1)).toMatchObject({ name: 'saw', kind: 'sawtooth', params: SAW.params });
    expect(info.blobIdHex).toBe(blobIdOfPbb);
    expect(expectFailure(runCli(['blob', 'info', '--manifest', manifestFile], { home }), 'PFSC_BANK_UNKNOWN')).toMatch(/^PFSC_BANK_UNKNOWN: manifest file /);
  });

  it('takes a default export that is a plugin object, an array, a class or an async function', () => {
    const url = pathToFileURL(join(FIXTURE, 'index.js')).href;
    const kinds = {
      'object.mjs': `import { SawtoothPlugin } from '${url}';\nexport default new SawtoothPlugin();\n`,
      'array.mjs': `import { SawtoothPlugin } from '${url}';\nexport default [new SawtoothPlugin()];\n`,
      'class.mjs': `export { SawtoothPlugin as default } from '${url}';\n`,
      'factory.mjs': `import { SawtoothPlugin } from '${url}';\nexport default async () => [new SawtoothPlugin()];\n`,
    };
    for (const [name, text] of Object.entries(kinds)) {
      const file = join(dir, name);
      writeFileSync(file, text);
      const i = runCli(['inspect', pbb, '--plugin', file, '--manifest', manifestFile, '--json'], { home });
      expect(i.status, `${name}: ${i.stderr}`).toBe(0);
      expect((JSON.parse(i.stdout) as pfsc.InspectReport).perBank?.find((b) => b.name === 'saw')?.bytes, name).toBe(data.length - 2000);
    }
  });
});

describe('wrong --plugin and --manifest: a stable code in one line, no output', () => {
  const out = join(dir, 'never.pbb');
  const build = (args: string[], cwd?: string): CliRun => runCli(['build', input, '-o', out, ...args], { home, cwd });
  afterAll(() => expect(existsSync(out)).toBe(false));

  it('a module path that does not exist', () => {
    const first = expectFailure(build(['--plugin', './no-such-plugin.js']), 'PFSC_PLUGIN');
    expect(first).toBe('PFSC_PLUGIN: plugin module not found: ./no-such-plugin.js');
    expect(existsSync(out)).toBe(false);
  });

  it('a package that is not installed', () => {
    expect(expectFailure(build(['--plugin', 'pfsc-plugin-no-such-thing']), 'PFSC_PLUGIN')).toMatch(/plugin package not found: pfsc-plugin-no-such-thing/);
  });

  it('a module that exports nothing, or something that is not a plugin', () => {
    const none = join(dir, 'none.mjs');
    writeFileSync(none, 'export const answer = 42;\n');
    expect(expectFailure(build(['--plugin', none]), 'PFSC_PLUGIN')).toMatch(/exports no plugin: it has no default export/);
    const empty = join(dir, 'empty.mjs');
    writeFileSync(empty, '');
    expect(expectFailure(build(['--plugin', empty]), 'PFSC_PLUGIN')).toMatch(/exports no plugin/);
    const shape = join(dir, 'shape.mjs');
    writeFileSync(shape, "export default { name: 'half' };\n");
    expect(expectFailure(build(['--plugin', shape]), 'PFSC_PLUGIN')).toMatch(/is not a pfsc plugin: it has no apply\(compiler\) function/);
    const empties = join(dir, 'empties.mjs');
    writeFileSync(empties, 'export default [];\n');
    expect(expectFailure(build(['--plugin', empties]), 'PFSC_PLUGIN')).toMatch(/an empty array/);
  });

  it('a module that throws when it is imported, or whose default export throws', () => {
    const throws = join(dir, 'throws.mjs');
    writeFileSync(throws, "throw new Error('not today');\n");
    expect(expectFailure(build(['--plugin', throws]), 'PFSC_PLUGIN')).toMatch(/could not be loaded: not today$/);
    const factory = join(dir, 'factory-throws.mjs');
    writeFileSync(factory, "export default () => { throw new Error('no plugin for you'); };\n");
    expect(expectFailure(build(['--plugin', factory]), 'PFSC_PLUGIN')).toMatch(/its default export threw: no plugin for you$/);
  });

  it('a plugin whose apply() throws: PFSC_PLUGIN naming it, not an internal error', () => {
    const bad = join(dir, 'apply-throws.mjs');
    writeFileSync(bad, "export default { name: 'bad-apply', apply() { throw new TypeError('cannot tap that'); } };\n");
    const r = build(['--plugin', bad]);
    expect(expectFailure(r, 'PFSC_PLUGIN')).toBe('PFSC_PLUGIN: plugin bad-apply failed in apply(): cannot tap that');
    expect(r.stderr.trimEnd().split('\n')[2]).toBe('  in plugin bad-apply');
    // With PFSC_DEBUG=1 the stack is there for the plugin's author.
    const d = runCli(['build', input, '-o', out, '--plugin', bad], { home, env: { PFSC_DEBUG: '1' } });
    expect(d.status).toBe(1);
    expect(d.stderr).toMatch(/apply-throws\.mjs/);
    noTemps();
  });

  it('an empty --plugin, or --manifest on standard input, is a usage error', () => {
    expectFailure(build(['--plugin', '']), 'PFSC_USAGE', 2);
    expectFailure(build(['--manifest', '-']), 'PFSC_USAGE', 2);
  });

  it('nothing of a plugin module runs before the command line is checked', () => {
    const marker = join(dir, 'marker-ran');
    const module = join(dir, 'marker.mjs');
    writeFileSync(
      module,
      `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'ran');\nexport default { name: 'marker', apply() {} };\n`,
    );
    const existing = join(dir, 'existing.pbb');
    writeFileSync(existing, 'already here');
    const refused: [string[], string, number?][] = [
      [['build', join(dir, 'no-such-input.bin'), '-o', out, '--plugin', module], 'PFSC_INPUT_NOT_FOUND'],
      [['build', input, '-o', existing, '--plugin', module], 'PFSC_OUTPUT_EXISTS'],
      [['build', input, '-o', out, '--plugin', module, '--ref', join(dir, 'no-such-ref')], 'PFSC_REF_UNREADABLE'],
      [['build', input, '-o', out, '--plugin', module, '--manifest', manifestFile, '--profile', 'orchard'], 'PFSC_USAGE', 2],
      [['build', input, '-o', out, '--plugin', module, '--manifest', join(dir, 'missing.json')], 'PFSC_MANIFEST_INVALID'],
      [['build', input, '-o', out, '--plugin', module, '--plugin', './no-such-plugin.js'], 'PFSC_PLUGIN'],
      [['replay', join(dir, 'no-such.pbb'), '-o', join(dir, 'x.bin'), '--plugin', module], 'PFSC_INPUT_NOT_FOUND'],
      [['inspect', pbb, '--svg', existing, '--plugin', module], 'PFSC_OUTPUT_EXISTS'],
      [['exec', pbb, '--prog', 'crc32c,bogus', '--plugin', module], 'PFSC_PROGRAM_INVALID', 2],
      [['exec', pbb, '--prog', 'crc32c', '--pcores', '0', '--plugin', module], 'PFSC_USAGE', 2],
      [['blob', 'build', '--plugin', module, '--ref', join(dir, 'no-such-ref')], 'PFSC_REF_UNREADABLE'],
    ];
    for (const [args, code, status] of refused) {
      expectFailure(runCli(args, { home }), code, status ?? 1);
      expect(existsSync(marker), args.join(' ')).toBe(false);
    }
    // The marker does work: a run that gets as far as loading the module writes it.
    const ok = runCli(['inspect', pbb, '--plugin', module, '--json'], { home });
    expect(ok.status, ok.stderr).toBe(0);
    expect(readFileSync(marker, 'utf8')).toBe('ran');
  });

  it('--manifest with --profile is a usage error', () => {
    expectFailure(build(['--manifest', manifestFile, '--profile', 'orchard']), 'PFSC_USAGE', 2);
    expectFailure(runCli(['replay', pbb, '-o', join(dir, 'x.bin'), '--manifest', manifestFile, '--profile', 'orchard'], { home }), 'PFSC_USAGE', 2);
  });

  it('a manifest file that is not JSON, missing, or not a manifest', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"format": 1, "profile": ');
    expect(expectFailure(build(['--plugin', PLUGIN, '--manifest', bad]), 'PFSC_MANIFEST_INVALID')).toMatch(/bad\.json is not valid JSON/);
    expect(expectFailure(build(['--manifest', join(dir, 'missing.json')]), 'PFSC_MANIFEST_INVALID')).toMatch(/manifest file not found/);
    const wrong = join(dir, 'wrong.json');
    writeFileSync(wrong, JSON.stringify({ format: 1 }));
    expect(expectFailure(build(['--manifest', wrong]), 'PFSC_MANIFEST_INVALID')).toBe(`PFSC_MANIFEST_INVALID: manifest file ${wrong}: profile is missing`);
    expect(expectFailure(build(['--manifest', dir]), 'PFSC_MANIFEST_INVALID')).toMatch(/manifest file is not a regular file/);
    const latin1 = join(dir, 'latin1.json');
    writeFileSync(latin1, Buffer.from('{"seed": "caf\xe9"}', 'latin1'));
    expect(expectFailure(build(['--manifest', latin1]), 'PFSC_MANIFEST_INVALID')).toMatch(/is not valid UTF-8/);
  });

  it.skipIf(process.getuid?.() === 0)('a manifest file that cannot be read', () => {
    const locked = join(dir, 'locked.json');
    writeFileSync(locked, readFileSync(manifestFile));
    chmodSync(locked, 0o000);
    expect(expectFailure(build(['--manifest', locked]), 'PFSC_MANIFEST_INVALID')).toMatch(/cannot read manifest file .*locked\.json: EACCES/);
  });

  it('a manifest with a bank parameter the plugin refuses, or with refs', () => {
    const m = JSON.parse(readFileSync(manifestFile, 'utf8')) as pfsc.Manifest;
    const badParam = join(dir, 'bad-param.json');
    writeFileSync(badParam, JSON.stringify({ ...m, banks: [...m.banks.slice(0, -1), { ...m.banks.at(-1)!, params: { ...SAW.params, step: 0 } }] }));
    expect(expectFailure(build(['--plugin', PLUGIN, '--manifest', badParam]), 'PFSC_MANIFEST_INVALID')).toMatch(
      new RegExp(`^PFSC_MANIFEST_INVALID: manifest file .*bad-param\\.json: banks\\[${m.banks.length - 1}\\]\\.params\\.step `),
    );
    const withRefs = join(dir, 'with-refs.json');
    writeFileSync(withRefs, JSON.stringify({ ...m, refs: [{ name: 'ref0', size: 3, sha256: 'ab'.repeat(32) }] }));
    const r = build(['--plugin', PLUGIN, '--manifest', withRefs]);
    expect(expectFailure(r, 'PFSC_MANIFEST_INVALID')).toMatch(/with-refs\.json lists 1 ref; a base manifest has none/);
    expect(r.stderr).toMatch(/^hint: .*--ref/m);
  });

  it('a manifest with the plugin\'s bank, without the plugin', () => {
    const unknown = /^PFSC_BANK_UNKNOWN: manifest file .*saw\.json: banks\[\d+\]\.kind "sawtooth" is not a known bank kind/;
    const r = build(['--manifest', manifestFile]);
    expect(expectFailure(r, 'PFSC_BANK_UNKNOWN')).toMatch(unknown);
    expect(r.stderr.split('\n')[1]).toMatch(/^hint: .*--plugin MODULE/);
    // A blueprint that names no plugin transform: replay and exec refuse the manifest the same way.
    const plain = join(dir, 'plain.pbb');
    expect(runCli(['build', input, '-o', plain, '-q'], { home }).status).toBe(0);
    const back = join(dir, 'plain.bin');
    const p = runCli(['replay', plain, '-o', back, '--manifest', manifestFile], { home });
    expect(expectFailure(p, 'PFSC_BANK_UNKNOWN')).toMatch(unknown);
    expect(existsSync(back)).toBe(false);
    expect(expectFailure(runCli(['exec', plain, '--prog', 'fnv', '--manifest', manifestFile], { home }), 'PFSC_BANK_UNKNOWN')).toMatch(unknown);
    for (const args of [['inspect', plain], ['blob', 'build']]) {
      expect(expectFailure(runCli([...args, '--manifest', manifestFile], { home }), 'PFSC_BANK_UNKNOWN')).toMatch(unknown);
    }
    noTemps();
  });
});

describe('no cost without the options', () => {
  it('the bundled command sets up the plugin loader and the manifest reader only on demand', () => {
    // dist/cli/main.cjs is one script (scripts/bundle-cli.js): each module's top level runs in
    // an init_<module>() the first time it is needed, and the two are needed only from the
    // dynamic imports behind --plugin and --manifest.
    const text = readFileSync(join(ROOT, 'dist', 'cli', 'main.cjs'), 'utf8');
    expect(text).toContain('exports no plugin');
    expect(text).toContain('Give --manifest a readable JSON file');
    for (const name of ['plugin_loader', 'manifest_file']) {
      const calls = [...text.matchAll(new RegExp(`init_${name}\\(\\)`, 'g'))].map((m) => m.index!);
      expect(calls.length, `init_${name}() is called somewhere`).toBeGreaterThan(0);
      for (const at of calls) {
        expect(text.slice(at - 40, at), `init_${name}() called outside a dynamic import`).toMatch(/Promise\.resolve\(\)\.then\(\(\) => \($/);
      }
    }
    // The user's module is imported at run time by URL, not bundled.
    expect(text).toMatch(/importUrl = \(url\) => importAtRunTime\(url\)/);
  });
});
