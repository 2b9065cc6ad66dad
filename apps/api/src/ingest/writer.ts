import { type Db, type Partitions, isRetryableTxError, isUnavailableError } from '@tracegres/schema';
import { ApiError } from '../errors.ts';
import type { AppMetrics } from '../metrics/app-metrics.ts';
import { prepareCopy, writeDictionaries, writeSpans, writeSpansCopy } from '../storage/write-spans.ts';
import type { PreparedBatch } from './prepare.ts';

export interface WriterOptions {
  /** Transactions in flight at once (1 for PGlite: one connection). */
  writers: number;
  /** Spans a group-commit transaction gathers from waiting requests before it starts. */
  maxBatchSpans: number;
  /** Spans allowed to wait; beyond it requests are refused with 429 + Retry-After. */
  maxQueuedSpans: number;
}

interface Job {
  batch: PreparedBatch;
  resolve: () => void;
  reject: (err: unknown) => void;
}

const MAX_TX_ATTEMPTS = 5;
const DICTIONARY_CACHE_LIMIT = 200_000;

/**
 * Group commit: requests queue their spans; each writer takes everything waiting (up to
 * `maxBatchSpans`) into one transaction and acknowledges every request in it only after
 * COMMIT. Many small requests then cost one transaction, without weakening the promise that
 * an acknowledged span is stored.
 */
export class SpanWriter {
  readonly #db: Db;
  readonly #partitions: Partitions;
  readonly #metrics: AppMetrics;
  readonly #opts: WriterOptions;
  readonly #queue: Job[] = [];
  #queuedSpans = 0;
  #active = 0;
  // Dictionary ids known to be committed, so repeats skip the upsert.
  readonly #knownDict = new Set<string>();

  constructor(db: Db, partitions: Partitions, metrics: AppMetrics, opts: WriterOptions) {
    this.#db = db;
    this.#partitions = partitions;
    this.#metrics = metrics;
    this.#opts = opts;
  }

  get queuedSpans(): number {
    return this.#queuedSpans;
  }

  /** Resolves once the batch's transaction has committed. */
  submit(batch: PreparedBatch): Promise<void> {
    if (batch.spans.length === 0) return Promise.resolve();
    if (this.#queuedSpans > 0 && this.#queuedSpans + batch.spans.length > this.#opts.maxQueuedSpans) {
      return Promise.reject(
        new ApiError('tooManyRequests', `ingest queue is full (${this.#queuedSpans} spans waiting); retry later`, {
          retryAfter: 1,
        }),
      );
    }
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ batch, resolve, reject });
      this.#queuedSpans += batch.spans.length;
      this.#metrics.ingestQueueSpans.set({}, this.#queuedSpans);
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#active < this.#opts.writers && this.#queue.length > 0) {
      const group: Job[] = [];
      let n = 0;
      while (this.#queue.length > 0 && (group.length === 0 || n + this.#queue[0].batch.spans.length <= this.#opts.maxBatchSpans)) {
        const job = this.#queue.shift()!;
        n += job.batch.spans.length;
        group.push(job);
      }
      this.#queuedSpans -= n;
      this.#metrics.ingestQueueSpans.set({}, this.#queuedSpans);
      this.#active++;
      void this.#run(group).finally(() => {
        this.#active--;
        this.#pump();
      });
    }
  }

  async #run(group: Job[]): Promise<void> {
    try {
      await this.#commit(group.map((j) => j.batch));
      for (const j of group) j.resolve();
    } catch (err) {
      if (group.length > 1 && !isUnavailableError(err)) {
        // One request's bad data must not fail its neighbours: retry each on its own.
        for (const j of group) await this.#run([j]);
        return;
      }
      const mapped = mapDbError(err);
      for (const j of group) j.reject(mapped);
    }
  }

  async #commit(batches: PreparedBatch[]): Promise<void> {
    const spans = batches.flatMap((b) => b.spans);
    const resources = dedupe(batches.flatMap((b) => b.resources), (r) => `r${r.tenantId}:${r.resourceId}`, this.#knownDict);
    const scopes = dedupe(batches.flatMap((b) => b.scopes), (s) => `s${s.tenantId}:${s.scopeId}`, this.#knownDict);
    const buckets = new Set(batches.flatMap((b) => [...b.buckets]));
    await this.#partitions.ensure(this.#db, buckets);
    const interval = this.#partitions.intervalNs;
    // Rendered before BEGIN so the transaction is not held open while this thread is busy.
    const copy = this.#db.driver === 'postgres' ? prepareCopy(spans, interval) : null;
    for (let attempt = 1; ; attempt++) {
      const t0 = performance.now();
      try {
        const inserted = await this.#db.transaction(async (tx) => {
          await writeDictionaries(tx, resources, scopes);
          return copy && tx.copyIn
            ? writeSpansCopy({ ...tx, copyIn: tx.copyIn }, copy, interval)
            : writeSpans(tx, spans, interval);
        });
        this.#metrics.spansStored.inc({}, inserted);
        this.#metrics.ingestBatches.observe({}, spans.length);
        this.#metrics.ingestTxSeconds.observe({}, (performance.now() - t0) / 1000);
        break;
      } catch (err) {
        if (attempt >= MAX_TX_ATTEMPTS || !isRetryableTxError(err)) throw err;
      }
    }
    if (this.#knownDict.size > DICTIONARY_CACHE_LIMIT) this.#knownDict.clear();
    for (const r of resources) this.#knownDict.add(`r${r.tenantId}:${r.resourceId}`);
    for (const s of scopes) this.#knownDict.add(`s${s.tenantId}:${s.scopeId}`);
  }
}

function dedupe<T>(rows: T[], keyOf: (r: T) => string, known: Set<string>): T[] {
  const seen = new Set<string>();
  return rows.filter((r) => {
    const k = keyOf(r);
    if (known.has(k) || seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Database trouble becomes 503 + Retry-After (clients retry); bad data becomes 400. */
function mapDbError(err: unknown): unknown {
  if (err instanceof ApiError) return err;
  if (isUnavailableError(err)) {
    return new ApiError('unavailable', 'database unavailable; retry later', { retryAfter: 2 });
  }
  const code = (err as { code?: string }).code ?? '';
  if (code.startsWith('22')) return new ApiError('badRequest', `span data rejected by the database: ${(err as Error).message}`);
  return err;
}
