/**
 * What travels between instances on the room bus: four kinds of envelope,
 * relayed over pub/sub (never stored), one JSON text per PUBLISH.
 *
 * A socket lives on one instance; its room may live on another (the
 * owner). The socket's instance sends the socket's frames to the owner
 * (`in`: the frames that waited for the owner's lookup go together); the
 * owner answers with every message one envelope caused in one `out`; `gone` says a socket closed, or (without `conn`) that an instance
 * stops; `ping` measures the round trip through an instance's own channel.
 * A frame's client message is checked by the owner's registry, as any
 * frame; here only the envelope's shape.
 *
 * @module
 */
import type { ServerMessage } from "../../protocol/mod.ts";

/** Largest published text accepted, in characters (a 64 KiB frame + header). */
export const MAX_ENVELOPE_CHARS = 80_000;
const ID = /^[A-Za-z0-9_.:-]{1,64}$/;

/** One envelope. */
export type Envelope =
  /**
   * Socket instance → owner: frames of one socket, in order (`address` on
   * its first envelope).
   */
  | {
    kind: "in";
    from: string;
    conn: string;
    frames: string[];
    address?: string;
  }
  /** Owner → socket instance: messages for the socket, then maybe a close. */
  | {
    kind: "out";
    from: string;
    conn: string;
    msgs: ServerMessage[];
    close?: { code?: number; reason?: string };
  }
  /** A socket closed (`conn`), or the instance `from` stops (no `conn`). */
  | { kind: "gone"; from: string; conn?: string }
  /** A round-trip probe, sent to the sender's own channel. */
  | { kind: "ping"; from: string; id: number };

/**
 * Reads one published text back, checking its shape.
 *
 * @returns The envelope, or why it was refused.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeEnvelope } from "./envelope.ts";
 * const text = JSON.stringify({ kind: "gone", from: "a", conn: "c1" });
 * assert.deepEqual(decodeEnvelope(text),
 *   { kind: "gone", from: "a", conn: "c1" });
 * assert.equal(typeof decodeEnvelope('{"kind":"open"}'), "string");
 * ```
 */
export function decodeEnvelope(text: string): Envelope | string {
  if (text.length > MAX_ENVELOPE_CHARS) return "too long";
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return "not JSON";
  }
  if (typeof value !== "object" || value === null) return "not an object";
  const e = value as Record<string, unknown>;
  if (!isId(e.from)) return "bad sender";
  const { conn, address, msgs, close } = e;
  switch (e.kind) {
    case "in":
      if (
        !isId(conn) || !Array.isArray(e.frames) ||
        !e.frames.every((f) => typeof f === "string")
      ) return "bad in";
      if (
        address !== undefined &&
        !(typeof address === "string" && address.length <= 64)
      ) return "bad address";
      break;
    case "out": {
      if (!isId(conn) || !Array.isArray(msgs)) return "bad out";
      for (const msg of msgs) {
        if (
          typeof msg !== "object" || msg === null ||
          typeof (msg as { type?: unknown }).type !== "string"
        ) return "bad message";
      }
      if (close === undefined) break;
      const { code, reason } = (close ?? {}) as Record<string, unknown>;
      if (
        typeof close !== "object" || close === null ||
        (code !== undefined && !isCloseCode(code)) ||
        (reason !== undefined &&
          !(typeof reason === "string" && reason.length <= 123))
      ) return "bad close";
      break;
    }
    case "gone":
      if (conn !== undefined && !isId(conn)) return "bad gone";
      break;
    case "ping":
      if (!Number.isSafeInteger(e.id)) return "bad ping";
      break;
    default:
      return "unknown kind";
  }
  // Checked field by field above (extra fields are never read).
  return e as Envelope;
}

/** 1000, 1001-1014, or an application code (3000-4999). */
function isCloseCode(code: unknown): boolean {
  return Number.isInteger(code) &&
    (code === 1000 || (code as number) >= 3000 && (code as number) <= 4999 ||
      (code as number) >= 1001 && (code as number) <= 1014);
}

function isId(value: unknown): value is string {
  return typeof value === "string" && ID.test(value);
}
