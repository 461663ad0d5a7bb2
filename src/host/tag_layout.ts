/**
 * Where the host screen draws players' name tags so that no two overlap
 * (GAME.md "name tags and bubbles never cover each other"): a small pass run
 * every frame. Tags are placed from the lowest up; a tag that would overlap
 * one already placed moves up just above it, until it overlaps none.
 *
 * @module
 */

/** A tag to place: its centre x, wanted bottom y, width and height (px). */
export interface TagBox {
  /** Centre x (never moved). */
  x: number;
  /** Wanted bottom edge. */
  y: number;
  /** Width. */
  w: number;
  /** Height. */
  h: number;
}

/** Vertical gap kept between two stacked tags, px. */
export const TAG_GAP_PX = 2;

/**
 * The bottom y of each tag (same order as `tags`): the wanted y, or higher
 * when needed so that no two tags overlap. x never changes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { placeTags } from "./tag_layout.ts";
 * const tags = [{ x: 100, y: 50, w: 60, h: 20 }, { x: 110, y: 55, w: 60, h: 20 }];
 * assert.deepEqual(placeTags(tags), [33, 55]);
 * ```
 */
export function placeTags(tags: readonly TagBox[]): number[] {
  const order = tags.map((_, i) => i).sort((a, b) =>
    tags[b].y - tags[a].y || a - b
  );
  const out = tags.map((t) => t.y);
  const placed: number[] = [];
  for (const i of order) {
    const t = tags[i];
    let bottom = t.y;
    // Each move goes above a placed tag's top, so at most placed.length moves.
    for (let guard = 0; guard <= placed.length; guard++) {
      const hit = placed.find((j) => overlaps(t, bottom, tags[j], out[j]));
      if (hit === undefined) break;
      bottom = out[hit] - tags[hit].h - TAG_GAP_PX;
    }
    out[i] = bottom;
    placed.push(i);
  }
  return out;
}

function overlaps(a: TagBox, ay: number, b: TagBox, by: number): boolean {
  return Math.abs(a.x - b.x) * 2 < a.w + b.w &&
    ay > by - b.h - TAG_GAP_PX + 1e-9 && by > ay - a.h - TAG_GAP_PX + 1e-9;
}
