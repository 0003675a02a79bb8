/**
 * The one place that turns an error into what the user reads on standard error and the
 * exit code. User errors print two lines and no stack:
 *
 *     PFSC_INPUT_NOT_FOUND: input file not found: app.bin
 *     hint: Check the path; pass - to read standard input.
 *
 * plus `  in plugin X (hook Y, stage Z)` when the error says where it arose (Rollup prints
 * plugin errors the same way). Internal errors add a request to report them, and the stack
 * when PFSC_DEBUG=1 or --verbose is given. A user error's stack is printed only with
 * PFSC_DEBUG=1: --verbose asks for more about the work, not for pfsc's insides.
 */
import { ERROR_CODES, type ErrorCode } from '../errors.js';

/** Exit codes of the pfsc command. */
export const EXIT_OK = 0;
/** The user asked for something that cannot be done: missing file, damaged blueprint, wrong blob. */
export const EXIT_USER = 1;
/** The command line itself is wrong: unknown option, missing argument, a --prog that does not parse. */
export const EXIT_USAGE = 2;
/** A bug in pfsc (EX_SOFTWARE from sysexits.h). */
export const EXIT_INTERNAL = 70;

export interface ReportOptions {
  /** --verbose (or PFSC_DEBUG=1): print an internal error's stack and causes. */
  verbose?: boolean;
  /** PFSC_DEBUG=1: print every error's stack and causes, user errors included. */
  debug?: boolean;
}

export interface ErrorReport {
  /** Text for standard error, ending in a newline. */
  text: string;
  exitCode: number;
}

/** What the printer needs of an error: a PfscError, or anything shaped like one. */
interface CodedError {
  code: ErrorCode;
  message: string;
  hint: string;
  stage?: string;
  plugin?: string;
  hook?: string;
  cause?: unknown;
  stack?: string;
}

/** System error codes that mean the output could not be written, not a bug. */
const OUTPUT_ERRNOS = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EFBIG']);

function isKnownCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(ERROR_CODES, code);
}

/**
 * Reads a PfscError by shape rather than by class, so an error thrown by a second copy of the
 * library (a plugin with its own node_modules) is still printed as a user error.
 */
export function asCodedError(e: unknown): CodedError | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const o = e as Record<string, unknown>;
  if (!isKnownCode(o.code) || typeof o.message !== 'string') return undefined;
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  return {
    code: o.code,
    message: o.message,
    hint: str(o.hint) ?? ERROR_CODES[o.code],
    stage: str(o.stage),
    plugin: str(o.plugin),
    hook: str(o.hook),
    cause: o.cause,
    stack: str(o.stack),
  };
}

/** Turns anything thrown into a coded error; unknown exceptions become PFSC_INTERNAL. */
export function classify(e: unknown): CodedError {
  const coded = asCodedError(e);
  if (coded) return coded;
  if (e instanceof Error) {
    const errno = (e as NodeJS.ErrnoException).code;
    if (typeof errno === 'string' && OUTPUT_ERRNOS.has(errno)) {
      return { code: 'PFSC_OUTPUT_UNWRITABLE', message: e.message, hint: ERROR_CODES.PFSC_OUTPUT_UNWRITABLE, cause: e, stack: e.stack };
    }
    return { code: 'PFSC_INTERNAL', message: e.message || e.name, hint: ERROR_CODES.PFSC_INTERNAL, cause: e.cause, stack: e.stack };
  }
  return { code: 'PFSC_INTERNAL', message: `non-error value thrown: ${safeString(e)}`, hint: ERROR_CODES.PFSC_INTERNAL };
}

export function exitCodeFor(code: ErrorCode): number {
  // A bad --prog is a wrong command line too, just one pfsc checks after commander.
  if (code === 'PFSC_USAGE' || code === 'PFSC_PROGRAM_INVALID') return EXIT_USAGE;
  if (code === 'PFSC_INTERNAL') return EXIT_INTERNAL;
  return EXIT_USER;
}

/** "  in plugin X (hook Y, stage Z)", or undefined when the error names no place. */
export function locationLine(e: { plugin?: string; hook?: string; stage?: string }): string | undefined {
  const details: string[] = [];
  if (e.hook) details.push(`hook ${e.hook}`);
  if (e.stage) details.push(`stage ${e.stage}`);
  if (e.plugin) return `  in plugin ${e.plugin}${details.length ? ` (${details.join(', ')})` : ''}`;
  if (e.hook) return `  in hook ${e.hook}${e.stage ? ` (stage ${e.stage})` : ''}`;
  if (e.stage) return `  in stage ${e.stage}`;
  return undefined;
}

/** The text and exit code for an error; pure, so it can be tested without a process. */
export function formatError(e: unknown, options: ReportOptions = {}): ErrorReport {
  const err = classify(e);
  const lines: string[] = [`${err.code}: ${oneLine(err.message)}`, `hint: ${err.hint}`];
  const where = locationLine(err);
  if (where) lines.push(where);

  const internal = err.code === 'PFSC_INTERNAL';
  const withStack = options.debug === true || (internal && options.verbose === true);
  if (internal && !withStack) {
    lines.push('  (run again with PFSC_DEBUG=1 or --verbose to print the stack trace)');
  }
  if (withStack) lines.push(...causeChain(err, true));
  // A plugin's own stack is what its author needs, so it is shown without asking.
  else if (err.code === 'PFSC_PLUGIN') lines.push(...causeChain(err, false));
  return { text: lines.join('\n') + '\n', exitCode: exitCodeFor(err.code) };
}

/** The stack (when asked for) and every cause below the error, indented. */
function causeChain(err: CodedError, withOwnStack: boolean): string[] {
  const out: string[] = [];
  if (withOwnStack && err.stack) out.push(indent(stackFrames(err.stack)));
  let cause = err.cause;
  const seen = new Set<unknown>();
  while (cause !== undefined && cause !== null && !seen.has(cause) && seen.size < 8) {
    seen.add(cause);
    if (cause instanceof Error) {
      out.push(`caused by: ${oneLine(cause.message || cause.name)}`);
      if (cause.stack) out.push(indent(stackFrames(cause.stack)));
      cause = cause.cause;
    } else {
      out.push(`caused by: ${safeString(cause)}`);
      break;
    }
  }
  return out.filter((l) => l !== '');
}

/** The "    at ..." lines of a stack, without the message line that repeats the error. */
function stackFrames(stack: string): string {
  return stack
    .split('\n')
    .filter((l) => /^\s+at /.test(l))
    .map((l) => l.trim())
    .join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => `    ${l}`)
    .join('\n');
}

/** Keeps the first line of an error message a single line. */
function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').trim();
}

function safeString(v: unknown): string {
  try {
    return typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
