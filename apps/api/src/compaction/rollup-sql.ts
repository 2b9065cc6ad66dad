import { SERVICE_GRAPH_BUCKETS_S, SPAN_METRICS_BUCKETS_S } from '@tracegres/schema';

// SQL of the rollup step. Every query takes the minute window [$1, $2) as int8 text and the
// pairing slack $3; bucket bounds are our constants, never user input.
// They read `spans` itself, not span_rows(): a partition's rows move into blocks only after the
// rollups (and their look-back) have passed it (storage-step.ts).

const bound = (s: number) => BigInt(Math.round(s * 1e9)).toString();
const leCounts = (col: string, prefix: string, bounds: readonly number[]) =>
  bounds.map((b, i) => `count(*) filter (where ${col} <= ${bound(b)}) as ${prefix}${i}`).join(',\n       ');

export const SPAN_METRIC_KEY = ['tenant_id', 'service', 'span_name', 'span_kind', 'status_code'];
export const SPAN_METRIC_VALUES = ['calls', 'duration_sum_ns', ...SPAN_METRICS_BUCKETS_S.map((_, i) => `le${i}`)];
export const EDGE_KEY = ['tenant_id', 'client', 'server', 'connection_type'];
export const EDGE_VALUES = [
  'calls',
  'failed',
  'client_sum_ns',
  'server_sum_ns',
  ...SERVICE_GRAPH_BUCKETS_S.map((_, i) => `cle${i}`),
  ...SERVICE_GRAPH_BUCKETS_S.map((_, i) => `sle${i}`),
];

/** Span metrics (RED) of the spans that start in the window, per minute. */
export const SPAN_METRICS_OF_WINDOW = `
select tenant_id, (start_ns / 60000000000) * 60000000000 as minute_ns, service_name as service, name as span_name,
       kind as span_kind, status_code, count(*) as calls, sum(duration_ns)::int8 as duration_sum_ns,
       ${leCounts('duration_ns', 'le', SPAN_METRICS_BUCKETS_S)}
  from spans
 where start_ns >= $1::text::int8 and start_ns < $2::text::int8
 group by 1, 2, 3, 4, 5, 6`;

// Attribute reads: strings are stored as JSON strings, so ->> gives the text.
const a = (alias: string, key: string) => `(${alias}.attrs->>'${key}')`;
const isDatabase = (x: string) => `coalesce(${a(x, 'db.name')}, ${a(x, 'db.namespace')}, ${a(x, 'db.system')}, ${a(x, 'db.system.name')}) is not null`;
/** Tempo's database node name: peer.service, server.address, network.peer.address:port, db.name. */
const databaseName = (x: string) =>
  `coalesce(${a(x, 'peer.service')}, ${a(x, 'server.address')}, ${a(x, 'network.peer.address')} || ':' || ${a(x, 'network.peer.port')}, ${a(x, 'db.name')}, ${a(x, 'db.namespace')}, ${a(x, 'db.system.name')}, ${a(x, 'db.system')})`;
/** Tempo's default peer attributes, first present wins. */
const peerName = (x: string) => `coalesce(${a(x, 'peer.service')}, ${a(x, 'db.name')}, ${a(x, 'db.system')})`;

/**
 * Service-graph edges of the window, per minute of the requesting span, as Tempo's service-graphs
 * processor pairs them:
 * - a CLIENT span and its SERVER child (connection_type unset), a PRODUCER and its CONSUMER child
 *   (messaging_system);
 * - a CLIENT or PRODUCER span with no such child but a peer attribute: a virtual server, typed
 *   `database` when it carries db.* attributes (named as Tempo names database nodes);
 * - a root SERVER or CONSUMER span: a request from an uninstrumented client, `user` unless a
 *   peer attribute names it (virtual_node).
 * An edge fails when either side has status ERROR. A virtual side has no span of its own, so its
 * latency is the real side's.
 */
export const EDGES_OF_WINDOW = `
with s as materialized (
  -- Only the span kinds that make edges, and only the attribute values the rules read (small
  -- text, not whole attribute maps), from the window widened by the pairing slack.
  select tenant_id, trace_id, span_id, parent_span_id, start_ns, duration_ns, kind, status_code, service_name,
         case when kind in (3, 4) then
           case when ${isDatabase('spans')} then ${databaseName('spans')} else ${peerName('spans')} end
         end as virtual_server,
         case when kind in (3, 4) and ${isDatabase('spans')} then 'database' else 'virtual_node' end as virtual_type,
         case when kind in (2, 5) and parent_span_id is null then ${peerName('spans')} end as root_peer
    from spans
   where start_ns >= $1::text::int8 - $3::text::int8 and start_ns < $2::text::int8 + $3::text::int8 and kind between 2 and 5
),
req as (
  select * from s where start_ns >= $1::text::int8 and start_ns < $2::text::int8
),
paired as (
  select c.tenant_id, c.start_ns, c.service_name as client, v.service_name as server,
         case when c.kind = 4 then 'messaging_system' else '' end as connection_type,
         (c.status_code = 2 or v.status_code = 2) as failed, c.duration_ns as client_ns, v.duration_ns as server_ns
    from req c join s v on v.tenant_id = c.tenant_id and v.trace_id = c.trace_id and v.parent_span_id = c.span_id
   where (c.kind = 3 and v.kind = 2) or (c.kind = 4 and v.kind = 5)
),
unpaired as (
  select c.tenant_id, c.start_ns, c.service_name as client, c.virtual_server as server, c.virtual_type as connection_type,
         c.status_code = 2 as failed, c.duration_ns as client_ns, c.duration_ns as server_ns
    from req c
   where c.kind in (3, 4) and c.virtual_server is not null
     and not exists (select 1 from s v where v.tenant_id = c.tenant_id and v.trace_id = c.trace_id and v.parent_span_id = c.span_id and v.kind in (2, 5))
),
roots as (
  select v.tenant_id, v.start_ns, coalesce(v.root_peer, 'user') as client, v.service_name as server,
         'virtual_node' as connection_type, v.status_code = 2 as failed, v.duration_ns as client_ns, v.duration_ns as server_ns
    from req v
   where v.kind in (2, 5) and v.parent_span_id is null
),
edges as (
  select * from paired union all select * from unpaired union all select * from roots
)
select tenant_id, (start_ns / 60000000000) * 60000000000 as minute_ns, client, server, connection_type,
       count(*) as calls, count(*) filter (where failed) as failed,
       sum(client_ns)::int8 as client_sum_ns, sum(server_ns)::int8 as server_sum_ns,
       ${leCounts('client_ns', 'cle', SERVICE_GRAPH_BUCKETS_S)},
       ${leCounts('server_ns', 'sle', SERVICE_GRAPH_BUCKETS_S)}
  from edges
 group by 1, 2, 3, 4, 5`;
