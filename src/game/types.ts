/**
 * The game state and the inputs and events of the rules engine. The state is
 * plain JSON-serialisable data: positions are pixels of the fixed logical
 * world (40 x 30 tiles of 32 px, origin top-left, y down), times are ms of
 * round time (which stands still while the game is paused).
 *
 * @module
 */

import type { Difficulty } from "./difficulty.ts";
import type { Item } from "./items.ts";
import type { Town } from "./town.ts";

/** Phase of a game. "paused" is not a phase: see `GameState.paused`. */
export type Phase = "lobby" | "playing" | "over";

/** Which way a player or vehicle faces, from its last movement. */
export type Facing = "up" | "down" | "left" | "right";

/** A player. Players stay in join order in `GameState.players`. */
export interface Player {
  /** Stable id given by the host (e.g. the signaling username). */
  id: string;
  /** Display name, at most 20 characters. */
  name: string;
  /** CSS hex colour, unique among current players. */
  color: string;
  /** Centre x in px (while driving: the vehicle's). */
  x: number;
  /** Centre y in px (while driving: the vehicle's). */
  y: number;
  /** Facing, for the sprite. */
  facing: Facing;
  /** Whether the stick is pushed (for walk animation). */
  moving: boolean;
  /** Last stick x in [-1, 1]. */
  stickX: number;
  /** Last stick y in [-1, 1] (down positive, as on screen). */
  stickY: number;
  /** Up to 3 items. */
  backpack: Item[];
  /** Ingredient bitmask this player is allergic to (0 = none). */
  allergyMask: number;
  /** False while the phone is away; the game pauses meanwhile. */
  connected: boolean;
  /** Vehicle being driven, or null on foot. */
  vehicleId: number | null;
}

/** A table or oven with what it holds. Ids match `Town.stations`. */
export interface Station {
  /** Index in `Town.stations`. */
  id: number;
  /** Table or oven. */
  kind: "table" | "oven";
  /** The item on it, or null. */
  item: Item | null;
}

/** A vehicle on the roads. */
export interface Vehicle {
  /** Index in `GameState.vehicles`. */
  id: number;
  /** Centre x in px. */
  x: number;
  /** Centre y in px. */
  y: number;
  /** Facing, for the sprite. */
  facing: Facing;
  /** Player driving it, or null when parked. */
  driverId: string | null;
}

/** An open order at a house. */
export interface Order {
  /** Unique within a round, increasing. */
  id: number;
  /** House that ordered. */
  houseId: number;
  /** The wanted pizza (ingredient bitmask). */
  mask: number;
  /** Whether the pizza must be baked. */
  needsBaking: boolean;
  /** "ordering": waiting to be taken at the door; "waiting": taken, waiting for the pizza. */
  stage: "ordering" | "waiting";
  /** Round time at which the current deadline started, ms. */
  startedMs: number;
  /** Round time of the current deadline, ms. */
  deadlineMs: number;
  /** Length of the hourglass part at the end of the current deadline, ms. */
  warningMs: number;
  /** Player who took it by hand, or null (not yet, or taken automatically). */
  takenBy: string | null;
}

/** An entry of the timeline: one queue of timed events, kept sorted by time. */
export interface TimelineEntry {
  /** Round time at which it fires, ms. */
  atMs: number;
  /** Insertion number: breaks ties, so equal times fire in insertion order. */
  seq: number;
  /** What happens: try to place an order, or an order's deadline passes. */
  kind: "spawn_order" | "deadline";
  /** For "deadline": the order. */
  orderId: number;
}

/** How a game ended. */
export interface Outcome {
  /** True when the timer reached 0:00 with the team alive. */
  won: boolean;
  /** Why it ended. */
  reason: OutcomeReason;
  /** A sentence for players. */
  text: string;
}

/** Why a game ended. */
export type OutcomeReason =
  | "time_up"
  | "strikes"
  | "bankrupt"
  | "everyone_left";

/** The whole game. Treat as read-only: the engine returns new states. */
export interface GameState {
  /** Format version of this object. */
  version: 1;
  /** PRNG state (mulberry32), advanced by the engine. */
  rng: number;
  /** The town of this round (shared between states, never mutated). */
  town: Town;
  /** Lobby, playing or over. */
  phase: Phase;
  /** True while playing with any player disconnected: nothing moves or times out. */
  paused: boolean;
  /** Chosen difficulty. */
  difficulty: Difficulty;
  /** Length of a round, ms (6:00 unless configured). */
  roundLengthMs: number;
  /** Round time elapsed, ms; frozen while paused. */
  clockMs: number;
  /** Round time left, ms (roundLengthMs - clockMs, never below 0). */
  timeLeftMs: number;
  /** Team money, coins. */
  money: number;
  /** Failed orders so far. */
  strikes: number;
  /** Pizzas delivered this round. */
  delivered: number;
  /** Set when the phase is "over". */
  outcome: Outcome | null;
  /** Players in join order. */
  players: Player[];
  /** The VIP's id (first to join; passes on only when the VIP leaves for good). */
  vipId: string | null;
  /** Tables and ovens, ids as in `town.stations`. */
  stations: Station[];
  /** The vehicles. */
  vehicles: Vehicle[];
  /** Open orders, oldest first. */
  orders: Order[];
  /** Timed events, sorted by (atMs, seq). */
  timeline: TimelineEntry[];
  /** Next order id. */
  nextOrderId: number;
  /** Next timeline seq. */
  nextSeq: number;
  /** Steps simulated since the game was created. */
  tick: number;
}

/** Tone of a feedback message: colours it on the phone and the big screen. */
export type Tone = "info" | "good" | "bad";

/** Names of world events, for sounds and effects on the host. */
export type WorldEventName =
  | "player_joined"
  | "player_left"
  | "player_disconnected"
  | "player_reconnected"
  | "game_started"
  | "game_paused"
  | "game_resumed"
  | "game_won"
  | "game_lost"
  | "order_placed"
  | "order_taken"
  | "order_failed"
  | "delivered"
  | "bought"
  | "dropped"
  | "combined"
  | "picked_up"
  | "thrown_away"
  | "baked"
  | "burned"
  | "vehicle_entered"
  | "vehicle_left"
  | "refused";

/** A message for one player's phone (and floating text over that player). */
export interface FeedbackEvent {
  /** Discriminant. */
  type: "feedback";
  /** Who it is for. */
  playerId: string;
  /** Short sentence, e.g. "Not enough money!". */
  text: string;
  /** Colour. */
  tone: Tone;
}

/** Something the host screen may show or play a sound for. */
export interface WorldEvent {
  /** Discriminant. */
  type: "world";
  /** What happened. */
  name: WorldEventName;
  /** Where, px (for floating text and positional sound). */
  x: number;
  /** Where, px. */
  y: number;
  /** Optional floating text, e.g. "+23". */
  text?: string;
  /** Player concerned, if any. */
  playerId?: string;
  /** House concerned, if any. */
  houseId?: number;
}

/** Anything `step` and the engine calls report. */
export type GameEvent = FeedbackEvent | WorldEvent;

/** Input from one phone. */
export type PlayerInput =
  | {
    /** Joystick: x, y in [-1, 1], y down; (0, 0) stops. */
    type: "move";
    x: number;
    y: number;
  }
  | {
    /** One of the ids in the player's current context actions. */
    type: "action";
    id: string;
  };

/** A player's input, addressed. */
export interface PlayerCommand {
  /** Who sent it. */
  playerId: string;
  /** What they sent. */
  input: PlayerInput;
}

/** Why an engine call was refused. */
export type EngineError =
  | "room_full"
  | "duplicate_id"
  | "not_in_lobby"
  | "unknown_player"
  | "already_connected"
  | "bad_difficulty"
  | "no_players"
  | "wrong_phase";

/** What every engine call returns: a new state plus events, or a refusal. */
export interface EngineResult {
  /** The new state (the old one when refused). */
  state: GameState;
  /** Events produced. */
  events: GameEvent[];
  /** Refusal code, when refused. */
  error?: EngineError;
}
