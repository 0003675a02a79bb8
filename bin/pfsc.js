#!/usr/bin/env node
// The pfsc command. The program itself is compiled from src/ into dist/ and bundled into
// dist/cli/ (scripts/bundle-cli.js) by `npm install` (the prepare script) or `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/main.js', import.meta.url);

if (!existsSync(fileURLToPath(entry))) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  process.stderr.write(
    `pfsc: cannot start: ${fileURLToPath(entry)} is missing, so pfsc has not been built.\n` +
      `hint: run \`npm install\` (or \`npm run build\`) in ${root}, then try again.\n`,
  );
  process.exit(1);
}

const { main } = await import(entry.href);
await main(process.argv);
