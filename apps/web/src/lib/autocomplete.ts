// What the TraceQL editor can offer at the cursor: a field (scope or intrinsic) where an
// expression starts, an attribute name after a scope, or a value after a comparison. Worked out
// from our own tokenizer on the text before the cursor, so half-typed queries still complete.
import { tokenize, type HighlightToken } from '@tracegres/traceql';

export type CompletionContext =
  | { kind: 'field'; prefix: string; from: number }
  | { kind: 'attribute'; scope: string; prefix: string; from: number }
  | { kind: 'value'; identifier: string; prefix: string; from: number; quoted: boolean };

export const SCOPES = ['resource.', 'span.', '.', 'event.', 'link.', 'instrumentation.'] as const;

export const INTRINSICS = [
  'name', 'status', 'statusMessage', 'duration', 'kind', 'traceDuration', 'rootName', 'rootServiceName',
  'event:name', 'link:traceID', 'span:id', 'trace:id', 'instrumentation:name',
] as const;

/** Fixed values of intrinsics that have them. */
export const INTRINSIC_VALUES: Record<string, readonly string[]> = {
  status: ['error', 'ok', 'unset'],
  'span:status': ['error', 'ok', 'unset'],
  kind: ['server', 'client', 'producer', 'consumer', 'internal', 'unspecified'],
  'span:kind': ['server', 'client', 'producer', 'consumer', 'internal', 'unspecified'],
};

const COMPARISONS = new Set(['=', '!=', '=~', '!~', '>', '<', '>=', '<=']);
const FIELD_STARTS = new Set(['{', '&&', '||', '(', '!']);

function scopeName(scopeToken: string): string {
  return scopeToken === '.' ? 'unscoped' : scopeToken.slice(0, -1);
}

/** The identifier (as the tag-values API takes it) ending at token `k`, or undefined. */
function identifierBefore(toks: HighlightToken[], k: number): string | undefined {
  const t = toks[k];
  if (!t) return undefined;
  if (t.kind === 'intrinsic') return t.text;
  if (t.kind === 'attribute' && toks[k - 1]?.kind === 'scope') return toks[k - 1].text + t.text;
  return undefined;
}

/** The completion context at `cursor` in `text`, or null when nothing fits there. */
export function completionContext(text: string, cursor: number): CompletionContext | null {
  const toks = tokenize(text.slice(0, cursor)).filter((t) => t.kind !== 'comment');
  const last = toks[toks.length - 1];
  const touching = last && last.end === cursor;
  // Inside or right after a word: what it completes depends on the token before it.
  const k = touching ? toks.length - 2 : toks.length - 1;
  const prev = toks[k];
  if (touching && (last.kind === 'punctuation' || last.kind === 'operator') && FIELD_STARTS.has(last.text)) {
    return { kind: 'field', prefix: '', from: cursor };
  }
  if (touching && last.kind === 'scope') return { kind: 'attribute', scope: scopeName(last.text), prefix: '', from: cursor };
  if (touching && last.kind === 'attribute' && prev?.kind === 'scope') {
    return { kind: 'attribute', scope: scopeName(prev.text), prefix: last.text, from: last.start };
  }
  if (prev && prev.kind === 'operator' && COMPARISONS.has(prev.text)) {
    const identifier = identifierBefore(toks, k - 1);
    if (!identifier) return null;
    if (!touching) return { kind: 'value', identifier, prefix: '', from: cursor, quoted: false };
    if (last.text.startsWith('"')) {
      const closed = last.kind === 'string';
      if (closed) return null;
      return { kind: 'value', identifier, prefix: last.text.slice(1), from: last.start, quoted: true };
    }
    if (/^[\w-]*$/.test(last.text)) return { kind: 'value', identifier, prefix: last.text, from: last.start, quoted: false };
    return null;
  }
  const fieldStart = !prev || (prev.kind === 'punctuation' || prev.kind === 'operator') && FIELD_STARTS.has(prev.text);
  if (!fieldStart) return null;
  if (!touching) return last && !FIELD_STARTS.has(last.text) ? null : { kind: 'field', prefix: '', from: cursor };
  if (last.kind === 'intrinsic' || last.kind === 'identifier' || last.kind === 'literal' || last.kind === 'function') {
    return { kind: 'field', prefix: last.text, from: last.start };
  }
  return null;
}

/** Suggestions for a field position: scopes first, then intrinsics, filtered by the prefix. */
export function fieldSuggestions(prefix: string): string[] {
  const all = [...SCOPES, ...INTRINSICS];
  return all.filter((s) => s.startsWith(prefix) && s !== prefix);
}

/** Text to insert for a value of the given type. */
export function valueText(value: string, type: string, quoted: boolean): string {
  if (quoted || type === 'string') return JSON.stringify(value);
  return value;
}
