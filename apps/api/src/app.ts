import { Hono } from 'hono';
import { isUnavailableError } from '@tracegres/schema';
import type { Deps } from './deps.ts';
import { ApiError } from './errors.ts';
import { jaegerRoutes } from './routes/jaeger/index.ts';
import { metricsRoutes } from './routes/metrics/index.ts';
import { opsRoutes } from './routes/ops/index.ts';
import { rumIngest } from './routes/rum/index.ts';
import { otlpRoutes } from './routes/otlp/index.ts';
import { tempoRoutes } from './routes/tempo/index.ts';
import { uiRoutes } from './routes/ui/index.ts';
import { zipkinRoutes } from './routes/zipkin/index.ts';

/**
 * The whole HTTP surface as a Hono app speaking only Web Request/Response, so Node, Bun, Deno
 * and Workers run the same code; tests call `app.request()`.
 */
export function createApp(deps: Deps): Hono {
  const app = base(deps);
  app.route('/', opsRoutes(deps));
  app.route('/', tempoRoutes(deps));
  app.route('/', metricsRoutes(deps));
  app.use('/v1/traces', rumIngest(deps));
  app.route('/', otlpRoutes(deps));
  app.route('/jaeger', jaegerRoutes(deps));
  app.route('/', zipkinRoutes(deps));
  app.route('/', uiRoutes(deps));
  return app;
}

/** The app for the dedicated OTLP/HTTP port (4318): only the receiver. */
export function createOtlpApp(deps: Deps): Hono {
  const app = base(deps);
  app.use('/v1/traces', rumIngest(deps));
  app.route('/', otlpRoutes(deps));
  app.route('/', zipkinRoutes(deps));
  return app;
}

let requestSeq = 0;

function base(deps: Deps): Hono {
  const app = new Hono();
  app.use(async (c, next) => {
    const t0 = performance.now();
    await next();
    const route = c.req.routePath === '/*' ? 'other' : c.req.routePath;
    deps.metrics.requestDuration.observe(
      { route, method: c.req.method, status: String(c.res.status) },
      (performance.now() - t0) / 1000,
    );
  });
  // Tempo answers errors in plain text; protocol routes render their own shapes before this.
  app.onError((err, c) => {
    if (err instanceof ApiError) {
      if (err.retryAfter !== undefined) c.header('retry-after', String(err.retryAfter));
      return c.text(err.message, err.status as 400);
    }
    if (isUnavailableError(err)) {
      // The database is down or unreachable: a retryable condition, not a server bug.
      c.header('retry-after', '5');
      return c.text('database unavailable, retry later', 503);
    }
    const id = `${Date.now().toString(36)}-${(++requestSeq).toString(36)}`;
    deps.log.error('request failed', { requestId: id, path: c.req.path, error: String((err as Error)?.stack ?? err) });
    return c.text(`internal error (request id ${id})`, 500);
  });
  app.notFound((c) => c.text(`404 page not found: ${c.req.path}`, 404));
  return app;
}
