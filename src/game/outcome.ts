/**
 * Ending a round: win when the timer runs out after at least one delivery
 * per two players (GAME.md, "The first round"), lose on strikes, debt or an
 * empty team; and the star grade.
 *
 * @module
 */

import { world } from "./events.ts";
import {
  MAX_STRIKES,
  ROUND_LENGTH_MS,
  STAR2_DELIVERIES_PER_PLAYER,
  STAR3_DELIVERIES_PER_PLAYER,
  WORLD_HEIGHT_PX,
  WORLD_WIDTH_PX,
} from "./constants.ts";
import type { GameEvent, GameState, OutcomeReason } from "./types.ts";

const OUTCOME_TEXT: Record<OutcomeReason, string> = {
  time_up: "Time's up: the town is fed. You win!",
  nothing_delivered: "Time's up, but no pizza was delivered.",
  too_few_deliveries: "Time's up, but too few pizzas were delivered.",
  strikes: "Three failed orders: the town went hungry.",
  bankrupt: "Out of money: the pizzeria went bankrupt.",
  everyone_left: "Everyone left the game.",
};

/**
 * Deliveries a team of `players` needs by 0:00 to win: one per two players,
 * at least one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { deliveriesToWin } from "./outcome.ts";
 * assert.equal(deliveriesToWin(1), 1);
 * assert.equal(deliveriesToWin(2), 1);
 * assert.equal(deliveriesToWin(3), 2);
 * assert.equal(deliveriesToWin(8), 4);
 * ```
 */
export function deliveriesToWin(players: number): number {
  return Math.max(1, Math.ceil(players / 2));
}

/** The sentence shown at game over for a reason, with the team's figures. */
function outcomeText(
  why: OutcomeReason,
  delivered: number,
  players: number,
): string {
  if (why !== "too_few_deliveries") return OUTCOME_TEXT[why];
  const need = deliveriesToWin(players);
  return `Time's up, but ${delivered} ${
    delivered === 1 ? "pizza" : "pizzas"
  } for ${players} players is not a win: it takes ${need}, one for every two players.`;
}

/** Ends the round (once): sets phase "over" and the outcome, stops everyone. */
export function endRound(
  state: GameState,
  events: GameEvent[],
  reason: OutcomeReason,
): void {
  if (state.phase === "over") return;
  // Players in the round (not those waiting for the next one).
  const players = state.players.filter((p) => !p.waiting).length;
  const why: OutcomeReason = reason !== "time_up"
    ? reason
    : state.delivered === 0
    ? "nothing_delivered"
    : state.delivered < deliveriesToWin(players)
    ? "too_few_deliveries"
    : reason;
  const won = why === "time_up";
  state.phase = "over";
  state.paused = false;
  // An event vote cannot happen any more; the town vote comes next.
  if (state.audience.prompt?.about === "event") state.audience.prompt = null;
  const stars = starGrade(won, state.delivered, state.players.length, {
    strikes: state.strikes,
    roundLengthMs: state.roundLengthMs,
  });
  const text = outcomeText(why, state.delivered, players);
  state.outcome = { won, reason: why, text, stars };
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
    { text },
  );
}

/** Ends the round if strikes or money say the team has lost. */
export function checkLoss(state: GameState, events: GameEvent[]): void {
  if (state.phase !== "playing") return;
  if (state.strikes >= MAX_STRIKES) endRound(state, events, "strikes");
  else if (state.money < 0) endRound(state, events, "bankrupt");
}

/**
 * The star grade of a round, 0 to 3:
 * - 0 stars: the round was lost (strikes, debt, everyone left) or nothing
 *   was delivered;
 * - 1 star: won (0:00 reached with at least one delivery per two players);
 * - 2 stars: won with at least 2 deliveries per player per 6:00 of round
 *   (the rate scales with the round length, so short test rounds compare);
 * - 3 stars: won with at least 4 deliveries per player per 6:00 and no strike.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { starGrade } from "./outcome.ts";
 * const round = { strikes: 0, roundLengthMs: 360_000 };
 * assert.equal(starGrade(true, 0, 2, round), 0);
 * assert.equal(starGrade(true, 3, 2, round), 1);
 * assert.equal(starGrade(true, 4, 2, round), 2);
 * assert.equal(starGrade(true, 8, 2, round), 3);
 * assert.equal(starGrade(true, 8, 2, { ...round, strikes: 1 }), 2);
 * assert.equal(starGrade(false, 8, 2, round), 0);
 * ```
 */
export function starGrade(
  won: boolean,
  delivered: number,
  players: number,
  round: { strikes: number; roundLengthMs: number },
): number {
  if (!won || delivered <= 0) return 0;
  const rounds = Math.max(round.roundLengthMs, 1) / ROUND_LENGTH_MS;
  const rate = delivered / Math.max(players, 1) / rounds;
  if (rate >= STAR3_DELIVERIES_PER_PLAYER && round.strikes === 0) return 3;
  if (rate >= STAR2_DELIVERIES_PER_PLAYER) return 2;
  return 1;
}
