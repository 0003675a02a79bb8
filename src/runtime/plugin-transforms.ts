/**
 * Transforms that plugins add (docs/PLUGINS.md): a named rewrite of copied bytes with a
 * fixed number of immediate bytes per segment. A blueprint's header declares the ones its
 * blocks may use, by name, and its segments use them as op OP_TRANSFORM + index; the side
 * that replays must have a definition of each name, or it refuses (PFSC_UNSUPPORTED).
 */
import { PfscError } from '../errors.js';
import { checkTransforms } from '../format/header.js';
import type { TransformDecl } from '../format/types.js';

export interface TransformDefinition {
  /** 1 to 64 characters of a-z 0-9 . _ / -, starting with a letter or digit; recorded in blueprints. */
  readonly name: string;
  /** Immediate bytes each segment carries, 0 to 8. */
  readonly immCount: number;
  /**
   * Rewrites buf[start, end) in place from the copy's source bytes to its output bytes,
   * under the segment's immediate bytes. It must be a pure function of those bytes and
   * `imm`: the same on every machine, and the same on the building and the replaying side.
   */
  apply(buf: Uint8Array, start: number, end: number, imm: Uint8Array): void;
}

/** The transforms a build may use, in registration order (op OP_TRANSFORM + index). */
export class TransformRegistry {
  private readonly list: TransformDefinition[] = [];

  /** Adds a definition; its name must be new here and well formed (PFSC_PLUGIN otherwise). */
  register(def: TransformDefinition): this {
    const candidate = [...this.decls(), { name: def?.name, immCount: def?.immCount }];
    checkTransforms(candidate as TransformDecl[], (msg) => {
      throw new PfscError('PFSC_PLUGIN', `cannot register transform: ${msg}`);
    });
    if (typeof def.apply !== 'function') throw new PfscError('PFSC_PLUGIN', `transform ${def.name} has no apply()`);
    this.list.push(def);
    return this;
  }

  /** Registered definitions, in order. */
  definitions(): readonly TransformDefinition[] {
    return this.list;
  }

  /** What a header declares for them. */
  decls(): TransformDecl[] {
    return this.list.map((d) => ({ name: d.name, immCount: d.immCount }));
  }

  /** The definition of each transform a header declares, in its order; PFSC_UNSUPPORTED naming any missing. */
  resolve(decls: readonly TransformDecl[]): TransformDefinition[] {
    return decls.map((d) => {
      const def = this.list.find((t) => t.name === d.name);
      if (def === undefined) {
        throw new PfscError('PFSC_UNSUPPORTED', `the blueprint uses transform ${d.name}, which no loaded plugin provides`, {
          hint: 'Replay with the plugin that provides this transform (the one the build used): --plugin MODULE on the command line, plugins in the API.',
        });
      }
      if (def.immCount !== d.immCount) {
        throw new PfscError('PFSC_UNSUPPORTED', `the blueprint's transform ${d.name} takes ${d.immCount} immediate bytes, the loaded one ${def.immCount}`, {
          hint: 'Replay with the same version of the plugin the build used.',
        });
      }
      return def;
    });
  }
}
