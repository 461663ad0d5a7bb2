/**
 * What the phone's screen-reader region says when its view changes: the
 * differences between the last view and the next one, in short sentences
 * ("You picked up tomato", "Order delivered", "Game paused: waiting for
 * Ann"). Pure: the page puts the lines into its `aria-live` region.
 *
 * @module
 */
import type { PlayerView } from "../protocol/mod.ts";
import type { Translator } from "./translator.ts";

/** The part of a view the announcements read. */
export type AnnouncedView = Pick<
  PlayerView,
  "phase" | "backpack" | "money" | "outcome" | "pausedFor"
>;

/** How an item reads: "tomato", "baked dough + cheese". */
export function itemWords(
  item: Pick<
    PlayerView["backpack"][number],
    "ingredients" | "baked" | "burned"
  >,
  words: Translator,
): string {
  const names = item.ingredients.map((name) => words.t(`ing.${name}`)).join(
    " + ",
  );
  if (item.burned) return words.t("item.burned", { item: names });
  return item.baked ? words.t("item.baked", { item: names }) : names;
}

/**
 * The sentences to announce for a change of view, oldest first (none when
 * nothing worth saying changed; the first view announces only its phase).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { announcements } from "./announcements.ts";
 * import { Translator } from "./translator.ts";
 * const words = new Translator("en", {
 *   "say.picked": "You picked up {item}", "ing.tomato": "tomato",
 *   "say.paused": "Game paused: waiting for {names}",
 * });
 * const before = { phase: "playing" as const, backpack: [], money: 0 };
 * const tomato = { ingredients: ["tomato"], heat: 0, baked: false, burned: false };
 * assert.deepEqual(
 *   announcements(before, { ...before, backpack: [tomato] }, words),
 *   ["You picked up tomato"],
 * );
 * assert.deepEqual(
 *   announcements(before, { ...before, phase: "paused", pausedFor: ["Ann"] }, words),
 *   ["Game paused: waiting for Ann"],
 * );
 * ```
 */
export function announcements(
  before: AnnouncedView | null,
  next: AnnouncedView,
  words: Translator,
): string[] {
  const out: string[] = [];
  if (before?.phase !== next.phase) {
    if (next.phase === "paused") {
      const names = next.pausedFor?.length
        ? next.pausedFor
        : [words.t("say.someone")];
      out.push(words.t("say.paused", { names }));
    } else if (next.phase === "playing") {
      out.push(
        words.t(before?.phase === "paused" ? "say.resumed" : "say.started"),
      );
    } else if (next.phase === "over" && next.outcome) {
      out.push(words.t(next.outcome.won ? "say.won" : "say.over"));
    }
  }
  if (!before || before.phase === "lobby") return out;
  const had = new Map<string, number>();
  for (const item of before.backpack) {
    const key = itemWords(item, words);
    had.set(key, (had.get(key) ?? 0) + 1);
  }
  for (const item of next.backpack) {
    const key = itemWords(item, words);
    const left = had.get(key) ?? 0;
    if (left > 0) had.set(key, left - 1);
    else out.push(words.t("say.picked", { item: key }));
  }
  if (next.phase === "playing" && next.money > before.money) {
    out.push(words.t("say.delivered", { count: next.money - before.money }));
  }
  return out;
}
