/**
 * What a receiving side (replay, exec, inspect) takes from plugins: their bank kinds and
 * transforms, in registries it then uses, and the header's transforms resolved against them.
 */
import { defaultRegistry, type BankRegistry } from '../blob/registry.js';
import type { PfscPlugin } from '../compiler/types.js';
import type { PbbHeader } from '../format/types.js';
import { TransformRegistry, type TransformDefinition } from '../runtime/plugin-transforms.js';

export interface Extensions {
  registry: BankRegistry;
  transforms: TransformRegistry;
}

export function extensionsOf(plugins: readonly PfscPlugin[] = []): Extensions {
  const registry = defaultRegistry();
  const transforms = new TransformRegistry();
  for (const p of plugins) {
    for (const g of p.banks ?? []) registry.register(g);
    for (const t of p.transforms ?? []) transforms.register(t);
  }
  return { registry, transforms };
}

/** The definitions the header's transforms need; PFSC_UNSUPPORTED naming one no plugin provides. */
export function headerTransforms(header: PbbHeader, ext: Extensions): TransformDefinition[] {
  return ext.transforms.resolve(header.transforms);
}
