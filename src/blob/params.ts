/**
 * Checks for bank parameters, shared by the built-in generators and open to plugins. Every
 * failure is a PFSC_MANIFEST_INVALID whose message starts with `params.<name>`; the manifest
 * validator puts `banks[i].` in front.
 */
import { PfscError } from '../errors.js';
import type { BankParams } from './types.js';

/** A short, one-line, printable rendering of a value for error messages. */
export function describeValue(value: unknown): string {
  let text: string;
  try {
    if (value === undefined) text = 'nothing';
    else if (typeof value === 'bigint') text = `${value}n`;
    else if (typeof value === 'number' && !Number.isFinite(value)) text = String(value);
    else text = JSON.stringify(value) ?? typeof value;
  } catch {
    text = Array.isArray(value) ? 'an array' : typeof value;
  }
  text = text.replace(/[^\x20-\x7e]/g, '?');
  return text.length > 48 ? `${text.slice(0, 45)}...` : text;
}

export function paramError(name: string, message: string, value?: unknown): PfscError {
  const got = arguments.length >= 3 ? ` (got ${describeValue(value)})` : '';
  return new PfscError('PFSC_MANIFEST_INVALID', `params.${name} ${message}${got}`);
}

/** Requires exactly the given parameter names: none missing, none unknown. */
export function expectParams(params: BankParams, kind: string, names: readonly string[]): void {
  for (const key of Object.keys(params)) {
    if (!names.includes(key)) {
      const known = names.length === 0 ? 'it takes no parameters' : `it takes ${names.join(', ')}`;
      throw new PfscError('PFSC_MANIFEST_INVALID', `params.${key} is not a parameter of kind ${kind}; ${known}`);
    }
  }
  for (const name of names) {
    if (!Object.prototype.hasOwnProperty.call(params, name)) {
      throw new PfscError('PFSC_MANIFEST_INVALID', `params.${name} is missing (kind ${kind} needs ${names.join(', ')})`);
    }
  }
}

/** An integer parameter in [min, max]. */
export function intParam(params: BankParams, name: string, min: number, max: number): number {
  const v = params[name];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
    throw paramError(name, `must be an integer from ${min} to ${max}`, v);
  }
  return v;
}

/** An integer parameter that must be one of the listed values. */
export function choiceParam(params: BankParams, name: string, choices: readonly number[]): number {
  const v = params[name];
  if (typeof v !== 'number' || !choices.includes(v)) {
    throw paramError(name, `must be one of ${choices.join(', ')}`, v);
  }
  return v;
}

/**
 * A list parameter written as a string of comma-separated numbers in canonical form (no
 * spaces, no leading zeros, no repeats), decimal or lowercase hex, e.g. "1,2,255" or "b8,b400".
 */
export function listParam(
  params: BankParams,
  name: string,
  opts: { radix: 10 | 16; min: number; max: number; maxCount: number },
): number[] {
  const v = params[name];
  const what = opts.radix === 10 ? 'decimal' : 'lowercase hex';
  const shape = `must be a string of 1 to ${opts.maxCount} comma-separated ${what} numbers from ${fmt(opts.min, opts.radix)} to ${fmt(opts.max, opts.radix)}, without spaces, leading zeros or repeats`;
  if (typeof v !== 'string' || v.length > opts.maxCount * 12) throw paramError(name, shape, v);
  const items = v.split(',');
  if (items.length < 1 || items.length > opts.maxCount) throw paramError(name, shape, v);
  const seen = new Set<number>();
  const out: number[] = [];
  const re = opts.radix === 10 ? /^(0|[1-9][0-9]{0,15})$/ : /^(0|[1-9a-f][0-9a-f]{0,12})$/;
  for (const item of items) {
    if (!re.test(item)) throw paramError(name, shape, v);
    const n = Number.parseInt(item, opts.radix);
    if (!Number.isSafeInteger(n) || n < opts.min || n > opts.max || seen.has(n)) throw paramError(name, shape, v);
    seen.add(n);
    out.push(n);
  }
  return out;
}

function fmt(n: number, radix: 10 | 16): string {
  return n.toString(radix);
}

/** Fills out[filled..] by repeating out[0..filled) (a cycle of that length). */
export function repeatCycle(out: Uint8Array, filled: number): void {
  if (filled <= 0) return;
  let have = filled;
  while (have < out.length) {
    const n = Math.min(have, out.length - have);
    out.copyWithin(have, 0, n);
    have += n;
  }
}
