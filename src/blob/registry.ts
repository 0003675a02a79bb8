/**
 * The bank registry: which generator makes which bank kind. defaultRegistry() holds the
 * built-in kinds; a plugin registers more on the registry it is given.
 */
import { PfscError } from '../errors.js';
import type { BankGenerator } from './types.js';
import { constGenerator } from './generators/const.js';
import { rampGenerator } from './generators/ramp.js';
import { grayGenerator } from './generators/gray.js';
import { lfsrGenerator } from './generators/lfsr.js';
import { debruijnGenerator } from './generators/debruijn.js';
import { randomGenerator } from './generators/random.js';
import { refGenerator } from './generators/ref.js';
import { bankGenerator } from './generators/bank.js';

/** Bank kind names: a lowercase letter, then lowercase letters, digits, '-' or '_'; at most 32. */
export const KIND_PATTERN = /^[a-z][a-z0-9_-]{0,31}$/;

const CONTENT_KINDS = new Set(['palette', 'tiles', 'random', 'ref', 'code', 'text', 'data']);

export const BUILTIN_GENERATORS: readonly BankGenerator[] = Object.freeze([
  constGenerator,
  rampGenerator,
  grayGenerator,
  lfsrGenerator,
  debruijnGenerator,
  randomGenerator,
  refGenerator,
  bankGenerator,
]);

export class BankRegistry {
  private readonly generators = new Map<string, BankGenerator>();

  /** Adds a generator; its kind must be new to this registry. Returns the registry. */
  register(gen: BankGenerator): this {
    const kind: unknown = gen?.kind;
    if (typeof kind !== 'string' || !KIND_PATTERN.test(kind)) {
      throw new PfscError('PFSC_PLUGIN', `bank generator kind ${JSON.stringify(kind)} is not a valid kind name (${KIND_PATTERN.source})`);
    }
    if (!Number.isSafeInteger(gen.version) || gen.version < 1) {
      throw new PfscError('PFSC_PLUGIN', `bank generator ${kind} has version ${String(gen.version)}; it must be a positive integer`);
    }
    if (!CONTENT_KINDS.has(gen.contentKind)) {
      throw new PfscError('PFSC_PLUGIN', `bank generator ${kind} has contentKind ${String(gen.contentKind)}; it must be one of ${[...CONTENT_KINDS].join(', ')}`);
    }
    if (typeof gen.validate !== 'function' || typeof gen.generate !== 'function') {
      throw new PfscError('PFSC_PLUGIN', `bank generator ${kind} must have validate() and generate()`);
    }
    if (this.generators.has(kind)) {
      throw new PfscError('PFSC_PLUGIN', `bank kind ${kind} is already registered`);
    }
    this.generators.set(kind, gen);
    return this;
  }

  has(kind: string): boolean {
    return this.generators.has(kind);
  }

  /** The generator of a kind; throws PFSC_BANK_UNKNOWN naming the known kinds. */
  get(kind: string): BankGenerator {
    const gen = this.generators.get(kind);
    if (gen === undefined) {
      throw new PfscError('PFSC_BANK_UNKNOWN', `unknown bank kind ${JSON.stringify(kind)}; known kinds: ${this.kinds().join(', ')}`);
    }
    return gen;
  }

  /** Registered kinds, in registration order. */
  kinds(): string[] {
    return [...this.generators.keys()];
  }
}

/** A new registry holding the built-in kinds (a fresh one each call, so plugins don't leak). */
export function defaultRegistry(): BankRegistry {
  const reg = new BankRegistry();
  for (const gen of BUILTIN_GENERATORS) reg.register(gen);
  return reg;
}
