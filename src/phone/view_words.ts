/**
 * What the phone says about a view, without a DOM: the line under the name
 * (lobby, waiting for the next round, game over), the star grade, each
 * player's stats at game over, and which host actions become buttons (the
 * throw-away ones belong to the backpack slots instead).
 *
 * @module
 */
import type { PlayerView } from "../protocol/mod.ts";

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
 * import { phaseNote } from "./view_words.ts";
 * assert.equal(
 *   phaseNote({ phase: "over", vip: false, waiting: true }),
 *   "You joined at the end: you play from the next round.",
 * );
 * assert.equal(phaseNote({ phase: "playing", vip: false }), "");
 * ```
 */
export function phaseNote(
  view: Pick<PlayerView, "phase" | "vip" | "waiting">,
): string {
  if (view.phase === "lobby") {
    return view.vip
      ? "You are the VIP: pick a level and start when everyone is in!"
      : "Waiting for the VIP to start the game…";
  }
  if (view.phase === "over") {
    if (view.waiting) {
      return "You joined at the end: you play from the next round.";
    }
    return view.vip
      ? "Play again when everyone is ready."
      : "Waiting for the VIP to play again…";
  }
  if (view.phase === "paused") return "Paused: waiting for a phone to return…";
  return "";
}

/**
 * The game-over title.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { outcomeTitle } from "./view_words.ts";
 * assert.equal(outcomeTitle({ won: true, reason: "" }), "You win!");
 * ```
 */
export function outcomeTitle(
  outcome: NonNullable<PlayerView["outcome"]>,
): string {
  return outcome.won ? "You win!" : "Game over";
}

/**
 * The star grade as three stars, filled or not, and in words.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { starGrade } from "./view_words.ts";
 * assert.deepEqual(starGrade(2), { stars: "★★☆", words: "2 of 3 stars" });
 * ```
 */
export function starGrade(stars: number | undefined): {
  stars: string;
  words: string;
} {
  const n = Math.max(0, Math.min(3, Math.floor(stars ?? 0)));
  return {
    stars: "★".repeat(n) + "☆".repeat(3 - n),
    words: `${n} of 3 star${n === 1 ? "" : "s"}`,
  };
}

/**
 * One player's stats as short cells: deliveries, money earned, distance.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { statsCells } from "./view_words.ts";
 * assert.deepEqual(
 *   statsCells({ name: "Ann", color: "#ff0000", deliveries: 1, moneyEarned: 17, walkedTiles: 40, drivenTiles: 12 }),
 *   ["1 pizza", "17 coins", "52 tiles"],
 * );
 * ```
 */
export function statsCells(row: TeamRow): [string, string, string] {
  const pizzas = `${row.deliveries} pizza${row.deliveries === 1 ? "" : "s"}`;
  const coins = `${row.moneyEarned} coin${row.moneyEarned === 1 ? "" : "s"}`;
  const tiles = row.walkedTiles + row.drivenTiles;
  return [pizzas, coins, `${tiles} tile${tiles === 1 ? "" : "s"}`];
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
 * const map = discardBySlot([{ id: "buy", label: "Buy" }, { id: "discard:1", label: "Throw away dough" }]);
 * assert.equal(map.get(1)?.label, "Throw away dough");
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

/**
 * What to tell a player whose allergy rule changed mid-round (a drop-in made
 * the team bigger, so the exemption changed), or null: nothing changed, or
 * it is the start of a round (the phone shows the new line anyway).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { allergyChange } from "./view_words.ts";
 * const before = { phase: "playing" as const, allergyText: "Allergic to cheese, but you may carry mixed pizzas" };
 * const after = { phase: "playing" as const, allergyText: "Allergic to cheese, but you may carry the pizza with everything" };
 * assert.equal(allergyChange(before, after), "New allergy rule: Allergic to cheese, but you may carry the pizza with everything");
 * assert.equal(allergyChange({ phase: "lobby", allergyText: "" }, after), null);
 * ```
 */
export function allergyChange(
  before: Pick<PlayerView, "phase" | "allergyText"> | null,
  after: Pick<PlayerView, "phase" | "allergyText">,
): string | null {
  const inRound = (phase: PlayerView["phase"]) =>
    phase === "playing" || phase === "paused";
  if (!before || !inRound(before.phase) || !inRound(after.phase)) return null;
  const was = before.allergyText ?? "";
  const now = after.allergyText ?? "";
  if (was === now) return null;
  return now === ""
    ? "New allergy rule: you may carry everything now"
    : `New allergy rule: ${now}`;
}
