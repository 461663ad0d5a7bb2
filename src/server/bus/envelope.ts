/**
 * What travels between instances on the room bus, and its checks.
 *
 * A socket lives on one instance; its room may live on another (the owner).
 * The socket's instance forwards the socket's frames to the owner (`open`,
 * `frame`, `gone`); the owner answers through the socket's instance (`send`,
 * `close`). Envelopes are relayed over pub/sub and never stored.
 *
 * One published text carries one envelope (a JSON object) or several for the
 * same instance, in order (a JSON array: see {@link encodeBatch}). Each is
 * checked once, at the edge that uses it: the envelope's shape here; a
 * `frame`'s client message by the owner's registry (which parses every frame
 * with `src/protocol`, local or remote); a `send`'s server message, carried
 * as a JSON object (not re-encoded text), must be an object with a `type`
 * (the phone checks it in full, as for a local socket).
 *
 * @module
 */
import type { ServerMessage } from "../../protocol/mod.ts";

/** Largest published text accepted, in characters (a 64 KiB frame + header). */
export const MAX_ENVELOPE_CHARS = 80_000;
/** Longest instance or connection id accepted. */
const MAX_ID_LENGTH = 64;
/** Longest client address accepted. */
const MAX_ADDRESS_LENGTH = 64;
/** Longest close reason accepted (the WebSocket limit). */
const MAX_REASON_LENGTH = 123;
const ID_PATTERN = /^[A-Za-z0-9_.:-]+$/;

/** An envelope as it is published (JSON). */
export type WireEnvelope =
  /** Socket instance -> owner: a socket of mine enters one of your rooms. */
  | { kind: "open"; from: string; conn: string; address: string }
  /** Socket instance -> owner: one inbound frame of that socket (raw text). */
  | { kind: "frame"; from: string; conn: string; raw: string }
  /** Socket instance -> owner: that socket closed. */
  | { kind: "gone"; from: string; conn: string }
  /**
   * Owner -> socket instance: send this server message to the socket
   * (`raw`: the message as JSON text, accepted from older instances).
   */
  | { kind: "send"; from: string; conn: string; msg: ServerMessage }
  | { kind: "send"; from: string; conn: string; raw: string }
  /** Owner -> socket instance: close the socket. */
  | {
    kind: "close";
    from: string;
    conn: string;
    code?: number;
    reason?: string;
  }
  /** Round-trip probe; answered with `pong` carrying the same id. */
  | { kind: "ping"; from: string; id: number }
  | { kind: "pong"; from: string; id: number }
  /** An instance stops: every proxy of its sockets is gone. */
  | { kind: "bye"; from: string };

/**
 * An envelope after its checks: a `send` always carries its message as an
 * object.
 */
export type BusEnvelope =
  | Exclude<WireEnvelope, { kind: "send" }>
  | { kind: "send"; from: string; conn: string; msg: ServerMessage };

/** Result of {@link decodeEnvelope}. */
export type DecodeResult =
  | { ok: true; envelope: BusEnvelope }
  | { ok: false; reason: string };

/** Result of {@link decodeBatch}: what passed, in order, and what did not. */
export interface BatchResult {
  /** Envelopes that passed their checks, in publish order. */
  envelopes: BusEnvelope[];
  /** Why each refused envelope (or the whole text) was refused. */
  refused: string[];
}

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
 * Turns envelopes for one instance into as few texts as possible, in order:
 * one envelope alone is a JSON object, several a JSON array. A text grows
 * until the next envelope would take it past {@link MAX_ENVELOPE_CHARS}; an
 * envelope over the limit by itself goes alone (its receiver refuses it).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeBatch, encodeBatch } from "./envelope.ts";
 * const texts = encodeBatch([
 *   { kind: "gone", from: "a", conn: "c1" },
 *   { kind: "gone", from: "a", conn: "c2" },
 * ]);
 * assert.equal(texts.length, 1);
 * assert.deepEqual(decodeBatch(texts[0]).envelopes.map((e) => e.kind), ["gone", "gone"]);
 * ```
 */
export function encodeBatch(envelopes: readonly WireEnvelope[]): string[] {
  if (envelopes.length === 1) return [JSON.stringify(envelopes[0])];
  const texts: string[] = [];
  let parts: string[] = [];
  // Characters of "[" + parts joined by "," + "]".
  let size = 1;
  const close = () => {
    if (parts.length === 0) return;
    texts.push(parts.length === 1 ? parts[0] : `[${parts.join(",")}]`);
    parts = [];
    size = 1;
  };
  for (const envelope of envelopes) {
    const part = JSON.stringify(envelope);
    if (parts.length > 0 && size + 1 + part.length + 1 > MAX_ENVELOPE_CHARS) {
      close();
    }
    parts.push(part);
    size += part.length + (parts.length > 1 ? 1 : 0);
  }
  close();
  return texts;
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
  return { kind: "send", from, conn, msg };
}

/**
 * Checks one envelope that arrived from the bus (its shape). Never throws.
 *
 * @param text What arrived on the channel: one envelope (a JSON object).
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
  return checkEnvelope(data, maxMessageBytes);
}

/**
 * Checks a published text: one envelope, or a batch of them (a JSON array).
 * Each envelope of a batch passes or fails on its own. Never throws.
 *
 * @param text What arrived on the channel.
 * @param maxMessageBytes The limit for a client frame. @default 65536
 */
export function decodeBatch(
  text: string,
  maxMessageBytes = 65_536,
): BatchResult {
  if (text.length > MAX_ENVELOPE_CHARS) {
    return { envelopes: [], refused: ["envelope too large"] };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { envelopes: [], refused: ["envelope is not JSON"] };
  }
  const items = Array.isArray(data) ? data : [data];
  const result: BatchResult = { envelopes: [], refused: [] };
  if (items.length === 0) result.refused.push("empty batch");
  for (const item of items) {
    const checked = checkEnvelope(item, maxMessageBytes);
    if (checked.ok) result.envelopes.push(checked.envelope);
    else result.refused.push(checked.reason);
  }
  return result;
}

function isId(value: unknown): value is string {
  return typeof value === "string" && value.length >= 1 &&
    value.length <= MAX_ID_LENGTH && ID_PATTERN.test(value);
}

function isServerMessage(value: unknown): value is ServerMessage {
  return typeof value === "object" && value !== null &&
    !Array.isArray(value) &&
    typeof (value as { type?: unknown }).type === "string";
}

const refuse = (reason: string): DecodeResult => ({
  ok: false,
  reason: `bad envelope: ${reason}`,
});

/** The shape checks of one parsed envelope. */
function checkEnvelope(data: unknown, maxMessageBytes: number): DecodeResult {
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return refuse("not an object");
  }
  const e = data as Record<string, unknown>;
  if (!isId(e.from)) return refuse("from");
  const from = e.from;
  switch (e.kind) {
    case "bye":
      return { ok: true, envelope: { kind: "bye", from } };
    case "ping":
    case "pong": {
      if (typeof e.id !== "number" || !Number.isSafeInteger(e.id)) {
        return refuse("id");
      }
      return { ok: true, envelope: { kind: e.kind, from, id: e.id } };
    }
  }
  if (!isId(e.conn)) return refuse("conn");
  const conn = e.conn;
  switch (e.kind) {
    case "open":
      if (
        typeof e.address !== "string" || e.address.length > MAX_ADDRESS_LENGTH
      ) {
        return refuse("address");
      }
      return {
        ok: true,
        envelope: { kind: "open", from, conn, address: e.address },
      };
    case "frame":
      if (typeof e.raw !== "string") return refuse("raw");
      // Characters never outnumber UTF-8 bytes: the registry checks bytes.
      if (e.raw.length > maxMessageBytes) {
        return {
          ok: false,
          reason:
            `bad frame: Message is larger than the limit of ${maxMessageBytes} bytes.`,
        };
      }
      return { ok: true, envelope: { kind: "frame", from, conn, raw: e.raw } };
    case "gone":
      return { ok: true, envelope: { kind: "gone", from, conn } };
    case "send": {
      let msg = e.msg;
      if (msg === undefined && typeof e.raw === "string") {
        try {
          msg = JSON.parse(e.raw);
        } catch {
          return { ok: false, reason: "bad message: not JSON" };
        }
      }
      if (!isServerMessage(msg)) {
        return { ok: false, reason: "bad message: no type" };
      }
      return { ok: true, envelope: { kind: "send", from, conn, msg } };
    }
    case "close": {
      const { code, reason } = e;
      if (
        code !== undefined &&
        (typeof code !== "number" || !Number.isInteger(code) || code < 1000 ||
          code > 4999)
      ) {
        return refuse("code");
      }
      if (
        reason !== undefined &&
        (typeof reason !== "string" || reason.length > MAX_REASON_LENGTH)
      ) {
        return refuse("reason");
      }
      return {
        ok: true,
        envelope: {
          kind: "close",
          from,
          conn,
          ...(code === undefined ? {} : { code }),
          ...(reason === undefined ? {} : { reason }),
        },
      };
    }
    default:
      return refuse("kind");
  }
}
