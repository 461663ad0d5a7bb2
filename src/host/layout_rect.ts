/**
 * Axis-aligned rectangles in world px, shared by the host screen's layout
 * passes (order bubbles, name tags): overlap and distance, nothing else.
 *
 * @module
 */

/** A rectangle: left, top, right, bottom edges (px, y grows downwards). */
export interface Rect {
  /** Left edge. */
  left: number;
  /** Top edge. */
  top: number;
  /** Right edge. */
  right: number;
  /** Bottom edge. */
  bottom: number;
}

/**
 * Whether two rectangles overlap by more than touching, with `gap` px of air
 * required between them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rectsOverlap } from "./layout_rect.ts";
 * const a = { left: 0, top: 0, right: 10, bottom: 10 };
 * assert.equal(rectsOverlap(a, { left: 10, top: 0, right: 20, bottom: 10 }), false);
 * assert.equal(rectsOverlap(a, { left: 9, top: 9, right: 20, bottom: 20 }), true);
 * ```
 */
export function rectsOverlap(a: Rect, b: Rect, gap = 0): boolean {
  return a.left < b.right + gap - 1e-9 && b.left < a.right + gap - 1e-9 &&
    a.top < b.bottom + gap - 1e-9 && b.top < a.bottom + gap - 1e-9;
}

/**
 * Distance from a point to the nearest point of a rectangle (0 inside it).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { distanceToRect } from "./layout_rect.ts";
 * const r = { left: 0, top: 0, right: 10, bottom: 10 };
 * assert.equal(distanceToRect(5, 5, r), 0);
 * assert.equal(distanceToRect(13, 14, r), 5);
 * ```
 */
export function distanceToRect(x: number, y: number, r: Rect): number {
  const dx = Math.max(r.left - x, 0, x - r.right);
  const dy = Math.max(r.top - y, 0, y - r.bottom);
  return Math.hypot(dx, dy);
}

/** Whether `inner` lies inside `outer` (edges may touch). */
export function rectInside(inner: Rect, outer: Rect): boolean {
  return inner.left >= outer.left - 1e-9 && inner.right <= outer.right + 1e-9 &&
    inner.top >= outer.top - 1e-9 && inner.bottom <= outer.bottom + 1e-9;
}
