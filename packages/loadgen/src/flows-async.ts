/**
 * Traces that do not start at a request: Kafka consumers of `orders` (each a separate trace
 * whose CONSUMER span links to the producer span) and the nightly inventory job, whose fan-out
 * makes the very large traces.
 */
import { bool, dbl, int, str } from './attrs.ts';
import { productIds } from './data.ts';
import { updateStock } from './flows-services.ts';
import { FLAGS_REMOTE, Kind, type FollowUp, type TraceCtx } from './trace-ctx.ts';
import { KAFKA, Work } from './work.ts';

/** A consumer group processing one `orders` message. */
export function consumeOrder(ctx: TraceCtx, f: FollowUp): void {
  const svc = ctx.topo.services[f.group];
  const inst = ctx.rng.pick(svc.instances);
  const span = ctx.startSpan(inst, svc.scopes.kafka, 'orders process', Kind.CONSUMER, null, 0, [
    str('messaging.system', 'kafka'), str('messaging.destination.name', 'orders'),
    str('messaging.operation.type', 'process'), str('messaging.operation.name', 'process'),
    str('messaging.consumer.group.name', f.group), str('messaging.destination.partition.id', String(f.partition)),
    int('messaging.kafka.offset', f.offset), str('messaging.kafka.message.key', f.key),
    int('messaging.message.body.size', f.bodySize), str('messaging.client.id', `${f.group}-consumer-1`),
    str('server.address', KAFKA.host), int('server.port', KAFKA.port),
    ...ctx.common,
  ]);
  span.links.push({
    traceId: f.traceId,
    spanId: f.spanId,
    traceState: '',
    attributes: [str('messaging.operation.type', 'send')],
    droppedAttributesCount: 0,
    flags: FLAGS_REMOTE,
  });
  const w = new Work(ctx, inst, span, 0);
  w.think(80);
  if (f.group === 'notification') notify(w, f);
  else scoreOrder(w, f);
  if (w.fault) ctx.fail(span, w.fault);
  w.think(40);
  w.finish();
}

/** A query retried once after a failure, as consumers do before giving up on a message. */
function queryWithRetry(w: Work, op: string, table: string, query: string, medianUs: number): void {
  if (w.db(op, table, query, 1, medianUs, { tolerate: true })) {
    w.event('retrying query', [int('app.retry.attempt', 1)]);
    w.think(200_000, 0.3);
    w.db(op, table, query, 1, medianUs);
  }
}

function notify(w: Work, f: FollowUp): void {
  const rng = w.ctx.rng;
  queryWithRetry(w, 'SELECT', 'users', 'SELECT email, locale, marketing_opt_in FROM users WHERE id = %s', 700);
  if (w.fault) return;
  const locale = rng.pick(['en', 'de', 'fr', 'es', 'ja']);
  w.internal('render_template', [str('app.email.template', 'order_confirmation'), str('app.email.locale', locale), int('app.order.items.count', f.items)], (r) => r.think(3_500, 0.6));
  if (w.ctx.faultPoint()) return w.raise(w.ctx.serviceFault('notification', f.userId));
  const first = w.external('sendgrid', 'api.sendgrid.com', 'POST', '/v3/mail/send', 140, { tolerate: true });
  if (first) {
    w.event('retrying mail provider', [int('http.request.resend_count', 1)]);
    w.think(500_000, 0.2);
    w.external('sendgrid', 'api.sendgrid.com', 'POST', '/v3/mail/send', 140);
    if (w.fault) return;
  }
  w.db('INSERT', 'notifications', 'INSERT INTO notifications (order_id, user_id, channel, sent_at) VALUES (%s, %s, %s, now())', 0, 1100);
  w.event('email queued', [str('app.order.id', f.key), str('app.email.provider', 'sendgrid')]);
}

function scoreOrder(w: Work, f: FollowUp): void {
  const rng = w.ctx.rng;
  queryWithRetry(w, 'SELECT', 'orders', "SELECT count(*), coalesce(sum(total_units), 0) FROM orders WHERE user_id = ? AND created_at > now() - interval '1 day'", 2_400);
  if (w.fault) return;
  w.cache('INCR', `velocity:${f.userId}`, 1, { tolerate: true });
  if (w.ctx.faultPoint()) return w.raise(w.ctx.serviceFault('fraud-detection', f.userId));
  const score = Math.round(rng.float() * rng.float() * 1000) / 1000;
  w.internal('OrderScorer.score', [
    str('code.function.name', 'com.shop.fraud.OrderScorer.score'), dbl('app.fraud.score', score),
    str('app.fraud.model', 'gbm-2025-09'), dbl('app.order.total', f.total),
  ], (s) => s.think(1_800, 0.5));
  const flagged = score > 0.8;
  w.span.attributes.push(bool('app.fraud.flagged', flagged), dbl('app.fraud.score', score));
  if (flagged) {
    w.db('UPDATE', 'orders', 'UPDATE orders SET review_status = ? WHERE id = ?', 0, 1_000);
    w.event('order flagged for review', [str('app.order.id', f.key), dbl('app.fraud.score', score)]);
  }
}

const CHUNK = 100;
const THREADS = 8;

/** The inventory job: one root, a query, then chunks of per-product updates on 8 worker threads. */
export function inventorySync(ctx: TraceCtx): void {
  const svc = ctx.topo.services['inventory-sync'];
  const inst = svc.instances[0];
  const rng = ctx.rng;
  // per item: UpdateStock CLIENT + SERVER + UPDATE + DEL; per chunk: chunk span + batch UPDATE
  const items = Math.max(1, Math.floor((ctx.budget - 2) / (4 + 2 / CHUNK)));
  const runId = rng.hex(8);
  const root = ctx.startSpan(inst, svc.scopes.scheduler, 'SyncJob.run', Kind.INTERNAL, null, 0, [
    str('code.function.name', 'com.shop.inventory.SyncJob.run'), str('job.system', 'spring_scheduling'),
    str('app.job.name', 'inventory-sync'), str('app.job.run_id', runId), str('thread.name', 'scheduling-1'),
    int('thread.id', 41), ...ctx.common,
  ]);
  const w = new Work(ctx, inst, root, 0);
  w.think(2_000);
  const query = 'SELECT product_id, quantity, warehouse_id FROM inventory WHERE updated_at > ? ORDER BY product_id';
  if (w.db('SELECT', 'inventory', query, items, 40_000, { tolerate: true })) {
    w.event('retrying query', [int('app.retry.attempt', 1)]);
    w.think(1_000_000, 0.2);
    w.db('SELECT', 'inventory', query, items, 40_000, { tolerate: true });
  }
  const threads: number[] = Array.from({ length: THREADS }, () => w.t);
  let done = 0;
  for (let chunk = 0; done < items && ctx.room(1 + 4 + 1); chunk++) {
    let th = 0;
    for (let i = 1; i < THREADS; i++) if (threads[i] < threads[th]) th = i;
    w.t = threads[th] + ctx.dur(200_000, 0.5);
    const size = Math.min(CHUNK, items - done);
    w.internal('SyncJob.processChunk', [
      str('code.function.name', 'com.shop.inventory.SyncJob.processChunk'), int('app.chunk.index', chunk),
      int('app.chunk.size', size), str('thread.name', `sync-worker-${th + 1}`), int('thread.id', 60 + th),
    ], (c) => {
      let n = 0;
      for (; n < size && ctx.room(4 + 1); n++) {
        updateStock(c, productIds[(done + n) % productIds.length], rng.int(0, 400));
        c.think(30);
      }
      done += n;
      c.db('UPDATE', 'inventory', 'UPDATE inventory SET synced_at = now() WHERE product_id = ANY(?)', 0, 4_000, { tolerate: true });
    });
    threads[th] = w.t;
  }
  w.fault = null; // per-item failures are logged and skipped; the job itself completes
  w.t = Math.max(...threads);
  w.think(1_500);
  root.attributes.push(int('app.job.items', done), int('app.job.chunks', Math.ceil(done / CHUNK)));
  w.finish();
}
