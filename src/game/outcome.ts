/**
 * Ending a round: win when the timer runs out, lose on strikes, debt or an
 * empty team.
 *
 * @module
 */

import { world } from "./events.ts";
import { MAX_STRIKES, WORLD_HEIGHT_PX, WORLD_WIDTH_PX } from "./constants.ts";
import type { GameEvent, GameState, OutcomeReason } from "./types.ts";

const OUTCOME_TEXT: Record<OutcomeReason, string> = {
  time_up: "Time's up: the town is fed. You win!",
  strikes: "Three failed orders: the town went hungry.",
  bankrupt: "Out of money: the pizzeria went bankrupt.",
  everyone_left: "Everyone left the game.",
};

/** Ends the round (once): sets phase "over" and the outcome, stops everyone. */
export function endRound(
  state: GameState,
  events: GameEvent[],
  reason: OutcomeReason,
): void {
  if (state.phase === "over") return;
  const won = reason === "time_up";
  state.phase = "over";
  state.paused = false;
  state.outcome = { won, reason, text: OUTCOME_TEXT[reason] };
  for (const p of state.players) {
    p.stickX = 0;
    p.stickY = 0;
    p.moving = false;
  }
  world(
    events,
    won ? "game_won" : "game_lost",
    WORLD_WIDTH_PX / 2,
    WORLD_HEIGHT_PX / 2,
    { text: state.outcome.text },
  );
}

/** Ends the round if strikes or money say the team has lost. */
export function checkLoss(state: GameState, events: GameEvent[]): void {
  if (state.phase !== "playing") return;
  if (state.strikes >= MAX_STRIKES) endRound(state, events, "strikes");
  else if (state.money < 0) endRound(state, events, "bankrupt");
}
