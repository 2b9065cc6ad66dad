import type { Queryable } from '@tracegres/schema';

/** A step's watermark (Unix ns), or undefined before its first run. */
export async function readWatermark(db: Queryable, step: string): Promise<bigint | undefined> {
  const [row] = await db.query<{ w: string }>(`select watermark_ns::text as w from maintenance_state where step = $1`, [step]);
  return row ? BigInt(row.w) : undefined;
}

/** Moves a step's watermark; called in the same transaction as the work it covers. */
export async function writeWatermark(db: Queryable, step: string, watermarkNs: bigint, info?: unknown): Promise<void> {
  await db.query(
    `insert into maintenance_state (step, watermark_ns, info, updated_at) values ($1, $2::text::int8, $3::text::jsonb, now())
     on conflict (step) do update set watermark_ns = excluded.watermark_ns, info = excluded.info, updated_at = now()`,
    [step, watermarkNs.toString(), info === undefined ? null : JSON.stringify(info)],
  );
}
