/**
 * What travels between instances on the room bus: four kinds of envelope,
 * relayed over pub/sub (never stored), one JSON text per PUBLISH.
 *
 * A socket lives on one instance; its room may live on another (the
 * owner). The socket's instance sends the socket's frames to the owner
 * (`in`: the frames that waited for the owner's lookup go together); the
 * owner answers with every message one envelope caused in one `out`; `gone`
 * says a socket closed, or (without `conn`) that an instance stops; `ping`
 * measures the round trip through an instance's own channel. A frame's
 * client message is checked by the owner's registry, as any frame; here
 * only the envelope's shape.
 *
 * @module
 */
import * as v from "valibot";
import type { ServerMessage } from "../../protocol/mod.ts";

/** Largest published text accepted, in characters (a 64 KiB frame + header). */
export const MAX_ENVELOPE_CHARS = 80_000;

const Id = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.:-]{1,64}$/));
/** 1000-1014, or an application code (3000-4999). */
const CloseCode = v.pipe(
  v.number(),
  v.integer(),
  v.check((c) => c >= 1000 && c <= 1014 || c >= 3000 && c <= 4999),
);
/** A server message: only its `type` is checked (the owner made it). */
const Message = v.custom<ServerMessage>((m) =>
  typeof m === "object" && m !== null &&
  typeof (m as { type?: unknown }).type === "string"
);

const EnvelopeSchema = v.variant("kind", [
  /** Socket instance → owner: one socket's frames (`address` on its first). */
  v.object({
    kind: v.literal("in"),
    from: Id,
    conn: Id,
    frames: v.array(v.string()),
    address: v.optional(v.pipe(v.string(), v.maxLength(64))),
  }),
  /** Owner → socket instance: messages for the socket, then maybe a close. */
  v.object({
    kind: v.literal("out"),
    from: Id,
    conn: Id,
    msgs: v.array(Message),
    close: v.optional(v.object({
      code: v.optional(CloseCode),
      reason: v.optional(v.pipe(v.string(), v.maxLength(123))),
    })),
  }),
  /** A socket closed (`conn`), or the instance `from` stops (no `conn`). */
  v.object({ kind: v.literal("gone"), from: Id, conn: v.optional(Id) }),
  /** A round-trip probe, sent to the sender's own channel. */
  v.object({
    kind: v.literal("ping"),
    from: Id,
    id: v.pipe(v.number(), v.safeInteger()),
  }),
]);

/** One envelope. */
export type Envelope = v.InferOutput<typeof EnvelopeSchema>;
const EnvelopeText = v.pipe(v.string(), v.parseJson(), EnvelopeSchema);

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
  const result = v.safeParse(EnvelopeText, text);
  return result.success ? result.output : v.summarize(result.issues);
}
