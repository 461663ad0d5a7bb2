/**
 * Property test: parseClientMessage()'s fast path (relayed messages checked
 * in place) and its schema path give the same result on generated valid,
 * mutated and hostile messages.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseClientMessage } from "../../src/protocol/mod.ts";

const RELAYED = ["signal", "relay", "offerResponse"] as const;

/** Names: clean ones, ones to trim, empty, too long, control characters. */
const name = fc.oneof(
  fc.string({ minLength: 1, maxLength: 20 }),
  fc.constantFrom("Ann", " Ann ", "", "A".repeat(20), "A".repeat(21)),
  fc.constantFrom("a\u0000b", "x\u200Dy", "👩‍🍳", "\u202Eevil", "Ann\n"),
  fc.string({ unit: "binary", maxLength: 24 }),
);

/** simple-peer-like signals, and things that only look like them. */
const signal = fc.oneof(
  fc.record({
    type: fc.constantFrom("offer", "answer", "candidate"),
    sdp: fc.string({ maxLength: 64 }),
  }),
  fc.record({
    type: fc.constant("candidate"),
    candidate: fc.record({ candidate: fc.string(), sdpMid: fc.string() }),
  }),
  fc.record({ renegotiate: fc.constant(true) }),
  fc.record({ type: fc.string({ minLength: 30, maxLength: 40 }) }),
  fc.jsonValue(),
);

/** A relayed message that is valid or nearly so. */
const relayed = fc.record({
  action: fc.constantFrom(...RELAYED),
  clientUsername: fc.option(name, { nil: undefined }),
  data: fc.option(signal, { nil: undefined }),
  response: fc.option(signal, { nil: undefined }),
}, { requiredKeys: ["action"] });

/** The same, with one field replaced by any JSON value or an extra key. */
const mutated = fc.tuple(
  relayed,
  fc.constantFrom("action", "clientUsername", "data", "response", "extra"),
  fc.jsonValue(),
).map(([msg, key, value]) => ({ ...msg, [key]: value }));

/** Whole frames: the above as JSON, a `__proto__` key, or arbitrary JSON. */
const frame = fc.oneof(
  relayed.map((msg) => JSON.stringify(msg)),
  mutated.map((msg) => JSON.stringify(msg)),
  fc.tuple(fc.constantFrom(...RELAYED), name).map(([action, who]) =>
    `{"action":"${action}","clientUsername":${
      JSON.stringify(who)
    },"data":{"__proto__":{"x":1}},"response":{"type":"answer","__proto__":{}}}`
  ),
  fc.json(),
  fc.string(),
);

Deno.test("parseClientMessage() fast and schema paths agree on generated valid, mutated and hostile messages", () => {
  let accepted = 0;
  let refused = 0;
  fc.assert(
    fc.property(frame, (raw) => {
      const fast = parseClientMessage(raw);
      const schema = parseClientMessage(raw, { fastPath: false });
      assert.deepEqual(fast, schema);
      if (fast.ok) accepted++;
      else refused++;
    }),
    { numRuns: 5_000 },
  );
  // The generators reach both outcomes, so the agreement is not vacuous.
  assert.ok(accepted > 500, `only ${accepted} accepted`);
  assert.ok(refused > 500, `only ${refused} refused`);
});
