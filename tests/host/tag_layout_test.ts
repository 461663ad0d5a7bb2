import assert from "node:assert/strict";
import fc from "fast-check";
import { placeTags, type TagBox } from "../../src/host/tag_layout.ts";

const tag = fc.record({
  x: fc.integer({ min: 0, max: 400 }),
  y: fc.integer({ min: 0, max: 400 }),
  w: fc.integer({ min: 10, max: 120 }),
  h: fc.integer({ min: 10, max: 30 }),
});

function apart(a: TagBox, ay: number, b: TagBox, by: number): boolean {
  const xApart = Math.abs(a.x - b.x) * 2 >= a.w + b.w;
  const yApart = ay <= by - b.h || by <= ay - a.h;
  return xApart || yApart;
}

Deno.test("placeTags() leaves no two of 1-12 tags overlapping, only ever moving tags up", () => {
  fc.assert(
    fc.property(fc.array(tag, { minLength: 1, maxLength: 12 }), (tags) => {
      const ys = placeTags(tags);
      assert.equal(ys.length, tags.length);
      tags.forEach((t, i) => assert.ok(ys[i] <= t.y));
      for (let i = 0; i < tags.length; i++) {
        for (let j = i + 1; j < tags.length; j++) {
          assert.ok(
            apart(tags[i], ys[i], tags[j], ys[j]),
            `tags ${i} and ${j} overlap`,
          );
        }
      }
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
  assert.deepEqual(placeTags(tags), [100, 100, 40]);
});

Deno.test("placeTags() stacks eight players standing on one spot", () => {
  const tags = Array.from(
    { length: 8 },
    () => ({ x: 64, y: 200, w: 80, h: 24 }),
  );
  const ys = placeTags(tags).sort((a, b) => b - a);
  assert.deepEqual(ys, [200, 174, 148, 122, 96, 70, 44, 18]);
});
