// `npm run bench:ingest`: end-to-end OTLP ingest throughput against a running Tracegres on real
// Postgres, and in the same run a raw COPY of the same rows into the same table, as the ceiling.
//
//   npm run bench:ingest -- [--batches 40] [--spans 8192] [--senders 10] [--copy-streams 4]
//                           [--url http://host:3200 --database-url postgres://...]
//
// Without --url it creates a fresh database on DATABASE_URL's server (default local Postgres),
// starts `node apps/api/src/main.node.ts` on it, and drops the database afterwards.
import postgres from 'postgres';
import { createGenerator, encodeBody, encodeRequest, sendEncoded, type EncodedRequest } from '@tracegres/loadgen';
import { decodeExportRequestProto, type TracesData } from '@tracegres/otlp';
import { emptyColumns, pushSpan, resourceRowOf, scopeRowOf, type SpanColumns } from '@tracegres/schema';
import { createServerDatabase } from '../tests/support/databases.ts';
import { num as numArg, parseArgs, peakRssMiB, startServer } from './bench-support.ts';

const args = parseArgs(process.argv.slice(2));
const num = (name: string, def: number) => numArg(args, name, def);
const BATCHES = num('batches', 40);
const SPANS = num('spans', 8192);
const SENDERS = num('senders', 10);
const COPY_STREAMS = num('copy-streams', 4);

// COPY text format: backslash, tab, newline and carriage return escaped; NULL is \N.
function copyField(v: string | number | null): string {
  if (v === null) return '\\N';
  if (typeof v === 'number') return String(v);
  return v.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

const COPY_COLUMNS =
  'tenant_id, trace_id, span_id, parent_span_id, start_ns, duration_ns, name, kind, status_code, status_message, trace_state, flags, service_name, resource_id, scope_id, attrs, events, links, dropped_attributes_count, dropped_events_count, dropped_links_count';

function copyLines(c: SpanColumns): string {
  const cols = [
    c.tenantId, c.traceId, c.spanId, c.parentSpanId, c.startNs, c.durationNs, c.name, c.kind, c.statusCode, c.statusMessage,
    c.traceState, c.flags, c.serviceName, c.resourceId, c.scopeId, c.attrs, c.events, c.links, c.droppedAttributesCount,
    c.droppedEventsCount, c.droppedLinksCount,
  ] as (string | number | null)[][];
  let out = '';
  for (let i = 0; i < c.tenantId.length; i++) out += cols.map((col) => copyField(col[i])).join('\t') + '\n';
  return out;
}

/** The same rows the receiver writes, for a separate tenant so the primary keys do not collide. */
function rowsFor(td: TracesData, tenantId: number): SpanColumns {
  const c = emptyColumns();
  for (const rs of td.resourceSpans) {
    const res = resourceRowOf(tenantId, rs);
    for (const ss of rs.scopeSpans) {
      const sc = scopeRowOf(tenantId, ss.scope, ss.schemaUrl);
      for (const span of ss.spans) pushSpan(c, { tenantId, span, serviceName: res.serviceName, resourceId: res.resourceId, scopeId: sc.scopeId });
    }
  }
  return c;
}

async function main(): Promise<void> {
  let dbUrl = args['database-url'];
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  let dropDb: (() => Promise<void>) | undefined;
  if (!args.url) {
    const created = await createServerDatabase('tracegres_bench');
    dbUrl = created.url;
    dropDb = created.drop;
    server = await startServer(dbUrl);
  }
  if (!dbUrl) throw new Error('--database-url is required with --url (the COPY baseline writes there)');
  const url = args.url ?? server!.url;

  console.log(`generating ${BATCHES} batches of ${SPANS} spans (seeded)...`);
  const gen = createGenerator({ seed: 20261121, startTimeNs: BigInt(Date.now() - 120_000) * 1_000_000n });
  const batches: TracesData[] = [];
  const bodies: EncodedRequest[] = [];
  const rawBodies: Uint8Array[] = [];
  let attrs = 0;
  let spans = 0;
  for (let i = 0; i <= BATCHES; i++) {
    const td = gen.batch({ spans: SPANS, splitTraces: true });
    for (const rs of td.resourceSpans) for (const ss of rs.scopeSpans) for (const s of ss.spans) (spans++, (attrs += s.attributes.length));
    batches.push(td);
    bodies.push(await encodeRequest(td, { format: 'protobuf', gzip: true }));
    rawBodies.push(encodeBody(td, 'protobuf'));
  }
  const rawBytes = bodies.reduce((n, b) => n + b.rawBytes, 0);
  const gzBytes = bodies.reduce((n, b) => n + b.body.byteLength, 0);
  console.log(`  ${(attrs / spans).toFixed(1)} attributes/span; ${(rawBytes / spans).toFixed(0)} B/span protobuf, ${(gzBytes / spans).toFixed(0)} B/span gzip`);

  // Warm-up request (creates partitions, fills caches), not counted.
  const warm = await sendEncoded(bodies[0], { url });
  if (warm.status !== 200) throw new Error(`warm-up request failed: HTTP ${warm.status} ${warm.error ?? ''}`);

  const timed = bodies.slice(1);
  let next = 0;
  let acked = 0;
  const statuses: Record<string, number> = {};
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: SENDERS }, async () => {
      while (next < timed.length) {
        const req = timed[next++];
        for (;;) {
          const r = await sendEncoded(req, { url, timeoutMs: 120_000 });
          statuses[r.status] = (statuses[r.status] ?? 0) + 1;
          if (r.status === 200) {
            acked += r.acceptedSpans;
            break;
          }
          if (r.status !== 429 && r.status !== 503) throw new Error(`HTTP ${r.status}: ${r.error ?? ''}`);
          await new Promise((res) => setTimeout(res, (r.retryAfterSeconds ?? 1) * 1000));
        }
      }
    }),
  );
  const ingestS = (performance.now() - t0) / 1000;
  const metrics = await (await fetch(`${url}/metrics`)).text();
  const metric = (name: string) => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(metrics)?.[1] ?? NaN);
  const ingestRate = acked / ingestS;

  // Raw COPY of the same rows (decoded by our decoder, flattened exactly as the receiver does),
  // text rendered before the clock starts: once through one connection, once through several.
  const sql = postgres(dbUrl, { max: COPY_STREAMS + 1, onnotice: () => {} });
  const copyRun = async (tenantId: number, streams: number) => {
    await sql`insert into tenants (tenant_id, name) values (${tenantId}, ${`bench-copy-${tenantId}`}) on conflict do nothing`;
    const texts = rawBodies.slice(1).map((b) => copyLines(rowsFor(decodeExportRequestProto(b), tenantId)));
    let rows = 0;
    let nextCopy = 0;
    const t = performance.now();
    await Promise.all(
      Array.from({ length: streams }, async () => {
        const conn = await sql.reserve();
        try {
          while (nextCopy < texts.length) {
            const text = texts[nextCopy++];
            const stream = await conn.unsafe(`copy spans (${COPY_COLUMNS}) from stdin`).writable();
            await new Promise<void>((resolve, reject) => {
              stream.on('error', reject);
              stream.on('finish', resolve);
              stream.end(text);
            });
            rows += text.split('\n').length - 1;
          }
        } finally {
          conn.release();
        }
      }),
    );
    const secs = (performance.now() - t) / 1000;
    return { rows, secs, rate: rows / secs };
  };
  const copy1 = await copyRun(9998, 1);
  const copyN = await copyRun(9999, COPY_STREAMS);
  const [{ n }] = await sql`select count(*)::int as n from spans where tenant_id < 9998`;
  await sql.end();

  console.log('');
  console.log(`end-to-end OTLP ingest: ${acked} spans in ${ingestS.toFixed(2)} s = ${Math.round(ingestRate)} spans/s ` +
    `(${SENDERS} senders, gzip protobuf, ${SPANS}-span requests; HTTP ${JSON.stringify(statuses)})`);
  console.log(`raw COPY, 1 stream:      ${copy1.rows} spans in ${copy1.secs.toFixed(2)} s = ${Math.round(copy1.rate)} spans/s`);
  console.log(`raw COPY, ${COPY_STREAMS} streams:     ${copyN.rows} spans in ${copyN.secs.toFixed(2)} s = ${Math.round(copyN.rate)} spans/s`);
  console.log(`ratio ingest/COPY:      ${(ingestRate / copy1.rate).toFixed(2)} vs 1 stream, ${(ingestRate / copyN.rate).toFixed(2)} vs ${COPY_STREAMS} streams`);
  console.log(`rows stored by ingest:  ${n} (expected ${acked + SPANS} incl. warm-up)`);
  const txCount = metric('tracegres_ingest_transaction_seconds_count');
  console.log(`ingest transactions:    ${txCount}, mean ${((metric('tracegres_ingest_transaction_seconds_sum') / txCount) * 1000).toFixed(0)} ms, ` +
    `mean ${Math.round(metric('tracegres_ingest_batch_spans_sum') / metric('tracegres_ingest_batch_spans_count'))} spans each`);
  const phase = (p: string) =>
    Number(new RegExp(`^tracegres_ingest_phase_seconds_sum\\{phase="${p}"\\} (\\S+)`, 'm').exec(metrics)?.[1] ?? NaN) /
    Number(new RegExp(`^tracegres_ingest_phase_seconds_count\\{phase="${p}"\\} (\\S+)`, 'm').exec(metrics)?.[1] ?? NaN);
  console.log(`mean per request:       read ${(phase('read') * 1000).toFixed(0)} ms, decode ${(phase('decode') * 1000).toFixed(0)} ms, ` +
    `commit ${(phase('commit') * 1000).toFixed(0)} ms`);
  if (server) console.log(`server peak RSS:        ${peakRssMiB(server.pid) ?? '?'} MiB`);
  console.log(JSON.stringify({
    ingestSpansPerSec: Math.round(ingestRate),
    copy1SpansPerSec: Math.round(copy1.rate),
    copyNSpansPerSec: Math.round(copyN.rate),
    ratio1: +(ingestRate / copy1.rate).toFixed(3),
    ratioN: +(ingestRate / copyN.rate).toFixed(3),
  }));
  await server?.stop();
  await dropDb?.();
}

await main();
