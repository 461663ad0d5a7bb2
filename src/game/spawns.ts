/**
 * Where players appear: spawn tiles on the roads nearest the town centre,
 * spread so that no one starts boxed in. Two spawns are never neighbours
 * (not even diagonally), and with a player standing still on every spawn
 * and a vehicle parked on every vehicle spawn, no walkable area is cut in
 * two: a spawn never closes a one-tile road or a dead end, so whoever
 * stands where can walk away.
 *
 * @module
 */

import {
  MAX_PLAYERS,
  TOWN_HEIGHT_TILES,
  TOWN_WIDTH_TILES,
} from "./constants.ts";
import {
  isWalkableKind,
  tileIndex,
  TileKind,
  type TilePos,
  walkDistances,
} from "./tiles.ts";

/** Number of separate walkable areas when the `blocked` tiles are taken. */
function countAreas(
  tiles: readonly number[],
  blocked: ReadonlySet<number>,
): number {
  const seen = new Uint8Array(tiles.length);
  const queue = new Int32Array(tiles.length);
  const open = (i: number) =>
    isWalkableKind(tiles[i]) && !blocked.has(i) && seen[i] === 0;
  let areas = 0;
  for (let start = 0; start < tiles.length; start++) {
    if (!open(start)) continue;
    areas++;
    seen[start] = 1;
    let tail = 0;
    queue[tail++] = start;
    for (let head = 0; head < tail; head++) {
      const i = queue[head];
      const tx = i % TOWN_WIDTH_TILES;
      const next = [
        i >= TOWN_WIDTH_TILES ? i - TOWN_WIDTH_TILES : -1,
        tx < TOWN_WIDTH_TILES - 1 ? i + 1 : -1,
        i + TOWN_WIDTH_TILES < tiles.length ? i + TOWN_WIDTH_TILES : -1,
        tx > 0 ? i - 1 : -1,
      ];
      for (const j of next) {
        if (j < 0 || !open(j)) continue;
        seen[j] = 1;
        queue[tail++] = j;
      }
    }
  }
  return areas;
}

/** Least distance between two spawns, in tiles along either axis. */
export const SPAWN_SPACING_TILES = 2;

/**
 * The player spawn tiles of a town (up to `MAX_PLAYERS`), nearest the centre
 * by road first. Spawns that would box anyone in are skipped; a town that
 * has too few good tiles fills up with the nearest others, so the list is
 * never short of road tiles.
 *
 * @param tiles the town's tile kinds
 * @param doorKeys tile indices of every door (never a spawn)
 * @param parked tiles where vehicles stand at the start
 */
export function chooseSpawnTiles(
  tiles: readonly number[],
  doorKeys: ReadonlySet<number>,
  parked: readonly TilePos[],
): TilePos[] {
  const roads: TilePos[] = [];
  for (let y = 0; y < TOWN_HEIGHT_TILES; y++) {
    for (let x = 0; x < TOWN_WIDTH_TILES; x++) {
      if (tiles[tileIndex(x, y)] === TileKind.Road) {
        roads.push({ tx: x, ty: y });
      }
    }
  }
  if (roads.length === 0) return [];
  const cx = TOWN_WIDTH_TILES / 2;
  const cy = TOWN_HEIGHT_TILES / 2;
  let centre = roads[0];
  for (const r of roads) {
    const d = Math.abs(r.tx - cx) + Math.abs(r.ty - cy);
    if (d < Math.abs(centre.tx - cx) + Math.abs(centre.ty - cy)) centre = r;
  }
  const byRoad = walkDistances(
    tiles,
    [centre],
    (tx, ty) => tiles[tileIndex(tx, ty)] === TileKind.Road,
  );
  const candidates = roads
    .filter((r) =>
      byRoad[tileIndex(r.tx, r.ty)] >= 0 && !doorKeys.has(tileIndex(r.tx, r.ty))
    )
    .sort((a, b) =>
      byRoad[tileIndex(a.tx, a.ty)] - byRoad[tileIndex(b.tx, b.ty)] ||
      a.ty - b.ty || a.tx - b.tx
    );
  const blocked = new Set(parked.map((t) => tileIndex(t.tx, t.ty)));
  const before = countAreas(tiles, blocked);
  const chosen: TilePos[] = [];
  for (const c of candidates) {
    if (chosen.length === MAX_PLAYERS) break;
    const key = tileIndex(c.tx, c.ty);
    if (blocked.has(key)) continue;
    const near = chosen.some((s) =>
      Math.max(Math.abs(s.tx - c.tx), Math.abs(s.ty - c.ty)) <
        SPAWN_SPACING_TILES
    );
    if (near) continue;
    blocked.add(key);
    // Someone standing here must not cut any walkable area in two.
    if (countAreas(tiles, blocked) === before) chosen.push(c);
    else blocked.delete(key);
  }
  for (const c of candidates) {
    if (chosen.length >= MAX_PLAYERS) break;
    if (!chosen.includes(c)) chosen.push(c);
  }
  return chosen;
}
