/**
 * The host sidebar's one-line summary of where the game stands: lobby,
 * playing, paused (and for whom), or over (won or lost, and why). Pure: it
 * reads the engine state and says it as a TV catalogue key; the lobby view
 * words it.
 *
 * @module
 */
import type { GameState } from "../game/mod.ts";
import { said, type TvSaid } from "./tv_said.ts";

/** Which way the line is coloured. */
export type PhaseKind = "lobby" | "playing" | "paused" | "won" | "lost";

/** What the sidebar shows under the player list. */
export interface PhaseLine {
  /** Kind, for styling and the Start button. */
  kind: PhaseKind;
  /** The sentence, as a TV catalogue key (`phase.*`). */
  said: TvSaid;
}

/**
 * The phase line for a game state.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createGame, disconnectPlayer, joinPlayer, startGame } from "../game/mod.ts";
 * import { phaseLine } from "./phase_line.ts";
 * let state = joinPlayer(createGame(), { id: "a", name: "Ann" }).state;
 * assert.equal(phaseLine(state).kind, "lobby");
 * state = startGame(state).state;
 * assert.equal(phaseLine(state).said.key, "phase.on");
 * state = disconnectPlayer(state, "a").state;
 * assert.deepEqual(phaseLine(state).said, {
 *   key: "phase.paused_for",
 *   params: { names: ["Ann"] },
 * });
 * ```
 */
export function phaseLine(state: GameState): PhaseLine {
  switch (state.phase) {
    case "lobby":
      return {
        kind: "lobby",
        said: said(
          state.players.length === 0 ? "phase.waiting" : "phase.lobby",
        ),
      };
    case "playing": {
      if (!state.paused) return { kind: "playing", said: said("phase.on") };
      const away = state.players.filter((p) => !p.connected).map((p) => p.name);
      return {
        kind: "paused",
        said: away.length > 0
          ? said("phase.paused_for", { names: away })
          : said("phase.paused"),
      };
    }
    case "over": {
      const outcome = state.outcome;
      if (outcome?.won) return { kind: "won", said: said("phase.won") };
      return {
        kind: "lost",
        said: outcome
          ? said(`phase.lost.${outcome.reason}`)
          : said("phase.over"),
      };
    }
  }
}
