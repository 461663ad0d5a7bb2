/**
 * The audience's messages: phones that watch and vote speak only to the
 * server over their WebSocket, never to the host. One schema per shape.
 *
 * - Audience phone -> server: `watchRoom`, `audienceVote`, `audienceReact`.
 * - Host -> server: `audienceUpdate` (at most twice a second),
 *   `audiencePrompt` (a vote opens), `audienceClose` (it closes).
 * - Server -> audience phone: `watching`, `audienceUpdate`, `audiencePrompt`,
 *   `voted`.
 * - Server -> host: `audienceTally` (at most twice a second).
 *
 * @module
 */
import * as v from "valibot";
import { ROOM_CODE_LENGTH, UsernameSchema } from "./shared.ts";
import { EVENT_IDS, INGREDIENT_IDS, TOWN_IDS } from "./phone_words.ts";

/** The reactions an audience member can send, by key (the phone draws them). */
export const REACTION_KINDS = ["cheer", "laugh", "wow", "love", "yum"] as const;

/** A reaction key. */
export type ReactionKind = typeof REACTION_KINDS[number];

/** Most options in one vote. */
export const MAX_VOTE_OPTIONS = 5;
/** Most open orders in one audience update. */
export const MAX_AUDIENCE_ORDERS = 24;

const RoomSchema = v.pipe(
  v.string("a room code must be text"),
  v.trim(),
  v.toUpperCase(),
  v.regex(
    new RegExp(`^[A-Z]{${ROOM_CODE_LENGTH}}$`),
    "a room code is 4 letters",
  ),
);
const Count = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
const PromptId = v.pipe(v.number(), v.safeInteger(), v.minValue(0));

// ---------------------------------------------------------------------------
// Audience phone -> server
// ---------------------------------------------------------------------------

/** Watch a room as the audience, under a name (not unique, never a seat). */
export const WatchRoomSchema = v.object({
  action: v.literal("watchRoom"),
  room: RoomSchema,
  name: UsernameSchema,
});

/** Vote for option `option` of prompt `promptId` (one vote per prompt counts). */
export const AudienceVoteSchema = v.object({
  action: v.literal("audienceVote"),
  promptId: PromptId,
  option: v.pipe(
    v.number(),
    v.integer(),
    v.minValue(0),
    v.maxValue(MAX_VOTE_OPTIONS - 1),
  ),
});

/** Send a reaction (within the member's reaction budget). */
export const AudienceReactSchema = v.object({
  action: v.literal("audienceReact"),
  kind: v.picklist(REACTION_KINDS),
});

// ---------------------------------------------------------------------------
// Host -> server
// ---------------------------------------------------------------------------

/** An event going on, as the audience sees it: its id (the phone words it). */
export const AudienceEventViewSchema = v.object({
  event: v.picklist(EVENT_IDS),
  /** Round time left of the event, ms. */
  leftMs: Count,
});

/** What the audience sees of the game: small, sent at most twice a second. */
export const AudienceViewSchema = v.object({
  phase: v.picklist(["lobby", "playing", "over"]),
  paused: v.boolean(),
  money: v.pipe(v.number(), v.safeInteger()),
  timeLeftMs: Count,
  strikes: Count,
  maxStrikes: Count,
  delivered: Count,
  /** Open orders: the wanted pizza (ingredient ids, baked) and the time left, ms. */
  orders: v.pipe(
    v.array(v.object({
      ingredients: v.pipe(
        v.array(v.picklist(INGREDIENT_IDS)),
        v.maxLength(INGREDIENT_IDS.length),
      ),
      baked: v.boolean(),
      leftMs: Count,
    })),
    v.maxLength(MAX_AUDIENCE_ORDERS),
  ),
  event: v.nullable(AudienceEventViewSchema),
});

/** What the audience sees of the game. */
export type AudienceView = v.InferOutput<typeof AudienceViewSchema>;

/** The host's audience update. */
export const AudienceUpdateSchema = v.object({
  action: v.literal("audienceUpdate"),
  state: AudienceViewSchema,
});

/**
 * A vote as the audience sees it: its options by id, an event's or a town
 * flavour's (the phone words them).
 */
export const VotePromptViewSchema = v.object({
  id: PromptId,
  about: v.picklist(["event", "flavour"]),
  options: v.pipe(
    v.array(v.picklist([...EVENT_IDS, ...TOWN_IDS])),
    v.minLength(2),
    v.maxLength(MAX_VOTE_OPTIONS),
  ),
  /** How long the vote stays open, ms. */
  openMs: Count,
});

/** A vote as the audience sees it. */
export type VotePromptView = v.InferOutput<typeof VotePromptViewSchema>;

/** The host opens a vote (one a minute at most). */
export const AudiencePromptSchema = v.object({
  action: v.literal("audiencePrompt"),
  prompt: VotePromptViewSchema,
});

/** The host closes a vote: later votes don't count, a final tally follows. */
export const AudienceCloseSchema = v.object({
  action: v.literal("audienceClose"),
  promptId: PromptId,
});

// ---------------------------------------------------------------------------
// Server -> audience phone and host
// ---------------------------------------------------------------------------

/** Reactions since the last tally, per kind (only kinds sent). */
export const ReactionCountsSchema = v.record(v.picklist(REACTION_KINDS), Count);

/** Every message the server sends about the audience. */
export const AudienceServerMessageSchema = v.variant("type", [
  /** To a phone that asked to watch: it is in. */
  v.object({
    type: v.literal("watching"),
    room: v.string(),
    name: v.string(),
    state: v.nullable(AudienceViewSchema),
    prompt: v.nullable(VotePromptViewSchema),
    /** The option this member voted for in `prompt`, or null. */
    voted: v.nullable(Count),
  }),
  /** To every phone of the room: the host's latest update. */
  v.object({ type: v.literal("audienceUpdate"), state: AudienceViewSchema }),
  /** To every phone of the room: a vote opened (prompt) or closed (null). */
  v.object({
    type: v.literal("audiencePrompt"),
    prompt: v.nullable(VotePromptViewSchema),
  }),
  /** To one phone: its vote counts. */
  v.object({ type: v.literal("voted"), promptId: Count, option: Count }),
  /** To the host: the vote's counts and the reactions since the last tally. */
  v.object({
    type: v.literal("audienceTally"),
    promptId: v.nullable(Count),
    counts: v.array(Count),
    /** Per option, the arrival number of its last counted vote (-1: none). */
    reached: v.array(v.pipe(v.number(), v.safeInteger(), v.minValue(-1))),
    /** True for the tally that follows `audienceClose`. */
    final: v.boolean(),
    reactions: ReactionCountsSchema,
    /** Audience members watching now. */
    watching: Count,
  }),
]);

/** Every message the server sends about the audience. */
export type AudienceServerMessage = v.InferOutput<
  typeof AudienceServerMessageSchema
>;
