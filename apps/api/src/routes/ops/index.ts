import { Hono } from 'hono';
import type { Deps } from '../../deps.ts';

/** Operational endpoints: readiness, Grafana's echo and buildinfo probes, Prometheus metrics. */
export function opsRoutes(deps: Deps): Hono {
  const app = new Hono();

  app.get('/ready', async (c) => {
    if (!(await deps.db.ping())) return c.text('database unavailable', 503);
    return c.text('ready');
  });

  // Tempo writes this with http.Error, hence the trailing newline.
  app.get('/api/echo', (c) => c.text('echo\n'));

  app.get('/api/status/buildinfo', (c) => c.json(deps.buildInfo));

  app.get('/metrics', (c) =>
    c.body(deps.metrics.registry.render(), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }),
  );

  return app;
}
