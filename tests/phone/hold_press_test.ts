import assert from "node:assert/strict";
import { HOLD_TO_DISCARD_MS, HoldPress } from "../../src/phone/hold_press.ts";

Deno.test("HoldPress fires once when held long enough, never when let go early", () => {
  const hold = new HoldPress(HOLD_TO_DISCARD_MS);
  assert.equal(hold.progress(0), 0);
  assert.equal(hold.tick(5_000), false, "not held");
  hold.down(100);
  assert.equal(hold.holding, true);
  assert.equal(hold.tick(100 + HOLD_TO_DISCARD_MS - 1), false);
  hold.up();
  assert.equal(hold.tick(100 + HOLD_TO_DISCARD_MS * 2), false, "let go early");
  assert.equal(hold.progress(10_000), 0);
  hold.down(1_000);
  assert.equal(hold.progress(1_000 + HOLD_TO_DISCARD_MS / 4), 0.25);
  assert.equal(hold.tick(1_000 + HOLD_TO_DISCARD_MS), true);
  assert.equal(hold.holding, false);
  assert.equal(hold.progress(9_999), 1);
  assert.equal(hold.tick(9_999), false, "once per press");
  hold.down(20_000);
  assert.equal(
    hold.tick(20_000 + HOLD_TO_DISCARD_MS),
    true,
    "a new press fires again",
  );
});

Deno.test("HoldPress refuses a hold time that is not positive", () => {
  assert.throws(() => new HoldPress(0), RangeError);
  assert.throws(() => new HoldPress(Number.NaN), RangeError);
});
