/**
 * lmdb, loaded when a cache is first opened: a replay that copies only from refs never opens
 * one, and starts faster without it. The command's bundle (scripts/bundle-cli.js) replaces
 * this module with one that loads a copy of lmdb's JavaScript bundled into the script (its
 * native part stays in node_modules), which the script's code cache then covers.
 */
import { createRequire } from 'node:module';

const requireCjs = createRequire(import.meta.url);

export function loadLmdb(): typeof import('lmdb') {
  return requireCjs('lmdb') as typeof import('lmdb');
}
