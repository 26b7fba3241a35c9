import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * aws-local-stepfunctions arms a bare `setTimeout` for every Task state (60 s by default, or its
 * TimeoutSeconds). Node fires any delay above 2^31-1 ms (~24.8 days) after 1 ms instead, so a
 * 30-day time limit would expire at once. The engine measures time limits itself on the shared
 * clock and hands the library only the AWS default (99,999,999 s), so inside an engine run such an
 * overflowing timer must simply never fire.
 *
 * The guard is process-wide (the library reads the global `setTimeout`) but acts only on code
 * running inside `runWithTimerOverflowGuard`, tracked with AsyncLocalStorage, so nothing else in
 * the process changes behaviour.
 */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

const engineScope = new AsyncLocalStorage<true>();
let installed = false;

export function runWithTimerOverflowGuard<T>(run: () => T): T {
  installTimerOverflowGuard();
  return engineScope.run(true, run);
}

function installTimerOverflowGuard(): void {
  if (installed) return;
  installed = true;
  const original = globalThis.setTimeout;
  const guarded = function setTimeout(
    this: unknown,
    callback: (...args: unknown[]) => void,
    delay?: number,
    ...args: unknown[]
  ) {
    if (typeof delay === 'number' && delay > MAX_TIMER_DELAY_MS && engineScope.getStore()) {
      // A real (clearable) timer that drops the callback and does not keep the process alive.
      const inert = original(() => {}, MAX_TIMER_DELAY_MS);
      inert.unref();
      return inert;
    }
    return Reflect.apply(original, this, [callback, delay, ...args]) as ReturnType<typeof original>;
  };
  // Keep `util.promisify(setTimeout)` and friends working.
  for (const key of Reflect.ownKeys(original)) {
    if (!(key in guarded)) {
      Object.defineProperty(guarded, key, Object.getOwnPropertyDescriptor(original, key)!);
    }
  }
  globalThis.setTimeout = guarded as unknown as typeof globalThis.setTimeout;
}
