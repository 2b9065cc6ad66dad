import { type Db, type Partitions, createPostgresDb } from '@tracegres/schema';
import uiIndexHtml from 'tracegres:ui-index';
import type { Deps } from '../deps.ts';
import { TagDictionary } from '../ingest/tag-dictionary.ts';
import { SpanWriter } from '../ingest/writer.ts';
import { createLimits } from '../limits/ingest-limits.ts';
import { Tenants } from '../storage/tenants.ts';
import { type IsolateState, ensureSchema } from './isolate.ts';

/** Connections one request may open: a transaction plus a query beside it (Workers allow 6). */
const REQUEST_CONNECTIONS = 2;

export interface RequestScope {
  deps: Deps;
  /** Flushes what the request recorded and closes its connections; pass to ctx.waitUntil. */
  finish(): Promise<void>;
}

/** A database client for this request or cron run only (Hyperdrive does the pooling). */
export function openWorkerDb(url: string, applicationName: string): Db {
  return createPostgresDb(url, { max: REQUEST_CONNECTIONS, connectTimeout: 5, applicationName });
}

/**
 * The handlers' dependencies for one request. The writer is the group-commit SpanWriter with one
 * writer and only this request's spans, so the request answers after its own COMMIT: nothing is
 * queued past the response, where a Worker could be stopped before writing it.
 */
export async function openRequestScope(s: IsolateState, url: string): Promise<RequestScope> {
  const db = openWorkerDb(url, 'tracegres-worker');
  let partitions: Partitions;
  try {
    partitions = await ensureSchema(s, db);
  } catch (err) {
    await db.close().catch(() => {});
    throw err;
  }
  const ownsTags = !s.tagsBusy;
  if (ownsTags) s.tagsBusy = true;
  const tags = ownsTags ? s.tags : new TagDictionary();
  const { config, metrics } = s;
  const writer = new SpanWriter(db, partitions, metrics, {
    writers: 1,
    maxBatchSpans: Number.MAX_SAFE_INTEGER,
    maxQueuedSpans: Number.MAX_SAFE_INTEGER,
  });
  const deps: Deps = {
    config,
    db,
    tenants: new Tenants(db),
    partitions,
    writer,
    tags,
    metrics,
    // Per request: a Worker isolate serves one request at a time, and its rate buckets would not
    // be shared with other isolates anyway (Tempo's `local` strategy, one bucket per instance).
    limits: createLimits(db, config.limits, metrics.registry, s.log),
    log: s.log,
    buildInfo: s.buildInfo,
    now: Date.now,
    uiIndexHtml,
  };
  return {
    deps,
    async finish() {
      try {
        // Autocomplete hints, written after the response like the server's 1 s flush; entries
        // that fail to write stay dirty in the isolate's dictionary for the next request.
        if (tags.pending) await tags.flush(db);
      } catch (err) {
        s.log.warn('tag dictionary flush failed', { error: String((err as Error)?.message ?? err) });
      } finally {
        if (ownsTags) s.tagsBusy = false;
        await db.close().catch(() => {});
      }
    },
  };
}
