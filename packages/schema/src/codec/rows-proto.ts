/**
 * A stored trace that writes itself as OTLP protobuf straight from its rows (`ProtoTrace`), the
 * path of the UI's and Grafana's trace-by-ID requests. Attributes are streamed from their stored
 * JSON (attrs-proto.ts); the rest of each span is small. The object model (`toTracesData`) is
 * built only for the JSON and Jaeger answers, and then once.
 */
import { type ProtoTrace, type ProtoWriter, type TracesData, lengthGuess, writeSpan } from '@tracegres/otlp';
import { writeAttrsJson } from './attrs-proto.ts';
import {
  type StoredResourceRow,
  type StoredScopeRow,
  type StoredSpanRow,
  assembleTrace,
  groupRows,
  spanWithoutAttrs,
} from './span-rows.ts';

export class StoredTrace implements ProtoTrace {
  readonly rows: readonly StoredSpanRow[];
  readonly resources: readonly StoredResourceRow[];
  readonly scopes: readonly StoredScopeRow[];
  #model: TracesData | undefined;

  constructor(rows: ReadonlyArray<StoredSpanRow>, resources: ReadonlyArray<StoredResourceRow>, scopes: ReadonlyArray<StoredScopeRow>) {
    this.rows = rows;
    this.resources = resources;
    this.scopes = scopes;
  }

  get spanCount(): number {
    return this.rows.length;
  }

  /** Protobuf is about the size of the stored JSON text plus ~100 bytes of ids and times a span. */
  get sizeHint(): number {
    let n = 0;
    for (const r of this.rows) n += 100 + r.name.length + (r.attrs?.length ?? 0) + (r.events?.length ?? 0) + (r.links?.length ?? 0);
    return n;
  }

  /** The span objects, for encoders that need them (JSON, Jaeger). */
  toTracesData(): TracesData {
    this.#model ??= assembleTrace(this.rows, this.resources, this.scopes);
    return this.#model;
  }

  /** Writes `TracesData` fields with the bytes `writeTracesData(w, this.toTracesData())` would. */
  writeTracesData(w: ProtoWriter): void {
    for (const { resource: res, scopes } of groupRows(this.rows, this.resources, this.scopes)) {
      w.uint32(10);
      let spans = 0;
      for (const g of scopes) spans += g.rows.length;
      const rsGuess = lengthGuess(spans);
      const rs = w.begin(rsGuess);
      const dropped = (res?.dropped_attributes_count ?? 0) >>> 0;
      if (hasAttrs(res?.attrs) || dropped !== 0) {
        w.uint32(10);
        const r = w.begin(2);
        writeAttrsJson(w, 10, res?.attrs);
        if (dropped !== 0) {
          w.uint32(16);
          w.uint32(dropped);
        }
        w.end(r, 2);
      }
      for (const { scope: sc, rows } of scopes) writeScopeSpans(w, sc, rows);
      if (res?.schema_url) {
        w.uint32(26);
        w.string(res.schema_url);
      }
      w.end(rs, rsGuess);
    }
  }
}

function writeScopeSpans(w: ProtoWriter, sc: StoredScopeRow | undefined, rows: readonly StoredSpanRow[]): void {
  w.uint32(18);
  const guess = lengthGuess(rows.length);
  const ss = w.begin(guess);
  const dropped = (sc?.dropped_attributes_count ?? 0) >>> 0;
  if (sc?.name || sc?.version || hasAttrs(sc?.attrs) || dropped !== 0) {
    w.uint32(10);
    const s = w.begin(1);
    if (sc?.name) {
      w.uint32(10);
      w.string(sc.name);
    }
    if (sc?.version) {
      w.uint32(18);
      w.string(sc.version);
    }
    writeAttrsJson(w, 26, sc?.attrs);
    if (dropped !== 0) {
      w.uint32(32);
      w.uint32(dropped);
    }
    w.end(s, 1);
  }
  for (const row of rows) {
    w.uint32(18);
    const s = w.begin(2);
    const attrs = row.attrs;
    writeSpan(w, spanWithoutAttrs(row), attrs ? (out) => writeAttrsJson(out, 74, attrs) : undefined);
    w.end(s, 2);
  }
  if (sc?.schema_url) {
    w.uint32(26);
    w.string(sc.schema_url);
  }
  w.end(ss, guess);
}

/** Whether stored attribute JSON holds any attribute (`{}` decodes to none). */
function hasAttrs(text: string | null | undefined): boolean {
  return !!text && !/^\{\s*\}$/.test(text);
}
