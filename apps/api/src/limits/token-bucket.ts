/**
 * A token bucket in bytes: it refills at `rate` bytes per second up to `burst`, and a request
 * takes its size out of it or is refused with how long until it would fit. Time is passed in
 * (ms) so tests and the rate limiter decide the clock.
 */
export class TokenBucket {
  #tokens: number;
  #at: number;
  rate: number;
  burst: number;

  constructor(rate: number, burst: number, nowMs: number) {
    this.rate = rate;
    this.burst = burst;
    this.#tokens = burst;
    this.#at = nowMs;
  }

  /** Takes `n` bytes: 0 when allowed, else the seconds until they would be (nothing is taken). */
  take(n: number, nowMs: number): number {
    this.#refill(nowMs);
    if (n <= this.#tokens) {
      this.#tokens -= n;
      return 0;
    }
    return (n - this.#tokens) / this.rate;
  }

  get tokens(): number {
    return this.#tokens;
  }

  #refill(nowMs: number): void {
    const dt = Math.max(0, nowMs - this.#at) / 1000;
    this.#at = nowMs;
    this.#tokens = Math.min(this.burst, this.#tokens + dt * this.rate);
  }
}
