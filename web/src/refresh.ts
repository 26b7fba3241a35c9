/**
 * When lists and inboxes read the server again, so nobody works from a stale one: when the window
 * gets the focus back (the person returns to the tab), when the menu item of the page already open
 * is clicked again, and every minute while the page is visible. Screens subscribe through
 * `useLoad(…, { live: true })` or `onRefresh`; a refresh keeps what is shown until the new answer is in.
 */
const listeners = new Set<() => void>();
let last = 0;

/** Calls `listener` at each refresh; returns the unsubscribe. */
export function onRefresh(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Asks every live screen to read again (focus and visibility often come together: once for both). */
export function requestRefresh(): void {
  const now = Date.now();
  if (now - last < 250) return;
  last = now;
  for (const listener of [...listeners]) listener();
}

export const REFRESH_EVERY_MS = 60_000;

/** Starts the focus, visibility and minute triggers; returns the stop. */
export function startRefreshing(every = REFRESH_EVERY_MS): () => void {
  const onFocus = () => requestRefresh();
  const onVisible = () => {
    if (document.visibilityState === 'visible') requestRefresh();
  };
  window.addEventListener('focus', onFocus);
  document.addEventListener('visibilitychange', onVisible);
  const timer = window.setInterval(() => {
    if (document.visibilityState === 'visible') requestRefresh();
  }, every);
  return () => {
    window.removeEventListener('focus', onFocus);
    document.removeEventListener('visibilitychange', onVisible);
    window.clearInterval(timer);
  };
}
