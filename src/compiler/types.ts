import type { Compiler } from './compiler.js';

/** A plugin: a name and one apply(compiler) that taps hooks. Built-in stages are plugins too. */
export interface PfscPlugin {
  readonly name: string;
  apply(compiler: Compiler): void;
}
