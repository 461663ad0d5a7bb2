/**
 * The host's saved game: the engine state written to localStorage, one entry
 * per room, so that a reload of the host page, or a new tab that resumes a
 * room whose tab was closed, brings the round back instead of starting a new
 * one. What is read back is checked: a format and
 * version tag, the shape of every field, the state's consistency with the
 * town regenerated from its seed, and one dry engine step. Anything that
 * fails is ignored, never trusted. No DOM: the storage is passed in.
 *
 * What is saved is `GameState` minus its town (the town is regenerated from
 * `town.seed`: same seed, same town). Players keep their id (the signaling
 * username) and display name in the state; bots are the players whose id has
 * the host's bot prefix, and their team memory is rebuilt on restore.
 *
 * @module
 */
import * as v from "valibot";
import {
  type GameState,
  generateTown,
  houseStatuses,
  hud,
  playerView,
  type SavedState,
  SavedStateSchema,
  step,
  type Town,
} from "../game/mod.ts";

/** Prefix of the storage key of a room's saved game (`pizza-peers-game:ABCD`). */
export const SAVED_GAME_KEY = "pizza-peers-game";

/**
 * The storage key of `room`'s saved game.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { savedGameKey } from "./saved_game.ts";
 * assert.equal(savedGameKey("ABCD"), "pizza-peers-game:ABCD");
 * ```
 */
export function savedGameKey(room: string): string {
  return `${SAVED_GAME_KEY}:${room}`;
}
/** Tag that marks a saved game. */
export const SAVED_GAME_FORMAT = "pizza-peers-game";
/** Version of the saved-game format; another version is ignored. */
export const SAVED_GAME_VERSION = 1;
/** Least time between two throttled saves, in ms. */
export const SAVE_INTERVAL_MS = 1_000;
/** Longest saved text read back, in characters. */
export const MAX_SAVED_GAME_CHARS = 2_000_000;

/** The engine state as saved: everything but the (regenerated) town. */
export type { SavedState };

/** What is written to storage. */
export interface SavedGame {
  /** Always {@link SAVED_GAME_FORMAT}. */
  format: typeof SAVED_GAME_FORMAT;
  /** Always {@link SAVED_GAME_VERSION}. */
  version: typeof SAVED_GAME_VERSION;
  /** Room code the game belongs to; restored only into that room. */
  room: string;
  /** Wall-clock time of the save, ms since the epoch (for people). */
  savedAtMs: number;
  /** Seed of the current town (`GameState.town.seed`). */
  townSeed: number;
  /**
   * Fingerprint of the whole town ({@link townFingerprint}): the town
   * regenerated from the seed must be the very same (another seed, or a
   * newer town generator after a deploy, is refused).
   */
  townHash: number;
  /** The engine state without its town. */
  state: SavedState;
}

/** A saved game that passed every check, with its town back in place. */
export interface RestoredGame {
  /** Room code it belongs to. */
  room: string;
  /** When it was saved, ms since the epoch. */
  savedAtMs: number;
  /** The engine state, town included. */
  state: GameState;
}

// ---------------------------------------------------------------------------
// Schema
// ---------------------------------------------------------------------------

const Finite = v.pipe(v.number(), v.finite());

const SavedGameSchema = v.object({
  format: v.literal(SAVED_GAME_FORMAT),
  version: v.literal(SAVED_GAME_VERSION),
  room: v.pipe(v.string(), v.regex(/^[A-Z]{4}$/)),
  savedAtMs: Finite,
  townSeed: v.pipe(
    v.number(),
    v.integer(),
    v.minValue(0),
    v.maxValue(0xffffffff),
  ),
  townHash: v.pipe(v.number(), v.integer()),
  state: SavedStateSchema,
});

// ---------------------------------------------------------------------------
// Encoding and checks
// ---------------------------------------------------------------------------

const fingerprints = new WeakMap<Town, number>();

/**
 * A 32-bit FNV-1a hash of the town's JSON (memoised per town object).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { generateTown } from "../game/mod.ts";
 * import { townFingerprint } from "./saved_game.ts";
 * assert.equal(townFingerprint(generateTown(5)), townFingerprint(generateTown(5)));
 * assert.notEqual(townFingerprint(generateTown(5)), townFingerprint(generateTown(6)));
 * ```
 */
export function townFingerprint(town: Town): number {
  const known = fingerprints.get(town);
  if (known !== undefined) return known;
  const text = JSON.stringify(town);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  }
  hash >>>= 0;
  fingerprints.set(town, hash);
  return hash;
}

/**
 * The save of a game for `room` (the state minus its town).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createGame } from "../game/mod.ts";
 * import { savedGameOf } from "./saved_game.ts";
 * const save = savedGameOf(createGame({ seed: 4 }), "ABCD", 0);
 * assert.equal(save.room, "ABCD");
 * assert.equal("town" in save.state, false);
 * ```
 */
export function savedGameOf(
  state: GameState,
  room: string,
  savedAtMs: number,
): SavedGame {
  const { town, ...rest } = state;
  return {
    format: SAVED_GAME_FORMAT,
    version: SAVED_GAME_VERSION,
    room,
    savedAtMs,
    townSeed: town.seed,
    townHash: townFingerprint(town),
    state: rest,
  };
}

/**
 * Reads a saved game back: null unless it is well-formed, of this version,
 * for `room`, consistent with its town and accepted by the engine. Never
 * throws.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createGame, joinPlayer } from "../game/mod.ts";
 * import { parseSavedGame, savedGameOf } from "./saved_game.ts";
 * const state = joinPlayer(createGame({ seed: 4 }), { id: "a", name: "Ann" }).state;
 * const text = JSON.stringify(savedGameOf(state, "ABCD", 0));
 * assert.equal(parseSavedGame(text, "ABCD")?.state.players[0].name, "Ann");
 * assert.equal(parseSavedGame(text, "WXYZ"), null);
 * assert.equal(parseSavedGame("{oops", "ABCD"), null);
 * ```
 */
export function parseSavedGame(
  text: string | null,
  room: string,
): RestoredGame | null {
  if (!text || text.length > MAX_SAVED_GAME_CHARS) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = v.safeParse(SavedGameSchema, raw);
  if (!parsed.success || parsed.output.room !== room) return null;
  try {
    const town = generateTown(parsed.output.townSeed);
    if (townFingerprint(town) !== parsed.output.townHash) return null;
    const state: GameState = { ...parsed.output.state, town };
    if (!consistent(state, town)) return null;
    // The engine must take it: one empty step, every view, the HUD.
    step(state, [], 0);
    for (const player of state.players) playerView(state, player.id);
    houseStatuses(state);
    hud(state);
    return { room, savedAtMs: parsed.output.savedAtMs, state };
  } catch {
    return null;
  }
}

/** Cross-field checks the schema cannot make. */
function consistent(state: GameState, town: Town): boolean {
  const ids = new Set(state.players.map((p) => p.id));
  if (ids.size !== state.players.length) return false;
  if (state.vipId !== null && !ids.has(state.vipId)) return false;
  if (state.players.length > 0 && state.vipId === null) return false;
  // Phase, outcome and pause agree; the clock is within the round.
  if ((state.phase === "over") !== (state.outcome !== null)) return false;
  if (state.paused && state.phase !== "playing") return false;
  if (state.clockMs > state.roundLengthMs) return false;
  const left = Math.max(0, state.roundLengthMs - state.clockMs);
  if (Math.abs(state.timeLeftMs - left) > 1) return false;
  // Stations and vehicles are the town's.
  if (state.stations.length !== town.stations.length) return false;
  if (
    state.stations.some((s, i) =>
      s.id !== i || s.kind !== town.stations[i].kind
    )
  ) return false;
  if (state.vehicles.length !== town.vehicleSpawns.length) return false;
  for (const [i, vehicle] of state.vehicles.entries()) {
    if (vehicle.id !== i) return false;
    if (vehicle.driverId === null) continue;
    const driver = state.players.find((p) => p.id === vehicle.driverId);
    if (!driver || driver.vehicleId !== i) return false;
  }
  for (const player of state.players) {
    if (player.vehicleId === null) continue;
    if (state.vehicles[player.vehicleId]?.driverId !== player.id) return false;
  }
  // Orders are at the town's houses, with ids the state has handed out.
  const orderIds = new Set<number>();
  for (const order of state.orders) {
    if (order.houseId >= town.houses.length) return false;
    if (order.id >= state.nextOrderId || orderIds.has(order.id)) return false;
    orderIds.add(order.id);
  }
  // The timeline is sorted by (atMs, seq), as the engine keeps it.
  for (const [i, entry] of state.timeline.entries()) {
    if (entry.seq >= state.nextSeq) return false;
    const prev = state.timeline[i - 1];
    if (
      prev &&
      (prev.atMs > entry.atMs ||
        (prev.atMs === entry.atMs && prev.seq >= entry.seq))
    ) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------
// Storage
// ---------------------------------------------------------------------------

/** Options of a {@link GameSaveStore}. */
export interface GameSaveStoreOptions {
  /**
   * Where the saves live (the page passes `localStorage`); `key` and
   * `length`, when there, let {@link GameSaveStore.prune} find old saves.
   */
  storage:
    & Pick<Storage, "getItem" | "setItem" | "removeItem">
    & Partial<Pick<Storage, "key" | "length">>;
  /**
   * Least time between two throttled saves, in ms.
   * @default SAVE_INTERVAL_MS
   */
  intervalMs?: number;
  /**
   * Clock, ms.
   * @default Date.now
   */
  now?: () => number;
}

/**
 * Writes the host's game to storage (throttled) and reads it back checked.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createGame } from "../game/mod.ts";
 * import { GameSaveStore } from "./saved_game.ts";
 * const data = new Map<string, string>();
 * const storage = {
 *   getItem: (k: string) => data.get(k) ?? null,
 *   setItem: (k: string, v: string) => void data.set(k, v),
 *   removeItem: (k: string) => void data.delete(k),
 * };
 * const store = new GameSaveStore({ storage });
 * const state = createGame({ seed: 9 });
 * assert.equal(store.save(state, "ABCD"), true);
 * assert.equal(store.save(state, "ABCD"), false, "throttled");
 * assert.equal(store.load("ABCD")?.state.town.seed, state.town.seed);
 * assert.equal(store.load("WXYZ"), null, "one save per room");
 * ```
 */
export class GameSaveStore {
  #storage: GameSaveStoreOptions["storage"];
  #intervalMs: number;
  #now: () => number;
  #lastSaveMs = -Infinity;

  /**
   * Nothing is read or written until the first call.
   *
   * @throws RangeError when `intervalMs` is negative or not a number
   */
  constructor(options: GameSaveStoreOptions) {
    const { storage, intervalMs = SAVE_INTERVAL_MS, now = Date.now } = options;
    if (!(intervalMs >= 0)) {
      throw new RangeError(
        `Cannot save games as 'intervalMs' must be a non-negative number: current value is ${intervalMs}`,
      );
    }
    this.#storage = storage;
    this.#intervalMs = intervalMs;
    this.#now = now;
  }

  /**
   * Saves `state` for `room` unless the last save is younger than the
   * interval (`force` saves anyway, e.g. when the page hides).
   *
   * @returns whether it was written
   */
  save(state: GameState, room: string, force = false): boolean {
    const now = this.#now();
    if (!force && now - this.#lastSaveMs < this.#intervalMs) return false;
    this.#lastSaveMs = now;
    try {
      this.#storage.setItem(
        savedGameKey(room),
        JSON.stringify(savedGameOf(state, room, now)),
      );
      return true;
    } catch {
      return false; // Private mode or full storage: a reload starts afresh.
    }
  }

  /** The saved game of `room`, or null; a save that fails the checks is removed. */
  load(room: string): RestoredGame | null {
    let text: string | null;
    try {
      text = this.#storage.getItem(savedGameKey(room));
    } catch {
      return null;
    }
    if (text === null) return null;
    const restored = parseSavedGame(text, room);
    if (!restored) this.discard(room);
    return restored;
  }

  /** Forgets the saved game of `room`. */
  discard(room: string): void {
    try {
      this.#storage.removeItem(savedGameKey(room));
    } catch {
      // Nothing to forget.
    }
  }

  /**
   * Forgets every saved game but those of `keep` (rooms that may still be
   * resumed), so saves of long-gone rooms do not fill the storage.
   *
   * @returns the rooms whose saves were removed
   */
  prune(keep: ReadonlySet<string>): string[] {
    const removed: string[] = [];
    try {
      const { key, length } = this.#storage;
      if (typeof key !== "function" || typeof length !== "number") {
        return removed;
      }
      const prefix = `${SAVED_GAME_KEY}:`;
      const rooms: string[] = [];
      for (let i = 0; i < length; i++) {
        const name = key.call(this.#storage, i);
        if (name?.startsWith(prefix)) rooms.push(name.slice(prefix.length));
      }
      for (const room of rooms) {
        if (keep.has(room)) continue;
        this.discard(room);
        removed.push(room);
      }
    } catch {
      // Storage that cannot be listed keeps its saves.
    }
    return removed;
  }
}
