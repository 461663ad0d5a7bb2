import assert from "node:assert/strict";
import {
  decodeBatch,
  decodeEnvelope,
  encodeBatch,
  encodeEnvelope,
  MAX_ENVELOPE_CHARS,
  sendEnvelope,
  type WireEnvelope,
} from "../../../src/server/bus/envelope.ts";

Deno.test("decodeEnvelope() carries a frame's raw text as it came (the owner's registry parses it)", () => {
  const raw = '{"action":"reclaimRoom","room":"pzza","hostToken":"abcdefgh12"}';
  const result = decodeEnvelope(
    encodeEnvelope({ kind: "frame", from: "i-1", conn: "c1", raw }),
  );
  assert.deepEqual(result, {
    ok: true,
    envelope: { kind: "frame", from: "i-1", conn: "c1", raw },
  });
});

Deno.test("decodeEnvelope() refuses a frame over the size limit, and a text over the envelope limit", () => {
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
      '{"kind":"send","from":"a","conn":"c","msg":[]}',
      '{"kind":"send","from":"a","conn":"c","raw":"{nope"}',
      '{"kind":"ping","from":"a","id":1.5}',
      '{"kind":"close","from":"a","conn":"c","reason":7}',
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

Deno.test("decodeEnvelope() still accepts a send whose message is JSON text (older instances)", () => {
  const result = decodeEnvelope(
    '{"kind":"send","from":"o","conn":"c1","raw":"{\\"type\\":\\"gameStarted\\"}"}',
  );
  assert.deepEqual(result, {
    ok: true,
    envelope: {
      kind: "send",
      from: "o",
      conn: "c1",
      msg: { type: "gameStarted" },
    },
  });
});

function frames(count: number, size: number): WireEnvelope[] {
  return Array.from({ length: count }, (_, i) => ({
    kind: "frame",
    from: "i-1",
    conn: "c1",
    raw: JSON.stringify({ action: "relay", n: i, data: "y".repeat(size) }),
  }));
}

Deno.test("encodeBatch() puts envelopes for one instance in one text, in order; decodeBatch() gives them back", () => {
  const envelopes = frames(5, 10);
  const texts = encodeBatch(envelopes);
  assert.equal(texts.length, 1);
  assert.ok(texts[0].startsWith("["));
  assert.deepEqual(decodeBatch(texts[0]), { envelopes, refused: [] });
  // One envelope alone is a plain object, as before batching.
  assert.deepEqual(encodeBatch(envelopes.slice(0, 1)), [
    encodeEnvelope(envelopes[0]),
  ]);
});

Deno.test("encodeBatch() splits an oversized batch into texts under the limit, order kept", () => {
  const envelopes = frames(7, 30_000);
  const texts = encodeBatch(envelopes);
  assert.ok(texts.length >= 3, `${texts.length} texts`);
  for (const text of texts) assert.ok(text.length <= MAX_ENVELOPE_CHARS);
  const back = texts.flatMap((text) => decodeBatch(text).envelopes);
  assert.deepEqual(back, envelopes);
  // An envelope over the limit by itself goes alone, and is refused.
  const huge = frames(1, MAX_ENVELOPE_CHARS)[0];
  const split = encodeBatch([envelopes[0], huge, envelopes[1]]);
  assert.equal(split.length, 3);
  assert.deepEqual(decodeBatch(split[1]), {
    envelopes: [],
    refused: ["envelope too large"],
  });
});

Deno.test("decodeBatch() refuses bad envelopes one by one and keeps the good ones", () => {
  const result = decodeBatch(
    '[{"kind":"gone","from":"a","conn":"c1"},{"kind":"gone","from":"a b","conn":"c"},' +
      '{"kind":"bye","from":"a"}]',
  );
  assert.deepEqual(result.envelopes, [
    { kind: "gone", from: "a", conn: "c1" },
    { kind: "bye", from: "a" },
  ]);
  assert.equal(result.refused.length, 1);
  assert.deepEqual(decodeBatch("[]"), {
    envelopes: [],
    refused: ["empty batch"],
  });
  assert.deepEqual(decodeBatch("{nope"), {
    envelopes: [],
    refused: ["envelope is not JSON"],
  });
});
