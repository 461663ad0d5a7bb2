import assert from "node:assert/strict";
import fc from "fast-check";
import {
  placeTags,
  type TagBox,
  type TagSpot,
} from "../../src/host/tag_layout.ts";

const tag = fc.record({
  x: fc.integer({ min: 0, max: 400 }),
  y: fc.integer({ min: 0, max: 400 }),
  w: fc.integer({ min: 10, max: 120 }),
  h: fc.integer({ min: 10, max: 30 }),
});

function apart(a: TagBox, as: TagSpot, b: TagBox, bs: TagSpot): boolean {
  const xApart = Math.abs(as.x - bs.x) * 2 >= a.w + b.w;
  const yApart = as.y <= bs.y - b.h || bs.y <= as.y - a.h;
  return xApart || yApart;
}

function assertNoOverlap(tags: readonly TagBox[], spots: readonly TagSpot[]) {
  for (let i = 0; i < tags.length; i++) {
    for (let j = i + 1; j < tags.length; j++) {
      assert.ok(
        apart(tags[i], spots[i], tags[j], spots[j]),
        `tags ${i} and ${j} overlap`,
      );
    }
  }
}

Deno.test("placeTags() leaves no two of 1-12 tags overlapping, never below their wanted spot and near their player", () => {
  fc.assert(
    fc.property(fc.array(tag, { minLength: 1, maxLength: 12 }), (tags) => {
      const spots = placeTags(tags);
      assert.equal(spots.length, tags.length);
      const widest = Math.max(...tags.map((t) => t.w));
      tags.forEach((t, i) => {
        assert.ok(spots[i].y <= t.y, `tag ${i} moved down`);
        assert.ok(
          Math.abs(spots[i].x - t.x) <= 1.5 * widest,
          `tag ${i} moved ${spots[i].x - t.x} px sideways`,
        );
      });
      assertNoOverlap(tags, spots);
    }),
    { numRuns: 1000 },
  );
});

Deno.test("placeTags() keeps tags that do not touch where they are", () => {
  const tags = [
    { x: 0, y: 100, w: 50, h: 20 },
    { x: 200, y: 100, w: 50, h: 20 },
    { x: 0, y: 40, w: 50, h: 20 },
  ];
  assert.deepEqual(placeTags(tags), [
    { x: 0, y: 100 },
    { x: 200, y: 100 },
    { x: 0, y: 40 },
  ]);
});

Deno.test("placeTags() stacks two or three players on one spot in a column", () => {
  const tags = Array.from(
    { length: 3 },
    () => ({ x: 64, y: 200, w: 80, h: 24 }),
  );
  const spots = placeTags(tags);
  assert.deepEqual(spots.map((s) => s.x), [64, 64, 64]);
  assert.deepEqual(spots.map((s) => s.y).sort((a, b) => b - a), [
    200,
    174,
    148,
  ]);
});

Deno.test("placeTags() sets eight players on one spot in a grid of three rows centred over them", () => {
  const tags = Array.from(
    { length: 8 },
    () => ({ x: 64, y: 200, w: 80, h: 24 }),
  );
  const spots = placeTags(tags);
  assertNoOverlap(tags, spots);
  const rows = [...new Set(spots.map((s) => s.y))].sort((a, b) => b - a);
  assert.deepEqual(rows, [200, 174, 148]);
  const xs = spots.map((s) => s.x);
  assert.equal(xs.reduce((a, b) => a + b, 0) / xs.length, 64);
  assert.deepEqual([...new Set(xs)].sort((a, b) => a - b), [
    -18,
    23,
    64,
    105,
    146,
  ]);
});

Deno.test("placeTags() puts the lower player's tag in the lower row and the left player's on the left", () => {
  const tags = [
    { x: 60, y: 190, w: 80, h: 24 }, // higher up, left
    { x: 70, y: 190, w: 80, h: 24 }, // higher up, right
    { x: 70, y: 200, w: 80, h: 24 }, // lower, right
    { x: 60, y: 200, w: 80, h: 24 }, // lower, left
  ];
  const spots = placeTags(tags);
  assert.ok(spots[2].y > spots[0].y && spots[3].y > spots[1].y);
  assert.ok(spots[3].x < spots[2].x && spots[0].x < spots[1].x);
  assertNoOverlap(tags, spots);
});

Deno.test("placeTags() staggers players standing in a line instead of building a grid", () => {
  const tags = Array.from(
    { length: 5 },
    (_, i) => ({ x: i * 60, y: 200, w: 80, h: 24 }),
  );
  const spots = placeTags(tags);
  assert.deepEqual(spots.map((s) => s.x), [0, 60, 120, 180, 240]);
  assert.deepEqual(spots.map((s) => s.y), [200, 174, 200, 174, 200]);
});
