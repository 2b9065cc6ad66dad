import { Hono, type Context } from 'hono';
import { readScope } from '../../auth/request-tenant.ts';
import type { Deps } from '../../deps.ts';
import { monitorCells, monitorServices } from '../../storage/monitor.ts';
import { edgeSums, servedSums } from '../../storage/service-graph.ts';
import { buildMonitor } from './monitor.ts';
import { SPAN_KINDS, parseSpanKind, parseStep, parseWindow, requireParam, seconds } from './params.ts';
import { buildServiceGraph } from './service-graph.ts';

const KIND_NAMES = Object.fromEntries(Object.entries(SPAN_KINDS).map(([k, v]) => [v, k]));

/**
 * JSON for the web UI's service graph and Monitor pages, read from the compaction job's
 * per-minute rollups (so they show what has been compacted, up to a minute or two behind ingest).
 */
export function uiDataRoutes(deps: Deps): Hono {
  const app = new Hono();
  const nowNs = () => BigInt(Math.floor(deps.now())) * 1_000_000n;
  const tenant = (c: Context) => readScope(c, deps);

  app.get('/api/ui/service-graph', async (c) => {
    const w = parseWindow((n) => c.req.query(n), nowNs());
    const t = await tenant(c);
    const [edges, served] = t === undefined ? [[], []] : await Promise.all([edgeSums(t.db, t.tenantId, w.fromNs, w.toNs), servedSums(t.db, t.tenantId, w.fromNs, w.toNs)]);
    return c.json(buildServiceGraph(edges, served, w.fromNs, w.toNs));
  });

  app.get('/api/ui/monitor/services', async (c) => {
    const w = parseWindow((n) => c.req.query(n), nowNs());
    const t = await tenant(c);
    const rows = t === undefined ? [] : await monitorServices(t.db, t.tenantId, w.fromNs, w.toNs);
    return c.json({
      start: seconds(w.fromNs),
      end: seconds(w.toNs),
      services: rows.map((r) => ({ name: r.service, spanKinds: r.kinds.map((k) => KIND_NAMES[k] ?? String(k)) })),
    });
  });

  app.get('/api/ui/monitor', async (c) => {
    const service = requireParam('service', c.req.query('service'));
    const spanKind = parseSpanKind(c.req.query('spanKind'));
    const w = parseWindow((n) => c.req.query(n), nowNs());
    const stepNs = parseStep(c.req.query('step'), w);
    const t = await tenant(c);
    const cells =
      t === undefined ? [] : await monitorCells(t.db, { tenantId: t.tenantId, service, spanKind: SPAN_KINDS[spanKind], fromNs: w.fromNs, toNs: w.toNs, stepNs });
    return c.json(buildMonitor(cells, { service, spanKind, fromNs: w.fromNs, toNs: w.toNs, stepNs }));
  });

  return app;
}
