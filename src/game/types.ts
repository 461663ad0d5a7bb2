/**
 * The game state and the inputs and events of the rules engine. The state is
 * plain JSON-serialisable data: positions are pixels of the fixed logical
 * world (40 x 30 tiles of 32 px, origin top-left, y down), times are ms of
 * round time (which stands still while the game is paused).
 *
 * @module
 */

import type * as v from "valibot";
import type { Town } from "./town.ts";
import type { Say } from "./words.ts";
import type {
  FacingSchema,
  OrderSchema,
  OutcomeReasonSchema,
  OutcomeSchema,
  PlayerSchema,
  PlayerStatsSchema,
  SavedState,
  StationSchema,
  TimelineEntrySchema,
  VehicleSchema,
} from "./state_schema.ts";

export type { SavedState };

/** Phase of a game. "paused" is not a phase: see `GameState.paused`. */
export type Phase = SavedState["phase"];

/** Which way a player or vehicle faces, from its last movement. */
export type Facing = v.InferOutput<typeof FacingSchema>;

/** A player's numbers for the game-over screen (see `PlayerStatsSchema`). */
export type PlayerStats = v.InferOutput<typeof PlayerStatsSchema>;

/** A player (see `PlayerSchema`). Players stay in join order in `GameState.players`. */
export type Player = v.InferOutput<typeof PlayerSchema>;

/** A table or oven with what it holds. Ids match `Town.stations`. */
export type Station = v.InferOutput<typeof StationSchema>;

/** A vehicle on the roads. */
export type Vehicle = v.InferOutput<typeof VehicleSchema>;

/** An open order at a house (see `OrderSchema`). */
export type Order = v.InferOutput<typeof OrderSchema>;

/** An entry of the timeline: one queue of timed events, kept sorted by time. */
export type TimelineEntry = v.InferOutput<typeof TimelineEntrySchema>;

/** How a game ended (see `OutcomeSchema`). */
export type Outcome = v.InferOutput<typeof OutcomeSchema>;

/** Why a game ended. */
export type OutcomeReason = v.InferOutput<typeof OutcomeReasonSchema>;

/**
 * The whole game: the saved state (see `SavedStateSchema`) plus the town of
 * this round (shared between states, never mutated). Treat as read-only: the
 * engine returns new states.
 */
export type GameState = SavedState & {
  /** The town of this round. */
  town: Town;
};

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
  | "refused"
  | "vote_opened"
  | "vote_closed"
  | "event_started"
  | "event_ended";

/** A message for one player's phone (and floating text over that player). */
export interface FeedbackEvent {
  /** Discriminant. */
  type: "feedback";
  /** Who it is for. */
  playerId: string;
  /** What to say, as a key and parameters (each phone words it). */
  say: Say;
  /** The same in English, for the big screen: e.g. "Not enough money!". */
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
  | "unknown_player"
  | "already_connected"
  | "bad_difficulty"
  | "no_players"
  | "wrong_phase"
  | "drop_in_off"
  | "no_vote"
  | "vote_open";

/** What every engine call returns: a new state plus events, or a refusal. */
export interface EngineResult {
  /** The new state (the old one when refused). */
  state: GameState;
  /** Events produced. */
  events: GameEvent[];
  /** Refusal code, when refused. */
  error?: EngineError;
}
