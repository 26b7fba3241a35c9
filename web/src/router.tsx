/** Navigation without page loads: the current location as Preact state, and links that use it. */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { requestRefresh } from './refresh.ts';

export { parseRoute, type Route } from './router-paths.ts';

const listeners = new Set<() => void>();
let navigated = false;

/** Whether the person has moved within the console (rather than just loaded a page). */
export function hasNavigated(): boolean {
  return navigated;
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  // A click on the link of the page already open (its menu item) reads it again.
  if (`${location.pathname}${location.search}` === to) {
    requestRefresh();
    return;
  }
  if (options.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  navigated = true;
  for (const listener of listeners) listener();
  window.scrollTo(0, 0);
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
