/**
 * Context actions: what a player can do where they stand (buy at a store,
 * take or deliver at a house, pick up and drop at tables and ovens, get in or
 * out of a vehicle, and the VIP's lobby commands), and carrying them out.
 * An action id is accepted only if it is in the player's current list, so a
 * stale or made-up id is refused with a message and never throws.
 *
 * @module
 */

import {
  BACKPACK_SLOTS,
  DOOR_RANGE_PX,
  STATION_RANGE_PX,
  TILE_SIZE_PX,
  VEHICLE_RANGE_PX,
} from "./constants.ts";
import { DIFFICULTY_NAMES } from "./difficulty.ts";
import { feedback, world } from "./events.ts";
import {
  combineItems,
  describeMask,
  type Ingredient,
  ingredientNames,
  isOvenable,
  type Item,
  newItem,
} from "./items.ts";
import { itemSay, type PlainKey, type Say, wantedSay } from "./words.ts";
import { deliverOrder, takeOrder } from "./orders.ts";
import { allergyBlock, findPlayer } from "./players.ts";
import { beginRound, changeDifficulty, restartRound } from "./round.ts";
import type { GameEvent, GameState, Player, Vehicle } from "./types.ts";

/**
 * One button on a phone: a stable id to send back, and its words as data.
 * Throw-away buttons have ids `discard:<slot>` (the phone binds them to a
 * long-press on the backpack slot).
 */
export interface ContextAction {
  /** Sent back as `{ type: "action", id }`. */
  id: string;
  /** What the button says, e.g. `{ key: "act.buy", ingredient: "cheese", price: 3 }`. */
  say: Say;
  /** Ingredients concerned, canonical order, for icons (absent when none). */
  ingredients?: Ingredient[];
  /**
   * Set when the rules would refuse it here (an allergy, a full backpack, too
   * little money, a topping without dough, a busy oven): the reason, shown
   * greyed; tapping it only says why.
   */
  disabled?: Say;
}

/** What an allergy refusal says: "You're allergic to cheese!". */
export function allergyReason(ingredient: Ingredient): Say {
  return { key: "why.allergic", ingredient };
}

/** The words of a refusal without parameters. */
function why(key: PlainKey & `why.${string}`): Say {
  return { key };
}

/** What a player stands at, if anything. */
export type Target =
  | { kind: "store"; id: number }
  | { kind: "house"; id: number }
  | { kind: "station"; id: number };

/** The nearest store door, house door, table or oven within reach of a player. */
export function targetOf(state: GameState, player: Player): Target | null {
  if (player.vehicleId !== null) return null;
  let best: Target | null = null;
  let bestDist = Infinity;
  const consider = (target: Target, tx: number, ty: number, range: number) => {
    const d = Math.hypot(
      player.x - (tx + 0.5) * TILE_SIZE_PX,
      player.y - (ty + 0.5) * TILE_SIZE_PX,
    );
    if (d <= range && d < bestDist) {
      best = target;
      bestDist = d;
    }
  };
  for (const s of state.town.stores) {
    consider({ kind: "store", id: s.id }, s.door.tx, s.door.ty, DOOR_RANGE_PX);
  }
  for (const h of state.town.houses) {
    consider({ kind: "house", id: h.id }, h.door.tx, h.door.ty, DOOR_RANGE_PX);
  }
  for (const s of state.town.stations) {
    consider(
      { kind: "station", id: s.id },
      s.tile.tx,
      s.tile.ty,
      STATION_RANGE_PX,
    );
  }
  return best;
}

/** The nearest parked vehicle within reach, if any. */
export function nearbyVehicle(
  state: GameState,
  player: Player,
): Vehicle | null {
  let best: Vehicle | null = null;
  let bestDist = Infinity;
  for (const v of state.vehicles) {
    if (v.driverId !== null) continue;
    const d = Math.hypot(player.x - v.x, player.y - v.y);
    if (d <= VEHICLE_RANGE_PX && d < bestDist) {
      best = v;
      bestDist = d;
    }
  }
  return best;
}

/**
 * Lists the actions a player can take now, in a stable order.
 *
 * @returns an empty list for unknown players and while paused
 */
export function contextActions(
  state: GameState,
  playerId: string,
): ContextAction[] {
  const player = findPlayer(state, playerId);
  if (!player) return [];
  const out: ContextAction[] = [];
  const vip = state.vipId === playerId;
  if (state.phase === "lobby" || state.phase === "over") {
    if (vip) {
      out.push(
        state.phase === "lobby"
          ? { id: "start", say: { key: "act.start" } }
          : { id: "restart", say: { key: "act.restart" } },
      );
      DIFFICULTY_NAMES.forEach((_, d) => {
        out.push({
          id: `difficulty:${d}`,
          say: { key: "act.level", level: d },
        });
      });
    }
    return out;
  }
  if (state.paused) return out;
  if (player.vehicleId !== null) {
    out.push({ id: "leave_vehicle", say: { key: "act.leave_vehicle" } });
    return out;
  }
  const target = targetOf(state, player);
  if (target?.kind === "store") {
    const store = state.town.stores[target.id];
    const refusal = buyRefusal(state, player, store);
    out.push({
      id: "buy",
      say: { key: "act.buy", ingredient: store.ingredient, price: store.price },
      ingredients: [store.ingredient],
      ...(refusal ? { disabled: refusal } : {}),
    });
  } else if (target?.kind === "house") {
    const order = state.orders.find((o) => o.houseId === target.id);
    if (order?.stage === "ordering") {
      out.push({ id: "take_order", say: { key: "act.take_order" } });
    } else if (order?.stage === "waiting" && player.backpack.length > 0) {
      out.push({
        id: "deliver",
        say: {
          key: "act.deliver",
          item: wantedSay(order.mask, order.needsBaking),
        },
        ingredients: ingredientNames(order.mask),
      });
    }
  } else if (target?.kind === "station") {
    const station = state.stations[target.id];
    if (station.item) {
      const refusal = pickUpRefusal(state, player, station.item);
      out.push({
        id: "pickup",
        say: { key: "act.pick_up", item: itemSay(station.item) },
        ingredients: ingredientNames(station.item.mask),
        ...(refusal ? { disabled: refusal } : {}),
      });
    }
    player.backpack.forEach((item, slot) => {
      const key = station.kind === "oven"
        ? "act.bake"
        : station.item
        ? "act.add"
        : "act.put_down";
      const refusal = dropRefusal(station, item);
      out.push({
        id: `drop:${slot}`,
        say: { key, item: itemSay(item) },
        ingredients: ingredientNames(item.mask),
        ...(refusal ? { disabled: refusal } : {}),
      });
    });
  }
  player.backpack.forEach((item, slot) => {
    out.push({
      id: `discard:${slot}`,
      say: { key: "backpack.throw", item: itemSay(item) },
      ingredients: ingredientNames(item.mask),
    });
  });
  if (nearbyVehicle(state, player)) {
    out.push({ id: "enter_vehicle", say: { key: "act.enter_vehicle" } });
  }
  return out;
}

/**
 * Carries out an action id for a player, if it is in their current list;
 * otherwise reports "You can't do that here." to that player. Never throws.
 */
export function applyAction(
  state: GameState,
  events: GameEvent[],
  playerId: string,
  id: unknown,
): void {
  const player = findPlayer(state, playerId);
  if (!player) return;
  const refuse = (say: Say) => {
    feedback(events, player.id, say, "bad");
    world(events, "refused", player.x, player.y, { playerId: player.id });
  };
  // A stale or made-up id (the phone's buttons lag a view behind, and none
  // are offered while paused): one short refusal.
  const offered = typeof id === "string"
    ? contextActions(state, playerId).find((a) => a.id === id)
    : undefined;
  if (!offered || typeof id !== "string") return refuse(why("why.not_here"));
  if (offered.disabled) return refuse(offered.disabled);
  const [verb, arg] = id.split(":");
  const slot = Number(arg);
  switch (verb) {
    case "start":
    case "restart": {
      const error = verb === "start"
        ? beginRound(state, events)
        : restartRound(state, events);
      if (error) refuse(why("why.not_here"));
      return;
    }
    case "difficulty":
      if (changeDifficulty(state, events, slot)) {
        refuse(why("why.not_here"));
      }
      return;
    case "buy":
      return buy(state, events, player, refuse);
    case "take_order":
    case "deliver": {
      const target = targetOf(state, player);
      const order = state.orders.find((o) =>
        target?.kind === "house" && o.houseId === target.id
      );
      if (!order) return refuse(why("why.not_here"));
      if (verb === "take_order") takeOrder(state, events, player, order);
      else deliverOrder(state, events, player, order);
      return;
    }
    case "pickup":
      return pickUp(state, events, player, refuse);
    case "drop":
      return drop(state, events, player, slot, refuse);
    case "discard": {
      const [item] = player.backpack.splice(slot, 1);
      feedback(events, player.id, {
        key: "note.threw_away",
        item: itemSay(item),
      }, "info");
      world(events, "thrown_away", player.x, player.y, { playerId: player.id });
      return;
    }
    case "enter_vehicle": {
      const v = nearbyVehicle(state, player);
      if (!v) return refuse(why("why.not_here"));
      v.driverId = player.id;
      player.vehicleId = v.id;
      player.x = v.x;
      player.y = v.y;
      world(events, "vehicle_entered", v.x, v.y, { playerId: player.id });
      return;
    }
    case "leave_vehicle": {
      const v = state.vehicles[player.vehicleId ?? -1];
      if (v) v.driverId = null;
      player.vehicleId = null;
      world(events, "vehicle_left", player.x, player.y, {
        playerId: player.id,
      });
      return;
    }
    default:
      return refuse(why("why.not_here"));
  }
}

function buy(
  state: GameState,
  events: GameEvent[],
  player: Player,
  refuse: (say: Say) => void,
): void {
  const target = targetOf(state, player);
  if (target?.kind !== "store") return refuse(why("why.not_here"));
  const store = state.town.stores[target.id];
  const refusal = buyRefusal(state, player, store);
  if (refusal) return refuse(refusal);
  const mask = 1 << store.ingredientIndex;
  state.money -= store.price;
  player.backpack.push(newItem(mask));
  feedback(events, player.id, {
    key: "note.bought",
    ingredient: store.ingredient,
  }, "good");
  world(events, "bought", player.x, player.y, {
    playerId: player.id,
    text: `-${store.price}`,
  });
}

function pickUp(
  state: GameState,
  events: GameEvent[],
  player: Player,
  refuse: (say: Say) => void,
): void {
  const target = targetOf(state, player);
  const station = target?.kind === "station" ? state.stations[target.id] : null;
  if (!station?.item) return refuse(why("why.not_here"));
  const refusal = pickUpRefusal(state, player, station.item);
  if (refusal) return refuse(refusal);
  player.backpack.push(station.item);
  feedback(events, player.id, {
    key: "say.picked",
    item: itemSay(station.item),
  }, "info");
  station.item = null;
  world(events, "picked_up", player.x, player.y, { playerId: player.id });
}

function drop(
  state: GameState,
  events: GameEvent[],
  player: Player,
  slot: number,
  refuse: (say: Say) => void,
): void {
  const target = targetOf(state, player);
  const station = target?.kind === "station" ? state.stations[target.id] : null;
  const item = player.backpack[slot];
  if (!station || !item) return refuse(why("why.not_here"));
  const spot = state.town.stations[station.id].tile;
  const x = (spot.tx + 0.5) * TILE_SIZE_PX;
  const y = (spot.ty + 0.5) * TILE_SIZE_PX;
  const refusal = dropRefusal(station, item);
  if (refusal) return refuse(refusal);
  if (station.kind === "oven") {
    station.item = item;
    player.backpack.splice(slot, 1);
    world(events, "dropped", x, y, { playerId: player.id });
    return;
  }
  if (!station.item) {
    station.item = item;
    player.backpack.splice(slot, 1);
    world(events, "dropped", x, y, { playerId: player.id });
    return;
  }
  const result = combineItems(station.item, item);
  if (!result.ok) {
    return refuse(dropRefusal(station, item) ?? why("why.not_here"));
  }
  station.item = result.item;
  player.backpack.splice(slot, 1);
  feedback(events, player.id, {
    key: "note.made",
    item: itemSay(result.item),
  }, "good");
  world(events, "combined", x, y, {
    playerId: player.id,
    text: describeMask(result.item.mask),
  });
}

/**
 * Why buying at `store` would be refused now, or null: a full backpack
 * (checked BEFORE any money is taken), an allergy, too little money.
 */
export function buyRefusal(
  state: GameState,
  player: Player,
  store: { ingredientIndex: number; price: number },
): Say | null {
  if (player.backpack.length >= BACKPACK_SLOTS) return why("why.backpack_full");
  const allergic = allergyBlock(
    player,
    1 << store.ingredientIndex,
    state.players.length,
  );
  if (allergic) return allergyReason(allergic);
  if (state.money < store.price) return why("why.money");
  return null;
}

/** Why picking `item` up would be refused now, or null. */
export function pickUpRefusal(
  state: GameState,
  player: Player,
  item: Item,
): Say | null {
  if (player.backpack.length >= BACKPACK_SLOTS) return why("why.backpack_full");
  const allergic = allergyBlock(player, item.mask, state.players.length);
  return allergic ? allergyReason(allergic) : null;
}

/**
 * Why dropping `item` on a table or oven would be refused, or null: a busy
 * oven, a burned item, a lone topping in the oven, or a table whose item
 * cannot take it (toppings go on dough).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dropRefusal } from "./actions.ts";
 * const cheese = { mask: 0b00100, heat: 0, burned: false };
 * const tomato = { mask: 0b00010, heat: 0, burned: false };
 * assert.deepEqual(
 *   dropRefusal({ kind: "table", item: cheese }, tomato),
 *   { key: "why.dough_first" },
 * );
 * assert.equal(dropRefusal({ kind: "table", item: null }, tomato), null);
 * ```
 */
export function dropRefusal(
  station: { kind: "table" | "oven"; item: Item | null },
  item: Item,
): Say | null {
  if (station.kind === "oven") {
    if (station.item) return why("why.oven_busy");
    if (item.burned) return why("why.burned");
    if (!isOvenable(item)) return why("why.oven_dough");
    return null;
  }
  if (!station.item) return null;
  const result = combineItems(station.item, item);
  if (result.ok) return null;
  if (result.reason === "burned") return why("why.burned");
  if (result.reason === "nothing_new") return why("why.has_that");
  return why("why.dough_first");
}
