import assert from "node:assert/strict";
import {
  decodeEnvelope,
  type Envelope,
  MAX_ENVELOPE_CHARS,
} from "../../../src/server/bus/envelope.ts";

Deno.test("decodeEnvelope() gives back each of the four kinds as published", () => {
  const envelopes: Envelope[] = [
    { kind: "in", from: "i-1", conn: "c1", frames: ['{"action":"ping"}'] },
    { kind: "in", from: "i-1", conn: "c1", frames: ["x"], address: "10.0.0.1" },
    {
      kind: "out",
      from: "i-2",
      conn: "c1",
      msgs: [{ type: "gameStarted" }],
      close: { code: 4000, reason: "replaced" },
    },
    { kind: "gone", from: "i-1", conn: "c1" },
    { kind: "gone", from: "i-1" },
    { kind: "ping", from: "i-1", id: 7 },
  ];
  for (const envelope of envelopes) {
    assert.deepEqual(decodeEnvelope(JSON.stringify(envelope)), envelope);
  }
});

Deno.test("decodeEnvelope() refuses unknown kinds, bad ids, messages without a type, bad close codes and oversized texts", () => {
  for (
    const bad of [
      "nope",
      "[]",
      { kind: "open", from: "a", conn: "c" },
      { kind: "in", from: "bad id!", conn: "c", frames: ["x"] },
      { kind: "in", from: "a", conn: "c", frames: [1] },
      {
        kind: "in",
        from: "a",
        conn: "c",
        frames: ["x"],
        address: "x".repeat(65),
      },
      { kind: "out", from: "a", conn: "c", msgs: [{ t: 1 }] },
      { kind: "out", from: "a", conn: "c", msgs: [], close: { code: 999 } },
      {
        kind: "out",
        from: "a",
        conn: "c",
        msgs: [],
        close: { reason: "r".repeat(124) },
      },
      { kind: "gone", from: "a", conn: 5 },
      { kind: "ping", from: "a", id: 1.5 },
    ]
  ) {
    const text = typeof bad === "string" ? bad : JSON.stringify(bad);
    assert.equal(typeof decodeEnvelope(text), "string", text);
  }
  const huge = JSON.stringify({
    kind: "in",
    from: "a",
    conn: "c",
    frames: ["x".repeat(MAX_ENVELOPE_CHARS)],
  });
  assert.equal(decodeEnvelope(huge), "too long");
});
