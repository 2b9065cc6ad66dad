// Jaeger's search form, written out as TraceQL so that the editor always shows the query that
// runs. Every condition goes into one spanset filter, as Jaeger matches them all on one span;
// the duration bounds are on the whole trace (`traceDuration`), which is what the form's labels say.
import { printAttributeRef, type Attribute } from '@tracegres/traceql';
import { parseLogfmt } from './logfmt.ts';

export interface SearchForm {
  service: string;
  spanName: string;
  /** logfmt, e.g. `http.status_code=500 error=true`. */
  tags: string;
  minDuration: string;
  maxDuration: string;
}

export const emptyForm = (): SearchForm => ({ service: '', spanName: '', tags: '', minDuration: '', maxDuration: '' });

const DURATION = /^(\d+(\.\d+)?|\.\d+)(ns|us|µs|ms|s|m|h)$/;

/** True for a TraceQL duration such as `100ms`, `1.5s`, `2m`. */
export function isDuration(s: string): boolean {
  return DURATION.test(s.trim());
}

function attributeRef(key: string): string {
  // Keys already carrying a scope keep it; bare keys match span or resource attributes, like Jaeger's tags.
  const m = /^(span|resource|event|link|instrumentation)\.(.+)$/.exec(key) ?? (key.startsWith('.') ? ['', 'unscoped', key.slice(1)] : null);
  const a: Attribute = {
    kind: 'attribute',
    scope: (m ? m[1] : 'unscoped') as Attribute['scope'],
    name: m ? m[2] : key,
    parent: false,
    pos: { line: 1, col: 1 },
  };
  return printAttributeRef(a);
}

function literal(value: string, quoted: boolean): string {
  if (!quoted && /^-?\d+$/.test(value) && value.length < 16) return value;
  if (!quoted && /^-?(\d+\.\d*|\.\d+)([eE][-+]?\d+)?$/.test(value)) return value;
  if (!quoted && (value === 'true' || value === 'false')) return value;
  return JSON.stringify(value);
}

/** The TraceQL for a filled-in form; throws an Error naming a field that cannot be read. */
export function formToTraceQL(f: SearchForm): string {
  const conds: string[] = [];
  if (f.service.trim()) conds.push(`resource.service.name = ${JSON.stringify(f.service.trim())}`);
  if (f.spanName.trim()) conds.push(`name = ${JSON.stringify(f.spanName.trim())}`);
  let pairs;
  try {
    pairs = parseLogfmt(f.tags);
  } catch (e) {
    throw new Error(`attributes: ${(e as Error).message}`);
  }
  for (const p of pairs) {
    // Jaeger's `error=true` means "the span failed": in OTLP that is the status, not an attribute.
    if (p.key === 'error' && p.value === 'true' && !p.quoted) conds.push('status = error');
    else conds.push(`${attributeRef(p.key)} = ${literal(p.value, p.quoted)}`);
  }
  for (const [label, v, op] of [['min duration', f.minDuration, '>='], ['max duration', f.maxDuration, '<=']] as const) {
    const t = v.trim();
    if (!t) continue;
    if (!isDuration(t)) throw new Error(`${label}: ${JSON.stringify(t)} is not a duration (e.g. 100ms, 1.5s, 2m)`);
    conds.push(`traceDuration ${op} ${t.replace('µs', 'us')}`);
  }
  return conds.length ? `{ ${conds.join(' && ')} }` : '{}';
}
