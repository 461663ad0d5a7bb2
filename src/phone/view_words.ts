/**
 * What the phone says about a view, without a DOM: the line under the name
 * (lobby, waiting for the next round, game over), the star grade, each
 * player's stats at game over, and which host actions become buttons (the
 * throw-away ones belong to the backpack slots instead).
 *
 * @module
 */
import type { PlayerView } from "../protocol/mod.ts";
import { allergyLine } from "./host_words.ts";
import type { Translator } from "./translator.ts";

/** One context action of a view. */
export type ViewAction = PlayerView["actions"][number];
/** One row of the team's stats at game over. */
export type TeamRow = NonNullable<PlayerView["team"]>[number];

/** Prefix of the throw-away action ids (`discard:<slot>`). */
export const DISCARD_PREFIX = "discard:";

/**
 * The note the phone shows above its buttons, or "" for none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Translator } from "./translator.ts";
 * import { phaseNote } from "./view_words.ts";
 * const words = new Translator("en", { "phase.waiting": "From the next round." });
 * assert.equal(
 *   phaseNote({ phase: "over", vip: false, waiting: true }, words),
 *   "From the next round.",
 * );
 * assert.equal(phaseNote({ phase: "playing", vip: false }, words), "");
 * ```
 */
export function phaseNote(
  view: Pick<PlayerView, "phase" | "vip" | "waiting">,
  words: Translator,
): string {
  if (view.phase === "lobby") {
    return words.t(view.vip ? "phase.vip_lobby" : "phase.lobby");
  }
  if (view.phase === "over") {
    if (view.waiting) return words.t("phase.waiting");
    return words.t(view.vip ? "phase.vip_over" : "phase.over");
  }
  if (view.phase === "paused") return words.t("phase.paused");
  return "";
}

/**
 * The game-over title.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Translator } from "./translator.ts";
 * import { outcomeTitle } from "./view_words.ts";
 * const words = new Translator("nl", { "outcome.win": "Gewonnen!" });
 * assert.equal(outcomeTitle({ won: true }, words), "Gewonnen!");
 * ```
 */
export function outcomeTitle(
  outcome: Pick<NonNullable<PlayerView["outcome"]>, "won">,
  words: Translator,
): string {
  return words.t(outcome.won ? "outcome.win" : "outcome.over");
}

/**
 * The star grade as three stars, filled or not, and in words.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Translator } from "./translator.ts";
 * import { starGrade } from "./view_words.ts";
 * const words = new Translator("en", { stars: "{count} of 3 stars" });
 * assert.deepEqual(starGrade(2, words), { stars: "★★☆", words: "2 of 3 stars" });
 * ```
 */
export function starGrade(stars: number | undefined, words: Translator): {
  stars: string;
  words: string;
} {
  const n = Math.max(0, Math.min(3, Math.floor(stars ?? 0)));
  return {
    stars: "★".repeat(n) + "☆".repeat(3 - n),
    words: words.t("stars", { count: n }),
  };
}

/**
 * One player's stats as short cells: deliveries, money earned, distance.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Translator } from "./translator.ts";
 * import { statsCells } from "./view_words.ts";
 * const words = new Translator("en", {
 *   "stats.pizzas": { one: "{count} pizza", other: "{count} pizzas" },
 *   "stats.coins": { one: "{count} coin", other: "{count} coins" },
 *   "stats.tiles": { one: "{count} tile", other: "{count} tiles" },
 * });
 * assert.deepEqual(
 *   statsCells({ name: "Ann", color: "#ff0000", deliveries: 1, moneyEarned: 17, walkedTiles: 40, drivenTiles: 12 }, words),
 *   ["1 pizza", "17 coins", "52 tiles"],
 * );
 * ```
 */
export function statsCells(
  row: TeamRow,
  words: Translator,
): [string, string, string] {
  return [
    words.t("stats.pizzas", { count: row.deliveries }),
    words.t("stats.coins", { count: row.moneyEarned }),
    words.t("stats.tiles", { count: row.walkedTiles + row.drivenTiles }),
  ];
}

/** Whether an action is a throw-away one (bound to a backpack slot). */
export function isDiscard(action: ViewAction): boolean {
  return action.id.startsWith(DISCARD_PREFIX);
}

/**
 * The throw-away action of each backpack slot, by slot index.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { discardBySlot } from "./view_words.ts";
 * const map = discardBySlot([
 *   { id: "buy", say: { key: "act.buy", ingredient: "dough", price: 4 } },
 *   { id: "discard:1", say: { key: "backpack.throw", item: { ingredients: ["dough"] } } },
 * ]);
 * assert.equal(map.get(1)?.id, "discard:1");
 * assert.equal(map.has(0), false);
 * ```
 */
export function discardBySlot(
  actions: readonly ViewAction[],
): Map<number, ViewAction> {
  const out = new Map<number, ViewAction>();
  for (const action of actions) {
    if (!isDiscard(action)) continue;
    const slot = Number(action.id.slice(DISCARD_PREFIX.length));
    if (Number.isInteger(slot) && slot >= 0) out.set(slot, action);
  }
  return out;
}

/** The actions drawn as buttons: all but the throw-away ones. */
export function buttonActions(actions: readonly ViewAction[]): ViewAction[] {
  return actions.filter((action) => !isDiscard(action));
}

/** The part of a view the allergy rule is read from. */
type AllergyPart = Pick<PlayerView, "phase" | "allergies" | "allergyExempt">;

/**
 * What to tell a player whose allergy rule changed mid-round (a drop-in made
 * the team bigger, so the exemption changed), or null: nothing changed, or
 * it is the start of a round (the phone shows the new line anyway).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Translator } from "./translator.ts";
 * import { allergyChange } from "./view_words.ts";
 * const words = new Translator("en", {
 *   "allergy.new": "New allergy rule: {rule}", "ing.cheese": "cheese",
 *   "allergy.rule_mixed": "Allergic to {names}, but you may carry mixed pizzas",
 *   "allergy.rule_everything": "Allergic to {names}, but you may carry the pizza with everything",
 * });
 * const before = { phase: "playing" as const, allergies: ["cheese"], allergyExempt: "mixed" as const };
 * const after = { ...before, allergyExempt: "everything" as const };
 * assert.equal(allergyChange(before, after, words), "New allergy rule: Allergic to cheese, but you may carry the pizza with everything");
 * assert.equal(allergyChange({ phase: "lobby", allergies: [] }, after, words), null);
 * ```
 */
export function allergyChange(
  before: AllergyPart | null,
  after: AllergyPart,
  words: Translator,
): string | null {
  const inRound = (phase: PlayerView["phase"]) =>
    phase === "playing" || phase === "paused";
  if (!before || !inRound(before.phase) || !inRound(after.phase)) return null;
  const was = allergyLine(before, words);
  const now = allergyLine(after, words);
  if (was === now) return null;
  return now === ""
    ? words.t("allergy.new_free")
    : words.t("allergy.new", { rule: now });
}
