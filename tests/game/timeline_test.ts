import assert from "node:assert/strict";
import {
  cancelDeadlines,
  isSorted,
  popDue,
  schedule,
} from "../../src/game/timeline.ts";
import type { TimelineEntry } from "../../src/game/types.ts";
import { nextInt } from "../../src/game/random.ts";

Deno.test("schedule() keeps ONE queue sorted by time (regression: unsorted queue stalled orders)", () => {
  const s = { timeline: [] as TimelineEntry[], nextSeq: 0 };
  const h = { rng: 4 };
  for (let i = 0; i < 500; i++) {
    schedule(s, nextInt(h, 0, 10_000), "deadline", i);
  }
  assert.ok(isSorted(s.timeline));
  // A late event first must not hold back an earlier one.
  const q = { timeline: [] as TimelineEntry[], nextSeq: 0 };
  schedule(q, 90_000, "deadline", 1);
  schedule(q, 2_000, "spawn_order", -1);
  assert.equal(popDue(q, 2_000)?.kind, "spawn_order");
  assert.equal(popDue(q, 2_000), null);
});

Deno.test("schedule() fires equal times in insertion order; cancelDeadlines() removes one order's", () => {
  const s = { timeline: [] as TimelineEntry[], nextSeq: 0 };
  schedule(s, 100, "deadline", 1);
  schedule(s, 100, "deadline", 2);
  schedule(s, 100, "spawn_order", -1);
  assert.deepEqual(s.timeline.map((e) => e.orderId), [1, 2, -1]);
  cancelDeadlines(s, 2);
  assert.deepEqual(s.timeline.map((e) => e.orderId), [1, -1]);
  assert.ok(isSorted(s.timeline));
  assert.equal(
    isSorted([{ atMs: 5, seq: 0, kind: "deadline", orderId: 0 }, {
      atMs: 1,
      seq: 1,
      kind: "deadline",
      orderId: 0,
    }]),
    false,
  );
});
