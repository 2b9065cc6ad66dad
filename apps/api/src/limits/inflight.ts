import { ApiError } from '../errors.ts';

/**
 * The bound on memory held by ingest: bytes of requests being read, decoded or waiting for
 * their transaction. A request reserves its declared size before its body is read and grows
 * the reservation once the decompressed size is known; beyond the bound it is refused with
 * 503 + Retry-After, so memory stays bounded however many senders push at once.
 */
export class InflightBytes {
  readonly max: number;
  #used = 0;
  #peak = 0;

  constructor(max: number) {
    this.max = max;
  }

  get used(): number {
    return this.#used;
  }

  /** Highest reservation seen (for the overload test and /metrics). */
  get peak(): number {
    return this.#peak;
  }

  /** A reservation of `n` bytes; throws 503 when it does not fit. `max` 0 = no bound. */
  reserve(n: number): InflightTicket {
    const t = new InflightTicket(this);
    t.grow(n);
    return t;
  }

  /** @internal */
  adjust(delta: number): boolean {
    // A lone request always fits (its size is bounded by INGEST_MAX_BODY_BYTES), or it could never pass.
    if (delta > 0 && this.max > 0 && this.#used > 0 && this.#used + delta > this.max) return false;
    this.#used += delta;
    if (this.#used > this.#peak) this.#peak = this.#used;
    return true;
  }
}

export class InflightTicket {
  readonly #pool: InflightBytes;
  #held = 0;

  constructor(pool: InflightBytes) {
    this.#pool = pool;
  }

  /** Raises this reservation to `total` bytes; throws 503 (and keeps what it had) when that does not fit. */
  grow(total: number): void {
    const delta = total - this.#held;
    if (delta <= 0) return;
    if (!this.#pool.adjust(delta)) {
      throw new ApiError('unavailable', `ingest is at its memory bound (${this.#pool.max} bytes in flight); retry later`, { retryAfter: 1 });
    }
    this.#held = total;
  }

  release(): void {
    this.#pool.adjust(-this.#held);
    this.#held = 0;
  }
}
