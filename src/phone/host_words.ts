/**
 * The host's words in the phone's language: the host sends every word of a
 * view and every short message as data (a catalogue key with its parameters:
 * ingredient ids, an item, numbers, a level, an event id; see
 * `src/protocol/phone_words.ts`), and the phone says it from its own
 * catalogue. Numbers and counts go through `Intl` (the {@link Translator}).
 *
 * @module
 */
import type { PhoneWords, PlayerView } from "../protocol/mod.ts";
import { itemWords } from "./announcements.ts";
import type { Said, Translator } from "./translator.ts";

/**
 * The words of a {@link PhoneWords}: its key, with ingredient ids, items,
 * levels and events themselves said from the catalogue.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hostWords } from "./host_words.ts";
 * import { Translator } from "./translator.ts";
 * const words = new Translator("de", {
 *   "act.buy": "{ingredient} kaufen ({price})", "ing.cheese": "Käse",
 *   "say.delivered": { one: "Geliefert! +{count}", other: "Geliefert! +{count}" },
 * });
 * assert.equal(hostWords({ key: "act.buy", ingredient: "cheese", price: 3 }, words), "Käse kaufen (3)");
 * assert.equal(hostWords({ key: "say.delivered", count: 1200 }, words), "Geliefert! +1.200");
 * ```
 */
export function hostWords(say: PhoneWords, words: Translator): string {
  return words.say(said(say, words));
}

/** A {@link PhoneWords} as a {@link Said}, its parameters in words. */
function said(say: PhoneWords, words: Translator): Said {
  const params: Record<string, string | number> = {};
  if ("ingredient" in say) params.ingredient = words.t(`ing.${say.ingredient}`);
  if ("price" in say) params.price = say.price;
  if ("count" in say) params.count = say.count;
  if ("item" in say) {
    params.item = itemWords({
      ingredients: say.item.ingredients,
      baked: say.item.baked === true,
      burned: say.item.burned === true,
    }, words);
  }
  if ("level" in say) params.level = words.t(`level.${say.level}`);
  if ("event" in say) {
    params.title = words.t(`event.${say.event}`);
    params.blurb = words.t(`event.${say.event}.blurb`);
  }
  return { key: say.key, params };
}

/**
 * A button's label in the phone's language; the chosen level has a tick.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { actionLabel } from "./host_words.ts";
 * import { Translator } from "./translator.ts";
 * const words = new Translator("nl", { "act.start": "Start spel", "act.level": "{level}", "level.1": "Kok" });
 * assert.equal(actionLabel({ id: "start", say: { key: "act.start" } }, 0, words), "Start spel");
 * assert.equal(actionLabel({ id: "difficulty:1", say: { key: "act.level", level: 1 } }, 1, words), "Kok \u2713");
 * ```
 */
export function actionLabel(
  action: Pick<PlayerView["actions"][number], "id" | "say">,
  difficulty: number,
  words: Translator,
): string {
  const label = hostWords(action.say, words);
  const chosen = action.say.key === "act.level" &&
    action.say.level === difficulty;
  return chosen ? `${label} \u2713` : label;
}

/**
 * The line under a button saying more: what a difficulty level adds ("" for
 * other buttons).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { actionHint } from "./host_words.ts";
 * import { Translator } from "./translator.ts";
 * const words = new Translator("en", { "hint.level1": "Adds allergies" });
 * assert.equal(actionHint({ key: "act.level", level: 1 }, words), "Adds allergies");
 * assert.equal(actionHint({ key: "act.start" }, words), "");
 * ```
 */
export function actionHint(say: PhoneWords, words: Translator): string {
  return say.key === "act.level" ? words.t(`hint.level${say.level}`) : "";
}

/**
 * The allergy line: what the player may not carry and what the exemption
 * still allows, or "" without allergies.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { allergyLine } from "./host_words.ts";
 * import { Translator } from "./translator.ts";
 * const words = new Translator("en", {
 *   "allergy.rule_mixed": "Allergic to {names}, but you may carry mixed pizzas",
 *   "ing.dough": "dough", "ing.cheese": "cheese",
 * });
 * assert.equal(
 *   allergyLine({ allergies: ["dough", "cheese"], allergyExempt: "mixed" }, words),
 *   "Allergic to dough and cheese, but you may carry mixed pizzas",
 * );
 * assert.equal(allergyLine({ allergies: [] }, words), "");
 * ```
 */
export function allergyLine(
  view: Pick<PlayerView, "allergies" | "allergyExempt">,
  words: Translator,
): string {
  if (view.allergies.length === 0) return "";
  const names = view.allergies.map((name) => words.t(`ing.${name}`));
  return words.t(
    view.allergyExempt ? `allergy.rule_${view.allergyExempt}` : "allergy.list",
    { names },
  );
}

/** The event going on, as the line over the buttons says it ("" for none). */
export function eventLine(
  event: PlayerView["event"],
  words: Translator,
): string {
  return event ? hostWords({ key: "note.event", event }, words) : "";
}

/**
 * Why the round ended, with the round's figures.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { outcomeReason } from "./host_words.ts";
 * import { Translator } from "./translator.ts";
 * const words = new Translator("en", {
 *   "outcome.too_few_deliveries": "{pizzas} for {players} players: it takes {need}.",
 *   "stats.pizzas": { one: "{count} pizza", other: "{count} pizzas" },
 * });
 * assert.equal(
 *   outcomeReason({ won: false, reason: "too_few_deliveries", delivered: 1, players: 8, need: 4 }, words),
 *   "1 pizza for 8 players: it takes 4.",
 * );
 * ```
 */
export function outcomeReason(
  outcome: NonNullable<PlayerView["outcome"]>,
  words: Translator,
): string {
  return words.t(`outcome.${outcome.reason}`, {
    pizzas: words.t("stats.pizzas", { count: outcome.delivered }),
    players: outcome.players,
    need: outcome.need,
  });
}
