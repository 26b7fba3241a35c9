import { clock, onClockMoved } from '../../../shared/adapters/clock.ts';

/**
 * Timers on the shared clock (`shared/adapters/clock.ts`), not on real time: a timer fires once
 * `clock.now()` reaches its due time, checked whenever the clock is moved (so `setClock` far
 * forward fires every due timer at once) and on a short real-time poll (time also just passes).
 *
 * Any delay works, including years: nothing here hands a long delay to `setTimeout`.
 */
export class ClockTimers {
  readonly #pending = new Set<{ dueAtMs: number; fire: () => void }>();
  readonly #stopListening: () => void;
  readonly #poll: NodeJS.Timeout;

  constructor(pollIntervalMs = 250) {
    this.#stopListening = onClockMoved(() => this.fireDue());
    this.#poll = setInterval(() => this.fireDue(), pollIntervalMs);
    // The poll alone must not keep a process alive; servers and runs in progress do that.
    this.#poll.unref();
  }

  /** Calls `fire` once the clock reads `dueAt` or later; returns a cancel function. */
  at(dueAt: Date, fire: () => void): () => void {
    const timer = { dueAtMs: dueAt.getTime(), fire };
    this.#pending.add(timer);
    // Already due: fire soon, but never synchronously inside the caller.
    if (timer.dueAtMs <= clock.now().getTime()) queueMicrotask(() => this.fireDue());
    return () => {
      this.#pending.delete(timer);
    };
  }

  fireDue(): void {
    const nowMs = clock.now().getTime();
    for (const timer of [...this.#pending]) {
      if (timer.dueAtMs > nowMs || !this.#pending.has(timer)) continue;
      this.#pending.delete(timer);
      try {
        timer.fire();
      } catch (error) {
        console.error('[step-functions] a clock timer failed', error);
      }
    }
  }

  close(): void {
    this.#stopListening();
    clearInterval(this.#poll);
    this.#pending.clear();
  }
}
