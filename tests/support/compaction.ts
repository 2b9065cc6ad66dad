// Shared by the compaction tests: a loaded test server, the job's context over it, table dumps
// to compare runs, and a database wrapper that crashes the job at a chosen statement.
import type { Db, Queryable } from '@tracegres/schema';
import { createGenerator, sendTraces } from '@tracegres/loadgen';
import type { KeyValue, Span, TracesData } from '@tracegres/otlp';
import { type CompactionContext, type CompactionSettings, defaultCompactionSettings } from '../../apps/api/src/compaction/context.ts';
import { type TestServer, startTestServer } from './app.ts';
import type { Driver } from './databases.ts';

export const MS = 1_000_000n;

/** Hourly partitions on both drivers, so "closed" partitions exist within a test's clock. */
export async function compactionServer(driver: Driver, env: Record<string, string> = {}): Promise<TestServer> {
  return startTestServer(driver, { PARTITION_INTERVAL: '1h', ...env });
}

export function contextOf(server: TestServer, nowMs: number, settings: Partial<CompactionSettings> = {}): CompactionContext {
  return {
    db: server.deps.db,
    partitions: server.deps.partitions,
    now: () => nowMs,
    settings: { ...defaultCompactionSettings(server.deps.config.retentionSeconds, 0), ...settings },
  };
}

export async function send(server: TestServer, data: TracesData[], tenant?: string): Promise<void> {
  for (const td of data) {
    const r = await sendTraces(td, { url: server.url, tenant });
    if (r.status !== 200) throw new Error(`ingest failed: ${r.status} ${r.error ?? ''}`);
  }
}

/** Generated traces (seeded) starting at `fromMs`, in batches of about 500 spans. */
export function generated(fromMs: number, spans: number, seed = 7): TracesData[] {
  const gen = createGenerator({ seed, startTimeNs: BigInt(fromMs) * MS, tracesPerSecond: 5 });
  const out: TracesData[] = [];
  for (let n = 0; n < spans; ) {
    const td = gen.batch({ spans: 500 });
    for (const rs of td.resourceSpans) for (const ss of rs.scopeSpans) n += ss.spans.length;
    out.push(td);
  }
  return out;
}

export interface HandSpan {
  id: string;
  parent?: string;
  service: string;
  name: string;
  kind: Span['kind'];
  startMs: number;
  durMs: number;
  error?: boolean;
  attrs?: Record<string, string | number>;
}

/** One trace from a compact description; ids padded to OTLP's widths. */
export function handTrace(traceId: string, baseMs: number, spans: HandSpan[]): TracesData {
  const kv = (o: Record<string, string | number>): KeyValue[] =>
    Object.entries(o).map(([key, v]) => ({ key, value: typeof v === 'number' ? { type: 'int', value: BigInt(v) } : { type: 'string', value: v } }));
  const bySvc = new Map<string, Span[]>();
  for (const s of spans) {
    const start = BigInt(baseMs + s.startMs) * MS;
    bySvc.set(s.service, [
      ...(bySvc.get(s.service) ?? []),
      {
        traceId: traceId.padStart(32, '0'), spanId: s.id.padStart(16, '0'), parentSpanId: s.parent ? s.parent.padStart(16, '0') : '', traceState: '',
        name: s.name, kind: s.kind, startTimeUnixNano: start, endTimeUnixNano: start + BigInt(s.durMs) * MS, attributes: kv(s.attrs ?? {}),
        droppedAttributesCount: 0, events: [], droppedEventsCount: 0, links: [], droppedLinksCount: 0,
        status: { code: s.error ? 2 : 0, message: '' }, flags: 0,
      },
    ]);
  }
  return {
    resourceSpans: [...bySvc].map(([svc, ss]) => ({
      resource: { attributes: kv({ 'service.name': svc }), droppedAttributesCount: 0 },
      schemaUrl: '',
      scopeSpans: [{ scope: { name: 'test', version: '', attributes: [], droppedAttributesCount: 0 }, schemaUrl: '', spans: ss }],
    })),
  };
}

/** Everything the job writes, as sorted JSON lines (timestamps of writing left out). */
export async function dumpJobTables(db: Queryable): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  const q = async (name: string, sql: string) => (out[name] = (await db.query<{ j: string }>(sql)).map((r) => r.j));
  await q('span_nested', `select concat_ws(' ', trace_id, encode(span_id, 'hex'), start_ns, nested_left, nested_right, depth) as j from span_nested order by 1`);
  // Where each span lives: a fresh row, or which block (compacted partitions, migrations/0007).
  await q('spans', `select concat_ws(' ', trace_id, encode(span_id, 'hex'), start_ns) as j from spans order by 1`);
  await q(
    'span_blocks',
    `select concat_ws(' ', b.tenant_id, b.trace_id, b.start_ns, b.end_ns, b.span_count, x.span_id, x.start_ns, x.attrs) as j
       from span_blocks b cross join lateral unnest(b.span_id, b.span_start_ns, b.attrs) as x(span_id, start_ns, attrs) order by 1`,
  );
  for (const t of ['traces', 'span_metrics_1m', 'service_graph_1m', 'span_metrics_total', 'service_graph_total', 'maintenance_state']) {
    await q(t, `select (to_jsonb(t) - 'updated_at')::text as j from ${t} t order by 1`);
  }
  await q('partitions', `select relname::text as j from pg_class where relname like 'spans_p%' and relkind = 'r' order by 1`);
  return out;
}

/** Thrown by `crashingDb`: stands for the process dying at that statement. */
export class InjectedCrash extends Error {}

/**
 * The database as seen by a job that dies at its `crashAt`-th statement: that statement and
 * everything after it fail, and an open transaction rolls back, as when the process is killed.
 */
export function crashingDb(db: Db, crashAt: number): Db {
  let n = 0;
  const tick = () => {
    if (++n >= crashAt) throw new InjectedCrash(`crash injected at statement ${crashAt}`);
  };
  const wrap = (q: Queryable): Queryable => ({
    query: async (text, params) => (tick(), q.query(text, params)),
  });
  return {
    driver: db.driver,
    query: (text, params) => wrap(db).query(text, params),
    exec: async (script) => (tick(), db.exec(script)),
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    // The leader lock's release is left alone: a dead process's lock goes with its connection.
    session: db.session
      ? (fn) =>
          db.session!((conn) =>
            fn({
              query: async (text, params) => (text.includes('pg_advisory_unlock') ? conn.query(text, params) : wrap(conn).query(text, params)),
              exec: async (s) => (tick(), conn.exec(s)),
            }),
          )
      : undefined,
    ping: () => db.ping(),
    close: () => db.close(),
  };
}
