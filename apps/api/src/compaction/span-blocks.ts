import type { Queryable } from '@tracegres/schema';

// Moving a closed partition's span rows into per-trace blocks (migrations/0007_span_blocks.sql).

/** The span columns, in the order of `spans`, `span_blocks`' arrays and `span_rows()`. */
const COLUMNS = [
  'span_id', 'parent_span_id', 'start_ns', 'duration_ns', 'name', 'kind', 'status_code', 'status_message', 'trace_state',
  'flags', 'service_name', 'resource_id', 'scope_id', 'attrs', 'events', 'links', 'dropped_attributes_count',
  'dropped_events_count', 'dropped_links_count',
] as const;
/** span_blocks names its array of start times span_start_ns (start_ns is the block's own). */
const arrayColumn = (c: string) => (c === 'start_ns' ? 'span_start_ns' : c);
const list = (f: (c: string) => string) => COLUMNS.map(f).join(', ');

/**
 * One statement moves the span rows of one partition whose trace id falls in [$4, $5) (or from
 * $4 on) into blocks: it deletes the rows, deletes the blocks those traces already have in the
 * partition (spans that arrived after it was compacted are folded in), and writes the union as
 * blocks of at most $3 spans per trace, a span stored twice (a retried export) kept once. Rows
 * inserted while it runs are not in its snapshot and stay rows until the next pass. $1, $2: the
 * partition's bounds.
 */
const moveChunk = (bounded: boolean) => `
with moved as (
  delete from spans s
   where s.start_ns >= $1::text::int8 and s.start_ns < $2::text::int8 and s.trace_id >= $4::uuid${bounded ? ' and s.trace_id < $5::uuid' : ''}
  returning s.tenant_id, s.trace_id, ${list((c) => `s.${c}`)}
),
touched as (select distinct tenant_id, trace_id from moved),
old as (
  delete from span_blocks b using touched t
   where b.tenant_id = t.tenant_id and b.trace_id = t.trace_id and b.start_ns >= $1::text::int8 and b.start_ns < $2::text::int8
  returning b.*
),
merged as (
  select distinct on (tenant_id, trace_id, span_id, start_ns) *
    from (select m.*, 0 as fresh_last from moved m
          union all
          select o.tenant_id, o.trace_id, x.*, 1 from old o
           cross join lateral unnest(${list((c) => `o.${arrayColumn(c)}`)}) as x(${list((c) => c)})) u
   order by tenant_id, trace_id, span_id, start_ns, fresh_last
),
numbered as (
  select *, ((row_number() over (partition by tenant_id, trace_id order by start_ns, span_id) - 1) / $3::int4)::int4 as seq from merged
)
insert into span_blocks (tenant_id, trace_id, start_ns, end_ns, seq, span_count, ${list(arrayColumn)})
select tenant_id, trace_id, min(start_ns), max(start_ns + duration_ns), seq, count(*)::int4,
       ${list((c) => `array_agg(${c} order by start_ns, span_id)`)}
  from numbered
 group by tenant_id, trace_id, seq`;

const MOVE_BOUNDED = moveChunk(true);
const MOVE_OPEN = moveChunk(false);

/** Span rows per chunk: bounds the memory and the time of one statement. */
const ROWS_PER_CHUNK = 50_000;
/** Spans per block: a block of a huge trace stays far below Postgres' 1 GB per value. */
export const SPANS_PER_BLOCK = 20_000;

/** `n` equal ranges of trace ids (n a power of two), as [from, to) uuid text; the last has no end. */
export function traceIdRanges(n: number): [string, string | null][] {
  const bits = Math.log2(n);
  if (!Number.isInteger(bits) || bits > 16) throw new Error(`chunk count must be a power of two up to 65536, got ${n}`);
  const uuidOf = (prefix: number) => {
    const hex = (prefix << (16 - bits)).toString(16).padStart(4, '0') + '0'.repeat(28);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
  const out: [string, string | null][] = [];
  for (let i = 0; i < n; i++) out.push([uuidOf(i), i + 1 < n ? uuidOf(i + 1) : null]);
  return out;
}

/**
 * Moves every span row of the partition [fromNs, toNs) into blocks, in chunks of trace ids, each
 * its own transaction (killed midway, a rerun carries on). Returns the rows moved.
 */
export async function moveRowsToBlocks(db: Queryable, partition: string, fromNs: bigint, toNs: bigint, spansPerBlock = SPANS_PER_BLOCK): Promise<number> {
  const [{ n }] = await db.query<{ n: number }>(`select count(*)::int4 as n from "${partition}"`);
  if (n === 0) return 0;
  let chunks = 1;
  while (chunks * ROWS_PER_CHUNK < n && chunks < 4096) chunks *= 2;
  for (const [lo, hi] of traceIdRanges(chunks)) {
    const params = [fromNs.toString(), toNs.toString(), spansPerBlock, lo];
    await db.query(hi ? MOVE_BOUNDED : MOVE_OPEN, hi ? [...params, hi] : params);
  }
  return n;
}
