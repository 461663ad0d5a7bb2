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
  /** The level, as a {@link BucketLevel}. */
  readonly #level: BucketLevel;

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
    this.#level = { tokens: burst, tokensAt: now };
  }

  /**
   * Takes one token if there is one.
   * @param now Current time in ms.
   * @returns Whether the event is allowed.
   */
  take(now: number): boolean {
    return takeToken(this.#level, this.ratePerSecond, this.burst, now);
  }

  /**
   * Tokens there are now (fractional), without taking one.
   * @param now Current time in ms.
   */
  available(now: number): number {
    refill(this.#level, this.ratePerSecond, this.burst, now);
    return this.#level.tokens;
  }
}

/**
 * A token bucket's level, kept in fields of an object that has other work
 * (e.g. a connection's state), so a bucket costs no object of its own.
 */
export interface BucketLevel {
  /** Tokens left (fractional). */
  tokens: number;
  /** When `tokens` was last brought up to date, in ms. */
  tokensAt: number;
}

/**
 * Takes one token from `level` if there is one, after adding what
 * `ratePerSecond` gave since `level.tokensAt` (never above `burst`).
 * Rate and burst are inputs, so they may change while it runs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { takeToken } from "./rate_limiter.ts";
 * const level = { tokens: 1, tokensAt: 0 };
 * assert.equal(takeToken(level, 1, 1, 0), true);
 * assert.equal(takeToken(level, 1, 1, 500), false);
 * assert.equal(takeToken(level, 1, 1, 1_000), true);
 * ```
 */
export function takeToken(
  level: BucketLevel,
  ratePerSecond: number,
  burst: number,
  now: number,
): boolean {
  refill(level, ratePerSecond, burst, now);
  if (level.tokens < 1) return false;
  level.tokens -= 1;
  return true;
}

function refill(
  level: BucketLevel,
  ratePerSecond: number,
  burst: number,
  now: number,
): void {
  const elapsed = now - level.tokensAt;
  if (elapsed > 0) {
    level.tokens = Math.min(
      burst,
      level.tokens + elapsed * ratePerSecond / 1000,
    );
    level.tokensAt = now;
  }
}
