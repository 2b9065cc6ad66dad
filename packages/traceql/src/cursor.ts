/**
 * A cursor over the lexer's tokens for the parsers: skips comments, turns `invalid` tokens into
 * parse errors when they are reached (so errors come in source order, as in Tempo), and builds
 * `parse error at line L, col C: …` errors.
 */
import type { Pos } from './ast.ts';
import { TraceQLParseError } from './errors.ts';
import { lex, type Token } from './lexer.ts';

/** How deeply expressions may nest (parentheses, prefix operators, right-associative chains). */
const MAX_NESTING = 400;
/** How deep the resulting tree may be (e.g. a chain of 1000 `&&`). */
const MAX_TREE_DEPTH = 1000;

/** Cursor over a token stream. */
export class Cursor {
  readonly tokens: Token[];
  private index = 0;
  private depth = 0;
  private readonly treeDepth = new WeakMap<object, number>();

  constructor(src: string) {
    this.tokens = lex(src).filter((t) => t.type !== 'comment');
  }

  /** The current token (never past eof). Throws if it is invalid. */
  peek(offset = 0): Token {
    const t = this.tokens[Math.min(this.index + offset, this.tokens.length - 1)];
    if (t.type === 'invalid') throw this.error(t, t.error ?? `unexpected ${describe(t)}`);
    return t;
  }

  /** Runs a nested parse, failing cleanly (not with a stack overflow) past MAX_NESTING levels. */
  nested<T>(parse: () => T): T {
    if (++this.depth > MAX_NESTING) throw this.error(this.peek(), 'query is nested too deeply');
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  /**
   * Records the depth of a new operator node built from `children` and fails past MAX_TREE_DEPTH,
   * so long operator chains cannot overflow the stack of whoever walks the tree later.
   */
  grow<T extends object>(node: T, at: Token | Pos, ...children: object[]): T {
    let d = 0;
    for (const c of children) d = Math.max(d, this.treeDepth.get(c) ?? 0);
    if (d + 1 > MAX_TREE_DEPTH) throw this.error(at, `expression is too deep (more than ${MAX_TREE_DEPTH} nested operations)`);
    this.treeDepth.set(node, d + 1);
    return node;
  }

  /** Consumes and returns the current token. */
  next(): Token {
    const t = this.peek();
    if (this.index < this.tokens.length - 1) this.index++;
    return t;
  }

  /** Whether the current token is `text` of the given type (punct, op or keyword). */
  is(text: string, type?: Token['type']): boolean {
    const t = this.peek();
    return t.text === text && (type ? t.type === type : t.type === 'punct' || t.type === 'op' || t.type === 'keyword');
  }

  /** Consumes `text` or fails with "expecting …". */
  expect(text: string, what?: string): Token {
    if (!this.is(text)) throw this.unexpected(what ?? `'${text}'`);
    return this.next();
  }

  /** A parse error at the current token: "unexpected X, expecting Y". */
  unexpected(expecting?: string, t: Token = this.peek()): TraceQLParseError {
    return this.error(t, `syntax error: unexpected ${describe(t)}${expecting ? `, expecting ${expecting}` : ''}`);
  }

  /** A parse error at a token or position. */
  error(at: Token | Pos, detail: string): TraceQLParseError {
    return new TraceQLParseError(detail, at.line, at.col);
  }
}

/** Position of a token. */
export function posOf(t: Token): Pos {
  return { line: t.line, col: t.col };
}

/** How a token is named in messages. */
export function describe(t: Token): string {
  switch (t.type) {
    case 'eof':
      return 'end of query';
    case 'string':
      return `string ${t.text.length > 40 ? t.text.slice(0, 37) + '...' : t.text}`;
    case 'attrName':
      return `attribute name ${JSON.stringify(t.value)}`;
    case 'ident':
      return `identifier ${t.text}`;
    case 'int':
    case 'float':
    case 'duration':
      return `${t.type === 'int' ? 'integer' : t.type} ${t.text}`;
    default:
      return `'${t.text.length > 40 ? t.text.slice(0, 37) + '...' : t.text}'`;
  }
}
