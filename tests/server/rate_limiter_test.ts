/**
 * Unit tests for the token bucket.
 */
import assert from "node:assert/strict";
import { TokenBucket } from "../../src/server/rate_limiter.ts";

function takeAll(bucket: TokenBucket, now: number, tries: number): number {
  let taken = 0;
  for (let i = 0; i < tries; i++) if (bucket.take(now)) taken++;
  return taken;
}

Deno.test("TokenBucket.take() allows a full burst at once, then refuses", () => {
  const bucket = new TokenBucket(10, 5, 0);
  assert.equal(takeAll(bucket, 0, 100), 5);
  assert.equal(bucket.take(0), false);
});

Deno.test("TokenBucket.take() refills at ratePerSecond", () => {
  const bucket = new TokenBucket(10, 5, 1_000);
  takeAll(bucket, 1_000, 5);
  assert.equal(bucket.take(1_099), false);
  assert.equal(bucket.take(1_100), true);
  assert.equal(bucket.take(1_100), false);
  // Fractions add up: 0.5 + 0.5 tokens make one.
  assert.equal(bucket.take(1_150), false);
  assert.equal(bucket.take(1_200), true);
  assert.equal(takeAll(bucket, 1_500, 100), 3);
});

Deno.test("TokenBucket.take() never stores more than the burst", () => {
  const bucket = new TokenBucket(100, 3, 0);
  assert.equal(takeAll(bucket, 3_600_000, 100), 3);
});

Deno.test("TokenBucket.take() sustains its rate over a long run", () => {
  const bucket = new TokenBucket(20, 10, 0);
  let allowed = 0;
  // One attempt per millisecond for 10 s.
  for (let now = 0; now < 10_000; now++) if (bucket.take(now)) allowed++;
  // The burst plus 20 per second.
  assert.ok(allowed >= 205 && allowed <= 210, `allowed ${allowed}`);
});

Deno.test("TokenBucket.take() gains nothing when the clock goes backwards", () => {
  const bucket = new TokenBucket(1, 1, 10_000);
  assert.equal(bucket.take(10_000), true);
  assert.equal(bucket.take(5_000), false);
  assert.equal(bucket.take(10_999), false);
  assert.equal(bucket.take(11_000), true);
});

Deno.test("TokenBucket rate and burst can grow while it runs", () => {
  const bucket = new TokenBucket(1, 2, 0);
  takeAll(bucket, 0, 2);
  bucket.ratePerSecond = 4;
  bucket.burst = 8;
  // Raising the burst adds no tokens at once …
  assert.equal(bucket.take(0), false);
  // … but they refill at the new rate up to the new burst.
  assert.equal(takeAll(bucket, 1_000, 100), 4);
  assert.equal(takeAll(bucket, 10_000, 100), 8);
});
