/**
 * Every message of Pizza Peers, typed and validated in one place.
 *
 * Two channels carry messages:
 * - Signaling (WebSocket to the server): clients send `{ action, ... }`,
 *   the server sends `{ type, ... }`. The seed's messages (`createRoom`,
 *   `joinRoom`, `offerResponse`, `startGame`, `confirmRoom`, relayed offers
 *   and answers, `error` with `val`) keep their meaning; everything else is
 *   an addition.
 * - Game (WebRTC data channel between a phone and the host, or the server
 *   relay when P2P fails): short `{ t, ... }` objects.
 *
 * This module imports nothing from Deno, the DOM or Phaser: the server, the
 * host page and the phone page all use it.
 *
 * @module
 */
import * as v from "valibot";

/** Longest player name, in characters (the seed's limit). */
export const MAX_NAME_LENGTH = 20;
/** Room codes are this many uppercase letters. */
export const ROOM_CODE_LENGTH = 4;
/** Longest token (host or reconnect) accepted, in characters. */
export const MAX_TOKEN_LENGTH = 64;
/** Longest SDP accepted inside a signal, in characters. */
export const MAX_SDP_LENGTH = 32_768;

// ---------------------------------------------------------------------------
// Error codes
// ---------------------------------------------------------------------------

/** Every error value the server can send, as `{ type: "error", val }`. */
export const ERROR_CODES = [
  "wrong room",
  "no player",
  "bad json",
  "binary",
  "too large",
  "bad message",
  "unknown action",
  "not in room",
  "already in room",
  "not host",
  "not player",
  "bad name",
  "name taken",
  "room full",
  "server full",
  "too many rooms",
  "bad token",
  "rate limited",
  "game started",
] as const;

/** One of {@link ERROR_CODES}. */
export type ErrorCode = typeof ERROR_CODES[number];

/** A refused message: its code and words a person understands. */
export interface ProtocolError {
  /** Stable machine-readable code. */
  val: ErrorCode;
  /** What went wrong, for people. */
  message: string;
}

/** Result of parsing: the typed message or why it was refused. */
export type ParseResult<T> =
  | { ok: true; msg: T }
  | { ok: false; error: ProtocolError };

// ---------------------------------------------------------------------------
// Shared field schemas
// ---------------------------------------------------------------------------

/** No control or invisible format characters, except the zero-width joiner
 * that composes emoji such as "👩‍🍳". */
const NAME_PATTERN = /^(?:(?![\p{Cc}\p{Cf}\p{Zl}\p{Zp}])[^]|\u200D)+$/u;

/** A player name: trimmed, 1 to 20 characters, no control characters. */
export const UsernameSchema = v.pipe(
  v.string("a name must be text"),
  v.trim(),
  v.minLength(1, "a name cannot be empty"),
  v.maxLength(MAX_NAME_LENGTH, "a name can have at most 20 letters"),
  v.regex(NAME_PATTERN, "a name cannot contain control characters"),
);

/** A room code: four letters, any case on input, uppercase after parsing. */
export const RoomCodeSchema = v.pipe(
  v.string("a room code must be text"),
  v.trim(),
  v.toUpperCase(),
  v.regex(/^[A-Z]{4}$/, "a room code is 4 letters"),
);

const TokenSchema = v.pipe(
  v.string(),
  v.minLength(8),
  v.maxLength(MAX_TOKEN_LENGTH),
  v.regex(/^[A-Za-z0-9_-]+$/),
);

/**
 * What simple-peer emits on `signal`: an offer or answer (`{type, sdp}`), a
 * trickle candidate (`{type: "candidate", candidate}`), or a renegotiation
 * request. Relayed untouched apart from `clientUsername` on offers.
 */
export const SignalDataSchema = v.custom<SignalData>(
  isSignalData,
  "expected a WebRTC signal object",
);

/** A WebRTC signal as produced by simple-peer. */
export interface SignalData {
  /** "offer", "answer", "candidate", … (absent on renegotiation requests). */
  type?: string;
  /** Session description, for offers and answers. */
  sdp?: string;
  /** Other fields simple-peer adds (candidate, renegotiate, …). */
  [key: string]: unknown;
}

/**
 * Checked in place, without copying: signals are the bulk of signaling
 * traffic and are relayed as they are.
 */
function isSignalData(input: unknown): boolean {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return false;
  }
  // An own "__proto__" key (JSON.parse makes one) would turn into a
  // prototype for a receiver that copies the object with Object.assign.
  if (Object.hasOwn(input, "__proto__")) return false;
  const { type, sdp } = input as { type?: unknown; sdp?: unknown };
  return (type === undefined ||
    (typeof type === "string" && type.length <= 32)) &&
    (sdp === undefined ||
      (typeof sdp === "string" && sdp.length <= MAX_SDP_LENGTH));
}

// ---------------------------------------------------------------------------
// Signaling: client -> server
// ---------------------------------------------------------------------------

const CreateRoomSchema = v.object({
  action: v.literal("createRoom"),
});

const ReclaimRoomSchema = v.object({
  action: v.literal("reclaimRoom"),
  room: RoomCodeSchema,
  hostToken: TokenSchema,
});

const JoinRoomSchema = v.object({
  action: v.literal("joinRoom"),
  room: RoomCodeSchema,
  username: UsernameSchema,
  offer: v.optional(SignalDataSchema),
  reconnectToken: v.optional(TokenSchema),
});

const OfferResponseSchema = v.object({
  action: v.literal("offerResponse"),
  clientUsername: UsernameSchema,
  response: SignalDataSchema,
});

const SignalSchema = v.object({
  action: v.literal("signal"),
  clientUsername: v.optional(UsernameSchema),
  data: SignalDataSchema,
});

const RelaySchema = v.object({
  action: v.literal("relay"),
  clientUsername: v.optional(UsernameSchema),
  data: v.unknown(),
});

const StartGameSchema = v.object({ action: v.literal("startGame") });
const LeaveRoomSchema = v.object({ action: v.literal("leaveRoom") });
const KickPlayerSchema = v.object({
  action: v.literal("kickPlayer"),
  clientUsername: UsernameSchema,
});
const PingSchema = v.object({
  action: v.literal("ping"),
  id: v.optional(v.pipe(v.number(), v.safeInteger())),
});

const ClientMessageSchema = v.variant("action", [
  CreateRoomSchema,
  ReclaimRoomSchema,
  JoinRoomSchema,
  OfferResponseSchema,
  SignalSchema,
  RelaySchema,
  StartGameSchema,
  LeaveRoomSchema,
  KickPlayerSchema,
  PingSchema,
]);

/** Every message a client may send to the server. */
export type ClientMessage = v.InferOutput<typeof ClientMessageSchema>;
/** The `action` names the server understands. */
export type ClientAction = ClientMessage["action"];

/**
 * Each action's schema, looked up by name: one object check per message
 * instead of trying every variant (signaling is the server's hot path).
 */
const SCHEMA_BY_ACTION: ReadonlyMap<
  string,
  v.GenericSchema<unknown, ClientMessage>
> = new Map(
  ClientMessageSchema.options.map((schema) => [
    schema.entries.action.literal,
    schema as v.GenericSchema<unknown, ClientMessage>,
  ]),
);

/** Options for {@link parseClientMessage}. */
export interface ParseOptions {
  /** Largest accepted message in UTF-8 bytes. @default 65536 */
  maxBytes?: number;
}

/**
 * Parses one WebSocket frame from a client: size, JSON, shape and limits are
 * checked once. Never throws.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseClientMessage } from "./mod.ts";
 * const ok = parseClientMessage('{"action":"joinRoom","room":"abcd","username":"Ann"}');
 * assert.ok(ok.ok && ok.msg.action === "joinRoom" && ok.msg.room === "ABCD");
 * const bad = parseClientMessage("{nope");
 * assert.ok(!bad.ok && bad.error.val === "bad json");
 * ```
 */
export function parseClientMessage(
  raw: unknown,
  options: ParseOptions = {},
): ParseResult<ClientMessage> {
  const { maxBytes = 65_536 } = options;
  if (typeof raw !== "string") {
    return fail(
      "binary",
      "Messages must be JSON text, not binary data.",
    );
  }
  if (utf8LengthExceeds(raw, maxBytes)) {
    return fail(
      "too large",
      `Message is larger than the limit of ${maxBytes} bytes.`,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return fail("bad json", "Message is not valid JSON.");
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return fail("bad message", "Message must be a JSON object.");
  }
  const action = (data as { action?: unknown }).action;
  const schema = typeof action === "string"
    ? SCHEMA_BY_ACTION.get(action)
    : undefined;
  if (typeof action !== "string" || schema === undefined) {
    return fail(
      "unknown action",
      typeof action === "string"
        ? `Unknown action "${action.slice(0, 40)}".`
        : 'Message needs an "action" field.',
    );
  }
  const relayed = parseRelayedFast(action, data as Record<string, unknown>);
  if (relayed) return { ok: true, msg: relayed };
  const result = v.safeParse(schema, data);
  if (!result.success) {
    return fail("bad message", describeIssue(action, result.issues[0]));
  }
  return { ok: true, msg: result.output };
}

/**
 * The hot path: `signal`, `relay` and `offerResponse` are most of a join's
 * messages and are relayed as they are. When one is already in its clean
 * form it is accepted here without building valibot's copies; anything
 * else (a name to trim, a missing field, a wrong type) returns `undefined`
 * and goes through the schema, which also words the error. Same result
 * either way: the tests run every case through both.
 */
function parseRelayedFast(
  action: string,
  data: Record<string, unknown>,
): ClientMessage | undefined {
  const name = data.clientUsername;
  switch (action) {
    case "signal":
      if (name !== undefined && !isCleanName(name)) return undefined;
      if (!isSignalData(data.data)) return undefined;
      return name === undefined ? { action, data: data.data as SignalData } : {
        action,
        clientUsername: name as string,
        data: data.data as SignalData,
      };
    case "relay":
      if (name !== undefined && !isCleanName(name)) return undefined;
      if (!Object.hasOwn(data, "data")) return undefined;
      return name === undefined
        ? { action, data: data.data }
        : { action, clientUsername: name as string, data: data.data };
    case "offerResponse":
      if (!isCleanName(name) || !isSignalData(data.response)) return undefined;
      return {
        action,
        clientUsername: name as string,
        response: data.response as SignalData,
      };
  }
  return undefined;
}

/** A name that {@link UsernameSchema} would accept unchanged. */
function isCleanName(name: unknown): boolean {
  return typeof name === "string" && name.length >= 1 &&
    name.length <= MAX_NAME_LENGTH && name.trim() === name &&
    NAME_PATTERN.test(name);
}

// ---------------------------------------------------------------------------
// Signaling: server -> client
// ---------------------------------------------------------------------------

/** Why a player is no longer in a room, as told to the host. */
export type PlayerGoneReason = "left" | "kicked" | "disconnected";
/** Why a room ended, as told to players. */
export type RoomClosedReason =
  | "host left"
  | "host gone"
  | "kicked"
  | "server shutdown";

/** Every message the server sends. Relayed signals keep simple-peer's shape. */
export type ServerMessage =
  | {
    type: "confirmRoom";
    room: string;
    hostToken: string;
    /** Reconnect grace for a host that reloads, in ms. */
    hostGraceMs: number;
    /** Names of players already in a reclaimed room. */
    players: PlayerSummary[];
    started: boolean;
  }
  | (SignalData & { type: "offer"; clientUsername: string })
  | { type: "signal"; clientUsername?: string; data: SignalData }
  | {
    type: "joined";
    room: string;
    username: string;
    /** True when the name asked for was taken and changed. */
    renamed: boolean;
    /** True when this join took back an existing player. */
    reconnected: boolean;
    reconnectToken: string;
    vip: boolean;
    started: boolean;
    hostPresent: boolean;
  }
  | { type: "playerJoined"; clientUsername: string; reconnected: boolean }
  | { type: "playerLeft"; clientUsername: string; reason: PlayerGoneReason }
  | { type: "gameStarted" }
  | { type: "hostAway"; graceMs: number; message: string }
  | { type: "hostBack" }
  | { type: "roomClosed"; reason: RoomClosedReason; message: string }
  | { type: "relay"; clientUsername?: string; data: unknown }
  | { type: "pong"; id?: number; serverTime: number }
  | ({ type: "error"; action?: string } & ProtocolError);

/** A player as the host sees it when reclaiming a room. */
export interface PlayerSummary {
  /** The player's final, unique name. */
  clientUsername: string;
  /** Whether the player's signaling socket is connected now. */
  connected: boolean;
}

/** `type` values the server sends; clients ignore others. */
export type ServerMessageType = ServerMessage["type"] | "answer";

/**
 * Parses a frame from the server on the client side. Only checks that it is
 * an object with a string `type`; each client narrows by `type`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseServerMessage } from "./mod.ts";
 * const r = parseServerMessage('{"type":"confirmRoom","room":"ABCD"}');
 * assert.ok(r.ok && r.msg.type === "confirmRoom");
 * ```
 */
export function parseServerMessage(
  raw: unknown,
): ParseResult<{ type: string; [key: string]: unknown }> {
  if (typeof raw !== "string") return fail("binary", "Expected JSON text.");
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return fail("bad json", "Server sent invalid JSON.");
  }
  if (
    typeof data !== "object" || data === null || Array.isArray(data) ||
    typeof (data as { type?: unknown }).type !== "string"
  ) {
    return fail("bad message", "Server message has no type.");
  }
  return { ok: true, msg: data as { type: string; [key: string]: unknown } };
}

// ---------------------------------------------------------------------------
// Game messages over the data channel (or the server relay)
// ---------------------------------------------------------------------------

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

const PhoneMessageSchema = v.variant("t", [
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
  ingredients: v.pipe(
    v.array(v.pipe(v.string(), v.maxLength(32))),
    v.maxLength(8),
  ),
  heat: v.pipe(v.number(), v.minValue(0), v.maxValue(1)),
  baked: v.boolean(),
  burned: v.boolean(),
});

const IngredientsSchema = v.pipe(
  v.array(v.pipe(v.string(), v.maxLength(32))),
  v.maxLength(8),
);

const ContextActionSchema = v.object({
  id: ActionIdSchema,
  label: v.pipe(v.string(), v.maxLength(80)),
  /** Ingredient ids, for icons. */
  ingredients: v.optional(IngredientsSchema),
  /** Set when an allergy would refuse it: the reason (drawn greyed). */
  disabled: v.optional(v.pipe(v.string(), v.maxLength(120))),
});

/** One player's line on the game-over screen. */
const StatsRowSchema = v.object({
  name: v.pipe(v.string(), v.maxLength(MAX_NAME_LENGTH)),
  color: v.pipe(v.string(), v.regex(/^#[0-9a-fA-F]{6}$/)),
  deliveries: v.pipe(v.number(), v.integer(), v.minValue(0)),
  moneyEarned: v.pipe(v.number(), v.integer(), v.minValue(0)),
  walkedTiles: v.pipe(v.number(), v.integer(), v.minValue(0)),
  drivenTiles: v.pipe(v.number(), v.integer(), v.minValue(0)),
});

/** What one phone shows, derived by the host from the game state. */
export const PlayerViewSchema = v.object({
  name: v.pipe(v.string(), v.maxLength(MAX_NAME_LENGTH)),
  color: v.pipe(v.string(), v.regex(/^#[0-9a-fA-F]{6}$/)),
  vip: v.boolean(),
  phase: v.picklist(["lobby", "playing", "paused", "over"]),
  difficulty: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(3)),
  difficultyNames: v.pipe(
    v.array(v.pipe(v.string(), v.maxLength(32))),
    v.maxLength(4),
  ),
  money: v.pipe(v.number(), v.finite()),
  timeLeftMs: v.pipe(v.number(), v.finite(), v.minValue(0)),
  strikes: v.pipe(v.number(), v.integer(), v.minValue(0)),
  backpack: v.pipe(v.array(ItemViewSchema), v.maxLength(3)),
  allergies: v.pipe(
    v.array(v.pipe(v.string(), v.maxLength(32))),
    v.maxLength(5),
  ),
  /** The allergies in plain words, with what the exemption allows. */
  allergyText: v.optional(v.pipe(v.string(), v.maxLength(200))),
  /** Joined at game over: plays from the next round. */
  waiting: v.optional(v.boolean()),
  actions: v.pipe(v.array(ContextActionSchema), v.maxLength(24)),
  inVehicle: v.boolean(),
  outcome: v.optional(v.object({
    won: v.boolean(),
    reason: v.pipe(v.string(), v.maxLength(200)),
    /** Star grade 0..3. */
    stars: v.optional(
      v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(3)),
    ),
  })),
  /** Every player's stats, at game over. */
  team: v.optional(v.pipe(v.array(StatsRowSchema), v.maxLength(12))),
});

/** What one phone shows. */
export type PlayerView = v.InferOutput<typeof PlayerViewSchema>;

/** Tone of a feedback message: colours the phone's toast and its vibration. */
export type FeedbackTone = "info" | "good" | "bad";

const HostMessageSchema = v.variant("t", [
  v.object({ t: v.literal("view"), view: PlayerViewSchema }),
  v.object({
    t: v.literal("feedback"),
    text: v.pipe(v.string(), v.maxLength(200)),
    tone: v.picklist(["info", "good", "bad"]),
  }),
  v.object({ t: v.literal("ping"), id: IdSchema }),
  v.object({ t: v.literal("pong"), id: IdSchema }),
  /** The host removed this player or closed the game. */
  v.object({
    t: v.literal("bye"),
    reason: v.pipe(v.string(), v.maxLength(200)),
  }),
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
 * assert.ok(parseHostMessage({ t: "feedback", text: "Hi", tone: "info" }).ok);
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

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

function fail(
  val: ErrorCode,
  message: string,
): { ok: false; error: ProtocolError } {
  return { ok: false, error: { val, message } };
}

/** True when `text` takes more than `maxBytes` bytes as UTF-8. */
function utf8LengthExceeds(text: string, maxBytes: number): boolean {
  if (text.length > maxBytes) return true;
  if (text.length * 3 <= maxBytes) return false;
  return new TextEncoder().encode(text).byteLength > maxBytes;
}

function describeIssue(action: string, issue: v.BaseIssue<unknown>): string {
  const path = issue.path?.map((item) => String(item.key)).join(".");
  const where = path ? `"${path}"` : "message";
  const detail = issue.message.startsWith("Invalid")
    ? `expected ${issue.expected ?? "another value"}`
    : issue.message;
  return `Bad ${action} message: ${where}: ${detail}.`;
}
