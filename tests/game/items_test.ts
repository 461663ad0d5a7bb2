import assert from "node:assert/strict";
import {
  ALL_INGREDIENTS_MASK,
  combineItems,
  describeItem,
  describeMask,
  ingredientCount,
  ingredientNames,
  isBaked,
  isOvenable,
  isValidCombination,
} from "../../src/game/items.ts";
import { BAKED_HEAT } from "../../src/game/constants.ts";

const DOUGH = 1, TOMATO = 2, CHEESE = 4, SPICE = 8;

Deno.test("isValidCombination() allows a single ingredient or anything with dough", () => {
  assert.equal(isValidCombination(TOMATO), true);
  assert.equal(isValidCombination(DOUGH), true);
  assert.equal(isValidCombination(TOMATO | CHEESE), false);
  assert.equal(isValidCombination(DOUGH | TOMATO | CHEESE), true);
  assert.equal(isValidCombination(ALL_INGREDIENTS_MASK), true);
  assert.equal(isValidCombination(0), false);
  assert.equal(isValidCombination(64), false);
});

Deno.test("combineItems() takes the union and the LOWER heat (original bug: last item's heat)", () => {
  const bakedDough = { mask: DOUGH, heat: 0.9, burned: false };
  const coldTomato = { mask: TOMATO, heat: 0, burned: false };
  const r = combineItems(bakedDough, coldTomato);
  assert.deepEqual(r, {
    ok: true,
    item: { mask: DOUGH | TOMATO, heat: 0, burned: false },
  });
  const r2 = combineItems(coldTomato, bakedDough);
  assert.ok(r2.ok && r2.item.heat === 0 && !isBaked(r2.item));
});

Deno.test("combineItems() refuses invalid, burned and nothing-new combinations", () => {
  const t = { mask: TOMATO, heat: 0, burned: false };
  const c = { mask: CHEESE, heat: 0, burned: false };
  assert.deepEqual(combineItems(t, c), { ok: false, reason: "invalid" });
  assert.deepEqual(
    combineItems({ ...t, burned: true }, {
      mask: DOUGH,
      heat: 0,
      burned: false,
    }),
    {
      ok: false,
      reason: "burned",
    },
  );
  assert.deepEqual(
    combineItems({ mask: DOUGH | TOMATO, heat: 0, burned: false }, t),
    {
      ok: false,
      reason: "nothing_new",
    },
  );
});

Deno.test("isBaked() at 7/9 heat; isOvenable() needs dough and not burned", () => {
  assert.equal(isBaked({ mask: DOUGH, heat: BAKED_HEAT, burned: false }), true);
  assert.equal(
    isBaked({ mask: DOUGH, heat: BAKED_HEAT - 0.01, burned: false }),
    false,
  );
  assert.equal(isBaked({ mask: DOUGH, heat: 1, burned: true }), false);
  assert.equal(isOvenable({ mask: TOMATO, heat: 0, burned: false }), false);
  assert.equal(
    isOvenable({ mask: DOUGH | SPICE, heat: 0, burned: false }),
    true,
  );
  assert.equal(isOvenable({ mask: DOUGH, heat: 1, burned: true }), false);
});

Deno.test("names and labels of masks and items", () => {
  assert.equal(ingredientCount(ALL_INGREDIENTS_MASK), 5);
  assert.deepEqual(ingredientNames(DOUGH | CHEESE), ["dough", "cheese"]);
  assert.equal(describeMask(DOUGH | TOMATO), "dough + tomato");
  assert.equal(describeMask(ALL_INGREDIENTS_MASK), "pizza with everything");
  assert.equal(
    describeItem({ mask: DOUGH, heat: 0.8, burned: false }),
    "baked dough",
  );
  assert.equal(
    describeItem({ mask: DOUGH, heat: 1, burned: true }),
    "burned dough",
  );
});
