// `npm run test:overload`: overload acceptance. Starts Tracegres as a child process on a fresh
// Postgres database, measures the sustainable ingest rate (closed-loop senders), then offers 5x
// that rate open-loop and checks: refused requests are 429/503 with Retry-After, the server's
// peak RSS stays under the documented bound, and afterwards it drains (queue and in-flight bytes
// at 0), answers a normal request promptly, and has stored every acknowledged span.
//
//   npm run test:overload -- [--seconds 10] [--spans 200] [--inflight-mib 8]
//
// The bound (README, "Limits"): peak RSS <= RSS_BASE_MIB + RSS_PER_INFLIGHT x INGEST_MAX_INFLIGHT_BYTES.
import { pathToFileURL } from 'node:url';
import postgres from 'postgres';
import { createServerDatabase } from '../tests/support/databases.ts';
import { encodeRequestProto } from '../tests/support/payloads.ts';
import { parseArgs, peakRssMiB, startServer } from './bench-support.ts';

/** Documented memory bound: a fixed base plus a multiple of the in-flight budget. */
export const RSS_BASE_MIB = 512;
export const RSS_PER_INFLIGHT = 4;

export interface OverloadOptions {
  seconds: number;
  spansPerRequest: number;
  inflightBytes: number;
  /** Offered load as a multiple of the measured sustainable rate. */
  factor: number;
  log?: (line: string) => void;
}

export interface OverloadResult {
  sustainableSpansPerS: number;
  offeredReqPerS: number;
  statuses: Record<string, number>;
  missingRetryAfter: number;
  peakRssMiB: number;
  rssBoundMiB: number;
  drainMs: number;
  normalRequestMs: number;
  normalStatus: number;
  ackedSpans: number;
  storedAckedSpans: number;
}

let seq = 0;
function nextRequest(spans: number): { traceId: string; body: Uint8Array<ArrayBuffer> } {
  const traceId = (Date.now().toString(16) + (++seq).toString(16).padStart(8, '0')).padStart(32, 'e').slice(-32);
  const startNs = BigInt(Date.now() - 5000) * 1_000_000n;
  const list = Array.from({ length: spans }, (_, i) => ({
    traceId: Buffer.from(traceId, 'hex'),
    spanId: Buffer.from((i + 1).toString(16).padStart(16, '0'), 'hex'),
    parentSpanId: i === 0 ? undefined : Buffer.from('0000000000000001', 'hex'),
    name: `GET /api/items/${i % 17}`,
    kind: i === 0 ? 2 : 3,
    startTimeUnixNano: (startNs + BigInt(i) * 1_000_000n).toString(),
    endTimeUnixNano: (startNs + BigInt(i) * 1_000_000n + 700_000n).toString(),
    attributes: [
      { key: 'http.method', value: { stringValue: 'GET' } },
      { key: 'http.url', value: { stringValue: `https://shop.example/api/items/${i}?page=${seq % 100}` } },
      { key: 'http.status_code', value: { intValue: '200' } },
    ],
  }));
  return {
    traceId,
    body: encodeRequestProto({
      resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'overload' } }] }, scopeSpans: [{ scope: { name: 'o' }, spans: list }] }],
    }),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function gauge(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

export async function runOverload(o: OverloadOptions): Promise<OverloadResult> {
  const log = o.log ?? (() => {});
  const db = await createServerDatabase('tg_test');
  const server = await startServer(db.url, { INGEST_MAX_INFLIGHT_BYTES: String(o.inflightBytes), COMPACTION_INTERVAL: '0', INGEST_RATE_LIMIT_BYTES: '0' });
  const acked: string[] = [];
  const post = (body: Uint8Array<ArrayBuffer>) =>
    fetch(`${server.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body });
  try {
    // 1. Sustainable rate: closed-loop senders, each waiting for its answer.
    // Enough closed-loop senders to keep every writer busy: the rate then measures the server, not the latency.
    const senders = 16;
    const closedLoop = async (ms: number) => {
      let done = 0;
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: senders }, async () => {
          while (performance.now() - t0 < ms) {
            const r = nextRequest(o.spansPerRequest);
            const res = await post(r.body);
            await res.arrayBuffer();
            if (res.status === 200) {
              acked.push(r.traceId);
              done++;
            } else await sleep(100);
          }
        }),
      );
      return done / ((performance.now() - t0) / 1000);
    };
    // A warm-up first: a fresh process is slower while the JIT and the decode workers start.
    await closedLoop(2000);
    const sustainableReqPerS = await closedLoop(o.seconds * 1000);
    const sustainableSpansPerS = sustainableReqPerS * o.spansPerRequest;
    log(`sustainable: ${Math.round(sustainableSpansPerS)} spans/s (${sustainableReqPerS.toFixed(1)} requests/s of ${o.spansPerRequest} spans)`);

    // 2. factor x that, open loop: requests leave on schedule whatever the answers.
    const offeredReqPerS = sustainableReqPerS * o.factor;
    const statuses: Record<string, number> = {};
    let missingRetryAfter = 0;
    const inflight = new Set<Promise<void>>();
    const t1 = performance.now();
    let sent = 0;
    while (performance.now() - t1 < o.seconds * 1000) {
      const due = Math.floor(((performance.now() - t1) / 1000) * offeredReqPerS);
      for (; sent < due; sent++) {
        const r = nextRequest(o.spansPerRequest);
        const p = post(r.body)
          .then(async (res) => {
            await res.arrayBuffer();
            statuses[res.status] = (statuses[res.status] ?? 0) + 1;
            if (res.status === 200) acked.push(r.traceId);
            else if (!/^\d+$/.test(res.headers.get('retry-after') ?? '')) missingRetryAfter++;
          })
          .catch((err) => {
            statuses[`error ${(err as Error).message}`] = (statuses[`error ${(err as Error).message}`] ?? 0) + 1;
          })
          .finally(() => inflight.delete(p));
        inflight.add(p);
      }
      await sleep(5);
    }
    await Promise.all(inflight);
    log(`offered ${offeredReqPerS.toFixed(1)} requests/s (${o.factor}x) for ${o.seconds}s: ${sent} requests, answers ${JSON.stringify(statuses)}`);

    // 3. Drain: queue and in-flight budget back to 0, then a normal request.
    const t2 = performance.now();
    while (performance.now() - t2 < 60_000) {
      if ((await gauge(server.url, 'tracegres_ingest_queued_spans')) === 0 && (await gauge(server.url, 'tracegres_ingest_inflight_bytes')) === 0) break;
      await sleep(50);
    }
    const drainMs = performance.now() - t2;
    const normal = nextRequest(o.spansPerRequest);
    const t3 = performance.now();
    const normalRes = await post(normal.body);
    await normalRes.arrayBuffer();
    const normalRequestMs = performance.now() - t3;
    if (normalRes.status === 200) acked.push(normal.traceId);

    const peak = peakRssMiB(server.pid) ?? NaN;
    const sql = postgres(db.url, { max: 1, onnotice: () => {} });
    const [row] = await sql.unsafe<{ n: number }[]>('select count(*)::int as n from spans where trace_id = any($1::uuid[])', [acked]);
    await sql.end();
    const result: OverloadResult = {
      sustainableSpansPerS,
      offeredReqPerS,
      statuses,
      missingRetryAfter,
      peakRssMiB: peak,
      rssBoundMiB: RSS_BASE_MIB + (RSS_PER_INFLIGHT * o.inflightBytes) / 2 ** 20,
      drainMs,
      normalRequestMs,
      normalStatus: normalRes.status,
      ackedSpans: acked.length * o.spansPerRequest,
      storedAckedSpans: row.n,
    };
    log(`peak RSS ${peak} MiB (bound ${result.rssBoundMiB} MiB); drained in ${Math.round(drainMs)} ms; normal request ${normalRes.status} in ${Math.round(normalRequestMs)} ms`);
    log(`acknowledged spans ${result.ackedSpans}, stored ${result.storedAckedSpans}`);
    return result;
  } finally {
    await server.stop();
    await db.drop();
  }
}

/** Problems with a run, empty when it passed. */
export function overloadProblems(r: OverloadResult): string[] {
  const problems: string[] = [];
  const refused = Object.entries(r.statuses).filter(([k]) => k !== '200');
  if (refused.some(([k]) => k !== '429' && k !== '503')) problems.push(`answers other than 200/429/503: ${JSON.stringify(r.statuses)}`);
  if (!refused.length) problems.push('nothing was refused: the load did not overload the server');
  if (r.missingRetryAfter) problems.push(`${r.missingRetryAfter} refusals without Retry-After`);
  if (!(r.peakRssMiB <= r.rssBoundMiB)) problems.push(`peak RSS ${r.peakRssMiB} MiB over the bound of ${r.rssBoundMiB} MiB`);
  if (r.normalStatus !== 200) problems.push(`after the load a normal request got ${r.normalStatus}`);
  if (r.storedAckedSpans !== r.ackedSpans) problems.push(`${r.ackedSpans} spans acknowledged but ${r.storedAckedSpans} stored`);
  return problems;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = parseArgs(process.argv.slice(2));
  const result = await runOverload({
    seconds: Number(args.seconds ?? 10),
    spansPerRequest: Number(args.spans ?? 200),
    inflightBytes: Number(args['inflight-mib'] ?? 8) * 2 ** 20,
    factor: 5,
    log: (line) => console.log(line),
  });
  const problems = overloadProblems(result);
  for (const p of problems) console.error(`FAIL: ${p}`);
  console.log(problems.length ? 'overload test failed' : 'overload test passed');
  process.exitCode = problems.length ? 1 : 0;
}
