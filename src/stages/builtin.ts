/** The built-in plugins, one per stage, in the order they are applied. */
import type { PfscPlugin } from '../compiler/types.js';
import { EmitFilePlugin } from './emit-file.js';
import { IndexPlugin } from './index.js';
import { PackPlugin } from './pack.js';
import { PlanPlugin } from './plan.js';
import { SnapshotPlugin } from './snapshot.js';
import { SniffPlugin } from './sniff.js';

export function builtinPlugins(): PfscPlugin[] {
  return [new SnapshotPlugin(), new IndexPlugin(), new SniffPlugin(), new PlanPlugin(), new PackPlugin(), new EmitFilePlugin()];
}
