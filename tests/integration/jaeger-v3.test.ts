// Jaeger's API v3 over HTTP under /jaeger/api/v3: OTLP JSON in a `result` wrapper, v3's
// parameter names (camelCase and the older snake_case), its error shape and 404 rules.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type TracesData, decodeExportRequestJson, encodeOtlpJson, encodeTracesDataProto } from '@tracegres/otlp';
import { type TestServer, startTestServer } from '../support/app.ts';
import { drivers } from '../support/databases.ts';
import { A, B, baseNs, traceA, traceB } from '../support/jaeger-fixtures.ts';

const iso = (ns: bigint) => {
  const ms = ns / 1_000_000n;
  return new Date(Number(ms)).toISOString().replace('Z', '') + (ns % 1_000_000n).toString().padStart(6, '0') + 'Z';
};
const from = iso(baseNs - 60_000_000_000n);
const to = iso(baseNs + 60_000_000_000n);

/** Spans of a TracesData as sorted canonical JSON lines (grouping and order may differ). */
function canon(td: TracesData): string[] {
  const out: string[] = [];
  for (const rs of td.resourceSpans) {
    for (const ss of rs.scopeSpans) {
      for (const sp of ss.spans) {
        const one: TracesData = { resourceSpans: [{ ...rs, scopeSpans: [{ ...ss, spans: [sp] }] }] };
        // Attribute and map entry order is not kept by storage: compare them sorted by key.
        const sortKeyed = (v: unknown): unknown => {
          if (Array.isArray(v)) {
            const l = v.map(sortKeyed);
            return l.every((x) => x && typeof x === 'object' && 'key' in (x as object)) ? l.sort((a, b) => ((a as { key: string }).key < (b as { key: string }).key ? -1 : 1)) : l;
          }
          if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, sortKeyed(x)]));
          return v;
        };
        const r = sortKeyed(JSON.parse(encodeOtlpJson(one)).resourceSpans[0]);
        out.push(JSON.stringify(r));
      }
    }
  }
  return out.sort();
}

for (const driver of drivers) {
  describe(`Jaeger API v3 (${driver})`, () => {
    let server: TestServer;
    const get = async (path: string) => {
      const res = await server.app.request(`/jaeger/api/v3${path}`);
      return { status: res.status, type: res.headers.get('content-type'), body: JSON.parse(await res.text()) };
    };
    const traceIds = (td: TracesData) => [...new Set(td.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans.map((x) => x.traceId))))].sort();

    before(async () => {
      server = await startTestServer(driver);
      for (const td of [traceA, traceB]) {
        const res = await server.app.request('/v1/traces', { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: encodeTracesDataProto(td) });
        assert.equal(res.status, 200);
      }
    });
    after(() => server?.close());

    test('services and operations (spanKind / span_kind; unspecified reads as internal)', async () => {
      assert.deepEqual((await get('/services')).body, { services: ['backend', 'db', 'frontend', 'unknown_service'] });
      assert.deepEqual((await get('/operations?service=db')).body, {
        operations: [{ name: 'SELECT card', spanKind: 'client' }, { name: 'SELECT late', spanKind: 'internal' }],
      });
      assert.deepEqual((await get('/operations?service=backend&spanKind=internal')).body, { operations: [{ name: 'validate', spanKind: 'internal' }] });
      assert.deepEqual((await get('/operations?service=backend&span_kind=client')).body, { operations: [{ name: 'charge', spanKind: 'client' }] });
      const bad = await get('/operations?service=db&spanKind=nope');
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.httpCode, 400);
      assert.match(bad.body.error.message, /nope/);
    });

    test('trace by id: OTLP JSON that equals what was sent', async () => {
      const r = await get(`/traces/${A}`);
      assert.equal(r.status, 200);
      assert.equal(r.type, 'application/json');
      assert.deepEqual(Object.keys(r.body), ['result']);
      const got = decodeExportRequestJson(JSON.stringify(r.body.result));
      assert.deepEqual(canon(got), canon(traceA));
      // Hex ids, integer enums, 64-bit times as strings.
      const sp = r.body.result.resourceSpans[0].scopeSpans[0].spans[0];
      assert.match(sp.traceId, /^[0-9a-f]{32}$/);
      assert.equal(typeof sp.startTimeUnixNano, 'string');
      assert.equal(typeof sp.kind, 'number');
      const short = await get(`/traces/${A.slice(16)}?startTime=${from}&endTime=${to}&rawTraces=true`);
      assert.equal(short.status, 200);
      const snake = await get(`/traces/${A}?start_time=${from}&end_time=${to}&raw_traces=false`);
      assert.equal(snake.status, 200);
    });

    test('trace by id: 404 and parameter errors', async () => {
      assert.deepEqual(await get('/traces/00000000000000000000000000000abc'), {
        status: 404, type: 'application/json', body: { error: { httpCode: 404, message: 'No traces found' } },
      });
      const bad = await get('/traces/zzz');
      assert.equal(bad.status, 400);
      assert.match(bad.body.error.message, /malformed parameter trace_id/);
      const badTime = await get(`/traces/${A}?startTime=yesterday`);
      assert.equal(badTime.status, 400);
      assert.match(badTime.body.error.message, /malformed parameter startTime.*RFC 3339/);
      const badRaw = await get(`/traces/${A}?raw_traces=perhaps`);
      assert.match(badRaw.body.error.message, /raw_traces/);
    });

    test('search: camelCase and snake_case names, attributes, durations, depth, 404 when empty', async () => {
      const q = (extra: string) => `/traces?query.startTimeMin=${from}&query.startTimeMax=${to}&${extra}`;
      const ids = async (extra: string) => {
        const r = await get(q(extra));
        return r.status === 404 ? 404 : traceIds(decodeExportRequestJson(JSON.stringify(r.body.result)));
      };
      assert.deepEqual(await ids('query.serviceName=frontend'), [A, B].sort());
      assert.deepEqual(await ids('query.service_name=db&query.operation_name=SELECT%20card'), [A]);
      assert.deepEqual(await ids('query.serviceName=frontend&query.operationName=GET%20%2Fhome'), [B]);
      assert.deepEqual(await ids(`query.attributes=${encodeURIComponent('{"http.response.status_code":"200"}')}`), [B]);
      assert.deepEqual(await ids('query.serviceName=frontend&query.durationMin=50ms'), [A]);
      assert.deepEqual(await ids('query.serviceName=frontend&query.duration_max=5ms'), [B]);
      const one = await get(q('query.serviceName=frontend&query.searchDepth=1'));
      assert.equal(traceIds(decodeExportRequestJson(JSON.stringify(one.body.result))).length, 1);
      const alias = await get(q('query.serviceName=frontend&query.num_traces=1'));
      assert.equal(traceIds(decodeExportRequestJson(JSON.stringify(alias.body.result))).length, 1);
      assert.deepEqual(await get(q('query.serviceName=nobody')), { status: 404, type: 'application/json', body: { error: { httpCode: 404, message: 'No traces found' } } });
    });

    test('search: required and malformed parameters', async () => {
      const cases: [string, RegExp][] = [
        ['/traces?query.serviceName=frontend', /query.startTimeMin and query.startTimeMax are required/],
        [`/traces?query.startTimeMin=${to}&query.startTimeMax=${from}`, /query.startTimeMin must be before query.startTimeMax/],
        [`/traces?query.startTimeMin=monday&query.startTimeMax=${to}`, /malformed parameter query.startTimeMin/],
        [`/traces?query.start_time_min=${from}&query.start_time_max=nope`, /malformed parameter query.start_time_max/],
        [`/traces?query.startTimeMin=${from}&query.startTimeMax=${to}&query.durationMin=soon`, /query.durationMin/],
        [`/traces?query.startTimeMin=${from}&query.startTimeMax=${to}&query.searchDepth=x`, /malformed parameter query.searchDepth/],
        [`/traces?query.startTimeMin=${from}&query.startTimeMax=${to}&query.attributes=%5B1%5D`, /query.attributes/],
        [`/traces?query.startTimeMin=${from}&query.startTimeMax=${to}&query.filter=%7B%7D`, /query.filter/],
        ['/trace-summaries?query.serviceName=frontend', /required/],
      ];
      for (const [path, re] of cases) {
        const r = await get(path);
        assert.equal(r.status, 400, path);
        assert.deepEqual(Object.keys(r.body.error), ['httpCode', 'message']);
        assert.equal(r.body.error.httpCode, 400);
        assert.match(r.body.error.message, re, path);
      }
    });

    test('trace summaries', async () => {
      const r = await get(`/trace-summaries?query.startTimeMin=${from}&query.startTimeMax=${to}&query.serviceName=frontend`);
      assert.equal(r.status, 200);
      const byId = new Map(r.body.summaries.map((s: { traceId: string }) => [s.traceId, s]));
      assert.deepEqual(byId.get(A), {
        traceId: A,
        rootServiceName: 'frontend',
        rootOperationName: 'GET /checkout',
        minStartTimeUnixNano: (baseNs + 1234n).toString(),
        maxEndTimeUnixNano: (baseNs + 100_000_000n + 1234n).toString(),
        spanCount: 5,
        errorSpanCount: 1,
        orphanSpanCount: 1,
        services: [
          { name: 'backend', spanCount: 2, errorSpanCount: 0 },
          { name: 'db', spanCount: 2, errorSpanCount: 0 },
          { name: 'frontend', spanCount: 1, errorSpanCount: 1 },
        ],
      });
      assert.equal((byId.get(B) as { spanCount: number }).spanCount, 2);
      const none = await get(`/trace-summaries?query.startTimeMin=${from}&query.startTimeMax=${to}&query.serviceName=nobody`);
      assert.deepEqual(none, { status: 200, type: 'application/json', body: { summaries: [] } });
    });
  });
}
