/**
 * The phone's order strip, without a DOM: the orders this player may carry
 * (sent by the host in the view), each with its house's label (as on the
 * TV), its pizza, whether it must be baked, and the time left counted from
 * the view's clock; the one this player took first and highlighted.
 *
 * @module
 */
import type { PlayerView } from "../protocol/mod.ts";
import type { Translator } from "./translator.ts";

/** One order as the strip draws it. */
export interface StripChip {
  /** The house's label, as on the TV ("7"). */
  house: string;
  /** The pizza's ingredients (empty while the order waits to be taken). */
  ingredients: string[];
  /** Whether it must be baked. */
  baked: boolean;
  /** Whether it still waits at the door to be taken. */
  ordering: boolean;
  /** Whether this player took it. */
  mine: boolean;
  /** Time left, "m:ss". */
  time: string;
  /** Whether the last part of its time (the hourglass) runs. */
  hurry: boolean;
  /** The chip in words, for screen readers. */
  words: string;
}

/**
 * The strip's chips for a view (none outside a round).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stripChips } from "./order_strip.ts";
 * import { Translator } from "./translator.ts";
 * const words = new Translator("en", {
 *   "strip.chip_mine": "House {house}: {what}, {time} left, yours",
 *   "item.baked": "baked {item}", "ing.dough": "dough", "ing.cheese": "cheese",
 * });
 * const [chip] = stripChips({
 *   phase: "playing",
 *   timeLeftMs: 200_000,
 *   orders: [{ house: "7", stage: "waiting", ingredients: ["dough", "cheese"], baked: true, dueLeftMs: 158_000, hurryMs: 30_000, mine: true }],
 * }, words);
 * assert.equal(chip.time, "0:42");
 * assert.equal(chip.words, "House 7: baked dough + cheese, 0:42 left, yours");
 * ```
 */
export function stripChips(
  view: Pick<PlayerView, "phase" | "timeLeftMs" | "orders">,
  words: Translator,
): StripChip[] {
  if (view.phase !== "playing" && view.phase !== "paused") return [];
  return (view.orders ?? []).map((o) => {
    const msLeft = Math.max(0, view.timeLeftMs - o.dueLeftMs);
    const s = Math.ceil(msLeft / 1000);
    const time = `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
    const ordering = o.stage === "ordering";
    const names = o.ingredients.map((name) => words.t(`ing.${name}`))
      .join(" + ");
    const what = ordering
      ? words.t("strip.to_take")
      : o.baked
      ? words.t("item.baked", { item: names })
      : names;
    return {
      house: o.house,
      ingredients: [...o.ingredients],
      baked: o.baked && !ordering,
      ordering,
      mine: o.mine,
      time,
      hurry: msLeft <= o.hurryMs,
      words: words.t(o.mine ? "strip.chip_mine" : "strip.chip", {
        house: o.house,
        what,
        time,
      }),
    };
  });
}
