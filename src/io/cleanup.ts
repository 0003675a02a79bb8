/**
 * Temporary files this process is writing (spools, replays in progress). An interrupted
 * command removes them before it exits, so Ctrl-C leaves no half-written file behind.
 * A leaf module: it imports nothing from the project, so any layer may use it.
 */
import { rmSync } from 'node:fs';

const live = new Set<string>();

export function registerTemp(path: string): void {
  live.add(path);
}

export function releaseTemp(path: string): void {
  live.delete(path);
}

/** Removes every registered temporary file; safe to call from a signal handler. */
export function removeAllTempsSync(): void {
  for (const p of live) {
    try {
      rmSync(p, { force: true });
    } catch {
      // Nothing more can be done while exiting; the name marks it as temporary.
    }
  }
  live.clear();
}
