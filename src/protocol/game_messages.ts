/**
 * Game messages: short `{ t, ... }` objects between a phone and the host,
 * over the WebRTC data channel (or the server relay when P2P fails).
 *
 * @module
 */
import * as v from "valibot";
import {
  describeIssue,
  fail,
  MAX_NAME_LENGTH,
  type ParseResult,
  utf8LengthExceeds,
} from "./shared.ts";
import {
  ALLERGY_EXEMPTIONS,
  EVENT_IDS,
  OUTCOME_REASONS,
  PhoneWordsSchema,
} from "./phone_words.ts";

/** Largest game message in UTF-8 bytes, either direction. */
export const MAX_GAME_MESSAGE_BYTES = 16_384;

const UnitSchema = v.pipe(
  v.number(),
  v.finite(),
  v.minValue(-1),
  v.maxValue(1),
);
const IdSchema = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
const ActionIdSchema = v.pipe(v.string(), v.minLength(1), v.maxLength(64));
const ShortTextSchema = v.pipe(v.string(), v.maxLength(32));
const ReasonSchema = v.pipe(v.string(), v.maxLength(200));

/** Every message a phone may send to the host. */
export const PhoneMessageSchema = v.variant("t", [
  /** Joystick: direction and strength, each axis in [-1, 1]. */
  v.object({ t: v.literal("move"), x: UnitSchema, y: UnitSchema }),
  /** A context button, by the id the host sent in the view. */
  v.object({ t: v.literal("act"), id: ActionIdSchema }),
  v.object({ t: v.literal("ping"), id: IdSchema }),
  v.object({ t: v.literal("pong"), id: IdSchema }),
  /** The phone leaves the game for good. */
  v.object({ t: v.literal("leave") }),
]);

/** What a phone sends to the host. */
export type PhoneMessage = v.InferOutput<typeof PhoneMessageSchema>;

const ItemViewSchema = v.object({
  ingredients: v.pipe(v.array(ShortTextSchema), v.maxLength(8)),
  heat: v.pipe(v.number(), v.minValue(0), v.maxValue(1)),
  baked: v.boolean(),
  burned: v.boolean(),
});

/** One button: its id, and its words as data (`src/protocol/phone_words.ts`). */
const ContextActionSchema = v.object({
  id: ActionIdSchema,
  /** What the button says. */
  say: PhoneWordsSchema,
  /** Ingredient ids, for icons. */
  ingredients: v.optional(v.pipe(v.array(ShortTextSchema), v.maxLength(8))),
  /** Set when the rules would refuse it here: the reason (drawn greyed). */
  disabled: v.optional(PhoneWordsSchema),
});

/** One open order on the phone's strip (see `orderChips` in src/game/view.ts). */
const OrderChipSchema = v.object({
  /** The house's short label, as on the TV. */
  house: v.pipe(v.string(), v.minLength(1), v.maxLength(4)),
  stage: v.picklist(["ordering", "waiting"]),
  ingredients: v.pipe(v.array(ShortTextSchema), v.maxLength(8)),
  /** Must be baked. */
  baked: v.boolean(),
  /** The round's time left at which it fails, ms (negative: after the round). */
  dueLeftMs: v.pipe(v.number(), v.finite()),
  /** Length of the hurry part before it fails, ms. */
  hurryMs: v.pipe(v.number(), v.finite(), v.minValue(0)),
  /** Whether this player took it. */
  mine: v.boolean(),
});

const CountSchema = v.pipe(v.number(), v.integer(), v.minValue(0));

/** One player's line on the game-over screen. */
const StatsRowSchema = v.object({
  name: v.pipe(v.string(), v.maxLength(MAX_NAME_LENGTH)),
  color: v.pipe(v.string(), v.regex(/^#[0-9a-fA-F]{6}$/)),
  deliveries: CountSchema,
  moneyEarned: CountSchema,
  walkedTiles: CountSchema,
  drivenTiles: CountSchema,
});

/** What one phone shows, derived by the host from the game state. */
export const PlayerViewSchema = v.object({
  name: v.pipe(v.string(), v.maxLength(MAX_NAME_LENGTH)),
  color: v.pipe(v.string(), v.regex(/^#[0-9a-fA-F]{6}$/)),
  vip: v.boolean(),
  phase: v.picklist(["lobby", "playing", "paused", "over"]),
  difficulty: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(3)),
  money: v.pipe(v.number(), v.finite()),
  timeLeftMs: v.pipe(v.number(), v.finite(), v.minValue(0)),
  strikes: v.pipe(v.number(), v.integer(), v.minValue(0)),
  backpack: v.pipe(v.array(ItemViewSchema), v.maxLength(3)),
  allergies: v.pipe(v.array(ShortTextSchema), v.maxLength(5)),
  /** With allergies: what the exemption still lets this player carry. */
  allergyExempt: v.optional(v.picklist(ALLERGY_EXEMPTIONS)),
  /** Joined at game over: plays from the next round. */
  waiting: v.optional(v.boolean()),
  /** While paused: the names of the players the round waits for. */
  pausedFor: v.optional(
    v.pipe(
      v.array(v.pipe(v.string(), v.maxLength(MAX_NAME_LENGTH))),
      v.maxLength(12),
    ),
  ),
  actions: v.pipe(v.array(ContextActionSchema), v.maxLength(24)),
  inVehicle: v.boolean(),
  outcome: v.optional(v.object({
    won: v.boolean(),
    /** Why the round ended, a code (the phone's `outcome.<reason>`). */
    reason: v.picklist(OUTCOME_REASONS),
    /** Star grade 0..3. */
    stars: v.optional(v.pipe(CountSchema, v.maxValue(3))),
    /** Pizzas delivered in the round. */
    delivered: CountSchema,
    /** Players in the round. */
    players: CountSchema,
    /** Deliveries it took to win. */
    need: CountSchema,
  })),
  /** Every player's stats, at game over. */
  team: v.optional(v.pipe(v.array(StatsRowSchema), v.maxLength(12))),
  /** The open orders this player may carry (the order strip). */
  orders: v.optional(v.pipe(v.array(OrderChipSchema), v.maxLength(16))),
  /** The audience's event going on, by id (absent: none). */
  event: v.optional(v.picklist(EVENT_IDS)),
});

/** What one phone shows. */
export type PlayerView = v.InferOutput<typeof PlayerViewSchema>;

/** Tone of a feedback message: colours the phone's toast and its vibration. */
export const FeedbackToneSchema = v.picklist(["info", "good", "bad"]);

/** Tone of a feedback message: colours the phone's toast and its vibration. */
export type FeedbackTone = v.InferOutput<typeof FeedbackToneSchema>;

/** Every message the host may send to one phone. */
export const HostMessageSchema = v.variant("t", [
  v.object({ t: v.literal("view"), view: PlayerViewSchema }),
  /** A short message (a toast): what to say, as data, and its tone. */
  v.object({
    t: v.literal("feedback"),
    say: PhoneWordsSchema,
    tone: FeedbackToneSchema,
  }),
  v.object({ t: v.literal("ping"), id: IdSchema }),
  v.object({ t: v.literal("pong"), id: IdSchema }),
  /** The host removed this player or closed the game. */
  v.object({ t: v.literal("bye"), reason: ReasonSchema }),
]);

/** What the host sends to one phone. */
export type HostMessage = v.InferOutput<typeof HostMessageSchema>;

/**
 * Parses a game message a phone sent (host side). Accepts a string or an
 * already-decoded object (the server relay hands objects over).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parsePhoneMessage } from "./mod.ts";
 * assert.ok(parsePhoneMessage('{"t":"move","x":0,"y":-1}').ok);
 * assert.ok(!parsePhoneMessage('{"t":"move","x":2,"y":0}').ok);
 * ```
 */
export function parsePhoneMessage(raw: unknown): ParseResult<PhoneMessage> {
  return parseGameMessage(raw, PhoneMessageSchema);
}

/**
 * Parses a game message the host sent (phone side).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseHostMessage } from "./mod.ts";
 * assert.ok(parseHostMessage({ t: "feedback", say: { key: "note.go" }, tone: "info" }).ok);
 * assert.ok(!parseHostMessage({ t: "feedback", text: "Hi", tone: "info" }).ok);
 * ```
 */
export function parseHostMessage(raw: unknown): ParseResult<HostMessage> {
  return parseGameMessage(raw, HostMessageSchema);
}

function parseGameMessage<T>(
  raw: unknown,
  schema: v.GenericSchema<unknown, T>,
): ParseResult<T> {
  let data = raw;
  if (typeof raw === "string") {
    if (utf8LengthExceeds(raw, MAX_GAME_MESSAGE_BYTES)) {
      return fail("too large", "Game message is too large.");
    }
    try {
      data = JSON.parse(raw);
    } catch {
      return fail("bad json", "Game message is not valid JSON.");
    }
  }
  const result = v.safeParse(schema, data);
  if (!result.success) {
    return fail("bad message", describeIssue("game", result.issues[0]));
  }
  return { ok: true, msg: result.output };
}
