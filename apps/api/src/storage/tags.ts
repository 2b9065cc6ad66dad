import type { Db } from '@tracegres/schema';

export interface TagWindow {
  /** Unix ns; both or neither. Entries seen in [startNs, endNs] only. */
  startNs?: bigint;
  endNs?: bigint;
}

const windowSql = (first: number) =>
  `($${first}::int8 is null or (last_seen_ns >= $${first}::int8 and first_seen_ns <= $${first + 1}::int8))`;

/** Attribute names per scope number, from the ingest-time dictionary. */
export async function tagNames(
  db: Db,
  tenantId: number,
  scopes: number[],
  w: TagWindow,
  limit: number,
): Promise<Map<number, string[]>> {
  const rows = await db.query<{ scope: number; key: string }>(
    `select scope, key from (
       select scope, key, row_number() over (partition by scope order by key) as n
         from tag_keys
        where tenant_id = $1 and scope = any($2::int2[]) and ${windowSql(3)}
     ) k where n <= $5 order by scope, key`,
    [tenantId, scopes, w.startNs?.toString() ?? null, w.endNs?.toString() ?? null, limit],
  );
  const out = new Map<number, string[]>(scopes.map((s) => [s, []]));
  for (const r of rows) out.get(r.scope)!.push(r.key);
  return out;
}

/** Distinct typed values of one key in the given scopes. */
export async function tagValues(
  db: Db,
  tenantId: number,
  scopes: number[],
  key: string,
  w: TagWindow,
  limit: number,
): Promise<{ type: string; value: string }[]> {
  return db.query<{ type: string; value: string }>(
    `select distinct value_type as type, value
       from tag_values
      where tenant_id = $1 and scope = any($2::int2[]) and key = $3 and ${windowSql(4)}
      order by value, value_type
      limit $6`,
    [tenantId, scopes, key, w.startNs?.toString() ?? null, w.endNs?.toString() ?? null, limit],
  );
}
