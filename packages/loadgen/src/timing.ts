/** Small runtime-free helpers shared by the demo stream and the CLI. */

/** `{200: 5, 503: 1}` as `200:5 503:1`. */
export function formatCounts(counts: Record<string, number>): string {
  const keys = Object.keys(counts).sort();
  return keys.length ? keys.map((k) => `${k}:${counts[k]}`).join(' ') : '-';
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
