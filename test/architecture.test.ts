/** The dependency rules of docs/ARCHITECTURE.md, checked on the sources. */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(p));
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** Project-relative paths of what a file imports (relative specifiers only) and its bare imports. */
function imports(file: string): { local: string[]; bare: string[] } {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const specs = [...text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2]);
  const local = specs.filter((s) => s.startsWith('.')).map((s) => relative(ROOT, resolve(dirname(join(ROOT, file)), s)));
  const bare = specs.filter((s) => !s.startsWith('.'));
  return { local, bare };
}

describe('dependency rules', () => {
  it('src/format imports nothing from src but errors.ts', () => {
    for (const f of sources('src/format')) {
      for (const dep of imports(f).local) {
        expect(dep.startsWith('src/format/') || dep === 'src/errors.js', `${f} imports ${dep}`).toBe(true);
      }
    }
  });

  it('src/runtime never imports the planner or the compiler', () => {
    for (const f of sources('src/runtime')) {
      for (const dep of imports(f).local) {
        const ok =
          dep.startsWith('src/runtime/') ||
          dep.startsWith('src/format/') ||
          dep.startsWith('src/engine/') ||
          dep === 'src/errors.js' ||
          dep === 'src/blob/types.js' ||
          dep === 'src/io/cleanup.js'; // a leaf with no project imports
        expect(ok, `${f} imports ${dep}`).toBe(true);
      }
    }
  });

  it('src/engine imports only itself and errors.ts', () => {
    for (const f of sources('src/engine')) {
      for (const dep of imports(f).local) {
        expect(dep.startsWith('src/engine/') || dep === 'src/errors.js', `${f} imports ${dep}`).toBe(true);
      }
    }
  });

  it('src/io/cleanup.ts imports nothing from the project', () => {
    expect(imports('src/io/cleanup.ts').local).toEqual([]);
  });

  it('plugins import only the package entry point, Node and their own files', () => {
    const plugins = readdirSync(join(ROOT, 'plugins'));
    expect(plugins.length).toBeGreaterThan(1);
    for (const name of plugins) {
      for (const f of sources(join('plugins', name))) {
        const { local, bare } = imports(f);
        for (const dep of local) expect(dep.startsWith(join('plugins', name) + '/'), `${f} imports ${dep}`).toBe(true);
        for (const b of bare) expect(b === 'pfsc' || b.startsWith('node:'), `${f} imports ${b}`).toBe(true);
      }
    }
  });

  it('src reaches plugins/ only through src/default-plugins.ts', () => {
    for (const f of sources('src')) {
      if (f === join('src', 'default-plugins.ts')) continue;
      for (const dep of imports(f).local) expect(dep.startsWith('plugins/'), `${f} imports ${dep}`).toBe(false);
    }
  });

  it('the rules are checked on real files', () => {
    expect(sources('src/format').length).toBeGreaterThan(3);
    expect(sources('src/runtime').length).toBeGreaterThan(3);
    expect(imports('src/runtime/replay.ts').local.length).toBeGreaterThan(0);
  });
});
