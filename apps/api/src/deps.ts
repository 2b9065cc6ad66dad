import type { Db, Partitions } from '@tracegres/schema';
import type { Config } from './config.ts';
import type { Decoder } from './ingest/accept.ts';
import type { TagDictionary } from './ingest/tag-dictionary.ts';
import type { SpanWriter } from './ingest/writer.ts';
import type { Limits } from './limits/ingest-limits.ts';
import type { Logger } from './log.ts';
import type { Inflate } from './routes/otlp/body.ts';
import type { AppMetrics } from './metrics/app-metrics.ts';
import type { Tenants } from './storage/tenants.ts';

/** Tempo's buildinfo shape; Grafana gates features on `version` (>= 2.7.0 enables them). */
export interface BuildInfo {
  version: string;
  revision: string;
  branch: string;
  buildUser: string;
  buildDate: string;
  goVersion: string;
}

/** Everything handlers need, built once at start by the runtime's entry file. */
export interface Deps {
  config: Config;
  db: Db;
  tenants: Tenants;
  partitions: Partitions;
  writer: SpanWriter;
  /** Attribute names/values for the tag APIs, recorded from stored spans. */
  tags: TagDictionary;
  metrics: AppMetrics;
  /** Rate buckets, in-flight budget and per-tenant overrides (apps/api/src/limits). */
  limits: Limits;
  log: Logger;
  buildInfo: BuildInfo;
  /** Wall clock in ms; tests substitute a controlled one. */
  now: () => number;
  /** Decode worker threads; absent = decode on the main thread. */
  decoder?: Decoder;
  /** The runtime's native decompression, when it has one. */
  inflate?: Inflate;
  /** The built web UI's index page, when present. */
  uiIndexHtml?: string;
}
