/**
 * The words of the buttons whose meaning the phone knows from the action's
 * id alone (start, play again, the levels, take an order, the car): said in
 * the phone's language. Other buttons keep the host's label.
 *
 * @module
 */
import type { PlayerView } from "../protocol/mod.ts";
import type { Translator } from "./translator.ts";

/** Ids whose words are `act.<id>`. */
export const WORDED_ACTIONS: ReadonlySet<string> = new Set([
  "start",
  "restart",
  "take_order",
  "enter_vehicle",
  "leave_vehicle",
]);

/**
 * A button's label in the phone's language, or the host's label when the
 * phone does not know the id.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { actionLabel } from "./action_words.ts";
 * import { Translator } from "./translator.ts";
 * const words = new Translator("nl", { "act.start": "Start spel", "level.1": "Kok" });
 * assert.equal(actionLabel({ id: "start", label: "Start game" }, 0, words), "Start spel");
 * assert.equal(actionLabel({ id: "difficulty:1", label: "Cook" }, 1, words), "Kok \u2713");
 * assert.equal(actionLabel({ id: "buy", label: "Buy dough for 4" }, 0, words), "Buy dough for 4");
 * ```
 */
export function actionLabel(
  action: Pick<PlayerView["actions"][number], "id" | "label">,
  difficulty: number,
  words: Translator,
): string {
  if (WORDED_ACTIONS.has(action.id)) return words.t(`act.${action.id}`);
  const level = /^difficulty:([0-3])$/.exec(action.id);
  if (level) {
    const name = words.t(`level.${level[1]}`);
    return Number(level[1]) === difficulty ? `${name} \u2713` : name;
  }
  return action.label;
}
