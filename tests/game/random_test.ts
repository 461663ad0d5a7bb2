import assert from "node:assert/strict";
import {
  chance,
  nextFloat,
  nextInt,
  nextSeed,
  pick,
  shuffled,
  toSeed,
} from "../../src/game/random.ts";

Deno.test("nextFloat() repeats for the same seed and stays in [0, 1)", () => {
  const a = { rng: 123 };
  const b = { rng: 123 };
  for (let i = 0; i < 1000; i++) {
    const x = nextFloat(a);
    assert.equal(x, nextFloat(b));
    assert.ok(x >= 0 && x < 1);
  }
  assert.notEqual(nextFloat({ rng: 1 }), nextFloat({ rng: 2 }));
});

Deno.test("nextInt() covers [min, max] inclusive and nothing else", () => {
  const h = { rng: 9 };
  const seen = new Set<number>();
  for (let i = 0; i < 2000; i++) seen.add(nextInt(h, 10, 19));
  assert.deepEqual([...seen].sort((a, b) => a - b), [
    10,
    11,
    12,
    13,
    14,
    15,
    16,
    17,
    18,
    19,
  ]);
});

Deno.test("shuffled() permutes a copy; pick(), chance(), nextSeed() are seeded", () => {
  const input = [1, 2, 3, 4, 5];
  const out = shuffled({ rng: 5 }, input);
  assert.deepEqual(input, [1, 2, 3, 4, 5]);
  assert.deepEqual([...out].sort(), input);
  assert.equal(pick({ rng: 3 }, input), pick({ rng: 3 }, input));
  assert.equal(chance({ rng: 3 }, 0), false);
  assert.equal(chance({ rng: 3 }, 1), true);
  assert.equal(nextSeed({ rng: 8 }), nextSeed({ rng: 8 }));
  assert.equal(toSeed(Infinity), 0);
  assert.equal(toSeed(2 ** 32 + 5), 5);
});
