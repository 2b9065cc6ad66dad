-- Hand-written (not drizzle-kit): tenant isolation enforced by Postgres itself, so that a read
-- handler that forgets its `tenant_id = $n` still cannot return another tenant's rows.
--
-- Every query route runs its statements as the NOLOGIN role `tracegres_reader` (SET LOCAL ROLE
-- inside the request's transaction) with the request's tenant in the `tracegres.tenant_id`
-- setting; see packages/schema/src/tenant-scope.ts. For that role each tenant-scoped table has
-- row-level security with one policy: rows of the tenant in the setting, and none when it is
-- unset. The role may only SELECT, and only from these tables (not `tenants`, not partitions
-- directly: querying a partition by name is refused, through the parent the policy applies).
--
-- Ingest and compaction keep running as the table owner, whom RLS does not restrict (it is
-- enabled, not forced), so nothing on the write path changes. Other roles that are neither owner
-- nor superuser see no rows of these tables unless given BYPASSRLS; the operator views in the
-- `tracegres` schema run with their owner's rights and keep working (docs/operations.md).
--
-- Roles are cluster-wide while this migration runs per database, possibly in many databases at
-- once (tests, several deployments on one server): creating the role tolerates a concurrent
-- creator, and granting it to the migrating user is skipped for superusers (who may SET ROLE to
-- anything) and when the membership already exists.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tracegres_reader') THEN
    BEGIN
      CREATE ROLE tracegres_reader NOLOGIN;
    EXCEPTION
      WHEN duplicate_object OR unique_violation THEN NULL;
      WHEN insufficient_privilege THEN
        RAISE EXCEPTION 'tracegres needs the role tracegres_reader and % may not create roles', current_user
          USING HINT = format('As a superuser run: CREATE ROLE tracegres_reader NOLOGIN; GRANT tracegres_reader TO %I;', current_user);
    END;
  END IF;
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
     AND NOT pg_has_role(current_user, 'tracegres_reader', 'MEMBER') THEN
    BEGIN
      EXECUTE format('GRANT tracegres_reader TO %I', current_user);
    EXCEPTION
      WHEN unique_violation THEN NULL;
      WHEN insufficient_privilege THEN
        RAISE EXCEPTION '% must be a member of tracegres_reader to scope queries to a tenant', current_user
          USING HINT = format('As a superuser run: GRANT tracegres_reader TO %I;', current_user);
    END;
  END IF;
END $$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO tracegres_reader;
--> statement-breakpoint
-- One policy per tenant-scoped table. The setting is read with missing_ok, and '' (what a reset
-- custom setting reads as) becomes NULL, so a connection that never set it matches no row.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['spans', 'traces', 'span_nested', 'resources', 'scopes', 'tag_keys', 'tag_values',
                           'service_graph_1m', 'service_graph_total', 'span_metrics_1m', 'span_metrics_total']
  LOOP
    EXECUTE format('GRANT SELECT ON %I TO tracegres_reader', t);
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format($p$CREATE POLICY tenant_isolation ON %I AS PERMISSIVE FOR SELECT TO tracegres_reader
                      USING (tenant_id = nullif(current_setting('tracegres.tenant_id', true), '')::integer)$p$, t);
  END LOOP;
END $$;
