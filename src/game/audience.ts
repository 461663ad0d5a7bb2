/**
 * The audience's part of the rules (GAME.md, "The audience"): the event vote
 * every 60 s of a round, the events themselves, and the town-flavour vote
 * between rounds. Votes reach the engine only as tallies (see `vote.ts`):
 * the engine opens a prompt at its time, the host closes it with the tally,
 * and the winner happens for the next minute. Everything here is
 * deterministic: the options and the closed street are drawn from a PRNG
 * seeded by the town and the prompt, never from the game's own stream.
 *
 * @module
 */

import {
  EVENT_LENGTH_MS,
  FREE_DELIVERY_EXTRA_MS,
  PLAYER_RADIUS_PX,
  ROAD_WORKS_ATTEMPTS,
  ROAD_WORKS_TILES,
  TILE_SIZE_PX,
  TOWN_HEIGHT_TILES,
  TOWN_WIDTH_TILES,
  VEHICLE_RADIUS_PX,
  VOTE_EVERY_MS,
  VOTE_OPEN_MS,
  VOTE_OPTION_COUNT,
  WORLD_HEIGHT_PX,
  WORLD_WIDTH_PX,
} from "./constants.ts";
import { EVENT_WORDS } from "./event_words.ts";
import { feedback, world } from "./events.ts";
import { shuffled, toSeed } from "./random.ts";
import { cancelDeadlines, schedule } from "./timeline.ts";
import {
  isWalkable,
  NEIGHBOURS_4,
  tileAt,
  tileIndex,
  TileKind,
  type TilePos,
  walkDistances,
} from "./tiles.ts";
import { type Town, TOWN_FLAVOURS, type TownFlavour } from "./town.ts";
import type { EngineError, GameEvent, GameState } from "./types.ts";
import { type Tally, voteWinner } from "./vote.ts";

/** The five audience events, in a fixed order. */
export const AUDIENCE_EVENTS = [
  "rush_hour",
  "generous_tips",
  "rain",
  "road_works",
  "free_delivery",
] as const;

/** An audience event. */
export type AudienceEventKind = typeof AUDIENCE_EVENTS[number];

/** The audience's part of the game state. */
export type AudienceState = GameState["audience"];

export { EVENT_WORDS };

/** Title of each town flavour, for the TV and phones. */
export const FLAVOUR_WORDS: Readonly<Record<TownFlavour, string>> = {
  classic: "Classic town",
  compact: "Compact town",
  spread: "Spread-out town",
};

/** The audience state of a fresh game or round. */
export function freshAudience(
  flavour: TownFlavour = "classic",
  everyMs: number = VOTE_EVERY_MS,
): AudienceState {
  return {
    prompt: null,
    nextPromptMs: everyMs,
    nextPromptId: 1,
    event: null,
    townFlavour: flavour,
    nextTownFlavour: flavour,
    everyMs,
  };
}

/** A PRNG holder for one prompt of one town, apart from the game's stream. */
function promptRng(town: Town, promptId: number): { rng: number } {
  return { rng: toSeed(Math.imul(town.seed ^ 0x5bd1e995, 31) + promptId) };
}

/**
 * Runs the audience's clock for the round time just reached: ends the event
 * whose minute is over, and opens the event vote when it is due (every 60 s,
 * as long as the round has time for the vote). Called by `step` while
 * playing.
 */
export function runAudience(state: GameState, events: GameEvent[]): void {
  const a = state.audience;
  if (a.event && state.clockMs >= a.event.endsMs) endEvent(state, events);
  if (a.prompt || state.clockMs < a.nextPromptMs) return;
  a.nextPromptMs += a.everyMs;
  if (state.clockMs + VOTE_OPEN_MS >= state.roundLengthMs) return;
  const options = shuffled(
    promptRng(state.town, a.nextPromptId),
    AUDIENCE_EVENTS,
  )
    .slice(0, VOTE_OPTION_COUNT);
  openPrompt(state, events, "event", options);
}

function openPrompt(
  state: GameState,
  events: GameEvent[],
  about: "event" | "flavour",
  options: readonly string[],
): void {
  const a = state.audience;
  a.prompt = {
    id: a.nextPromptId++,
    about,
    options: [...options],
    openedMs: state.clockMs,
    closesMs: state.clockMs + VOTE_OPEN_MS,
  };
  const words = about === "event"
    ? options.map((o) => EVENT_WORDS[o as AudienceEventKind].title)
    : options.map((o) => FLAVOUR_WORDS[o as TownFlavour]);
  world(events, "vote_opened", WORLD_WIDTH_PX / 2, WORLD_HEIGHT_PX / 2, {
    text: `Vote: ${words.join(" / ")}`,
  });
}

/**
 * Opens the between-rounds vote on the next town's flavour (game over only;
 * refused while another vote is open).
 */
export function openFlavourVote(
  state: GameState,
  events: GameEvent[],
): EngineError | null {
  if (state.phase !== "over") return "wrong_phase";
  if (state.audience.prompt) return "vote_open";
  openPrompt(state, events, "flavour", TOWN_FLAVOURS);
  return null;
}

/**
 * Closes the open vote with its tally: the winner (see `voteWinner`) happens
 * now for the next minute, or becomes the next town's flavour. Nobody voted:
 * nothing happens. Refused: no open vote, or a tally of another prompt.
 */
export function closeVote(
  state: GameState,
  events: GameEvent[],
  tally: Tally,
): EngineError | null {
  const a = state.audience;
  const prompt = a.prompt;
  if (!prompt) return "no_vote";
  if (
    typeof tally !== "object" || tally === null || tally.promptId !== prompt.id
  ) return "no_vote";
  a.prompt = null;
  const won = voteWinner(tally);
  const option = won === null ? undefined : prompt.options[won];
  const at = { x: WORLD_WIDTH_PX / 2, y: WORLD_HEIGHT_PX / 2 };
  if (option === undefined) {
    world(events, "vote_closed", at.x, at.y, { text: "No votes" });
    return null;
  }
  if (prompt.about === "flavour") {
    a.nextTownFlavour = option as TownFlavour;
    world(events, "vote_closed", at.x, at.y, {
      text: `Next: ${FLAVOUR_WORDS[option as TownFlavour]}`,
    });
    return null;
  }
  if (state.phase !== "playing") return null;
  startEvent(state, events, option as AudienceEventKind, prompt.id);
  return null;
}

/**
 * Starts an event for the next minute (ending the one going on). `salt`
 * seeds the street road works close (the prompt id).
 */
export function startEvent(
  state: GameState,
  events: GameEvent[],
  kind: AudienceEventKind,
  salt: number,
): EngineError | null {
  if (state.phase !== "playing") return "wrong_phase";
  if (!(kind in EVENT_WORDS)) return "no_vote";
  if (state.audience.event) endEvent(state, events);
  const closedTiles = kind === "road_works" ? roadWorksTiles(state, salt) : [];
  state.audience.event = {
    kind,
    startedMs: state.clockMs,
    endsMs: state.clockMs + EVENT_LENGTH_MS,
    closedTiles,
  };
  if (closedTiles.length > 0) {
    state.town = withTiles(state.town, closedTiles, TileKind.RoadWorks);
  }
  if (kind === "free_delivery") extendOldestOrder(state);
  const words = EVENT_WORDS[kind];
  world(events, "event_started", WORLD_WIDTH_PX / 2, WORLD_HEIGHT_PX / 2, {
    text: words.title,
  });
  for (const p of state.players) {
    feedback(events, p.id, { key: "note.event", event: kind }, "info");
  }
  return null;
}

function endEvent(state: GameState, events: GameEvent[]): void {
  const e = state.audience.event;
  if (!e) return;
  state.audience.event = null;
  if (e.closedTiles.length > 0) {
    state.town = withTiles(state.town, e.closedTiles, TileKind.Road);
  }
  world(events, "event_ended", WORLD_WIDTH_PX / 2, WORLD_HEIGHT_PX / 2, {
    text: `${EVENT_WORDS[e.kind].title} is over`,
  });
}

function extendOldestOrder(state: GameState): void {
  const order = state.orders[0];
  if (!order) return;
  cancelDeadlines(state, order.id);
  order.deadlineMs += FREE_DELIVERY_EXTRA_MS;
  schedule(state, order.deadlineMs, "deadline", order.id);
}

/**
 * A copy of a town with some tiles set to one kind (road works close roads
 * and reopen them). The town object changes, so caches keyed by it refresh.
 */
export function withTiles(
  town: Town,
  tiles: readonly number[],
  kind: number,
): Town {
  const copy = town.tiles.slice();
  for (const i of tiles) copy[i] = kind;
  return { ...town, tiles: copy };
}

/**
 * The town of a restored state: the generated town with the road works of
 * the event going on (a saved game keeps only the seed and flavour).
 */
export function townOfSaved(town: Town, audience: AudienceState): Town {
  const closed = audience.event?.closedTiles ?? [];
  return closed.length > 0 ? withTiles(town, closed, TileKind.RoadWorks) : town;
}

/**
 * The tiles of the street segment road works close: two road tiles in a
 * straight street (no junction, no door), under nobody and no car, whose
 * closing cuts off no store, kitchen, house, player or car (walking) and
 * splits no road (driving). Empty when no segment qualifies.
 */
export function roadWorksTiles(state: GameState, salt: number): number[] {
  const town = state.town;
  const doors = new Set(
    [...town.stores, ...town.houses].map((b) =>
      tileIndex(b.door.tx, b.door.ty)
    ),
  );
  const road = (tx: number, ty: number) =>
    tileAt(town.tiles, tx, ty) === TileKind.Road;
  const candidates: number[][] = [];
  for (let ty = 0; ty < TOWN_HEIGHT_TILES; ty++) {
    for (let tx = 0; tx < TOWN_WIDTH_TILES; tx++) {
      for (const [dx, dy] of [[1, 0], [0, 1]]) {
        const seg: number[] = [];
        for (let k = 0; k < ROAD_WORKS_TILES; k++) {
          const x = tx + dx * k;
          const y = ty + dy * k;
          const straight = dx === 1
            ? !road(x, y - 1) && !road(x, y + 1)
            : !road(x - 1, y) && !road(x + 1, y);
          if (!road(x, y) || !straight || doors.has(tileIndex(x, y))) break;
          seg.push(tileIndex(x, y));
        }
        if (seg.length === ROAD_WORKS_TILES) candidates.push(seg);
      }
    }
  }
  const order = shuffled(promptRng(town, salt), candidates);
  for (const seg of order.slice(0, ROAD_WORKS_ATTEMPTS)) {
    if (segmentFree(state, seg) && keepsTownWhole(state, seg)) return seg;
  }
  return [];
}

function overlaps(i: number, x: number, y: number, r: number): boolean {
  const tx = i % TOWN_WIDTH_TILES;
  const ty = (i - tx) / TOWN_WIDTH_TILES;
  return x + r > tx * TILE_SIZE_PX && x - r < (tx + 1) * TILE_SIZE_PX &&
    y + r > ty * TILE_SIZE_PX && y - r < (ty + 1) * TILE_SIZE_PX;
}

function segmentFree(state: GameState, seg: readonly number[]): boolean {
  return seg.every((i) =>
    state.players.every((p) => !overlaps(i, p.x, p.y, PLAYER_RADIUS_PX)) &&
    state.vehicles.every((v) => !overlaps(i, v.x, v.y, VEHICLE_RADIUS_PX))
  );
}

/** The tiles every store, kitchen, house, player and car needs to reach. */
function placesToReach(state: GameState): TilePos[] {
  const town = state.town;
  const out: TilePos[] = [];
  for (const b of [...town.stores, ...town.houses]) out.push(b.door);
  for (const k of town.kitchens) out.push(...k.openings);
  for (const s of town.stations) {
    for (const [dx, dy] of NEIGHBOURS_4) {
      const n = { tx: s.tile.tx + dx, ty: s.tile.ty + dy };
      if (isWalkable(town.tiles, n.tx, n.ty)) out.push(n);
    }
  }
  for (const p of [...state.players, ...state.vehicles]) {
    out.push({
      tx: Math.floor(p.x / TILE_SIZE_PX),
      ty: Math.floor(p.y / TILE_SIZE_PX),
    });
  }
  return out;
}

/** Whether closing `seg` keeps every place reachable on foot and the roads in one piece. */
export function keepsTownWhole(
  state: GameState,
  seg: readonly number[],
): boolean {
  const closed = withTiles(state.town, seg, TileKind.RoadWorks);
  const places = placesToReach({ ...state, town: closed });
  if (places.length === 0) return true;
  const walk = walkDistances(closed.tiles, [places[0]]);
  if (places.some((t) => walk[tileIndex(t.tx, t.ty)] < 0)) return false;
  const roads: TilePos[] = [];
  for (let i = 0; i < closed.tiles.length; i++) {
    if (closed.tiles[i] !== TileKind.Road) continue;
    const tx = i % TOWN_WIDTH_TILES;
    roads.push({ tx, ty: (i - tx) / TOWN_WIDTH_TILES });
  }
  if (roads.length === 0) return true;
  const drive = walkDistances(
    closed.tiles,
    [roads[0]],
    (tx, ty) => tileAt(closed.tiles, tx, ty) === TileKind.Road,
  );
  return roads.every((t) => drive[tileIndex(t.tx, t.ty)] >= 0);
}
