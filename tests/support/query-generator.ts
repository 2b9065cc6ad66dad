// Random TraceQL search queries from the grammar, over the vocabulary of semantic-dataset.ts, for
// comparing the SQL compiler with the reference evaluator. Seeded: the same seed gives the same
// queries. Only valid queries that Tempo accepts come out (each is parsed and validated); the
// generator avoids what the compiler rejects by design (integer division, regex syntax outside
// the RE2/Postgres common subset, spanset operators over by() groups).
import { Rng } from '@tracegres/loadgen';
import { parse, validate } from '@tracegres/traceql';

type Kind = 'str' | 'int' | 'float' | 'bool' | 'dur';

/** Fields by value kind; `[]` marks an array attribute. */
const FIELDS: Record<Kind, string[]> = {
  str: [
    'span.http.method', '.http.method', 'resource.service.name', 'resource.region', '.region', 'span.code', 'span.shared', '.shared',
    'resource.shared', 'event.shared', 'link.shared', 'instrumentation.shared', 'event.exception.type', 'link.link.kind',
    'span."weird key"', '.only_event', '.only_link', 'instrumentation.lib.lang', '.deployment.environment.name', 'span.tags', '.val',
    'name', 'span:name', 'statusMessage', 'span:statusMessage', 'trace:rootName', 'rootName', 'trace:rootService', 'rootServiceName',
    'event:name', 'link:traceID', 'link:spanID', 'instrumentation:name', 'instrumentation:version', '.tags',
  ],
  int: [
    'span.http.status_code', '.http.status_code', '.rows', 'span.rows', 'resource.rows', 'resource.host.cores', 'event.attempt',
    'link.weight', 'instrumentation.lib.major', 'span.nums', '.val', '.nums',
  ],
  float: ['span.ratio', '.ratio', 'event.ev.ratio', 'span.weights', '.val'],
  bool: ['span.hit', '.hit', 'resource.res.flag', 'event.retry.ok', 'link.only_link', 'span.flags', '.val'],
  dur: ['duration', 'span:duration', 'trace:duration', 'traceDuration', 'event:timeSinceStart'],
};
const STRING_LITERALS = ['"GET"', '"POST"', '"red"', '"green"', '"blue"', '"prod"', '"eu"', '"from-span"', '"from-resource"', '"from-event"',
  '"from-link"', '"from-scope"', '"IOError"', '"follows"', '"x\\"y"', '"a b"', '"200"', '"db"', '"api"', '"gateway"', '"charge"', '"retry"',
  '"exception"', '"http"', '"sql"', '"1.2.0"', '""', '"boom"', '"one"', '"e1"', '"go"', '"SELECT orders"', '`GET /orders`', '"m"'];
const REGEXES = ['"GET|POST"', '"r.*"', '".*e.*"', '"(?i)get"', '"[a-c].*"', '"from-.*"', '"e[0-9]"', '"x\\"y"', '".+s"', '"(db|api)"', '"re.?"'];
const INT_LITERALS = ['0', '1', '2', '3', '5', '42', '100', '200', '404', '500', '-7', '7'];
const FLOAT_LITERALS = ['0.25', '0.5', '1.5', '2.0', '-0.5', '19.75', '.75'];
const DUR_LITERALS = ['1ms', '2ms', '5ms', '20ms', '100ms', '250ms', '1.5s', '250us', '1s', '2m', '0s', '1h'];
const STATUS = ['ok', 'error', 'unset'];
const KINDS = ['server', 'client', 'internal', 'producer', 'consumer', 'unspecified'];
const CMP = ['=', '!=', '<', '<=', '>', '>='];
const SPANSET_OPS = ['&&', '||', '>', '>>', '<', '<<', '~', '!>', '!>>', '!<', '!<<', '!~', '&>', '&>>', '&<', '&<<', '&~'];

export class QueryGenerator {
  private rng: Rng;

  constructor(seed: number) {
    this.rng = new Rng(seed);
  }

  private pick<T>(xs: readonly T[]): T {
    return this.rng.pick(xs);
  }

  private numLiteral(k: Kind): string {
    if (k === 'dur') return this.pick(DUR_LITERALS);
    return this.rng.chance(0.5) || k === 'int' ? this.pick(INT_LITERALS) : this.pick(FLOAT_LITERALS);
  }

  private numField(): [string, Kind] {
    const k = this.pick<Kind>(['int', 'int', 'float', 'dur']);
    return [this.pick(FIELDS[k]), k];
  }

  /** A numeric expression: a field, maybe with arithmetic. */
  private numExpr(): [string, Kind] {
    const [f, k] = this.numField();
    if (!this.rng.chance(0.25)) return [f, k];
    const op = this.pick(['+', '-', '*', '%', '/', '^', 'neg']);
    if (op === 'neg') return [`-${f}`, k];
    if (op === '/') return [`${f} / ${this.pick(['2.0', '0.5', '4.0', '0.0'])}`, k];
    if (op === '^') return [`${f} ^ ${this.pick(['2', '0', '0.5', '-1'])}`, k];
    if (op === '%') return [`${f} % ${this.pick(['2', '3', '7', '0', '1.5'])}`, k];
    return [`${f} ${op} ${k === 'dur' ? this.pick(DUR_LITERALS) : this.pick(INT_LITERALS)}`, k];
  }

  /** A boolean condition for one span. */
  leaf(): string {
    switch (this.rng.int(0, 11)) {
      case 0:
      case 1:
        return `${this.pick(FIELDS.str)} ${this.pick(CMP)} ${this.pick(STRING_LITERALS)}`;
      case 2:
        return `${this.pick(FIELDS.str)} ${this.pick(['=~', '!~'])} ${this.pick(REGEXES)}`;
      case 3:
      case 4: {
        const [e, k] = this.numExpr();
        return `${e} ${this.pick(CMP)} ${this.numLiteral(k)}`;
      }
      case 5:
        return this.rng.chance(0.5) ? this.pick(FIELDS.bool) : `${this.pick(FIELDS.bool)} ${this.pick(['=', '!='])} ${this.pick(['true', 'false'])}`;
      case 6:
        return `${this.pick(['status', 'span:status'])} ${this.pick(['=', '!='])} ${this.pick(STATUS)}`;
      case 7:
        return `${this.pick(['kind', 'span:kind'])} ${this.pick(['=', '!='])} ${this.pick(KINDS)}`;
      case 8: {
        const attrs = [...FIELDS.str, ...FIELDS.int, ...FIELDS.bool].filter((f) => !/^[a-z]+:|^[a-zA-Z]+$/.test(f) && f !== 'resource.service.name');
        return `${this.pick(attrs)} ${this.pick(['=', '!='])} nil`;
      }
      case 9:
        return this.pick(['.rows > resource.rows', 'span.shared = resource.shared', '.rows = .http.status_code', 'span.rows <= event.attempt',
          'name = trace:rootName', 'span:duration < trace:duration', 'event.attempt > link.weight', '.val = 1', '.val = "one"', '.val > 1.0',
          '.val = error', '.rows != kind', 'span.ratio ^ 0.5 > 0', '.rows ^ -1 > 0.01', 'span.rows = span.rows', '.tags = .http.method']);
      case 10:
        return `${this.pick(['event:name', 'event.exception.type'])} = ${this.pick(['"exception"', '"retry"', '"IOError"'])} ${this.pick(['&&', '||'])} ${this.pick(['event.attempt > 1', 'event:timeSinceStart > 1ms'])}`;
      default:
        return this.pick(['true', 'false', '1 = 1', '"a" < "b"', '2ms > 1ms']);
    }
  }

  /** A field expression of the given nesting depth. */
  expr(depth: number): string {
    if (depth <= 0 || this.rng.chance(0.4)) return this.leaf();
    switch (this.rng.int(0, 3)) {
      case 0:
        return `${this.expr(depth - 1)} && ${this.expr(depth - 1)}`;
      case 1:
        return `(${this.expr(depth - 1)} || ${this.expr(depth - 1)})`;
      case 2:
        return `!(${this.expr(depth - 1)})`;
      default:
        return `(${this.expr(depth - 1)})`;
    }
  }

  filter(): string {
    return this.rng.chance(0.1) ? '{ }' : `{ ${this.expr(2)} }`;
  }

  spanset(depth: number): string {
    if (depth <= 0 || this.rng.chance(0.45)) return this.filter();
    const op = this.pick(SPANSET_OPS);
    const wrap = (s: string) => (s.startsWith('{') ? s : `(${s})`);
    return `${wrap(this.spanset(depth - 1))} ${op} ${wrap(this.spanset(depth - 1))}`;
  }

  private scalarFilter(): string {
    if (this.rng.chance(0.4)) return `count() ${this.pick(CMP)} ${this.pick(['0', '1', '2', '3', '5'])}`;
    const [f, k] = this.numExpr();
    return `${this.pick(['avg', 'min', 'max', 'sum'])}(${f}) ${this.pick(CMP)} ${this.numLiteral(k)}`;
  }

  private byExpr(): string {
    return this.pick(['resource.service.name', 'span:status', 'kind', 'name', '.http.method', 'span.hit', 'resource.region', '.rows * 2',
      'event:name', 'instrumentation:name', 'duration', '.val', 'span.http.status_code >= 400', 'link.link.kind', 'statusMessage', '.tags',
      'event.attempt', '-.rows', '.ratio * 2', 'trace:rootService', 'link:traceID']);
  }

  private selectList(): string {
    const xs = ['span.http.method', '.rows', 'resource.region', 'event.attempt', 'link.weight', 'instrumentation.lib.lang', 'status', 'kind',
      'statusMessage', 'name', '.shared', 'span."weird key"', '.tags'];
    const n = this.rng.int(1, 3);
    return [...new Set(Array.from({ length: n }, () => this.pick(xs)))].join(', ');
  }

  /** A whole query: a spanset expression and maybe pipeline stages and a hint. */
  query(): string {
    const stages = [this.spanset(2)];
    if (this.rng.chance(0.25)) stages.push(this.scalarFilter());
    if (this.rng.chance(0.25)) {
      stages.push(`by(${this.byExpr()})`);
      if (this.rng.chance(0.5)) stages.push(this.scalarFilter());
      if (this.rng.chance(0.3)) stages.push(this.filter());
      if (this.rng.chance(0.3)) stages.push('coalesce()');
    }
    if (this.rng.chance(0.15)) stages.push(`select(${this.selectList()})`);
    return stages.join(' | ') + (this.rng.chance(0.05) ? ' with(most_recent=true)' : '');
  }

  /** `n` distinct valid queries. */
  queries(n: number): string[] {
    const out = new Set<string>();
    for (let tries = 0; out.size < n && tries < n * 20; tries++) {
      const q = this.query();
      try {
        validate(parse(q));
      } catch {
        continue;
      }
      out.add(q);
    }
    return [...out];
  }
}
