import assert from "node:assert/strict";
import {
  allergiesEnabled,
  bakingRequired,
  combinedOrders,
  coolingAndBurning,
  DIFFICULTY_NAMES,
  moneyPenalty,
  ordersTakenAutomatically,
  toDifficulty,
} from "../../src/game/difficulty.ts";

Deno.test("difficulty levels add features as GAME.md's table says", () => {
  assert.deepEqual(DIFFICULTY_NAMES, [
    "Amateur",
    "Cook",
    "Chef",
    "Master Chef",
  ]);
  const row = (d: 0 | 1 | 2 | 3) => [
    ordersTakenAutomatically(d),
    combinedOrders(d),
    allergiesEnabled(d),
    bakingRequired(d),
    coolingAndBurning(d),
    moneyPenalty(d),
  ];
  assert.deepEqual(row(0), [true, false, false, false, false, false]);
  assert.deepEqual(row(1), [true, true, true, false, false, false]);
  assert.deepEqual(row(2), [false, true, true, true, false, false]);
  assert.deepEqual(row(3), [false, true, true, true, true, true]);
  assert.equal(toDifficulty(2), 2);
  assert.equal(toDifficulty("2"), null);
  assert.equal(toDifficulty(4), null);
});
