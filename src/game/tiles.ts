/**
 * Tile kinds of the town grid and the questions asked of them: which tiles
 * block walking, which carry vehicles, and where a pixel falls on the grid.
 *
 * @module
 */

import {
  TILE_SIZE_PX,
  TOWN_HEIGHT_TILES,
  TOWN_WIDTH_TILES,
} from "./constants.ts";

/** Tile kinds, stored as small integers in `Town.tiles`. */
export const TileKind = {
  /** Open ground; walkable. */
  Grass: 0,
  /** Road; walkable, and the only ground vehicles drive on. */
  Road: 1,
  /** Kitchen floor (including wall openings); walkable. */
  Floor: 2,
  /** Kitchen wall; blocks. */
  Wall: 3,
  /** Part of a house; blocks. Its door is the road tile in front. */
  House: 4,
  /** Part of an ingredient store; blocks. Its door is the road tile in front. */
  Store: 5,
  /** A tree; blocks. */
  Tree: 6,
  /** Flowers (decoration); walkable. */
  Flowers: 7,
  /** A kitchen table; blocks. */
  Table: 8,
  /** A kitchen oven; blocks. */
  Oven: 9,
  /** A road closed by road works (an audience event); blocks walkers and cars. */
  RoadWorks: 10,
} as const;

/** A tile kind value. */
export type TileKind = typeof TileKind[keyof typeof TileKind];

/** Names of tile kinds indexed by value, for renderers and debugging. */
export const TILE_KIND_NAMES: readonly string[] = [
  "grass",
  "road",
  "floor",
  "wall",
  "house",
  "store",
  "tree",
  "flowers",
  "table",
  "oven",
  "road_works",
];

/** A tile coordinate. */
export interface TilePos {
  /** Column, 0 at the left. */
  tx: number;
  /** Row, 0 at the top. */
  ty: number;
}

/** Whether players can walk on a tile kind. */
export function isWalkableKind(kind: number): boolean {
  return kind === TileKind.Grass || kind === TileKind.Road ||
    kind === TileKind.Floor || kind === TileKind.Flowers;
}

/** Whether a tile coordinate lies inside the town. */
export function inBounds(tx: number, ty: number): boolean {
  return tx >= 0 && ty >= 0 && tx < TOWN_WIDTH_TILES && ty < TOWN_HEIGHT_TILES;
}

/** Index of a tile in the row-major `tiles` array. */
export function tileIndex(tx: number, ty: number): number {
  return ty * TOWN_WIDTH_TILES + tx;
}

/** Kind of the tile at a coordinate; outside the town counts as a wall. */
export function tileAt(
  tiles: readonly number[],
  tx: number,
  ty: number,
): number {
  return inBounds(tx, ty) ? tiles[tileIndex(tx, ty)] : TileKind.Wall;
}

/** Whether players may stand on a tile (outside the town: no). */
export function isWalkable(
  tiles: readonly number[],
  tx: number,
  ty: number,
): boolean {
  return isWalkableKind(tileAt(tiles, tx, ty));
}

/** Whether a vehicle may drive on a tile: roads only. */
export function isDrivable(
  tiles: readonly number[],
  tx: number,
  ty: number,
): boolean {
  return tileAt(tiles, tx, ty) === TileKind.Road;
}

/** The tile under a pixel position. */
export function tileOfPx(x: number, y: number): TilePos {
  return { tx: Math.floor(x / TILE_SIZE_PX), ty: Math.floor(y / TILE_SIZE_PX) };
}

/** The pixel centre of a tile. */
export function tileCenterPx(tx: number, ty: number): { x: number; y: number } {
  return { x: (tx + 0.5) * TILE_SIZE_PX, y: (ty + 0.5) * TILE_SIZE_PX };
}

/** The four neighbour offsets, in a fixed order (up, right, down, left). */
export const NEIGHBOURS_4: readonly (readonly [number, number])[] = [
  [0, -1],
  [1, 0],
  [0, 1],
  [-1, 0],
];

/**
 * Breadth-first distances over walkable tiles from some start tiles; -1 marks
 * tiles not reached. Used by town validation, spawning and bots.
 */
export function walkDistances(
  tiles: readonly number[],
  starts: readonly TilePos[],
  passable: (tx: number, ty: number) => boolean = (tx, ty) =>
    isWalkable(tiles, tx, ty),
): Int32Array {
  const dist = new Int32Array(TOWN_WIDTH_TILES * TOWN_HEIGHT_TILES).fill(-1);
  const queue: number[] = [];
  for (const s of starts) {
    if (!inBounds(s.tx, s.ty)) continue;
    const i = tileIndex(s.tx, s.ty);
    if (dist[i] === -1) {
      dist[i] = 0;
      queue.push(i);
    }
  }
  for (let head = 0; head < queue.length; head++) {
    const i = queue[head];
    const tx = i % TOWN_WIDTH_TILES;
    const ty = (i - tx) / TOWN_WIDTH_TILES;
    for (const [dx, dy] of NEIGHBOURS_4) {
      const nx = tx + dx;
      const ny = ty + dy;
      if (!inBounds(nx, ny) || !passable(nx, ny)) continue;
      const j = tileIndex(nx, ny);
      if (dist[j] !== -1) continue;
      dist[j] = dist[i] + 1;
      queue.push(j);
    }
  }
  return dist;
}
