/**
 * The one clock every rule, workflow timer and time limit reads.
 *
 * On AWS the offset is always zero. The embedded runtime moves it forward with `POST /dev/clock`
 * so that tests and the demo reach a cohort's end date without waiting; nothing here knows which
 * of the two it runs in.
 */
export interface Clock {
  now(): Date;
}

type Listener = (now: Date) => void;

let offsetMs = 0;
const listeners = new Set<Listener>();

export const clock: Clock = {
  now: () => new Date(Date.now() + offsetMs),
};

/** Moves the clock so that `clock.now()` reads `to`; time keeps running from there. Never backwards. */
export function setClock(to: Date): Date {
  const target = to.getTime() - Date.now();
  if (target > offsetMs) offsetMs = target;
  const now = clock.now();
  for (const listener of listeners) listener(now);
  return now;
}

export function clockOffsetMs(): number {
  return offsetMs;
}

/** Restores a persisted offset (embedded runtime restart). */
export function restoreClockOffset(ms: number): void {
  if (ms > offsetMs) offsetMs = ms;
}

/** Called whenever the clock is moved, so timers that became due can fire at once. */
export function onClockMoved(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Today's date (`YYYY-MM-DD`) in China Standard Time, the calendar the rules speak of. */
export function todayInChina(now: Date = clock.now()): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}
