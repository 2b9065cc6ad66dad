import { ApiError } from '../errors.ts';
import type { TenantLimits } from './settings.ts';
import { TokenBucket } from './token-bucket.ts';

/** Buckets idle this long are dropped, so a stream of one-off tenant names cannot grow the map. */
const IDLE_MS = 10 * 60_000;

/**
 * Tempo's ingestion rate limit, per tenant and per process (its `local` strategy): bytes of
 * decompressed request body per second with a burst allowance. Over the rate the whole request
 * is refused with 429 and a Retry-After of when it would fit; a request larger than the burst
 * could never fit, so it is refused as too large (413, not retried).
 */
export class RateLimiter {
  readonly #buckets = new Map<string, { bucket: TokenBucket; usedAt: number }>();
  #sweptAt = 0;

  /** Throws ApiError 429 (or 413) when `bytes` from `tenant` exceed its rate. */
  admit(tenant: string, bytes: number, limits: Pick<TenantLimits, 'ingestionRateLimitBytes' | 'ingestionBurstSizeBytes'>, nowMs: number): void {
    const rate = limits.ingestionRateLimitBytes;
    if (rate <= 0) return;
    // Burst 0 = "the rate itself": one second's worth, as a bucket needs some size.
    const burst = limits.ingestionBurstSizeBytes > 0 ? limits.ingestionBurstSizeBytes : rate;
    if (bytes > burst) {
      throw new ApiError(
        'payloadTooLarge',
        `RATE_LIMITED: batch size ${bytes} bytes exceeds the ingestion burst size of ${burst} bytes for tenant ${tenant}; send smaller requests`,
      );
    }
    this.#sweep(nowMs);
    let entry = this.#buckets.get(tenant);
    if (!entry) this.#buckets.set(tenant, (entry = { bucket: new TokenBucket(rate, burst, nowMs), usedAt: nowMs }));
    entry.usedAt = nowMs;
    // Overrides may change while a bucket lives.
    entry.bucket.rate = rate;
    entry.bucket.burst = burst;
    const waitS = entry.bucket.take(bytes, nowMs);
    if (waitS > 0) {
      throw new ApiError(
        'tooManyRequests',
        `RATE_LIMITED: ingestion rate limit (${rate} bytes/s, burst ${burst} bytes) exceeded while adding ${bytes} bytes for tenant ${tenant}`,
        { retryAfter: Math.max(1, Math.ceil(waitS)) },
      );
    }
  }

  #sweep(nowMs: number): void {
    if (nowMs - this.#sweptAt < IDLE_MS) return;
    this.#sweptAt = nowMs;
    for (const [k, v] of this.#buckets) if (nowMs - v.usedAt > IDLE_MS) this.#buckets.delete(k);
  }
}
