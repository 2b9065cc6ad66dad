// An independent, in-memory reading of Tempo's service-graph and span-metrics rules over the
// OTLP data a test sent, to check the compaction job's SQL rollups against.
import type { AnyValue, TracesData } from '@tracegres/otlp';

const SM_BOUNDS_NS = [0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048, 4.096, 8.192, 16.384].map((s) => BigInt(Math.round(s * 1e9)));
const SG_BOUNDS_NS = [0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8].map((s) => BigInt(Math.round(s * 1e9)));

interface FlatSpan {
  trace: string;
  id: string;
  parent: string;
  service: string;
  name: string;
  kind: number;
  error: boolean;
  status: number;
  dur: bigint;
  attrs: Map<string, string>;
}

export interface ExpectedMetric {
  calls: number;
  sumNs: bigint;
  le: number[];
}
export interface ExpectedEdge {
  calls: number;
  failed: number;
  clientSumNs: bigint;
  serverSumNs: bigint;
  cle: number[];
  sle: number[];
}

const text = (v: AnyValue): string =>
  v.type === 'string' ? v.value : v.type === 'int' ? v.value.toString() : v.type === 'bool' ? String(v.value) : v.type === 'double' ? JSON.stringify(v.value) : JSON.stringify(v);

function flatten(data: TracesData[]): FlatSpan[] {
  const out: FlatSpan[] = [];
  for (const td of data)
    for (const rs of td.resourceSpans) {
      const svc = rs.resource?.attributes.find((a) => a.key === 'service.name')?.value;
      for (const ss of rs.scopeSpans)
        for (const s of ss.spans)
          out.push({
            trace: s.traceId,
            id: s.spanId,
            parent: s.parentSpanId,
            service: svc?.type === 'string' ? svc.value : 'unknown_service',
            name: s.name,
            kind: s.kind,
            error: s.status.code === 2,
            status: s.status.code,
            dur: s.endTimeUnixNano - s.startTimeUnixNano,
            attrs: new Map(s.attributes.map((a) => [a.key, text(a.value)])),
          });
    }
  return out;
}

const le = (bounds: bigint[], ns: bigint) => bounds.map((b) => (ns <= b ? 1 : 0));
const add = (a: number[], b: number[]) => a.map((x, i) => x + b[i]);

/** Keyed `service|span_name|kind|status`. */
export function expectedSpanMetrics(data: TracesData[]): Map<string, ExpectedMetric> {
  const m = new Map<string, ExpectedMetric>();
  for (const s of flatten(data)) {
    const k = `${s.service}|${s.name}|${s.kind}|${s.status}`;
    const e = m.get(k) ?? { calls: 0, sumNs: 0n, le: SM_BOUNDS_NS.map(() => 0) };
    e.calls++;
    e.sumNs += s.dur;
    e.le = add(e.le, le(SM_BOUNDS_NS, s.dur));
    m.set(k, e);
  }
  return m;
}

/** Keyed `client|server|connection_type`. */
export function expectedEdges(data: TracesData[]): Map<string, ExpectedEdge> {
  const spans = flatten(data);
  const children = new Map<string, FlatSpan[]>();
  for (const s of spans) if (s.parent) children.set(`${s.trace}/${s.parent}`, [...(children.get(`${s.trace}/${s.parent}`) ?? []), s]);
  const m = new Map<string, ExpectedEdge>();
  const record = (client: string, server: string, type: string, failed: boolean, cNs: bigint, sNs: bigint) => {
    const k = `${client}|${server}|${type}`;
    const e = m.get(k) ?? { calls: 0, failed: 0, clientSumNs: 0n, serverSumNs: 0n, cle: SG_BOUNDS_NS.map(() => 0), sle: SG_BOUNDS_NS.map(() => 0) };
    e.calls++;
    if (failed) e.failed++;
    e.clientSumNs += cNs;
    e.serverSumNs += sNs;
    e.cle = add(e.cle, le(SG_BOUNDS_NS, cNs));
    e.sle = add(e.sle, le(SG_BOUNDS_NS, sNs));
    m.set(k, e);
  };
  const attr = (s: FlatSpan, ...keys: string[]) => keys.map((k) => s.attrs.get(k)).find((v) => v !== undefined);
  for (const s of spans) {
    if (s.kind === 3 || s.kind === 4) {
      const want = s.kind === 3 ? 2 : 5;
      const kids = (children.get(`${s.trace}/${s.id}`) ?? []).filter((k) => k.kind === want);
      for (const k of kids) record(s.service, k.service, s.kind === 4 ? 'messaging_system' : '', s.error || k.error, s.dur, k.dur);
      if (kids.length === 0) {
        const isDb = attr(s, 'db.name', 'db.namespace', 'db.system', 'db.system.name') !== undefined;
        const addr = s.attrs.has('network.peer.address') && s.attrs.has('network.peer.port') ? `${s.attrs.get('network.peer.address')}:${s.attrs.get('network.peer.port')}` : undefined;
        const server = isDb
          ? (attr(s, 'peer.service', 'server.address') ?? addr ?? attr(s, 'db.name', 'db.namespace', 'db.system.name', 'db.system'))
          : attr(s, 'peer.service', 'db.name', 'db.system');
        if (server !== undefined) record(s.service, server, isDb ? 'database' : 'virtual_node', s.error, s.dur, s.dur);
      }
    }
    if ((s.kind === 2 || s.kind === 5) && !s.parent) {
      record(attr(s, 'peer.service', 'db.name', 'db.system') ?? 'user', s.service, 'virtual_node', s.error, s.dur, s.dur);
    }
  }
  return m;
}
