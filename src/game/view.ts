/**
 * Views: what a phone shows for one player, what each house shows, and the
 * HUD. Views are plain JSON data with rounded heat and time, so that they
 * change only when something visible changes: compare `JSON.stringify` of two
 * views (or use {@link sameView}) to push only on change.
 *
 * @module
 */

import {
  BACKPACK_SLOTS,
  MAX_STRIKES,
  VIEW_HEAT_STEP,
  VIEW_TIME_STEP_MS,
} from "./constants.ts";
import { type ContextAction, contextActions } from "./actions.ts";
import { DIFFICULTY_NAMES } from "./difficulty.ts";
import {
  describeItem,
  type Ingredient,
  ingredientNames,
  isBaked,
  type Item,
} from "./items.ts";
import { findPlayer } from "./players.ts";
import type { GameState, Outcome } from "./types.ts";

/** An item as a phone shows it. */
export interface ItemView {
  /** Ingredient names, canonical order. */
  ingredients: Ingredient[];
  /** e.g. "baked dough + cheese". */
  label: string;
  /** Heat 0..1, rounded to 0.05. */
  heat: number;
  /** Heat at least 7/9 and not burned. */
  baked: boolean;
  /** Burned: matches no order. */
  burned: boolean;
}

/** Everything one player's phone shows. */
export interface PlayerView {
  /** Player id. */
  id: string;
  /** Display name. */
  name: string;
  /** CSS hex colour. */
  color: string;
  /** Whether this player is the VIP (difficulty choice, start, restart). */
  vip: boolean;
  /** Game phase as the phone shows it. */
  phase: "lobby" | "playing" | "paused" | "over";
  /** Difficulty 0..3. */
  difficulty: number;
  /** Names of the difficulty levels, indexed by level. */
  difficultyNames: readonly string[];
  /** Team money, coins. */
  money: number;
  /** Time left, ms, rounded up to whole seconds. */
  timeLeftMs: number;
  /** Strikes so far. */
  strikes: number;
  /** Strikes that lose. */
  maxStrikes: number;
  /** Backpack items. */
  backpack: ItemView[];
  /** Backpack capacity. */
  backpackSlots: number;
  /** Ingredients this player may not buy or pick up. */
  allergies: Ingredient[];
  /** Whether this player is driving. */
  inVehicle: boolean;
  /** Buttons for where the player stands. */
  actions: ContextAction[];
  /** Set when the phase is "over". */
  outcome: Outcome | null;
}

/** An item as the phone shows it (heat rounded). */
export function itemView(item: Item): ItemView {
  return {
    ingredients: ingredientNames(item.mask),
    label: describeItem(item),
    heat: Math.round(item.heat / VIEW_HEAT_STEP) /
      Math.round(1 / VIEW_HEAT_STEP),
    baked: isBaked(item),
    burned: item.burned,
  };
}

/**
 * The view for one player's phone, or null for an unknown id.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createGame, joinPlayer } from "./engine.ts";
 * import { playerView } from "./view.ts";
 * const state = joinPlayer(createGame(), { id: "a", name: "Ann" }).state;
 * const view = playerView(state, "a");
 * assert.equal(view?.vip, true);
 * assert.deepEqual(view?.actions[0], { id: "start", label: "Start game" });
 * ```
 */
export function playerView(
  state: GameState,
  playerId: string,
): PlayerView | null {
  const player = findPlayer(state, playerId);
  if (!player) return null;
  const phase = state.phase === "playing" && state.paused
    ? "paused"
    : state.phase;
  return {
    id: player.id,
    name: player.name,
    color: player.color,
    vip: state.vipId === player.id,
    phase,
    difficulty: state.difficulty,
    difficultyNames: DIFFICULTY_NAMES,
    money: state.money,
    timeLeftMs: Math.ceil(state.timeLeftMs / VIEW_TIME_STEP_MS) *
      VIEW_TIME_STEP_MS,
    strikes: state.strikes,
    maxStrikes: MAX_STRIKES,
    backpack: player.backpack.map(itemView),
    backpackSlots: BACKPACK_SLOTS,
    allergies: ingredientNames(player.allergyMask),
    inVehicle: player.vehicleId !== null,
    actions: contextActions(state, player.id),
    outcome: state.outcome,
  };
}

/** Whether two views are the same (so nothing needs sending). */
export function sameView(a: PlayerView | null, b: PlayerView | null): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** What a house shows above its roof. */
export interface HouseStatus {
  /** House id (index in `town.houses`). */
  houseId: number;
  /** "none", "ordering" (waiting to be taken) or "waiting" (for delivery). */
  stage: "none" | "ordering" | "waiting";
  /** Open order id, or null. */
  orderId: number | null;
  /** Wanted ingredients once taken (empty while "ordering" or "none"). */
  wanted: Ingredient[];
  /** Whether the wanted pizza must be baked. */
  needsBaking: boolean;
  /** Fraction of the current deadline used, 0..1. */
  progress: number;
  /** Whether the hourglass (last part of the deadline) is showing. */
  hourglass: boolean;
  /** Ms until the current deadline. */
  msLeft: number;
}

/** Status of every house, by house id, for the renderer. */
export function houseStatuses(state: GameState): HouseStatus[] {
  const byHouse = new Map(state.orders.map((o) => [o.houseId, o]));
  return state.town.houses.map((h) => {
    const o = byHouse.get(h.id);
    if (!o) {
      return {
        houseId: h.id,
        stage: "none",
        orderId: null,
        wanted: [],
        needsBaking: false,
        progress: 0,
        hourglass: false,
        msLeft: 0,
      };
    }
    const total = Math.max(1, o.deadlineMs - o.startedMs);
    const msLeft = Math.max(0, o.deadlineMs - state.clockMs);
    return {
      houseId: h.id,
      stage: o.stage,
      orderId: o.id,
      wanted: o.stage === "waiting" ? ingredientNames(o.mask) : [],
      needsBaking: o.needsBaking,
      progress: Math.min(1, Math.max(0, 1 - msLeft / total)),
      hourglass: msLeft <= o.warningMs,
      msLeft,
    };
  });
}

/** The numbers the host screen shows at all times. */
export interface Hud {
  /** Phase, with "paused" when paused. */
  phase: PlayerView["phase"];
  /** Ms left in the round. */
  timeLeftMs: number;
  /** Team money. */
  money: number;
  /** Strikes so far. */
  strikes: number;
  /** Strikes that lose. */
  maxStrikes: number;
  /** Pizzas delivered. */
  delivered: number;
  /** Difficulty name. */
  difficultyName: string;
  /** Set when over. */
  outcome: Outcome | null;
}

/** HUD values for the host screen. */
export function hud(state: GameState): Hud {
  return {
    phase: state.phase === "playing" && state.paused ? "paused" : state.phase,
    timeLeftMs: state.timeLeftMs,
    money: state.money,
    strikes: state.strikes,
    maxStrikes: MAX_STRIKES,
    delivered: state.delivered,
    difficultyName: DIFFICULTY_NAMES[state.difficulty],
    outcome: state.outcome,
  };
}
