/**
 * What every command gets: the streams it writes to, the environment, and the state the
 * error printer reads (whether --verbose was given). Commands never exit; they return or
 * throw, and main.ts decides the exit code.
 */
import type { Writable } from 'node:stream';

export interface CliStream extends Pick<Writable, 'write'> {
  isTTY?: boolean;
}

export interface CliIo {
  stdout: CliStream;
  stderr: CliStream;
  env: NodeJS.ProcessEnv;
}

export interface CliState {
  /** Set from the running command's --verbose (or PFSC_DEBUG=1) for the error printer. */
  verbose: boolean;
}

export interface CliContext {
  io: CliIo;
  state: CliState;
}

/** Writes text to standard output. */
export function out(ctx: CliContext, text: string): void {
  ctx.io.stdout.write(text);
}

/** Writes text to standard error. */
export function err(ctx: CliContext, text: string): void {
  ctx.io.stderr.write(text);
}

/** True when PFSC_DEBUG asks for stacks. */
export function debugEnabled(env: NodeJS.ProcessEnv): boolean {
  const v = env.PFSC_DEBUG;
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}
