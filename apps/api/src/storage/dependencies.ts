import type { Db } from '@tracegres/schema';

export interface DependencyLink {
  parent: string;
  child: string;
  callCount: number;
}

/**
 * How far before the window a parent span may start. Parents are looked up by their own start
 * time so that only the partitions near the window are read; a child starting more than this
 * after its parent (a long async job) is not counted.
 */
const PARENT_SLACK_NS = 3600n * 1_000_000_000n;

/**
 * Service-to-service call counts: every span whose parent is in the same trace and belongs to
 * another service is one call from the parent's service to the child's, counted by the child's
 * start time in [fromNs, toNs]. Same-service pairs are skipped (Jaeger's Badger/memory rule, and
 * self-loops clutter a dependency graph).
 *
 * Computed from spans for now; the same signature will read the per-minute service-graph rollups
 * once compaction writes them.
 */
export async function dependencies(db: Db, tenantId: number, fromNs: bigint, toNs: bigint): Promise<DependencyLink[]> {
  const rows = await db.query<{ parent: string; child: string; calls: string }>(
    `select p.service_name as parent, c.service_name as child, count(*)::text as calls
       from span_rows($1, $2::int8, $3::int8) c
       join span_rows($1, $4::int8, $3::int8) p on p.trace_id = c.trace_id and p.span_id = c.parent_span_id
      where c.parent_span_id is not null and p.service_name <> c.service_name
      group by 1, 2
      order by 1, 2`,
    [tenantId, fromNs.toString(), toNs.toString(), (fromNs - PARENT_SLACK_NS).toString()],
  );
  return rows.map((r) => ({ parent: r.parent, child: r.child, callCount: Number(r.calls) }));
}
