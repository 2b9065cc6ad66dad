-- Hand-written (not drizzle-kit): the compact layout of closed partitions.
--
-- A span row is about 1 KB (most of it attribute JSON: long semantic-convention keys and values
-- that repeat across the spans of a trace), and Postgres compresses a value only when its row
-- passes about 2 KB, which a span row never does. Once a partition is closed (see
-- apps/api/src/compaction/storage-step.ts), its spans are moved into one row per trace here: one
-- array per column, ordered by start time. Such a row is tens of kilobytes, so TOAST compresses
-- it (lz4 where the server has it, else pglz): about 4x fewer bytes per span, and a trace read
-- is one index lookup and one decompression.
--
-- Every reader goes through span_rows() below, which returns the span rows of both layouts, so
-- queries read a trace the same way before and after compaction. span_nested keeps the nested-set
-- numbers of both.
CREATE TABLE span_blocks (
  tenant_id integer NOT NULL,
  trace_id uuid NOT NULL,
  -- The earliest span start in the block (the partition key) and the latest span end: a block
  -- holds spans of one trace that fall in one partition, at most 20,000 (span-blocks.ts), so
  -- no array nears Postgres' 1 GB limit on a value; `seq` numbers a trace's blocks in a partition.
  start_ns bigint NOT NULL,
  end_ns bigint NOT NULL,
  seq integer NOT NULL,
  span_count integer NOT NULL,
  span_id bytea[] NOT NULL,
  parent_span_id bytea[] NOT NULL,
  span_start_ns bigint[] NOT NULL,
  duration_ns bigint[] NOT NULL,
  name text[] NOT NULL,
  kind smallint[] NOT NULL,
  status_code smallint[] NOT NULL,
  status_message text[] NOT NULL,
  trace_state text[] NOT NULL,
  flags integer[] NOT NULL,
  service_name text[] NOT NULL,
  resource_id bigint[] NOT NULL,
  scope_id bigint[] NOT NULL,
  attrs jsonb[] NOT NULL,
  events jsonb[] NOT NULL,
  links jsonb[] NOT NULL,
  dropped_attributes_count integer[] NOT NULL,
  dropped_events_count integer[] NOT NULL,
  dropped_links_count integer[] NOT NULL,
  CONSTRAINT span_blocks_pk PRIMARY KEY (trace_id, tenant_id, start_ns, seq)
) PARTITION BY RANGE (start_ns);
--> statement-breakpoint
-- lz4 decompresses about twice as fast as pglz (searches over closed partitions read through
-- it); PGlite and servers built without lz4 keep pglz.
DO $$
DECLARE c text;
BEGIN
  IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
    FOREACH c IN ARRAY ARRAY['span_id', 'parent_span_id', 'span_start_ns', 'duration_ns', 'name', 'status_message', 'trace_state',
                             'service_name', 'resource_id', 'scope_id', 'attrs', 'events', 'links']
    LOOP
      EXECUTE format('ALTER TABLE span_blocks ALTER COLUMN %I SET COMPRESSION lz4', c);
    END LOOP;
  END IF;
END $$;
--> statement-breakpoint
-- A span_blocks partition for every existing spans partition, with the same bounds.
DO $$
DECLARE p record;
BEGIN
  FOR p IN SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) AS bound
             FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'spans'::regclass
  LOOP
    EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF span_blocks %s', replace(p.relname, 'spans_', 'span_blocks_'), p.bound);
  END LOOP;
END $$;
--> statement-breakpoint
GRANT SELECT ON span_blocks TO tracegres_reader;
--> statement-breakpoint
ALTER TABLE span_blocks ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON span_blocks AS PERMISSIVE FOR SELECT TO tracegres_reader
  USING (tenant_id = nullif(current_setting('tracegres.tenant_id', true), '')::integer);
--> statement-breakpoint
-- span_rows() prunes block partitions with the partition interval; settings holds no tenant data.
GRANT SELECT ON settings TO tracegres_reader;
--> statement-breakpoint
-- One row per span held in blocks, with its block's bounds (block_start_ns is the partition key).
-- security_invoker: the tenant reader reads it through span_rows(), and the policy on span_blocks
-- applies to it as to the table.
CREATE VIEW span_block_rows WITH (security_invoker = true) AS
SELECT b.tenant_id, b.trace_id, b.start_ns AS block_start_ns, b.end_ns AS block_end_ns, x.*
  FROM span_blocks b
 CROSS JOIN LATERAL unnest(b.span_id, b.parent_span_id, b.span_start_ns, b.duration_ns, b.name, b.kind, b.status_code,
                           b.status_message, b.trace_state, b.flags, b.service_name, b.resource_id, b.scope_id, b.attrs,
                           b.events, b.links, b.dropped_attributes_count, b.dropped_events_count, b.dropped_links_count)
       AS x(span_id, parent_span_id, start_ns, duration_ns, name, kind, status_code, status_message, trace_state, flags,
            service_name, resource_id, scope_id, attrs, events, links, dropped_attributes_count, dropped_events_count,
            dropped_links_count);
--> statement-breakpoint
GRANT SELECT ON span_block_rows TO tracegres_reader;
--> statement-breakpoint
-- The spans of one tenant that start in [p_from, p_to], from fresh rows and from blocks, with the
-- columns of `spans`. A single SELECT in a STABLE SQL function, so the planner inlines it: outer
-- conditions (trace_id = ..., span_id = ...) reach both branches and their indexes, and the
-- bounds prune partitions of both tables, at run time when they come from a subquery. A block
-- starts in its partition, so one whose partition ends before p_from (start_ns <= p_from minus
-- the interval) cannot hold a span in range.
CREATE FUNCTION span_rows(p_tenant integer, p_from bigint, p_to bigint)
RETURNS TABLE (
  tenant_id integer, trace_id uuid, span_id bytea, parent_span_id bytea, start_ns bigint, duration_ns bigint,
  name text, kind smallint, status_code smallint, status_message text, trace_state text, flags integer,
  service_name text, resource_id bigint, scope_id bigint, attrs jsonb, events jsonb, links jsonb,
  dropped_attributes_count integer, dropped_events_count integer, dropped_links_count integer
)
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
SELECT s.tenant_id, trace_id, span_id, parent_span_id, start_ns, duration_ns, name, kind, status_code, status_message,
       trace_state, flags, service_name, resource_id, scope_id, attrs, events, links, dropped_attributes_count,
       dropped_events_count, dropped_links_count
  FROM spans s
 WHERE s.tenant_id = p_tenant AND s.start_ns >= p_from AND s.start_ns <= p_to
UNION ALL
SELECT b.tenant_id, trace_id, span_id, parent_span_id, start_ns, duration_ns, name, kind, status_code, status_message,
       trace_state, flags, service_name, resource_id, scope_id, attrs, events, links, dropped_attributes_count,
       dropped_events_count, dropped_links_count
  FROM span_block_rows b
 WHERE b.tenant_id = p_tenant AND b.block_start_ns <= p_to AND b.block_end_ns >= p_from
   AND b.block_start_ns > p_from - (SELECT (st.value #>> '{}')::bigint FROM settings st WHERE st.key = 'partition_interval_ns')
   AND b.start_ns >= p_from AND b.start_ns <= p_to
$$;
--> statement-breakpoint
-- Every span of every tenant in both layouts, for the operator views and for jobs that run as the
-- owner across tenants (trace numbering). A condition on start_ns prunes only fresh partitions.
CREATE VIEW all_span_rows AS
SELECT tenant_id, trace_id, span_id, parent_span_id, start_ns, duration_ns, name, kind, status_code, status_message,
       trace_state, flags, service_name, resource_id, scope_id, attrs, events, links, dropped_attributes_count,
       dropped_events_count, dropped_links_count FROM spans
UNION ALL
SELECT tenant_id, trace_id, span_id, parent_span_id, start_ns, duration_ns, name, kind, status_code, status_message,
       trace_state, flags, service_name, resource_id, scope_id, attrs, events, links, dropped_attributes_count,
       dropped_events_count, dropped_links_count FROM span_block_rows;
--> statement-breakpoint
-- The operator views read both layouts.
CREATE OR REPLACE VIEW tracegres.spans_v AS
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
  n.depth,
  n.nested_left,
  n.nested_right,
  s.tenant_id
FROM all_span_rows s
JOIN tenants tn ON tn.tenant_id = s.tenant_id
LEFT JOIN resources r ON r.tenant_id = s.tenant_id AND r.resource_id = s.resource_id
LEFT JOIN scopes sc ON sc.tenant_id = s.tenant_id AND sc.scope_id = s.scope_id
LEFT JOIN span_nested n ON n.trace_id = s.trace_id AND n.tenant_id = s.tenant_id AND n.span_id = s.span_id AND n.start_ns = s.start_ns;
--> statement-breakpoint
CREATE OR REPLACE VIEW tracegres.span_events_v AS
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
FROM all_span_rows s
JOIN tenants tn ON tn.tenant_id = s.tenant_id
CROSS JOIN LATERAL jsonb_array_elements(s.events) WITH ORDINALITY AS e(ev, ord)
WHERE s.events IS NOT NULL;
--> statement-breakpoint
CREATE OR REPLACE VIEW tracegres.span_links_v AS
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
FROM all_span_rows s
JOIN tenants tn ON tn.tenant_id = s.tenant_id
CROSS JOIN LATERAL jsonb_array_elements(s.links) AS l(link)
WHERE s.links IS NOT NULL;
