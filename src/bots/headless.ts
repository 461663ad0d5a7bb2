/**
 * Whole games played by bots alone, headless: the same engine calls the host
 * makes, at a fixed step. Deterministic: the same options give the same game.
 *
 * @module
 */

import type { AudienceEventKind } from "../game/audience.ts";
import type { Difficulty } from "../game/difficulty.ts";
import {
  closeAudienceVote,
  createGame,
  joinPlayer,
  startAudienceEvent,
  startGame,
  step,
} from "../game/engine.ts";
import { allergyBlock } from "../game/players.ts";
import type { GameState, OutcomeReason } from "../game/types.ts";
import { botCommands, type BotProfile, createBotTeam } from "./bot.ts";

/** The host's real step: one engine step per frame at about 60 frames a second, ms. */
export const HOST_STEP_MS = 16;

/** Options of {@link playBotGame}. */
export interface BotGameOptions {
  /** Town and game seed. */
  seed: number;
  /** Number of bots, 1 to 12. */
  players: number;
  /** Difficulty level. */
  difficulty: Difficulty;
  /**
   * Engine step, ms.
   * @default 16
   */
  stepMs?: number;
  /**
   * Round length, ms.
   * @default 360000 (6:00)
   */
  roundLengthMs?: number;
  /**
   * An audience event that goes on from the start and wins every vote (the
   * audience's event votes are otherwise closed with nobody voting).
   */
  audienceEvent?: AudienceEventKind;
  /**
   * How the bots play.
   * @default "expert"
   */
  profile?: BotProfile;
}

/** How a bot game ended. */
export interface BotGameResult {
  /** Whether the team won. */
  won: boolean;
  /** Why the game ended. */
  reason: OutcomeReason | "unfinished";
  /** Pizzas delivered. */
  delivered: number;
  /** Failed orders. */
  strikes: number;
  /** Money at the end. */
  money: number;
  /**
   * Failed orders that no player of the team could have carried (allergies
   * at 4+ players, until the rules stop placing such orders).
   */
  uncarriable: number;
  /** The final state. */
  state: GameState;
}

/**
 * Plays one game with bots only, from the lobby to game over.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { playBotGame } from "./headless.ts";
 * const r = playBotGame({ seed: 1, players: 1, difficulty: 0, roundLengthMs: 20_000 });
 * assert.equal(r.state.phase, "over");
 * ```
 */
export function playBotGame(options: BotGameOptions): BotGameResult {
  const stepMs = options.stepMs ?? HOST_STEP_MS;
  let state = createGame({
    seed: options.seed,
    difficulty: options.difficulty,
    roundLengthMs: options.roundLengthMs,
  });
  const ids = Array.from({ length: options.players }, (_, i) => `bot${i}`);
  for (const id of ids) state = joinPlayer(state, { id, name: id }).state;
  state = startGame(state).state;
  const event = options.audienceEvent;
  if (event) state = startAudienceEvent(state, event, 0).state;
  const team = createBotTeam(ids, options.profile);
  const maxSteps = Math.ceil(state.roundLengthMs / stepMs) + 10;
  let uncarriable = 0;
  for (let i = 0; i < maxSteps && state.phase === "playing"; i++) {
    const before = state;
    const r = step(state, botCommands(team, state), stepMs);
    state = r.state;
    const prompt = state.audience.prompt;
    if (prompt && state.clockMs >= prompt.closesMs) {
      const none = { promptId: prompt.id, counts: [], reached: [] };
      state = closeAudienceVote(state, none).state;
      if (event) state = startAudienceEvent(state, event, prompt.id).state;
    }
    for (const e of r.events) {
      if (e.type !== "world" || e.name !== "order_failed") continue;
      const order = before.orders.find((o) => o.houseId === e.houseId);
      const n = before.players.length;
      if (
        order &&
        before.players.every((p) => allergyBlock(p, order.mask, n) !== null)
      ) uncarriable++;
    }
  }
  return {
    won: state.outcome?.won ?? false,
    reason: state.outcome?.reason ?? "unfinished",
    delivered: state.delivered,
    strikes: state.strikes,
    money: state.money,
    uncarriable,
    state,
  };
}
