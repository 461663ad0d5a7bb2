/**
 * Signaling messages: WebSocket traffic between a client and the server.
 * Clients send `{ action, ... }`, the server sends `{ type, ... }`. The
 * seed's messages (`createRoom`, `joinRoom`, `offerResponse`, `startGame`,
 * `confirmRoom`, relayed offers and answers, `error` with `val`) keep their
 * meaning; everything else is an addition.
 *
 * @module
 */
import * as v from "valibot";
import {
  describeIssue,
  fail,
  isCleanName,
  MAX_SDP_LENGTH,
  MAX_TOKEN_LENGTH,
  type ParseResult,
  ProtocolErrorSchema,
  UsernameSchema,
  utf8LengthExceeds,
} from "./shared.ts";
import {
  AudienceCloseSchema,
  AudiencePromptSchema,
  AudienceReactSchema,
  AudienceServerMessageSchema,
  AudienceUpdateSchema,
  AudienceVoteSchema,
  WatchRoomSchema,
} from "./audience.ts";

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

// ---------------------------------------------------------------------------
// Client -> server
// ---------------------------------------------------------------------------

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

/** A client message's schema: its `action` literal plus its own fields. */
function actionSchema<A extends string, E extends v.ObjectEntries>(
  action: A,
  entries: E,
) {
  return v.object({ action: v.literal(action), ...entries });
}

/** The seed's: make a room; the server answers `confirmRoom`. */
const CreateRoomSchema = actionSchema("createRoom", {});
/** A reloaded host page takes its room back with the host token. */
const ReclaimRoomSchema = actionSchema("reclaimRoom", {
  room: RoomCodeSchema,
  hostToken: TokenSchema,
});
/**
 * The seed's join: room code, name and (optionally) simple-peer's offer;
 * a reconnect token takes back a seat that is still held. `keepsToken`
 * says the client stores the `reconnectToken` it is given: its seat is then
 * taken back only with that token or with the host's approval.
 */
const JoinRoomSchema = actionSchema("joinRoom", {
  room: RoomCodeSchema,
  username: UsernameSchema,
  offer: v.optional(SignalDataSchema),
  reconnectToken: v.optional(TokenSchema),
  keepsToken: v.optional(v.boolean()),
  /**
   * The client follows `moveTo`: on an instance that does not own the room
   * it is told the owner's address instead of being relayed there.
   */
  canMove: v.optional(v.boolean()),
});
/** The seed's: the host's answer to one player's offer. */
const OfferResponseSchema = actionSchema("offerResponse", {
  clientUsername: UsernameSchema,
  response: SignalDataSchema,
});
/** Trickle ICE and renegotiation, either way (the host names the player). */
const SignalSchema = actionSchema("signal", {
  clientUsername: v.optional(UsernameSchema),
  data: SignalDataSchema,
});
/** A game message through the server when P2P fails. */
const RelaySchema = actionSchema("relay", {
  clientUsername: v.optional(UsernameSchema),
  data: v.unknown(),
});
/** The seed's: from now on unknown names are refused. */
const StartGameSchema = actionSchema("startGame", {});
/** Leave for good (a host's leave closes the room). */
const LeaveRoomSchema = actionSchema("leaveRoom", {});
/** The host removes a player. */
const KickPlayerSchema = actionSchema("kickPlayer", {
  clientUsername: UsernameSchema,
});
/** A rejoin request's id, as the server sent it in `rejoinRequest`. */
const RequestIdSchema = v.pipe(
  v.string(),
  v.minLength(1),
  v.maxLength(MAX_TOKEN_LENGTH),
  v.regex(/^[A-Za-z0-9_-]+$/),
);
/** The host lets a player back into its seat by name, or refuses. */
const ApproveRejoinSchema = actionSchema("approveRejoin", {
  requestId: RequestIdSchema,
  approve: v.boolean(),
});
/**
 * The host opens or closes the room to new names (late friends, drop-in).
 * Without it the seed's rule holds: open until `startGame`, closed after.
 */
const SetJoiningSchema = actionSchema("setJoining", {
  open: v.boolean(),
});
/** One ICE server as `RTCPeerConnection` takes it: STUN, or TURN with a
 * short-lived user name and credential. */
export const IceServerSchema = v.object({
  urls: v.union([v.string(), v.array(v.string())]),
  username: v.optional(v.string()),
  credential: v.optional(v.string()),
});
/** One ICE server as `RTCPeerConnection` takes it. */
export type IceServer = v.InferOutput<typeof IceServerSchema>;

/**
 * A socket in a room asks for ICE servers with TURN credentials; the server
 * answers `iceServers`. The socket layer answers it (it knows whether its
 * socket is in a room), so it is not one of the registry's actions.
 */
export const IceServersRequestSchema = actionSchema("iceServers", {});

/** Round-trip check; the server answers `pong`. */
const PingSchema = actionSchema("ping", {
  id: v.optional(v.pipe(v.number(), v.safeInteger())),
});

/** Every message a client may send to the server. */
export const ClientMessageSchema = v.variant("action", [
  CreateRoomSchema,
  ReclaimRoomSchema,
  JoinRoomSchema,
  OfferResponseSchema,
  SignalSchema,
  RelaySchema,
  StartGameSchema,
  LeaveRoomSchema,
  KickPlayerSchema,
  ApproveRejoinSchema,
  SetJoiningSchema,
  IceServersRequestSchema,
  PingSchema,
  WatchRoomSchema,
  AudienceVoteSchema,
  AudienceReactSchema,
  AudienceUpdateSchema,
  AudiencePromptSchema,
  AudienceCloseSchema,
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
  /**
   * Accept relayed messages already in clean form without the schema. Off
   * only in tests that compare both paths. @default true
   */
  fastPath?: boolean;
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
  const { maxBytes = 65_536, fastPath = true } = options;
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
  const relayed = fastPath
    ? parseRelayedFast(action, data as Record<string, unknown>)
    : undefined;
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

// ---------------------------------------------------------------------------
// Server -> client
// ---------------------------------------------------------------------------

/** Why a player is no longer in a room, as told to the host. */
export const PlayerGoneReasonSchema = v.picklist([
  "left",
  "kicked",
  "disconnected",
  /** A lobby seat whose player stayed away past the grace period. */
  "expired",
]);
/** Why a player is no longer in a room, as told to the host. */
export type PlayerGoneReason = v.InferOutput<typeof PlayerGoneReasonSchema>;

/** Why a room ended, as told to players. */
export const RoomClosedReasonSchema = v.picklist([
  "host left",
  "host gone",
  "kicked",
  "server shutdown",
  "server error",
]);
/** Why a room ended, as told to players. */
export type RoomClosedReason = v.InferOutput<typeof RoomClosedReasonSchema>;

/** How a rejoin request ended, as told to the host. */
export const RejoinOutcomeSchema = v.picklist([
  "approved",
  "refused",
  "expired",
  "cancelled",
]);
/** How a rejoin request ended, as told to the host. */
export type RejoinOutcome = v.InferOutput<typeof RejoinOutcomeSchema>;

/** A player as the host sees it when reclaiming a room. */
export const PlayerSummarySchema = v.object({
  /** The player's final, unique name. */
  clientUsername: v.string(),
  /** Whether the player's signaling socket is connected now. */
  connected: v.boolean(),
});
/** A player as the host sees it when reclaiming a room. */
export type PlayerSummary = v.InferOutput<typeof PlayerSummarySchema>;

/** Every message the server sends. Relayed signals keep simple-peer's shape. */
export const ServerMessageSchema = v.variant("type", [
  v.object({
    type: v.literal("confirmRoom"),
    room: v.string(),
    hostToken: v.string(),
    /** Reconnect grace for a host that reloads, in ms. */
    hostGraceMs: v.number(),
    /** Names of players already in a reclaimed room. */
    players: v.array(PlayerSummarySchema),
    started: v.boolean(),
    /** Whether new names may join now (see `setJoining`). */
    joiningOpen: v.boolean(),
  }),
  /** The seed's relayed offer: simple-peer's signal plus `clientUsername`. */
  v.looseObject({
    type: v.literal("offer"),
    clientUsername: v.string(),
    sdp: v.optional(v.string()),
  }),
  v.object({
    type: v.literal("signal"),
    clientUsername: v.optional(v.string()),
    data: SignalDataSchema,
  }),
  v.object({
    type: v.literal("joined"),
    room: v.string(),
    username: v.string(),
    /** True when the name asked for was taken and changed. */
    renamed: v.boolean(),
    /** True when this join took back an existing player. */
    reconnected: v.boolean(),
    reconnectToken: v.string(),
    vip: v.boolean(),
    started: v.boolean(),
    hostPresent: v.boolean(),
  }),
  v.object({
    type: v.literal("playerJoined"),
    clientUsername: v.string(),
    reconnected: v.boolean(),
  }),
  v.object({
    type: v.literal("playerLeft"),
    clientUsername: v.string(),
    reason: PlayerGoneReasonSchema,
  }),
  v.object({ type: v.literal("gameStarted") }),
  /** To the host: someone asks to take back a seat by name alone. */
  v.object({
    type: v.literal("rejoinRequest"),
    clientUsername: v.string(),
    requestId: v.string(),
    /** The request is refused after this long without an answer, in ms. */
    timeoutMs: v.number(),
  }),
  /** To the host: a rejoin request is over (answered, expired, withdrawn). */
  v.object({
    type: v.literal("rejoinClosed"),
    clientUsername: v.string(),
    requestId: v.string(),
    outcome: RejoinOutcomeSchema,
  }),
  /** To the asking phone: it waits for the host's answer. */
  v.object({
    type: v.literal("rejoinPending"),
    username: v.string(),
    timeoutMs: v.number(),
    message: v.string(),
  }),
  /** To the host: new names may join now, or not (answers `setJoining`). */
  v.object({
    type: v.literal("joiningChanged"),
    open: v.boolean(),
  }),
  v.object({
    type: v.literal("hostAway"),
    graceMs: v.number(),
    message: v.string(),
  }),
  v.object({ type: v.literal("hostBack") }),
  v.object({
    type: v.literal("roomClosed"),
    reason: RoomClosedReasonSchema,
    message: v.string(),
  }),
  v.object({
    type: v.literal("relay"),
    clientUsername: v.optional(v.string()),
    data: v.unknown(),
  }),
  /**
   * To a joining client that declared `canMove`, on an instance that does
   * not own the room: join there instead (nothing else changed here).
   */
  v.object({
    type: v.literal("moveTo"),
    /** The owner's socket URL (`ws:`/`wss:`, from the server's config). */
    url: v.string(),
    room: v.string(),
  }),
  v.object({
    type: v.literal("pong"),
    id: v.optional(v.number()),
    serverTime: v.number(),
  }),
  v.object({
    type: v.literal("iceServers"),
    iceServers: v.array(IceServerSchema),
    /** How long the TURN credentials in it stay valid, in ms (0: none). */
    ttlMs: v.number(),
  }),
  v.object({
    type: v.literal("error"),
    action: v.optional(v.string()),
    /** Set on a join refused because the host closed joining (drop-in off). */
    closed: v.optional(v.boolean()),
    ...ProtocolErrorSchema.entries,
  }),
  ...AudienceServerMessageSchema.options,
]);

/** Every message the server sends. Relayed signals keep simple-peer's shape. */
export type ServerMessage = v.InferOutput<typeof ServerMessageSchema>;

/** The seed's answer, relayed to the phone exactly as the host produced it. */
export const AnswerMessageSchema = v.looseObject({
  type: v.literal("answer"),
  sdp: v.string(),
});
/** The seed's answer, relayed to the phone exactly as the host produced it. */
export type AnswerMessage = v.InferOutput<typeof AnswerMessageSchema>;

/** `type` values the server sends; clients ignore others. */
export type ServerMessageType = ServerMessage["type"] | AnswerMessage["type"];

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
