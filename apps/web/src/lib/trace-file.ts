// Reading a trace file in the browser, without sending it anywhere: OTLP JSON (`resourceSpans`,
// also one request per line as the Collector's file exporter writes), Tempo's v1 (`batches`) and
// v2 (`{trace: {...}}`) trace JSON, and Jaeger's JSON (`{data: [trace, ...]}` as jaeger-ui
// downloads it, or a bare trace). A file may hold several traces: they are split by trace ID so
// the user can pick one.
import { OtlpDecodeError, decodeExportRequestJson, validateTracesData, type ResourceSpans, type TracesData } from '@tracegres/otlp';
import { isJaegerTrace, jaegerTraceToOtlp } from './trace-file-jaeger.ts';
import { TraceFileError } from './trace-file-error.ts';
import { UNKNOWN_SERVICE, stringAttr } from './trace-model.ts';

export { TraceFileError };

export const FILE_FORMATS = {
  otlp: 'OTLP JSON',
  tempoV1: 'Tempo JSON (batches)',
  tempoV2: 'Tempo v2 JSON',
  jaeger: 'Jaeger JSON',
} as const;
export type FileFormat = keyof typeof FILE_FORMATS;

export interface FileTrace {
  traceId: string;
  data: TracesData;
  spans: number;
  services: string[];
  rootService: string;
  rootName: string;
  /** Unix nanoseconds of the earliest start. */
  startNs: bigint;
  /** Microseconds from the earliest start to the latest end. */
  durationUs: number;
}

export interface TraceFile {
  /** What was recognised, e.g. "Jaeger JSON" or "OTLP JSON (2 lines)". */
  format: string;
  /** Oldest first. */
  traces: FileTrace[];
  /** Spans that could not be shown, and why. */
  warnings: string[];
}

interface Doc {
  value: unknown;
  text: string;
  /** Prefix for error messages: which line of a JSON-lines file. */
  where: string;
}

const describe = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v).slice(0, 30)}`);

function documents(text: string): { docs: Doc[]; lines: boolean } {
  if (text.trim() === '') throw new TraceFileError('The file is empty.');
  try {
    return { docs: [{ value: JSON.parse(text), text, where: '' }], lines: false };
  } catch (whole) {
    const lines = text.split('\n').map((t, i) => ({ t, n: i + 1 })).filter((l) => l.t.trim() !== '');
    if (lines.length > 1 && lines[0].t.trim().startsWith('{')) {
      const docs: Doc[] = lines.map(({ t, n }) => {
        try {
          return { value: JSON.parse(t), text: t, where: `line ${n}: ` };
        } catch (e) {
          throw new TraceFileError(`Not valid JSON or JSON lines: line ${n}: ${(e as Error).message}`);
        }
      });
      return { docs, lines: true };
    }
    throw new TraceFileError(`Not valid JSON: ${(whole as Error).message}`);
  }
}

function decodeOtlp(text: string, where: string): TracesData {
  try {
    return decodeExportRequestJson(text);
  } catch (e) {
    if (e instanceof OtlpDecodeError) throw new TraceFileError(`${where}${e.message}`);
    throw e;
  }
}

/** The format of one JSON document and its spans, or a message naming what was expected. */
function readDoc(doc: Doc): { format: FileFormat; data: TracesData[] } {
  const v = doc.value;
  const at = (path: string) => `${doc.where}${path}`;
  if (Array.isArray(v) && v.length > 0 && v.every(isJaegerTrace)) {
    return { format: 'jaeger', data: v.map((t, i) => jaegerTraceToOtlp(t, at(`[${i}]`))) };
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new TraceFileError(`${doc.where}Expected a JSON object holding a trace, got ${describe(v)}.`);
  }
  const o = v as Record<string, unknown>;
  if (o.resourceSpans != null || o.resource_spans != null) return { format: 'otlp', data: [decodeOtlp(doc.text, doc.where)] };
  if (o.batches != null) return { format: 'tempoV1', data: [decodeOtlp(doc.text, doc.where)] };
  if (typeof o.trace === 'object' && o.trace !== null && !Array.isArray(o.trace)) {
    // Tempo v2 wraps the trace; re-encoding the inner object keeps one OTLP decoder for all.
    return { format: 'tempoV2', data: [decodeOtlp(JSON.stringify(o.trace), at('trace.'))] };
  }
  if (Array.isArray(o.data)) {
    if (o.data.length === 0 && Array.isArray(o.errors) && o.errors.length) {
      throw new TraceFileError(`${doc.where}This Jaeger response holds no traces, only errors: ${JSON.stringify(o.errors).slice(0, 200)}`);
    }
    return { format: 'jaeger', data: o.data.map((t, i) => jaegerTraceToOtlp(t, at(`data[${i}]`))) };
  }
  if (isJaegerTrace(o)) return { format: 'jaeger', data: [jaegerTraceToOtlp(o, at('trace'))] };
  const keys = Object.keys(o).slice(0, 8);
  throw new TraceFileError(
    `${doc.where}Not a trace file this page knows. Expected OTLP JSON (a "resourceSpans" array), Tempo JSON ("batches", or "trace" holding "resourceSpans") ` +
      `or Jaeger JSON ("data": [{traceID, spans, processes}]); the top-level keys are ${keys.length ? keys.map((k) => `"${k}"`).join(', ') : 'none (an empty object)'}.`,
  );
}

/** Splits spans by trace ID, keeping each one's resource and scope. */
function addByTrace(td: TracesData, into: Map<string, TracesData>): void {
  for (const rs of td.resourceSpans) {
    const perTrace = new Map<string, ResourceSpans>();
    for (const ss of rs.scopeSpans) {
      for (const span of ss.spans) {
        let r = perTrace.get(span.traceId);
        if (!r) {
          r = { resource: rs.resource, schemaUrl: rs.schemaUrl, scopeSpans: [] };
          perTrace.set(span.traceId, r);
        }
        let s = r.scopeSpans[r.scopeSpans.length - 1];
        if (!s || s.scope !== ss.scope) {
          s = { scope: ss.scope, schemaUrl: ss.schemaUrl, spans: [] };
          r.scopeSpans.push(s);
        }
        s.spans.push(span);
      }
    }
    for (const [id, r] of perTrace) {
      const t = into.get(id);
      if (t) t.resourceSpans.push(r);
      else into.set(id, { resourceSpans: [r] });
    }
  }
}

function summarise(traceId: string, data: TracesData): FileTrace {
  let spans = 0;
  let start: bigint | undefined;
  let end: bigint | undefined;
  let root: { service: string; name: string; start: bigint } | undefined;
  const services = new Set<string>();
  for (const rs of data.resourceSpans) {
    const service = stringAttr(rs.resource.attributes, 'service.name') ?? UNKNOWN_SERVICE;
    services.add(service);
    for (const ss of rs.scopeSpans) {
      for (const s of ss.spans) {
        spans++;
        if (start === undefined || s.startTimeUnixNano < start) start = s.startTimeUnixNano;
        if (end === undefined || s.endTimeUnixNano > end) end = s.endTimeUnixNano;
        if (s.parentSpanId === '' && (!root || s.startTimeUnixNano < root.start)) root = { service, name: s.name, start: s.startTimeUnixNano };
      }
    }
  }
  const durationUs = start !== undefined && end !== undefined && end > start ? Number(end - start) / 1000 : 0;
  return { traceId, data, spans, services: [...services].sort(), rootService: root?.service ?? '', rootName: root?.name ?? '', startNs: start ?? 0n, durationUs };
}

/**
 * Reads a trace file's text.
 * @throws TraceFileError naming the field and what was expected, for anything it cannot read.
 */
export function parseTraceFile(text: string): TraceFile {
  const { docs, lines } = documents(text);
  const formats = new Set<FileFormat>();
  const warnings: string[] = [];
  const byTrace = new Map<string, TracesData>();
  for (const doc of docs) {
    const { format, data } = readDoc(doc);
    formats.add(format);
    for (const td of data) {
      // Spans a viewer cannot place (no span id, a zero trace id) are left out and reported.
      const checked = validateTracesData(td);
      if (checked.rejected > 0) {
        const first = checked.errors[0];
        warnings.push(`${doc.where}${checked.rejected} span${checked.rejected === 1 ? ' was' : 's were'} left out${first ? ` (${first.path}: ${first.message})` : ''}.`);
      }
      addByTrace(checked.valid, byTrace);
    }
  }
  const format = [...formats].map((f) => FILE_FORMATS[f]).join(' + ') + (lines ? ` (${docs.length} lines)` : '');
  if (byTrace.size === 0) throw new TraceFileError(`The file is ${format} but holds no spans.${warnings.length ? ` ${warnings.join(' ')}` : ''}`);
  const traces = [...byTrace].map(([id, td]) => summarise(id, td));
  traces.sort((a, b) => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : a.traceId.localeCompare(b.traceId)));
  return { format, traces, warnings };
}
