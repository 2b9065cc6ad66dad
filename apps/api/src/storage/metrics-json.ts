// Tempo's metrics responses as gogo jsonpb writes them (reference §1.2): camelCase fields,
// int64 as strings (`timestampMs`), zero scalars omitted (a sample of value 0 has no `value`),
// NaN/Infinity as strings. `series` is always present, even when empty.
import { intervalTimestampMs, type MetricsWindow } from '@tracegres/traceql';
import { labelJson } from './metrics-labels.ts';
import type { Exemplar, Series } from './metrics-series.ts';

/** Result of a metrics query, before encoding. */
export interface MetricsResult {
  series: Series[];
  /** Set when the series limit cut the answer short (Tempo's `status: PARTIAL`). */
  partialMessage?: string;
}

/** A double as jsonpb writes it: a number, or "NaN" / "Infinity" / "-Infinity". */
function jsonDouble(x: number): string {
  if (Number.isFinite(x)) return String(x);
  return x > 0 ? '"Infinity"' : x < 0 ? '"-Infinity"' : '"NaN"';
}

const labelsJson = (labels: Series['labels']) => `[${labels.map(labelJson).join(',')}]`;

function exemplarJson(e: Exemplar): string {
  const parts: string[] = [];
  if (e.labels.length) parts.push(`"labels":${labelsJson(e.labels)}`);
  if (e.value !== 0) parts.push(`"value":${jsonDouble(e.value)}`);
  if (e.timestampMs !== 0n) parts.push(`"timestampMs":"${e.timestampMs}"`);
  return `{${parts.join(',')}}`;
}

const tail = (r: MetricsResult) => `,"metrics":{"completedJobs":1,"totalJobs":1}${r.partialMessage ? `,"status":"PARTIAL","message":${JSON.stringify(r.partialMessage)}` : ''}}`;

/**
 * `QueryRangeResponse`: samples oldest first (intervals without a value left out); series
 * without samples are left out except compare()'s error series, which carry only labels.
 */
export function rangeResponseJson(r: MetricsResult, w: MetricsWindow): string {
  const out: string[] = [];
  for (const s of r.series) {
    const samples: string[] = [];
    s.values.forEach((v, i) => {
      if (Number.isNaN(v)) return;
      samples.push(`{"timestampMs":"${intervalTimestampMs(w, i)}"${v === 0 ? '' : `,"value":${jsonDouble(v)}`}}`);
    });
    const isError = s.labels[0]?.key === '__meta_error';
    if (samples.length === 0 && !isError) continue;
    const ex = [...s.exemplars].sort((a, b) => (a.timestampMs < b.timestampMs ? -1 : a.timestampMs > b.timestampMs ? 1 : 0));
    out.push(
      `{"labels":${labelsJson(s.labels)}` +
        (samples.length ? `,"samples":[${samples.join(',')}]` : '') +
        `,"promLabels":${JSON.stringify(s.prom)}` +
        (ex.length ? `,"exemplars":[${ex.map(exemplarJson).join(',')}]` : '') +
        '}',
    );
  }
  return `{"series":[${out.join(',')}]${tail(r)}`;
}

/**
 * `QueryInstantResponse`: one value per series. No `promLabels` here: Grafana decodes instant
 * responses strictly and Tempo's current proto has no such field.
 */
export function instantResponseJson(r: MetricsResult): string {
  const out: string[] = [];
  for (const s of r.series) {
    const v = s.values[0];
    if (v === undefined || Number.isNaN(v)) continue;
    out.push(`{"labels":${labelsJson(s.labels)}${v === 0 ? '' : `,"value":${jsonDouble(v)}`}}`);
  }
  return `{"series":[${out.join(',')}]${tail(r)}`;
}
