import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, makeTemp } from './harness.js';

const dir = makeTemp('bin');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bin/pfsc.js', () => {
  it('is executable and starts with a node shebang', () => {
    expect(statSync(BIN).mode & 0o111).not.toBe(0);
    const r = spawnSync('head', ['-1', BIN], { encoding: 'utf8' });
    expect(r.stdout.trim()).toBe('#!/usr/bin/env node');
  });

  it('says to run npm install when dist is missing, and exits 1', () => {
    mkdirSync(join(dir, 'bin'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'pfsc', type: 'module' }));
    copyFileSync(BIN, join(dir, 'bin', 'pfsc.js'));
    const r = spawnSync(process.execPath, [join(dir, 'bin', 'pfsc.js'), '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('npm install');
    expect(r.stderr).toContain('npm run build');
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stdout).toBe('');
  });
});
