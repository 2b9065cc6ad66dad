import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TracesData } from '@tracegres/otlp';
import { ApiError } from '../errors.ts';
import { InflightBytes } from './inflight.ts';
import { RateLimiter } from './rate-limiter.ts';
import { timeoutError, withStatementTimeout } from './statement-timeout.ts';
import { parseByteSize } from './settings.ts';
import { TokenBucket } from './token-bucket.ts';
import { cutAtBytes } from './trace-size.ts';
import { truncateAttributes } from './truncate-attributes.ts';

test('token bucket: burst at once, then the rate; refusal says how long to wait', () => {
  const b = new TokenBucket(1000, 3000, 0);
  assert.equal(b.take(3000, 0), 0);
  assert.equal(b.take(500, 0), 0.5);
  assert.equal(b.take(500, 500), 0, 'refilled 500 bytes in 0.5 s');
  assert.equal(b.take(2000, 10_000), 0, 'refill stops at the burst');
  assert.equal(b.tokens, 1000);
});

test('rate limiter: 429 with Retry-After per tenant; a request over the burst is 413', () => {
  const r = new RateLimiter();
  const lim = { ingestionRateLimitBytes: 1000, ingestionBurstSizeBytes: 2000 };
  r.admit('a', 2000, lim, 0);
  assert.throws(
    () => r.admit('a', 1500, lim, 0),
    (e: ApiError) => e.status === 429 && e.retryAfter === 2 && /RATE_LIMITED.*tenant a/.test(e.message),
  );
  r.admit('b', 2000, lim, 0); // other tenants have their own bucket
  assert.throws(() => r.admit('c', 2001, lim, 0), (e: ApiError) => e.status === 413);
  r.admit('a', 1000, lim, 1000);
  r.admit('z', 10 ** 9, { ingestionRateLimitBytes: 0, ingestionBurstSizeBytes: 0 }, 0); // 0 = no limit
});

test('in-flight bytes: bounded, a lone request always fits, release gives back', () => {
  const f = new InflightBytes(100);
  const big = f.reserve(500);
  assert.throws(() => f.reserve(1), (e: ApiError) => e.status === 503 && e.retryAfter === 1);
  big.release();
  const a = f.reserve(60);
  assert.throws(() => a.grow(120), ApiError, 'grows only while it fits');
  a.grow(60); // not larger than held: nothing to do
  const b = f.reserve(40);
  assert.throws(() => f.reserve(1), ApiError);
  a.release();
  b.release();
  assert.equal(f.used, 0);
  assert.equal(f.peak, 500);
});

test('attribute truncation: keys and string values, nested, at a character boundary', () => {
  const str = (value: string) => ({ type: 'string' as const, value });
  const td = {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: str('svc') }], droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeSpans: [
          {
            scope: { name: 's', version: '', attributes: [], droppedAttributesCount: 0 },
            schemaUrl: '',
            spans: [
              {
                attributes: [
                  { key: 'k'.repeat(20), value: str('short') },
                  { key: 'long', value: str('é'.repeat(10)) }, // 20 bytes
                  { key: 'arr', value: { type: 'array' as const, value: [str('x'.repeat(50)), { type: 'int' as const, value: 1n }] } },
                  { key: 'n', value: { type: 'int' as const, value: 7n } },
                ],
                events: [{ timeUnixNano: 0n, name: 'e', attributes: [{ key: 'e', value: str('y'.repeat(30)) }], droppedAttributesCount: 0 }],
                links: [],
              },
            ],
          },
        ],
      },
    ],
  } as unknown as TracesData;
  assert.equal(truncateAttributes(td, 15), 4);
  const attrs = td.resourceSpans[0].scopeSpans[0].spans[0].attributes;
  assert.equal(attrs[0].key, 'k'.repeat(15));
  assert.deepEqual(attrs[1].value, str('é'.repeat(7)), '14 bytes: the 8th é would be cut in half');
  assert.deepEqual((attrs[2].value as { value: unknown[] }).value[0], str('x'.repeat(15)));
  assert.equal(td.resourceSpans[0].scopeSpans[0].spans[0].events[0].attributes[0].value.type, 'string');
  assert.equal(truncateAttributes(td, 15), 0, 'idempotent');
  assert.equal(truncateAttributes(td, 0), 0, '0 = no limit');
});

test('trace size: keeps spans in order until the limit, at least one', () => {
  const rows = [{ bytes: 40 }, { bytes: '40' }, { bytes: 40 }];
  assert.deepEqual(cutAtBytes(rows, 100), { kept: rows.slice(0, 2), partial: true });
  assert.deepEqual(cutAtBytes(rows, 120), { kept: rows, partial: false });
  assert.deepEqual(cutAtBytes(rows, 10), { kept: rows.slice(0, 1), partial: true });
  assert.deepEqual(cutAtBytes(rows, 0), { kept: rows, partial: false });
});

test('byte sizes', () => {
  assert.equal(parseByteSize('15000000'), 15_000_000);
  assert.equal(parseByteSize('15MB'), 15_000_000);
  assert.equal(parseByteSize('64MiB'), 64 * 1024 * 1024);
  assert.equal(parseByteSize('2kib'), 2048);
  assert.throws(() => parseByteSize('lots'), /expected a byte size/);
});

test('statement timeout: no statement runs past the handle\'s deadline; after it, 504 without a query', async () => {
  let now = 1000;
  const sent: string[] = [];
  const tx = { query: async (text: string) => (sent.push(text), []) };
  const fake = {
    driver: 'postgres' as const,
    query: async () => [],
    exec: async () => {},
    transaction: <T>(fn: (q: typeof tx) => Promise<T>) => fn(tx),
    ping: async () => true,
    close: async () => {},
  };
  const db = withStatementTimeout(fake, 500, 'lookup', () => now);
  await db.query('select 1');
  now += 200;
  await db.transaction((q) => q.query('select 2'));
  assert.deepEqual(sent, ['set local statement_timeout = 500', 'select 1', 'set local statement_timeout = 300', 'select 2']);
  now += 300;
  await assert.rejects(db.query('select 3'), (e: ApiError) => e.status === 504 && /lookup exceeded its time limit of 500ms \(QUERY_TIMEOUT\)/.test(e.message));
  assert.equal(sent.length, 4, 'nothing sent after the deadline');

  // Inside one transaction: a caller's own longer timeout is lowered to what is left, and the
  // setting is lowered again once the time spent could let a statement overrun by over 10%.
  now = 0;
  sent.length = 0;
  const long = withStatementTimeout(fake, 1000, 'search', () => now);
  await long.transaction(async (q) => {
    await q.query('set local statement_timeout = 30000');
    await q.query('slice 1');
    await q.query('set local statement_timeout = 200');
    await q.query('slice 2');
    await q.query('set local statement_timeout = 30000');
    now += 90;
    await q.query('slice 3');
    now += 20;
    await q.query('slice 4');
    now += 900;
    await assert.rejects(q.query('slice 5'), (e: ApiError) => e.status === 504);
  });
  assert.deepEqual(sent, [
    'set local statement_timeout = 1000',
    'slice 1',
    'set local statement_timeout = 200',
    'slice 2',
    'set local statement_timeout = 1000',
    'slice 3',
    'set local statement_timeout = 890',
    'slice 4',
  ]);
});

test('statement timeout: a transaction still waiting for its connection at the deadline is given up', async () => {
  let started = false;
  const sent: string[] = [];
  let grant!: () => void;
  const turn = new Promise<void>((r) => (grant = r));
  const busy = {
    driver: 'pglite' as const,
    query: async () => [],
    exec: async () => {},
    // The one connection is held elsewhere until `grant`.
    transaction: async <T>(fn: (q: { query: (text?: string) => Promise<never[]> }) => Promise<T>) => {
      await turn;
      started = true;
      return fn({ query: async (text?: string) => (sent.push(String(text)), []) });
    },
    ping: async () => true,
    close: async () => {},
  };
  const t0 = performance.now();
  await assert.rejects(withStatementTimeout(busy, 100, 'lookup').query('select 1'), (e: ApiError) => e.status === 504);
  const waited = performance.now() - t0;
  assert.ok(waited >= 100 && waited < 1000, `gave up after ${Math.round(waited)} ms`);
  grant();
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(started, true, 'the transaction got its turn');
  assert.deepEqual(sent, [], 'and found no time left: nothing was sent');
});

test('statement timeout: on a pipelining handle a lone query is one round trip, its timeout taken once a connection is had', async () => {
  let now = 0;
  const trips: string[][] = [];
  let grant: (() => void) | undefined;
  const pipelining = {
    driver: 'postgres' as const,
    query: async () => [],
    exec: async () => {},
    transaction: async <T>(fn: (q: { query: (text: string) => Promise<never[]> }) => Promise<T>) => fn({ query: async (text: string) => (trips.push([text]), []) }),
    // Waits for `grant` when one is pending (the pool is busy), then evaluates the statements.
    pipeline: async (statements: (() => { text: string }[]) | { text: string }[]) => {
      if (grant) await new Promise<void>((r) => (grant = r));
      const list = typeof statements === 'function' ? statements() : statements;
      trips.push(list.map((x) => x.text));
      return list.map((x) => [{ text: x.text }]);
    },
    ping: async () => true,
    close: async () => {},
  };
  const db = withStatementTimeout(pipelining, 500, 'lookup', () => now);
  assert.deepEqual(await db.query('select 1'), [{ text: 'select 1' }]);
  assert.deepEqual(trips, [['set local statement_timeout = 500', 'select 1']]);
  // A caller's own timeout, or a transaction, takes the transaction path as before.
  await db.transaction((q) => q.query('select 2'));
  assert.deepEqual(trips.slice(1), [['set local statement_timeout = 500'], ['select 2']]);
  // The pool is busy: by the time a connection is had, the time left is what the timeout says.
  trips.length = 0;
  grant = () => {};
  const pending = db.query('select 3');
  await new Promise((r) => setTimeout(r, 5));
  now = 380;
  grant();
  await pending;
  assert.deepEqual(trips, [['set local statement_timeout = 120', 'select 3']]);
  // And once none is left, nothing is sent.
  trips.length = 0;
  grant = () => {};
  const late = db.query('select 4');
  await new Promise((r) => setTimeout(r, 5));
  now = 600;
  grant();
  await assert.rejects(late, (e: ApiError) => e.status === 504);
  assert.deepEqual(trips, []);
});

test('statement timeout: Postgres refusing a regex is a 400, a cancellation a 504, others unchanged', () => {
  const tooComplex = Object.assign(new Error('invalid regular expression: regular expression is too complex'), { code: '2201B' });
  assert.match((timeoutError(tooComplex, 1000, 'search') as ApiError).message, /^invalid regex: invalid regular expression: regular expression is too complex; simplify the pattern$/);
  assert.equal((timeoutError(tooComplex, 1000, 'search') as ApiError).status, 400);
  assert.equal((timeoutError(Object.assign(new Error('x'), { code: '57014' }), 1000, 'search') as ApiError).status, 504);
  const other = new Error('boom');
  assert.equal(timeoutError(other, 1000, 'search'), other);
});
