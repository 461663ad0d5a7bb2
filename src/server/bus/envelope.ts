/**
 * What travels between instances on the room bus: four kinds of envelope,
 * relayed over pub/sub (never stored), one JSON text per PUBLISH.
 *
 * A socket lives on one instance; its room may live on another (the
 * owner). The socket's instance sends the socket's frames to the owner
 * (`in`); the owner answers with every message one frame caused in one
 * `out`; `gone` says a socket closed, or (without `conn`) that an instance
 * stops; `ping` measures the round trip through an instance's own channel.
 * A frame's client message is checked by the owner's registry, as any
 * frame; here only the envelope's shape.
 *
 * @module
 */
import type { ServerMessage } from "../../protocol/mod.ts";

/** Largest published text accepted, in characters (a 64 KiB frame + header). */
export const MAX_ENVELOPE_CHARS = 80_000;
/** Longest close reason (the WebSocket limit). */
const MAX_REASON_LENGTH = 123;
const ID = /^[A-Za-z0-9_.:-]{1,64}$/;

/** One envelope. */
export type Envelope =
  /** Socket instance → owner: a frame (`address` on a socket's first). */
  | { kind: "in"; from: string; conn: string; frame: string; address?: string }
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
  const conn = e.conn;
  switch (e.kind) {
    case "in":
      if (!isId(conn) || typeof e.frame !== "string") return "bad in";
      if (
        e.address !== undefined &&
        !(typeof e.address === "string" && e.address.length <= 64)
      ) return "bad address";
      return {
        kind: "in",
        from: e.from,
        conn,
        frame: e.frame,
        ...(e.address === undefined ? {} : { address: e.address }),
      };
    case "out": {
      if (!isId(conn) || !Array.isArray(e.msgs)) return "bad out";
      for (const msg of e.msgs) {
        if (
          typeof msg !== "object" || msg === null ||
          typeof (msg as { type?: unknown }).type !== "string"
        ) return "bad message";
      }
      const close = e.close as Record<string, unknown> | undefined;
      if (close !== undefined) {
        if (typeof close !== "object" || close === null) return "bad close";
        const { code, reason } = close;
        if (
          code !== undefined &&
          !(Number.isInteger(code) && (code === 1000 ||
            ((code as number) >= 3000 && (code as number) <= 4999) ||
            ((code as number) >= 1001 && (code as number) <= 1014)))
        ) return "bad close code";
        if (
          reason !== undefined &&
          !(typeof reason === "string" && reason.length <= MAX_REASON_LENGTH)
        ) return "bad close reason";
      }
      return {
        kind: "out",
        from: e.from,
        conn,
        msgs: e.msgs as ServerMessage[],
        ...(close
          ? { close: close as { code?: number; reason?: string } }
          : {}),
      };
    }
    case "gone":
      if (conn !== undefined && !isId(conn)) return "bad gone";
      return conn === undefined
        ? { kind: "gone", from: e.from }
        : { kind: "gone", from: e.from, conn };
    case "ping":
      if (!Number.isSafeInteger(e.id)) return "bad ping";
      return { kind: "ping", from: e.from, id: e.id as number };
    default:
      return "unknown kind";
  }
}

function isId(value: unknown): value is string {
  return typeof value === "string" && ID.test(value);
}
