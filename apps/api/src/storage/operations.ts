import type { Db } from '@tracegres/schema';

export interface Operation {
  name: string;
  /** OTLP span kind number (0 = unspecified). */
  kind: number;
}

/**
 * Service names stored for a tenant: the deduplicated resources carry the same `service_name`
 * the spans are stored (and searched) under, and are a small table.
 */
export async function serviceNames(db: Db, tenantId: number): Promise<string[]> {
  const rows = await db.query<{ service_name: string }>(
    'select distinct service_name from resources where tenant_id = $1 order by service_name',
    [tenantId],
  );
  return rows.map((r) => r.service_name);
}

const MAX_OPERATIONS = 10_000;

/**
 * Distinct (span name, kind) pairs of one service (or all) among spans starting in [fromNs, toNs],
 * optionally of one kind. Read from spans for now: the per-minute span-metrics rollups that
 * compaction is getting hold exactly these pairs and will replace the scan behind this signature.
 */
export async function operations(
  db: Db,
  tenantId: number,
  service: string | undefined,
  kind: number | undefined,
  fromNs: bigint,
  toNs: bigint,
): Promise<Operation[]> {
  return db.query<Operation>(
    `select name, kind from span_rows($1, $3::int8, $4::int8)
      where ($2::text is null or service_name = $2)
        and ($5::int2 is null or kind = $5::int2)
      group by name, kind
      order by name, kind
      limit ${MAX_OPERATIONS}`,
    [tenantId, service ?? null, fromNs.toString(), toNs.toString(), kind ?? null],
  );
}
