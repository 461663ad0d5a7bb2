/**
 * Unit tests for one room (seats, names, VIP, host presence, fan-out), the
 * error table, and the server messages as the schema describes them.
 */
import assert from "node:assert/strict";
import * as v from "valibot";
import {
  ERROR_CODES,
  type ServerMessage,
  ServerMessageSchema,
} from "../../src/protocol/mod.ts";
import { DEFAULTS } from "../../src/server/config.ts";
import { type Connection, Room } from "../../src/server/room.ts";
import { ROOM_ERRORS, roomError } from "../../src/server/room_errors.ts";
import { RoomRegistry } from "../../src/server/room_registry.ts";

/** A connection that records what it was sent. */
function recorder(id: string) {
  const sent: ServerMessage[] = [];
  const conn: Connection = { id, send: (msg) => sent.push(msg), close() {} };
  return { conn, sent };
}

/** A room whose connections are the given recorders. */
function roomWith(...conns: Connection[]) {
  const byId = new Map(conns.map((c) => [c.id, c]));
  return new Room({
    code: "ABCD",
    hostToken: "host-token",
    hostConnId: "h",
    address: "10.0.0.1",
    lookup: (id) => byId.get(id),
  });
}

Deno.test("Room.vip() is the earliest-joined seat still in the room", () => {
  const room = roomWith();
  assert.equal(room.vip(), undefined);
  room.seat({
    username: "Bob",
    tokens: ["t"],
    connId: "b",
    joinedAt: 20,
    keepsToken: false,
  });
  room.seat({
    username: "Ann",
    tokens: ["t"],
    connId: "a",
    joinedAt: 10,
    keepsToken: false,
  });
  assert.equal(room.vip()?.username, "Ann");
  room.unseat("ANN");
  assert.equal(room.vip()?.username, "Bob");
  assert.equal(room.size, 1);
});

Deno.test("Room.seatOf() finds names in any case, and freeName() numbers a taken one", () => {
  const room = roomWith();
  room.seat({ username: "Ann", tokens: ["t"], joinedAt: 1, keepsToken: false });
  room.seat({
    username: "ann 2",
    tokens: ["t"],
    joinedAt: 2,
    keepsToken: false,
  });
  assert.equal(room.seatOf("aNN")?.username, "Ann");
  assert.equal(room.freeName("ANN"), "ANN 3");
  // Cut to fit 20 characters, never through a surrogate pair.
  assert.equal(room.freeName("x".repeat(17) + "😀"), "x".repeat(17) + " 2");
});

Deno.test("Room.broadcastPlayers() reaches connected seats only; sendHost() only a present host", () => {
  const host = recorder("h");
  const ann = recorder("a");
  const room = roomWith(host.conn, ann.conn);
  room.seat({
    username: "Ann",
    tokens: ["t"],
    connId: "a",
    joinedAt: 1,
    keepsToken: false,
  });
  room.seat({
    username: "Gone",
    tokens: ["t"],
    joinedAt: 2,
    keepsToken: false,
  });
  room.seat({
    username: "Lost",
    tokens: ["t"],
    connId: "closed",
    joinedAt: 3,
    keepsToken: false,
  });
  room.broadcastPlayers({ type: "gameStarted" });
  assert.deepEqual(ann.sent, [{ type: "gameStarted" }]);
  room.sendHost({ type: "hostBack" });
  assert.deepEqual(host.sent, [{ type: "hostBack" }]);
  room.hostConnId = undefined;
  assert.equal(room.hostPresent, false);
  room.sendHost({ type: "hostBack" });
  assert.equal(host.sent.length, 1);
  assert.deepEqual(room.summaries(), [
    { clientUsername: "Ann", connected: true },
    { clientUsername: "Gone", connected: false },
    { clientUsername: "Lost", connected: true },
  ]);
});

Deno.test("ROOM_ERRORS words every code it holds, and each code is a protocol code", () => {
  for (const code of Object.keys(ROOM_ERRORS) as (keyof typeof ROOM_ERRORS)[]) {
    assert.ok((ERROR_CODES as readonly string[]).includes(code), code);
    const msg = roomError(code, {
      action: "joinRoom",
      room: "ABCD",
      username: "Ann",
      count: 3,
    });
    assert.equal(msg.val, code);
    assert.equal(msg.action, "joinRoom");
    assert.ok(msg.message.length > 10, `${code}: ${msg.message}`);
    assert.doesNotMatch(msg.message, /undefined/, code);
    assert.ok(v.is(ServerMessageSchema, msg), code);
  }
  assert.equal("action" in roomError("rate limited"), false);
});

Deno.test("ServerMessageSchema accepts every message the registry sends in a whole game", () => {
  let time = 1_000;
  const registry = new RoomRegistry({ limits: DEFAULTS, now: () => time });
  const sent: ServerMessage[] = [];
  const open = (id: string) => {
    registry.open({ id, send: (m) => sent.push(m), close() {} }, "10.0.0.1");
  };
  const say = (id: string, msg: unknown) =>
    registry.receive(id, JSON.stringify(msg));
  const offer = { type: "offer", sdp: "v=0" };
  open("h");
  say("h", { action: "createRoom" });
  const room = (sent[0] as { room: string }).room;
  open("a");
  say("a", { action: "joinRoom", room, username: "Ann", offer });
  open("b");
  say("b", { action: "joinRoom", room, username: "Ann", offer });
  say("a", { action: "signal", data: { type: "candidate", candidate: {} } });
  say("h", { action: "signal", clientUsername: "Ann", data: { type: "x" } });
  say("a", { action: "relay", data: { t: "ping", id: 1 } });
  say("h", { action: "relay", clientUsername: "Ann", data: { t: "pong" } });
  say("a", { action: "ping", id: 3 });
  say("h", { action: "startGame" });
  say("h", { action: "startGame" });
  open("c");
  say("c", { action: "joinRoom", room, username: "Cy" });
  say("h", { action: "kickPlayer", clientUsername: "Ann 2" });
  registry.closed("a");
  open("a2");
  say("a2", { action: "joinRoom", room, username: "Ann" });
  registry.closed("h");
  open("h2");
  const token = (sent[0] as { hostToken: string }).hostToken;
  say("h2", { action: "reclaimRoom", room, hostToken: token });
  // A token-keeping seat asked for by name: the host approves one request
  // and lets another expire; a lobby seat expires in a second room.
  say("h2", { action: "setJoining", open: true });
  open("k");
  say("k", { action: "joinRoom", room, username: "Kim", keepsToken: true });
  registry.closed("k");
  open("k2");
  say("k2", { action: "joinRoom", room, username: "Kim" });
  say("h2", { action: "approveRejoin", requestId: "r1", approve: true });
  registry.closed("k2");
  open("k3");
  say("k3", { action: "joinRoom", room, username: "Kim" });
  open("h3");
  say("h3", { action: "createRoom" });
  const lobby = (sent.at(-1) as { room: string }).room;
  open("l");
  say("l", { action: "joinRoom", room: lobby, username: "Lee" });
  registry.closed("l");
  time += DEFAULTS.rejoinApprovalMs + DEFAULTS.lobbySeatGraceMs;
  registry.sweep();
  say("a2", { action: "leaveRoom" });
  say("c", "not json");
  registry.shutdown();
  const types = new Set(sent.map((m) => m.type));
  for (
    const type of [
      "confirmRoom",
      "offer",
      "joined",
      "playerJoined",
      "signal",
      "relay",
      "pong",
      "gameStarted",
      "error",
      "playerLeft",
      "roomClosed",
      "hostAway",
      "hostBack",
      "rejoinRequest",
      "rejoinPending",
      "rejoinClosed",
      "joiningChanged",
    ]
  ) {
    assert.ok(types.has(type as ServerMessage["type"]), `no ${type} sent`);
  }
  for (const msg of sent) {
    const result = v.safeParse(ServerMessageSchema, msg);
    assert.ok(result.success, JSON.stringify(msg));
  }
});
