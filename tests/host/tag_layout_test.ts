import assert from "node:assert/strict";
import fc from "fast-check";
import {
  placeTags,
  TAG_GAP_PX,
  type TagBox,
  tagRect,
  type TagSpot,
} from "../../src/host/tag_layout.ts";
import {
  distanceToRect,
  type Rect,
  rectInside,
  rectsOverlap,
} from "../../src/host/layout_rect.ts";

const REACH = 32;
const AREA: Rect = { left: 0, top: 0, right: 1280, bottom: 960 };

const tag = fc.record({
  x: fc.integer({ min: 60, max: 1220 }),
  y: fc.integer({ min: 60, max: 900 }),
  w: fc.integer({ min: 40, max: 160 }),
  h: fc.integer({ min: 24, max: 80 }),
}).map((t) => ({ ...t, bareH: Math.min(t.h, 30) }));

const rect = fc.record({
  x: fc.integer({ min: 0, max: 1200 }),
  y: fc.integer({ min: 0, max: 900 }),
  w: fc.integer({ min: 20, max: 200 }),
  h: fc.integer({ min: 10, max: 80 }),
}).map(({ x, y, w, h }) => ({ left: x, top: y, right: x + w, bottom: y + h }));

/** Every rule a drawn tag keeps, checked for each pair. */
function assertRules(
  tags: readonly TagBox[],
  spots: readonly TagSpot[],
  avoid: readonly Rect[] = [],
): void {
  const rects = tags.map((t, i) => tagRect(t, spots[i]));
  // A merged stack of names counts as one tag for the reach.
  const reachOf = (i: number): Rect => {
    const stack = spots[i].stack;
    if (stack === undefined) return rects[i];
    const lines = rects.filter((_, j) => spots[j].stack === stack);
    return {
      left: Math.min(...lines.map((r) => r.left)),
      top: Math.min(...lines.map((r) => r.top)),
      right: Math.max(...lines.map((r) => r.right)),
      bottom: Math.max(...lines.map((r) => r.bottom)),
    };
  };
  tags.forEach((t, i) => {
    if (spots[i].hidden) return;
    const d = distanceToRect(t.x, t.y, reachOf(i));
    assert.ok(d <= REACH + 1e-6, `tag ${i} is ${d} px from its chef`);
    assert.ok(rectInside(rects[i], AREA), `tag ${i} leaves the town`);
    for (const [k, a] of avoid.entries()) {
      assert.ok(!rectsOverlap(rects[i], a), `tag ${i} covers sign ${k}`);
    }
    for (let j = i + 1; j < tags.length; j++) {
      if (spots[j].hidden) continue;
      assert.ok(
        !rectsOverlap(rects[i], rects[j], TAG_GAP_PX - 1e-6),
        `tags ${i} and ${j} overlap`,
      );
    }
  });
}

Deno.test("placeTags() keeps 1-12 tags within one tile of their chef, apart, and off signs and orders", () => {
  fc.assert(
    fc.property(
      fc.array(tag, { minLength: 1, maxLength: 12 }),
      fc.array(rect, { maxLength: 12 }),
      (tags, avoid) => {
        const spots = placeTags(tags, { reachPx: REACH, avoid, area: AREA });
        assert.equal(spots.length, tags.length);
        assertRules(tags, spots, avoid);
      },
    ),
    { numRuns: 400 },
  );
});

Deno.test("placeTags() leaves tags of chefs far apart at full size right over their heads", () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.integer({ min: 0, max: 23 }), {
        minLength: 1,
        maxLength: 12,
      }),
      (cells) => {
        // a 6 x 4 grid of chefs 200 px apart
        const tags = cells.map((c) => ({
          x: 100 + (c % 6) * 200,
          y: 120 + Math.floor(c / 6) * 200,
          w: 150,
          h: 70,
        }));
        const spots = placeTags(tags, { reachPx: REACH, area: AREA });
        tags.forEach((t, i) =>
          assert.deepEqual(spots[i], {
            x: t.x,
            y: t.y,
            scale: 1,
            bare: false,
            hidden: false,
          })
        );
      },
    ),
    { numRuns: 100 },
  );
});

Deno.test("placeTags() shows every one of 8 chefs on one spot, shrunk, within one tile", () => {
  const tags = Array.from({ length: 8 }, (_, i) => ({
    x: 600 + (i % 3),
    y: 400 + (i % 2),
    w: 110,
    h: 80,
    bareH: 30,
  }));
  const spots = placeTags(tags, { reachPx: REACH, area: AREA });
  assertRules(tags, spots);
  assert.deepEqual(spots.filter((s) => s.hidden), []);
  assert.ok(spots.every((s) => s.scale < 1 && s.bare), "a crowd shrinks");
});

Deno.test("placeTags() keeps a tag off a store sign right above its chef", () => {
  const tags = [{ x: 300, y: 300, w: 100, h: 30 }];
  const sign = { left: 240, top: 250, right: 360, bottom: 298 };
  const [spot] = placeTags(tags, { reachPx: REACH, avoid: [sign], area: AREA });
  assert.equal(spot.hidden, false);
  assertRules(tags, [spot], [sign]);
});

Deno.test("placeTags() moves the higher of two touching tags just clear of the lower", () => {
  const tags = [
    { x: 100, y: 50, w: 60, h: 20 },
    { x: 110, y: 55, w: 60, h: 20 },
  ];
  const spots = placeTags(tags, { reachPx: REACH, area: AREA });
  assert.deepEqual(spots[1], {
    x: 110,
    y: 55,
    scale: 1,
    bare: false,
    hidden: false,
  });
  // just clear: within one 4 px step above the lower tag's top (33)
  assert.equal(spots[0].x, 100);
  assert.ok(spots[0].y <= 33 && spots[0].y > 29, `at ${spots[0].y}`);
});

Deno.test("placeTags() prefers spots that leave a chef's body uncovered", () => {
  const tags = [{ x: 300, y: 300, w: 80, h: 24 }];
  const body = { left: 270, top: 260, right: 330, bottom: 300 };
  const [spot] = placeTags(tags, {
    reachPx: REACH,
    prefer: [body],
    area: AREA,
  });
  assert.ok(!rectsOverlap(tagRect(tags[0], spot), body));
});

Deno.test("placeTags() merges the names of 12 chefs on one spot that find no room into a stack near them all", () => {
  const tags = Array.from({ length: 12 }, (_, i) => ({
    x: 600 + (i % 3),
    y: 400 + (i % 2),
    w: 170,
    h: 80,
    bareH: 30,
  }));
  const spots = placeTags(tags, { reachPx: REACH, area: AREA });
  assertRules(tags, spots);
  assert.deepEqual(spots.filter((s) => s.hidden), [], "every name shows");
  assert.ok(spots.some((s) => s.stack !== undefined), "some are stacked");
});
