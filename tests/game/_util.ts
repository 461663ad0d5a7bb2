/** Helpers shared by the rules-engine tests. */

import {
  createGame,
  joinPlayer,
  startGame,
  step,
} from "../../src/game/engine.ts";
import type { Difficulty } from "../../src/game/difficulty.ts";
import { stationAccessTiles } from "../../src/bots/pathfinding.ts";
import { tileCenterPx } from "../../src/game/tiles.ts";
import { englishSay, type Say } from "../../src/game/words.ts";
import type {
  EngineResult,
  GameEvent,
  GameState,
  Player,
} from "../../src/game/types.ts";

/** Options of {@link lobby} and {@link started}. */
export interface SetupOptions {
  /** @default 2 */
  players?: number;
  /** @default 0 */
  difficulty?: Difficulty;
  /** @default 7 */
  seed?: number;
  /** @default 360000 */
  roundLengthMs?: number;
}

/** A lobby with players "p0", "p1", ... */
export function lobby(options: SetupOptions = {}): GameState {
  const { players = 2, difficulty = 0, seed = 7, roundLengthMs } = options;
  let state = createGame({ seed, difficulty, roundLengthMs });
  for (let i = 0; i < players; i++) {
    state = joinPlayer(state, { id: `p${i}`, name: `Player ${i}` }).state;
  }
  return state;
}

/** A running round with players "p0", "p1", ... */
export function started(options: SetupOptions = {}): GameState {
  return startGame(lobby(options)).state;
}

/** A copy of the state changed by `fn` (the town stays shared). */
export function edit(
  state: GameState,
  fn: (draft: GameState) => void,
): GameState {
  const { town, ...rest } = state;
  const draft: GameState = { ...structuredClone(rest), town };
  fn(draft);
  return draft;
}

/** The player with an id (throws in tests when missing). */
export function player(state: GameState, id: string): Player {
  const p = state.players.find((q) => q.id === id);
  if (!p) throw new Error(`no player ${id}`);
  return p;
}

/** A copy with a player moved to a pixel position. */
export function moveTo(
  state: GameState,
  id: string,
  x: number,
  y: number,
): GameState {
  return edit(state, (d) => {
    const p = player(d, id);
    p.x = x;
    p.y = y;
  });
}

/** A copy with a player standing at a tile's centre. */
export function onTile(
  state: GameState,
  id: string,
  tile: { tx: number; ty: number },
): GameState {
  const c = tileCenterPx(tile.tx, tile.ty);
  return moveTo(state, id, c.x, c.y);
}

/** A copy with a player at the door of the first store selling `ingredient` (index). */
export function atStore(
  state: GameState,
  id: string,
  ingredient: number,
): GameState {
  const store = state.town.stores.find((s) => s.ingredientIndex === ingredient);
  if (!store) throw new Error("no store");
  return onTile(state, id, store.door);
}

/** A copy with a player next to a station (table or oven) by station id. */
export function atStation(
  state: GameState,
  id: string,
  stationId: number,
): GameState {
  const tiles = stationAccessTiles(state.town, stationId);
  if (tiles.length === 0) throw new Error("station without access");
  return onTile(state, id, tiles[0]);
}

/** The id of a table (or oven) of kitchen 0 that has an access tile. */
export function stationId(state: GameState, kind: "table" | "oven"): number {
  const s = state.town.stations.find((x) =>
    x.kind === kind && stationAccessTiles(state.town, x.id).length > 0
  );
  if (!s) throw new Error("no station");
  return s.id;
}

/** Runs one action for a player with no time passing. */
export function act(
  state: GameState,
  id: string,
  actionId: string,
): EngineResult {
  return step(state, [{
    playerId: id,
    input: { type: "action", id: actionId },
  }], 0);
}

/** A say's English, or undefined for none (a greyed-out reason that is not set). */
export function english(say: Say | undefined): string | undefined {
  return say ? englishSay(say) : undefined;
}

/** Feedback texts addressed to one player. */
export function texts(events: readonly GameEvent[], id: string): string[] {
  return events.flatMap((e) =>
    e.type === "feedback" && e.playerId === id ? [e.text] : []
  );
}

/** Runs `ms` of game time in 100 ms steps without input. */
export function wait(state: GameState, ms: number): EngineResult {
  let s = state;
  const events: GameEvent[] = [];
  for (let t = 0; t < ms; t += 100) {
    const r = step(s, [], Math.min(100, ms - t));
    s = r.state;
    events.push(...r.events);
  }
  return { state: s, events };
}
