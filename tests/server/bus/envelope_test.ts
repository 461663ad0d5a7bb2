import assert from "node:assert/strict";
import {
  decodeEnvelope,
  encodeEnvelope,
  MAX_ENVELOPE_CHARS,
  sendEnvelope,
} from "../../../src/server/bus/envelope.ts";

Deno.test("decodeEnvelope() parses a frame's client message with the protocol's parser", () => {
  const text = encodeEnvelope({
    kind: "frame",
    from: "i-1",
    conn: "c1",
    raw: '{"action":"reclaimRoom","room":"pzza","hostToken":"abcdefgh12"}',
  });
  const result = decodeEnvelope(text);
  assert.ok(result.ok && result.envelope.kind === "frame");
  assert.deepEqual(result.envelope.msg, {
    action: "reclaimRoom",
    room: "PZZA",
    hostToken: "abcdefgh12",
  });
});

Deno.test("decodeEnvelope() refuses a frame the protocol refuses, and one over the size limit", () => {
  const bad = decodeEnvelope(encodeEnvelope({
    kind: "frame",
    from: "i-1",
    conn: "c1",
    raw: '{"action":"joinRoom","room":"TOOLONG","username":"Ann"}',
  }));
  assert.ok(!bad.ok);
  assert.match(bad.reason, /bad frame: .*room/);
  const big = decodeEnvelope(
    encodeEnvelope({
      kind: "frame",
      from: "i-1",
      conn: "c1",
      raw: JSON.stringify({ action: "relay", data: "x".repeat(2_000) }),
    }),
    1_000,
  );
  assert.ok(!big.ok);
  assert.match(big.reason, /larger than the limit/);
  assert.deepEqual(decodeEnvelope("x".repeat(MAX_ENVELOPE_CHARS + 1)), {
    ok: false,
    reason: "envelope too large",
  });
});

Deno.test("decodeEnvelope() refuses unknown kinds, bad ids and bad close codes", () => {
  for (
    const text of [
      "[]",
      '{"kind":"teleport","from":"a"}',
      '{"kind":"gone","from":"a b","conn":"c"}',
      '{"kind":"gone","from":"","conn":"c"}',
      '{"kind":"close","from":"a","conn":"c","code":99}',
      '{"kind":"send","from":"a","conn":"c","raw":"{}"}',
      '{"kind":"open","from":"a","conn":"c"}',
    ]
  ) {
    assert.equal(decodeEnvelope(text).ok, false, text);
  }
});

Deno.test("sendEnvelope() carries a server message that decodes back to itself", () => {
  const msg = {
    type: "roomClosed",
    reason: "kicked",
    message: "The host removed you from the game.",
  } as const;
  const result = decodeEnvelope(encodeEnvelope(sendEnvelope("o", "c9", msg)));
  assert.ok(result.ok && result.envelope.kind === "send");
  assert.deepEqual(result.envelope.msg, msg);
  assert.equal(result.envelope.conn, "c9");
});
