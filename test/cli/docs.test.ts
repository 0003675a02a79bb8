import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors.js';
import { createProgram } from '../../src/cli/main.js';
import { ROOT } from './harness.js';

const errorsMd = readFileSync(join(ROOT, 'docs', 'ERRORS.md'), 'utf8');
const cliMd = readFileSync(join(ROOT, 'docs', 'CLI.md'), 'utf8');

describe('docs/ERRORS.md', () => {
  const documented = [...errorsMd.matchAll(/^## (PFSC_[A-Z0-9_]+)\s*$/gm)].map((m) => m[1]);

  it('documents every code in ERROR_CODES', () => {
    for (const code of Object.keys(ERROR_CODES)) expect(documented, `${code} has no section`).toContain(code);
  });
  it('documents no code that ERROR_CODES lacks, and none twice', () => {
    for (const code of documented) expect(Object.keys(ERROR_CODES), `${code} is not in ERROR_CODES`).toContain(code);
    expect(new Set(documented).size).toBe(documented.length);
  });
  it('mentions no other PFSC_ code anywhere', () => {
    const envVars = new Set(['PFSC_HOME', 'PFSC_DEBUG', 'PFSC_NO_NATIVE']);
    for (const m of errorsMd.matchAll(/\bPFSC_[A-Z0-9_]+\b/g)) {
      if (!envVars.has(m[0])) expect(Object.keys(ERROR_CODES), `${m[0]}`).toContain(m[0]);
    }
  });
  it('gives every code its meaning, causes, what to do, and exit code', () => {
    const sections = errorsMd.split(/^## /m).slice(1);
    for (const s of sections) {
      const code = s.split('\n')[0]?.trim() ?? '';
      if (!code.startsWith('PFSC_')) continue;
      expect(s, code).toMatch(/\*\*Meaning\.\*\*/);
      expect(s, code).toMatch(/\*\*Typical causes\.\*\*/);
      expect(s, code).toMatch(/\*\*What to do\.\*\*/);
      expect(s, code).toMatch(/\*\*Exit code\.\*\* (1|2|70)\b/);
    }
  });
});

describe('docs/CLI.md', () => {
  const program = createProgram({ io: { stdout: { write: () => true }, stderr: { write: () => true }, env: {} }, state: { verbose: false } });
  const leaves: [string, Command][] = [];
  const walk = (cmd: Command, path: string): void => {
    if (cmd.commands.length === 0) leaves.push([path, cmd]);
    for (const sub of cmd.commands) walk(sub, `${path} ${sub.name()}`);
  };
  walk(program, 'pfsc');

  it('has a section for every command', () => {
    expect(leaves.map(([p]) => p).sort()).toEqual(['pfsc bank train', 'pfsc blob build', 'pfsc blob info', 'pfsc build', 'pfsc doctor', 'pfsc exec', 'pfsc inspect', 'pfsc replay']);
    for (const [path] of leaves) expect(cliMd, path).toMatch(new RegExp(`^## \`${path}`, 'm'));
  });
  it('documents every option of every command', () => {
    for (const [path, cmd] of leaves) {
      const section = cliMd.split(/^## /m).find((s) => s.startsWith(`\`${path}`)) ?? '';
      expect(cmd.options.length, path).toBeGreaterThan(2);
      for (const opt of cmd.options) {
        expect(section, `${path} ${opt.flags}`).toContain(`\`${opt.long ?? opt.short}`);
      }
    }
  });
  it('lists the exit codes and environment variables', () => {
    for (const v of ['PFSC_HOME', 'PFSC_DEBUG', 'PFSC_NO_NATIVE', 'PFSC_CODE_CACHE']) expect(cliMd).toContain(v);
    for (const code of ['| 0 ', '| 1 ', '| 2 ', '| 70 ']) expect(cliMd).toContain(code);
  });
});
