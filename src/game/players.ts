/**
 * The roster: joining, leaving for good, dropping and coming back, the VIP,
 * colours, spawn points, allergies and the pause that follows disconnects.
 * These functions change a draft state in place; `engine.ts` wraps them.
 *
 * @module
 */

import {
  MAX_NAME_CHARS,
  MAX_PLAYERS,
  MAX_PLAYERS_COMBINED_EXEMPT,
  MIN_PLAYERS_FOR_ALLERGIES,
  PLAYER_COLORS,
  PLAYER_RADIUS_PX,
} from "./constants.ts";
import { allergiesEnabled } from "./difficulty.ts";
import { feedback, world } from "./events.ts";
import {
  ALL_INGREDIENTS_MASK,
  type Ingredient,
  ingredientCount,
  INGREDIENTS,
} from "./items.ts";
import { endRound } from "./outcome.ts";
import { shuffled } from "./random.ts";
import { tileCenterPx } from "./tiles.ts";
import type { EngineError, GameEvent, GameState, Player } from "./types.ts";

/** Finds a player by id. */
export function findPlayer(
  state: GameState,
  id: string,
): Player | undefined {
  return state.players.find((p) => p.id === id);
}

/** Cleans a display name: trimmed, control characters removed, at most 20 characters. */
export function cleanName(name: unknown, fallback: string): string {
  const raw = typeof name === "string" ? name : "";
  // deno-lint-ignore no-control-regex
  const clean = Array.from(raw.replace(/[\u0000-\u001f\u007f]/g, "").trim())
    .slice(0, MAX_NAME_CHARS).join("").trim();
  return clean.length > 0 ? clean : fallback;
}

/** Adds a player in the lobby; refuses past 12 players, duplicate ids and after the start. */
export function addPlayer(
  state: GameState,
  events: GameEvent[],
  id: string,
  name: unknown,
): EngineError | null {
  if (typeof id !== "string" || id.length === 0) return "unknown_player";
  if (findPlayer(state, id)) return "duplicate_id";
  if (state.phase !== "lobby") return "not_in_lobby";
  if (state.players.length >= MAX_PLAYERS) return "room_full";
  const used = new Set(state.players.map((p) => p.color));
  const color = PLAYER_COLORS.find((c) => !used.has(c)) ?? PLAYER_COLORS[0];
  const spot = spawnPoint(state, state.players.length);
  const player: Player = {
    id,
    name: cleanName(name, `Player ${state.players.length + 1}`),
    color,
    x: spot.x,
    y: spot.y,
    facing: "down",
    moving: false,
    stickX: 0,
    stickY: 0,
    backpack: [],
    allergyMask: 0,
    connected: true,
    vehicleId: null,
  };
  state.players.push(player);
  if (state.vipId === null) state.vipId = id;
  world(events, "player_joined", player.x, player.y, {
    text: player.name,
    playerId: id,
  });
  feedback(
    events,
    id,
    state.vipId === id ? "Welcome! You are the VIP." : "Welcome!",
    "info",
  );
  return null;
}

/** A free spawn point: the first spawn tile with nobody standing on it. */
export function spawnPoint(
  state: GameState,
  preferred: number,
): { x: number; y: number } {
  const tiles = state.town.spawnTiles;
  for (let k = 0; k < tiles.length; k++) {
    const t = tiles[(preferred + k) % tiles.length];
    const c = tileCenterPx(t.tx, t.ty);
    const taken = state.players.some((p) =>
      Math.hypot(p.x - c.x, p.y - c.y) < 2 * PLAYER_RADIUS_PX
    );
    if (!taken) return c;
  }
  const t = tiles[preferred % tiles.length];
  return tileCenterPx(t.tx, t.ty);
}

/** Removes a player for good: items go with them; the VIP role passes on. */
export function removePlayer(
  state: GameState,
  events: GameEvent[],
  id: string,
): EngineError | null {
  const player = findPlayer(state, id);
  if (!player) return "unknown_player";
  if (player.vehicleId !== null) {
    const v = state.vehicles[player.vehicleId];
    if (v) v.driverId = null;
  }
  state.players = state.players.filter((p) => p.id !== id);
  if (state.vipId === id) state.vipId = state.players[0]?.id ?? null;
  world(events, "player_left", player.x, player.y, {
    text: player.name,
    playerId: id,
  });
  if (state.phase === "playing" && state.players.length === 0) {
    endRound(state, events, "everyone_left");
  }
  updatePause(state, events);
  return null;
}

/** Marks a player as disconnected (keeps everything) and pauses a running round. */
export function markDisconnected(
  state: GameState,
  events: GameEvent[],
  id: string,
): EngineError | null {
  const player = findPlayer(state, id);
  if (!player) return "unknown_player";
  if (!player.connected) return null;
  player.connected = false;
  player.stickX = 0;
  player.stickY = 0;
  player.moving = false;
  world(events, "player_disconnected", player.x, player.y, {
    text: player.name,
    playerId: id,
  });
  updatePause(state, events);
  return null;
}

/** Re-attaches a disconnected player: same backpack, allergies and VIP role. */
export function markReconnected(
  state: GameState,
  events: GameEvent[],
  id: string,
): EngineError | null {
  const player = findPlayer(state, id);
  if (!player) return "unknown_player";
  if (player.connected) return "already_connected";
  player.connected = true;
  world(events, "player_reconnected", player.x, player.y, {
    text: player.name,
    playerId: id,
  });
  feedback(events, id, "Welcome back!", "info");
  updatePause(state, events);
  return null;
}

/** Recomputes `paused`: a running round pauses while anyone is disconnected. */
export function updatePause(state: GameState, events: GameEvent[]): void {
  const paused = state.phase === "playing" &&
    state.players.some((p) => !p.connected);
  if (paused === state.paused) return;
  state.paused = paused;
  const who = state.players.find((p) => !p.connected);
  world(
    events,
    paused ? "game_paused" : "game_resumed",
    who?.x ?? 0,
    who?.y ?? 0,
    { text: paused ? `Waiting for ${who?.name ?? "a player"}...` : "Go!" },
  );
}

/**
 * Deals allergies for a new round: from Cook with 2+ players, the five
 * ingredients (in a random order) go round-robin, so everyone gets at least
 * one; with more than five players the deal goes on until everyone has one.
 */
export function dealAllergies(state: GameState): void {
  for (const p of state.players) p.allergyMask = 0;
  const n = state.players.length;
  if (!allergiesEnabled(state.difficulty) || n < MIN_PLAYERS_FOR_ALLERGIES) {
    return;
  }
  const order = shuffled(state, [0, 1, 2, 3, 4]);
  const cards = Math.max(INGREDIENTS.length, n);
  for (let k = 0; k < cards; k++) {
    state.players[k % n].allergyMask |= 1 << order[k % INGREDIENTS.length];
  }
}

/**
 * The ingredient that stops a player from holding an item, or null if they
 * may: with 3 or fewer players combined items are exempt; with more, only the
 * pizza with all five ingredients.
 */
export function allergyBlock(
  player: Player,
  mask: number,
  playerCount: number,
): Ingredient | null {
  const hit = player.allergyMask & mask;
  if (hit === 0) return null;
  const combined = ingredientCount(mask) > 1;
  if (combined && playerCount <= MAX_PLAYERS_COMBINED_EXEMPT) return null;
  if (mask === ALL_INGREDIENTS_MASK) return null;
  const index = INGREDIENTS.findIndex((_, i) => (hit & (1 << i)) !== 0);
  return INGREDIENTS[index];
}
