/**
 * The programmatic API: build, replay, exec, inspect, blob info and blob build, one module each so
 * a program (or the CLI) that only replays never loads the compiler.
 */
export { build } from './api/build.js';
export { replay } from './api/replay.js';
export { exec } from './api/exec.js';
export { inspect } from './api/inspect.js';
export { blobInfo, blobBuild } from './api/blob.js';
