/** Ctrl-C during a build or a replay leaves neither the output nor a temporary file. */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, makeTemp, pseudoRandom } from './harness.js';

const dir = makeTemp('interrupt');
const home = join(dir, 'home');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const temps = (d: string) => readdirSync(d).filter((f) => f.includes('tmp'));

/** Starts pfsc, waits until a temporary file shows in `watch`, sends SIGINT, returns the exit code. */
function interruptOnceWriting(args: string[], watch: string): Promise<{ code: number | null; sawTemp: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, PFSC_HOME: home }, stdio: 'ignore' });
    let sawTemp = false;
    const timer = setInterval(() => {
      if (temps(watch).length > 0) {
        sawTemp = true;
        clearInterval(timer);
        child.kill('SIGINT');
      }
    }, 5);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(timer);
      resolve({ code, sawTemp });
    });
  });
}

describe('interrupting', () => {
  it('a build removes its spool and writes no output', async () => {
    const input = join(dir, 'noise.bin');
    writeFileSync(input, pseudoRandom(24 << 20)); // slow to plan and code: time to interrupt
    const out = join(dir, 'noise.pbb');
    const r = await interruptOnceWriting(['build', input, '-o', out, '-q'], dir);
    expect(r.sawTemp).toBe(true);
    expect(r.code).toBe(130);
    expect(existsSync(out)).toBe(false);
    expect(temps(dir)).toEqual([]);
  });
});
