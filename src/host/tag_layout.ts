/**
 * Where the host screen draws players' name tags so that no two overlap
 * (GAME.md "name tags and bubbles never cover each other"): a small pass run
 * every frame, in two steps.
 *
 * 1. Bunches: four or more players standing on nearly one spot (the start of
 *    a round, a crowded store) get their tags in a compact grid centred over
 *    the bunch, lower players in lower rows and left players in left columns,
 *    instead of one tall column that reaches far above their heads.
 * 2. Overlaps: tags are then placed from the lowest up; a tag that would
 *    overlap one already placed moves up just above it, until it overlaps
 *    none. Tags that do not touch stay where they are.
 *
 * @module
 */

/** A tag to place: its centre x, wanted bottom y, width and height (px). */
export interface TagBox {
  /** Wanted centre x (over the player's head). */
  x: number;
  /** Wanted bottom edge. */
  y: number;
  /** Width. */
  w: number;
  /** Height. */
  h: number;
}

/** Where a tag is drawn: its centre x and bottom y (px). */
export interface TagSpot {
  /** Centre x. */
  x: number;
  /** Bottom edge. */
  y: number;
}

/** Gap kept between two neighbouring tags, px. */
export const TAG_GAP_PX = 2;

/** How many tags on nearly one spot make a bunch laid out as a grid. */
export const BUNCH_MIN_TAGS = 4;

/**
 * Where each tag is drawn (same order as `tags`): at its wanted spot, in a
 * grid over its bunch, and higher when needed so that no two tags overlap.
 * A tag never goes below its wanted bottom.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { placeTags } from "./tag_layout.ts";
 * const tags = [{ x: 100, y: 50, w: 60, h: 20 }, { x: 110, y: 55, w: 60, h: 20 }];
 * assert.deepEqual(placeTags(tags), [{ x: 100, y: 33 }, { x: 110, y: 55 }]);
 * ```
 */
export function placeTags(tags: readonly TagBox[]): TagSpot[] {
  return resolveOverlaps(tags, arrangeBunches(tags));
}

/** Wanted spots, with each bunch of tags set out as a grid. */
function arrangeBunches(tags: readonly TagBox[]): TagSpot[] {
  const spots = tags.map((t) => ({ x: t.x, y: t.y }));
  const order = lowestFirst(tags.map((t) => t.y));
  const taken = new Set<number>();
  for (const seed of order) {
    if (taken.has(seed)) continue;
    const s = tags[seed];
    const bunch = order.filter((j) =>
      !taken.has(j) &&
      Math.abs(tags[j].x - s.x) * 4 < s.w + tags[j].w &&
      Math.abs(tags[j].y - s.y) < s.h
    );
    if (bunch.length < BUNCH_MIN_TAGS) continue;
    for (const j of bunch) taken.add(j);
    layGrid(tags, bunch, spots);
  }
  return spots;
}

/**
 * Lays `bunch` (lowest first) out in rows of up to three columns, centred on
 * the bunch's mean x, rows stacked upwards from the bunch's lowest tags.
 */
function layGrid(
  tags: readonly TagBox[],
  bunch: readonly number[],
  spots: TagSpot[],
): void {
  const columns = Math.min(3, Math.ceil(bunch.length / 3));
  const columnWidth = Math.max(...bunch.map((j) => tags[j].w)) + TAG_GAP_PX;
  const centre = bunch.reduce((sum, j) => sum + tags[j].x, 0) / bunch.length;
  let bottom = Math.max(...bunch.map((j) => tags[j].y));
  for (let first = 0; first < bunch.length; first += columns) {
    const row = bunch.slice(first, first + columns)
      .sort((a, b) => tags[a].x - tags[b].x || a - b);
    // A row sits no lower than the highest wanted bottom in it.
    bottom = Math.min(bottom, ...row.map((j) => tags[j].y));
    row.forEach((j, column) => {
      spots[j] = {
        x: centre + (column - (row.length - 1) / 2) * columnWidth,
        y: bottom,
      };
    });
    bottom -= Math.max(...row.map((j) => tags[j].h)) + TAG_GAP_PX;
  }
}

/** Moves tags up, lowest placed first, until no two overlap. */
function resolveOverlaps(
  tags: readonly TagBox[],
  wanted: readonly TagSpot[],
): TagSpot[] {
  const out = wanted.map((s) => ({ ...s }));
  const placed: number[] = [];
  for (const i of lowestFirst(wanted.map((s) => s.y))) {
    const t = tags[i];
    // Each move goes above a placed tag's top, so at most placed.length moves.
    for (let guard = 0; guard <= placed.length; guard++) {
      const hit = placed.find((j) => overlaps(t, out[i], tags[j], out[j]));
      if (hit === undefined) break;
      out[i].y = out[hit].y - tags[hit].h - TAG_GAP_PX;
    }
    placed.push(i);
  }
  return out;
}

/** Indices by bottom, lowest on screen (largest y) first; ties by index. */
function lowestFirst(bottoms: readonly number[]): number[] {
  return bottoms.map((_, i) => i).sort((a, b) =>
    bottoms[b] - bottoms[a] || a - b
  );
}

function overlaps(a: TagBox, as: TagSpot, b: TagBox, bs: TagSpot): boolean {
  return Math.abs(as.x - bs.x) * 2 < a.w + b.w &&
    as.y > bs.y - b.h - TAG_GAP_PX + 1e-9 &&
    bs.y > as.y - a.h - TAG_GAP_PX + 1e-9;
}
