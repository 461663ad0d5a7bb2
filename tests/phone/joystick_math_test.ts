import assert from "node:assert/strict";
import { DEAD_ZONE, stickVector } from "../../src/phone/joystick_math.ts";

Deno.test("stickVector() gives 0 at the exact centre and for bad input, never NaN", () => {
  for (
    const [dx, dy, r] of [[0, 0, 80], [0, 0, 0], [5, 5, 0], [NaN, 1, 80], [
      Infinity,
      0,
      80,
    ]]
  ) {
    const v = stickVector(dx, dy, r);
    assert.deepEqual(v, { x: 0, y: 0 }, `(${dx}, ${dy}, ${r})`);
  }
});

Deno.test("stickVector() is analog: strength grows with distance and caps at 1", () => {
  const near = stickVector(30, 0, 100);
  const far = stickVector(80, 0, 100);
  const beyond = stickVector(500, 0, 100);
  assert.ok(near.x > 0 && near.x < far.x && far.x < 1);
  assert.deepEqual(beyond, { x: 1, y: 0 });
  assert.deepEqual(stickVector(DEAD_ZONE * 100 - 1, 0, 100), { x: 0, y: 0 });
});

Deno.test("stickVector() keeps the direction and a length of at most 1", () => {
  const v = stickVector(-300, 300, 100);
  assert.ok(v.x < 0 && v.y > 0);
  assert.ok(Math.abs(Math.abs(v.x) - Math.abs(v.y)) < 0.03);
  assert.ok(Math.hypot(v.x, v.y) <= 1.02);
});
