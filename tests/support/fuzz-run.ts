// Sends fuzz cases with some concurrency and keeps score: answers by status and by kind of case,
// the slowest requests, and failures (a 5xx, no answer at all, or an answer past the case's
// timeout). The transport is a parameter: the CI test calls the app in process, the long run
// talks HTTP to a server process.
import type { FuzzCase } from './fuzz-cases.ts';

/** How a case was answered: an HTTP status, or `error` when no answer came. */
export type Answer = { status: number; ms: number } | { error: string; ms: number };
export type Send = (c: FuzzCase) => Promise<Answer>;

export interface Slow {
  ms: number;
  label: string;
  path: string;
  status: number | string;
}

export interface FuzzStats {
  requests: number;
  statuses: Map<number, number>;
  /** Per kind of case (`proto`, `search`...): status -> count. */
  byKind: Map<string, Map<number | string, number>>;
  slowest: Slow[];
  failures: string[];
}

const SLOWEST_KEPT = 10;

export const newStats = (): FuzzStats => ({ requests: 0, statuses: new Map(), byKind: new Map(), slowest: [], failures: [] });

/** Records one answer; returns the failure it is, if any. */
export function record(stats: FuzzStats, c: FuzzCase, a: Answer): string | undefined {
  stats.requests++;
  const kind = c.label.split(' #')[0];
  const code = 'status' in a ? a.status : 'no answer';
  if ('status' in a) stats.statuses.set(a.status, (stats.statuses.get(a.status) ?? 0) + 1);
  const perKind = stats.byKind.get(kind) ?? new Map<number | string, number>();
  perKind.set(code, (perKind.get(code) ?? 0) + 1);
  stats.byKind.set(kind, perKind);
  if (stats.slowest.length < SLOWEST_KEPT || a.ms > stats.slowest[stats.slowest.length - 1].ms) {
    stats.slowest.push({ ms: a.ms, label: c.label, path: c.path, status: code });
    stats.slowest.sort((x, y) => y.ms - x.ms);
    stats.slowest.length = Math.min(stats.slowest.length, SLOWEST_KEPT);
  }
  let failure: string | undefined;
  if (!('status' in a)) failure = `${c.label}: no answer (${a.error}) for ${c.method} ${c.path.slice(0, 200)}`;
  else if (a.status >= 500) failure = `${c.label}: HTTP ${a.status} for ${c.method} ${c.path.slice(0, 200)}`;
  else if (a.ms > c.timeoutMs) failure = `${c.label}: answered after ${Math.round(a.ms)} ms (limit ${c.timeoutMs}) for ${c.path.slice(0, 200)}`;
  if (failure) stats.failures.push(failure);
  return failure;
}

/**
 * Sends every case, `concurrency` at a time, in order. `onProgress` is called every
 * `progressEvery` answers (for the long run's progress line).
 */
export async function runCases(
  cases: Iterable<FuzzCase>,
  send: Send,
  opts: { concurrency: number; stats?: FuzzStats; onProgress?: (s: FuzzStats) => void; progressEvery?: number },
): Promise<FuzzStats> {
  const stats = opts.stats ?? newStats();
  const it = cases[Symbol.iterator]();
  const worker = async () => {
    for (let next = it.next(); !next.done; next = it.next()) {
      const c = next.value;
      record(stats, c, await send(c));
      if (opts.onProgress && stats.requests % (opts.progressEvery ?? 5000) === 0) opts.onProgress(stats);
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  return stats;
}

/** `400: 1234, 200: 567` sorted by count. */
export function formatCounts(m: Map<number | string, number>): string {
  return [...m].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k}: ${n}`).join(', ');
}

/** A few lines for a report: statuses overall and per kind, and the slowest requests. */
export function describeStats(stats: FuzzStats): string {
  const lines = [`${stats.requests} requests; statuses ${formatCounts(stats.statuses)}`];
  for (const [kind, m] of [...stats.byKind].sort()) lines.push(`  ${kind.padEnd(16)} ${formatCounts(m)}`);
  lines.push('slowest:');
  for (const s of stats.slowest) lines.push(`  ${Math.round(s.ms).toString().padStart(6)} ms  ${s.status}  ${s.label}  ${s.path.slice(0, 160)}`);
  return lines.join('\n');
}

const toInit = (c: FuzzCase): RequestInit => ({ method: c.method, headers: c.headers, body: c.body });

/** Calls the app in process (`app.request`), as the CI test does. */
export function appSender(app: { request(path: string, init?: RequestInit): Response | Promise<Response> }): Send {
  return async (c) => {
    const t0 = performance.now();
    try {
      const res = await app.request(c.path, toInit(c));
      await res.arrayBuffer();
      return { status: res.status, ms: performance.now() - t0 };
    } catch (err) {
      return { error: `threw ${(err as Error).message}`, ms: performance.now() - t0 };
    }
  };
}

/** Sends over HTTP; a request still unanswered a little after its timeout is given up. */
export function httpSender(baseUrl: string): Send {
  return async (c) => {
    const t0 = performance.now();
    try {
      const res = await fetch(baseUrl + c.path, { ...toInit(c), signal: AbortSignal.timeout(c.timeoutMs + 5000) });
      await res.arrayBuffer();
      return { status: res.status, ms: performance.now() - t0 };
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      return { error: e.name === 'TimeoutError' ? 'timeout' : (e.cause?.code ?? e.message), ms: performance.now() - t0 };
    }
  };
}
