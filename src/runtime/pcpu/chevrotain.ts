/**
 * chevrotain, loaded from the single-file bundle its package ships (lib/chevrotain.mjs).
 * The package's main entry imports lodash-es as some 600 modules, which costs about 0.35 s
 * on every `pfsc exec`; the bundle is the same code in one file and loads in about 0.03 s.
 * When a chevrotain version no longer ships the bundle there, the main entry is used.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type * as Chevrotain from 'chevrotain';

async function load(): Promise<typeof Chevrotain> {
  try {
    // The main entry is lib/src/api.js; the bundle sits in lib/, beside src/.
    const main = createRequire(import.meta.url).resolve('chevrotain');
    return (await import(new URL('../chevrotain.mjs', pathToFileURL(main)).href)) as typeof Chevrotain;
  } catch {
    return await import('chevrotain');
  }
}

export const chevrotain = await load();
