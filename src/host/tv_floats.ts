/**
 * The TV's floating messages of one frame, from the engine's world events:
 * over a player's name tag ("Delivered! +23"), over a spot of the town
 * ("Baked!", "Strike!") or once over the town's middle for everyone ("Go!
 * Fill the orders.", an order failed, an audience event began). The TV has
 * its own words for these, keyed by the event's name; it never shows the
 * engine's English feedback sentences (those are the phones'). Pure.
 *
 * @module
 */
import {
  type GameEvent,
  type GameState,
  ingredientNames,
  type Tone,
} from "../game/mod.ts";
import { said, type TvSaid } from "./tv_said.ts";

/** Where a floating message rises from. */
export type FloatPlace =
  | { at: "player"; playerId: string }
  | { at: "spot"; x: number; y: number }
  | { at: "middle" };

/** One floating message. */
export interface TvFloat {
  /** Its words. */
  said: TvSaid;
  /** Its colour. */
  tone: Tone;
  /** Where it rises. */
  place: FloatPlace;
}

/** Words over a player for world events that concern one player. */
const PLAYER_WORDS: Partial<Record<string, { key: string; tone: Tone }>> = {
  picked_up: { key: "float.picked_up", tone: "info" },
  dropped: { key: "float.dropped", tone: "info" },
  combined: { key: "float.combined", tone: "good" },
  thrown_away: { key: "float.thrown_away", tone: "info" },
  refused: { key: "float.refused", tone: "bad" },
  order_taken: { key: "float.order_taken", tone: "good" },
  player_joined: { key: "float.welcome", tone: "info" },
  player_reconnected: { key: "float.welcome_back", tone: "info" },
};

/** The first whole number in an engine's figure text ("+23", "Strike! -40"). */
function figure(text: string | undefined): number | null {
  const m = text?.match(/\d+/);
  return m ? Number(m[0]) : null;
}

/**
 * The floating messages for a frame's events. Messages of tone "info" stay
 * quiet in the lobby (people are still joining); a message for everyone
 * floats once.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tvFloats } from "./tv_floats.ts";
 * import { createGame } from "../game/mod.ts";
 * const state = { ...createGame({ seed: 1 }), phase: "playing" as const };
 * const floats = tvFloats([
 *   { type: "world", name: "delivered", x: 5, y: 5, playerId: "a", text: "+23" },
 *   { type: "world", name: "baked", x: 40, y: 90, text: "Baked!" },
 * ], state);
 * assert.deepEqual(floats.map((f) => f.said), [
 *   { key: "float.delivered", params: { coins: 23 } },
 *   { key: "float.baked", params: {} },
 * ]);
 * ```
 */
export function tvFloats(
  events: readonly GameEvent[],
  state: GameState,
): TvFloat[] {
  const out: TvFloat[] = [];
  const middle = new Set<string>();
  const push = (said: TvSaid, tone: Tone, place: FloatPlace) => {
    if (tone === "info" && state.phase === "lobby") return;
    if (place.at === "middle") {
      if (middle.has(said.key)) return;
      middle.add(said.key);
    }
    out.push({ said, tone, place });
  };
  for (const e of events) {
    if (e.type !== "world") continue;
    const spot = { at: "spot" as const, x: e.x, y: e.y - 40 };
    switch (e.name) {
      case "game_started":
        push(said("float.go"), "info", { at: "middle" });
        continue;
      case "event_started": {
        const kind = state.audience.event?.kind;
        if (kind) push(said(`event.${kind}.news`), "info", { at: "middle" });
        continue;
      }
      case "order_failed": {
        push(said("float.order_failed"), "bad", { at: "middle" });
        const fine = figure(e.text);
        push(
          fine === null
            ? said("float.strike")
            : said("float.strike_fine", { coins: fine }),
          "bad",
          spot,
        );
        continue;
      }
      case "baked":
        push(said("float.baked"), "good", spot);
        continue;
      case "burned":
        push(said("float.burned"), "bad", spot);
        continue;
    }
    if (!e.playerId) continue;
    const place = { at: "player" as const, playerId: e.playerId };
    if (e.name === "delivered") {
      push(
        said("float.delivered", { coins: figure(e.text) ?? 0 }),
        "good",
        place,
      );
    } else if (e.name === "bought") {
      const player = state.players.find((p) => p.id === e.playerId);
      const item = player?.backpack.at(-1);
      const name = item ? ingredientNames(item.mask)[0] : undefined;
      push(
        said(name ? `float.bought.${name}` : "float.bought"),
        "good",
        place,
      );
    } else {
      const words = PLAYER_WORDS[e.name];
      if (words) push(said(words.key), words.tone, place);
    }
  }
  return out;
}
