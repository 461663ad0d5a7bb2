import assert from "node:assert/strict";
import fc from "fast-check";
import { BUBBLE_GAP_PX, placeBubbles } from "../../src/host/bubble_layout.ts";
import {
  type Rect,
  rectInside,
  rectsOverlap,
} from "../../src/host/layout_rect.ts";

const AREA: Rect = { left: 0, top: 0, right: 1280, bottom: 960 };

const bubble = fc.record({
  anchorX: fc.integer({ min: 0, max: 1280 }),
  anchorY: fc.integer({ min: 0, max: 960 }),
  // one to five ingredients, at the size the TV draws them
  w: fc.integer({ min: 1, max: 5 }).map((n) => Math.round((n * 30 + 20) * 1.5)),
  h: fc.constant(72),
});

Deno.test("placeBubbles() never lets two of up to 14 order bubbles overlap, and keeps them in the town", () => {
  fc.assert(
    fc.property(
      fc.array(bubble, { minLength: 1, maxLength: 14 }),
      (bubbles) => {
        const spots = placeBubbles(bubbles, { area: AREA });
        assert.equal(spots.length, bubbles.length);
        spots.forEach((s, i) => {
          assert.ok(rectInside(s, AREA), `bubble ${i} leaves the town`);
          assert.ok(Math.abs(s.right - s.left - bubbles[i].w) < 1e-6);
          assert.ok(s.tailX >= s.left && s.tailX <= s.right, "tail on the box");
          for (let j = i + 1; j < spots.length; j++) {
            assert.ok(
              !rectsOverlap(s, spots[j], BUBBLE_GAP_PX - 1e-6),
              `bubbles ${i} and ${j} overlap`,
            );
          }
        });
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("placeBubbles() keeps a lone bubble right above its house with a plain tail", () => {
  fc.assert(
    fc.property(bubble, (b) => {
      fc.pre(b.anchorX >= b.w && b.anchorX <= 1280 - b.w && b.anchorY > 120);
      const [s] = placeBubbles([b], { area: AREA, tailPx: 12 });
      assert.equal(s.pointer, false);
      assert.equal(s.bottom, b.anchorY - 12);
      assert.equal((s.left + s.right) / 2, b.anchorX);
    }),
    { numRuns: 200 },
  );
});

Deno.test("placeBubbles() moves the newer of two neighbours' bubbles and points it at its house", () => {
  const [old, next] = placeBubbles([
    { anchorX: 400, anchorY: 300, w: 210, h: 72 },
    { anchorX: 464, anchorY: 300, w: 210, h: 72 },
  ], { area: AREA });
  assert.equal(old.pointer, false);
  assert.equal(next.pointer, true);
  assert.ok(!rectsOverlap(old, next));
  assert.ok(next.tailX > old.right || next.bottom < old.top);
});

Deno.test("placeBubbles() keeps off a store sign when there is room", () => {
  const sign = { left: 350, top: 200, right: 450, bottom: 240 };
  const [s] = placeBubbles([{ anchorX: 400, anchorY: 300, w: 120, h: 72 }], {
    area: AREA,
    avoid: [sign],
  });
  assert.ok(!rectsOverlap(s, sign));
});

Deno.test("placeBubbles() brings a top-row house's bubble down into the town", () => {
  const [s] = placeBubbles([{ anchorX: 400, anchorY: 20, w: 120, h: 72 }], {
    area: AREA,
  });
  assert.equal(s.top, 0);
});
