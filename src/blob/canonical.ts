/**
 * Canonical JSON: the one byte string a manifest hashes to, the same on every machine.
 * Keys sorted by code unit (manifest keys are ASCII, so this is byte order), no whitespace,
 * integers only, strings as JSON strings. docs/MANIFEST.md ("Canonical form") is normative.
 */
import { PfscError } from '../errors.js';

export type CanonicalValue =
  | string
  | number
  | boolean
  | readonly CanonicalValue[]
  | { readonly [key: string]: CanonicalValue };

/** Serializes a value canonically; throws PFSC_INTERNAL on a value with no canonical form. */
export function canonicalJson(value: CanonicalValue): string {
  const parts: string[] = [];
  write(value, parts);
  return parts.join('');
}

function write(value: CanonicalValue, out: string[]): void {
  if (typeof value === 'string') {
    out.push(JSON.stringify(value));
  } else if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw new PfscError('PFSC_INTERNAL', `canonical JSON holds integers only, got ${String(value)}`);
    }
    // -0 prints as "0", like every other JSON writer.
    out.push(String(value));
  } else if (typeof value === 'boolean') {
    out.push(value ? 'true' : 'false');
  } else if (Array.isArray(value)) {
    out.push('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.push(',');
      write(value[i] as CanonicalValue, out);
    }
    out.push(']');
  } else if (typeof value === 'object' && value !== null) {
    const obj = value as { readonly [key: string]: CanonicalValue };
    const keys = Object.keys(obj).sort();
    out.push('{');
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      if (i > 0) out.push(',');
      out.push(JSON.stringify(key), ':');
      write(obj[key] as CanonicalValue, out);
    }
    out.push('}');
  } else {
    throw new PfscError('PFSC_INTERNAL', `canonical JSON cannot hold a ${typeof value}`);
  }
}
