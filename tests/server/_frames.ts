/**
 * fast-check generators of client frames: valid messages, mutated and
 * truncated ones, huge, binary, deeply nested and unicode ones.
 *
 * @module
 */
import fc from "fast-check";

/** A frame as a socket delivers it. */
export type Frame = string | Uint8Array;

/** Room codes a frame may name: `"@A"` is replaced by room A's code. */
const codeArb = fc.oneof(
  fc.constant("@A"),
  fc.stringMatching(/^[A-Za-z]{4}$/),
  fc.string({ maxLength: 6 }),
);
const nameArb = fc.oneof(
  fc.constantFrom("Ann", "Host", "Zed", "ann", "Ghost"),
  fc.string({ unit: "grapheme", maxLength: 24 }),
  fc.string({ unit: "binary", maxLength: 24 }),
);
const tokenArb = fc.oneof(
  fc.constant("@TOKEN"),
  fc.string({ maxLength: 70 }),
);
const dataArb = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.record({
    type: fc.constantFrom("offer", "answer", "candidate"),
    sdp: fc.string({ maxLength: 40 }),
  }),
);

/** Messages that parse (most of the time) as the protocol's actions. */
export const validMessageArb: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.constant({ action: "createRoom" }),
  fc.record({
    action: fc.constant("reclaimRoom"),
    room: codeArb,
    hostToken: tokenArb,
  }),
  fc.record(
    {
      action: fc.constant("joinRoom"),
      room: codeArb,
      username: nameArb,
      offer: dataArb,
      reconnectToken: tokenArb,
    },
    { requiredKeys: ["action", "room", "username"] },
  ),
  fc.record({
    action: fc.constant("offerResponse"),
    clientUsername: nameArb,
    response: dataArb,
  }),
  fc.record(
    {
      action: fc.constantFrom("signal", "relay"),
      clientUsername: nameArb,
      data: dataArb,
    },
    { requiredKeys: ["action", "data"] },
  ),
  fc.constant({ action: "startGame" }),
  fc.constant({ action: "leaveRoom" }),
  fc.record({ action: fc.constant("kickPlayer"), clientUsername: nameArb }),
  fc.record({
    action: fc.constant("ping"),
    id: fc.oneof(fc.integer(), fc.string()),
  }, { requiredKeys: ["action"] }),
  fc.record({ action: fc.string({ maxLength: 12 }) }),
);

const validTextArb = validMessageArb.map((msg) => JSON.stringify(msg));

/** Every kind of frame, weighted toward the ones that reach deep code. */
export const frameArb: fc.Arbitrary<Frame> = fc.oneof(
  { arbitrary: validTextArb, weight: 6 },
  // Mutated: one character replaced, inserted or removed.
  {
    arbitrary: fc.tuple(
      validTextArb,
      fc.nat(),
      fc.string({ unit: "binary", maxLength: 2 }),
      fc.nat(2),
    )
      .map(([text, at, insert, how]) => {
        const i = at % (text.length + 1);
        return how === 0
          ? text.slice(0, i) + insert + text.slice(i + 1)
          : how === 1
          ? text.slice(0, i) + insert + text.slice(i)
          : text.slice(0, i) + text.slice(i + 1);
      }),
    weight: 3,
  },
  // Truncated.
  {
    arbitrary: fc.tuple(validTextArb, fc.nat()).map(([text, at]) =>
      text.slice(0, at % text.length)
    ),
    weight: 2,
  },
  // Huge: just over or far over the 64 KiB limit, or just under it.
  {
    arbitrary: fc.constantFrom(65_000, 65_537, 70_000, 200_000).map((n) =>
      JSON.stringify({ action: "relay", data: "z".repeat(n) })
    ),
    weight: 1,
  },
  // Binary.
  { arbitrary: fc.uint8Array({ maxLength: 64 }), weight: 1 },
  // Deeply nested JSON (arrays or objects), up to the size limit.
  {
    arbitrary: fc.tuple(fc.integer({ min: 1, max: 30_000 }), fc.boolean()).map((
      [depth, arrays],
    ) =>
      arrays
        ? `{"action":"relay","data":${"[".repeat(depth)}${"]".repeat(depth)}}`
        : `{"action":"signal","data":${'{"a":'.repeat(depth)}1${
          "}".repeat(depth)
        }}`
    ),
    weight: 1,
  },
  // Arbitrary unicode, lone surrogates included.
  { arbitrary: fc.string({ unit: "binary", maxLength: 80 }), weight: 1 },
  {
    arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) =>
      JSON.stringify(v) ?? "null"
    ),
    weight: 1,
  },
);

/** Fills the placeholders of a frame for one fixture. */
export function resolveFrame(
  frame: Frame,
  roomA: string,
  token: string,
): Frame {
  if (typeof frame !== "string") return frame;
  return frame.replaceAll('"@A"', JSON.stringify(roomA)).replaceAll(
    '"@TOKEN"',
    JSON.stringify(token),
  );
}
