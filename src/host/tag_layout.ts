/**
 * Where the host screen draws players' name tags (GAME.md "name tags and
 * bubbles never cover each other"): each tag stays within one tile of its
 * chef's head, no two tags overlap, and no tag covers a store sign or an
 * order bubble. A pure pass run every frame:
 *
 * 1. Tags whose wanted spots (nearly) touch form a crowd.
 * 2. A crowd is placed tag by tag, lowest chef first, each at the free spot
 *    nearest to right above its head (sideways, a little higher, beside the
 *    head), preferring spots that leave every chef's body visible.
 * 3. When a crowd does not fit, all its tags shrink a step and it is placed
 *    again; from the first size without carried items, a crowd with no room
 *    for a tag each shows its names merged into one stack near all of its
 *    chefs instead. At the smallest size the names left without a spot
 *    stack, and a tag with no room even so is hidden (its chef still shows
 *    its colour) rather than drawn over something.
 *
 * @module
 */
import {
  distanceToRect,
  type Rect,
  rectInside,
  rectsOverlap,
} from "./layout_rect.ts";

/** A tag to place: its chef's head (where the tag wants to sit) and its size at full scale. */
export interface TagBox {
  /** Centre x of the head. */
  x: number;
  /** Top of the head: the tag's wanted bottom edge. */
  y: number;
  /** Width at full scale. */
  w: number;
  /** Height at full scale. */
  h: number;
  /** Height without the carried items shown above the name (crowds drop them). @default h */
  bareH?: number;
}

/** Where a tag is drawn: its centre x and bottom y, and its scale. */
export interface TagSpot {
  /** Centre x. */
  x: number;
  /** Bottom edge. */
  y: number;
  /** Scale of the tag (1, or smaller in a crowd). */
  scale: number;
  /** Whether the carried items are left out (a crowd): the tag is `bareH` high. */
  bare: boolean;
  /** Whether the tag found no free spot and is not drawn. */
  hidden: boolean;
  /**
   * Set when the tag is one line of a merged stack of names (a crowd with no
   * room for a tag each): the index of the stack's first tag. The stack as a
   * whole is within reach of each of its chefs.
   */
  stack?: number;
}

/** Options of {@link placeTags}. */
export interface TagLayoutOptions {
  /** How far a tag may be from its chef's head, px (one tile). @default 32 */
  reachPx?: number;
  /** Rectangles a tag never covers (store signs, order bubbles). @default [] */
  avoid?: readonly Rect[];
  /** Rectangles a tag covers only when nothing else is free (chefs' bodies). @default [] */
  prefer?: readonly Rect[];
  /** Where tags may be drawn (the visible town). @default unbounded */
  area?: Rect;
}

/** Gap kept between two neighbouring tags, px. */
export const TAG_GAP_PX = 2;

/** Sizes tried for a crowd, largest first: scale, and whether items are left out. */
export const TAG_SIZES: ReadonlyArray<{ scale: number; bare: boolean }> = [
  { scale: 1, bare: false },
  { scale: 0.82, bare: false },
  { scale: 0.82, bare: true },
  { scale: 0.68, bare: true },
  { scale: 0.56, bare: true },
  { scale: 0.46, bare: true },
];

/** Step of the positions tried around a head, px. */
const STEP_PX = 4;

const UNBOUNDED: Rect = {
  left: -Infinity,
  top: -Infinity,
  right: Infinity,
  bottom: Infinity,
};

/** The rectangle a tag covers at a spot. */
export function tagRect(
  tag: TagBox,
  spot: Pick<TagSpot, "x" | "y" | "scale" | "bare">,
): Rect {
  const w = tag.w * spot.scale;
  const h = (spot.bare ? tag.bareH ?? tag.h : tag.h) * spot.scale;
  return {
    left: spot.x - w / 2,
    right: spot.x + w / 2,
    top: spot.y - h,
    bottom: spot.y,
  };
}

/**
 * Where each tag is drawn (same order as `tags`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { placeTags } from "./tag_layout.ts";
 * const spots = placeTags([{ x: 100, y: 50, w: 60, h: 20 }, { x: 110, y: 55, w: 60, h: 20 }]);
 * assert.deepEqual(spots[1], { x: 110, y: 55, scale: 1, bare: false, hidden: false });
 * assert.ok(spots[0].y <= 33 || Math.abs(spots[0].x - 110) >= 62);
 * ```
 */
export function placeTags(
  tags: readonly TagBox[],
  options: TagLayoutOptions = {},
): TagSpot[] {
  const { reachPx = 32, avoid = [], prefer = [], area = UNBOUNDED } = options;
  const out: TagSpot[] = tags.map((t) => ({
    x: t.x,
    y: t.y,
    scale: 1,
    bare: false,
    hidden: true,
  }));
  // Tags of crowds placed earlier: later crowds keep clear of them.
  const taken: Rect[] = [];
  for (const crowd of crowds(tags, reachPx)) {
    for (const [i, size] of TAG_SIZES.entries()) {
      const last = i === TAG_SIZES.length - 1;
      const spots = placeCrowd(tags, crowd, size, taken, {
        reachPx,
        avoid,
        prefer,
        area,
        last,
      });
      if (
        last || spots.length === crowd.length && spots.every((s) => !s.hidden)
      ) {
        crowd.forEach((j, k) => {
          out[j] = spots[k];
          if (!spots[k].hidden) taken.push(tagRect(tags[j], spots[k]));
        });
        break;
      }
    }
  }
  return out;
}

/**
 * Groups of tags whose wanted spots touch or nearly do, each lowest chef
 * first; crowds come lowest first too, and a later crowd keeps off the spots
 * an earlier one took.
 */
function crowds(tags: readonly TagBox[], reach: number): number[][] {
  const parent = tags.map((_, i) => i);
  const root = (i: number): number =>
    parent[i] === i ? i : (parent[i] = root(parent[i]));
  for (let i = 0; i < tags.length; i++) {
    for (let j = i + 1; j < tags.length; j++) {
      const a = tags[i];
      const b = tags[j];
      // Wanted spots (nearly) on top of each other: a crowd shrinks as one.
      const near = Math.abs(a.x - b.x) < (a.w + b.w) / 2 + reach / 2 &&
        Math.abs(a.y - b.y) < (a.h + b.h) / 2 + reach / 2;
      if (near) parent[root(i)] = root(j);
    }
  }
  const groups = new Map<number, number[]>();
  tags.forEach((_, i) => {
    const r = root(i);
    groups.set(r, [...(groups.get(r) ?? []), i]);
  });
  const lowestFirst = (a: number, b: number) =>
    tags[b].y - tags[a].y || tags[a].x - tags[b].x || a - b;
  return [...groups.values()].map((g) => g.sort(lowestFirst))
    .sort((g, h) => lowestFirst(g[0], h[0]));
}

function placeCrowd(
  tags: readonly TagBox[],
  crowd: readonly number[],
  size: { scale: number; bare: boolean },
  taken: readonly Rect[],
  o: Required<Omit<TagLayoutOptions, "area">> & { area: Rect; last: boolean },
): TagSpot[] {
  const placed: Rect[] = [...taken];
  const out: TagSpot[] = [];
  const { scale, bare } = size;
  const heightOf = (t: TagBox) => (bare ? t.bareH ?? t.h : t.h) * scale;
  let failed = false;
  for (const j of crowd) {
    const tag = tags[j];
    const w = tag.w * scale;
    const rect = freeRect(tag, w, heightOf(tag), [tag], placed, o);
    if (!rect) {
      out.push({ x: tag.x, y: tag.y, scale, bare, hidden: true });
      failed = true;
      // A stack or a smaller size follows: no need to place the rest.
      if (!o.last) break;
      continue;
    }
    placed.push(rect);
    out.push({
      x: (rect.left + rect.right) / 2,
      y: rect.bottom,
      scale,
      bare,
      hidden: false,
    });
  }
  if (!failed) return out;
  // No room for a tag each: the crowd's names merge into one stack near all
  // of their chefs (names only, so from the first size without items).
  if (bare && crowd.length > 1) {
    const whole = stack(crowd.map((_, k) => k), taken);
    if (whole) return whole;
  }
  if (!o.last) return out;
  // Smallest size and still no room: only the names left over merge.
  const left = crowd.flatMap((_, k) => out[k].hidden ? [k] : []);
  return (left.length > 1 && stack(left, placed)) || out;

  /** `out` with the tags at `ks` (crowd positions) stacked, or null. */
  function stack(ks: number[], around: readonly Rect[]): TagSpot[] | null {
    const members = ks.map((k) => tags[crowd[k]]);
    const w = Math.max(...members.map((t) => t.w * scale));
    const h = members.reduce((sum, t) => sum + heightOf(t), 0) +
      TAG_GAP_PX * (members.length - 1);
    const anchor = {
      x: members.reduce((sum, t) => sum + t.x, 0) / members.length,
      y: Math.min(...members.map((t) => t.y)),
    };
    const rect = freeRect(anchor, w, h, members, around, o);
    if (!rect) return null;
    const spots = [...out];
    let bottom = rect.bottom;
    ks.forEach((k, n) => {
      spots[k] = {
        x: (rect.left + rect.right) / 2,
        y: bottom,
        scale,
        bare,
        hidden: false,
        stack: crowd[ks[0]],
      };
      bottom -= heightOf(members[n]) + TAG_GAP_PX;
    });
    return spots;
  }
}

/**
 * The cheapest free rectangle of `w` x `h` whose bottom centre is near
 * `anchor`, within reach of every one of `heads`, or null.
 */
function freeRect(
  anchor: { x: number; y: number },
  w: number,
  h: number,
  heads: ReadonlyArray<{ x: number; y: number }>,
  placed: readonly Rect[],
  o: Required<Omit<TagLayoutOptions, "area">> & { area: Rect },
): Rect | null {
  // Only what can be reached from the anchor matters.
  const region = {
    left: anchor.x - w - o.reachPx,
    right: anchor.x + w + o.reachPx,
    top: anchor.y - h - o.reachPx,
    bottom: anchor.y + h + o.reachPx,
  };
  const near = (r: Rect) => rectsOverlap(r, region, TAG_GAP_PX);
  const others = placed.filter(near);
  const avoid = o.avoid.filter(near);
  const prefer = o.prefer.filter(near);
  let best: Rect | null = null;
  let bestCost = Infinity;
  for (const [dx, dy] of offsets(w, h, o.reachPx)) {
    // offsets() is sorted by cost: nothing later beats a clear spot
    let cost = Math.abs(dx) + Math.abs(dy) * (dy > 0 ? 2.5 : 1.2);
    if (cost >= bestCost) break;
    const x = anchor.x + dx;
    const y = anchor.y + dy;
    const rect = { left: x - w / 2, right: x + w / 2, top: y - h, bottom: y };
    if (!rectInside(rect, o.area)) continue;
    if (
      heads.some((t) => distanceToRect(t.x, t.y, rect) > o.reachPx + 1e-9)
    ) continue;
    if (others.some((p) => rectsOverlap(rect, p, TAG_GAP_PX))) continue;
    if (avoid.some((a) => rectsOverlap(rect, a))) continue;
    if (prefer.some((p) => rectsOverlap(rect, p))) cost += 1_000;
    if (cost < bestCost) {
      best = rect;
      bestCost = cost;
    }
  }
  return best;
}

const offsetCache = new Map<string, ReadonlyArray<readonly [number, number]>>();

/**
 * Offsets of a tag's bottom centre from the head that keep the tag within
 * `reach` of it, cheapest first (right above, then sideways, then up, then
 * beside the head).
 */
function offsets(
  w: number,
  h: number,
  reach: number,
): ReadonlyArray<readonly [number, number]> {
  const key = `${Math.round(w)}x${Math.round(h)}@${reach}`;
  const known = offsetCache.get(key);
  if (known) return known;
  const out: Array<[number, number, number]> = [];
  const maxDx = Math.ceil((w / 2 + reach) / STEP_PX) * STEP_PX;
  const maxDown = Math.ceil((h + reach) / STEP_PX) * STEP_PX;
  for (let dy = -reach; dy <= maxDown; dy += STEP_PX) {
    for (let dx = -maxDx; dx <= maxDx; dx += STEP_PX) {
      const cost = Math.abs(dx) + Math.abs(dy) * (dy > 0 ? 2.5 : 1.2);
      out.push([dx, dy, cost]);
    }
  }
  const sorted = out.sort((a, b) => a[2] - b[2] || a[0] - b[0] || a[1] - b[1])
    .map(([dx, dy]) => [dx, dy] as const);
  if (offsetCache.size > 256) offsetCache.clear();
  offsetCache.set(key, sorted);
  return sorted;
}
