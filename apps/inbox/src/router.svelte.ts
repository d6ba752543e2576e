// The inbox's routes on the history API: paths under /inbox/, parsed into one Route the app
// renders. No router library: the inbox has a handful of fixed routes.
export const BASE = '/inbox';

export type Route =
  | { name: 'home' }
  | { name: 'login' }
  | { name: 'set-password' }
  | { name: 'settings' }
  | { name: 'teammates' }
  | { name: 'saved-replies' }
  | { name: 'conversations'; appId: string; conversationId?: string }
  | { name: 'not-found' };

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** The route a pathname names (`/inbox/acme/conversations/c1` → conversations of acme, c1). */
export function parseRoute(pathname: string): Route {
  if (pathname !== BASE && !pathname.startsWith(`${BASE}/`)) return { name: 'not-found' };
  const segments = pathname
    .slice(BASE.length)
    .split('/')
    .filter((segment) => segment !== '')
    .map(decode);
  if (segments.some((segment) => segment === undefined || segment === '')) return { name: 'not-found' };
  const [first, second, third, ...rest] = segments as string[];
  if (first === undefined) return { name: 'home' };
  if (rest.length > 0) return { name: 'not-found' };
  if (second === undefined) {
    if (first === 'login') return { name: 'login' };
    if (first === 'set-password') return { name: 'set-password' };
    if (first === 'settings') return { name: 'settings' };
    if (first === 'admin') return { name: 'not-found' };
    return { name: 'conversations', appId: first };
  }
  if (first === 'admin' && third === undefined) {
    if (second === 'teammates') return { name: 'teammates' };
    if (second === 'saved-replies') return { name: 'saved-replies' };
    return { name: 'not-found' };
  }
  if (second === 'conversations' && third !== undefined) {
    return { name: 'conversations', appId: first, conversationId: third };
  }
  return { name: 'not-found' };
}

/** `/inbox/<part>/<part>…`, each part encoded: `inboxPath(appId, 'conversations', id)`. */
export function inboxPath(...parts: string[]): string {
  return parts.length === 0 ? `${BASE}/` : `${BASE}/${parts.map(encodeURIComponent).join('/')}`;
}

class RouteState {
  path = $state(typeof location === 'undefined' ? `${BASE}/` : location.pathname);
  /** The fragment, `#token=…` on the set-password link. */
  hash = $state(typeof location === 'undefined' ? '' : location.hash);
  readonly current: Route = $derived(parseRoute(this.path));
}

/** The current route; `route.current` is the parsed Route. */
export const route = new RouteState();

function sync(): void {
  route.path = location.pathname;
  route.hash = location.hash;
}

if (typeof window !== 'undefined') window.addEventListener('popstate', sync);

/** Goes to `path` (under /inbox) without a page load; `replace` keeps the history entry count. */
export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  sync();
  // A new screen starts at its top; the main element scrolls, not the window.
  document.querySelector('main')?.scrollTo?.(0, 0);
}

/**
 * `<a href="/inbox/…" use:link>`: a plain click navigates in the app; a click with a modifier
 * (new tab, new window) or on another path is left to the browser.
 */
export function link(anchor: HTMLAnchorElement): { destroy(): void } {
  const onClick = (event: MouseEvent) => {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    if (anchor.target && anchor.target !== '_self') return;
    const url = new URL(anchor.href, location.href);
    if (url.origin !== location.origin || !(url.pathname === BASE || url.pathname.startsWith(`${BASE}/`))) return;
    event.preventDefault();
    navigate(url.pathname + url.search + url.hash);
  };
  anchor.addEventListener('click', onClick);
  return { destroy: () => anchor.removeEventListener('click', onClick) };
}
