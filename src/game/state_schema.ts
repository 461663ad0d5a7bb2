/**
 * The one schema of the game state (valibot): the engine's types are
 * inferred from it, and the host's saved game checks what it reads back with
 * it. Everything but the town is here (the town is regenerated from its seed
 * and never saved): `GameState` = {@link SavedState} plus `town`.
 *
 * Positions are pixels of the fixed logical world (40 x 30 tiles of 32 px,
 * origin top-left, y down); times are ms of round time (which stands still
 * while the game is paused).
 *
 * @module
 */

import * as v from "valibot";
import { BACKPACK_SLOTS, MAX_PLAYERS } from "./constants.ts";

/** Ingredient bitmask with all five (kept here to avoid an import cycle). */
const ALL_MASK = 0b11111;

const Finite = v.pipe(v.number(), v.finite());
const NonNegative = v.pipe(v.number(), v.finite(), v.minValue(0));
const Count = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
const Id = v.pipe(v.string(), v.minLength(1), v.maxLength(200));
const Mask = v.pipe(
  v.number(),
  v.integer(),
  v.minValue(0),
  v.maxValue(ALL_MASK),
);
const Stick = v.pipe(v.number(), v.finite(), v.minValue(-1), v.maxValue(1));

/** Which way a player or vehicle faces, from its last movement. */
export const FacingSchema = v.picklist(["up", "down", "left", "right"]);

/**
 * An item (backpack, table or oven): `mask` is the ingredient bitmask (bit i
 * = INGREDIENTS[i]); `heat` 0 (cold) to 1 (full) belongs to the item; a
 * `burned` item matches no order and can only be thrown away.
 */
export const ItemSchema = v.object({
  mask: Mask,
  heat: v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(1)),
  burned: v.boolean(),
});

/**
 * A player's numbers for the game-over screen, reset at each round start:
 * pizzas delivered, coins earned by them (pay + tip), px walked and driven.
 */
export const PlayerStatsSchema = v.object({
  deliveries: Count,
  moneyEarned: Count,
  walkedPx: NonNegative,
  drivenPx: NonNegative,
});

/**
 * A player, in join order in `GameState.players`: stable `id` (the signaling
 * username), display `name` (at most 20 characters), unique CSS `color`,
 * centre `x`/`y` (while driving: the vehicle's), `facing`, `moving`, last
 * stick `stickX`/`stickY` in [-1, 1], up to 3 `backpack` items,
 * `allergyMask`, `connected` (false while the phone is away: the round
 * pauses), `vehicleId` (null on foot), `waiting` (joined at game over: plays
 * from the next round) and `stats`.
 */
export const PlayerSchema = v.object({
  id: Id,
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
  color: v.pipe(v.string(), v.regex(/^#[0-9a-fA-F]{6}$/)),
  x: Finite,
  y: Finite,
  facing: FacingSchema,
  moving: v.boolean(),
  stickX: Stick,
  stickY: Stick,
  backpack: v.pipe(v.array(ItemSchema), v.maxLength(BACKPACK_SLOTS)),
  allergyMask: Mask,
  connected: v.boolean(),
  vehicleId: v.nullable(Count),
  waiting: v.boolean(),
  stats: PlayerStatsSchema,
});

/** A table or oven (`id` = index in `Town.stations`) with the item it holds. */
export const StationSchema = v.object({
  id: Count,
  kind: v.picklist(["table", "oven"]),
  item: v.nullable(ItemSchema),
});

/** A vehicle (`id` = index in `GameState.vehicles`), driven by `driverId` or parked (null). */
export const VehicleSchema = v.object({
  id: Count,
  x: Finite,
  y: Finite,
  facing: FacingSchema,
  driverId: v.nullable(Id),
});

/**
 * An open order at a house: the wanted pizza `mask`, `needsBaking`, `stage`
 * ("ordering": waiting to be taken at the door; "waiting": taken, waiting for
 * the pizza), the current deadline (`startedMs`, `deadlineMs`, hourglass
 * `warningMs`) and `takenBy` (null until taken by hand, or when automatic).
 */
export const OrderSchema = v.object({
  id: Count,
  houseId: Count,
  mask: Mask,
  needsBaking: v.boolean(),
  stage: v.picklist(["ordering", "waiting"]),
  startedMs: NonNegative,
  deadlineMs: NonNegative,
  warningMs: NonNegative,
  takenBy: v.nullable(Id),
});

/**
 * A timeline entry: fires at `atMs`; `seq` breaks ties in insertion order;
 * "spawn_order" tries to place an order, "deadline" fails order `orderId`.
 */
export const TimelineEntrySchema = v.object({
  atMs: NonNegative,
  seq: Count,
  kind: v.picklist(["spawn_order", "deadline"]),
  orderId: v.pipe(v.number(), v.safeInteger(), v.minValue(-1)),
});

/** The audience's events (GAME.md, "The audience"). */
export const AudienceEventKindSchema = v.picklist([
  "rush_hour",
  "generous_tips",
  "rain",
  "road_works",
  "free_delivery",
]);

/** Town flavours the audience votes on between rounds (see `TOWN_FLAVOURS`). */
export const TownFlavourSchema = v.picklist(["classic", "compact", "spread"]);

/**
 * An open audience vote: `id`, what it is about ("event": three events for
 * the next minute; "flavour": the next town), the `options` (event kinds or
 * flavours), when it opened and when the host closes it (ms of round time).
 */
export const VotePromptSchema = v.object({
  id: Count,
  about: v.picklist(["event", "flavour"]),
  options: v.pipe(v.array(v.pipe(v.string(), v.maxLength(40))), v.maxLength(5)),
  openedMs: NonNegative,
  closesMs: NonNegative,
});

/** The event going on: its kind, its time span and the tiles road works closed. */
export const AudienceEventSchema = v.object({
  kind: AudienceEventKindSchema,
  startedMs: NonNegative,
  endsMs: NonNegative,
  closedTiles: v.pipe(v.array(Count), v.maxLength(8)),
});

/**
 * The audience's part of the game: the open `prompt`, when the next event
 * vote opens, the next prompt id, the `event` going on, the flavour of the
 * current town and the one voted for the next, and how often an event vote
 * opens (`everyMs`: 60 s; shorter for quick games and tests).
 */
export const AudienceStateSchema = v.object({
  prompt: v.nullable(VotePromptSchema),
  nextPromptMs: NonNegative,
  nextPromptId: Count,
  event: v.nullable(AudienceEventSchema),
  townFlavour: TownFlavourSchema,
  nextTownFlavour: TownFlavourSchema,
  everyMs: v.optional(
    v.pipe(v.number(), v.finite(), v.minValue(1_000)),
    60_000,
  ),
});

/** Why a game ended. */
export const OutcomeReasonSchema = v.picklist([
  "time_up",
  "nothing_delivered",
  "too_few_deliveries",
  "strikes",
  "bankrupt",
  "everyone_left",
]);

/**
 * How a game ended: `won` (0:00 reached with the team alive and at least one
 * delivery per two players), the `reason`, a sentence for players and the star grade 0..3
 * (see `starGrade` in outcome.ts).
 */
export const OutcomeSchema = v.object({
  won: v.boolean(),
  reason: OutcomeReasonSchema,
  text: v.pipe(v.string(), v.maxLength(500)),
  stars: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(3)),
});

/**
 * The whole game but its town: format `version`, PRNG state `rng`, `phase`,
 * `paused` (playing with someone disconnected: nothing moves or times out),
 * `difficulty`, `dropIn` (a player may join mid-round), round length and
 * clock, team `money`, `strikes`, `delivered`, `outcome` (set when over),
 * `players` in join order, the VIP, `stations`, `vehicles`, open `orders`
 * (oldest first), the sorted `timeline`, id counters, `tick` (steps) and
 * the `audience` (votes and events; absent in older saves: none).
 */
export const SavedStateSchema = v.object({
  version: v.literal(1),
  rng: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(0xffffffff)),
  phase: v.picklist(["lobby", "playing", "over"]),
  paused: v.boolean(),
  difficulty: v.picklist([0, 1, 2, 3]),
  dropIn: v.boolean(),
  roundLengthMs: v.pipe(v.number(), v.finite(), v.minValue(1)),
  clockMs: NonNegative,
  timeLeftMs: NonNegative,
  money: v.pipe(v.number(), v.safeInteger()),
  strikes: Count,
  delivered: Count,
  outcome: v.nullable(OutcomeSchema),
  players: v.pipe(v.array(PlayerSchema), v.maxLength(MAX_PLAYERS)),
  vipId: v.nullable(Id),
  stations: v.array(StationSchema),
  vehicles: v.array(VehicleSchema),
  orders: v.array(OrderSchema),
  timeline: v.array(TimelineEntrySchema),
  nextOrderId: Count,
  nextSeq: Count,
  tick: Count,
  audience: v.optional(AudienceStateSchema, () => ({
    prompt: null,
    nextPromptMs: 60_000,
    nextPromptId: 1,
    event: null,
    townFlavour: "classic" as const,
    nextTownFlavour: "classic" as const,
    everyMs: 60_000,
  })),
});

/** The game state without its town, as saved. */
export type SavedState = v.InferOutput<typeof SavedStateSchema>;
