import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, makeTemp, ROOT, runCli } from './harness.js';

const dir = makeTemp('bin');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bin/pfsc.js', () => {
  it('is CommonJS, so that no ES module loader starts before the command runs', () => {
    const scope = JSON.parse(readFileSync(join(dirname(BIN), 'package.json'), 'utf8')) as { type?: string };
    expect(scope.type).toBe('commonjs');
    const r = spawnSync(process.execPath, ['--input-type=commonjs', '-e', `
      process.argv = [process.execPath, ${JSON.stringify(BIN)}, '--version'];
      process.on('exit', () => { process.stderr.write(process.moduleLoadList.filter((m) => /NativeModule child_process$/.test(m)).join(',')); });
      require(${JSON.stringify(BIN)});`], { encoding: 'utf8', env: { ...process.env, PFSC_CODE_CACHE: '0' } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    // Nor is the module that only spawning a process needs (commander's, xz's); node:net, which
    // it pulls in, loads anyway when standard output is a pipe, as here.
    expect(r.stderr).toBe('');
  });

  it('is executable and starts with a node shebang', () => {
    expect(statSync(BIN).mode & 0o111).not.toBe(0);
    const r = spawnSync('head', ['-1', BIN], { encoding: 'utf8' });
    expect(r.stdout.trim()).toBe('#!/usr/bin/env node');
  });

  it('says to run npm install when dist is missing, and exits 1', () => {
    mkdirSync(join(dir, 'bin'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'pfsc', type: 'module' }));
    copyFileSync(BIN, join(dir, 'bin', 'pfsc.js'));
    copyFileSync(join(dirname(BIN), 'package.json'), join(dir, 'bin', 'package.json'));
    const r = spawnSync(process.execPath, [join(dir, 'bin', 'pfsc.js'), '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('npm install');
    expect(r.stderr).toContain('npm run build');
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stdout).toBe('');
  });

  describe('the code cache', () => {
    const cacheFiles = (home: string): string[] =>
      existsSync(join(home, 'code-cache')) ? readdirSync(join(home, 'code-cache')).filter((f) => f.endsWith('.v8')) : [];

    it('is written by the first run into the cache folder, then used; a damaged one is replaced', () => {
      const home = join(dir, 'cc-home');
      // No cache folder yet: nothing is written, and no folder is left behind.
      expect(runCli(['--version'], { home }).status).toBe(0);
      expect(existsSync(home)).toBe(false);
      mkdirSync(home);
      const first = runCli(['--version'], { home });
      expect(first.status, first.stderr).toBe(0);
      const files = cacheFiles(home);
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(new RegExp(`^cli-[0-9a-f]{32}-${process.version.replace(/\./g, '\\.')}-${process.arch}\\.v8$`));
      const file = join(home, 'code-cache', files[0]!);
      const written = readFileSync(file);
      expect(written.length).toBeGreaterThan(1000);
      // Used, not rewritten: the same bytes after a second run.
      const again = runCli(['--version'], { home });
      expect(again.stdout).toBe(first.stdout);
      expect(Buffer.compare(readFileSync(file), written)).toBe(0);
      // Garbage in the file: V8 refuses it, the command still works and writes a good one.
      writeFileSync(file, Buffer.alloc(written.length, 0x5a));
      const damaged = runCli(['--version'], { home });
      expect(damaged.status, damaged.stderr).toBe(0);
      expect(damaged.stdout).toBe(first.stdout);
      expect(damaged.stderr).toBe('');
      expect(readFileSync(file).equals(Buffer.alloc(written.length, 0x5a))).toBe(false);
      // A file far larger than any cache is not read (it would not be one), and is replaced.
      writeFileSync(file, Buffer.alloc(12 * 1024 * 1024 + written.length * 2));
      const huge = runCli(['--version'], { home });
      expect(huge.status, huge.stderr).toBe(0);
      expect(huge.stdout).toBe(first.stdout);
      expect(statSync(file).size).toBeLessThan(12 * 1024 * 1024);
      // build, replay and exec keep caches of their own, beside the other commands' one.
      writeFileSync(join(home, 'small.txt'), 'a small input, built for its cache file\n');
      const built = runCli(['build', join(home, 'small.txt'), '-q'], { home });
      expect(built.status, built.stderr).toBe(0);
      const own = cacheFiles(home).filter((f) => f.startsWith('cli-build-'));
      expect(own).toHaveLength(1);
      expect(own[0]).toMatch(new RegExp(`^cli-build-[0-9a-f]{32}-${process.version.replace(/\./g, '\\.')}-${process.arch}\\.v8$`));
      expect(cacheFiles(home).filter((f) => /^cli-[0-9a-f]{32}-/.test(f))).toEqual(files);
      // A cache of another script version is removed when a new one is written.
      const stale = join(home, 'code-cache', `cli-${'0'.repeat(32)}-v0.0.0-${process.arch}.v8`);
      writeFileSync(stale, 'old');
      rmSync(file);
      expect(runCli(['--version'], { home }).status).toBe(0);
      expect(existsSync(stale)).toBe(false);
      expect(cacheFiles(home).filter((f) => /^cli-[0-9a-f]{32}-/.test(f))).toEqual(files);
      expect(cacheFiles(home).filter((f) => f.startsWith('cli-build-'))).toEqual(own);
    });

    it('covers the lmdb script too, loaded only by commands that open the cache', () => {
      const home = join(dir, 'cc-lmdb');
      mkdirSync(home);
      // --version opens no cache: no lmdb script is run, so no cache of it is written.
      expect(runCli(['--version'], { home }).status).toBe(0);
      expect(cacheFiles(home).filter((f) => f.startsWith('lmdb-'))).toEqual([]);
      const info = runCli(['blob', 'info'], { home });
      expect(info.status, info.stderr).toBe(0);
      const lmdbCaches = cacheFiles(home).filter((f) => f.startsWith('lmdb-'));
      expect(lmdbCaches).toHaveLength(1);
      expect(lmdbCaches[0]).toMatch(new RegExp(`^lmdb-[0-9a-f]{32}-${process.version.replace(/\./g, '\\.')}-${process.arch}\\.v8$`));
      const file = join(home, 'code-cache', lmdbCaches[0]!);
      const written = readFileSync(file);
      // Used, not rewritten; damaged, replaced, and the command works all the same.
      const again = runCli(['blob', 'info'], { home });
      expect(again.stdout).toBe(info.stdout);
      expect(Buffer.compare(readFileSync(file), written)).toBe(0);
      writeFileSync(file, Buffer.alloc(written.length, 0x33));
      const damaged = runCli(['blob', 'info'], { home });
      expect(damaged.status, damaged.stderr).toBe(0);
      expect(damaged.stdout).toBe(info.stdout);
      expect(readFileSync(file).equals(Buffer.alloc(written.length, 0x33))).toBe(false);
      // The command's own cache is still the one file of its name.
      expect(cacheFiles(home).filter((f) => f.startsWith('cli-'))).toHaveLength(1);
    });

    it('falls back to the lmdb package when dist/cli/lmdb.cjs is not there', () => {
      const tree = join(dir, 'no-lmdb-script');
      mkdirSync(join(tree, 'bin'), { recursive: true });
      mkdirSync(join(tree, 'dist', 'cli'), { recursive: true });
      copyFileSync(join(ROOT, 'package.json'), join(tree, 'package.json'));
      copyFileSync(BIN, join(tree, 'bin', 'pfsc.js'));
      copyFileSync(join(dirname(BIN), 'package.json'), join(tree, 'bin', 'package.json'));
      copyFileSync(join(ROOT, 'dist', 'cli', 'main.cjs'), join(tree, 'dist', 'cli', 'main.cjs'));
      symlinkSync(join(ROOT, 'node_modules'), join(tree, 'node_modules'));
      symlinkSync(join(ROOT, 'native'), join(tree, 'native'));
      symlinkSync(join(ROOT, 'src'), join(tree, 'src')); // the profile's bank files
      const home = join(dir, 'no-lmdb-home');
      const r = spawnSync(process.execPath, [join(tree, 'bin', 'pfsc.js'), 'blob', 'info'], { encoding: 'utf8', env: { ...process.env, PFSC_HOME: home } });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain('Blob_ID');
      expect(existsSync(join(home, 'catalog.lmdb'))).toBe(true);
    });

    it('is neither read nor written with PFSC_CODE_CACHE=0, and a folder it cannot write costs nothing but the cache', () => {
      const home = join(dir, 'cc-off');
      const r = runCli(['--version'], { home, env: { PFSC_CODE_CACHE: '0' } });
      expect(r.status, r.stderr).toBe(0);
      expect(cacheFiles(home)).toEqual([]);
      mkdirSync(home);
      expect(runCli(['--version'], { home, env: { PFSC_CODE_CACHE: '0' } }).status).toBe(0);
      expect(cacheFiles(home)).toEqual([]);
      // The cache folder's place is taken by a file: nothing can be written there.
      mkdirSync(join(dir, 'cc-blocked'));
      writeFileSync(join(dir, 'cc-blocked', 'code-cache'), 'not a folder');
      const blocked = runCli(['--version'], { home: join(dir, 'cc-blocked') });
      expect(blocked.status, blocked.stderr).toBe(0);
      expect(blocked.stderr).toBe('');
      expect(blocked.stdout).toBe(r.stdout);
    });
  });
});
