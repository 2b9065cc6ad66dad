// Find-in-trace. The text is split on whitespace, keeping "quoted phrases" whole; a span matches
// when every term is found (case-insensitively) in its service, name, span id, status message, or
// an attribute of the span, its resource or its events (as key, value or key=value). A term
// `-text` drops attributes whose key contains `text` from consideration (to ignore noisy keys).
import type { KeyValue } from '@tracegres/otlp';
import { formatValue } from './attr-value.ts';
import type { SpanNode } from './trace-model.ts';

export interface FindQuery {
  terms: string[];
  excludeKeys: string[];
}

/** Splits the find box's text into lower-cased terms. */
export function parseFind(text: string): FindQuery {
  const terms: string[] = [];
  const excludeKeys: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const t = (m[1] ?? m[2]).toLowerCase();
    if (!t) continue;
    if (m[2] && t.startsWith('-') && t.length > 1) excludeKeys.push(t.slice(1));
    else terms.push(t);
  }
  return { terms, excludeKeys };
}

function attrsMatch(attrs: readonly KeyValue[], term: string, exclude: readonly string[]): boolean {
  for (const kv of attrs) {
    const key = kv.key.toLowerCase();
    if (exclude.length && exclude.some((x) => key.includes(x))) continue;
    const value = formatValue(kv.value).toLowerCase();
    if (key.includes(term) || value.includes(term) || `${key}=${value}`.includes(term)) return true;
  }
  return false;
}

function spanMatches(s: SpanNode, term: string, exclude: readonly string[]): boolean {
  if (s.name.toLowerCase().includes(term) || s.service.toLowerCase().includes(term)) return true;
  if (s.spanId === term) return true;
  if (s.span.status.message && s.span.status.message.toLowerCase().includes(term)) return true;
  if (attrsMatch(s.span.attributes, term, exclude)) return true;
  if (attrsMatch(s.resource.attributes, term, exclude)) return true;
  for (const ev of s.span.events) {
    if (ev.name.toLowerCase().includes(term) || attrsMatch(ev.attributes, term, exclude)) return true;
  }
  return false;
}

/** Indices of the spans matching `q`, in the order given by `order`. */
export function findSpans(spans: readonly SpanNode[], order: Int32Array, q: FindQuery): number[] {
  if (q.terms.length === 0) return [];
  const out: number[] = [];
  for (const i of order) {
    const s = spans[i];
    if (q.terms.every((t) => spanMatches(s, t, q.excludeKeys))) out.push(i);
  }
  return out;
}
