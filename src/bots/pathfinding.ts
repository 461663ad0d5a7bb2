/**
 * Pathfinding on the tile grid for bots: breadth-first distance fields to a
 * set of goal tiles (cached per town), the next tile towards a goal, and the
 * tiles from which a table or oven can be used.
 *
 * @module
 */

import {
  inBounds,
  isWalkable,
  NEIGHBOURS_4,
  tileIndex,
  tileOfPx,
  type TilePos,
  walkDistances,
} from "../game/tiles.ts";
import type { Town } from "../game/town.ts";

/** Distance fields by goal, for one town. Owned by whoever plans (a bot team). */
export interface PathCache {
  /** Seed of the town the fields belong to. */
  townSeed: number;
  /** Distance field (steps to the nearest goal, -1 unreachable) by goal key. */
  fields: Map<string, Int32Array>;
}

/** An empty cache. */
export function createPathCache(): PathCache {
  return { townSeed: -1, fields: new Map() };
}

/** The distance field to some goal tiles, computed once per town and goal. */
export function distanceField(
  cache: PathCache,
  town: Town,
  goals: readonly TilePos[],
): Int32Array {
  if (cache.townSeed !== town.seed) {
    cache.townSeed = town.seed;
    cache.fields.clear();
  }
  const key = goals.map((g) => `${g.tx},${g.ty}`).join(";");
  let field = cache.fields.get(key);
  if (!field) {
    field = walkDistances(town.tiles, goals);
    cache.fields.set(key, field);
  }
  return field;
}

/** Steps from a pixel position to the goals of a field (-1 if unreachable). */
export function distanceAt(field: Int32Array, x: number, y: number): number {
  const t = tileOfPx(x, y);
  return inBounds(t.tx, t.ty) ? field[tileIndex(t.tx, t.ty)] : -1;
}

/**
 * The neighbouring tile one step closer to the goals, the current tile when
 * on a goal, or null when the goals cannot be reached from here.
 */
export function nextTile(
  field: Int32Array,
  x: number,
  y: number,
): TilePos | null {
  const here = tileOfPx(x, y);
  if (!inBounds(here.tx, here.ty)) return null;
  const d = field[tileIndex(here.tx, here.ty)];
  if (d === 0) return here;
  let best: TilePos | null = null;
  let bestD = d < 0 ? Infinity : d;
  for (const [dx, dy] of NEIGHBOURS_4) {
    const n = { tx: here.tx + dx, ty: here.ty + dy };
    if (!inBounds(n.tx, n.ty)) continue;
    const nd = field[tileIndex(n.tx, n.ty)];
    if (nd >= 0 && nd < bestD) {
      best = n;
      bestD = nd;
    }
  }
  return best;
}

/**
 * Walkable tiles next to a station from which that station (and no other) is
 * the nearest: standing on their centre, the player's target is this station.
 */
export function stationAccessTiles(town: Town, stationId: number): TilePos[] {
  const spot = town.stations[stationId];
  if (!spot) return [];
  const out: TilePos[] = [];
  for (const [dx, dy] of NEIGHBOURS_4) {
    const n = { tx: spot.tile.tx + dx, ty: spot.tile.ty + dy };
    if (!isWalkable(town.tiles, n.tx, n.ty)) continue;
    const others = town.stations.filter((s) =>
      s.id !== stationId &&
      Math.abs(s.tile.tx - n.tx) + Math.abs(s.tile.ty - n.ty) === 1
    );
    if (others.length === 0) out.push(n);
  }
  return out;
}
