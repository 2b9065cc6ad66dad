import { Hono } from 'hono';
import type { Context } from 'hono';
import type { Deps } from '../../deps.ts';
import { type BuiltUi, loadBuiltUi } from './assets.ts';

/** Paths the single-page app routes on the client: each answers with index.html. */
const CLIENT_ROUTES = ['/', '/search', '/trace/*', '/dependencies', '/monitor', '/open'];

/**
 * Serves the built web UI at `/`: its hashed assets (cached for a year: their names change with
 * their content), and index.html for every client-side route so that deep links and reloads work.
 * Without a build it falls back to the placeholder page given in deps, or a plain note.
 */
export function uiRoutes(deps: Deps): Hono {
  const app = new Hono();
  let built: BuiltUi | undefined;
  // Until a build exists, look again on each request: `npm run build` may run after start.
  const ui = async () => (built?.files.size ? built : (built = await loadBuiltUi()));

  const sendFile = (c: Context, ui: BuiltUi, path: string, cache: string) => {
    const file = ui.files.get(path);
    if (!file) return undefined;
    const headers: Record<string, string> = {
      'content-type': file.type,
      'cache-control': cache,
      vary: 'accept-encoding',
      'x-content-type-options': 'nosniff',
    };
    if (path === '/index.html' && ui.csp) headers['content-security-policy'] = ui.csp;
    const gzipOk = /\bgzip\b/.test(c.req.header('accept-encoding') ?? '');
    if (file.gzip && gzipOk) {
      headers['content-encoding'] = 'gzip';
      return c.body(file.gzip as Uint8Array<ArrayBuffer>, 200, headers);
    }
    return c.body(file.body as Uint8Array<ArrayBuffer>, 200, headers);
  };

  const index = async (c: Context) => {
    const u = await ui();
    const res = u.files.size ? sendFile(c, u, '/index.html', 'no-cache') : undefined;
    if (res) return res;
    if (!deps.uiIndexHtml) return c.text('Tracegres is running. The web UI has not been built (npm run build).');
    return c.html(deps.uiIndexHtml);
  };
  for (const path of CLIENT_ROUTES) app.get(path, index);

  app.get('/assets/*', async (c) => {
    const res = sendFile(c, await ui(), c.req.path, 'public, max-age=31536000, immutable');
    return res ?? c.text(`404 page not found: ${c.req.path}`, 404);
  });
  return app;
}
