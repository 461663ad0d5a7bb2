/**
 * A token bucket: how many messages a socket may send.
 *
 * @module
 */

/**
 * Allows `ratePerSecond` events on average and bursts of up to `burst`.
 * Time is an input, so tests need no clock.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { TokenBucket } from "./rate_limiter.ts";
 * const bucket = new TokenBucket(1, 2, 0);
 * assert.equal(bucket.take(0), true);
 * assert.equal(bucket.take(0), true);
 * assert.equal(bucket.take(0), false);
 * assert.equal(bucket.take(1000), true);
 * ```
 */
export class TokenBucket {
  #tokens: number;
  #updatedAt: number;

  /**
   * @param ratePerSecond Sustained events per second.
   * @param burst Largest number of events at once.
   * @param now Current time in ms.
   */
  constructor(
    public ratePerSecond: number,
    public burst: number,
    now: number,
  ) {
    this.#tokens = burst;
    this.#updatedAt = now;
  }

  /**
   * Takes one token if there is one.
   * @param now Current time in ms.
   * @returns Whether the event is allowed.
   */
  take(now: number): boolean {
    this.#refill(now);
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /**
   * Tokens there are now (fractional), without taking one.
   * @param now Current time in ms.
   */
  available(now: number): number {
    this.#refill(now);
    return this.#tokens;
  }

  #refill(now: number): void {
    const elapsed = now - this.#updatedAt;
    if (elapsed > 0) {
      this.#tokens = Math.min(
        this.burst,
        this.#tokens + elapsed * this.ratePerSecond / 1000,
      );
      this.#updatedAt = now;
    }
  }
}
