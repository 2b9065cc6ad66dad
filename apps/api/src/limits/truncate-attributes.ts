import type { AnyValue, KeyValue, TracesData } from '@tracegres/otlp';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Truncates, in place, attribute keys and string values longer than `maxBytes` UTF-8 bytes, as
 * Tempo's distributor does with `max_attribute_bytes`: the span is kept, the long text is cut
 * at a character boundary. Covers resource, scope, span, event and link attributes, and strings
 * nested in arrays and maps. Returns how many keys and values were cut (0 when `maxBytes` is 0).
 */
export function truncateAttributes(td: TracesData, maxBytes: number): number {
  if (maxBytes <= 0) return 0;
  let cut = 0;
  const str = (s: string): string => {
    // A UTF-16 code unit is at most 3 UTF-8 bytes: most strings skip the encoding.
    if (s.length * 3 <= maxBytes) return s;
    const b = encoder.encode(s);
    if (b.length <= maxBytes) return s;
    cut++;
    let end = maxBytes;
    while (end > 0 && (b[end] & 0xc0) === 0x80) end--; // back up to the start of a character
    return decoder.decode(b.subarray(0, end));
  };
  const value = (v: AnyValue): AnyValue => {
    if (v.type === 'string') {
      const t = str(v.value);
      return t === v.value ? v : { type: 'string', value: t };
    }
    if (v.type === 'array') {
      for (let i = 0; i < v.value.length; i++) v.value[i] = value(v.value[i]);
    } else if (v.type === 'kvlist') attrs(v.value);
    return v;
  };
  const attrs = (list: KeyValue[]): void => {
    for (const kv of list) {
      kv.key = str(kv.key);
      kv.value = value(kv.value);
    }
  };
  for (const rs of td.resourceSpans) {
    attrs(rs.resource.attributes);
    for (const ss of rs.scopeSpans) {
      attrs(ss.scope.attributes);
      for (const span of ss.spans) {
        attrs(span.attributes);
        for (const e of span.events) attrs(e.attributes);
        for (const l of span.links) attrs(l.attributes);
      }
    }
  }
  return cut;
}
