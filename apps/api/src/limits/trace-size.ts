/**
 * Tempo's `max_bytes_per_trace` on read: spans are kept in their read order (start time) until
 * their stored size would pass `maxBytes`; the caller answers with what fits and status PARTIAL.
 * At least one span is kept, so an oversized trace never reads as missing. 0 = no limit.
 */
export function cutAtBytes<T extends { bytes: number | string }>(rows: T[], maxBytes: number): { kept: T[]; partial: boolean } {
  if (maxBytes <= 0) return { kept: rows, partial: false };
  let total = 0;
  for (let i = 0; i < rows.length; i++) {
    total += Number(rows[i].bytes);
    if (total > maxBytes && i > 0) return { kept: rows.slice(0, i), partial: true };
  }
  return { kept: rows, partial: false };
}

/** Tempo's message for a trace cut at the limit. */
export function partialTraceMessage(maxBytes: number): string {
  return `Trace exceeds maximum size of ${maxBytes} bytes, a partial trace is returned`;
}
