/**
 * Orders: placing them on the timeline, taking them at the door, deadlines,
 * delivery and failure. All timed things go through the one sorted timeline.
 *
 * @module
 */

import {
  DELIVER_BAKING_MS,
  DELIVER_PER_INGREDIENT_MS,
  DELIVER_WARNING_MS,
  EXTRA_ORDER_CHANCE,
  FIRST_ORDER_DELAY_MS,
  MAX_PENALTY_COINS,
  MAX_TIP_COINS,
  MIN_PENALTY_COINS,
  ORDER_INTERVAL_MAX_MS,
  ORDER_INTERVAL_MIN_MS,
  PAY_BASE_COINS,
  PAY_PER_INGREDIENT_COINS,
  TAKE_TIME_MS,
  TAKE_WARNING_MS,
  TAKEN_PENALTY_FACTOR,
  TILE_SIZE_PX,
  TOPPING_CHANCE,
} from "./constants.ts";
import {
  bakingRequired,
  combinedOrders,
  type Difficulty,
  moneyPenalty,
  ordersTakenAutomatically,
} from "./difficulty.ts";
import { orderGapFactor, tipFactor } from "./audience_effects.ts";
import { feedback, world } from "./events.ts";
import {
  describeMask,
  DOUGH_MASK,
  ingredientCount,
  INGREDIENTS,
  isBaked,
  type Item,
} from "./items.ts";
import { orderDeliverable } from "./fairness.ts";
import {
  extraDeliveryMs,
  extraOrdersAllowed,
  orderSizeCap,
  trimMask,
} from "./pace.ts";
import { checkLoss } from "./outcome.ts";
import { chance, nextInt, pick } from "./random.ts";
import { cancelDeadlines, popDue, schedule } from "./timeline.ts";
import type { GameEvent, GameState, Order, Player } from "./types.ts";
import { type Say, wantedSay } from "./words.ts";

/** Time allowed to deliver a pizza once taken: 20 s per ingredient (+30 s baking) + 30 s. */
export function deliveryTimeMs(mask: number, needsBaking: boolean): number {
  return ingredientCount(mask) * DELIVER_PER_INGREDIENT_MS +
    (needsBaking ? DELIVER_BAKING_MS : 0) + DELIVER_WARNING_MS;
}

/** Pay for a delivered pizza before the tip: 5 per ingredient + 5. */
export function basePay(mask: number): number {
  return ingredientCount(mask) * PAY_PER_INGREDIENT_COINS + PAY_BASE_COINS;
}

/** Pixel centre of a house's door, where its events float. */
export function doorPx(
  state: GameState,
  houseId: number,
): { x: number; y: number } {
  const door = state.town.houses[houseId]?.door ?? { tx: 0, ty: 0 };
  return {
    x: (door.tx + 0.5) * TILE_SIZE_PX,
    y: (door.ty + 0.5) * TILE_SIZE_PX,
  };
}

/** Schedules the first order attempt of a round. */
export function scheduleFirstOrder(state: GameState): void {
  schedule(state, state.clockMs + FIRST_ORDER_DELAY_MS, "spawn_order", -1);
}

/**
 * Fires every timeline entry due up to `untilMs`, in time order, stopping if
 * the round ends. Each entry runs at its own time, so results do not depend on
 * how time was cut into steps.
 */
export function runTimeline(
  state: GameState,
  events: GameEvent[],
  untilMs: number,
): void {
  while (state.phase === "playing") {
    const entry = popDue(state, untilMs);
    if (!entry) return;
    if (entry.kind === "spawn_order") {
      trySpawnOrder(state, events, entry.atMs);
      const gap = nextInt(state, ORDER_INTERVAL_MIN_MS, ORDER_INTERVAL_MAX_MS);
      const factor = orderGapFactor(state, entry.atMs);
      schedule(state, entry.atMs + Math.round(gap * factor), "spawn_order", -1);
    } else {
      const order = state.orders.find((o) => o.id === entry.orderId);
      // A stale deadline (order delivered or re-timed) is ignored.
      if (order && order.deadlineMs === entry.atMs) {
        failOrder(state, events, order);
      }
    }
  }
}

/**
 * Places an order if fewer are open than there are players (10 % chance of
 * one more, except at the small-team pace), at a random house without one.
 */
export function trySpawnOrder(
  state: GameState,
  events: GameEvent[],
  nowMs: number,
): Order | null {
  const players = state.players.length;
  const open = state.orders.length;
  if (open > players) return null;
  if (
    open === players &&
    (!extraOrdersAllowed(state) || !chance(state, EXTRA_ORDER_CHANCE))
  ) return null;
  const busy = new Set(state.orders.map((o) => o.houseId));
  const free = state.town.houses.filter((h) => !busy.has(h.id));
  if (free.length === 0) return null;
  const mask = fairOrderMask(state);
  if (mask === null) return null;
  const house = pick(state, free);
  const needsBaking = bakingRequired(state.difficulty);
  const auto = ordersTakenAutomatically(state.difficulty);
  const order: Order = {
    id: state.nextOrderId++,
    houseId: house.id,
    mask,
    needsBaking,
    stage: auto ? "waiting" : "ordering",
    startedMs: nowMs,
    deadlineMs: nowMs +
      (auto
        ? deliveryTimeMs(mask, needsBaking) + extraDeliveryMs(state)
        : TAKE_TIME_MS + TAKE_WARNING_MS),
    warningMs: auto ? DELIVER_WARNING_MS : TAKE_WARNING_MS,
    takenBy: null,
  };
  state.orders.push(order);
  schedule(state, order.deadlineMs, "deadline", order.id);
  const at = doorPx(state, house.id);
  // A world event only: automatic orders must not touch any phone's panel.
  world(events, "order_placed", at.x, at.y, {
    houseId: house.id,
    text: auto ? describeMask(mask) : "Order!",
  });
  return order;
}

/**
 * Draws the mask of a new order that the team as it stands can carry to the
 * door (GAME.md), no bigger than the pace allows (`pace.ts`): the first draw
 * if it is deliverable, otherwise one drawn among the deliverable masks of
 * the level; null when there is none.
 */
export function fairOrderMask(state: GameState): number | null {
  const cap = orderSizeCap(state);
  const first = trimMask(state, orderMask(state), cap);
  if (orderDeliverable(state.players, first)) return first;
  const fair = orderMasks(state.difficulty).filter((m) =>
    ingredientCount(m) <= cap && orderDeliverable(state.players, m)
  );
  return fair.length > 0 ? pick(state, fair) : null;
}

/** Every mask a level may order: single ingredients, or dough plus any toppings. */
export function orderMasks(difficulty: Difficulty): number[] {
  if (!combinedOrders(difficulty)) {
    return INGREDIENTS.map((_, i) => 1 << i);
  }
  const out: number[] = [];
  for (let toppings = 0; toppings < 1 << (INGREDIENTS.length - 1); toppings++) {
    out.push(DOUGH_MASK | (toppings << 1));
  }
  return out;
}

function orderMask(state: GameState): number {
  if (!combinedOrders(state.difficulty)) {
    return 1 << nextInt(state, 0, INGREDIENTS.length - 1);
  }
  let mask = DOUGH_MASK;
  for (let i = 1; i < INGREDIENTS.length; i++) {
    if (chance(state, TOPPING_CHANCE)) mask |= 1 << i;
  }
  return mask;
}

/** Takes an "ordering" order at its door: the house now shows the wanted pizza. */
export function takeOrder(
  state: GameState,
  events: GameEvent[],
  player: Player,
  order: Order,
): void {
  cancelDeadlines(state, order.id);
  order.stage = "waiting";
  order.takenBy = player.id;
  order.startedMs = state.clockMs;
  order.deadlineMs = state.clockMs +
    deliveryTimeMs(order.mask, order.needsBaking);
  order.warningMs = DELIVER_WARNING_MS;
  schedule(state, order.deadlineMs, "deadline", order.id);
  const at = doorPx(state, order.houseId);
  const wanted = (order.needsBaking ? "baked " : "") + describeMask(order.mask);
  world(events, "order_taken", at.x, at.y, {
    houseId: order.houseId,
    playerId: player.id,
    text: wanted,
  });
  feedback(events, player.id, {
    key: "note.order_taken",
    item: wantedSay(order.mask, order.needsBaking),
  }, "good");
}

/** Whether an item satisfies an order: exact ingredients, not burned, baked if required. */
export function matchesOrder(item: Item, order: Order): boolean {
  return !item.burned && item.mask === order.mask &&
    (!order.needsBaking || isBaked(item));
}

/**
 * Delivers from a player's backpack: any matching item is used. When none
 * matches, the message says why.
 *
 * @returns whether a pizza was delivered
 */
export function deliverOrder(
  state: GameState,
  events: GameEvent[],
  player: Player,
  order: Order,
): boolean {
  const index = player.backpack.findIndex((item) => matchesOrder(item, order));
  if (index < 0) {
    feedback(events, player.id, whyNoMatch(player.backpack, order), "bad");
    world(events, "refused", player.x, player.y, { playerId: player.id });
    return false;
  }
  player.backpack.splice(index, 1);
  const tip = nextInt(state, 0, MAX_TIP_COINS) * tipFactor(state);
  const pay = basePay(order.mask) + tip;
  state.money += pay;
  state.delivered += 1;
  player.stats.deliveries += 1;
  player.stats.moneyEarned += pay;
  state.orders = state.orders.filter((o) => o.id !== order.id);
  cancelDeadlines(state, order.id);
  const at = doorPx(state, order.houseId);
  world(events, "delivered", at.x, at.y, {
    houseId: order.houseId,
    playerId: player.id,
    text: `+${pay}`,
  });
  feedback(events, player.id, { key: "say.delivered", count: pay }, "good");
  return true;
}

/** The reason nothing in a backpack matches an order, as a phone message. */
export function whyNoMatch(backpack: readonly Item[], order: Order): Say {
  if (backpack.length === 0) return { key: "why.not_here" };
  const same = backpack.filter((i) => i.mask === order.mask);
  if (same.length === 0) return { key: "why.wrong_toppings" };
  if (same.every((i) => i.burned)) return { key: "why.burned" };
  return { key: "why.needs_baking" };
}

/** Fails an order: a strike, and on Master Chef a penalty (double if it was taken). */
export function failOrder(
  state: GameState,
  events: GameEvent[],
  order: Order,
): void {
  state.orders = state.orders.filter((o) => o.id !== order.id);
  cancelDeadlines(state, order.id);
  state.strikes += 1;
  let text = "Strike!";
  let say: Say = { key: "note.order_failed" };
  if (moneyPenalty(state.difficulty)) {
    const taken = order.stage === "waiting";
    const penalty = nextInt(state, MIN_PENALTY_COINS, MAX_PENALTY_COINS) *
      (taken ? TAKEN_PENALTY_FACTOR : 1);
    state.money -= penalty;
    text = `Strike! -${penalty}`;
    say = { key: "note.order_failed_fine", count: penalty };
  }
  const at = doorPx(state, order.houseId);
  world(events, "order_failed", at.x, at.y, { houseId: order.houseId, text });
  for (const p of state.players) {
    feedback(events, p.id, say, "bad");
  }
  checkLoss(state, events);
}
