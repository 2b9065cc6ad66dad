import { type Context, Hono } from 'hono';
import {
  encodeTempoJson,
  encodeTraceByIdResponseJson,
  encodeTraceByIdResponseProto,
  encodeTracesDataProto,
} from '@tracegres/otlp';
import type { Deps } from '../../deps.ts';
import { readTrace } from '../../storage/read-trace.ts';
import { tagRoutes } from './tags.ts';
import { searchRoutes } from '../search/index.ts';
import { readScope, requestTenant } from '../../auth/request-tenant.ts';
import { withStatementTimeout } from '../../limits/statement-timeout.ts';
import { partialTraceMessage } from '../../limits/trace-size.ts';
import { parseTimeRange, parseTraceId } from './trace-id.ts';

/** Tempo's content negotiation: `Accept` is scanned for application/protobuf first. */
function wantsProtobuf(accept: string | undefined): boolean {
  return (accept ?? '').includes('application/protobuf');
}

/** Tempo's query API (trace by ID for now; search and tags come with TraceQL). */
export function tempoRoutes(deps: Deps): Hono {
  const app = new Hono();

  const find = async (c: Context) => {
    const traceId = parseTraceId(c.req.param('id') ?? '');
    const range = parseTimeRange(c.req.query('start'), c.req.query('end'));
    const scope = await readScope(c, deps);
    if (!scope) return null;
    const { maxBytesPerTrace } = await deps.limits.overrides.forTenant(requestTenant(c, deps, 'query'), deps.now());
    const db = withStatementTimeout(scope.db, deps.config.limits.queryTimeoutMs, 'trace lookup');
    const found = await readTrace(db, scope.tenantId, traceId, deps.partitions.intervalNs, range, maxBytesPerTrace);
    return found && { ...found, message: found.partial ? partialTraceMessage(maxBytesPerTrace) : undefined };
  };

  app.get('/api/traces/:id', async (c) => {
    const found = await find(c);
    if (!found) return c.body(null, 404);
    // v1 has no partial status: Tempo answers 422 for a trace over max_bytes_per_trace.
    if (found.message) return c.text(`${found.message.replace(/, a partial trace is returned$/, '')}; /api/v2/traces/{id} returns a partial trace`, 422);
    if (wantsProtobuf(c.req.header('accept'))) {
      return c.body(encodeTracesDataProto(found.trace) as Uint8Array<ArrayBuffer>, 200, { 'content-type': 'application/protobuf' });
    }
    return c.body(encodeTempoJson(found.trace.toTracesData(), 'batches'), 200, { 'content-type': 'application/json' });
  });

  // v2 answers 200 with an empty trace when nothing is found (Tempo's querier never 404s here).
  app.get('/api/v2/traces/:id', async (c) => {
    const found = await find(c);
    const opts = { inspectedBytes: BigInt(found?.inspectedBytes ?? 0), partial: found?.partial, message: found?.message };
    if (wantsProtobuf(c.req.header('accept'))) {
      return c.body(encodeTraceByIdResponseProto(found?.trace ?? { resourceSpans: [] }, opts) as Uint8Array<ArrayBuffer>, 200, {
        'content-type': 'application/protobuf',
      });
    }
    const trace = found?.trace.toTracesData() ?? { resourceSpans: [] };
    return c.body(encodeTraceByIdResponseJson(trace, opts), 200, { 'content-type': 'application/json' });
  });

  app.route('/', tagRoutes(deps));
  app.route('/', searchRoutes(deps));
  return app;
}
