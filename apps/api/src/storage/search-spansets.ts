// How search results show spansets: the spanset-level attributes of `by()` groups, and the
// attributes of each shown span that the query touched, read from the span's row as the TraceQL
// compiler reads them (event and link attributes from the first event or link that has them).
import { type AnyValue, encodeAnyValueJson } from '@tracegres/otlp';
import { decodeAttrs, spanFromRow } from '@tracegres/schema';

/** One OTLP KeyValue as Tempo's search JSON writes it. */
export interface KeyValue {
  key: string;
  value: Record<string, unknown>;
}

/** Where a shown attribute is read from. */
export type AttributeSource = 'span' | 'resource' | 'unscoped' | 'event' | 'link' | 'instrumentation';

/** The stored parts of a span that attribute lookups read. */
export interface SpanAttributeData {
  attrs: string | null;
  r_attrs: string | null;
  events?: string | null;
  links?: string | null;
  sc_attrs?: string | null;
}

const STATUS_NAMES = ['unset', 'ok', 'error'];
const KIND_NAMES = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];

/** Go's time.Duration.String(), which Tempo uses for duration values (`1.5s`, `1h0m0s`, `250µs`). */
export function goDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  const neg = ns < 0n;
  let u = neg ? -ns : ns;
  const dec = (v: bigint, digits: number) => {
    const s = v.toString().padStart(digits + 1, '0');
    const f = s.slice(-digits).replace(/0+$/, '');
    return f ? `${s.slice(0, -digits)}.${f}` : s.slice(0, -digits);
  };
  let out: string;
  if (u < 1_000n) out = `${u}ns`;
  else if (u < 1_000_000n) out = `${dec(u, 3)}µs`;
  else if (u < 1_000_000_000n) out = `${dec(u, 6)}ms`;
  else {
    const h = u / 3_600_000_000_000n;
    u %= 3_600_000_000_000n;
    const m = u / 60_000_000_000n;
    u %= 60_000_000_000n;
    out = (h ? `${h}h` : '') + (h || m ? `${m}m` : '') + `${dec(u, 9)}s`;
  }
  return (neg ? '-' : '') + out;
}

/** A `by()` value `[type, value]` from the compiled SQL as an OTLP AnyValue JSON (Tempo's rendering). */
function groupValue(type: string, v: unknown): Record<string, unknown> {
  switch (type) {
    case 'string':
      return { stringValue: String(v) };
    case 'int':
      return { intValue: String(v) };
    case 'float':
    case 'number':
      return { doubleValue: Number(v) };
    case 'bool':
      return { boolValue: v === true };
    case 'duration':
      return { stringValue: goDuration(BigInt(String(v))) };
    case 'status':
      return { stringValue: STATUS_NAMES[Number(v)] ?? 'unset' };
    case 'kind':
      return { stringValue: KIND_NAMES[Number(v)] ?? 'unspecified' };
    case 'nil':
      return { stringValue: 'nil' };
    default:
      return { stringValue: JSON.stringify(v) };
  }
}

/** The spanset attributes of one `by()` group (the `spanset` column of the search SQL). */
export function spansetAttributes(spanset: string | undefined): KeyValue[] {
  if (!spanset) return [];
  // Big integers would lose digits through JSON.parse: quote them first.
  const entries = JSON.parse(spanset.replace(/([[,]\s*)(-?\d{16,})(?=\s*[\],])/g, '$1"$2"')) as [string, string, unknown?][];
  return entries.map(([key, type, v]) => ({ key, value: groupValue(type, v) }));
}

function mapOf(text: string | null | undefined): Map<string, AnyValue> {
  return new Map(decodeAttrs(text).map((kv) => [kv.key, kv.value]));
}

/** Events and links of a span row, decoded exactly (ints stay ints) by the schema's reader. */
function eventsAndLinks(events: string | null | undefined, links: string | null | undefined) {
  const none = { trace_id: '', span_id: '', parent_span_id: null, start_ns: '0', duration_ns: '0', name: '', kind: 0, status_code: 0 };
  const rest = { status_message: null, trace_state: null, flags: 0, resource_id: '', scope_id: '', attrs: null };
  const counts = { dropped_attributes_count: 0, dropped_events_count: 0, dropped_links_count: 0 };
  return spanFromRow({ ...none, ...rest, ...counts, events: events ?? null, links: links ?? null });
}

/** The value of `key` in the first of `items` (events or links) that holds it. */
function firstIn(items: { attributes: { key: string; value: AnyValue }[] }[], key: string): AnyValue | undefined {
  for (const item of items) {
    const kv = item.attributes.find((a) => a.key === key && a.value.type !== 'empty');
    if (kv) return kv.value;
  }
  return undefined;
}

/** Reads attributes of one span row, decoding each stored map at most once. */
export function attributeReader(s: SpanAttributeData): (source: AttributeSource, key: string) => AnyValue | undefined {
  let span: Map<string, AnyValue> | undefined;
  let res: Map<string, AnyValue> | undefined;
  let scope: Map<string, AnyValue> | undefined;
  let lists: ReturnType<typeof eventsAndLinks> | undefined;
  const events = () => (lists ??= eventsAndLinks(s.events, s.links)).events;
  const links = () => (lists ??= eventsAndLinks(s.events, s.links)).links;
  const ok = (v: AnyValue | undefined) => (v === undefined || v.type === 'empty' ? undefined : v);
  return (source, key) => {
    const fromSpan = () => ok((span ??= mapOf(s.attrs)).get(key));
    const fromRes = () => ok((res ??= mapOf(s.r_attrs)).get(key));
    const fromScope = () => ok((scope ??= mapOf(s.sc_attrs)).get(key));
    switch (source) {
      case 'span':
        return fromSpan();
      case 'resource':
        return fromRes();
      case 'instrumentation':
        return fromScope();
      case 'event':
        return firstIn(events(), key);
      case 'link':
        return firstIn(links(), key);
      case 'unscoped':
        return fromSpan() ?? fromRes() ?? firstIn(events(), key) ?? firstIn(links(), key) ?? fromScope();
    }
  };
}

/** An AnyValue as search JSON writes it. */
export function anyValueJson(v: AnyValue): Record<string, unknown> {
  return JSON.parse(encodeAnyValueJson(v)) as Record<string, unknown>;
}
