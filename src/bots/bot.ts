/**
 * Bots: a policy that plays Pizza Peers through the same inputs as phones.
 * Each step the planner (`planner.ts`) decides what every bot of a team does
 * next, and the actor (`actor.ts`) turns those plans into joystick moves and
 * actions, with yielding so that a team never jams in one-tile passages.
 *
 * Bot memory is not game state: it is owned by the caller (host or test) and
 * replaced in place by {@link botCommands}; the game state is only read.
 *
 * @module
 */

import { findPlayer } from "../game/players.ts";
import type { GameState, PlayerCommand } from "../game/types.ts";
import { actTeam, type Motion } from "./actor.ts";
import { createPathCache, type PathCache } from "./pathfinding.ts";
import {
  FIRST_TIMER_STYLE,
  firstTimerIntents,
  type FirstTimerMemory,
  softenMoves,
} from "./first_timer.ts";
import {
  botMemory,
  EXPERT_STYLE,
  planTeam,
  type TeamMemory,
} from "./planner.ts";

/**
 * How a team of bots plays: "expert" plans ahead and wins nearly every
 * round; "first-timer" plays like someone in their first round
 * (`first_timer.ts`).
 */
export type BotProfile = "expert" | "first-timer";

/** Every bot profile, for option parsing. */
export const BOT_PROFILES: readonly BotProfile[] = ["expert", "first-timer"];

/** Memory of a team of bots; create with {@link createBotTeam}. */
export interface BotTeam {
  /** Who leads and fetches what (the planner's memory). */
  plan: TeamMemory;
  /** Progress and rank of each bot (the actor's memory), by player id. */
  motion: Record<string, Motion>;
  /** Distance fields of the current town. */
  cache: PathCache;
  /** How the team plays (expert if absent). */
  profile?: BotProfile;
  /** First-timers' hesitations, by player id. */
  firstTimers?: Record<string, FirstTimerMemory>;
}

/**
 * Creates the memory of a team of bots playing the given players.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { botCommands, createBotTeam } from "./bot.ts";
 * import { createGame, joinPlayer } from "../game/engine.ts";
 * const state = joinPlayer(createGame(), { id: "bot1", name: "Bot" }).state;
 * const team = createBotTeam(["bot1"]);
 * assert.ok(Array.isArray(botCommands(team, state)));
 * ```
 */
export function createBotTeam(
  playerIds: readonly string[],
  profile: BotProfile = "expert",
): BotTeam {
  return {
    plan: { bots: playerIds.map(botMemory) },
    motion: {},
    cache: createPathCache(),
    profile,
  };
}

/** Adds a bot for one more player to a team (e.g. "fill with bots" mid-lobby). */
export function addBot(team: BotTeam, playerId: string): void {
  if (team.plan.bots.some((b) => b.playerId === playerId)) return;
  team.plan.bots.push(botMemory(playerId));
}

/** Ids of the players a team plays, in the order given. */
export function botIdsOf(team: BotTeam): string[] {
  return team.plan.bots.map((b) => b.playerId);
}

/**
 * The commands of every bot for this step: at most one move and one action
 * each. Bots stand still outside a running round.
 */
export function botCommands(
  team: BotTeam,
  state: GameState,
): PlayerCommand[] {
  if (state.phase !== "playing" || state.paused) {
    const out: PlayerCommand[] = [];
    for (const id of botIdsOf(team)) {
      const player = findPlayer(state, id);
      if (player && (player.stickX !== 0 || player.stickY !== 0)) {
        out.push({ playerId: id, input: { type: "move", x: 0, y: 0 } });
      }
    }
    return out;
  }
  const firstTimer = team.profile === "first-timer";
  const planned = planTeam(
    state,
    team.plan,
    team.cache,
    firstTimer ? FIRST_TIMER_STYLE : EXPERT_STYLE,
  );
  team.plan = planned.memory;
  let intents = botIdsOf(team).map((playerId) => ({
    playerId,
    plan: planned.plans.get(playerId) ?? null,
  }));
  if (firstTimer) {
    const slow = firstTimerIntents(state, intents, team.firstTimers ?? {});
    intents = slow.intents;
    team.firstTimers = slow.memory;
  }
  const acted = actTeam(state, team.cache, intents, team.motion);
  team.motion = acted.motion;
  return firstTimer ? softenMoves(acted.commands) : acted.commands;
}
