import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TracesData } from '@tracegres/otlp';
import { createPgliteDb } from '@tracegres/schema/node';
import { TagDictionary } from './tag-dictionary.ts';
import { migrate } from '@tracegres/schema';
import { loadMigrations } from '@tracegres/schema/node';

const MIN = 60n * 1_000_000_000n;

function td(t: bigint, attrs: Record<string, string>): TracesData {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { type: 'string', value: 'svc' } }], droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeSpans: [
          {
            scope: { name: 'lib', version: '', attributes: [], droppedAttributesCount: 0 },
            schemaUrl: '',
            spans: [
              {
                traceId: '1'.repeat(32), spanId: '1'.repeat(16), parentSpanId: '', traceState: '', name: 'op', kind: 1,
                startTimeUnixNano: t, endTimeUnixNano: t + 1n,
                attributes: Object.entries(attrs).map(([key, v]) => ({ key, value: { type: 'string' as const, value: v } })),
                droppedAttributesCount: 0, events: [], droppedEventsCount: 0, links: [], droppedLinksCount: 0,
                status: { code: 0, message: '' }, flags: 0,
              },
            ],
          },
        ],
      },
    ],
  };
}

test('an entry is written once, again only when its seen-range moves by more than the refresh interval', async () => {
  const db = await createPgliteDb();
  await migrate(db, await loadMigrations());
  const d = new TagDictionary();
  const t0 = 1_800_000_000_000_000_000n;
  d.observe(1, td(t0, { a: 'x' }));
  const first = d.pending;
  assert.ok(first > 0);
  await d.flush(db);
  assert.equal(d.pending, 0);
  d.observe(1, td(t0 + 5n * MIN, { a: 'x' }));
  assert.equal(d.pending, 0, 'within the refresh interval nothing is queued');
  d.observe(1, td(t0 + 30n * MIN, { a: 'x' }));
  assert.equal(d.pending, first, 'the same entries again, to move last_seen');
  await d.flush(db);
  d.observe(1, td(t0 + 31n * MIN, { a: 'x' }));
  assert.equal(d.pending, 0, 'an old first-seen does not make entries dirty forever');
  const [row] = await db.query<{ first: string; last: string }>(
    `select first_seen_ns::text as first, last_seen_ns::text as last from tag_values where key = 'a'`,
  );
  assert.deepEqual(row, { first: t0.toString(), last: (t0 + 30n * MIN).toString() });
  await db.close();
});
