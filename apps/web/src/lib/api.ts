// The HTTP calls the UI makes: Tempo's API on the same origin. Errors carry the server's own
// message (Tempo answers errors in plain text), so a bad query shows what the server said.
import { askForCredentials, credentialHeaders } from './credentials.ts';
import { decodeTraceByIdProto, type TraceByIdResult } from './trace-response.ts';
import type { MonitorData as MonitorResponse, MonitorService, ServiceGraph as ServiceGraphResponse } from '@tracegres/schema/ui-data';

export interface SearchSpan {
  spanID: string;
  startTimeUnixNano: string;
  durationNanos: string;
}

export interface SearchTrace {
  traceID: string;
  rootServiceName: string;
  rootTraceName?: string;
  startTimeUnixNano: string;
  durationMs?: number;
  spanSets?: Array<{ spans: SearchSpan[]; matched: number }>;
  serviceStats?: Record<string, { spanCount: number; errorCount?: number }>;
}

export interface SearchResponse {
  traces: SearchTrace[];
  metrics?: Record<string, unknown>;
}

export interface SearchParams {
  q: string;
  limit: number;
  /** Unix seconds. */
  start: number;
  end: number;
}

export class ApiFailure extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'ApiFailure';
    this.status = status;
  }
}

async function failure(res: Response): Promise<ApiFailure> {
  const text = (await res.text().catch(() => '')).trim();
  return new ApiFailure(res.status, text || `${res.status} ${res.statusText}`);
}

/**
 * fetch with the stored token and tenant; a refusal for lack of them asks the user once and
 * retries (servers run with QUERY_TOKENS or MULTITENANCY_ENABLED).
 */
async function apiFetch(url: string, init: { signal?: AbortSignal; headers: Record<string, string> }): Promise<Response> {
  const send = () => fetch(url, { signal: init.signal, headers: { ...init.headers, ...credentialHeaders() } });
  const sentWith = JSON.stringify(credentialHeaders());
  const res = await send();
  if (res.status !== 401 && res.status !== 403) return res;
  // Several requests fail together on first load: one question, the rest retry with its answer.
  if (JSON.stringify(credentialHeaders()) !== sentWith) return send();
  const message = (await res.clone().text().catch(() => '')).trim().slice(0, 200);
  return askForCredentials(res, message) ? send() : res;
}

async function getJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  const res = await apiFetch(url, { signal, headers: { accept: 'application/json' } });
  if (!res.ok) throw await failure(res);
  return (await res.json()) as T;
}

export function searchTraces(p: SearchParams, signal?: AbortSignal): Promise<SearchResponse> {
  const qs = new URLSearchParams({ q: p.q, limit: String(p.limit), start: String(p.start), end: String(p.end), spss: '3' });
  return getJson<SearchResponse>(`/api/search?${qs}`, signal);
}

interface Prefetch {
  id: string;
  response: Promise<Response>;
}

/** The request index.html started for the trace in the URL, if it is this trace; taken once. */
function takePrefetch(id: string): Promise<Response> | undefined {
  const g = globalThis as { __tracegresPrefetch?: Prefetch };
  const p = g.__tracegresPrefetch;
  if (!p || p.id !== id) return undefined;
  g.__tracegresPrefetch = undefined;
  return p.response;
}

/** The trace, decoded; an unknown id gives a trace with no spans (Tempo's v2 never 404s). */
export async function fetchTrace(id: string, signal?: AbortSignal): Promise<TraceByIdResult> {
  // index.html's early request carries no credentials: a refusal means ask again with them.
  const early = await takePrefetch(id)?.catch(() => undefined);
  const res =
    early && early.status !== 401 && early.status !== 403
      ? early
      : await apiFetch(`/api/v2/traces/${encodeURIComponent(id)}`, { signal, headers: { accept: 'application/protobuf' } });
  if (!res.ok) throw await failure(res);
  const bytes = new Uint8Array(await res.arrayBuffer());
  // Marks for `npm run bench:ui`: transfer ends here, decoding starts.
  performance.mark('tracegres:trace-received');
  return decodeTraceByIdProto(bytes);
}

/** The trace as Tempo's JSON text, for the JSON view and download. */
export async function fetchTraceJson(id: string, signal?: AbortSignal): Promise<string> {
  const res = await apiFetch(`/api/v2/traces/${encodeURIComponent(id)}`, { signal, headers: { accept: 'application/json' } });
  if (!res.ok) throw await failure(res);
  return res.text();
}

export interface TagScopes {
  scopes: Array<{ name: string; tags: string[] }>;
}

export function fetchTagNames(signal?: AbortSignal): Promise<TagScopes> {
  return getJson<TagScopes>('/api/v2/search/tags', signal);
}

export interface TagValue {
  type: string;
  value: string;
}

/**
 * Values seen for a TraceQL identifier such as `resource.service.name` or `name`; `q`, a TraceQL
 * filter, keeps only values from matching spans (e.g. the span names of one service).
 */
export async function fetchTagValues(identifier: string, q?: string, signal?: AbortSignal): Promise<TagValue[]> {
  const qs = q ? `?${new URLSearchParams({ q })}` : '';
  const body = await getJson<{ tagValues: TagValue[] }>(`/api/v2/search/tag/${encodeURIComponent(identifier)}/values${qs}`, signal);
  return body.tagValues ?? [];
}

// The service graph and Monitor pages read the compaction job's per-minute rollups.

export type {
  GraphEdge,
  GraphNode,
  GraphNodeKind,
  MonitorData as MonitorResponse,
  MonitorFigures,
  MonitorOperation,
  MonitorService,
  ServiceGraph as ServiceGraphResponse,
} from '@tracegres/schema/ui-data';

/** Unix seconds. */
export function fetchServiceGraph(start: number, end: number, signal?: AbortSignal): Promise<ServiceGraphResponse> {
  return getJson<ServiceGraphResponse>(`/api/ui/service-graph?${new URLSearchParams({ start: String(start), end: String(end) })}`, signal);
}

export function fetchMonitorServices(start: number, end: number, signal?: AbortSignal): Promise<{ services: MonitorService[] }> {
  return getJson(`/api/ui/monitor/services?${new URLSearchParams({ start: String(start), end: String(end) })}`, signal);
}

export function fetchMonitor(p: { service: string; spanKind: string; start: number; end: number }, signal?: AbortSignal): Promise<MonitorResponse> {
  const qs = new URLSearchParams({ service: p.service, spanKind: p.spanKind, start: String(p.start), end: String(p.end) });
  return getJson<MonitorResponse>(`/api/ui/monitor?${qs}`, signal);
}
