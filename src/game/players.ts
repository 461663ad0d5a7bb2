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
  PLAYER_COLORS,
  PLAYER_RADIUS_PX,
} from "./constants.ts";
import { feedback, world } from "./events.ts";
import {
  blockingIngredient,
  dealMasks,
  dropInMask,
  orderDeliverable,
} from "./fairness.ts";
import type { Ingredient } from "./items.ts";
import { endRound } from "./outcome.ts";
import { shuffled } from "./random.ts";
import { tileCenterPx } from "./tiles.ts";
import type {
  EngineError,
  GameEvent,
  GameState,
  Player,
  PlayerStats,
} from "./types.ts";

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

/** Stats of a player at the start of a round. */
export function freshStats(): PlayerStats {
  return { deliveries: 0, moneyEarned: 0, walkedPx: 0, drivenPx: 0 };
}

/**
 * Adds a player (late friends, GAME.md): in the lobby; at game over, shown as
 * waiting and playing from the next round; mid-round as a drop-in when
 * `state.dropIn` is on ("drop_in_off" otherwise), with an allergy that keeps
 * every open order deliverable (see `dropInMask`). Refuses past 12 players
 * and duplicate ids.
 */
export function addPlayer(
  state: GameState,
  events: GameEvent[],
  id: string,
  name: unknown,
): EngineError | null {
  if (typeof id !== "string" || id.length === 0) return "unknown_player";
  if (findPlayer(state, id)) return "duplicate_id";
  if (state.phase === "playing" && !state.dropIn) return "drop_in_off";
  if (state.players.length >= MAX_PLAYERS) return "room_full";
  const allergyMask = state.phase === "playing"
    ? dropInMask(
      state.difficulty,
      state.players,
      state.orders.map((o) => o.mask),
    )
    : 0;
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
    allergyMask,
    connected: true,
    vehicleId: null,
    waiting: state.phase === "over",
    stats: freshStats(),
  };
  state.players.push(player);
  if (state.vipId === null) state.vipId = id;
  world(events, "player_joined", player.x, player.y, {
    text: player.name,
    playerId: id,
  });
  const welcome = state.vipId === id
    ? "note.welcome_vip"
    : player.waiting
    ? "note.welcome_next"
    : state.phase === "playing"
    ? "note.welcome_jump"
    : "note.welcome";
  feedback(events, id, { key: welcome }, "info");
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
  if (state.phase === "playing") withdrawUnfairOrders(state, events);
  updatePause(state, events);
  return null;
}

/**
 * After a leave for good mid-round: open orders the team left behind can no
 * longer carry to the door are withdrawn, with no strike and no penalty
 * (nobody could fill them); the next round deals allergies again.
 */
export function withdrawUnfairOrders(
  state: GameState,
  events: GameEvent[],
): void {
  const unfair = state.orders.filter((o) =>
    !orderDeliverable(state.players, o.mask)
  );
  if (unfair.length === 0) return;
  const ids = new Set(unfair.map((o) => o.id));
  state.orders = state.orders.filter((o) => !ids.has(o.id));
  state.timeline = state.timeline.filter((e) =>
    !(e.kind === "deadline" && ids.has(e.orderId))
  );
  for (const p of state.players) {
    feedback(events, p.id, { key: "note.withdrawn" }, "info");
  }
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
  feedback(events, id, { key: "note.welcome_back" }, "info");
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
 * Deals allergies for a new round (see `dealMasks`): from Cook with 2+
 * players, the five ingredients in a random order go round-robin.
 */
export function dealAllergies(state: GameState): void {
  const order = shuffled(state, [0, 1, 2, 3, 4]);
  const masks = dealMasks(state.difficulty, state.players.length, order);
  state.players.forEach((p, i) => p.allergyMask = masks[i]);
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
  return blockingIngredient(player.allergyMask, mask, playerCount);
}
