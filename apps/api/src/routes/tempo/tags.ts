import { Hono } from 'hono';
import { TagScope } from '@tracegres/schema';
import {
  type Attribute,
  type Intrinsic,
  KIND_VALUES,
  type Query,
  STATUS_VALUES,
  TraceQLParseError,
  TraceQLUnsupportedError,
  parse,
  parseIdentifier,
  validate,
} from '@tracegres/traceql';
import type { Deps } from '../../deps.ts';
import { ApiError } from '../../errors.ts';
import { filteredTagValues } from '../../storage/tag-values-filtered.ts';
import { type TagWindow, tagNames, tagValues } from '../../storage/tags.ts';
import { readScope } from '../../auth/request-tenant.ts';
import { parseTimeRange } from './trace-id.ts';

/** Intrinsics Tempo offers for autocomplete (nested-set ones deliberately left out, as Tempo does). */
export const INTRINSIC_TAGS = [
  'duration', 'name', 'status', 'statusMessage', 'kind', 'rootServiceName', 'rootName', 'traceDuration',
  'event:name', 'event:timeSinceStart', 'link:spanID', 'link:traceID', 'instrumentation:name',
  'instrumentation:version', 'trace:id', 'span:id', 'span:parentID', 'span:status', 'span:statusMessage',
  'span:duration', 'span:name', 'span:kind', 'trace:rootName', 'trace:rootService', 'trace:duration',
];

const attributeScopes = {
  resource: TagScope.resource,
  span: TagScope.span,
  event: TagScope.event,
  link: TagScope.link,
  instrumentation: TagScope.instrumentation,
} as const;
type AttributeScope = keyof typeof attributeScopes;

const DEFAULT_LIMIT = 5000;
const HOUR_NS = 3_600_000_000_000n;

/**
 * The `q` filter of tag values, when it restricts anything: Tempo ignores a `q` that does not parse
 * (the editor sends incomplete queries), and `{}` / `{ true }` filter nothing.
 */
function filterOf(q: string | undefined): Query | undefined {
  if (!q || !q.trim()) return undefined;
  let query: Query;
  try {
    query = parse(q);
    validate(query);
  } catch {
    return undefined;
  }
  const body = query.body;
  if (body.kind !== 'pipeline') return undefined;
  const only = body.stages.length === 1 ? body.stages[0] : undefined;
  if (only?.kind === 'spansetFilter' && only.expr.kind === 'static' && only.expr.type === 'bool' && only.expr.value) return undefined;
  return query;
}
const MAX_LIMIT = 100_000;

export function parseLimit(v: string | undefined, def = DEFAULT_LIMIT): number {
  if (v === undefined || v === '' || v === '0') return def;
  if (!/^\d{1,9}$/.test(v)) throw new ApiError('badRequest', `invalid limit: expected a positive integer, got ${JSON.stringify(v)}`);
  return Math.min(Number(v), MAX_LIMIT);
}

function parseWindow(start?: string, end?: string): TagWindow {
  return parseTimeRange(start, end);
}

function parseScope(v: string | undefined, allowed: string[]): string | undefined {
  if (v === undefined || v === '' || v === 'all') return undefined;
  if (!allowed.includes(v)) throw new ApiError('badRequest', `invalid scope ${JSON.stringify(v)}: expected one of ${allowed.join(', ')}`);
  return v;
}

/** Grafana encodes the tag twice in the path; Hono undoes one layer. */
export function tagFromPath(raw: string): string {
  let t = raw;
  for (let i = 0; i < 2 && /%[0-9a-fA-F]{2}/.test(t); i++) {
    try {
      t = decodeURIComponent(t);
    } catch {
      break;
    }
  }
  return t;
}

const EMPTY_METRICS = {};

/** Tempo's tag-name and tag-value APIs, answered from the ingest-time dictionaries. */
export function tagRoutes(deps: Deps): Hono {
  const app = new Hono();
  const scopeNames = [...Object.keys(attributeScopes), 'intrinsic'];

  app.get('/api/search/tags', async (c) => {
    const scope = parseScope(c.req.query('scope'), scopeNames);
    const w = parseWindow(c.req.query('start'), c.req.query('end'));
    const limit = parseLimit(c.req.query('limit'));
    if (scope === 'intrinsic') return c.json({ tagNames: INTRINSIC_TAGS.slice(0, limit), metrics: EMPTY_METRICS });
    const tenant = await readScope(c, deps);
    const scopes = scope ? [attributeScopes[scope as AttributeScope]] : [TagScope.resource, TagScope.span];
    const names = tenant === undefined ? new Map() : await tagNames(tenant.db, tenant.tenantId, scopes, w, limit);
    const merged = [...new Set([...names.values()].flat())].sort().slice(0, limit);
    return c.json({ tagNames: merged, metrics: EMPTY_METRICS });
  });

  app.get('/api/v2/search/tags', async (c) => {
    const scope = parseScope(c.req.query('scope'), scopeNames);
    const w = parseWindow(c.req.query('start'), c.req.query('end'));
    const limit = parseLimit(c.req.query('limit'));
    const tenant = await readScope(c, deps);
    const wanted = (scope ? [scope] : ['resource', 'span', 'intrinsic', 'event', 'link', 'instrumentation']) as string[];
    const attrScopes = wanted.filter((s) => s !== 'intrinsic').map((s) => attributeScopes[s as AttributeScope]);
    const names = tenant === undefined || attrScopes.length === 0 ? new Map<number, string[]>() : await tagNames(tenant.db, tenant.tenantId, attrScopes, w, limit);
    const scopes = wanted.map((name) => ({
      name,
      tags: name === 'intrinsic' ? INTRINSIC_TAGS.slice(0, limit) : (names.get(attributeScopes[name as AttributeScope]) ?? []),
    }));
    return c.json({ scopes, metrics: EMPTY_METRICS });
  });

  // v1: a bare attribute name, looked up on spans and resources; values as strings.
  app.get('/api/search/tag/:name/values', async (c) => {
    const name = tagFromPath(c.req.param('name'));
    const w = parseWindow(c.req.query('start'), c.req.query('end'));
    const limit = parseLimit(c.req.query('limit'));
    if (name === 'status.code') return c.json({ tagValues: ['unset', 'ok', 'error'], metrics: EMPTY_METRICS });
    if (name === 'error') return c.json({ tagValues: ['true'], metrics: EMPTY_METRICS });
    const tenant = await readScope(c, deps);
    const scopes = name === 'name' ? [TagScope.intrinsic] : [TagScope.span, TagScope.resource];
    const rows = tenant === undefined ? [] : await tagValues(tenant.db, tenant.tenantId, scopes, name, w, limit);
    return c.json({ tagValues: [...new Set(rows.map((r) => r.value))], metrics: EMPTY_METRICS });
  });

  // v2: a TraceQL identifier (`resource.service.name`, `.foo`, `span:status`); typed values.
  app.get('/api/v2/search/tag/:name/values', async (c) => {
    const name = tagFromPath(c.req.param('name'));
    const w = parseWindow(c.req.query('start'), c.req.query('end'));
    const limit = parseLimit(c.req.query('limit'));
    let ident: Attribute | Intrinsic;
    try {
      ident = parseIdentifier(name);
    } catch (err) {
      if (err instanceof TraceQLParseError) throw new ApiError('badRequest', `invalid tag ${JSON.stringify(name)}: ${err.message}`);
      throw err;
    }
    const source = valueSource(ident);
    if ('keywords' in source) return c.json({ tagValues: source.keywords.map((value) => ({ type: 'keyword', value })), metrics: EMPTY_METRICS });
    const tenant = await readScope(c, deps);
    if (tenant === undefined) return c.json({ tagValues: [], metrics: EMPTY_METRICS });
    const { tenantId, db } = tenant;
    const filter = filterOf(c.req.query('q'));
    if (filter) {
      // Values on the spans that match the filter, in the window (the last hour without one).
      const endNs = w.endNs ?? BigInt(deps.now()) * 1_000_000n;
      const startNs = w.startNs ?? endNs - HOUR_NS;
      try {
        const rows = await filteredTagValues(db, filter, ident, { tenantId, startNs, endNs, limit, timeoutMs: deps.config.limits.queryTimeoutMs });
        if (rows) return c.json({ tagValues: rows, metrics: EMPTY_METRICS });
      } catch (e) {
        if (!(e instanceof TraceQLUnsupportedError)) throw e;
        // A filter the compiler cannot run restricts nothing, as an unparsable one does.
      }
    }
    const rows = source.scopes.length === 0 ? [] : await tagValues(db, tenantId, source.scopes, source.key, w, limit);
    return c.json({ tagValues: rows, metrics: EMPTY_METRICS });
  });

  return app;
}

type ValueSource = { keywords: readonly string[] } | { scopes: number[]; key: string };

/** Where the dictionary keeps the values of an identifier (or the fixed keywords it has). */
function valueSource(ident: Attribute | Intrinsic): ValueSource {
  if (ident.kind === 'attribute') {
    if (ident.parent) throw new ApiError('badRequest', 'the parent scope is not supported');
    const scopes = ident.scope === 'unscoped' ? [TagScope.span, TagScope.resource] : [attributeScopes[ident.scope]];
    return { scopes, key: ident.name };
  }
  switch (ident.name) {
    case 'span:status':
      return { keywords: STATUS_VALUES };
    case 'span:kind':
      return { keywords: KIND_VALUES };
    case 'span:name':
    case 'trace:rootName':
      return { scopes: [TagScope.intrinsic], key: 'name' };
    case 'trace:rootService':
      return { scopes: [TagScope.resource], key: 'service.name' };
    case 'event:name':
    case 'instrumentation:name':
    case 'instrumentation:version':
      return { scopes: [TagScope.intrinsic], key: ident.name };
    default:
      // Durations, ids and nested-set numbers have no useful list of values (Tempo answers []).
      return { scopes: [], key: '' };
  }
}
