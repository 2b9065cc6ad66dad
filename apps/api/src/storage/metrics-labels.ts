// Series and exemplar labels of TraceQL metrics as Tempo writes them: typed OTLP values keyed by
// the TraceQL spelling of the attribute (`resource.service.name`, `span:name`, `__bucket`, `p`),
// plus the legacy Prometheus-style `promLabels` text.
import { type AnyValue, encodeAnyValueJson } from '@tracegres/otlp';
import { decodeAttrs } from '@tracegres/schema';
import type { MetricsColumnKind } from '@tracegres/traceql';

export interface Label {
  key: string;
  value: AnyValue;
}

const STATUS_NAMES = ['unset', 'ok', 'error'];
const KIND_NAMES = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];

export const str = (value: string): AnyValue => ({ type: 'string', value });
export const dbl = (value: number): AnyValue => ({ type: 'double', value });

/** A group-by value as SQL returned it (see metrics-fields.ts) as the label value Tempo shows. */
export function columnValue(kind: MetricsColumnKind, raw: string): AnyValue {
  switch (kind) {
    case 'json':
      return decodeAttrs(`{"v":${raw}}`)[0].value;
    case 'text':
      return str(raw);
    case 'status':
      return str(STATUS_NAMES[Number(raw)] ?? 'unset');
    case 'kind':
      return str(KIND_NAMES[Number(raw)] ?? 'unspecified');
    case 'duration':
      return str(goDuration(BigInt(raw)));
  }
}

/** One label as OTLP/jsonpb JSON: `{"key":…,"value":{"stringValue":…}}`. */
export function labelJson(l: Label): string {
  return `{"key":${JSON.stringify(l.key)},"value":${encodeAnyValueJson(l.value)}}`;
}

function fraction(n: bigint, unit: bigint): string {
  const whole = n / unit;
  const rest = (n % unit).toString().padStart(unit.toString().length - 1, '0').replace(/0+$/, '');
  return rest ? `${whole}.${rest}` : `${whole}`;
}

/** Go's `time.Duration.String()`: `1h2m3.5s`, `1m0s`, `150ms`, `1.5µs`, `0s`. */
export function goDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  const sign = ns < 0n ? '-' : '';
  const u = ns < 0n ? -ns : ns;
  if (u < 1_000n) return `${sign}${u}ns`;
  if (u < 1_000_000n) return `${sign}${fraction(u, 1_000n)}µs`;
  if (u < 1_000_000_000n) return `${sign}${fraction(u, 1_000_000n)}ms`;
  const h = u / 3_600_000_000_000n;
  const m = (u / 60_000_000_000n) % 60n;
  const s = fraction(u % 60_000_000_000n, 1_000_000_000n);
  return `${sign}${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s}s`;
}

/** Go's `strconv.FormatFloat(x, 'g', -1, 64)`: shortest digits, exponent form below 1e-4 and from 1e6. */
export function goFloat(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'NaN' : x > 0 ? '+Inf' : '-Inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const [mant, e] = x.toExponential().split('e');
  const exp = Number(e);
  if (exp < -4 || exp >= 6) return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return String(x);
}

/** A label value as Tempo's Prometheus-style text shows it. */
function promValue(v: AnyValue): string {
  switch (v.type) {
    case 'string':
      return v.value === '' ? '<empty>' : v.value === 'nil' ? '<nil>' : v.value;
    case 'int':
      return v.value.toString();
    case 'double':
      return goFloat(v.value);
    case 'bool':
      return String(v.value);
    case 'empty':
      return '<nil>';
    default:
      return encodeAnyValueJson(v);
  }
}

/** `{key="value", …}` sorted by key, as Tempo's `promLabels` (kept for clients that read it). */
export function promLabels(labels: Label[]): string {
  const parts = [...labels].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map((l) => `${l.key}=${JSON.stringify(promValue(l.value))}`);
  return `{${parts.join(', ')}}`;
}
