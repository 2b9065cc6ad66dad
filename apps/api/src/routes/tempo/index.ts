import { Hono } from 'hono';
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
import { tenantOf } from '../../storage/tenants.ts';
import { parseTimeRange, parseTraceId } from './trace-id.ts';

/** Tempo's content negotiation: `Accept` is scanned for application/protobuf first. */
function wantsProtobuf(accept: string | undefined): boolean {
  return (accept ?? '').includes('application/protobuf');
}

/** Tempo's query API (trace by ID for now; search and tags come with TraceQL). */
export function tempoRoutes(deps: Deps): Hono {
  const app = new Hono();

  const find = async (tenantHeader: string | undefined, id: string, start?: string, end?: string) => {
    const tenant = tenantOf(tenantHeader);
    const traceId = parseTraceId(id);
    const range = parseTimeRange(start, end);
    const tenantId = await deps.tenants.lookup(tenant);
    if (tenantId === undefined) return null;
    return readTrace(deps.db, tenantId, traceId, deps.partitions.intervalNs, range);
  };

  app.get('/api/traces/:id', async (c) => {
    const found = await find(c.req.header('x-scope-orgid'), c.req.param('id'), c.req.query('start'), c.req.query('end'));
    if (!found) return c.body(null, 404);
    if (wantsProtobuf(c.req.header('accept'))) {
      return c.body(encodeTracesDataProto(found.trace) as Uint8Array<ArrayBuffer>, 200, { 'content-type': 'application/protobuf' });
    }
    return c.body(encodeTempoJson(found.trace, 'batches'), 200, { 'content-type': 'application/json' });
  });

  // v2 answers 200 with an empty trace when nothing is found (Tempo's querier never 404s here).
  app.get('/api/v2/traces/:id', async (c) => {
    const found = await find(c.req.header('x-scope-orgid'), c.req.param('id'), c.req.query('start'), c.req.query('end'));
    const trace = found?.trace ?? { resourceSpans: [] };
    const opts = { inspectedBytes: BigInt(found?.inspectedBytes ?? 0) };
    if (wantsProtobuf(c.req.header('accept'))) {
      return c.body(encodeTraceByIdResponseProto(trace, opts) as Uint8Array<ArrayBuffer>, 200, {
        'content-type': 'application/protobuf',
      });
    }
    return c.body(encodeTraceByIdResponseJson(trace, opts), 200, { 'content-type': 'application/json' });
  });

  app.route('/', tagRoutes(deps));
  app.route('/', searchRoutes(deps));
  return app;
}
