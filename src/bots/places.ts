/**
 * Where a bot goes: the door of the nearest store selling an ingredient, the
 * table it builds a pizza on, the oven it bakes in, and walking estimates.
 *
 * @module
 */

import { TILE_SIZE_PX, WALK_SPEED_PX_PER_S } from "../game/constants.ts";
import { type Target } from "../game/actions.ts";
import { allergyBlock } from "../game/players.ts";
import type { TilePos } from "../game/tiles.ts";
import type { GameState, Order, Player } from "../game/types.ts";
import {
  distanceAt,
  distanceField,
  stationAccessTiles,
} from "./pathfinding.ts";
import {
  type BotMemory,
  type BotPlan,
  goodStart,
  type Job,
  jobsOf,
  type Work,
} from "./team_memory.ts";

/** Walking estimates are multiplied by this (detours, giving way). */
const WALK_MARGIN = 1.4;

/** Walking time over `tiles` tiles, with room for detours and waits, ms. */
export function walkMs(tiles: number): number {
  return tiles * TILE_SIZE_PX / WALK_SPEED_PX_PER_S * 1000 * WALK_MARGIN;
}

/** A plan to stand at a door tile and act there. */
export function doorPlan(
  tile: TilePos,
  target: Target,
  id: string | null,
): BotPlan {
  return { target, tiles: [tile], action: id };
}

/** A plan to stand beside a station (table or oven) and act there. */
export function stationPlan(
  state: GameState,
  stationId: number,
  id: string | null,
): BotPlan {
  return {
    target: { kind: "station", id: stationId },
    tiles: stationAccessTiles(state.town, stationId),
    action: id,
  };
}

/** The store selling an ingredient nearest to the player, as a "buy" plan. */
export function buyPlan(
  team: Work,
  state: GameState,
  player: Player,
  ingredient: number,
): BotPlan | null {
  let best: BotPlan | null = null;
  let bestD = Infinity;
  for (const store of state.town.stores) {
    if (store.ingredientIndex !== ingredient) continue;
    if (store.price > state.money) continue;
    const field = distanceField(team.cache, state.town, [store.door]);
    const d = distanceAt(field, player.x, player.y);
    if (d >= 0 && d < bestD) {
      bestD = d;
      best = doorPlan(store.door, { kind: "store", id: store.id }, "buy");
    }
  }
  return best;
}

/** The station among `ids` nearest the player, each weighed by `penalty` (Infinity: never), or null. */
export function nearestStation(
  team: Work,
  state: GameState,
  player: Player,
  ids: readonly number[],
  penalty: (id: number) => number,
): number | null {
  let best: number | null = null;
  let bestD = Infinity;
  for (const id of ids) {
    const extra = penalty(id);
    if (!Number.isFinite(extra)) continue;
    const tiles = stationAccessTiles(state.town, id);
    if (tiles.length === 0) continue;
    const d = distanceAt(
      distanceField(team.cache, state.town, tiles),
      player.x,
      player.y,
    );
    if (d >= 0 && d + extra < bestD) {
      bestD = d + extra;
      best = id;
    }
  }
  return best;
}

/** The table a bot builds an order's pizza on: free, nearest, a good start preferred; or null. */
export function chooseTable(
  team: Work,
  state: GameState,
  bot: BotMemory,
  player: Player,
  order: Order,
): number | null {
  const taken = new Set([
    ...team.bots.flatMap((b) =>
      jobsOf(b).flatMap((j) =>
        j.tableId !== null && (b !== bot || j !== bot.job) ? [j.tableId] : []
      )
    ),
    ...team.preps.map((p) => p.tableId),
  ]);
  const tables = state.town.stations.filter((s) => s.kind === "table").map((
    s,
  ) => s.id);
  return nearestStation(team, state, player, tables, (id) => {
    if (taken.has(id)) return Infinity;
    const item = state.stations[id].item;
    if (!item) return 0;
    if (goodStart(item, order.mask)) return -4;
    return allergyBlock(player, item.mask, state.players.length) === null
      ? 12
      : Infinity;
  });
}

/** The oven a job bakes in: not used by another job, nearest, empty preferred; or null. */
export function chooseOven(
  team: Work,
  state: GameState,
  job: Job,
  player: Player,
): number | null {
  const taken = new Set(
    team.bots.flatMap((b) =>
      jobsOf(b).flatMap((j) => j.ovenId !== null && j !== job ? [j.ovenId] : [])
    ),
  );
  const ovens = state.town.stations.filter((s) => s.kind === "oven").map((s) =>
    s.id
  );
  return nearestStation(team, state, player, ovens, (id) => {
    if (taken.has(id)) return Infinity;
    const item = state.stations[id].item;
    if (!item) return 0;
    return allergyBlock(player, item.mask, state.players.length) === null
      ? 12
      : Infinity;
  });
}

/** Tiles from the player to a plan's tiles (-1: unreachable). */
export function planDistance(
  team: Work,
  state: GameState,
  player: Player,
  plan: BotPlan,
): number {
  return distanceAt(
    distanceField(team.cache, state.town, plan.tiles),
    player.x,
    player.y,
  );
}
