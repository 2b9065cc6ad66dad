import { type Db, type Partitions, isRetryableTxError, isUnavailableError } from '@tracegres/schema';
import { ApiError } from '../errors.ts';
import type { AppMetrics } from '../metrics/app-metrics.ts';
import { mergeCopyBatches, writeSpansCopy } from '../storage/copy-spans.ts';
import { writeDictionaries, writeSpans } from '../storage/write-spans.ts';
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
    if (batch.spanCount === 0) return Promise.resolve();
    if (this.#queuedSpans > 0 && this.#queuedSpans + batch.spanCount > this.#opts.maxQueuedSpans) {
      return Promise.reject(
        new ApiError('tooManyRequests', `ingest queue is full (${this.#queuedSpans} spans waiting); retry later`, {
          retryAfter: 1,
        }),
      );
    }
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ batch, resolve, reject });
      this.#queuedSpans += batch.spanCount;
      this.#metrics.ingestQueueSpans.set({}, this.#queuedSpans);
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#active < this.#opts.writers && this.#queue.length > 0) {
      const group: Job[] = [];
      let n = 0;
      while (this.#queue.length > 0 && (group.length === 0 || n + this.#queue[0].batch.spanCount <= this.#opts.maxBatchSpans)) {
        const job = this.#queue.shift()!;
        n += job.batch.spanCount;
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
    const copies = batches.every((b) => b.copy) ? mergeCopyBatches(batches.map((b) => b.copy!)) : null;
    const spans = copies ? [] : batches.flatMap((b) => b.spans);
    const spanCount = batches.reduce((n, b) => n + b.spanCount, 0);
    const resources = dedupe(batches.flatMap((b) => b.resources), (r) => `r${r.tenantId}:${r.resourceId}`, this.#knownDict);
    const scopes = dedupe(batches.flatMap((b) => b.scopes), (s) => `s${s.tenantId}:${s.scopeId}`, this.#knownDict);
    const buckets = new Set(batches.flatMap((b) => [...b.buckets]));
    await this.#partitions.ensure(this.#db, buckets);
    const interval = this.#partitions.intervalNs;
    for (let attempt = 1; ; attempt++) {
      const t0 = performance.now();
      try {
        const inserted = await this.#db.transaction(async (tx) => {
          await writeDictionaries(tx, resources, scopes);
          if (copies && tx.copyIn) return writeSpansCopy({ ...tx, copyIn: tx.copyIn }, copies, interval);
          if (copies) throw new Error('rendered COPY batches need a driver with COPY');
          return writeSpans(tx, spans, interval);
        });
        this.#metrics.spansStored.inc({}, inserted);
        this.#metrics.ingestBatches.observe({}, spanCount);
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
