import type { BankGenerator } from '../blob/types.js';
import type { TransformDefinition } from '../runtime/plugin-transforms.js';
import type { Compiler } from './compiler.js';

/**
 * A plugin: a name and one apply(compiler) that taps hooks. Built-in stages are plugins too.
 * A plugin may also bring bank generators and transforms; those are what the replaying side
 * needs as well, so replay(), exec() and inspect() take the same plugins and use only them.
 */
export interface PfscPlugin {
  readonly name: string;
  apply(compiler: Compiler): void;
  /** Bank kinds it adds (registered before the snapshot stage, and on the replaying side). */
  readonly banks?: readonly BankGenerator[];
  /** Transforms it adds: declared in every blueprint built with it, needed to replay them. */
  readonly transforms?: readonly TransformDefinition[];
}
