import { ApiError } from '../../errors.ts';

/**
 * Parses a trace id as Tempo accepts it: 1-32 hex characters in either case, an odd length
 * taking a leading 0, left-padded with zero bytes to 16 bytes. Returns 32 lowercase hex chars.
 */
export function parseTraceId(text: string): string {
  if (text.length === 0) throw new ApiError('badRequest', 'trace ID is empty');
  const bad = /[^0-9a-fA-F]/.exec(text);
  if (bad) {
    throw new ApiError(
      'badRequest',
      `trace IDs can only contain hex characters: invalid character '${bad[0]}' at position ${bad.index + 1}`,
    );
  }
  if (text.length > 32) throw new ApiError('badRequest', "trace IDs can't be larger than 128 bits");
  return text.toLowerCase().padStart(32, '0');
}

/** Tempo's optional `start`/`end` (unix seconds): both or neither, end after start. */
export function parseTimeRange(start: string | undefined, end: string | undefined): { startNs?: bigint; endNs?: bigint } {
  if (start === undefined && end === undefined) return {};
  if (start === undefined || end === undefined) throw new ApiError('badRequest', 'start and end must be given together');
  const s = seconds('start', start);
  const e = seconds('end', end);
  if (e <= s) throw new ApiError('badRequest', `end (${end}) must be after start (${start})`);
  return { startNs: s * 1_000_000_000n, endNs: e * 1_000_000_000n + 999_999_999n };
}

function seconds(name: string, v: string): bigint {
  if (!/^\d{1,12}$/.test(v)) throw new ApiError('badRequest', `invalid ${name}: expected unix seconds, got ${JSON.stringify(v)}`);
  return BigInt(v);
}
