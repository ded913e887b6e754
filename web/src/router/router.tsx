import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

// A deliberately tiny router: the URL is the state, history.pushState changes it, and popstate
// (back/forward) or our own navigate() tell the subscribers.
const listeners = new Set<() => void>();
let pendingFocus = false;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

function currentHref(): string {
  return window.location.pathname + window.location.search;
}

export interface NavigateOptions {
  replace?: boolean;
  /** Keep the scroll position: the page stays, only its query changed (a filter or a sort). */
  keepScroll?: boolean;
}

export function navigate(to: string, options: NavigateOptions = {}): void {
  if (to === currentHref()) return;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  pendingFocus = !options.replace;
  if (!options.keepScroll) window.scrollTo(0, 0);
  for (const listener of listeners) listener();
}

/** True once after a person navigated, so the new page can move focus to its heading. */
export function takePendingFocus(): boolean {
  const value = pendingFocus;
  pendingFocus = false;
  return value;
}

export interface Location {
  pathname: string;
  searchParams: URLSearchParams;
}

export function useLocation(): Location {
  const href = useSyncExternalStore(subscribe, currentHref);
  const url = new URL(href, window.location.origin);
  return { pathname: url.pathname, searchParams: url.searchParams };
}

export function useSearchParam(name: string): string | null {
  return useLocation().searchParams.get(name);
}

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { to: string };

export function Link({ to, onClick, children, ...rest }: LinkProps) {
  function handleClick(event: MouseEvent<HTMLAnchorElement>) {
    onClick?.(event);
    // Let the browser handle new tabs, downloads and modified clicks.
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  }
  return (
    <a href={to} onClick={handleClick} {...rest}>
      {children}
    </a>
  );
}

/** Only same-site paths are followed after sign-in, never `//evil.example` or absolute URLs. */
export function safeNextPath(value: string | null, fallback: string): string {
  if (value === null || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return fallback;
  return value;
}
