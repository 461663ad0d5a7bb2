/**
 * The host screen's order list beside the town (GAME.md "The host screen"):
 * one row per open order, oldest first, with the house's label (as on its
 * bubble), the pizza as separate
 * ingredients, whether it must be baked, the seconds left, who took it and
 * which players may carry it. Pure: the DOM view draws the rows.
 *
 * @module
 */
import {
  blockingIngredient,
  type GameState,
  houseLabel,
  type Ingredient,
  ingredientNames,
} from "../game/mod.ts";

/** One open order as the TV lists it. */
export interface OrderRow {
  /** Order id. */
  id: number;
  /** House id (index in `town.houses`). */
  houseId: number;
  /** The house's short label, as on its bubble ("7"). */
  house: string;
  /** "ordering" (waiting at the door to be taken) or "waiting" (taken: deliver it). */
  stage: "ordering" | "waiting";
  /** The pizza's ingredients, in the game's order (shown once taken). */
  ingredients: Ingredient[];
  /** Whether it must be baked. */
  needsBaking: boolean;
  /** Whole seconds until its current deadline. */
  secondsLeft: number;
  /** Whether the last part of the deadline (the hourglass) is running. */
  hurry: boolean;
  /** Name of the player who took it, or null. */
  takenBy: string | null;
  /** Names and colours of the players whose allergies let them carry the pizza. */
  carriers: Array<{ name: string; color: string }>;
  /** Whether every player may carry it (then the list says "anyone"). */
  anyone: boolean;
}

/**
 * Rows of the open orders (empty outside a round). The ingredients of an order
 * still "ordering" are hidden, as on its house: the house tells them when
 * taken (on Amateur orders are taken at once).
 */
export function orderRows(state: GameState): OrderRow[] {
  if (state.phase !== "playing") return [];
  const n = state.players.length;
  return state.orders.map((order): OrderRow => {
    const msLeft = Math.max(0, order.deadlineMs - state.clockMs);
    const taken = order.stage === "waiting";
    const takenBy = order.takenBy === null
      ? null
      : state.players.find((p) => p.id === order.takenBy)?.name ?? null;
    const carriers = taken
      ? state.players
        .filter((p) =>
          blockingIngredient(p.allergyMask, order.mask, n) === null
        )
        .map((p) => ({ name: p.name, color: p.color }))
      : [];
    return {
      id: order.id,
      houseId: order.houseId,
      house: houseLabel(order.houseId),
      stage: order.stage,
      ingredients: taken ? ingredientNames(order.mask) : [],
      needsBaking: order.needsBaking,
      secondsLeft: Math.ceil(msLeft / 1000),
      hurry: msLeft <= order.warningMs,
      takenBy,
      carriers,
      anyone: taken && carriers.length === n,
    };
  });
}
