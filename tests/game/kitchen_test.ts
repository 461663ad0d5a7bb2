import assert from "node:assert/strict";
import {
  fallbackLayout,
  isValidKitchenLayout,
  layoutKitchen,
  MIN_KITCHEN_HEIGHT_TILES,
  MIN_KITCHEN_WIDTH_TILES,
} from "../../src/game/kitchen.ts";

Deno.test("fallbackLayout() is valid for every kitchen size the town uses", () => {
  for (let w = MIN_KITCHEN_WIDTH_TILES; w <= 12; w++) {
    for (let h = MIN_KITCHEN_HEIGHT_TILES; h <= 8; h++) {
      const rect = { tx: 3, ty: 4, w, h };
      assert.ok(isValidKitchenLayout(rect, fallbackLayout(rect)), `${w}x${h}`);
    }
  }
});

Deno.test("layoutKitchen() with no attempts left uses the fallback (regression: could loop or throw)", () => {
  const rect = { tx: 0, ty: 0, w: 7, h: 5 };
  const layout = layoutKitchen(rect, { rng: 1 }, 0);
  assert.equal(layout.fallback, true);
  assert.ok(isValidKitchenLayout(rect, layout));
});

Deno.test("layoutKitchen() always returns a valid layout over 2,000 seeds", () => {
  let random = 0;
  for (let seed = 0; seed < 2000; seed++) {
    const rect = { tx: 2, ty: 2, w: 7 + (seed % 3), h: 5 + (seed % 3) };
    const layout = layoutKitchen(rect, { rng: seed });
    assert.ok(isValidKitchenLayout(rect, layout));
    assert.equal(layout.ovens.length, 3);
    assert.equal(layout.tables.length, 3);
    if (!layout.fallback) random++;
  }
  assert.ok(random > 1000, "most layouts are random ones");
});

Deno.test("isValidKitchenLayout() rejects a station blocking the way in", () => {
  const rect = { tx: 0, ty: 0, w: 7, h: 5 };
  const good = fallbackLayout(rect);
  const inner = { tx: good.openings[0].tx, ty: rect.ty + rect.h - 2 };
  assert.equal(
    isValidKitchenLayout(rect, {
      ...good,
      tables: [inner, ...good.tables.slice(1)],
    }),
    false,
  );
  assert.equal(
    isValidKitchenLayout(rect, { ...good, ovens: good.ovens.slice(1) }),
    false,
  );
  assert.equal(isValidKitchenLayout(rect, { ...good, openings: [] }), false);
});
