/**
 * Per-span validation after decoding (reference otlp.md §2.4): bad spans are dropped and counted
 * so the receiver can answer with `partial_success` instead of failing the whole request.
 */

import type { ResourceSpans, ScopeSpans, Span, TracesData } from './model.ts';

export interface ValidationError {
  /** JSON path of the offending field, e.g. `resourceSpans[0].scopeSpans[1].spans[3].traceId`. */
  path: string;
  message: string;
}

export interface ValidationResult {
  /** The acceptable spans; the input itself when nothing was dropped. */
  valid: TracesData;
  /** Number of spans dropped. */
  rejected: number;
  /** The first problem of each rejected span, at most MAX_ERRORS of them, one per distinct message. */
  errors: ValidationError[];
}

/** Enough to tell a sender what is wrong without sending back a message per bad span. */
export const MAX_ERRORS = 10;

const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);
const LOWER_HEX = /^[0-9a-f]*$/;

/**
 * Drops spans whose trace id is not 16 non-zero bytes, span id not 8 non-zero bytes, parent id
 * neither empty nor 8 bytes, a link id of the wrong length, or a start time of 0; then drops scope
 * and resource envelopes left without spans. Does not modify its input.
 */
export function validateTracesData(td: TracesData): ValidationResult {
  const errors: ValidationError[] = [];
  const seen = new Set<string>();
  let rejected = 0;
  let changed = false;
  const out: ResourceSpans[] = [];
  for (let r = 0; r < td.resourceSpans.length; r++) {
    const rs = td.resourceSpans[r];
    const scopes: ScopeSpans[] = [];
    let rsChanged = false;
    for (let s = 0; s < rs.scopeSpans.length; s++) {
      const ss = rs.scopeSpans[s];
      let kept: Span[] | undefined;
      for (let i = 0; i < ss.spans.length; i++) {
        const problem = spanProblem(ss.spans[i]);
        if (problem === undefined) {
          kept?.push(ss.spans[i]);
          continue;
        }
        // First rejection in this scope: copy the good spans seen so far.
        kept ??= ss.spans.slice(0, i);
        rejected++;
        if (errors.length < MAX_ERRORS && !seen.has(problem[1])) {
          seen.add(problem[1]);
          errors.push({ path: `resourceSpans[${r}].scopeSpans[${s}].spans[${i}].${problem[0]}`, message: problem[1] });
        }
      }
      const spans = kept ?? ss.spans;
      if (spans.length === 0) {
        rsChanged = true;
        continue;
      }
      if (kept !== undefined) rsChanged = true;
      scopes.push(kept === undefined ? ss : { ...ss, spans });
    }
    if (scopes.length === 0) {
      changed = true;
      continue;
    }
    if (rsChanged) changed = true;
    out.push(rsChanged ? { ...rs, scopeSpans: scopes } : rs);
  }
  return { valid: changed ? { resourceSpans: out } : td, rejected, errors };
}

/** The first problem of a span as [field path relative to the span, message], or undefined. */
function spanProblem(span: Span): [string, string] | undefined {
  let m = idProblem(span.traceId, 16, ZERO_TRACE_ID);
  if (m !== undefined) return ['traceId', m];
  m = idProblem(span.spanId, 8, ZERO_SPAN_ID);
  if (m !== undefined) return ['spanId', m];
  if (span.parentSpanId !== '' && (span.parentSpanId.length !== 16 || !LOWER_HEX.test(span.parentSpanId))) {
    return ['parentSpanId', `must be empty or 8 bytes, got ${byteLength(span.parentSpanId)}`];
  }
  for (let i = 0; i < span.links.length; i++) {
    const l = span.links[i];
    if (l.traceId.length !== 32 || !LOWER_HEX.test(l.traceId)) {
      return [`links[${i}].traceId`, `must be 16 bytes, got ${byteLength(l.traceId)}`];
    }
    if (l.spanId.length !== 16 || !LOWER_HEX.test(l.spanId)) {
      return [`links[${i}].spanId`, `must be 8 bytes, got ${byteLength(l.spanId)}`];
    }
  }
  if (span.startTimeUnixNano === 0n) return ['startTimeUnixNano', 'must not be 0'];
  return undefined;
}

function idProblem(id: string, bytes: number, zero: string): string | undefined {
  if (id.length !== 2 * bytes || !LOWER_HEX.test(id)) return `must be ${bytes} bytes, got ${byteLength(id)}`;
  if (id === zero) return 'must not be all zeros';
  return undefined;
}

/** Byte count of a hex id for messages; the decoders only produce hex, so anything else is named as such. */
function byteLength(hex: string): string {
  return (hex.length & 1) === 0 && LOWER_HEX.test(hex) ? String(hex.length >> 1) : `non-hex ${JSON.stringify(hex.slice(0, 40))}`;
}
