/**
 * One error type for the whole project. Every failure a user can cause carries a stable
 * `code` (documented in docs/ERRORS.md), a one-line message saying what is wrong, and a
 * hint saying what to do. Where it arose in the compiler, `stage`, `plugin` and `hook` say so.
 */

export const ERROR_CODES = {
  PFSC_USAGE: 'Run the command with --help to see its options and examples.',
  PFSC_INPUT_NOT_FOUND: 'Check the path; pass - to read standard input.',
  PFSC_INPUT_UNREADABLE: 'Check that the file exists, is a regular file and is readable.',
  PFSC_OUTPUT_EXISTS: 'Pass -f to overwrite it, or choose another name with -o.',
  PFSC_OUTPUT_UNWRITABLE: 'Check that the output folder exists and is writable.',
  PFSC_PBB_BAD_MAGIC: 'The file is not a .pbb blueprint; check that you passed the right file.',
  PFSC_PBB_VERSION: 'The blueprint was written by a newer pfsc; upgrade pfsc to replay it.',
  PFSC_PBB_TRUNCATED: 'The blueprint ends early; it was cut short in transfer. Fetch it again.',
  PFSC_PBB_CORRUPT: 'The blueprint is damaged; fetch or build it again.',
  PFSC_PBB_LIMIT: 'The blueprint asks for more than pfsc allows; it is damaged or hostile. Build it again.',
  PFSC_UNSUPPORTED: 'This pfsc lacks an optional part the blueprint needs; reinstall pfsc with its optional dependencies (npm install).',
  PFSC_BLOB_MISMATCH: 'Replay with the same --profile or --manifest, --bank and --ref files (in the same order), --plugin modules and pfsc version that built it.',
  PFSC_PROGRAM_INVALID: 'Fix the pCPU program at the line and column the message names; docs/PCPU.md describes the language.',
  PFSC_DIGEST_MISMATCH: 'The rebuilt bytes differ from the original; the blob or blueprint is damaged. Run `pfsc blob build --force` and try again.',
  PFSC_MANIFEST_INVALID: 'Fix the manifest as the message says; docs/MANIFEST.md describes every field.',
  PFSC_BANK_INVALID: 'Fix the bank file at the line and column the message names; docs/BANKS.md describes the language.',
  PFSC_BANK_UNKNOWN: 'Install or load the plugin that provides this bank kind, or remove the bank from the manifest.',
  PFSC_REF_UNREADABLE: 'Check the --ref path: it must be a readable regular file.',
  PFSC_REF_TOO_LARGE: 'Refs must fit in memory; pass a smaller ref.',
  PFSC_CACHE: 'Check that $PFSC_HOME is writable, or delete it to start afresh.',
  PFSC_PLUGIN: 'A plugin failed; the message names it. Report the problem to the plugin author.',
  PFSC_INTERNAL: 'This is a bug in pfsc; please report it with the command you ran.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface PfscErrorOptions {
  cause?: unknown;
  hint?: string;
  stage?: string;
  plugin?: string;
  hook?: string;
}

export class PfscError extends Error {
  readonly code: ErrorCode;
  readonly hint: string;
  stage?: string;
  plugin?: string;
  hook?: string;

  constructor(code: ErrorCode, message: string, options: PfscErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PfscError';
    this.code = code;
    this.hint = options.hint ?? ERROR_CODES[code];
    this.stage = options.stage;
    this.plugin = options.plugin;
    this.hook = options.hook;
  }

  /** User errors are printed as one line; internal ones also get a stack trace. */
  get isUserError(): boolean {
    return this.code !== 'PFSC_INTERNAL' && this.code !== 'PFSC_PLUGIN';
  }
}

export function isPfscError(e: unknown): e is PfscError {
  return e instanceof PfscError;
}

/** Wraps anything thrown into a PfscError, keeping PfscErrors as they are. */
export function toPfscError(e: unknown, fallback: ErrorCode = 'PFSC_INTERNAL'): PfscError {
  if (isPfscError(e)) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new PfscError(fallback, message, { cause: e });
}
