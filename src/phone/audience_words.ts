/**
 * What an audience phone says: the game's numbers, the event going on, the
 * vote, and the reactions' emoji. Pure functions, so the words are tested
 * without a page.
 *
 * @module
 */
import type { AudienceView, ReactionKind } from "../protocol/mod.ts";

/** The emoji of each reaction. */
export const REACTION_EMOJI: Readonly<Record<ReactionKind, string>> = {
  cheer: "😀",
  laugh: "😂",
  wow: "😮",
  love: "😍",
  yum: "😋",
};

/** What the audience page says they can do. */
export const WATCH_HELP =
  "You're in the audience. Every minute, vote for what happens next in the game, and send reactions to the big screen!";

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

/**
 * The game panel's lines for an update (null before the first one).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { audienceLines } from "./audience_words.ts";
 * const l = audienceLines({ phase: "playing", paused: false, money: 42, timeLeftMs: 200_000,
 *   strikes: 1, maxStrikes: 3, delivered: 2, orders: [{ wanted: "cheese", leftMs: 30_000 }], event: null });
 * assert.equal(l.strikes, "Strikes 1/3");
 * assert.deepEqual(l.orders, ["Cheese · 0:30"]);
 * ```
 */
export function audienceLines(state: AudienceView | null): AudienceLines {
  if (!state) {
    return {
      money: "Money –",
      time: "–:–",
      strikes: "Strikes –",
      note: "Waiting for the big screen…",
      event: null,
      orders: [],
    };
  }
  const max = Math.max(state.maxStrikes, state.strikes);
  const note = state.phase === "lobby"
    ? "The players are getting ready."
    : state.phase === "over"
    ? `Round over: ${state.delivered} pizzas delivered.`
    : state.paused
    ? "Paused: a player lost their connection."
    : null;
  return {
    money: `Money ${state.money}`,
    time: `${clock(state.timeLeftMs)} left`,
    strikes: `Strikes ${state.strikes}/${max}`,
    note,
    event: state.event
      ? `${state.event.title}: ${state.event.blurb} (${
        clock(state.event.leftMs)
      })`
      : null,
    orders: state.orders.map((o) =>
      `${o.wanted.charAt(0).toUpperCase()}${o.wanted.slice(1)} · ${
        clock(o.leftMs)
      }`
    ),
  };
}
