/**
 * Views: what a phone shows for one player, what each house shows, and the
 * HUD. Views are plain JSON data with rounded heat and time, so that they
 * change only when something visible changes: compare `JSON.stringify` of two
 * views (or use {@link sameView}) to push only on change.
 *
 * @module
 */

import type { AudienceEventKind } from "./audience.ts";
import {
  BACKPACK_SLOTS,
  MAX_PLAYERS_COMBINED_EXEMPT,
  MAX_STRIKES,
  TILE_SIZE_PX,
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
import { blockingIngredient } from "./fairness.ts";
import { deliveriesToWin } from "./outcome.ts";
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
  /**
   * What the allergy exemption lets this player carry (GAME.md): "mixed"
   * pizzas with 3 or fewer players, else "everything" (the pizza with all
   * five); null without allergies.
   */
  allergyExempt: AllergyExempt | null;
  /** Joined at game over: plays from the next round. */
  waiting: boolean;
  /** While paused: names of the players the round waits for (else empty). */
  pausedFor: string[];
  /** Whether this player is driving. */
  inVehicle: boolean;
  /** Buttons for where the player stands. */
  actions: ContextAction[];
  /** Set when the phase is "over" (with the star grade). */
  outcome: Outcome | null;
  /** Set with `outcome`: pizzas delivered, players in the round, deliveries it took to win. */
  figures: { delivered: number; players: number; need: number } | null;
  /** Every player's stats, set when the phase is "over" (else empty). */
  team: StatsRow[];
  /** The open orders this player may carry (the phone's order strip). */
  orders: OrderChip[];
  /** The audience's event going on, by id ("rain"), or null. */
  event: AudienceEventKind | null;
}

/** One open order on a phone's order strip. */
export interface OrderChip {
  /** The house's short label, as on the TV ("7"). */
  house: string;
  /** "ordering" (waiting at the door to be taken) or "waiting" (taken: deliver it). */
  stage: "ordering" | "waiting";
  /** The pizza's ingredients (empty while "ordering": the house tells them when taken). */
  ingredients: Ingredient[];
  /** Whether it must be baked. */
  baked: boolean;
  /**
   * The round's time left (`timeLeftMs`) at which it fails: constant while
   * the clock runs, so the strip counts down without a new view each second.
   * Time left for the order is `timeLeftMs - dueLeftMs` (may be negative:
   * after the round ends).
   */
  dueLeftMs: number;
  /** Length of the hurry part (the hourglass) before it fails, ms. */
  hurryMs: number;
  /** Whether this player took it. */
  mine: boolean;
}

/** Most orders a phone's strip lists. */
export const MAX_ORDER_CHIPS = 8;

/**
 * A house's short label on the TV's bubble, the order list and the phones
 * ("7" for house id 6): stable for the whole round.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { houseLabel } from "./view.ts";
 * assert.equal(houseLabel(6), "7");
 * ```
 */
export function houseLabel(houseId: number): string {
  return String(houseId + 1);
}

/**
 * The orders a player may carry, the ones they took first, then by deadline
 * (an order still waiting to be taken hides its pizza, so anyone may take it).
 */
export function orderChips(state: GameState, playerId: string): OrderChip[] {
  const player = findPlayer(state, playerId);
  if (!player || state.phase !== "playing") return [];
  const n = state.players.length;
  return state.orders
    .filter((o) =>
      o.stage === "ordering" ||
      blockingIngredient(player.allergyMask, o.mask, n) === null
    )
    .map((o) => ({
      house: houseLabel(o.houseId),
      stage: o.stage,
      ingredients: o.stage === "waiting" ? ingredientNames(o.mask) : [],
      baked: o.needsBaking,
      dueLeftMs: state.roundLengthMs - o.deadlineMs,
      hurryMs: o.warningMs,
      mine: o.takenBy === player.id,
    }))
    .sort((a, b) =>
      Number(b.mine) - Number(a.mine) || b.dueLeftMs - a.dueLeftMs
    )
    .slice(0, MAX_ORDER_CHIPS);
}

/** One player's line on the game-over screen. */
export interface StatsRow {
  /** Player id. */
  id: string;
  /** Display name. */
  name: string;
  /** CSS hex colour. */
  color: string;
  /** Pizzas delivered this round. */
  deliveries: number;
  /** Coins earned by those deliveries (pay + tips). */
  moneyEarned: number;
  /** Distance walked, whole tiles. */
  walkedTiles: number;
  /** Distance driven, whole tiles. */
  drivenTiles: number;
}

/**
 * Per-player stats of the round (deliveries, money earned, distance walked
 * and driven), in join order, for the host's game-over screen and each phone.
 */
export function teamStats(state: GameState): StatsRow[] {
  return state.players.map((p) => ({
    id: p.id,
    name: p.name,
    color: p.color,
    deliveries: p.stats.deliveries,
    moneyEarned: p.stats.moneyEarned,
    walkedTiles: Math.round(p.stats.walkedPx / TILE_SIZE_PX),
    drivenTiles: Math.round(p.stats.drivenPx / TILE_SIZE_PX),
  }));
}

/** What a player with allergies may still carry (GAME.md's exemption). */
export type AllergyExempt = "mixed" | "everything";

/**
 * What the allergy exemption lets a player carry (GAME.md): null without
 * allergies; with 3 or fewer players "mixed" pizzas; with more, only
 * "everything" (the pizza with all five). The phone says it in words.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { allergyExempt } from "./view.ts";
 * assert.equal(allergyExempt(0b00100, 3), "mixed");
 * assert.equal(allergyExempt(0b00101, 4), "everything");
 * assert.equal(allergyExempt(0, 4), null);
 * ```
 */
export function allergyExempt(
  allergyMask: number,
  playerCount: number,
): AllergyExempt | null {
  if (allergyMask === 0) return null;
  return playerCount <= MAX_PLAYERS_COMBINED_EXEMPT ? "mixed" : "everything";
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
 * assert.deepEqual(view?.actions[0], { id: "start", say: { key: "act.start" } });
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
    allergyExempt: allergyExempt(player.allergyMask, state.players.length),
    waiting: player.waiting,
    pausedFor: phase === "paused"
      ? state.players.filter((p) => !p.connected).map((p) => p.name)
      : [],
    inVehicle: player.vehicleId !== null,
    actions: contextActions(state, player.id),
    outcome: state.outcome,
    figures: state.outcome ? roundFigures(state) : null,
    team: state.phase === "over" ? teamStats(state) : [],
    orders: orderChips(state, player.id),
    event: state.phase === "playing"
      ? state.audience.event?.kind ?? null
      : null,
  };
}

/** The round's figures the game-over words need. */
function roundFigures(
  state: GameState,
): { delivered: number; players: number; need: number } {
  const players = state.players.filter((p) => !p.waiting).length;
  return {
    delivered: state.delivered,
    players,
    need: deliveriesToWin(players),
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
  /** The house's short label ({@link houseLabel}). */
  label: string;
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
        label: houseLabel(h.id),
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
      label: houseLabel(h.id),
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
  /** Set when over (with the star grade). */
  outcome: Outcome | null;
  /** Per-player stats, set when over (else empty). */
  team: StatsRow[];
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
    team: state.phase === "over" ? teamStats(state) : [],
  };
}
