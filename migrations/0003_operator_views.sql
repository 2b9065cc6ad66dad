-- Hand-written (not drizzle-kit): read-only views for operators, in their own schema `tracegres`
-- so they never collide with tables. They are a stable interface documented in
-- docs/operations.md ("SQL for operators"): the tables under them may change shape between
-- releases, these views keep their columns. Attribute maps are stored in a typed jsonb encoding
-- (packages/schema/src/codec/attr-json.ts); the views show them as plain JSON people can read.
CREATE SCHEMA IF NOT EXISTS tracegres;
--> statement-breakpoint
-- One attribute value as plain JSON: the storage wrappers become what they stand for.
-- {"d":"NaN"} -> "NaN" (JSON has no NaN/Infinity), {"b":base64} -> the base64 text of the bytes,
-- {"kv":{...}} -> the nested map, {"s":base64} (a string holding U+0000, which Postgres text
-- cannot) -> the string with U+FFFD in place of each U+0000. Ints, doubles, strings, bools and
-- null are already plain. plpgsql because it recurses (arrays and maps nest).
CREATE FUNCTION tracegres.readable_value(v jsonb) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  out jsonb;
  raw bytea;
BEGIN
  CASE jsonb_typeof(v)
  WHEN 'array' THEN
    SELECT coalesce(jsonb_agg(tracegres.readable_value(e) ORDER BY i), '[]'::jsonb) INTO out
      FROM jsonb_array_elements(v) WITH ORDINALITY AS a(e, i);
    RETURN out;
  WHEN 'object' THEN
    IF v ? 'kv' THEN RETURN coalesce(tracegres.readable_map(v -> 'kv'), '{}'::jsonb); END IF;
    IF v ? 'd' OR v ? 'b' THEN RETURN to_jsonb(coalesce(v ->> 'd', v ->> 'b')); END IF;
    IF v ? 's' THEN
      raw := decode(v ->> 's', 'base64');
      SELECT to_jsonb(convert_from(string_agg(
               CASE WHEN get_byte(raw, k) = 0 THEN '\xefbfbd'::bytea ELSE substring(raw FROM k + 1 FOR 1) END,
               ''::bytea ORDER BY k), 'UTF8')) INTO out
        FROM generate_series(0, length(raw) - 1) AS k;
      RETURN coalesce(out, '""'::jsonb);
    END IF;
    RETURN v;
  ELSE
    RETURN v;
  END CASE;
END $$;
--> statement-breakpoint
-- A whole attribute map as plain JSON. Most maps hold only strings, numbers and bools, and are
-- returned as they are without being rebuilt.
CREATE FUNCTION tracegres.readable_map(m jsonb) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  out jsonb;
BEGIN
  IF m IS NULL OR jsonb_typeof(m) <> 'object' THEN RETURN m; END IF;
  IF NOT EXISTS (SELECT 1 FROM jsonb_each(m) AS e WHERE jsonb_typeof(e.value) IN ('object', 'array')) THEN
    RETURN m;
  END IF;
  SELECT jsonb_object_agg(e.key, tracegres.readable_value(e.value)) INTO out FROM jsonb_each(m) AS e;
  RETURN out;
END $$;
--> statement-breakpoint
-- Unix nanoseconds (how spans store time) to timestamptz, to the microsecond. Going through
-- microseconds keeps the double exact (2^53 ns would only reach 1970 + 104 days).
CREATE FUNCTION tracegres.ts(ns bigint) RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT to_timestamp((ns / 1000)::float8 / 1000000) $$;
--> statement-breakpoint
-- timestamptz to Unix nanoseconds. Filter `start_ns >= tracegres.ns(now() - interval '1 hour')`
-- rather than on start_time: start_ns is the partition key, so only the partitions in range are
-- read; a filter on the computed start_time alone reads every partition.
CREATE FUNCTION tracegres.ns(t timestamptz) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT (extract(epoch FROM t) * 1000000000)::bigint $$;
--> statement-breakpoint
-- One row per span. trace_id stays uuid so `trace_id = '<32 hex digits>'` uses the primary key
-- (uuid input accepts hex without dashes); trace_hex is the id as Tempo and Jaeger print it.
-- The http_/db_/rpc_ columns are the common semantic-convention attributes (current names first,
-- then the older ones), so everyday questions need no jsonb operators.
CREATE VIEW tracegres.spans_v AS
SELECT
  tn.name AS tenant,
  s.trace_id,
  replace(s.trace_id::text, '-', '') AS trace_hex,
  encode(s.span_id, 'hex') AS span_id,
  encode(s.parent_span_id, 'hex') AS parent_span_id,
  s.service_name,
  s.name,
  (ARRAY['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'])[s.kind + 1] AS kind,
  (ARRAY['unset', 'ok', 'error'])[s.status_code + 1] AS status,
  s.status_message,
  tracegres.ts(s.start_ns) AS start_time,
  tracegres.ts(s.start_ns + s.duration_ns) AS end_time,
  s.start_ns,
  s.duration_ns,
  round(s.duration_ns / 1e6, 3) AS duration_ms,
  coalesce(s.attrs ->> 'http.request.method', s.attrs ->> 'http.method') AS http_method,
  s.attrs ->> 'http.route' AS http_route,
  CASE WHEN coalesce(s.attrs ->> 'http.response.status_code', s.attrs ->> 'http.status_code') ~ '^\d{1,9}$'
       THEN coalesce(s.attrs ->> 'http.response.status_code', s.attrs ->> 'http.status_code')::int END AS http_status_code,
  coalesce(s.attrs ->> 'db.system.name', s.attrs ->> 'db.system') AS db_system,
  coalesce(s.attrs ->> 'db.query.text', s.attrs ->> 'db.statement') AS db_statement,
  s.attrs ->> 'rpc.service' AS rpc_service,
  s.attrs ->> 'rpc.method' AS rpc_method,
  s.attrs ->> 'peer.service' AS peer_service,
  s.attrs ->> 'server.address' AS server_address,
  tracegres.readable_map(s.attrs) AS attrs,
  tracegres.readable_map(r.attrs) AS resource_attrs,
  sc.name AS scope_name,
  sc.version AS scope_version,
  coalesce(jsonb_array_length(s.events), 0) AS event_count,
  coalesce(jsonb_array_length(s.links), 0) AS link_count,
  s.depth,
  s.nested_left,
  s.nested_right,
  s.tenant_id
FROM spans s
JOIN tenants tn ON tn.tenant_id = s.tenant_id
LEFT JOIN resources r ON r.tenant_id = s.tenant_id AND r.resource_id = s.resource_id
LEFT JOIN scopes sc ON sc.tenant_id = s.tenant_id AND sc.scope_id = s.scope_id;
--> statement-breakpoint
COMMENT ON VIEW tracegres.spans_v IS 'One row per span, attributes as plain JSON (attrs, resource_attrs) and common ones as columns. Filter on start_ns with tracegres.ns() to read only the partitions in range. See docs/operations.md.';
--> statement-breakpoint
-- One row per trace: the `traces` table keeps one summary row per trace and partition, merged
-- here. services and max_depth are filled in once compaction has numbered the trace.
CREATE VIEW tracegres.traces_v AS
SELECT
  tn.name AS tenant,
  x.trace_id,
  replace(x.trace_id::text, '-', '') AS trace_hex,
  tracegres.ts(x.start_ns) AS start_time,
  tracegres.ts(x.end_ns) AS end_time,
  x.start_ns,
  x.end_ns,
  round((x.end_ns - x.start_ns) / 1e6, 3) AS duration_ms,
  x.root_service,
  x.root_name,
  x.span_count,
  x.error_count,
  (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(x.service_stats) AS k) AS services,
  x.service_stats,
  x.max_depth,
  x.compacted,
  x.tenant_id
FROM (
  SELECT
    tenant_id,
    trace_id,
    min(start_ns) AS start_ns,
    max(end_ns) AS end_ns,
    (array_agg(root_service ORDER BY bucket_ns) FILTER (WHERE root_service IS NOT NULL))[1] AS root_service,
    (array_agg(root_name ORDER BY bucket_ns) FILTER (WHERE root_name IS NOT NULL))[1] AS root_name,
    sum(span_count)::int AS span_count,
    sum(error_count)::int AS error_count,
    (array_agg(service_stats ORDER BY bucket_ns) FILTER (WHERE service_stats IS NOT NULL))[1] AS service_stats,
    max(max_depth) AS max_depth,
    bool_and(compacted) AS compacted
  FROM traces
  GROUP BY tenant_id, trace_id
) x
JOIN tenants tn ON tn.tenant_id = x.tenant_id;
--> statement-breakpoint
COMMENT ON VIEW tracegres.traces_v IS 'One row per trace: time range, root span, span and error counts; services once compacted. See docs/operations.md.';
--> statement-breakpoint
-- One row per span event (exceptions are events named "exception").
CREATE VIEW tracegres.span_events_v AS
SELECT
  tn.name AS tenant,
  s.trace_id,
  replace(s.trace_id::text, '-', '') AS trace_hex,
  encode(s.span_id, 'hex') AS span_id,
  s.service_name,
  s.name AS span_name,
  e.ord::int AS event_index,
  tracegres.ts(s.start_ns + (e.ev ->> 't')::bigint) AS time,
  s.start_ns + (e.ev ->> 't')::bigint AS time_ns,
  e.ev ->> 'n' AS name,
  coalesce(tracegres.readable_map(e.ev -> 'a'), '{}'::jsonb) AS attrs,
  s.start_ns,
  s.tenant_id
FROM spans s
JOIN tenants tn ON tn.tenant_id = s.tenant_id
CROSS JOIN LATERAL jsonb_array_elements(s.events) WITH ORDINALITY AS e(ev, ord)
WHERE s.events IS NOT NULL;
--> statement-breakpoint
COMMENT ON VIEW tracegres.span_events_v IS 'One row per span event; exceptions are events named exception. See docs/operations.md.';
--> statement-breakpoint
-- One row per span link: which spans point at which other traces.
CREATE VIEW tracegres.span_links_v AS
SELECT
  tn.name AS tenant,
  s.trace_id,
  replace(s.trace_id::text, '-', '') AS trace_hex,
  encode(s.span_id, 'hex') AS span_id,
  s.service_name,
  s.name AS span_name,
  (l.link ->> 't')::uuid AS linked_trace_id,
  l.link ->> 't' AS linked_trace_hex,
  l.link ->> 's' AS linked_span_id,
  l.link ->> 'ts' AS trace_state,
  coalesce(tracegres.readable_map(l.link -> 'a'), '{}'::jsonb) AS attrs,
  s.start_ns,
  s.tenant_id
FROM spans s
JOIN tenants tn ON tn.tenant_id = s.tenant_id
CROSS JOIN LATERAL jsonb_array_elements(s.links) AS l(link)
WHERE s.links IS NOT NULL;
--> statement-breakpoint
COMMENT ON VIEW tracegres.span_links_v IS 'One row per span link (trace_id/span_id link to linked_trace_id/linked_span_id). See docs/operations.md.';
--> statement-breakpoint
-- Span metrics per minute (what the Monitor view and /metrics/generator read), statuses merged:
-- calls, errors and mean duration per service, span name and kind. Written by compaction.
CREATE VIEW tracegres.span_metrics_v AS
SELECT
  tn.name AS tenant,
  tracegres.ts(m.minute_ns) AS minute,
  m.minute_ns,
  m.service,
  m.span_name,
  (ARRAY['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'])[m.span_kind + 1] AS span_kind,
  sum(m.calls)::bigint AS calls,
  coalesce(sum(m.calls) FILTER (WHERE m.status_code = 2), 0)::bigint AS errors,
  round(sum(m.duration_sum_ns) / 1e6, 3) AS duration_sum_ms,
  round(sum(m.duration_sum_ns) / nullif(sum(m.calls), 0) / 1e6, 3) AS avg_ms,
  m.tenant_id
FROM span_metrics_1m m
JOIN tenants tn ON tn.tenant_id = m.tenant_id
GROUP BY tn.name, m.tenant_id, m.minute_ns, m.service, m.span_name, m.span_kind;
--> statement-breakpoint
COMMENT ON VIEW tracegres.span_metrics_v IS 'Per-minute calls, errors and mean duration per service, span name and kind (written by compaction). See docs/operations.md.';
--> statement-breakpoint
-- Service-graph edges per minute (client -> server, as Tempo's service graph pairs them).
CREATE VIEW tracegres.service_edges_v AS
SELECT
  tn.name AS tenant,
  tracegres.ts(g.minute_ns) AS minute,
  g.minute_ns,
  g.client,
  g.server,
  g.connection_type,
  g.calls,
  g.failed,
  round(g.client_sum_ns / nullif(g.calls, 0) / 1e6, 3) AS client_avg_ms,
  round(g.server_sum_ns / nullif(g.calls, 0) / 1e6, 3) AS server_avg_ms,
  g.tenant_id
FROM service_graph_1m g
JOIN tenants tn ON tn.tenant_id = g.tenant_id;
--> statement-breakpoint
COMMENT ON VIEW tracegres.service_edges_v IS 'Per-minute service-graph edges: calls, failed calls and mean client/server time (written by compaction). See docs/operations.md.';
--> statement-breakpoint
-- The time partitions of spans and traces, with their ranges and sizes: what retention drops.
CREATE VIEW tracegres.partitions_v AS
SELECT
  c.relname::text AS partition,
  p.relname::text AS parent,
  tracegres.ts(b.lo) AS from_time,
  tracegres.ts(b.hi) AS to_time,
  b.lo AS from_ns,
  b.hi AS to_ns,
  pg_total_relation_size(c.oid) AS bytes
FROM pg_inherits i
JOIN pg_class c ON c.oid = i.inhrelid
JOIN pg_class p ON p.oid = i.inhparent
CROSS JOIN LATERAL (
  SELECT (m[1])::bigint AS lo, (m[2])::bigint AS hi
  FROM regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \(''?(-?\d+)''?\) TO \(''?(-?\d+)''?\)') AS m
) b
WHERE p.relname IN ('spans', 'traces') AND p.relnamespace = c.relnamespace;
--> statement-breakpoint
COMMENT ON VIEW tracegres.partitions_v IS 'Time partitions of spans and traces with their ranges and on-disk size. See docs/operations.md.';
