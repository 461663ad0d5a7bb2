/**
 * What travels between instances on the room bus, and its checks.
 *
 * A socket lives on one instance; its room may live on another (the owner).
 * The socket's instance forwards the socket's frames to the owner (`open`,
 * `frame`, `gone`); the owner answers through the socket's instance (`send`,
 * `close`). Payloads are the same protocol messages a socket carries, as
 * JSON text, validated again on arrival with `src/protocol`'s parsers.
 * Envelopes are relayed over pub/sub and never stored.
 *
 * @module
 */
import * as v from "valibot";
import {
  type ClientMessage,
  parseClientMessage,
  parseServerMessage,
  type ServerMessage,
} from "../../protocol/mod.ts";

/** Largest encoded envelope accepted, in characters (a 64 KiB frame + header). */
export const MAX_ENVELOPE_CHARS = 80_000;
/** Longest instance or connection id accepted. */
const MAX_ID_LENGTH = 64;

const IdSchema = v.pipe(
  v.string(),
  v.minLength(1),
  v.maxLength(MAX_ID_LENGTH),
  v.regex(/^[A-Za-z0-9_.:-]+$/),
);
const RawSchema = v.pipe(v.string(), v.maxLength(MAX_ENVELOPE_CHARS));

const WireEnvelopeSchema = v.variant("kind", [
  /** Socket instance -> owner: a socket of mine enters one of your rooms. */
  v.object({
    kind: v.literal("open"),
    from: IdSchema,
    conn: IdSchema,
    address: v.pipe(v.string(), v.maxLength(64)),
  }),
  /** Socket instance -> owner: one inbound frame of that socket. */
  v.object({
    kind: v.literal("frame"),
    from: IdSchema,
    conn: IdSchema,
    raw: RawSchema,
  }),
  /** Socket instance -> owner: that socket closed. */
  v.object({ kind: v.literal("gone"), from: IdSchema, conn: IdSchema }),
  /** Owner -> socket instance: send this server message to the socket. */
  v.object({
    kind: v.literal("send"),
    from: IdSchema,
    conn: IdSchema,
    raw: RawSchema,
  }),
  /** Owner -> socket instance: close the socket. */
  v.object({
    kind: v.literal("close"),
    from: IdSchema,
    conn: IdSchema,
    code: v.optional(
      v.pipe(v.number(), v.integer(), v.minValue(1000), v.maxValue(4999)),
    ),
    reason: v.optional(v.pipe(v.string(), v.maxLength(123))),
  }),
  /** Round-trip probe; answered with `pong` carrying the same id. */
  v.object({
    kind: v.literal("ping"),
    from: IdSchema,
    id: v.pipe(v.number(), v.safeInteger()),
  }),
  v.object({
    kind: v.literal("pong"),
    from: IdSchema,
    id: v.pipe(v.number(), v.safeInteger()),
  }),
  /** An instance stops: every proxy of its sockets is gone. */
  v.object({ kind: v.literal("bye"), from: IdSchema }),
]);

/** An envelope as it is published (JSON). */
export type WireEnvelope = v.InferOutput<typeof WireEnvelopeSchema>;

/**
 * An envelope after its checks: `frame` and `send` also carry their payload
 * parsed by the protocol module.
 */
export type BusEnvelope =
  | Exclude<WireEnvelope, { kind: "frame" | "send" }>
  | (Extract<WireEnvelope, { kind: "frame" }> & { msg: ClientMessage })
  | (Extract<WireEnvelope, { kind: "send" }> & { msg: ServerMessage });

/** Result of {@link decodeEnvelope}. */
export type DecodeResult =
  | { ok: true; envelope: BusEnvelope }
  | { ok: false; reason: string };

/**
 * Turns an envelope into the text published on the bus.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeEnvelope, encodeEnvelope } from "./envelope.ts";
 * const text = encodeEnvelope({ kind: "gone", from: "a", conn: "c1" });
 * assert.deepEqual(decodeEnvelope(text), {
 *   ok: true, envelope: { kind: "gone", from: "a", conn: "c1" },
 * });
 * ```
 */
export function encodeEnvelope(envelope: WireEnvelope): string {
  return JSON.stringify(envelope);
}

/**
 * Builds the `send` envelope for one server message.
 * @param from The owner's instance id.
 * @param conn The socket's id on its own instance.
 * @param msg The message for the socket.
 */
export function sendEnvelope(
  from: string,
  conn: string,
  msg: ServerMessage,
): WireEnvelope {
  return { kind: "send", from, conn, raw: JSON.stringify(msg) };
}

/**
 * Checks an envelope that arrived from the bus: its shape, and the protocol
 * message inside `frame` (with `parseClientMessage`) and `send` (with
 * `parseServerMessage`). Never throws.
 *
 * @param text What arrived on the channel.
 * @param maxMessageBytes The limit for a client frame. @default 65536
 * @returns The checked envelope, or why it was refused.
 */
export function decodeEnvelope(
  text: string,
  maxMessageBytes = 65_536,
): DecodeResult {
  if (text.length > MAX_ENVELOPE_CHARS) {
    return { ok: false, reason: "envelope too large" };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, reason: "envelope is not JSON" };
  }
  const result = v.safeParse(WireEnvelopeSchema, data);
  if (!result.success) {
    const issue = result.issues[0];
    const path = issue.path?.map((item) => String(item.key)).join(".");
    return {
      ok: false,
      reason: `bad envelope: ${path ?? "envelope"}: ${issue.message}`,
    };
  }
  const envelope = result.output;
  if (envelope.kind === "frame") {
    const parsed = parseClientMessage(envelope.raw, {
      maxBytes: maxMessageBytes,
    });
    if (!parsed.ok) {
      return { ok: false, reason: `bad frame: ${parsed.error.message}` };
    }
    return { ok: true, envelope: { ...envelope, msg: parsed.msg } };
  }
  if (envelope.kind === "send") {
    const parsed = parseServerMessage(envelope.raw);
    if (!parsed.ok) {
      return { ok: false, reason: `bad message: ${parsed.error.message}` };
    }
    return {
      ok: true,
      envelope: { ...envelope, msg: parsed.msg as unknown as ServerMessage },
    };
  }
  return { ok: true, envelope };
}
