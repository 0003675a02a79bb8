/**
 * lmdb, loaded when a cache is first opened: a replay that copies only from refs never opens
 * one, and starts faster without it. The command's bundle (scripts/bundle-cli.js) replaces
 * this module with one that runs dist/cli/lmdb.cjs, lmdb's JavaScript bundled apart with a
 * code cache of its own (its native part stays in node_modules).
 */
import { createRequire } from 'node:module';

const requireCjs = createRequire(import.meta.url);

export function loadLmdb(): typeof import('lmdb') {
  return requireCjs('lmdb') as typeof import('lmdb');
}
