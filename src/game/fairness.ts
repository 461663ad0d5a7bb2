/**
 * Fair allergies and orders (GAME.md): no order is ever placed that the team
 * as it stands cannot carry to the door, and a drop-in gets an allergy that
 * keeps every open order deliverable.
 *
 * An order for pizza `mask` is deliverable by a team when
 * 1. every ingredient of `mask` can be bought by someone (single ingredients
 *    are never exempt), so the pizza can be built on a table without anyone
 *    carrying a part of it; and
 * 2. someone may carry the whole pizza (to the oven and to the door): their
 *    allergies miss it, or the exemption covers it (with 3 or fewer players
 *    any combined item; with more, only the pizza with all five).
 *
 * @module
 */

import {
  MAX_PLAYERS_COMBINED_EXEMPT,
  MIN_PLAYERS_FOR_ALLERGIES,
} from "./constants.ts";
import { allergiesEnabled, type Difficulty } from "./difficulty.ts";
import {
  ALL_INGREDIENTS_MASK,
  type Ingredient,
  ingredientCount,
  INGREDIENTS,
} from "./items.ts";

/** The part of a player that fairness needs. */
export interface Allergic {
  /** Ingredient bitmask the player is allergic to. */
  allergyMask: number;
}

/**
 * The ingredient that stops a player with `allergyMask` from holding an item
 * of `mask` in a team of `playerCount`, or null if they may hold it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { blockingIngredient } from "./fairness.ts";
 * assert.equal(blockingIngredient(0b00100, 0b00101, 3), null); // exempt: combined, 3 players
 * assert.equal(blockingIngredient(0b00100, 0b00101, 4), "cheese");
 * assert.equal(blockingIngredient(0b00100, 0b11111, 4), null); // the pizza with everything
 * ```
 */
export function blockingIngredient(
  allergyMask: number,
  mask: number,
  playerCount: number,
): Ingredient | null {
  const hit = allergyMask & mask;
  if (hit === 0) return null;
  const combined = ingredientCount(mask) > 1;
  if (combined && playerCount <= MAX_PLAYERS_COMBINED_EXEMPT) return null;
  if (mask === ALL_INGREDIENTS_MASK) return null;
  const index = INGREDIENTS.findIndex((_, i) => (hit & (1 << i)) !== 0);
  return INGREDIENTS[index];
}

/**
 * Whether the team can build `mask` and carry it to the door (see the module
 * doc for the rule).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { orderDeliverable } from "./fairness.ts";
 * // 4 players, allergies dealt dough+mushroom / tomato / cheese / spice:
 * const team = [0b10001, 0b00010, 0b00100, 0b01000].map((allergyMask) => ({ allergyMask }));
 * assert.equal(orderDeliverable(team, 0b01111), false); // everyone is allergic to a part
 * assert.equal(orderDeliverable(team, 0b00011), true); // the cheese-allergic player carries it
 * ```
 */
export function orderDeliverable(
  team: readonly Allergic[],
  mask: number,
): boolean {
  const n = team.length;
  if (n === 0) return false;
  for (let i = 0; i < INGREDIENTS.length; i++) {
    const bit = 1 << i;
    if ((mask & bit) === 0) continue;
    if (!team.some((p) => blockingIngredient(p.allergyMask, bit, n) === null)) {
      return false;
    }
  }
  return team.some((p) => blockingIngredient(p.allergyMask, mask, n) === null);
}

/**
 * Deals allergies for a new round: from Cook with 2+ players, the five
 * ingredients (in the given random order) go round-robin, so everyone gets at
 * least one; with more than five players the deal goes on until everyone has
 * one. Every ingredient stays buyable by someone, and orders are filtered
 * with {@link orderDeliverable} when placed.
 *
 * @param order a permutation of 0..4 drawn by the caller
 * @returns one allergy mask per player, in player order
 */
export function dealMasks(
  difficulty: Difficulty,
  playerCount: number,
  order: readonly number[],
): number[] {
  const masks = new Array<number>(playerCount).fill(0);
  if (
    !allergiesEnabled(difficulty) || playerCount < MIN_PLAYERS_FOR_ALLERGIES
  ) {
    return masks;
  }
  const cards = Math.max(INGREDIENTS.length, playerCount);
  for (let k = 0; k < cards; k++) {
    masks[k % playerCount] |= 1 << order[k % INGREDIENTS.length];
  }
  return masks;
}

/**
 * The allergy of a player dropping in mid-round: the ingredient held by the
 * fewest team mates (ties in ingredient order) such that every open order
 * stays deliverable by the grown team; when none does (or allergies are off),
 * no allergy at all, which always keeps every order deliverable since the
 * newcomer can then buy and carry anything.
 *
 * @param team the current players (without the newcomer)
 * @param openMasks the masks of the open orders
 */
export function dropInMask(
  difficulty: Difficulty,
  team: readonly Allergic[],
  openMasks: readonly number[],
): number {
  if (!allergiesEnabled(difficulty)) return 0;
  if (team.length + 1 < MIN_PLAYERS_FOR_ALLERGIES) return 0;
  const held = INGREDIENTS.map((_, i) =>
    team.filter((p) => (p.allergyMask & (1 << i)) !== 0).length
  );
  const candidates = INGREDIENTS.map((_, i) => i)
    .sort((a, b) => held[a] - held[b] || a - b);
  for (const i of candidates) {
    const grown = [...team, { allergyMask: 1 << i }];
    if (openMasks.every((m) => orderDeliverable(grown, m))) return 1 << i;
  }
  return 0;
}
