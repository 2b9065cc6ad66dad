// The dataset the TraceQL metrics tests share, and helpers to read the API's answers into the
// shape of metrics-reference.ts and compare them.
import assert from 'node:assert/strict';
import { encodeBody } from '@tracegres/loadgen';
import type { TestServer } from './app.ts';
import { type Expected, type RefSpan, lbl, makeSpans, toTracesData } from './metrics-reference.ts';

/** Start of the data: a minute boundary half an hour ago (inside the default retention). */
export const baseS = Math.floor(Date.now() / 60_000) * 60 - 1800;
export const baseNs = BigInt(baseS) * 1_000_000_000n;

interface Kv {
  key: string;
  value: Record<string, unknown>;
}

export interface MetricsBody {
  series: {
    labels: Kv[];
    samples: { timestampMs: string; value?: number | string }[];
    promLabels?: string;
    exemplars?: { labels?: Kv[]; value?: number | string; timestampMs: string }[];
  }[];
  metrics: Record<string, unknown>;
  status?: string;
  message?: string;
}

export interface InstantBody {
  series: { labels: Kv[]; value?: number | string }[];
}

/**
 * Sends 150 traces (450 spans) starting over 10 minutes from `baseNs`, plus a few outside that
 * window, and returns every span sent.
 */
export async function loadMetricsDataset(server: TestServer): Promise<RefSpan[]> {
  const spans = [
    ...makeSpans(baseNs, 600_000_000_000n, 150, 42),
    ...makeSpans(baseNs - 900_000_000_000n, 60_000_000_000n, 3, 7).map((sp) => ({ ...sp, traceId: `e${sp.traceId.slice(1)}` })),
    ...makeSpans(baseNs + 1_200_000_000_000n, 60_000_000_000n, 3, 8).map((sp) => ({ ...sp, traceId: `f${sp.traceId.slice(1)}` })),
  ];
  const res = await fetch(`${server.url}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf' },
    body: encodeBody(toTracesData(spans)) as Uint8Array<ArrayBuffer>,
  });
  assert.equal(res.status, 200, await res.text());
  return spans;
}

const labelText = (labels: Kv[]) => labels.map((l) => lbl(l.key, l.value)).join(',');
const num = (v: number | string | undefined) => (v === undefined ? 0 : Number(v));

/** A range response as expected series (a missing `value` is jsonpb's 0). */
export function gotRange(body: MetricsBody): Expected {
  const out: Expected = new Map();
  for (const se of body.series) {
    const key = labelText(se.labels);
    assert.ok(!out.has(key), `series ${key} appears once`);
    out.set(key, new Map((se.samples ?? []).map((x) => [x.timestampMs, num(x.value)])));
  }
  return out;
}

export function gotInstant(body: InstantBody): Map<string, number> {
  return new Map(body.series.map((se) => [labelText(se.labels), num(se.value)]));
}

const close = (a: number, b: number) => a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));

export function sameSeries(got: Expected, want: Expected, what: string): void {
  assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort(), `${what}: series`);
  for (const [k, w] of want) {
    const g = got.get(k)!;
    assert.deepEqual([...g.keys()], [...w.keys()], `${what}: timestamps of ${k}`);
    for (const [ts, v] of w) assert.ok(close(g.get(ts)!, v), `${what}: ${k} at ${ts}: got ${g.get(ts)}, want ${v}`);
  }
}

export function sameInstant(got: Map<string, number>, want: Map<string, number>, what: string): void {
  assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort(), `${what}: series`);
  for (const [k, v] of want) assert.ok(close(got.get(k)!, v), `${what}: ${k}: got ${got.get(k)}, want ${v}`);
}
