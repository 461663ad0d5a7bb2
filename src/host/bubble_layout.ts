/**
 * Where the host screen draws the houses' order bubbles so that no two
 * overlap (GAME.md "name tags and bubbles never cover each other"). Each
 * bubble wants to sit right above its house with a short tail; when a
 * neighbour's bubble (placed earlier: older orders keep their place) or the
 * edge of the town is in the way, it moves sideways or up, and its tail
 * becomes a pointer from the bubble to the house. Store signs are avoided
 * when there is room elsewhere. Pure: the Phaser scene draws the result.
 *
 * @module
 */
import { type Rect, rectInside, rectsOverlap } from "./layout_rect.ts";

/** A bubble to place: the point its tail shows (the roof) and its box size. */
export interface BubbleBox {
  /** Point the tail shows, x (px). */
  anchorX: number;
  /** Point the tail shows, y (px). */
  anchorY: number;
  /** Width of the box. */
  w: number;
  /** Height of the box (the tail is drawn below it). */
  h: number;
}

/** Where a bubble's box is drawn, and where its tail leaves the box. */
export interface BubbleSpot extends Rect {
  /** Where the tail leaves the box's bottom edge, x. */
  tailX: number;
  /** Whether the box moved off its house: draw the tail as a pointer. */
  pointer: boolean;
}

/** Options of {@link placeBubbles}. */
export interface BubbleLayoutOptions {
  /** Where bubbles may be drawn (the visible town). */
  area: Rect;
  /** Rectangles to keep clear when there is room elsewhere (store signs). @default [] */
  avoid?: readonly Rect[];
  /** Length of the tail of a bubble right above its house, px. @default 12 */
  tailPx?: number;
}

/** Air kept between two bubbles, px. */
export const BUBBLE_GAP_PX = 4;
/** Step of the positions tried around the house, px. */
const STEP_PX = 8;
/** Farthest a bubble is tried from its wanted spot before scanning the whole area, px. */
const NEAR_PX = 200;
/** Tail x stays this far inside the box's ends, px. */
const TAIL_INSET_PX = 14;

/** Offsets tried around the wanted spot, cheapest first: sideways, up, down. */
const NEAR_OFFSETS: ReadonlyArray<readonly [number, number]> = (() => {
  const out: Array<[number, number, number]> = [];
  for (let dy = -NEAR_PX; dy <= NEAR_PX / 2; dy += STEP_PX) {
    for (let dx = -NEAR_PX; dx <= NEAR_PX; dx += STEP_PX) {
      out.push([dx, dy, Math.abs(dx) + Math.abs(dy) * (dy > 0 ? 3 : 1.5)]);
    }
  }
  return out.sort((a, b) => a[2] - b[2] || a[0] - b[0] || a[1] - b[1])
    .map(([dx, dy]) => [dx, dy] as const);
})();

/**
 * Places the bubbles in the order given (put older orders first: they keep
 * their spot). No two returned boxes overlap and each lies inside the area,
 * as long as the area has room for them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { placeBubbles } from "./bubble_layout.ts";
 * const area = { left: 0, top: 0, right: 600, bottom: 400 };
 * const [a, b] = placeBubbles([
 *   { anchorX: 200, anchorY: 200, w: 120, h: 50 },
 *   { anchorX: 230, anchorY: 200, w: 120, h: 50 },
 * ], { area });
 * assert.equal(a.pointer, false);
 * assert.equal(b.pointer, true);
 * assert.ok(b.left >= a.right || b.bottom <= a.top);
 * ```
 */
export function placeBubbles(
  bubbles: readonly BubbleBox[],
  options: BubbleLayoutOptions,
): BubbleSpot[] {
  const { area, avoid = [], tailPx = 12 } = options;
  const placed: Rect[] = [];
  return bubbles.map((bubble) => {
    const box = bestBox(bubble, area, avoid, placed, tailPx);
    placed.push(box);
    const tailX = Math.min(
      Math.max(bubble.anchorX, box.left + TAIL_INSET_PX),
      box.right - TAIL_INSET_PX,
    );
    const pointer = Math.abs(tailX - bubble.anchorX) > 0.5 ||
      bubble.anchorY - box.bottom > tailPx + 0.5;
    return { ...box, tailX, pointer };
  });
}

function boxAt(b: BubbleBox, centreX: number, bottom: number): Rect {
  return {
    left: centreX - b.w / 2,
    right: centreX + b.w / 2,
    top: bottom - b.h,
    bottom,
  };
}

/** The box moved inside the area (as far as it fits). */
function clampInto(r: Rect, area: Rect): Rect {
  const w = r.right - r.left;
  const h = r.bottom - r.top;
  const left = Math.max(area.left, Math.min(r.left, area.right - w));
  const top = Math.max(area.top, Math.min(r.top, area.bottom - h));
  return { left, top, right: left + w, bottom: top + h };
}

function bestBox(
  b: BubbleBox,
  area: Rect,
  avoid: readonly Rect[],
  placed: readonly Rect[],
  tailPx: number,
): Rect {
  const wanted = clampInto(boxAt(b, b.anchorX, b.anchorY - tailPx), area);
  const free = (r: Rect) =>
    rectInside(r, area) &&
    !placed.some((p) => rectsOverlap(r, p, BUBBLE_GAP_PX));
  const clear = (r: Rect) => !avoid.some((a) => rectsOverlap(r, a));
  // Near the house: sideways first, then up, then down past the roof.
  const near = NEAR_OFFSETS.map(([dx, dy]) =>
    clampInto({
      left: wanted.left + dx,
      right: wanted.right + dx,
      top: wanted.top + dy,
      bottom: wanted.bottom + dy,
    }, area)
  );
  const nice = near.find((r) => free(r) && clear(r));
  if (nice) return nice;
  const ok = near.find(free);
  if (ok) return ok;
  // Crowded: the free spot nearest to the house anywhere in the area.
  let best: Rect | null = null;
  let bestCost = Infinity;
  for (let top = area.top; top + b.h <= area.bottom; top += STEP_PX) {
    for (let left = area.left; left + b.w <= area.right; left += STEP_PX) {
      const r = { left, top, right: left + b.w, bottom: top + b.h };
      const cost = Math.hypot(left - wanted.left, top - wanted.top);
      if (cost < bestCost && free(r)) {
        best = r;
        bestCost = cost;
      }
    }
  }
  return best ?? wanted;
}
