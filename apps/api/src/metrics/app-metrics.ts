import { Registry } from './registry.ts';

/** Tracegres' own metrics, exposed on /metrics. */
export function createAppMetrics() {
  const registry = new Registry();
  return {
    registry,
    spansReceived: registry.counter('tracegres_spans_received_total', 'Spans decoded from OTLP requests.'),
    spansStored: registry.counter('tracegres_spans_stored_total', 'Spans newly written (re-sent duplicates not counted).'),
    spansRejected: registry.counter('tracegres_spans_rejected_total', 'Spans not stored, by reason.'),
    ingestRequests: registry.counter('tracegres_ingest_requests_total', 'OTLP export requests by encoding and status.'),
    ingestBatches: registry.histogram('tracegres_ingest_batch_spans', 'Spans per database transaction (group commit).', [
      16, 64, 256, 1024, 4096, 8192, 16384, 32768,
    ]),
    ingestTxSeconds: registry.histogram('tracegres_ingest_transaction_seconds', 'Duration of ingest transactions (group commits).', [
      0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
    ]),
    ingestPhaseSeconds: registry.histogram(
      'tracegres_ingest_phase_seconds',
      'Time per OTLP request phase: read (body and decompression), decode (decode, validate, prepare), commit (queue and transaction).',
      [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    ),
    ingestQueueSpans: registry.gauge('tracegres_ingest_queued_spans', 'Spans waiting for a database transaction.'),
    requestDuration: registry.histogram('tracegres_request_duration_seconds', 'HTTP request durations by route.', [
      0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
    ]),
  };
}

export type AppMetrics = ReturnType<typeof createAppMetrics>;
