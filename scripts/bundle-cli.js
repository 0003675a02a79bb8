#!/usr/bin/env node
// Bundles the pfsc command (dist/src/cli/main.js, compiled by tsc) into dist/cli/: a few
// chunks instead of about a hundred modules. Node 20 has no compile cache, and resolving,
// reading and linking each ES module costs: bundled, `pfsc build` of a 9 MB pair started
// about 80 ms sooner (median of 9 runs, 564 against 644 ms) and `pfsc replay` 20-30 ms.
// Entry points the CLI loads on demand (the API per command, the bank language, the pCPU
// worker) stay separate chunks, so each command still loads only what it runs. Packages in
// node_modules are left as imports, but for commander: every command loads it, and Node
// loaded it as a CommonJS package through the ES module loader in about 20 ms; bundled, the
// import of main.js took 30 instead of 45 ms. The library (dist/src/index.js) is not bundled: plugins
// and programs import it as tsc wrote it.
//
//   node scripts/bundle-cli.js      (npm run build runs it after tsc)
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'dist', 'cli');
const entries = {
  main: path.join(ROOT, 'dist', 'src', 'cli', 'main.js'),
  // parallel-lanes.ts starts workers from new URL('./worker.js', import.meta.url).
  worker: path.join(ROOT, 'dist', 'src', 'runtime', 'pcpu', 'worker.js'),
};
for (const [name, file] of Object.entries(entries)) {
  if (!existsSync(file)) {
    console.error(`bundle-cli: ${path.relative(ROOT, file)} (${name}) is missing; run tsc first (npm run build)`);
    process.exit(1);
  }
}
rmSync(OUT, { recursive: true, force: true });
const bundle = await rolldown({
  input: entries,
  // The default plugins (plugins/) import the package by its name, as third-party plugins
  // do: inside the command that is the bundle itself, not a second copy of the library.
  resolve: { alias: { pfsc: path.join(ROOT, 'dist', 'src', 'index.js') } },
  // Other bare specifiers are packages (node_modules) or Node's own modules: left as imports
  // (commander aside, see above).
  external: (id) => id !== 'pfsc' && id !== 'commander' && !id.startsWith('.') && !path.isAbsolute(id),
  // pfsc's own modules do nothing when imported but define things, so a chunk that uses none
  // of a module's exports need not load it. Without this, the default plugins' import of the
  // library entry point ('pfsc') pulled every module it re-exports into each build, the
  // pCPU parser and chevrotain (0.35 MB) among them.
  treeshake: { moduleSideEffects: (id, external) => external || !id.startsWith(path.join(ROOT, 'dist') + path.sep) },
  platform: 'node',
  logLevel: 'warn',
});
await bundle.write({ dir: OUT, format: 'esm', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js', sourcemap: true });
await bundle.close();
