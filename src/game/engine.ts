/**
 * The engine's entry points. Every function takes a state and returns a NEW
 * state plus events (the input state is never mutated); refusals are values
 * (`error` on the result, feedback events for players), never exceptions.
 *
 * @module
 */

import {
  BAKED_HEAT,
  COOLING_PER_S,
  MAX_SAFE_HEAT,
  MAX_STEP_MS,
  OVEN_HEAT_PER_S,
  ROUND_LENGTH_MS,
  TILE_SIZE_PX,
  VOTE_EVERY_MS,
} from "./constants.ts";
import { applyAction } from "./actions.ts";
import {
  type AudienceEventKind,
  closeVote,
  freshAudience,
  openFlavourVote,
  runAudience,
  startEvent,
} from "./audience.ts";
import {
  coolingAndBurning,
  type Difficulty,
  toDifficulty,
} from "./difficulty.ts";
import { world } from "./events.ts";
import { movePlayers, sanitizeStick } from "./movement.ts";
import { runTimeline } from "./orders.ts";
import { endRound } from "./outcome.ts";
import {
  addPlayer,
  findPlayer,
  markDisconnected,
  markReconnected,
  removePlayer,
} from "./players.ts";
import { toSeed } from "./random.ts";
import {
  beginRound,
  changeDifficulty,
  restartRound,
  stationsOf,
  vehiclesOf,
} from "./round.ts";
import { generateTown } from "./town.ts";
import type { Tally } from "./vote.ts";
import type {
  EngineError,
  EngineResult,
  GameEvent,
  GameState,
  PlayerCommand,
} from "./types.ts";

/** Options of {@link createGame}. */
export interface GameOptions {
  /**
   * Seed of the first town and of all randomness.
   * @default 1
   */
  seed?: number;
  /**
   * Starting difficulty, 0 (Amateur) to 3 (Master Chef).
   * @default 0
   */
  difficulty?: Difficulty;
  /**
   * Round length in ms; shorter rounds are for tests and quick games.
   * @default 360000 (6:00)
   */
  roundLengthMs?: number;
  /**
   * Whether a player may join mid-round as a drop-in (a host setting).
   * @default true
   */
  dropIn?: boolean;
  /**
   * How often the audience's event vote opens, ms of round time (at least
   * 1,000); shorter than the rules' 60 s only for quick games and tests.
   * @default 60000
   */
  voteEveryMs?: number;
}

/** Mixes the seed so that the town and the game's PRNG don't share a stream. */
const GAME_RNG_SALT = 0x9e3779b9;

/**
 * Creates a game in the lobby with a town generated from the seed.
 *
 * @throws RangeError when `roundLengthMs` is not a positive finite number
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createGame } from "./engine.ts";
 * const state = createGame({ seed: 42 });
 * assert.equal(state.phase, "lobby");
 * assert.equal(state.town.kitchens.length, 3);
 * ```
 */
export function createGame(options: GameOptions = {}): GameState {
  const {
    seed = 1,
    difficulty = 0,
    roundLengthMs = ROUND_LENGTH_MS,
    dropIn = true,
    voteEveryMs = VOTE_EVERY_MS,
  } = options;
  if (!(Number.isFinite(roundLengthMs) && roundLengthMs > 0)) {
    throw new RangeError(
      `Cannot create game as 'roundLengthMs' must be a positive number: current value is ${roundLengthMs}`,
    );
  }
  const town = generateTown(seed);
  return {
    version: 1,
    rng: (toSeed(seed) ^ GAME_RNG_SALT) >>> 0,
    town,
    phase: "lobby",
    paused: false,
    difficulty: toDifficulty(difficulty) ?? 0,
    dropIn,
    roundLengthMs,
    clockMs: 0,
    timeLeftMs: roundLengthMs,
    money: 0,
    strikes: 0,
    delivered: 0,
    outcome: null,
    players: [],
    vipId: null,
    stations: stationsOf(town),
    vehicles: vehiclesOf(town),
    orders: [],
    timeline: [],
    nextOrderId: 1,
    nextSeq: 0,
    tick: 0,
    audience: freshAudience(
      town.flavour,
      Number.isFinite(voteEveryMs)
        ? Math.max(1_000, voteEveryMs)
        : VOTE_EVERY_MS,
    ),
  };
}

/** A deep copy of the state's changing parts; the static town is shared. */
function draftOf(state: GameState): GameState {
  const { town, ...rest } = state;
  return { ...structuredClone(rest), town };
}

function run(
  state: GameState,
  change: (draft: GameState, events: GameEvent[]) => EngineError | null,
): EngineResult {
  const draft = draftOf(state);
  const events: GameEvent[] = [];
  const error = change(draft, events);
  if (error) return { state, events: [], error };
  return { state: draft, events };
}

/**
 * Advances the game by `dtMs` after applying the commands in order: moves set
 * a player's stick, actions run at once. While playing and not paused, players
 * move, ovens heat, items cool (Master Chef), the timeline fires and the timer
 * runs; in the lobby players can walk about; while paused or over nothing
 * moves. `dtMs` is clamped to [0, 250].
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createGame, joinPlayer, step } from "./engine.ts";
 * let state = joinPlayer(createGame({ seed: 3 }), { id: "a", name: "Ann" }).state;
 * const x = state.players[0].x;
 * state = step(state, [{ playerId: "a", input: { type: "move", x: 0, y: 0 } }], 100).state;
 * assert.equal(state.players[0].x, x);
 * ```
 */
export function step(
  state: GameState,
  commands: readonly PlayerCommand[],
  dtMs: number,
): EngineResult {
  return run(state, (draft, events) => {
    const dt = Number.isFinite(dtMs)
      ? Math.min(Math.max(dtMs, 0), MAX_STEP_MS)
      : 0;
    draft.tick += 1;
    for (const command of Array.isArray(commands) ? commands : []) {
      applyCommand(draft, events, command);
    }
    if (draft.phase === "lobby") {
      movePlayers(draft, dt);
    } else if (draft.phase === "playing" && !draft.paused) {
      movePlayers(draft, dt);
      updateHeat(draft, events, dt);
      const until = Math.min(draft.clockMs + dt, draft.roundLengthMs);
      runTimeline(draft, events, until);
      if (draft.phase === "playing") {
        draft.clockMs = until;
        draft.timeLeftMs = Math.max(0, draft.roundLengthMs - until);
        runAudience(draft, events);
        if (draft.timeLeftMs <= 0) endRound(draft, events, "time_up");
      }
    }
    return null;
  });
}

function applyCommand(
  state: GameState,
  events: GameEvent[],
  command: PlayerCommand,
): void {
  if (typeof command !== "object" || command === null) return;
  const player = findPlayer(state, command.playerId);
  const input = command.input;
  if (!player || typeof input !== "object" || input === null) return;
  if (input.type === "move") {
    if (!player.connected) return;
    const stick = sanitizeStick(input.x, input.y);
    player.stickX = stick.x;
    player.stickY = stick.y;
  } else if (input.type === "action") {
    applyAction(state, events, player.id, input.id);
  }
}

function updateHeat(state: GameState, events: GameEvent[], dtMs: number): void {
  const hard = coolingAndBurning(state.difficulty);
  for (const station of state.stations) {
    const item = station.item;
    if (!item || item.burned) continue;
    const spot = state.town.stations[station.id].tile;
    const x = (spot.tx + 0.5) * TILE_SIZE_PX;
    const y = (spot.ty + 0.5) * TILE_SIZE_PX;
    if (station.kind === "oven") {
      const before = item.heat;
      item.heat += OVEN_HEAT_PER_S * dtMs / 1000;
      if (hard && item.heat >= 1) {
        item.heat = 1;
        item.burned = true;
        world(events, "burned", x, y, { text: "Burned!" });
      } else if (!hard) {
        item.heat = Math.min(item.heat, MAX_SAFE_HEAT);
      }
      if (before < BAKED_HEAT && item.heat >= BAKED_HEAT && !item.burned) {
        world(events, "baked", x, y, { text: "Baked!" });
      }
    } else if (hard) {
      item.heat = Math.max(0, item.heat - COOLING_PER_S * dtMs / 1000);
    }
  }
  if (!hard) return;
  for (const p of state.players) {
    for (const item of p.backpack) {
      item.heat = Math.max(0, item.heat - COOLING_PER_S * dtMs / 1000);
    }
  }
}

/**
 * Adds a player: in the lobby, at game over (plays from the next round) or
 * mid-round as a drop-in. Refused: "room_full" past 12 players,
 * "duplicate_id", "drop_in_off" mid-round when drop-in is switched off. The
 * first player becomes the VIP.
 */
export function joinPlayer(
  state: GameState,
  player: { id: string; name: string },
): EngineResult {
  return run(state, (d, e) => addPlayer(d, e, player.id, player.name));
}

/** Removes a player for good (their items go with them; the VIP role passes on). */
export function leavePlayer(state: GameState, id: string): EngineResult {
  return run(state, (d, e) => removePlayer(d, e, id));
}

/** Marks a player disconnected: the round pauses; everything of theirs is kept. */
export function disconnectPlayer(state: GameState, id: string): EngineResult {
  return run(state, (d, e) => markDisconnected(d, e, id));
}

/** Re-attaches a disconnected player (same backpack, allergies, VIP role). */
export function reconnectPlayer(state: GameState, id: string): EngineResult {
  return run(state, (d, e) => markReconnected(d, e, id));
}

/** Starts the round from the lobby (host key/click, or the VIP's "start"). */
export function startGame(state: GameState): EngineResult {
  return run(state, (d, e) => beginRound(d, e));
}

/** New town, same connected players, new round (from "playing" or "over"). */
export function restartGame(state: GameState): EngineResult {
  return run(state, (d, e) => restartRound(d, e));
}

/** Sets the difficulty (lobby or over). */
export function setDifficulty(
  state: GameState,
  difficulty: number,
): EngineResult {
  return run(state, (d, e) => changeDifficulty(d, e, difficulty));
}

/** Switches drop-in (joining mid-round) on or off; a host setting, any phase. */
export function setDropIn(state: GameState, on: boolean): EngineResult {
  return run(state, (d) => {
    d.dropIn = on === true;
    return null;
  });
}

/**
 * Closes the audience's open vote with the tally the server counted: the
 * winning event happens now for a minute, or the winning flavour makes the
 * next town (GAME.md, "The audience"). Refused: "no_vote" when no vote is
 * open or the tally is of another prompt.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { closeAudienceVote, createGame, joinPlayer, startGame, step } from "./engine.ts";
 * let s = startGame(joinPlayer(createGame({ seed: 2 }), { id: "a", name: "A" }).state).state;
 * for (let t = 0; t < 60_000; t += 250) s = step(s, [], 250).state;
 * const prompt = s.audience.prompt!;
 * s = closeAudienceVote(s, { promptId: prompt.id, counts: [0, 3, 1], reached: [-1, 7, 2] }).state;
 * assert.equal(s.audience.event?.kind, prompt.options[1]);
 * ```
 */
export function closeAudienceVote(
  state: GameState,
  tally: Tally,
): EngineResult {
  return run(state, (d, e) => closeVote(d, e, tally));
}

/** Opens the between-rounds vote on the next town's flavour (game over only). */
export function openTownVote(state: GameState): EngineResult {
  return run(state, (d, e) => openFlavourVote(d, e));
}

/**
 * Starts an audience event at once for a minute (what a won vote does; also
 * for tests and replays). `salt` picks the street road works close.
 */
export function startAudienceEvent(
  state: GameState,
  kind: AudienceEventKind,
  salt = 0,
): EngineResult {
  return run(state, (d, e) => startEvent(d, e, kind, salt));
}
