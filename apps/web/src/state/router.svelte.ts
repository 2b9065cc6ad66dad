// Client-side navigation over the History API. Every view is a URL, so reload, back/forward and
// sharing a link all land on the same screen.
import { parseRoute, type Route } from '../lib/routes.ts';

class Router {
  route = $state.raw<Route>(parseRoute(location.pathname, location.search));
  /** Increments on every navigation, so views can tell a new visit from a re-render. */
  visit = $state(0);
  /** The last search page URL, so "Search" returns to the results a trace was opened from. */
  lastSearch = $state('/search');

  constructor() {
    this.noteSearch();
    addEventListener('popstate', () => this.sync());
  }

  private sync(): void {
    this.route = parseRoute(location.pathname, location.search);
    this.noteSearch();
    this.visit++;
  }

  private noteSearch(): void {
    if (this.route.name === 'search') this.lastSearch = location.pathname + location.search;
  }

  /** Goes to an in-app URL; `replace` keeps it out of the back history (e.g. typing in a box). */
  go(url: string, opts: { replace?: boolean } = {}): void {
    if (url === location.pathname + location.search) return;
    if (opts.replace) history.replaceState(null, '', url);
    else history.pushState(null, '', url);
    this.sync();
  }

  /** Rewrites the current URL's query without a new history entry or a new visit. */
  setQuery(params: URLSearchParams): void {
    const qs = params.toString();
    history.replaceState(null, '', location.pathname + (qs ? `?${qs}` : ''));
    this.noteSearch();
  }
}

export const router = new Router();

/** Lets plain `<a href="/...">` links navigate in-app (new tabs and modified clicks still work). */
export function interceptLinks(e: MouseEvent): void {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = (e.target as Element | null)?.closest?.('a');
  if (!a || a.target || a.hasAttribute('download')) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
  e.preventDefault();
  router.go(url.pathname + url.search);
}
