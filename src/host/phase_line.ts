/**
 * The host sidebar's one-line summary of where the game stands: lobby,
 * playing, paused (and for whom), or over (won or lost, and why). Pure: it
 * reads the engine state, the lobby view shows the result.
 *
 * @module
 */
import type { GameState, OutcomeReason } from "../game/mod.ts";

/** Which way the line is coloured. */
export type PhaseKind = "lobby" | "playing" | "paused" | "won" | "lost";

/** What the sidebar shows under the player list. */
export interface PhaseLine {
  /** Kind, for styling and the Start button. */
  kind: PhaseKind;
  /** The sentence. */
  text: string;
}

const LOST_BECAUSE: Record<OutcomeReason, string> = {
  time_up: "time ran out",
  nothing_delivered: "no pizza was delivered",
  too_few_deliveries: "too few pizzas for the team",
  strikes: "three failed orders",
  bankrupt: "out of money",
  everyone_left: "everyone left",
};

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
 * assert.equal(phaseLine(state).text, "Game on!");
 * state = disconnectPlayer(state, "a").state;
 * assert.equal(phaseLine(state).text, "Paused: waiting for Ann");
 * ```
 */
export function phaseLine(state: GameState): PhaseLine {
  switch (state.phase) {
    case "lobby":
      return {
        kind: "lobby",
        text: state.players.length === 0
          ? "Waiting for players"
          : "Lobby: start when everyone is in",
      };
    case "playing": {
      if (!state.paused) return { kind: "playing", text: "Game on!" };
      const away = state.players.filter((p) => !p.connected).map((p) => p.name);
      return {
        kind: "paused",
        text: away.length > 0
          ? `Paused: waiting for ${listOf(away)}`
          : "Paused",
      };
    }
    case "over": {
      const outcome = state.outcome;
      if (outcome?.won) return { kind: "won", text: "Game over: you won!" };
      return {
        kind: "lost",
        text: outcome
          ? `Game over: you lost (${LOST_BECAUSE[outcome.reason]})`
          : "Game over",
      };
    }
  }
}

/** "Ann", "Ann and Bob", "Ann, Bob and Cleo". */
function listOf(names: string[]): string {
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}
