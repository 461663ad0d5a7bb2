/**
 * What the phone's screen-reader region says when its view changes: the
 * differences between the last view and the next one, in short sentences
 * ("You picked up tomato", "Order delivered", "Game paused: waiting for
 * Ann"). Pure: the page puts the lines into its `aria-live` region.
 *
 * @module
 */
import type { PlayerView } from "../protocol/mod.ts";

/** The part of a view the announcements read. */
export type AnnouncedView = Pick<
  PlayerView,
  "phase" | "backpack" | "money" | "outcome" | "pausedFor"
>;

/** How an item reads: "tomato", "baked dough + cheese". */
function itemWords(item: PlayerView["backpack"][number]): string {
  const state = item.burned ? "burned " : item.baked ? "baked " : "";
  return `${state}${item.ingredients.join(" + ")}`;
}

/** "Ann", "Ann and Bob", "Ann, Bob and Cy". */
function nameList(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? "a player";
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

/**
 * The sentences to announce for a change of view, oldest first (none when
 * nothing worth saying changed; the first view announces only its phase).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { announcements } from "./announcements.ts";
 * const before = { phase: "playing" as const, backpack: [], money: 0 };
 * const tomato = { ingredients: ["tomato"], heat: 0, baked: false, burned: false };
 * assert.deepEqual(
 *   announcements(before, { ...before, backpack: [tomato] }),
 *   ["You picked up tomato"],
 * );
 * assert.deepEqual(
 *   announcements(before, { ...before, phase: "paused", pausedFor: ["Ann"] }),
 *   ["Game paused: waiting for Ann"],
 * );
 * ```
 */
export function announcements(
  before: AnnouncedView | null,
  next: AnnouncedView,
): string[] {
  const out: string[] = [];
  if (before?.phase !== next.phase) {
    if (next.phase === "paused") {
      out.push(`Game paused: waiting for ${nameList(next.pausedFor ?? [])}`);
    } else if (next.phase === "playing") {
      out.push(before?.phase === "paused" ? "Game on again" : "Round started");
    } else if (next.phase === "over" && next.outcome) {
      out.push(next.outcome.won ? "Game over: you win!" : "Game over");
    }
  }
  if (!before || before.phase === "lobby") return out;
  const had = new Map<string, number>();
  for (const item of before.backpack) {
    const key = itemWords(item);
    had.set(key, (had.get(key) ?? 0) + 1);
  }
  for (const item of next.backpack) {
    const key = itemWords(item);
    const left = had.get(key) ?? 0;
    if (left > 0) had.set(key, left - 1);
    else out.push(`You picked up ${key}`);
  }
  if (next.phase === "playing" && next.money > before.money) {
    out.push(`Order delivered: ${next.money - before.money} coins`);
  }
  return out;
}
