import { Hono } from 'hono';
import type { Deps } from '../../deps.ts';

/** Serves the built web UI at `/` (a placeholder page until the UI is built). */
export function uiRoutes(deps: Deps): Hono {
  const app = new Hono();
  app.get('/', (c) => {
    if (!deps.uiIndexHtml) return c.text('Tracegres is running. The web UI has not been built (npm run build).');
    return c.html(deps.uiIndexHtml);
  });
  return app;
}
