/**
 * Kitchen layout: walls around a rectangle, openings in the top and/or bottom
 * wall, three ovens against walls and three tables. Random layouts are tried a
 * bounded number of times; a fixed layout that is always valid is the
 * fallback, so generation never loops forever and never throws.
 *
 * @module
 */

import {
  KITCHEN_LAYOUT_ATTEMPTS,
  OVENS_PER_KITCHEN,
  TABLES_PER_KITCHEN,
} from "./constants.ts";
import { chance, nextInt, type RngHolder, shuffled } from "./random.ts";
import type { TilePos } from "./tiles.ts";

/** A rectangle of tiles. */
export interface TileRect {
  /** Left column. */
  tx: number;
  /** Top row. */
  ty: number;
  /** Width in tiles. */
  w: number;
  /** Height in tiles. */
  h: number;
}

/** Smallest kitchen width in tiles (walls included). */
export const MIN_KITCHEN_WIDTH_TILES = 7;
/** Smallest kitchen height in tiles (walls included). */
export const MIN_KITCHEN_HEIGHT_TILES = 5;

/** Where the walls open and the stations stand, in town tile coordinates. */
export interface KitchenLayout {
  /** Wall tiles replaced by floor; each lies in the top or bottom wall. */
  openings: TilePos[];
  /** Oven tiles (inside, against a wall). */
  ovens: TilePos[];
  /** Table tiles (inside). */
  tables: TilePos[];
  /** True when the random attempts all failed and the fixed layout was used. */
  fallback: boolean;
}

/**
 * Lays out a kitchen inside `rect` (at least 7 x 5 tiles, walls included).
 *
 * @param rect the kitchen's outer rectangle; the rows above and below it must be road
 * @param holder PRNG state, advanced in place
 * @param attempts random layouts to try before the fixed fallback
 * @returns a layout for which {@link isValidKitchenLayout} holds
 */
export function layoutKitchen(
  rect: TileRect,
  holder: RngHolder,
  attempts: number = KITCHEN_LAYOUT_ATTEMPTS,
): KitchenLayout {
  for (let i = 0; i < attempts; i++) {
    const layout = randomLayout(rect, holder);
    if (isValidKitchenLayout(rect, layout)) return layout;
  }
  return fallbackLayout(rect);
}

/** The fixed layout: ovens along the back wall, tables in the front row, a wide door. */
export function fallbackLayout(rect: TileRect): KitchenLayout {
  const ix = rect.tx + 1;
  const iy = rect.ty + 1;
  const iw = rect.w - 2;
  const ih = rect.h - 2;
  return {
    openings: [
      { tx: ix + iw - 2, ty: rect.ty + rect.h - 1 },
      { tx: ix + iw - 1, ty: rect.ty + rect.h - 1 },
    ],
    ovens: [0, 2, 4].map((dx) => ({ tx: ix + dx, ty: iy })),
    tables: [0, 1, 2].map((dx) => ({ tx: ix + dx, ty: iy + ih - 1 })),
    fallback: true,
  };
}

function randomLayout(rect: TileRect, holder: RngHolder): KitchenLayout {
  const ix = rect.tx + 1;
  const iy = rect.ty + 1;
  const iw = rect.w - 2;
  const ih = rect.h - 2;
  const openings: TilePos[] = [];
  const side = nextInt(holder, 0, 2); // 0 top, 1 bottom, 2 both
  for (const wallRow of [rect.ty, rect.ty + rect.h - 1]) {
    const isTop = wallRow === rect.ty;
    if ((isTop && side === 1) || (!isTop && side === 0)) continue;
    const width = chance(holder, 0.6) ? 2 : 1;
    const start = nextInt(holder, 0, iw - width);
    for (let k = 0; k < width; k++) {
      openings.push({ tx: ix + start + k, ty: wallRow });
    }
  }
  const interior: TilePos[] = [];
  for (let y = iy; y < iy + ih; y++) {
    for (let x = ix; x < ix + iw; x++) interior.push({ tx: x, ty: y });
  }
  const nearOpening = (p: TilePos) =>
    openings.some((o) => Math.abs(o.tx - p.tx) + Math.abs(o.ty - p.ty) <= 1);
  const againstWall = (p: TilePos) =>
    p.tx === ix || p.tx === ix + iw - 1 || p.ty === iy || p.ty === iy + ih - 1;
  const free = shuffled(holder, interior.filter((p) => !nearOpening(p)));
  const ovens = free.filter(againstWall).slice(0, OVENS_PER_KITCHEN);
  const tables = free.filter((p) => !ovens.includes(p)).slice(
    0,
    TABLES_PER_KITCHEN,
  );
  return { openings, ovens, tables, fallback: false };
}

/**
 * Checks a layout: the right station counts, stations inside and distinct,
 * openings in the top/bottom wall, every floor tile reachable from an opening
 * and every station next to reachable floor.
 */
export function isValidKitchenLayout(
  rect: TileRect,
  layout: KitchenLayout,
): boolean {
  const ix = rect.tx + 1;
  const iy = rect.ty + 1;
  const iw = rect.w - 2;
  const ih = rect.h - 2;
  if (iw < 1 || ih < 1) return false;
  if (
    layout.ovens.length !== OVENS_PER_KITCHEN ||
    layout.tables.length !== TABLES_PER_KITCHEN || layout.openings.length === 0
  ) return false;
  const inside = (p: TilePos) =>
    p.tx >= ix && p.tx < ix + iw && p.ty >= iy && p.ty < iy + ih;
  const stations = [...layout.ovens, ...layout.tables];
  if (!stations.every(inside)) return false;
  const key = (p: TilePos) => `${p.tx},${p.ty}`;
  const blocked = new Set(stations.map(key));
  if (blocked.size !== stations.length) return false;
  for (const o of layout.openings) {
    const inWall = o.ty === rect.ty || o.ty === rect.ty + rect.h - 1;
    if (!inWall || o.tx < ix || o.tx >= ix + iw) return false;
  }
  // Flood the interior from the tiles just inside each opening.
  const seen = new Set<string>();
  const queue: TilePos[] = [];
  for (const o of layout.openings) {
    const inner = { tx: o.tx, ty: o.ty === rect.ty ? iy : iy + ih - 1 };
    if (blocked.has(key(inner))) return false;
    if (!seen.has(key(inner))) {
      seen.add(key(inner));
      queue.push(inner);
    }
  }
  for (let head = 0; head < queue.length; head++) {
    const p = queue[head];
    for (const [dx, dy] of [[0, -1], [1, 0], [0, 1], [-1, 0]]) {
      const n = { tx: p.tx + dx, ty: p.ty + dy };
      if (!inside(n) || blocked.has(key(n)) || seen.has(key(n))) continue;
      seen.add(key(n));
      queue.push(n);
    }
  }
  if (seen.size !== iw * ih - stations.length) return false;
  return stations.every((s) =>
    [[0, -1], [1, 0], [0, 1], [-1, 0]].some(([dx, dy]) =>
      seen.has(key({ tx: s.tx + dx, ty: s.ty + dy }))
    )
  );
}
