/**
 * The library entry points the commands call. The CLI loads this module lazily (see
 * load-api.ts) so that --help and usage errors work without loading the compiler.
 */
export { build, replay, inspect, blobInfo, blobBuild } from '../index.js';
