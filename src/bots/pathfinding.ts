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
import { TOWN_WIDTH_TILES } from "../game/constants.ts";
import type { Town } from "../game/town.ts";

/**
 * Distance fields by goal, for one town object (road works make a new one).
 * Owned by whoever plans (a bot team).
 */
export interface PathCache {
  /** The town the fields belong to. */
  town: Town | null;
  /** Distance field (steps to the nearest goal, -1 unreachable) by goal key. */
  fields: Map<string, Int32Array>;
  /**
   * Distance fields that go round some tiles, by goal and avoided tiles
   * (bounded: cleared when full).
   */
  avoiding?: Map<string, Int32Array>;
}

/** An empty cache. */
export function createPathCache(): PathCache {
  return { town: null, fields: new Map() };
}

/** The distance field to some goal tiles, computed once per town and goal. */
export function distanceField(
  cache: PathCache,
  town: Town,
  goals: readonly TilePos[],
): Int32Array {
  if (cache.town !== town) {
    cache.town = town;
    cache.fields.clear();
    cache.avoiding?.clear();
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

/** Index of the tile under a pixel position, or -1 outside the town. */
export function tileKeyOfPx(x: number, y: number): number {
  const t = tileOfPx(x, y);
  return inBounds(t.tx, t.ty) ? tileIndex(t.tx, t.ty) : -1;
}

/** The tile of a tile index. */
export function tileOfKey(key: number): TilePos {
  const tx = key % TOWN_WIDTH_TILES;
  return { tx, ty: (key - tx) / TOWN_WIDTH_TILES };
}

/**
 * The tiles of the route down a distance field from a tile, the tile itself
 * first, at most `maxTiles` long; stops at a goal or where the field ends.
 */
export function routeFrom(
  field: Int32Array,
  start: number,
  maxTiles: number,
): number[] {
  const route: number[] = [];
  let at = start;
  while (at >= 0 && route.length < maxTiles) {
    route.push(at);
    const d = field[at];
    if (d <= 0) break;
    let next = -1;
    const { tx, ty } = tileOfKey(at);
    for (const [dx, dy] of NEIGHBOURS_4) {
      const nx = tx + dx;
      const ny = ty + dy;
      if (!inBounds(nx, ny)) continue;
      const j = tileIndex(nx, ny);
      if (
        field[j] >= 0 && field[j] < d && (next < 0 || field[j] < field[next])
      ) {
        next = j;
      }
    }
    at = next;
  }
  return route;
}

/** Walkable tiles of a town as 0/1 flags by tile index, memoised per town. */
const walkFlags = new WeakMap<Town, Uint8Array>();

function walkableFlags(town: Town): Uint8Array {
  let flags = walkFlags.get(town);
  if (!flags) {
    flags = new Uint8Array(town.tiles.length);
    for (let i = 0; i < flags.length; i++) {
      const { tx, ty } = tileOfKey(i);
      flags[i] = isWalkable(town.tiles, tx, ty) ? 1 : 0;
    }
    walkFlags.set(town, flags);
  }
  return flags;
}

/** Distances and the tile each was reached from (-1 at starts and unreached). */
export interface Search {
  /** Steps from the nearest start, -1 unreached. */
  dist: Int32Array;
  /** Previous tile on a shortest path from a start, -1 at starts. */
  parent: Int32Array;
}

/** Most fields kept in {@link PathCache.avoiding} before it is cleared. */
const MAX_AVOIDING_FIELDS = 256;

/**
 * The distance field to some goal tiles (keys) over walkable tiles other
 * than `avoid` (keys), memoised in the cache.
 */
export function fieldAvoiding(
  cache: PathCache,
  state: { town: Town },
  goals: readonly number[],
  avoid: readonly number[],
): Int32Array {
  const town = state.town;
  if (cache.town !== town) distanceField(cache, town, []);
  cache.avoiding ??= new Map();
  const key = `${goals.join(",")}|${
    [...avoid].sort((a, b) => a - b).join(",")
  }`;
  let field = cache.avoiding.get(key);
  if (!field) {
    field = searchAvoiding(town, goals, new Set(avoid)).dist;
    if (cache.avoiding.size >= MAX_AVOIDING_FIELDS) cache.avoiding.clear();
    cache.avoiding.set(key, field);
  }
  return field;
}

/**
 * Breadth-first search from some tiles over walkable tiles that are not
 * blocked (`blocked` holds tile indices; start tiles are never blocked).
 */
export function searchAvoiding(
  town: Town,
  starts: readonly number[],
  blocked: ReadonlySet<number>,
): Search {
  const walk = walkableFlags(town);
  const n = walk.length;
  const dist = new Int32Array(n).fill(-1);
  const parent = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  let tail = 0;
  for (const s of starts) {
    if (s < 0 || s >= n || dist[s] !== -1) continue;
    dist[s] = 0;
    queue[tail++] = s;
  }
  for (let head = 0; head < tail; head++) {
    const i = queue[head];
    const tx = i % TOWN_WIDTH_TILES;
    for (let k = 0; k < 4; k++) {
      let j: number;
      if (k === 0) j = i >= TOWN_WIDTH_TILES ? i - TOWN_WIDTH_TILES : -1;
      else if (k === 1) j = tx < TOWN_WIDTH_TILES - 1 ? i + 1 : -1;
      else if (k === 2) {
        j = i + TOWN_WIDTH_TILES < n ? i + TOWN_WIDTH_TILES : -1;
      } else j = tx > 0 ? i - 1 : -1;
      if (j < 0 || walk[j] === 0 || dist[j] !== -1 || blocked.has(j)) continue;
      dist[j] = dist[i] + 1;
      parent[j] = i;
      queue[tail++] = j;
    }
  }
  return { dist, parent };
}
