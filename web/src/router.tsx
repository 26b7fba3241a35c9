/**
 * Navigation without page loads: the current location as Preact state, links that use it, and a
 * guard that asks before leaving a form with unsaved changes (a link, Back, a reload or closing).
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { requestRefresh } from './refresh.ts';

export { parseRoute, type Route } from './router-paths.ts';

const listeners = new Set<() => void>();
let navigated = false;

/** Forms with unsaved changes: the question to ask before leaving them. */
const guards = new Map<symbol, string>();
/** Where the guarded form is, to go back there when Back is cancelled. */
let guardedAt = '';

/** Whether the person agrees to leave what is unsaved (true when nothing is). */
export function mayLeave(): boolean {
  const question = [...guards.values()][0];
  return question === undefined || window.confirm(question);
}

if (typeof window !== 'undefined') {
  // Registered before any screen's listener: a cancelled Back puts the form's address back and
  // stops the others, so the form (and what was typed) stays.
  window.addEventListener('popstate', (event) => {
    if (guards.size === 0 || mayLeave()) return;
    event.stopImmediatePropagation();
    history.pushState(null, '', guardedAt);
  });
  window.addEventListener('beforeunload', (event) => {
    if (guards.size === 0) return;
    event.preventDefault();
    // Older browsers ask only when returnValue is set.
    event.returnValue = '';
  });
}

/**
 * While `dirty`, leaving this screen asks `question` first (the browser's own confirm; on reload or
 * closing the tab, the browser's own question). A save that navigates passes `{ leave: true }`.
 */
export function useLeaveGuard(dirty: boolean, question: string): void {
  useEffect(() => {
    if (!dirty) return;
    const id = Symbol('guard');
    guards.set(id, question);
    guardedAt = `${location.pathname}${location.search}`;
    return () => {
      guards.delete(id);
    };
  }, [dirty, question]);
}

/** Whether the person has moved within the console (rather than just loaded a page). */
export function hasNavigated(): boolean {
  return navigated;
}

/**
 * `arrival`: where a page load lands after a redirect (back from the issuer's sign-in), which counts
 * as a fresh load — the first Tab reaches the skip link — not as a move within the console.
 */
export function navigate(
  to: string,
  options: { replace?: boolean; leave?: boolean; arrival?: boolean; keepScroll?: boolean } = {},
): void {
  // A click on the link of the page already open (its menu item) reads it again.
  if (`${location.pathname}${location.search}` === to) {
    requestRefresh();
    return;
  }
  if (!options.leave && !mayLeave()) return;
  if (options.leave) guards.clear();
  if (options.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  if (!options.arrival) navigated = true;
  for (const listener of listeners) listener();
  // A filter changed on the same screen (the dashboard's year) keeps the person where they are.
  if (!options.keepScroll) window.scrollTo(0, 0);
}

/** The current location, re-rendered on navigation and on the browser's back and forward. */
export function useLocation(): { pathname: string; search: string } {
  const [, setTick] = useState(0);
  useEffect(() => {
    const update = () => setTick((tick) => tick + 1);
    const back = () => {
      navigated = true;
      update();
    };
    listeners.add(update);
    window.addEventListener('popstate', back);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', back);
    };
  }, []);
  return { pathname: location.pathname, search: location.search };
}

/** A real link (keyboard, middle-click, copy address) that navigates without a page load. */
export function Link(props: {
  href: string;
  children: ComponentChildren;
  class?: string;
  'aria-current'?: 'page' | undefined;
  'data-testid'?: string;
}) {
  const { href, children, ...rest } = props;
  return (
    <a
      {...rest}
      href={href}
      onClick={(event) => {
        if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey)
          return;
        event.preventDefault();
        navigate(href);
      }}
    >
      {children}
    </a>
  );
}
