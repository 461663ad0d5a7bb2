/**
 * What a team of bots remembers between steps (who leads which order, who
 * fetches what, which pizzas are built ahead), the plan a bot hands the
 * actor, and small facts about orders, backpacks and allergies that every
 * part of the planner asks.
 *
 * @module
 */

import { BACKPACK_SLOTS } from "../game/constants.ts";
import { type Target } from "../game/actions.ts";
import { deliveryTimeMs } from "../game/orders.ts";
import { ingredientCount, INGREDIENTS, type Item } from "../game/items.ts";
import { allergyBlock } from "../game/players.ts";
import type { TilePos } from "../game/tiles.ts";
import type { GameState, Order, Player } from "../game/types.ts";
import type { PathCache } from "./pathfinding.ts";

/** One order a bot leads: it brings the pizza to the door. */
export interface Job {
  orderId: number;
  tableId: number | null;
  ovenId: number | null;
}

/** An ingredient a bot fetches for another bot's order. */
export interface Errand {
  orderId: number;
  ingredient: number;
}

/** One bot's planning memory. */
export interface BotMemory {
  playerId: string;
  job: Job | null;
  errand: Errand | null;
  /** Ingredient the bot is on its way to buy for its own job, or null. */
  buying: number | null;
  /** Unclaimed order the bot is on its way to take, or null. */
  rescuing: number | null;
  /**
   * More orders the bot leads while its own pizza bakes: pizzas built ahead
   * that only it (or busy teammates) may carry, each to its own oven.
   */
  side?: Job[];
}

/** Every order a bot leads: its job first, then its side jobs. */
export function jobsOf(bot: BotMemory): Job[] {
  return bot.job ? [bot.job, ...(bot.side ?? [])] : [...(bot.side ?? [])];
}

/** Ids of the orders the team's bots lead. */
export function ledOrders(team: Work): Set<number> {
  return new Set(team.bots.flatMap((b) => jobsOf(b).map((j) => j.orderId)));
}

/**
 * A combined pizza that free bots build on a table for an order no bot
 * leads yet: its lead, once one is free, only picks it up.
 */
export interface Prep {
  orderId: number;
  tableId: number;
}

/** Planning memory of a team of bots: who leads and fetches what. */
export interface TeamMemory {
  /** One memory per bot, in the order given. */
  bots: BotMemory[];
  /** Pizzas built ahead for orders nobody leads yet (none if absent). */
  preps?: Prep[];
}

/**
 * What a bot wants now: where to stand (any of `tiles`, from which `target`
 * is in reach) and what to do there; with no tiles, act where it stands.
 */
export interface BotPlan {
  /** The store, house or station to use, or null. */
  target: Target | null;
  /** Tiles to walk to. */
  tiles: TilePos[];
  /** Action id to send there, or null to wait there. */
  action: string | null;
}

/**
 * When an order must be delivered at the latest: its deadline, or for an
 * order not taken yet, its take deadline and the time it then gets, ms.
 */
export function dueMs(order: Order): number {
  return order.stage === "waiting"
    ? order.deadlineMs
    : order.deadlineMs + deliveryTimeMs(order.mask, order.needsBaking);
}

/** The open order with this id, if any. */
export function orderOf(state: GameState, id: number): Order | undefined {
  return state.orders.find((o) => o.id === id);
}

/** Whether an item is one ingredient alone (and not burned). */
export function isSingle(item: Item): boolean {
  return !item.burned && ingredientCount(item.mask) === 1;
}

/** Mask of what lies on a job's table (0 when nothing or no table). */
export function tableItemMask(state: GameState, job: Job | null): number {
  if (!job || job.tableId === null) return 0;
  return state.stations[job.tableId]?.item?.mask ?? 0;
}

/** Whether a job's pizza is complete: carried by its lead or in its oven. */
export function assembled(
  state: GameState,
  job: Job,
  order: Order,
  lead: Player,
): boolean {
  if (lead.backpack.some((i) => i.mask === order.mask)) return true;
  const inOven = job.ovenId === null ? null : state.stations[job.ovenId].item;
  return inOven?.mask === order.mask;
}

/** Mask of the single ingredients in a backpack. */
export function carriedSingles(player: Player): number {
  return player.backpack.reduce(
    (acc, i) => isSingle(i) ? acc | i.mask : acc,
    0,
  );
}

/** Whether a player may carry an order's pizza (allergies). */
export function canLead(
  state: GameState,
  player: Player,
  order: Order,
): boolean {
  return allergyBlock(player, order.mask, state.players.length) === null;
}

/** How many ingredients of `mask` the player may not buy. */
export function unbuyable(
  state: GameState,
  player: Player,
  mask: number,
): number {
  let n = 0;
  for (let i = 0; i < INGREDIENTS.length; i++) {
    const bit = 1 << i;
    if ((mask & bit) === 0) continue;
    if (allergyBlock(player, bit, state.players.length) !== null) n++;
  }
  return n;
}

/** Whether a table item can grow into `mask` (a valid start on the way). */
export function goodStart(item: Item, mask: number): boolean {
  return !item.burned && (item.mask & ~mask) === 0;
}

/** Free backpack slots of a player. */
export function freeSlots(player: Player): number {
  return BACKPACK_SLOTS - player.backpack.length;
}

/** The memory being worked on, with the path cache. */
export interface Work extends TeamMemory {
  preps: Prep[];
  cache: PathCache;
  /** How the team plans. */
  style: PlanStyle;
}

/** How a team of bots plans: the expert's way, or a first-timer's. */
export interface PlanStyle {
  /**
   * Plan ahead: build pizzas ahead, carry side jobs and use the time a
   * pizza bakes; choose orders by who can buy and carry them best.
   */
  ahead: boolean;
  /** Drop each ingredient on the table before buying the next. */
  oneAtATime: boolean;
}

/** The expert bots' style: plans ahead, buys all it can carry in one trip. */
export const EXPERT_STYLE: PlanStyle = { ahead: true, oneAtATime: false };

/** A fresh memory for one bot. */
export function botMemory(playerId: string): BotMemory {
  return { playerId, job: null, errand: null, buying: null, rescuing: null };
}
