import { parseDurationSeconds } from '../config.ts';
import { type Command, UsageError, configFrom, databaseFlags, helpFlag, withDatabase } from './command.ts';
import { formatDurationMs, formatNsUtc, textTable } from './text-table.ts';

interface SearchTrace {
  traceID: string;
  rootServiceName: string;
  rootTraceName: string;
  startTimeUnixNano: string;
  durationMs?: number;
  spanSet?: { matched: number };
  spanSets?: { matched: number }[];
}

const MAX_LIMIT = 10_000;

export const queryCommand: Command = {
  name: 'query',
  summary: "search traces with TraceQL and print them as a table",
  usage: `Usage: tracegres query '<TraceQL>' [options]
Runs a TraceQL search directly on the database, through the same code as GET /api/search, and
prints the matching traces newest first: trace id, start (UTC), duration, root service and span,
and how many spans matched. Examples:
  tracegres query '{ status = error }'
  tracegres query '{ resource.service.name = "checkout" && duration > 500ms }' --since 24h
  tracegres query '{ span.http.route = "/cart" } >> { kind = client }' --limit 100 --json`,
  flags: {
    since: { type: 'string', meta: 'DURATION', help: 'search the traces of the last DURATION: 15m, 6h, 7d (default 1h; at most 168h)' },
    start: { type: 'string', meta: 'TIME', help: 'window start instead of --since: ISO 8601 (2026-01-31T12:00:00Z) or Unix seconds' },
    end: { type: 'string', meta: 'TIME', help: 'window end (default now), as --start' },
    limit: { type: 'int', min: 1, max: MAX_LIMIT, meta: 'N', help: 'most traces to print (default 20)' },
    tenant: { type: 'string', meta: 'ID', help: 'tenant, as X-Scope-OrgID (default single-tenant)' },
    json: { type: 'boolean', help: "print Tempo's search response as JSON instead of a table" },
    ...databaseFlags,
    ...helpFlag,
  },
  async run(flags, positionals, io) {
    if (positionals.length === 0) throw new UsageError("query needs a TraceQL expression, e.g. tracegres query '{ status = error }'");
    if (positionals.length > 1) {
      throw new UsageError(`expected one TraceQL expression, got ${positionals.length} arguments (quote the query: tracegres query '{ ... }')`);
    }
    const { startS, endS } = windowOf(flags);
    const params = new URLSearchParams({ q: positionals[0], start: String(startS), end: String(endS), limit: String(flags.limit ?? 20) });
    const headers: Record<string, string> = typeof flags.tenant === 'string' ? { 'x-scope-orgid': flags.tenant } : {};
    // The in-process job stays off: a query must not start compaction passes.
    const config = configFrom(flags, io.env, { COMPACTION_INTERVAL: '0' });
    const { createApp } = await import('../app.ts');
    const { buildDeps } = await import('../boot.ts');
    const { createLogger } = await import('../log.ts');
    return withDatabase(config, async (db) => {
      const deps = await buildDeps(config, db, { log: createLogger('error'), runtime: 'cli' });
      const res = await createApp(deps).request(`/api/search?${params}`, { headers });
      const body = await res.text();
      if (res.status !== 200) {
        io.err(`query failed (${res.status}): ${body.trim()}`);
        return 1;
      }
      if (flags.json) {
        io.out(body);
        return 0;
      }
      const traces = (JSON.parse(body) as { traces: SearchTrace[] }).traces;
      const window = `${new Date(startS * 1000).toISOString()} .. ${new Date(endS * 1000).toISOString()}`;
      if (traces.length === 0) {
        io.out(`no traces matched in ${window}`);
        return 0;
      }
      const rows = traces.map((t) => [
        t.traceID.padStart(32, '0'),
        formatNsUtc(t.startTimeUnixNano),
        t.durationMs === undefined ? '<1 ms' : formatDurationMs(t.durationMs),
        t.rootServiceName,
        t.rootTraceName,
        String((t.spanSets ?? (t.spanSet ? [t.spanSet] : [])).reduce((n, s) => n + s.matched, 0)),
      ]);
      for (const line of textTable(['TRACE ID', 'START (UTC)', 'DURATION', 'ROOT SERVICE', 'ROOT SPAN', 'MATCHED'], rows, new Set([2, 5]))) io.out(line);
      io.out(`${traces.length} trace${traces.length === 1 ? '' : 's'}, newest first, in ${window}`);
      return 0;
    });
  },
};

/** The search window in Unix seconds from --since or --start/--end. */
function windowOf(flags: Record<string, unknown>): { startS: number; endS: number } {
  if (flags.since !== undefined && (flags.start !== undefined || flags.end !== undefined)) {
    throw new UsageError('give either --since or --start/--end, not both');
  }
  const endS = flags.end === undefined ? Math.floor(Date.now() / 1000) : timeArg('end', flags.end as string);
  let startS: number;
  if (flags.start !== undefined) startS = timeArg('start', flags.start as string);
  else {
    let secs: number;
    try {
      secs = parseDurationSeconds((flags.since as string | undefined) ?? '1h');
    } catch (err) {
      throw new UsageError(`--since: ${(err as Error).message}`);
    }
    startS = endS - Math.ceil(secs);
  }
  if (endS < startS) throw new UsageError('--end is before --start');
  return { startS, endS };
}

function timeArg(name: string, text: string): number {
  if (/^\d{1,12}$/.test(text)) return Number(text);
  const ms = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) throw new UsageError(`--${name} must be an ISO 8601 time (2026-01-31T12:00:00Z) or Unix seconds, got "${text}"`);
  return Math.floor(ms / 1000);
}
