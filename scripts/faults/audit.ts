// The fault run's verdict: every acknowledged span must be stored exactly once. Also a look at
// the cluster's connections, printed when the run fails, to tell a stuck server from a slow one.
import postgres from 'postgres';

export interface Audit {
  acknowledged: number;
  /** Acknowledged spans found at least once. */
  stored: number;
  duplicated: number;
  lost: number;
  /** Rows in `spans` (acknowledged or not: a batch may commit and its answer be lost). */
  rows: number;
}

/** Counts each acknowledged span id (`traceIdHex/spanIdHex`) in the database. */
export async function auditSpans(url: string, acked: ReadonlySet<string>): Promise<Audit> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql<{ id: string; n: number }[]>`
      select replace(trace_id::text, '-', '') || '/' || encode(span_id, 'hex') as id, count(*)::int as n from spans group by 1`;
    const stored = new Map(rows.map((r) => [r.id, r.n]));
    const audit: Audit = { acknowledged: acked.size, stored: 0, duplicated: 0, lost: 0, rows: 0 };
    for (const r of rows) audit.rows += r.n;
    for (const id of acked) {
      const n = stored.get(id) ?? 0;
      if (n === 0) audit.lost++;
      else audit.stored++;
      if (n > 1) audit.duplicated++;
    }
    return audit;
  } finally {
    await sql.end({ timeout: 2 });
  }
}

/** The server's sessions as Postgres sees them (state, what they wait on, for how long). */
export async function describeConnections(url: string): Promise<string> {
  const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    const rows = await sql<{ pid: number; state: string; wait: string; age: string; query: string }[]>`
      select pid, coalesce(state, '') as state, coalesce(wait_event_type || ':' || wait_event, '') as wait,
             coalesce(round(extract(epoch from now() - state_change))::text, '') || ' s' as age, left(query, 80) as query
        from pg_stat_activity where application_name = 'tracegres' order by state_change`;
    return rows.map((r) => `  pid ${r.pid} ${r.state} ${r.wait} since ${r.age}: ${r.query.replace(/\s+/g, ' ')}`).join('\n') || '  (no tracegres sessions)';
  } catch (err) {
    return `  could not list sessions: ${(err as Error).message}`;
  } finally {
    await sql.end({ timeout: 2 });
  }
}
