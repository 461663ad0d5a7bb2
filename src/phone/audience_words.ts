/**
 * What an audience phone says: the game's numbers, the event going on, the
 * open orders, and the reactions' emoji, in the phone's language (catalogue
 * keys `watch.*`); the host sends events, vote options and orders as ids,
 * and the phone words them from its catalogue too. Pure functions, so the
 * words are tested without a page.
 *
 * @module
 */
import {
  type AudienceView,
  INGREDIENT_IDS,
  type ReactionKind,
  TOWN_IDS,
  type VotePromptView,
} from "../protocol/mod.ts";
import { itemWords } from "./announcements.ts";
import type { Translator } from "./translator.ts";

/** The emoji of each reaction. */
export const REACTION_EMOJI: Readonly<Record<ReactionKind, string>> = {
  cheer: "😀",
  laugh: "😂",
  wow: "😮",
  love: "😍",
  yum: "😋",
};

/**
 * Round time as m:ss, rounded up to the second.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { clock } from "./audience_words.ts";
 * assert.equal(clock(61_500), "1:02");
 * assert.equal(clock(0), "0:00");
 * ```
 */
export function clock(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/** The lines of the game panel of an audience phone. */
export interface AudienceLines {
  /** "Money 42". */
  money: string;
  /** "3:20 left". */
  time: string;
  /** "Strikes 1/3". */
  strikes: string;
  /** What the game is doing, when not simply playing. */
  note: string | null;
  /** The event going on, e.g. "Rain: everyone walks slower (0:42)". */
  event: string | null;
  /** Open orders, e.g. "Dough + Tomato · 0:30". */
  orders: string[];
}

/** The catalogue key of a reaction's name (its button's label). */
export function reactionKey(kind: ReactionKind): string {
  return `watch.react_${kind}`;
}

/**
 * An open order in the phone's words, capitalised: its ingredients, baked
 * or not, or the pizza with everything.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Translator } from "./translator.ts";
 * import { orderWords } from "./audience_words.ts";
 * const words = new Translator("nl", {
 *   "ing.dough": "deeg", "ing.cheese": "kaas", "item.baked": "gebakken {item}",
 * });
 * assert.equal(orderWords({ ingredients: ["dough", "cheese"], baked: true }, words), "Gebakken deeg + kaas");
 * ```
 */
export function orderWords(
  order: Pick<AudienceView["orders"][number], "ingredients" | "baked">,
  words: Translator,
): string {
  const text = order.ingredients.length === INGREDIENT_IDS.length
    ? words.t(order.baked ? "item.baked" : "watch.everything", {
      item: words.t("watch.everything"),
    })
    : itemWords({ ...order, burned: false }, words);
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

/**
 * A vote option's title and line in the phone's words: an event's, or a
 * town flavour's (which has no line).
 */
export function optionWords(
  option: VotePromptView["options"][number],
  words: Translator,
): { title: string; blurb: string } {
  return (TOWN_IDS as readonly string[]).includes(option)
    ? { title: words.t(`town.${option}`), blurb: "" }
    : {
      title: words.t(`event.${option}`),
      blurb: words.t(`event.${option}.blurb`),
    };
}

/**
 * The game panel's lines for an update (null before the first one).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Translator } from "./translator.ts";
 * import { audienceLines } from "./audience_words.ts";
 * const words = new Translator("en", {
 *   "watch.strikes": "Strikes {strikes}/{max}", "ing.cheese": "cheese",
 * });
 * const l = audienceLines({ phase: "playing", paused: false, money: 42, timeLeftMs: 200_000,
 *   strikes: 1, maxStrikes: 3, delivered: 2, orders: [{ ingredients: ["cheese"], baked: false, leftMs: 30_000 }], event: null }, words);
 * assert.equal(l.strikes, "Strikes 1/3");
 * assert.deepEqual(l.orders, ["Cheese · 0:30"]);
 * ```
 */
export function audienceLines(
  state: AudienceView | null,
  words: Translator,
): AudienceLines {
  if (!state) {
    return {
      money: words.t("watch.money", { money: "–" }),
      time: "–:–",
      strikes: words.t("watch.strikes_none"),
      note: words.t("watch.waiting"),
      event: null,
      orders: [],
    };
  }
  const max = Math.max(state.maxStrikes, state.strikes);
  const note = state.phase === "lobby"
    ? words.t("watch.lobby")
    : state.phase === "over"
    ? words.t("watch.over", { count: state.delivered })
    : state.paused
    ? words.t("watch.paused")
    : null;
  return {
    money: words.t("watch.money", { money: state.money }),
    time: words.t("watch.time_left", { time: clock(state.timeLeftMs) }),
    strikes: words.t("watch.strikes", { strikes: state.strikes, max }),
    note,
    event: state.event
      ? words.t("watch.event", {
        ...optionWords(state.event.event, words),
        time: clock(state.event.leftMs),
      })
      : null,
    orders: state.orders.map((o) =>
      `${orderWords(o, words)} · ${clock(o.leftMs)}`
    ),
  };
}
