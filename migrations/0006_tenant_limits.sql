-- Hand-written (not drizzle-kit): per-tenant overrides of the ingest and query limits, managed
-- with plain SQL (Tempo keeps the same settings in a per-tenant overrides file). One row per
-- tenant name (X-Scope-OrgID), which may be written before the tenant has sent anything; a NULL
-- column keeps the global value from the environment, 0 means "no limit" as in Tempo. Read by
-- apps/api/src/limits/overrides.ts, cached for LIMITS_REFRESH (10s). Example:
--   INSERT INTO tenant_limits (tenant, ingestion_rate_limit_bytes, ingestion_burst_size_bytes)
--   VALUES ('team-a', 5000000, 10000000)
--   ON CONFLICT (tenant) DO UPDATE SET ingestion_rate_limit_bytes = excluded.ingestion_rate_limit_bytes,
--     ingestion_burst_size_bytes = excluded.ingestion_burst_size_bytes, updated_at = now();
CREATE TABLE tenant_limits (
  tenant text PRIMARY KEY,
  ingestion_rate_limit_bytes bigint CHECK (ingestion_rate_limit_bytes >= 0),
  ingestion_burst_size_bytes bigint CHECK (ingestion_burst_size_bytes >= 0),
  max_attribute_bytes integer CHECK (max_attribute_bytes >= 0),
  max_spans_per_request integer CHECK (max_spans_per_request >= 0),
  max_bytes_per_trace bigint CHECK (max_bytes_per_trace >= 0),
  max_search_duration_seconds integer CHECK (max_search_duration_seconds >= 0),
  max_search_limit integer CHECK (max_search_limit >= 1),
  updated_at timestamptz NOT NULL DEFAULT now()
);
