/**
 * What every part of the search compiler shares: the parameter list (user input goes only here),
 * the columns a compiled expression needs from the `sp` relation, and the compiled-value type.
 */
import { TraceQLUnsupportedError } from './errors.ts';

/** Optional `sp` columns an expression reads: span events, links, instrumentation scope. */
export type SpanColumnSet = 'events' | 'links' | 'scope';

/** Collects parameters and hands out `$n` placeholders. */
export class Params {
  readonly values: unknown[] = [];
  /** Optional `sp` columns the compiled SQL reads (`s.events`, `s.links`, `s.sc_*`). */
  readonly uses = new Set<SpanColumnSet>();
  private aliases = 0;
  add(v: unknown, cast: string): string {
    this.values.push(v);
    return `$${this.values.length}::${cast}`;
  }
  /** Drops parameters added after `mark` (for SQL that ended up not referencing them). */
  reset(mark: number): void {
    this.values.length = mark;
  }
  /** A fresh alias for a subquery (`ev3`), unique within one statement. */
  alias(prefix: string): string {
    return `${prefix}${++this.aliases}`;
  }
}

/**
 * A compiled value: `num` numeric, `text`, `bool`, `code` (status/kind smallint), `json` (an
 * attribute's jsonb, SQL NULL when absent), `nil` (the literal).
 */
export type Value =
  | { t: 'num' | 'text' | 'bool' | 'code'; sql: string }
  | { t: 'json'; sql: string }
  | { t: 'nil'; sql: 'null' };

export function unsupported(construct: string, e: { pos: { line: number; col: number } }, detail?: string): never {
  throw new TraceQLUnsupportedError(construct, e.pos, detail);
}
