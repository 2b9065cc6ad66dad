import { Hono } from 'hono';
import { isUnavailableError } from '@tracegres/schema';
import { authenticate } from './auth/middleware.ts';
import type { Deps } from './deps.ts';
import { ApiError } from './errors.ts';
import { jaegerRoutes } from './routes/jaeger/index.ts';
import { metricsRoutes } from './routes/metrics/index.ts';
import { opsRoutes } from './routes/ops/index.ts';
import { rumIngest } from './routes/rum/index.ts';
import { otlpRoutes } from './routes/otlp/index.ts';
import { tempoRoutes } from './routes/tempo/index.ts';
import { uiDataRoutes } from './routes/ui-data/index.ts';
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
  app.route('/', uiDataRoutes(deps));
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

/** SQLSTATEs of arithmetic a query asked for: out of range, division by zero, bad power or log argument. */
const ARITHMETIC_ERRORS = new Set(['22003', '22012', '2201F', '2201E']);

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
  app.use(authenticate(deps));
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
    if (ARITHMETIC_ERRORS.has((err as { code?: string } | undefined)?.code ?? '')) {
      // Postgres could not compute an expression of the query (`{ .a = 9223^372036854775807 }`
      // overflows numeric): the query is at fault, not the server (found by the fuzz run).
      return c.text('invalid query: an expression cannot be evaluated (a value out of range, a division by zero or an invalid argument)', 400);
    }
    const id = `${Date.now().toString(36)}-${(++requestSeq).toString(36)}`;
    deps.log.error('request failed', { requestId: id, path: c.req.path, error: String((err as Error)?.stack ?? err) });
    return c.text(`internal error (request id ${id})`, 500);
  });
  app.notFound((c) => c.text(`404 page not found: ${c.req.path}`, 404));
  return app;
}
