import type { Queryable } from '@tracegres/schema';
import { HASH_JOINS_ONLY } from '@tracegres/schema';
import { type CompactionContext, MINUTE_NS, nowNs } from './context.ts';
import { EDGES_OF_WINDOW, EDGE_KEY, EDGE_VALUES, SPAN_METRICS_OF_WINDOW, SPAN_METRIC_KEY, SPAN_METRIC_VALUES } from './rollup-sql.ts';
import { readWatermark, writeWatermark } from './state.ts';

export const ROLLUP_STEP = 'rollups';
/** Minutes rolled up per transaction (bounded work, frequent watermark progress). */
const CHUNK_MINUTES = 10n;
/** How far before/after the window a request's other side is looked for (clock skew, long calls). */
const PAIR_SLACK_NS = 5n * MINUTE_NS;

/**
 * Step 3: rolls spans up into per-minute span metrics and service-graph edges. Each chunk of
 * minutes is one transaction that recomputes the chunk from the spans, adds (new - old) to the
 * running totals and replaces the chunk's rows, then moves the watermark: rerunning any chunk
 * gives the same rows and totals, so the step can be killed at any moment. Every pass also redoes
 * the last `relookMinutes` before the watermark, which takes in spans that arrived late.
 */
export async function rollUp(ctx: CompactionContext): Promise<{ minutes: number; fromNs?: bigint; toNs?: bigint }> {
  const end = floorMinute(nowNs(ctx) - BigInt(ctx.settings.settleSeconds) * 1_000_000_000n);
  let w = await readWatermark(ctx.db, ROLLUP_STEP);
  if (w === undefined) {
    const [row] = await ctx.db.query<{ lo: string | null }>(`select min(start_ns)::text as lo from traces`);
    if (!row?.lo) return { minutes: 0 };
    w = floorMinute(BigInt(row.lo));
  }
  const retentionFloor = floorMinute(nowNs(ctx) - BigInt(ctx.settings.retentionSeconds) * 1_000_000_000n);
  let from = w - BigInt(ctx.settings.relookMinutes) * MINUTE_NS;
  if (from < retentionFloor) from = retentionFloor;
  const start = from;
  let minutes = 0;
  while (from < end) {
    const to = from + CHUNK_MINUTES * MINUTE_NS < end ? from + CHUNK_MINUTES * MINUTE_NS : end;
    await ctx.db.transaction(async (tx) => {
      // Fresh partitions may have no statistics yet: a nested loop over the pairing join would be
      // quadratic in the spans of a big trace, so hash joins and bitmap (BRIN) scans only.
      await tx.query(HASH_JOINS_ONLY);
      await tx.query(`set local enable_indexscan = off`);
      await replaceWindow(tx, 'span_metrics', SPAN_METRICS_OF_WINDOW, SPAN_METRIC_KEY, SPAN_METRIC_VALUES, from, to);
      await replaceWindow(tx, 'service_graph', EDGES_OF_WINDOW, EDGE_KEY, EDGE_VALUES, from, to);
      if (to > w!) await writeWatermark(tx, ROLLUP_STEP, to);
    });
    minutes += Number((to - from) / MINUTE_NS);
    from = to;
  }
  return { minutes, fromNs: start, toNs: end };
}

function floorMinute(ns: bigint): bigint {
  return ns - (((ns % MINUTE_NS) + MINUTE_NS) % MINUTE_NS);
}

async function replaceWindow(tx: Queryable, table: string, windowSql: string, key: string[], values: string[], from: bigint, to: bigint): Promise<void> {
  const window = [from.toString(), to.toString()];
  const params = windowSql.includes('$3') ? [...window, PAIR_SLACK_NS.toString()] : window;
  const minuteTable = `${table}_1m`;
  const totals = `${table}_total`;
  await tx.query(`create temp table if not exists rollup_new (like ${minuteTable}) on commit drop`);
  await tx.query(`truncate rollup_new`);
  const cols = ['tenant_id', 'minute_ns', ...key.slice(1), ...values];
  await tx.query(`insert into rollup_new (${cols.join(', ')}) select ${cols.join(', ')} from (${windowSql}) w`, params);
  // Totals move by what this pass changes: new rows minus the rows they replace.
  const sums = values.map((v) => `sum(${v})::int8 as ${v}`).join(', ');
  const neg = values.map((v) => `-${v}`).join(', ');
  await tx.query(
    `insert into ${totals} (${[...key, ...values].join(', ')})
     select ${key.join(', ')}, ${sums}
       from (select ${key.join(', ')}, ${values.join(', ')} from rollup_new
             union all
             select ${key.join(', ')}, ${neg} from ${minuteTable} where minute_ns >= $1::text::int8 and minute_ns < $2::text::int8) d
      group by ${key.join(', ')}
     on conflict (${key.join(', ')}) do update set ${values.map((v) => `${v} = ${totals}.${v} + excluded.${v}`).join(', ')}`,
    window,
  );
  await tx.query(`delete from ${minuteTable} where minute_ns >= $1::text::int8 and minute_ns < $2::text::int8`, window);
  await tx.query(`insert into ${minuteTable} select * from rollup_new`);
  await tx.query(`drop table rollup_new`);
}
