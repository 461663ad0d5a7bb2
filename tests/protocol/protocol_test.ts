/**
 * Unit tests for message validation: signaling (client and server side) and
 * game messages over the data channel.
 */
import assert from "node:assert/strict";
import {
  ERROR_CODES,
  MAX_GAME_MESSAGE_BYTES,
  MAX_NAME_LENGTH,
  parseClientMessage,
  parseHostMessage,
  parsePhoneMessage,
  parseServerMessage,
  type PlayerView,
  ROOM_CODE_LENGTH,
} from "../../src/protocol/mod.ts";

const OFFER = { type: "offer", sdp: "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n" };

function parse(msg: unknown) {
  return parseClientMessage(JSON.stringify(msg));
}

function expectOk(msg: unknown) {
  const result = parse(msg);
  assert.ok(
    result.ok,
    `refused ${JSON.stringify(msg)}: ${JSON.stringify(result)}`,
  );
  return result.msg;
}

function expectError(raw: unknown, val: string, options = {}) {
  const result = parseClientMessage(raw, options);
  assert.ok(!result.ok, `accepted ${String(raw)}`);
  assert.equal(result.error.val, val);
  assert.equal(typeof result.error.message, "string");
  assert.ok(result.error.message.length > 0);
  return result.error;
}

// ---------------------------------------------------------------------------
// Constants
// ---------------------------------------------------------------------------

Deno.test("protocol keeps the seed's limits and its error codes", () => {
  assert.equal(MAX_NAME_LENGTH, 20);
  assert.equal(ROOM_CODE_LENGTH, 4);
  assert.ok(ERROR_CODES.includes("wrong room"));
  assert.ok(ERROR_CODES.includes("no player"));
  assert.equal(new Set(ERROR_CODES).size, ERROR_CODES.length);
});

// ---------------------------------------------------------------------------
// parseClientMessage: frame-level checks
// ---------------------------------------------------------------------------

Deno.test("parseClientMessage() refuses anything but text as binary", () => {
  for (
    const raw of [
      new Uint8Array([123, 125]),
      new ArrayBuffer(2),
      new Blob(["{}"]),
      undefined,
      null,
      42,
      { action: "createRoom" },
    ]
  ) {
    expectError(raw, "binary");
  }
});

Deno.test("parseClientMessage() refuses frames over maxBytes, counted in UTF-8 bytes", () => {
  const fits = JSON.stringify({ action: "ping", pad: "x".repeat(60) });
  assert.ok(fits.length <= 100);
  assert.ok(parseClientMessage(fits, { maxBytes: 100 }).ok);
  const error = expectError(fits + " ".repeat(101 - fits.length), "too large", {
    maxBytes: 100,
  });
  assert.match(error.message, /100 bytes/);

  // 30 characters of "€" are 90 bytes: within 100 characters, over 100 bytes.
  const wide = JSON.stringify({ action: "ping", pad: "€".repeat(30) });
  assert.ok(wide.length < 100);
  expectError(wide, "too large", { maxBytes: 100 });
  assert.ok(parseClientMessage(wide, { maxBytes: 200 }).ok);
});

Deno.test("parseClientMessage() defaults maxBytes to 64 KiB", () => {
  const pad = (n: number) => `{"action":"ping","pad":"${"x".repeat(n - 26)}"}`;
  assert.equal(pad(65_536).length, 65_536);
  assert.ok(parseClientMessage(pad(65_536)).ok);
  expectError(pad(65_537), "too large");
});

Deno.test("parseClientMessage() refuses text that is not JSON", () => {
  for (const raw of ["", "{nope", "{'action':'createRoom'}", "undefined"]) {
    expectError(raw, "bad json");
  }
});

Deno.test("parseClientMessage() refuses JSON that is not an object", () => {
  for (const raw of ["[]", '[{"action":"createRoom"}]', "null", "1", '"x"']) {
    expectError(raw, "bad message");
  }
});

Deno.test("parseClientMessage() refuses a missing or unknown action", () => {
  let error = expectError("{}", "unknown action");
  assert.match(error.message, /action/);
  expectError('{"action":5}', "unknown action");
  error = expectError('{"action":"launchRockets"}', "unknown action");
  assert.match(error.message, /launchRockets/);
  // Inherited property names are not actions.
  for (
    const action of ["toString", "__proto__", "constructor", "hasOwnProperty"]
  ) {
    expectError(JSON.stringify({ action }), "unknown action");
  }
  // A long action name is cut in the message.
  error = expectError(
    JSON.stringify({ action: "y".repeat(1_000) }),
    "unknown action",
  );
  assert.ok(error.message.length < 100);
});

// ---------------------------------------------------------------------------
// parseClientMessage: each action
// ---------------------------------------------------------------------------

Deno.test("parseClientMessage() accepts createRoom and drops unknown fields", () => {
  assert.deepEqual(expectOk({ action: "createRoom", room: "ABCD", x: 1 }), {
    action: "createRoom",
  });
});

Deno.test("parseClientMessage() reads a seed joinRoom with its offer", () => {
  assert.deepEqual(
    expectOk({
      action: "joinRoom",
      room: "abcd",
      username: "Ann",
      offer: OFFER,
    }),
    { action: "joinRoom", room: "ABCD", username: "Ann", offer: OFFER },
  );
});

Deno.test("parseClientMessage() upper-cases and trims room codes and refuses bad ones", () => {
  const msg = expectOk({ action: "joinRoom", room: " pZzA ", username: "Ann" });
  assert.equal(msg.action === "joinRoom" && msg.room, "PZZA");
  for (const room of ["ABC", "ABCDE", "AB1D", "ÄBCD", "", 1234, null]) {
    const error = expectError(
      JSON.stringify({ action: "joinRoom", room, username: "Ann" }),
      "bad message",
    );
    assert.match(error.message, /joinRoom/);
    assert.match(error.message, /"room"/);
  }
  expectError('{"action":"joinRoom","username":"Ann"}', "bad message");
});

Deno.test("parseClientMessage() trims names and allows 1 to 20 characters", () => {
  const name = (username: unknown) =>
    parse({ action: "joinRoom", room: "ABCD", username });
  const ok = name("  Ann Lee  ");
  assert.ok(ok.ok && ok.msg.action === "joinRoom");
  assert.equal(ok.msg.username, "Ann Lee");
  assert.ok(name("x".repeat(20)).ok);
  assert.ok(name(` ${"x".repeat(20)} `).ok);
  assert.ok(name("Zoë 🍕").ok);
  assert.ok(name("名前").ok);

  for (
    const [username, words] of [
      ["", /empty/],
      ["   ", /empty/],
      ["x".repeat(21), /at most 20/],
      [12, /text/],
      [null, /text/],
    ] as const
  ) {
    const result = name(username);
    assert.ok(!result.ok);
    assert.equal(result.error.val, "bad message");
    assert.match(result.error.message, /"username"/);
    assert.match(result.error.message, words);
  }
});

Deno.test("parseClientMessage() refuses names with control or invisible format characters", () => {
  for (
    const username of [
      "Ann\u0000",
      "A\nB",
      "A\tB",
      "A\u0007",
      "A\u200bB", // zero-width space
      "A\u202eB", // right-to-left override
      "A\u2028B", // line separator
      "A\u2029B", // paragraph separator
      "A\ufeffB", // zero-width no-break space
    ]
  ) {
    const result = parse({ action: "joinRoom", room: "ABCD", username });
    assert.ok(!result.ok, JSON.stringify(username));
    assert.equal(result.error.val, "bad message");
    assert.match(result.error.message, /control characters/);
  }
});

Deno.test("parseClientMessage() checks joinRoom's optional offer and reconnect token", () => {
  const base = { action: "joinRoom", room: "ABCD", username: "Ann" };
  assert.ok(expectOk({ ...base, reconnectToken: "abcDEF12-_" }));
  assert.ok(expectOk({ ...base, reconnectToken: "a".repeat(64) }));
  for (
    const reconnectToken of [
      "short",
      "a".repeat(65),
      "has space1",
      "ünicode12",
      123,
    ]
  ) {
    expectError(JSON.stringify({ ...base, reconnectToken }), "bad message");
  }
  for (
    const offer of [
      "v=0",
      null,
      { type: "offer", sdp: "x".repeat(32_769) },
      { type: "x".repeat(33), sdp: "v=0" },
      { type: 1, sdp: "v=0" },
      { type: "offer", sdp: 1 },
    ]
  ) {
    expectError(JSON.stringify({ ...base, offer }), "bad message");
  }
  // The largest SDP is accepted, and unknown offer fields are kept.
  const big = { type: "offer", sdp: "x".repeat(32_768), extra: [1] };
  const msg = expectOk({ ...base, offer: big });
  assert.deepEqual(msg.action === "joinRoom" && msg.offer, big);
});

Deno.test("parseClientMessage() refuses signals carrying a __proto__ key", () => {
  const result = parseClientMessage(
    '{"action":"joinRoom","room":"ABCD","username":"Ann",' +
      '"offer":{"type":"offer","sdp":"v=0","__proto__":{"polluted":true}}}',
  );
  assert.ok(!result.ok && result.error.val === "bad message");
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  const signal = parseClientMessage(
    '{"action":"signal","data":{"__proto__":{"polluted":true}}}',
  );
  assert.ok(!signal.ok && signal.error.val === "bad message");
});

Deno.test("parseClientMessage() checks reclaimRoom's code and host token", () => {
  assert.deepEqual(
    expectOk({ action: "reclaimRoom", room: "abcd", hostToken: "token0001" }),
    { action: "reclaimRoom", room: "ABCD", hostToken: "token0001" },
  );
  expectError('{"action":"reclaimRoom","room":"ABCD"}', "bad message");
  const error = expectError(
    '{"action":"reclaimRoom","room":"ABCD","hostToken":"short"}',
    "bad message",
  );
  assert.match(error.message, /"hostToken"/);
  expectError(
    '{"action":"reclaimRoom","room":"AB","hostToken":"token0001"}',
    "bad message",
  );
});

Deno.test("parseClientMessage() checks offerResponse's name and response", () => {
  const answer = { type: "answer", sdp: "v=0" };
  assert.deepEqual(
    expectOk({
      action: "offerResponse",
      clientUsername: " Ann ",
      response: answer,
    }),
    { action: "offerResponse", clientUsername: "Ann", response: answer },
  );
  let error = expectError(
    JSON.stringify({ action: "offerResponse", clientUsername: "Ann" }),
    "bad message",
  );
  assert.match(error.message, /"response"/);
  error = expectError(
    JSON.stringify({ action: "offerResponse", response: answer }),
    "bad message",
  );
  assert.match(error.message, /"clientUsername"/);
  expectError(
    JSON.stringify({
      action: "offerResponse",
      clientUsername: "Ann",
      response: "v=0",
    }),
    "bad message",
  );
});

Deno.test("parseClientMessage() checks signal, with an optional name", () => {
  const candidate = {
    type: "candidate",
    candidate: { candidate: "candidate:1 1 udp 1 127.0.0.1 1 typ host" },
  };
  assert.deepEqual(expectOk({ action: "signal", data: candidate }), {
    action: "signal",
    data: candidate,
  });
  assert.deepEqual(
    expectOk({ action: "signal", clientUsername: "Ann", data: candidate }),
    { action: "signal", clientUsername: "Ann", data: candidate },
  );
  expectError('{"action":"signal"}', "bad message");
  expectError('{"action":"signal","data":"x"}', "bad message");
  expectError(
    JSON.stringify({ action: "signal", clientUsername: "", data: candidate }),
    "bad message",
  );
});

Deno.test("parseClientMessage() lets relay carry any JSON data but requires it", () => {
  for (const data of [null, 0, "text", [1, 2], { t: "move", x: 0, y: 1 }]) {
    assert.deepEqual(expectOk({ action: "relay", data }), {
      action: "relay",
      data,
    });
  }
  assert.deepEqual(
    expectOk({ action: "relay", clientUsername: "Ann", data: 1 }),
    { action: "relay", clientUsername: "Ann", data: 1 },
  );
  expectError('{"action":"relay"}', "bad message");
});

Deno.test("parseClientMessage() accepts the field-less actions", () => {
  for (const action of ["startGame", "leaveRoom"]) {
    assert.deepEqual(expectOk({ action, extra: true }), { action });
  }
});

Deno.test("parseClientMessage() checks kickPlayer's name", () => {
  assert.deepEqual(expectOk({ action: "kickPlayer", clientUsername: "Ann" }), {
    action: "kickPlayer",
    clientUsername: "Ann",
  });
  expectError('{"action":"kickPlayer"}', "bad message");
  expectError(
    JSON.stringify({ action: "kickPlayer", clientUsername: "x".repeat(21) }),
    "bad message",
  );
});

Deno.test("parseClientMessage() accepts ping with an optional whole-number id", () => {
  assert.deepEqual(expectOk({ action: "ping" }), { action: "ping" });
  assert.deepEqual(expectOk({ action: "ping", id: 7 }), {
    action: "ping",
    id: 7,
  });
  assert.deepEqual(expectOk({ action: "ping", id: -3 }), {
    action: "ping",
    id: -3,
  });
  for (const id of ["7", 1.5, 2 ** 53, null]) {
    const error = expectError(
      JSON.stringify({ action: "ping", id }),
      "bad message",
    );
    assert.match(error.message, /"id"/);
  }
});

// ---------------------------------------------------------------------------
// parseServerMessage
// ---------------------------------------------------------------------------

Deno.test("parseServerMessage() accepts any object with a string type", () => {
  const result = parseServerMessage(
    JSON.stringify({ type: "answer", sdp: "v=0" }),
  );
  assert.ok(result.ok);
  assert.deepEqual(result.msg, { type: "answer", sdp: "v=0" });
});

Deno.test("parseServerMessage() refuses binary, bad JSON and untyped messages", () => {
  const cases: [unknown, string][] = [
    [new Uint8Array(1), "binary"],
    ["{", "bad json"],
    ["[]", "bad message"],
    ["null", "bad message"],
    ['{"room":"ABCD"}', "bad message"],
    ['{"type":5}', "bad message"],
  ];
  for (const [raw, val] of cases) {
    const result = parseServerMessage(raw);
    assert.ok(!result.ok, String(raw));
    assert.equal(result.error.val, val);
  }
});

// ---------------------------------------------------------------------------
// Game messages
// ---------------------------------------------------------------------------

Deno.test("parsePhoneMessage() accepts every phone message, as text or object", () => {
  const messages = [
    { t: "move", x: 0, y: -1 },
    { t: "move", x: 1, y: 1 },
    { t: "move", x: -0.25, y: 0.5 },
    { t: "act", id: "pick-up" },
    { t: "ping", id: 0 },
    { t: "pong", id: 12 },
    { t: "leave" },
  ];
  for (const msg of messages) {
    const fromText = parsePhoneMessage(JSON.stringify(msg));
    assert.ok(fromText.ok, JSON.stringify(msg));
    assert.deepEqual(fromText.msg, msg);
    const fromObject = parsePhoneMessage(msg);
    assert.ok(fromObject.ok);
    assert.deepEqual(fromObject.msg, msg);
  }
});

Deno.test("parsePhoneMessage() refuses out-of-range, malformed and unknown messages", () => {
  const bad: unknown[] = [
    { t: "move", x: 1.01, y: 0 },
    { t: "move", x: 0, y: -2 },
    { t: "move", x: Number.NaN, y: 0 },
    { t: "move", x: Infinity, y: 0 },
    { t: "move", x: "1", y: 0 },
    { t: "move", x: 0 },
    { t: "act", id: "" },
    { t: "act", id: "x".repeat(65) },
    { t: "ping", id: -1 },
    { t: "ping", id: 0.5 },
    { t: "view" },
    { t: "fly" },
    {},
    null,
    42,
    [],
  ];
  for (const msg of bad) {
    const result = parsePhoneMessage(msg);
    assert.ok(!result.ok, JSON.stringify(msg));
    assert.equal(result.error.val, "bad message");
    assert.match(result.error.message, /game/);
  }
});

Deno.test("parsePhoneMessage() refuses bad JSON and oversized text", () => {
  let result = parsePhoneMessage("{nope");
  assert.ok(!result.ok && result.error.val === "bad json");
  const big = JSON.stringify({
    t: "act",
    id: "a",
    pad: "x".repeat(MAX_GAME_MESSAGE_BYTES),
  });
  result = parsePhoneMessage(big);
  assert.ok(!result.ok && result.error.val === "too large");
});

const VIEW: PlayerView = {
  name: "Ann",
  color: "#ff8800",
  vip: true,
  phase: "playing",
  difficulty: 1,
  money: 12.5,
  timeLeftMs: 90_000,
  strikes: 0,
  backpack: [{
    ingredients: ["dough", "tomato"],
    heat: 0.4,
    baked: false,
    burned: false,
  }],
  allergies: ["cheese"],
  actions: [{
    id: "drop:0",
    say: { key: "act.bake", item: { ingredients: ["dough", "tomato"] } },
    disabled: { key: "why.oven_busy" },
  }],
  inVehicle: false,
};

Deno.test("parseHostMessage() accepts every host message", () => {
  const messages = [
    { t: "view", view: VIEW },
    {
      t: "view",
      view: {
        ...VIEW,
        allergyExempt: "mixed",
        event: "rain",
        outcome: {
          won: false,
          reason: "too_few_deliveries",
          delivered: 1,
          players: 4,
          need: 2,
        },
      },
    },
    { t: "feedback", say: { key: "say.delivered", count: 17 }, tone: "good" },
    {
      t: "feedback",
      say: { key: "note.made", item: { ingredients: ["dough"], baked: true } },
      tone: "good",
    },
    { t: "ping", id: 1 },
    { t: "pong", id: 2 },
    { t: "bye", reason: "kicked" },
  ];
  for (const msg of messages) {
    const result = parseHostMessage(JSON.stringify(msg));
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual(result.msg, msg);
  }
});

Deno.test("parseHostMessage() refuses views that break their limits", () => {
  const bad: Partial<Record<keyof PlayerView, unknown>>[] = [
    { color: "red" },
    { color: "#ff88" },
    { name: "x".repeat(21) },
    { phase: "cooking" },
    { difficulty: 4 },
    { difficulty: 1.5 },
    { money: Infinity },
    { timeLeftMs: -1 },
    { strikes: -1 },
    { backpack: Array(4).fill(VIEW.backpack[0]) },
    { backpack: [{ ...VIEW.backpack[0], heat: 2 }] },
    { allergies: Array(6).fill("nuts") },
    { actions: Array(25).fill({ id: "a", say: { key: "act.start" } }) },
    { actions: [{ id: "a", label: "Start game" }] },
    { actions: [{ id: "a", say: { key: "Start game" } }] },
    { actions: [{ id: "a", say: { key: "act.start" }, disabled: "No!" }] },
    {
      actions: [{
        id: "a",
        say: { key: "act.buy", ingredient: "nuts", price: 1 },
      }],
    },
    { actions: [{ id: "a", say: { key: "act.buy", ingredient: "dough" } }] },
    { allergyExempt: "some" },
    { event: "Rain! Everyone walks slower" },
    {
      outcome: {
        won: true,
        reason: "Rich!",
        delivered: 1,
        players: 1,
        need: 1,
      },
    },
    { vip: "yes" },
  ];
  for (const change of bad) {
    const result = parseHostMessage({
      t: "view",
      view: { ...VIEW, ...change },
    });
    assert.ok(!result.ok, JSON.stringify(change));
    assert.equal(result.error.val, "bad message");
  }
  for (
    const msg of [
      { t: "feedback", say: { key: "note.go" }, tone: "loud" },
      { t: "feedback", text: "Go! Fill the orders.", tone: "info" },
      {
        t: "feedback",
        say: { key: "say.delivered", count: -1 },
        tone: "info",
      },
      {
        t: "feedback",
        say: { key: "note.event", event: "snow" },
        tone: "info",
      },
      { t: "bye" },
      { t: "view" },
    ]
  ) {
    assert.ok(!parseHostMessage(msg).ok, JSON.stringify(msg));
  }
});

Deno.test("parseHostMessage() refuses bad JSON and oversized text", () => {
  let result = parseHostMessage("nope");
  assert.ok(!result.ok && result.error.val === "bad json");
  result = parseHostMessage(
    JSON.stringify({
      t: "bye",
      reason: "é".repeat(MAX_GAME_MESSAGE_BYTES / 2),
    }),
  );
  assert.ok(!result.ok && result.error.val === "too large");
});

Deno.test("parseClientMessage() gives relayed messages the same shape on its fast and schema paths", () => {
  const candidate = {
    type: "candidate",
    candidate: { candidate: "c", sdpMid: "0" },
  };
  const cases: [unknown, unknown][] = [
    // Clean forms (fast path), with unknown fields dropped as the schema does.
    [
      { action: "signal", data: candidate, extra: 1 },
      { action: "signal", data: candidate },
    ],
    [
      { action: "signal", clientUsername: "Ann", data: candidate },
      { action: "signal", clientUsername: "Ann", data: candidate },
    ],
    [
      { action: "relay", clientUsername: "Ann", data: [1, "x"] },
      { action: "relay", clientUsername: "Ann", data: [1, "x"] },
    ],
    [
      { action: "relay", data: null },
      { action: "relay", data: null },
    ],
    [
      {
        action: "offerResponse",
        clientUsername: "Ann",
        response: { type: "answer", sdp: "v=0" },
      },
      {
        action: "offerResponse",
        clientUsername: "Ann",
        response: { type: "answer", sdp: "v=0" },
      },
    ],
    // Names that need trimming go through the schema and come out the same.
    [
      { action: "signal", clientUsername: "  Ann ", data: candidate },
      { action: "signal", clientUsername: "Ann", data: candidate },
    ],
    [
      {
        action: "offerResponse",
        clientUsername: "Ann\t",
        response: { type: "answer" },
      },
      {
        action: "offerResponse",
        clientUsername: "Ann",
        response: { type: "answer" },
      },
    ],
  ];
  for (const [input, expected] of cases) {
    const result = parseClientMessage(JSON.stringify(input));
    assert.ok(result.ok, JSON.stringify(input));
    assert.deepEqual(result.msg, expected);
  }
  // And what neither path accepts.
  for (
    const bad of [
      { action: "signal", clientUsername: "", data: candidate },
      { action: "signal", clientUsername: "x".repeat(21), data: candidate },
      { action: "signal", data: [] },
      { action: "offerResponse", clientUsername: "Ann", response: "sdp" },
      { action: "offerResponse", response: { type: "answer" } },
      { action: "relay", clientUsername: 5, data: {} },
    ]
  ) {
    const result = parseClientMessage(JSON.stringify(bad));
    assert.ok(
      !result.ok && result.error.val === "bad message",
      JSON.stringify(bad),
    );
  }
});
