import { Hono } from 'hono';
import { SERVICE_GRAPH_BUCKETS_S, SPAN_METRICS_BUCKETS_S } from '@tracegres/schema';
import type { Deps } from '../../deps.ts';
import { renderRollups } from '../../metrics/rollup-exposition.ts';
import { edgeTotals, spanMetricTotals } from '../../storage/rollups.ts';
import { readScope } from '../../auth/request-tenant.ts';

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

  // The compaction job's rollups under Tempo's metrics-generator names, per tenant
  // (X-Scope-OrgID); a separate path so scraping /metrics never waits on the database.
  app.get('/metrics/generator', async (c) => {
    const scope = await readScope(c, deps);
    const body =
      scope === undefined
        ? renderRollups([], [])
        : renderRollups(
            await spanMetricTotals(scope.db, scope.tenantId, SPAN_METRICS_BUCKETS_S.length),
            await edgeTotals(scope.db, scope.tenantId, SERVICE_GRAPH_BUCKETS_S.length),
          );
    return c.body(body, 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
  });

  return app;
}
