/**
 * The timeline: ONE queue of timed events (order attempts, deadlines), always
 * sorted by time, then by insertion. The original kept an unsorted queue and
 * only looked at its head, so orders stalled behind a later event.
 *
 * @module
 */

import type { GameState, TimelineEntry } from "./types.ts";

/**
 * Inserts an entry in order (binary search; equal times keep insertion order).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { schedule } from "./timeline.ts";
 * import type { TimelineEntry } from "./types.ts";
 * const s = { timeline: [] as TimelineEntry[], nextSeq: 0 };
 * schedule(s, 500, "deadline", 1);
 * schedule(s, 100, "spawn_order", -1);
 * assert.deepEqual(s.timeline.map((e) => e.atMs), [100, 500]);
 * ```
 */
export function schedule(
  state: Pick<GameState, "timeline" | "nextSeq">,
  atMs: number,
  kind: TimelineEntry["kind"],
  orderId: number,
): void {
  const entry: TimelineEntry = { atMs, seq: state.nextSeq++, kind, orderId };
  const list = state.timeline;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].atMs <= atMs) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, entry);
}

/** Removes and returns the first entry due at or before `nowMs`, or null. */
export function popDue(
  state: Pick<GameState, "timeline">,
  nowMs: number,
): TimelineEntry | null {
  const first = state.timeline[0];
  if (first === undefined || first.atMs > nowMs) return null;
  state.timeline.shift();
  return first;
}

/** Removes every deadline entry of one order. */
export function cancelDeadlines(
  state: Pick<GameState, "timeline">,
  orderId: number,
): void {
  state.timeline = state.timeline.filter((e) =>
    !(e.kind === "deadline" && e.orderId === orderId)
  );
}

/** Whether a timeline is sorted by (atMs, seq): an invariant tests check. */
export function isSorted(timeline: readonly TimelineEntry[]): boolean {
  for (let i = 1; i < timeline.length; i++) {
    const a = timeline[i - 1];
    const b = timeline[i];
    if (a.atMs > b.atMs || (a.atMs === b.atMs && a.seq > b.seq)) return false;
  }
  return true;
}
