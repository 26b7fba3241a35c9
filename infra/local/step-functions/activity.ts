import { setImmediate as nextMacrotask } from 'node:timers/promises';

/**
 * Counts work in progress inside the engine — a task handler running a function, a table write
 * in flight — so that `idle()` can tell when every execution is parked (waiting for a callback or
 * the clock) or finished. Work that progresses on microtasks alone (a Choice, a Pass, the library
 * moving to the next state) is not counted: `idle()` lets a macrotask pass and checks that nothing
 * changed meanwhile, by which time such work has either finished or started something counted.
 */
export class ActivityMonitor {
  #busy = 0;
  #generation = 0;
  #waiters: (() => void)[] = [];

  begin(): void {
    this.#busy += 1;
    this.#changed();
  }

  end(): void {
    this.#busy -= 1;
    this.#changed();
  }

  /** Runs `work` counted as busy. */
  async during<T>(work: () => Promise<T>): Promise<T> {
    this.begin();
    try {
      return await work();
    } finally {
      this.end();
    }
  }

  async idle(): Promise<void> {
    for (;;) {
      await nextMacrotask();
      if (this.#busy === 0) {
        const generation = this.#generation;
        await nextMacrotask();
        if (this.#busy === 0 && generation === this.#generation) return;
      } else {
        await new Promise<void>((resolve) => this.#waiters.push(resolve));
      }
    }
  }

  #changed(): void {
    this.#generation += 1;
    if (this.#busy !== 0) return;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}
