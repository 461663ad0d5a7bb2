/**
 * The pace of a small team's first rounds (GAME.md, "The first round"): at
 * Cook, a team of at most {@link SMALL_TEAM_MAX_PLAYERS} players gets orders
 * that fit it. The first orders are plain dough and each pair of orders may
 * hold one more ingredient than the last, so "toppings go on dough" is
 * learned one topping at a time; at most one order of three or more
 * ingredients is open at once; no extra order beyond one per player; and
 * every order gives {@link SMALL_TEAM_EXTRA_MS} more to deliver. Larger
 * teams and the other levels keep the original's pace.
 *
 * Every rule reads the state and draws from its seeded PRNG only.
 *
 * @module
 */

import { COOK } from "./difficulty.ts";
import { ingredientCount, INGREDIENTS } from "./items.ts";
import { nextInt, type RngHolder } from "./random.ts";
import type { GameState } from "./types.ts";

/** Largest team that gets the small-team pace at Cook. */
export const SMALL_TEAM_MAX_PLAYERS = 3;
/** Orders placed per step of the size ramp (one more ingredient each step). */
export const RAMP_ORDERS_PER_STEP = 2;
/** Ingredients from which an order counts as big. */
export const BIG_ORDER_INGREDIENTS = 3;
/** Most big orders a small team has open at once. */
export const SMALL_TEAM_BIG_ORDERS = 1;
/** Extra time a small team gets to deliver each order, ms. */
export const SMALL_TEAM_EXTRA_MS = 10_000;

/**
 * Whether the round runs at the small-team pace: Cook with 1 to
 * {@link SMALL_TEAM_MAX_PLAYERS} players in the round.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { smallTeamPace } from "./pace.ts";
 * const team = (n: number) => Array.from({ length: n }, () => ({ waiting: false }));
 * assert.equal(smallTeamPace({ difficulty: 1, players: team(2) }), true);
 * assert.equal(smallTeamPace({ difficulty: 1, players: team(4) }), false);
 * assert.equal(smallTeamPace({ difficulty: 2, players: team(2) }), false);
 * ```
 */
export function smallTeamPace(
  state: Pick<GameState, "difficulty"> & {
    players: readonly { waiting: boolean }[];
  },
): boolean {
  const players = state.players.filter((p) => !p.waiting).length;
  return state.difficulty === COOK && players >= 1 &&
    players <= SMALL_TEAM_MAX_PLAYERS;
}

/**
 * Most ingredients the next order may have: at the small-team pace, 1 for
 * the first {@link RAMP_ORDERS_PER_STEP} orders of the round, then one more
 * each step, and at most 2 while a big order is open; otherwise all 5.
 */
export function orderSizeCap(state: GameState): number {
  const all = INGREDIENTS.length;
  if (!smallTeamPace(state)) return all;
  const placed = state.nextOrderId - 1;
  const ramp = 1 + Math.floor(placed / RAMP_ORDERS_PER_STEP);
  const big =
    state.orders.filter((o) => ingredientCount(o.mask) >= BIG_ORDER_INGREDIENTS)
      .length;
  const room = big >= SMALL_TEAM_BIG_ORDERS ? BIG_ORDER_INGREDIENTS - 1 : all;
  return Math.max(1, Math.min(all, ramp, room));
}

/**
 * A combined pizza cut down to `cap` ingredients: toppings are taken off at
 * random (the state's PRNG), the dough always stays.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { trimMask } from "./pace.ts";
 * const holder = { rng: 7 };
 * assert.equal(trimMask(holder, 0b11111, 1), 0b00001);
 * assert.equal(trimMask(holder, 0b00101, 5), 0b00101);
 * const two = trimMask(holder, 0b11111, 2);
 * assert.equal(two & 1, 1);
 * assert.equal(two.toString(2).split("1").length - 1, 2);
 * ```
 */
export function trimMask(
  holder: RngHolder,
  mask: number,
  cap: number,
): number {
  let out = mask;
  while (ingredientCount(out) > Math.max(1, cap)) {
    const toppings: number[] = [];
    for (let i = 1; i < INGREDIENTS.length; i++) {
      if (out & (1 << i)) toppings.push(i);
    }
    if (toppings.length === 0) break;
    out &= ~(1 << toppings[nextInt(holder, 0, toppings.length - 1)]);
  }
  return out;
}

/** Extra delivery time for an order placed now: {@link SMALL_TEAM_EXTRA_MS} at the small-team pace, else 0. */
export function extraDeliveryMs(state: GameState): number {
  return smallTeamPace(state) ? SMALL_TEAM_EXTRA_MS : 0;
}

/** Whether an order beyond one per player may be placed (not at the small-team pace). */
export function extraOrdersAllowed(state: GameState): boolean {
  return !smallTeamPace(state);
}
