/**
 * A progress bar on standard error that appears only when it helps: standard error is a
 * terminal, the user did not ask for quiet, and the work has run for over a second. The
 * library reports {phase, done, total}; the bar starts from the first report after the delay
 * and follows phase changes.
 */
import { createRequire } from 'node:module';
import type cliProgress from 'cli-progress';
import type { Progress } from '../api-types.js';
import type { CliStream } from './context.js';
import { groupDigits } from './format.js';

// Loaded only when a bar is drawn: most runs are short or not on a terminal.
const requireCjs = createRequire(import.meta.url);
const loadCliProgress = (): typeof cliProgress => requireCjs('cli-progress') as typeof cliProgress;

export interface ProgressOptions {
  stream: CliStream;
  /** False when quiet, or when the stream is not a terminal. */
  enabled: boolean;
  /** Milliseconds of work before the bar appears; default 1000. */
  delayMs?: number;
  /** Clock in milliseconds; replaceable in tests. */
  now?: () => number;
}

export class LazyProgress {
  private bar: cliProgress.SingleBar | undefined;
  private readonly startedAt: number;
  private readonly delayMs: number;
  private readonly now: () => number;
  private phase = '';
  private total = 0;
  private stopped = false;

  constructor(private readonly options: ProgressOptions) {
    this.now = options.now ?? (() => performance.now());
    this.startedAt = this.now();
    this.delayMs = options.delayMs ?? 1000;
  }

  /** True once the bar has been drawn. */
  get visible(): boolean {
    return this.bar !== undefined;
  }

  /** Pass this as the library's onProgress callback. */
  readonly onProgress = (p: Progress): void => {
    if (!this.options.enabled || this.stopped) return;
    const total = Math.max(1, Number.isFinite(p.total) ? p.total : 1);
    const done = Math.min(Math.max(0, Number.isFinite(p.done) ? p.done : 0), total);
    const payload = { phase: p.phase.padEnd(8), doneText: groupDigits(done), totalText: groupDigits(total) };
    if (!this.bar) {
      if (this.now() - this.startedAt < this.delayMs) return;
      const bars = loadCliProgress();
      this.bar = new bars.SingleBar(
        {
          stream: this.options.stream as NodeJS.WritableStream,
          format: '{phase} [{bar}] {percentage}% | {doneText}/{totalText} | eta {eta_formatted}',
          barsize: 30,
          clearOnComplete: true,
          hideCursor: false,
          etaBuffer: 20,
          fps: 10,
          noTTYOutput: false,
        },
        bars.Presets.shades_classic,
      );
      this.bar.start(total, done, payload);
      this.phase = p.phase;
      this.total = total;
      return;
    }
    if (p.phase !== this.phase) {
      this.phase = p.phase;
      // A new phase: restart the bar so its percentage and ETA describe this phase.
      this.bar.stop();
      this.bar.start(total, done, payload);
      this.total = total;
      return;
    }
    if (total !== this.total) {
      this.bar.setTotal(total);
      this.total = total;
    }
    this.bar.update(done, payload);
  };

  /** Removes the bar; call before printing anything else to the same terminal. */
  stop(): void {
    this.stopped = true;
    if (this.bar) {
      this.bar.stop();
      this.bar = undefined;
    }
  }
}

/** A bar for a command: shown only on a terminal and when not quiet. */
export function progressFor(stream: CliStream, quiet: boolean | undefined): LazyProgress {
  return new LazyProgress({ stream, enabled: Boolean(stream.isTTY) && !quiet });
}
