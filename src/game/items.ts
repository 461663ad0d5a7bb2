/**
 * Ingredients, pizzas and the rules of combining them. A pizza is a bitmask of
 * ingredients; its heat belongs to the item and moves with it.
 *
 * @module
 */

import type * as v from "valibot";
import { BAKED_HEAT } from "./constants.ts";
import type { ItemSchema } from "./state_schema.ts";

/** The five ingredients, in bit order (GAME.md). */
export const INGREDIENTS = [
  "dough",
  "tomato",
  "cheese",
  "spice",
  "mushroom",
] as const;

/** An ingredient name. */
export type Ingredient = typeof INGREDIENTS[number];

/** Bit of an ingredient by index: dough = 1, tomato = 2, ... mushroom = 16. */
export const DOUGH_MASK = 1;
/** Mask with all five ingredients (the pizza exempt from allergies with 4+ players). */
export const ALL_INGREDIENTS_MASK = 0b11111;

/** An item: in a backpack, on a table or in an oven (see `ItemSchema`). */
export type Item = v.InferOutput<typeof ItemSchema>;

/** Returns the mask of one ingredient by its index 0..4. */
export function ingredientMask(index: number): number {
  return 1 << index;
}

/** Counts the ingredients in a mask. */
export function ingredientCount(mask: number): number {
  let n = 0;
  for (let m = mask & ALL_INGREDIENTS_MASK; m !== 0; m &= m - 1) n++;
  return n;
}

/** Lists the ingredient names in a mask, in canonical order. */
export function ingredientNames(mask: number): Ingredient[] {
  return INGREDIENTS.filter((_, i) => (mask & (1 << i)) !== 0);
}

/**
 * Whether a combination is valid: a single ingredient, or anything with dough.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isValidCombination } from "./items.ts";
 * assert.equal(isValidCombination(0b00110), false); // tomato + cheese
 * assert.equal(isValidCombination(0b00111), true); // with dough
 * ```
 */
export function isValidCombination(mask: number): boolean {
  if (mask <= 0 || mask > ALL_INGREDIENTS_MASK) return false;
  return ingredientCount(mask) === 1 || (mask & DOUGH_MASK) !== 0;
}

/** Whether an item may go in an oven: it contains dough and is not burned. */
export function isOvenable(item: Item): boolean {
  return !item.burned && (item.mask & DOUGH_MASK) !== 0;
}

/** Whether an item counts as baked (heat at least 7/9, not burned). */
export function isBaked(item: Item): boolean {
  return !item.burned && item.heat >= BAKED_HEAT - 1e-9;
}

/** Makes a fresh cold item of one ingredient mask. */
export function newItem(mask: number): Item {
  return { mask, heat: 0, burned: false };
}

/** The result of combining two items on a table. */
export type CombineResult =
  | { ok: true; item: Item }
  | { ok: false; reason: "burned" | "invalid" | "nothing_new" };

/**
 * Combines the item dropped onto a table with the item already there: union
 * of ingredients, and the LOWER heat of the two (the original took the heat of
 * the last item dropped, so baked dough made any pizza baked).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { combineItems } from "./items.ts";
 * const r = combineItems({ mask: 1, heat: 0.9, burned: false }, { mask: 2, heat: 0, burned: false });
 * assert.deepEqual(r, { ok: true, item: { mask: 3, heat: 0, burned: false } });
 * ```
 */
export function combineItems(onTable: Item, dropped: Item): CombineResult {
  if (onTable.burned || dropped.burned) return { ok: false, reason: "burned" };
  const mask = onTable.mask | dropped.mask;
  if (mask === onTable.mask) return { ok: false, reason: "nothing_new" };
  if (!isValidCombination(mask)) return { ok: false, reason: "invalid" };
  return {
    ok: true,
    item: { mask, heat: Math.min(onTable.heat, dropped.heat), burned: false },
  };
}

/** A short human label: "cheese", "dough + tomato", "pizza with everything". */
export function describeMask(mask: number): string {
  if (mask === ALL_INGREDIENTS_MASK) return "pizza with everything";
  const names = ingredientNames(mask);
  return names.length === 0 ? "nothing" : names.join(" + ");
}

/** A human label for an item, with "burned" or "baked" in front when so. */
export function describeItem(item: Item): string {
  const base = describeMask(item.mask);
  if (item.burned) return `burned ${base}`;
  return isBaked(item) ? `baked ${base}` : base;
}
