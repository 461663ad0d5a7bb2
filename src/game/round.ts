/**
 * Round lifecycle: a fresh town's moving parts, starting a round, restarting
 * with a new town, and choosing the difficulty. These change a draft state in
 * place; `engine.ts` wraps them.
 *
 * @module
 */

import {
  START_MONEY_COINS,
  START_MONEY_PER_PLAYER_COINS,
  WORLD_HEIGHT_PX,
  WORLD_WIDTH_PX,
} from "./constants.ts";
import {
  type Difficulty,
  DIFFICULTY_NAMES,
  toDifficulty,
} from "./difficulty.ts";
import { freshAudience } from "./audience.ts";
import { feedback, world } from "./events.ts";
import { scheduleFirstOrder } from "./orders.ts";
import {
  dealAllergies,
  freshStats,
  removePlayer,
  spawnPoint,
  updatePause,
} from "./players.ts";
import { nextSeed } from "./random.ts";
import { tileCenterPx } from "./tiles.ts";
import { generateTown, type Town } from "./town.ts";
import type {
  EngineError,
  GameEvent,
  GameState,
  Station,
  Vehicle,
} from "./types.ts";

/** Empty tables and ovens for a town. */
export function stationsOf(town: Town): Station[] {
  return town.stations.map((s) => ({ id: s.id, kind: s.kind, item: null }));
}

/** Parked vehicles at a town's vehicle spawns. */
export function vehiclesOf(town: Town): Vehicle[] {
  return town.vehicleSpawns.map((t, id) => {
    const c = tileCenterPx(t.tx, t.ty);
    return { id, x: c.x, y: c.y, facing: "right", driverId: null };
  });
}

/** Starts a round from the lobby: money, allergies, timer and the first order. */
export function beginRound(
  state: GameState,
  events: GameEvent[],
): EngineError | null {
  if (state.phase !== "lobby") return "wrong_phase";
  if (state.players.length === 0) return "no_players";
  startRound(state, events);
  return null;
}

function startRound(state: GameState, events: GameEvent[]): void {
  state.phase = "playing";
  state.paused = false;
  state.clockMs = 0;
  state.timeLeftMs = state.roundLengthMs;
  state.money = START_MONEY_COINS +
    START_MONEY_PER_PLAYER_COINS * state.players.length;
  state.strikes = 0;
  state.delivered = 0;
  state.outcome = null;
  state.orders = [];
  state.timeline = [];
  state.nextOrderId = 1;
  state.audience = freshAudience(state.town.flavour, state.audience.everyMs);
  for (const p of state.players) {
    p.waiting = false;
    p.stats = freshStats();
  }
  dealAllergies(state);
  scheduleFirstOrder(state);
  world(events, "game_started", WORLD_WIDTH_PX / 2, WORLD_HEIGHT_PX / 2, {
    text: DIFFICULTY_NAMES[state.difficulty],
  });
  for (const p of state.players) {
    feedback(events, p.id, { key: "note.go" }, "info");
  }
  updatePause(state, events);
}

/**
 * Restarts (from "playing" or "over"): a new town from a seed drawn from the
 * state's PRNG, every connected player kept (empty backpack, new spawn point),
 * disconnected players dropped, and a new round started at once.
 */
export function restartRound(
  state: GameState,
  events: GameEvent[],
): EngineError | null {
  if (state.phase === "lobby") return "wrong_phase";
  for (const p of state.players.filter((q) => !q.connected)) {
    removePlayer(state, events, p.id);
  }
  if (state.players.length === 0) return "no_players";
  const town = generateTown(
    nextSeed(state),
    state.audience.nextTownFlavour,
  );
  state.town = town;
  state.stations = stationsOf(town);
  state.vehicles = vehiclesOf(town);
  const players = state.players;
  state.players = [];
  for (const [i, p] of players.entries()) {
    const at = spawnPoint(state, i);
    p.x = at.x;
    p.y = at.y;
    p.backpack = [];
    p.vehicleId = null;
    p.stickX = 0;
    p.stickY = 0;
    p.moving = false;
    state.players.push(p);
  }
  state.phase = "playing";
  startRound(state, events);
  return null;
}

/** Sets the difficulty, in the lobby or after a round. */
export function changeDifficulty(
  state: GameState,
  events: GameEvent[],
  value: unknown,
): EngineError | null {
  const d: Difficulty | null = toDifficulty(value);
  if (d === null) return "bad_difficulty";
  if (state.phase === "playing") return "wrong_phase";
  state.difficulty = d;
  for (const p of state.players) {
    feedback(events, p.id, { key: "note.level", level: d }, "info");
  }
  return null;
}
