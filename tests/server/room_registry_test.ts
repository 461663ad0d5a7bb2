/**
 * Unit tests for the signaling core, driven through fake connections, a fake
 * clock, scripted room codes and predictable tokens.
 */
import assert from "node:assert/strict";
import {
  CLOSE_GOING_AWAY,
  CLOSE_POLICY,
  CLOSE_REPLACED,
  type Connection,
  type RegistryEvent,
  type RegistryLimits,
  RoomRegistry,
} from "../../src/server/room_registry.ts";
import { DEFAULTS } from "../../src/server/config.ts";
import { tokenDigest } from "../../src/server/room_codes.ts";
import { Metrics } from "../../src/server/metrics.ts";
import type { ServerMessage } from "../../src/protocol/mod.ts";

/** A message as a client would decode it from the wire. */
type Msg = { type: string; [key: string]: unknown };

const OFFER = { type: "offer", sdp: "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n" };
const OFFER_2 = { type: "offer", sdp: "v=0\r\no=- 5 6 IN IP4 127.0.0.1\r\n" };
const ANSWER = { type: "answer", sdp: "v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\n" };
const CANDIDATE = {
  type: "candidate",
  candidate: {
    candidate: "candidate:1 1 udp 2122260223 127.0.0.1 54321 typ host",
    sdpMid: "0",
    sdpMLineIndex: 0,
  },
};

/** A connection that records what it is sent (as JSON would carry it). */
class FakeConnection implements Connection {
  readonly sent: Msg[] = [];
  readonly closes: { code?: number; reason?: string }[] = [];

  constructor(readonly id: string) {}

  send(msg: ServerMessage): void {
    this.sent.push(JSON.parse(JSON.stringify(msg)));
  }

  close(code?: number, reason?: string): void {
    this.closes.push({ code, reason });
  }

  /** Removes and returns everything received so far. */
  take(): Msg[] {
    return this.sent.splice(0);
  }

  /** Removes everything received and returns the only message. */
  only(): Msg {
    const all = this.take();
    assert.equal(all.length, 1, `expected one message, got ${s(all)}`);
    return all[0];
  }

  /** Removes everything received and returns the only message, an error. */
  error(): Msg {
    const msg = this.only();
    assert.equal(msg.type, "error", `expected an error, got ${s(msg)}`);
    assert.equal(typeof msg.message, "string");
    assert.ok((msg.message as string).length > 0);
    return msg;
  }
}

function s(value: unknown): string {
  return JSON.stringify(value);
}

const TEST_LIMITS: RegistryLimits = {
  maxMessageBytes: 65_536,
  maxPlayersPerRoom: 12,
  maxRooms: 100,
  maxRoomsPerAddress: 10,
  maxMessagesPerSecond: 10_000,
  messageBurst: 10_000,
  hostGraceMs: 60_000,
  lobbySeatGraceMs: 60_000,
  rejoinApprovalMs: 30_000,
};

/** Codes handed out after a test's scripted ones: QAAA, QAAB, … */
function fallbackCode(n: number): string {
  const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  return "Q" + letters[Math.floor(n / 676) % 26] +
    letters[Math.floor(n / 26) % 26] + letters[n % 26];
}

interface SetupOptions {
  limits?: Partial<RegistryLimits>;
  /** Codes `generateCode` returns first, in order. */
  codes?: string[];
  /** Replaces the code generator entirely. */
  generateCode?: () => string;
}

function setup(options: SetupOptions = {}) {
  let time = 1_000_000;
  const codes = [...(options.codes ?? ["ABCD", "EFGH", "IJKL", "MNOP"])];
  let fallback = 0;
  let codeCalls = 0;
  let tokens = 0;
  const events: RegistryEvent[] = [];
  const metrics = new Metrics();
  const registry = new RoomRegistry({
    limits: { ...TEST_LIMITS, ...options.limits },
    now: () => time,
    generateCode: () => {
      codeCalls++;
      if (options.generateCode) return options.generateCode();
      return codes.shift() ?? fallbackCode(fallback++);
    },
    generateToken: () => `token${String(++tokens).padStart(4, "0")}`,
    metrics,
    log: (event) => events.push(event),
  });
  let ids = 0;

  const t = {
    registry,
    metrics,
    events,
    get codeCalls() {
      return codeCalls;
    },
    advance(ms: number) {
      time += ms;
    },
    now: () => time,
    connect(address = "10.0.0.1", id = `c${++ids}`): FakeConnection {
      const conn = new FakeConnection(id);
      registry.open(conn, address);
      return conn;
    },
    send(conn: FakeConnection, msg: Record<string, unknown>) {
      registry.receive(conn.id, JSON.stringify(msg));
    },
    /** A connected host with its room; the confirmRoom is consumed. */
    host(address = "10.0.0.1") {
      const conn = t.connect(address);
      t.send(conn, { action: "createRoom" });
      const confirm = conn.only();
      assert.equal(confirm.type, "confirmRoom", s(confirm));
      return {
        conn,
        room: confirm.room as string,
        hostToken: confirm.hostToken as string,
      };
    },
    /** A joined player; its `joined` is consumed and returned. */
    player(
      room: string,
      username: string,
      extra: Record<string, unknown> = {},
    ) {
      const conn = t.connect("10.0.0.2");
      t.send(conn, { action: "joinRoom", room, username, ...extra });
      const joined = conn.only();
      assert.equal(joined.type, "joined", s(joined));
      return { conn, joined };
    },
  };
  return t;
}

/** A room with a host and players whose greetings are all consumed. */
function roomWith(names: string[], options: SetupOptions = {}) {
  const t = setup(options);
  const host = t.host();
  const players = names.map((name) => t.player(host.room, name));
  host.conn.take();
  return { t, host, players };
}

// ---------------------------------------------------------------------------
// open / receive / closed basics
// ---------------------------------------------------------------------------

Deno.test("RoomRegistry.open() refuses a connection id that is already open", () => {
  const t = setup();
  t.connect("10.0.0.1", "same");
  assert.throws(
    () => t.registry.open(new FakeConnection("same"), "10.0.0.1"),
    /already open/,
  );
  assert.equal(t.registry.stats().connections, 1);
  assert.equal(t.metrics.connectionsOpened, 1);
});

Deno.test("RoomRegistry.receive() ignores messages from a connection never opened", () => {
  const t = setup();
  const { conn: hostConn } = t.host();
  t.registry.receive("ghost", JSON.stringify({ action: "createRoom" }));
  t.registry.receive("ghost", "{not json");
  t.registry.receive("ghost", new Uint8Array([1, 2, 3]));
  assert.deepEqual(t.registry.stats(), {
    rooms: 1,
    connections: 1,
    players: 0,
  });
  assert.deepEqual(hostConn.sent, []);
  assert.equal(t.metrics.errorCount("bad json"), 0);
  assert.equal(t.metrics.errorCount("binary"), 0);
});

Deno.test("RoomRegistry.closed() ignores unknown ids and a second close", () => {
  const t = setup();
  const conn = t.connect();
  t.registry.closed("never-opened");
  t.registry.closed(conn.id);
  t.registry.closed(conn.id);
  assert.deepEqual(t.registry.stats(), {
    rooms: 0,
    connections: 0,
    players: 0,
  });
  // A closed connection's late frames are ignored.
  t.send(conn, { action: "createRoom" });
  assert.deepEqual(conn.sent, []);
  assert.equal(t.registry.stats().rooms, 0);
});

Deno.test("RoomRegistry copies its limits so later changes to the caller's object do not apply", () => {
  const limits: RegistryLimits = { ...TEST_LIMITS, maxRooms: 1 };
  const registry = new RoomRegistry({ limits, generateCode: () => "ABCD" });
  limits.maxRooms = 100;
  const sent: Msg[] = [];
  registry.open({ id: "a", send: (m) => sent.push(m as Msg), close() {} }, "x");
  registry.open({ id: "b", send: (m) => sent.push(m as Msg), close() {} }, "y");
  registry.receive("a", '{"action":"createRoom"}');
  registry.receive("b", '{"action":"createRoom"}');
  assert.equal(sent[0].type, "confirmRoom");
  assert.equal(sent[1].type, "error");
  assert.equal(sent[1].val, "server full");
});

Deno.test("RoomRegistry uses random codes and tokens by default", () => {
  const registry = new RoomRegistry({ limits: DEFAULTS });
  const sent: Msg[] = [];
  for (const id of ["a", "b"]) {
    registry.open(
      { id, send: (m) => sent.push(m as Msg), close() {} },
      "10.0.0.1",
    );
    registry.receive(id, '{"action":"createRoom"}');
  }
  assert.equal(sent.length, 2);
  for (const msg of sent) {
    assert.equal(msg.type, "confirmRoom");
    assert.match(msg.room as string, /^[A-Z]{4}$/);
    assert.match(msg.hostToken as string, /^[A-Za-z0-9_-]{24}$/);
    assert.equal(msg.hostGraceMs, DEFAULTS.hostGraceMs);
  }
  assert.notEqual(sent[0].room, sent[1].room);
  assert.notEqual(sent[0].hostToken, sent[1].hostToken);
});

// ---------------------------------------------------------------------------
// createRoom
// ---------------------------------------------------------------------------

Deno.test("RoomRegistry.createRoom answers confirmRoom with the code and a host token", () => {
  const t = setup();
  const conn = t.connect();
  t.send(conn, { action: "createRoom" });
  assert.deepEqual(conn.take(), [{
    type: "confirmRoom",
    room: "ABCD",
    hostToken: "token0001",
    hostGraceMs: 60_000,
    players: [],
    started: false,
    joiningOpen: true,
  }]);
  assert.deepEqual(t.registry.stats(), {
    rooms: 1,
    connections: 1,
    players: 0,
  });
  assert.equal(t.registry.hasRoom("ABCD"), true);
  assert.equal(t.registry.hasRoom("abcd"), true);
  assert.equal(t.registry.hasRoom("EFGH"), false);
  assert.equal(t.metrics.roomsCreated, 1);
  assert.ok(
    t.events.some((e) => e.event === "room created" && e.room === "ABCD"),
  );
});

Deno.test("RoomRegistry.createRoom refuses a connection already hosting a room", () => {
  const t = setup();
  const { conn } = t.host();
  t.send(conn, { action: "createRoom" });
  const error = conn.error();
  assert.equal(error.val, "already in room");
  assert.equal(error.action, "createRoom");
  assert.equal(t.registry.stats().rooms, 1);
  assert.equal(t.metrics.roomsCreated, 1);
});

Deno.test("RoomRegistry.createRoom refuses a connection that is a player", () => {
  const { t, players } = roomWith(["Ann"]);
  t.send(players[0].conn, { action: "createRoom" });
  assert.equal(players[0].conn.error().val, "already in room");
  assert.equal(t.registry.stats().rooms, 1);
});

Deno.test("RoomRegistry.createRoom skips codes already in use", () => {
  const t = setup({ codes: ["ABCD", "ABCD", "abcd", "EFGH"] });
  assert.equal(t.host().room, "ABCD");
  assert.equal(t.host().room, "EFGH");
  assert.equal(t.codeCalls, 4);
});

Deno.test("RoomRegistry.createRoom skips blocked words and malformed codes", () => {
  const t = setup({
    codes: ["SHIT", "fuck", "XFUK", "AB1D", "ABCDE", "", "pzza"],
  });
  assert.equal(t.host().room, "PZZA");
  assert.equal(t.codeCalls, 7);
});

Deno.test("RoomRegistry.createRoom says server full when no free code is found", () => {
  const t = setup({ generateCode: () => "ABCD" });
  t.host();
  const before = t.codeCalls;
  const conn = t.connect();
  t.send(conn, { action: "createRoom" });
  const error = conn.error();
  assert.equal(error.val, "server full");
  assert.equal(error.action, "createRoom");
  // It gives up after a bounded number of tries instead of spinning.
  const tries = t.codeCalls - before;
  assert.ok(tries > 1 && tries <= 1_000, `tried ${tries} codes`);
  assert.equal(t.registry.stats().rooms, 1);
  // The connection stays usable and unassigned.
  t.send(conn, { action: "leaveRoom" });
  assert.equal(conn.error().val, "not in room");
});

Deno.test("RoomRegistry.createRoom says server full at maxRooms without drawing a code", () => {
  const t = setup({ limits: { maxRooms: 2 } });
  t.host("10.0.0.1");
  t.host("10.0.0.2");
  const calls = t.codeCalls;
  const conn = t.connect("10.0.0.3");
  t.send(conn, { action: "createRoom" });
  assert.equal(conn.error().val, "server full");
  assert.equal(t.codeCalls, calls);
  assert.equal(t.registry.stats().rooms, 2);
  assert.equal(t.metrics.errorCount("server full"), 1);
});

Deno.test("RoomRegistry.createRoom limits rooms per address, and closing a room frees one", () => {
  const t = setup({ limits: { maxRoomsPerAddress: 2 } });
  const first = t.host("10.0.0.1");
  t.host("10.0.0.1");
  const third = t.connect("10.0.0.1");
  t.send(third, { action: "createRoom" });
  const error = third.error();
  assert.equal(error.val, "too many rooms");
  assert.equal(error.action, "createRoom");
  // Another address is not affected.
  t.host("10.0.0.9");
  // The host leaving closes its room and frees the address's slot.
  t.send(first.conn, { action: "leaveRoom" });
  first.conn.take();
  t.send(third, { action: "createRoom" });
  assert.equal(third.only().type, "confirmRoom");
  // Still capped at two.
  const fourth = t.connect("10.0.0.1");
  t.send(fourth, { action: "createRoom" });
  assert.equal(fourth.error().val, "too many rooms");
});

Deno.test("RoomRegistry.sweep() frees the per-address slot of a room it closes", () => {
  const t = setup({ limits: { maxRoomsPerAddress: 1 } });
  const { conn } = t.host("10.0.0.1");
  t.registry.closed(conn.id);
  const again = t.connect("10.0.0.1");
  t.send(again, { action: "createRoom" });
  assert.equal(again.error().val, "too many rooms");
  t.advance(60_000);
  t.registry.sweep();
  t.send(again, { action: "createRoom" });
  assert.equal(again.only().type, "confirmRoom");
});

// ---------------------------------------------------------------------------
// Host away, reclaimRoom, sweep
// ---------------------------------------------------------------------------

Deno.test("RoomRegistry.closed() on the host tells players it is away and keeps the room", () => {
  const { t, host, players } = roomWith(["Ann", "Bob"]);
  t.registry.closed(host.conn.id);
  for (const { conn } of players) {
    const msg = conn.only();
    assert.deepEqual(Object.keys(msg).sort(), ["graceMs", "message", "type"]);
    assert.equal(msg.type, "hostAway");
    assert.equal(msg.graceMs, 60_000);
    assert.equal(typeof msg.message, "string");
  }
  assert.deepEqual(host.conn.sent, []);
  assert.deepEqual(t.registry.stats(), {
    rooms: 1,
    connections: 2,
    players: 2,
  });
  assert.equal(t.registry.hasRoom(host.room), true);
});

Deno.test("RoomRegistry.reclaimRoom with the right token gives the room back with a new token and players get hostBack", () => {
  const { t, host, players } = roomWith(["Ann", "Bob"]);
  t.send(host.conn, { action: "startGame" });
  t.registry.closed(host.conn.id);
  t.registry.closed(players[1].conn.id);
  players[0].conn.take();
  t.advance(30_000);

  const fresh = t.connect("10.0.0.5");
  t.send(fresh, {
    action: "reclaimRoom",
    room: host.room.toLowerCase(),
    hostToken: host.hostToken,
  });
  assert.deepEqual(fresh.take(), [{
    type: "confirmRoom",
    room: host.room,
    // Host tokens rotate on each reclaim.
    hostToken: "token0004",
    hostGraceMs: 60_000,
    players: [
      { clientUsername: "Ann", connected: true },
      { clientUsername: "Bob", connected: false },
    ],
    started: true,
    joiningOpen: false,
  }]);
  assert.notEqual(host.hostToken, "token0004");
  assert.deepEqual(players[0].conn.only(), { type: "hostBack" });
  // The new connection is the host now.
  t.send(fresh, {
    action: "offerResponse",
    clientUsername: "Ann",
    response: ANSWER,
  });
  assert.deepEqual(players[0].conn.only(), ANSWER);
  assert.deepEqual(fresh.sent, []);
  // And the room no longer expires.
  t.advance(120_000);
  t.registry.sweep();
  assert.equal(t.registry.hasRoom(host.room), true);
  assert.deepEqual(players[0].conn.sent, []);
});

Deno.test("RoomRegistry.reclaimRoom refuses a wrong token, another room's token and an unknown room", () => {
  const t = setup();
  const a = t.host("10.0.0.1");
  const b = t.host("10.0.0.2");
  t.registry.closed(a.conn.id);
  const fresh = t.connect();

  t.send(fresh, {
    action: "reclaimRoom",
    room: a.room,
    hostToken: "wrongtoken",
  });
  let error = fresh.error();
  assert.equal(error.val, "bad token");
  assert.equal(error.action, "reclaimRoom");

  t.send(fresh, {
    action: "reclaimRoom",
    room: a.room,
    hostToken: b.hostToken,
  });
  assert.equal(fresh.error().val, "bad token");

  t.send(fresh, {
    action: "reclaimRoom",
    room: "ZZZZ",
    hostToken: a.hostToken,
  });
  error = fresh.error();
  assert.equal(error.val, "wrong room");
  assert.equal(error.action, "reclaimRoom");

  // A token of a different length is refused too (no length shortcut bug).
  t.send(fresh, {
    action: "reclaimRoom",
    room: a.room,
    hostToken: a.hostToken + "x",
  });
  assert.equal(fresh.error().val, "bad token");

  // None of this made `fresh` a host.
  t.send(fresh, { action: "startGame" });
  assert.equal(fresh.error().val, "not in room");
  assert.deepEqual(b.conn.sent, []);
  assert.equal(t.metrics.errorCount("bad token"), 3);
});

Deno.test("RoomRegistry.reclaimRoom refuses a connection already in a room", () => {
  const t = setup();
  const a = t.host();
  const b = t.host();
  t.send(b.conn, {
    action: "reclaimRoom",
    room: a.room,
    hostToken: a.hostToken,
  });
  const error = b.conn.error();
  assert.equal(error.val, "already in room");
  assert.equal(error.action, "reclaimRoom");
  // a is still the host of its room.
  t.send(a.conn, { action: "startGame" });
  assert.deepEqual(a.conn.sent, []);
});

Deno.test("RoomRegistry.reclaimRoom while the old host socket is open closes it with 4000 and detaches it", () => {
  const { t, host, players } = roomWith(["Ann"]);
  const fresh = t.connect();
  t.send(fresh, {
    action: "reclaimRoom",
    room: host.room,
    hostToken: host.hostToken,
  });
  assert.equal(fresh.only().type, "confirmRoom");
  assert.equal(host.conn.closes.length, 1);
  assert.equal(host.conn.closes[0].code, CLOSE_REPLACED);
  assert.equal(CLOSE_REPLACED, 4000);
  // The old page is gone, so players re-establish their peers.
  assert.deepEqual(players[0].conn.take(), [{ type: "hostBack" }]);
  // The old socket is no longer host of anything.
  t.send(host.conn, { action: "startGame" });
  assert.equal(host.conn.error().val, "not in room");
  // When the old socket finally closes, the room does not think its host left.
  t.registry.closed(host.conn.id);
  assert.deepEqual(players[0].conn.sent, []);
  t.advance(120_000);
  t.registry.sweep();
  assert.equal(t.registry.hasRoom(host.room), true);
  // Player signals reach the new host.
  t.send(players[0].conn, { action: "signal", data: CANDIDATE });
  assert.deepEqual(fresh.only(), {
    type: "signal",
    clientUsername: "Ann",
    data: CANDIDATE,
  });
});

Deno.test("RoomRegistry.sweep() closes a room once the host has been away for hostGraceMs, not before", () => {
  const { t, host, players } = roomWith(["Ann"], {
    limits: { hostGraceMs: 10_000 },
  });
  const other = t.host("10.0.0.7");
  t.registry.closed(host.conn.id);
  assert.equal(players[0].conn.only().type, "hostAway");

  t.advance(9_999);
  t.registry.sweep();
  assert.equal(t.registry.hasRoom(host.room), true);
  assert.deepEqual(players[0].conn.sent, []);

  t.advance(1);
  t.registry.sweep();
  assert.equal(t.registry.hasRoom(host.room), false);
  const closed = players[0].conn.only();
  assert.equal(closed.type, "roomClosed");
  assert.equal(closed.reason, "host gone");
  assert.equal(typeof closed.message, "string");
  assert.deepEqual(t.registry.stats(), {
    rooms: 1,
    connections: 2,
    players: 0,
  });
  // A host that is present is never swept.
  assert.equal(t.registry.hasRoom(other.room), true);
  // The player is back in the lobby and can join another room.
  t.send(players[0].conn, { action: "signal", data: CANDIDATE });
  assert.equal(players[0].conn.error().val, "not in room");
  t.send(players[0].conn, {
    action: "joinRoom",
    room: other.room,
    username: "Ann",
  });
  assert.equal(players[0].conn.only().type, "joined");
  // Reclaiming the swept room is no longer possible.
  const late = t.connect();
  t.send(late, {
    action: "reclaimRoom",
    room: host.room,
    hostToken: host.hostToken,
  });
  assert.equal(late.error().val, "wrong room");
});

Deno.test("RoomRegistry.sweep() keeps rooms whose host came back", () => {
  const { t, host } = roomWith([], { limits: { hostGraceMs: 1_000 } });
  t.registry.closed(host.conn.id);
  t.advance(500);
  const fresh = t.connect();
  t.send(fresh, {
    action: "reclaimRoom",
    room: host.room,
    hostToken: host.hostToken,
  });
  fresh.take();
  t.advance(5_000);
  t.registry.sweep();
  assert.equal(t.registry.hasRoom(host.room), true);
  // Leaving again starts a fresh grace period.
  t.registry.closed(fresh.id);
  t.advance(999);
  t.registry.sweep();
  assert.equal(t.registry.hasRoom(host.room), true);
  t.advance(1);
  t.registry.sweep();
  assert.equal(t.registry.hasRoom(host.room), false);
});

// ---------------------------------------------------------------------------
// joinRoom
// ---------------------------------------------------------------------------

Deno.test("RoomRegistry.joinRoom refuses an unknown room with wrong room", () => {
  const t = setup();
  t.host();
  const conn = t.connect();
  t.send(conn, { action: "joinRoom", room: "ZZZZ", username: "Ann" });
  const error = conn.error();
  assert.equal(error.val, "wrong room");
  assert.equal(error.action, "joinRoom");
  assert.equal(t.registry.stats().players, 0);
  assert.equal(t.metrics.errorCount("wrong room"), 1);
});

Deno.test("RoomRegistry.joinRoom accepts the code in any case", () => {
  const t = setup();
  const { room } = t.host();
  const { joined } = t.player(" abCd ", "Ann");
  assert.equal(joined.room, room);
});

Deno.test("RoomRegistry.joinRoom with an offer relays it to the host exactly as the seed does", () => {
  const t = setup();
  const host = t.host();
  const ann = t.connect("10.0.0.2");
  t.send(ann, {
    action: "joinRoom",
    room: host.room,
    username: "Ann",
    offer: OFFER,
  });
  assert.deepEqual(ann.take(), [{
    type: "joined",
    room: "ABCD",
    username: "Ann",
    renamed: false,
    reconnected: false,
    reconnectToken: "token0002",
    vip: true,
    started: false,
    hostPresent: true,
  }]);
  assert.deepEqual(host.conn.take(), [
    { type: "playerJoined", clientUsername: "Ann", reconnected: false },
    { type: "offer", sdp: OFFER.sdp, clientUsername: "Ann" },
  ]);
  assert.equal(t.metrics.joins, 1);
  assert.equal(t.metrics.relayedMessages, 1);
  assert.deepEqual(t.registry.stats(), {
    rooms: 1,
    connections: 2,
    players: 1,
  });
  // The log never carries SDP.
  assert.ok(!JSON.stringify(t.events).includes("v=0"));
});

Deno.test("RoomRegistry.joinRoom cannot spoof clientUsername or the type of a relayed offer", () => {
  const { t, host } = roomWith([]);
  const conn = t.connect();
  t.send(conn, {
    action: "joinRoom",
    room: host.room,
    username: "Ann",
    offer: { ...OFFER, clientUsername: "Bob", type: "answer" },
  });
  conn.take();
  const [, offer] = host.conn.take();
  assert.deepEqual(offer, {
    type: "offer",
    sdp: OFFER.sdp,
    clientUsername: "Ann",
  });
});

Deno.test("RoomRegistry.joinRoom without an offer only tells the host a player joined", () => {
  const { t, host } = roomWith([]);
  t.player(host.room, "Ann");
  assert.deepEqual(host.conn.take(), [
    { type: "playerJoined", clientUsername: "Ann", reconnected: false },
  ]);
  assert.equal(t.metrics.relayedMessages, 0);
});

Deno.test("RoomRegistry.joinRoom makes the earliest player still present the VIP", () => {
  const { t, host, players } = roomWith(["Ann"]);
  assert.equal(players[0].joined.vip, true);
  t.advance(1);
  const bob = t.player(host.room, "Bob");
  assert.equal(bob.joined.vip, false);
  t.send(players[0].conn, { action: "leaveRoom" });
  t.advance(1);
  // Bob is the VIP now, so Cid is not.
  assert.equal(t.player(host.room, "Cid").joined.vip, false);
  t.send(bob.conn, { action: "leaveRoom" });
  t.advance(1);
  // Cid is the only one left; a newcomer is not VIP.
  assert.equal(t.player(host.room, "Dan").joined.vip, false);
});

Deno.test("RoomRegistry.joinRoom trims the name and reports the final one", () => {
  const { t, host } = roomWith([]);
  const { joined } = t.player(host.room, "  Ann  ");
  assert.equal(joined.username, "Ann");
  assert.equal(joined.renamed, false);
  assert.deepEqual(host.conn.only(), {
    type: "playerJoined",
    clientUsername: "Ann",
    reconnected: false,
  });
});

Deno.test("RoomRegistry.joinRoom renames a duplicate name before the start, ignoring case", () => {
  const { t, host } = roomWith(["Ann"]);
  const second = t.player(host.room, "Ann", { offer: OFFER });
  assert.equal(second.joined.username, "Ann 2");
  assert.equal(second.joined.renamed, true);
  assert.equal(second.joined.reconnected, false);
  assert.deepEqual(host.conn.take(), [
    { type: "playerJoined", clientUsername: "Ann 2", reconnected: false },
    { type: "offer", sdp: OFFER.sdp, clientUsername: "Ann 2" },
  ]);
  const third = t.player(host.room, "aNN");
  assert.equal(third.joined.username, "aNN 3");
  assert.equal(third.joined.renamed, true);
  // Someone asking for "ann 2" gets a free variant of that.
  assert.equal(t.player(host.room, "ann 2").joined.username, "ann 2 2");
  assert.equal(t.registry.stats().players, 4);
});

Deno.test("RoomRegistry.joinRoom cuts a long duplicate name so it stays within 20 characters", () => {
  const { t, host } = roomWith([]);
  const long = "Abcdefghijklmnopqrst";
  assert.equal(long.length, 20);
  assert.equal(t.player(host.room, long).joined.username, long);
  const names: string[] = [];
  for (let i = 0; i < 10; i++) {
    names.push(t.player(host.room, long).joined.username as string);
  }
  assert.equal(names[0], "Abcdefghijklmnopqr 2");
  assert.equal(names[7], "Abcdefghijklmnopqr 9");
  assert.equal(names[8], "Abcdefghijklmnopq 10");
  for (const name of names) assert.ok(name.length <= 20, name);
  assert.equal(new Set(names.map((n) => n.toLowerCase())).size, 10);
});

Deno.test("RoomRegistry.joinRoom drops trailing spaces where it cuts a duplicate name", () => {
  const { t, host } = roomWith(["Abcdefghijklmnopq rs"]);
  const { joined } = t.player(host.room, "Abcdefghijklmnopq rs");
  assert.equal(joined.username, "Abcdefghijklmnopq 2");
});

Deno.test("RoomRegistry.joinRoom never cuts a duplicate name inside a character", () => {
  const name = "a" + "😀".repeat(9) + "b"; // 20 UTF-16 units
  assert.equal(name.length, 20);
  const { t, host } = roomWith([name]);
  const { joined } = t.player(host.room, name);
  const renamed = joined.username as string;
  assert.ok(renamed.length <= 20);
  assert.ok(renamed.endsWith(" 2"));
  assert.ok(renamed.isWellFormed(), `lone surrogate in ${s(renamed)}`);
  assert.equal(renamed, "a" + "😀".repeat(8) + " 2");
});

Deno.test("RoomRegistry.joinRoom refuses unknown names after startGame", () => {
  const { t, host } = roomWith(["Ann"]);
  t.send(host.conn, { action: "startGame" });
  const conn = t.connect();
  t.send(conn, { action: "joinRoom", room: host.room, username: "Zed" });
  const error = conn.error();
  assert.equal(error.val, "no player");
  assert.equal(error.action, "joinRoom");
  assert.equal(t.registry.stats().players, 1);
  assert.deepEqual(host.conn.sent, []);
});

Deno.test("RoomRegistry.joinRoom after startGame reconnects a known name whose connection is gone", () => {
  const { t, host, players } = roomWith(["Ann", "Bob"]);
  t.send(host.conn, { action: "startGame" });
  players.forEach(({ conn }) => conn.take());
  t.registry.closed(players[0].conn.id);
  assert.deepEqual(host.conn.only(), {
    type: "playerLeft",
    clientUsername: "Ann",
    reason: "disconnected",
  });

  const back = t.connect();
  t.send(back, {
    action: "joinRoom",
    room: host.room,
    username: "ann",
    offer: OFFER_2,
  });
  const joined = back.only();
  assert.deepEqual(joined, {
    type: "joined",
    room: host.room,
    username: "Ann",
    renamed: false,
    reconnected: true,
    reconnectToken: "token0004",
    vip: true,
    started: true,
    hostPresent: true,
  });
  assert.notEqual(joined.reconnectToken, players[0].joined.reconnectToken);
  assert.deepEqual(host.conn.take(), [
    { type: "playerJoined", clientUsername: "Ann", reconnected: true },
    { type: "offer", sdp: OFFER_2.sdp, clientUsername: "Ann" },
  ]);
  assert.equal(t.registry.stats().players, 2);
  assert.equal(t.metrics.reconnects, 1);
  assert.equal(t.metrics.joins, 3);
  // The host's answer reaches the new connection.
  t.send(host.conn, {
    action: "offerResponse",
    clientUsername: "Ann",
    response: ANSWER,
  });
  assert.deepEqual(back.only(), ANSWER);
});

Deno.test("RoomRegistry.joinRoom before startGame takes back a disconnected player's seat", () => {
  const { t, host, players } = roomWith(["Ann"]);
  t.registry.closed(players[0].conn.id);
  host.conn.take();
  const { joined } = t.player(host.room, "Ann");
  assert.equal(joined.username, "Ann");
  assert.equal(joined.reconnected, true);
  assert.equal(joined.renamed, false);
  assert.equal(joined.started, false);
  assert.equal(t.registry.stats().players, 1);
  assert.deepEqual(host.conn.only(), {
    type: "playerJoined",
    clientUsername: "Ann",
    reconnected: true,
  });
});

Deno.test("RoomRegistry.joinRoom after startGame refuses a live name without the right token", () => {
  const { t, host, players } = roomWith(["Ann"]);
  t.send(host.conn, { action: "startGame" });
  players[0].conn.take();
  const impostor = t.connect();
  t.send(impostor, { action: "joinRoom", room: host.room, username: "Ann" });
  let error = impostor.error();
  assert.equal(error.val, "name taken");
  assert.equal(error.action, "joinRoom");
  t.send(impostor, {
    action: "joinRoom",
    room: host.room,
    username: "Ann",
    reconnectToken: "wrongtoken",
  });
  error = impostor.error();
  assert.equal(error.val, "name taken");
  assert.deepEqual(players[0].conn.closes, []);
  assert.deepEqual(players[0].conn.sent, []);
  assert.deepEqual(host.conn.sent, []);
  assert.equal(t.metrics.reconnects, 0);
});

Deno.test("RoomRegistry.joinRoom with the right token takes over a live player and closes the old socket with 4000", () => {
  const { t, host, players } = roomWith(["Ann"]);
  t.send(host.conn, { action: "startGame" });
  const old = players[0].conn;
  old.take();
  const token = players[0].joined.reconnectToken as string;

  const fresh = t.connect();
  t.send(fresh, {
    action: "joinRoom",
    room: host.room,
    username: "Ann",
    reconnectToken: token,
  });
  const joined = fresh.only();
  assert.equal(joined.type, "joined");
  assert.equal(joined.reconnected, true);
  assert.notEqual(joined.reconnectToken, token);
  assert.deepEqual(old.closes.map((c) => c.code), [CLOSE_REPLACED]);
  assert.deepEqual(host.conn.only(), {
    type: "playerJoined",
    clientUsername: "Ann",
    reconnected: true,
  });

  // The old socket is detached: it can no longer speak for Ann.
  t.send(old, { action: "signal", data: CANDIDATE });
  assert.equal(old.error().val, "not in room");
  // Its late close does not make the host think Ann left.
  t.registry.closed(old.id);
  assert.deepEqual(host.conn.sent, []);
  // The old token cannot be replayed: it changed with the new connection.
  const replay = t.connect();
  t.send(replay, {
    action: "joinRoom",
    room: host.room,
    username: "Ann",
    reconnectToken: token,
  });
  // Ann's seat now keeps a token: the old one only asks the host.
  assert.equal(replay.only().type, "rejoinPending");
  assert.equal(host.conn.only().type, "rejoinRequest");
  assert.deepEqual(fresh.closes, []);
  // Ann's new connection still works.
  t.send(fresh, { action: "signal", data: CANDIDATE });
  assert.equal(host.conn.only().type, "signal");
});

Deno.test("RoomRegistry.joinRoom before startGame with the right token takes over instead of renaming", () => {
  const { t, host, players } = roomWith(["Ann"]);
  const fresh = t.connect();
  t.send(fresh, {
    action: "joinRoom",
    room: host.room,
    username: "Ann",
    reconnectToken: players[0].joined.reconnectToken,
  });
  const joined = fresh.only();
  assert.equal(joined.username, "Ann");
  assert.equal(joined.reconnected, true);
  assert.equal(players[0].conn.closes[0]?.code, CLOSE_REPLACED);
  assert.equal(t.registry.stats().players, 1);
});

Deno.test("RoomRegistry.joinRoom refuses a new player when the room is full, but lets one reconnect", () => {
  const { t, host, players } = roomWith(["Ann", "Bob"], {
    limits: { maxPlayersPerRoom: 2 },
  });
  const third = t.connect();
  t.send(third, { action: "joinRoom", room: host.room, username: "Cid" });
  const error = third.error();
  assert.equal(error.val, "room full");
  assert.equal(error.action, "joinRoom");
  assert.equal(t.registry.stats().players, 2);
  assert.deepEqual(host.conn.sent, []);
  // A duplicate name is refused too rather than renamed past the cap.
  t.send(third, { action: "joinRoom", room: host.room, username: "Ann" });
  assert.equal(third.error().val, "room full");
  // Reconnecting into an existing seat is not a new player.
  t.registry.closed(players[1].conn.id);
  t.send(third, { action: "joinRoom", room: host.room, username: "Bob" });
  assert.equal(third.only().reconnected, true);
});

Deno.test("RoomRegistry.joinRoom re-sent by a seed client relays the offer and adds no player", () => {
  const { t, host } = roomWith([]);
  const ann = t.connect();
  t.send(ann, {
    action: "joinRoom",
    room: host.room,
    username: "Ann",
    offer: OFFER,
  });
  ann.take();
  host.conn.take();
  t.send(ann, {
    action: "joinRoom",
    room: host.room.toLowerCase(),
    username: "ANN",
    offer: OFFER_2,
  });
  assert.deepEqual(host.conn.take(), [
    { type: "offer", sdp: OFFER_2.sdp, clientUsername: "Ann" },
  ]);
  assert.deepEqual(ann.sent, []);
  assert.equal(t.registry.stats().players, 1);
  assert.equal(t.metrics.joins, 1);
  assert.equal(t.metrics.relayedMessages, 2);
  // Without an offer a re-send does nothing at all.
  t.send(ann, { action: "joinRoom", room: host.room, username: "Ann" });
  assert.deepEqual(host.conn.sent, []);
  assert.deepEqual(ann.sent, []);
});

Deno.test("RoomRegistry.joinRoom re-sent by a renamed seed client under its asked-for name still relays", () => {
  const { t, host } = roomWith(["Ann"]);
  const second = t.connect();
  t.send(second, { action: "joinRoom", room: host.room, username: "Ann" });
  assert.equal(second.take()[0].username, "Ann 2");
  host.conn.take();
  t.send(second, {
    action: "joinRoom",
    room: host.room,
    username: "Ann",
    offer: OFFER_2,
  });
  assert.deepEqual(second.sent, []);
  assert.deepEqual(host.conn.take(), [
    { type: "offer", sdp: OFFER_2.sdp, clientUsername: "Ann 2" },
  ]);
  assert.equal(t.registry.stats().players, 2);
});

Deno.test("RoomRegistry.joinRoom refuses a player joining another room or under another name", () => {
  const t = setup();
  const a = t.host("10.0.0.1");
  const b = t.host("10.0.0.2");
  const ann = t.player(a.room, "Ann");
  a.conn.take();
  t.send(ann.conn, { action: "joinRoom", room: b.room, username: "Ann" });
  assert.equal(ann.conn.error().val, "already in room");
  t.send(ann.conn, { action: "joinRoom", room: a.room, username: "Bob" });
  assert.equal(ann.conn.error().val, "already in room");
  t.send(a.conn, { action: "joinRoom", room: b.room, username: "Hal" });
  assert.equal(a.conn.error().val, "already in room");
  assert.deepEqual(b.conn.sent, []);
  assert.equal(t.registry.stats().players, 1);
});

Deno.test("RoomRegistry.joinRoom while the host is away says so and drops nothing else", () => {
  const { t, host } = roomWith([]);
  t.registry.closed(host.conn.id);
  const { joined } = t.player(host.room, "Ann", { offer: OFFER });
  assert.equal(joined.hostPresent, false);
  const fresh = t.connect();
  t.send(fresh, {
    action: "reclaimRoom",
    room: host.room,
    hostToken: host.hostToken,
  });
  assert.deepEqual(fresh.only().players, [
    { clientUsername: "Ann", connected: true },
  ]);
});

// ---------------------------------------------------------------------------
// offerResponse, signal, relay
// ---------------------------------------------------------------------------

Deno.test("RoomRegistry.offerResponse relays the host's answer to the player untouched", () => {
  const { t, host, players } = roomWith(["Ann", "Bob"]);
  const response = { ...ANSWER, extra: { kept: [1, 2] } };
  t.send(host.conn, {
    action: "offerResponse",
    clientUsername: "aNn",
    response,
  });
  assert.deepEqual(players[0].conn.take(), [response]);
  assert.deepEqual(players[1].conn.sent, []);
  assert.deepEqual(host.conn.sent, []);
  assert.equal(t.metrics.relayedMessages, 1);
});

Deno.test("RoomRegistry.offerResponse from a player is refused with not host", () => {
  const { t, host, players } = roomWith(["Ann", "Bob"]);
  t.send(players[0].conn, {
    action: "offerResponse",
    clientUsername: "Bob",
    response: ANSWER,
  });
  const error = players[0].conn.error();
  assert.equal(error.val, "not host");
  assert.equal(error.action, "offerResponse");
  assert.deepEqual(players[1].conn.sent, []);
  assert.deepEqual(host.conn.sent, []);
});

Deno.test("RoomRegistry.offerResponse from a connection in no room is refused with not in room", () => {
  const { t, players } = roomWith(["Ann"]);
  const stranger = t.connect();
  t.send(stranger, {
    action: "offerResponse",
    clientUsername: "Ann",
    response: ANSWER,
  });
  assert.equal(stranger.error().val, "not in room");
  assert.deepEqual(players[0].conn.sent, []);
});

Deno.test("RoomRegistry.offerResponse to an unknown or disconnected player is refused with no player", () => {
  const { t, host, players } = roomWith(["Ann"]);
  t.send(host.conn, {
    action: "offerResponse",
    clientUsername: "Zed",
    response: ANSWER,
  });
  let error = host.conn.error();
  assert.equal(error.val, "no player");
  assert.equal(error.action, "offerResponse");
  t.registry.closed(players[0].conn.id);
  host.conn.take();
  t.send(host.conn, {
    action: "offerResponse",
    clientUsername: "Ann",
    response: ANSWER,
  });
  error = host.conn.error();
  assert.equal(error.val, "no player");
  assert.deepEqual(players[0].conn.sent, []);
  assert.equal(t.metrics.relayedMessages, 0);
});

Deno.test("RoomRegistry.signal from a player reaches the host with the player's own name", () => {
  const { t, host, players } = roomWith(["Ann", "Bob"]);
  t.send(players[0].conn, { action: "signal", data: CANDIDATE });
  // A player cannot pass itself off as another.
  t.send(players[0].conn, {
    action: "signal",
    clientUsername: "Bob",
    data: CANDIDATE,
  });
  assert.deepEqual(host.conn.take(), [
    { type: "signal", clientUsername: "Ann", data: CANDIDATE },
    { type: "signal", clientUsername: "Ann", data: CANDIDATE },
  ]);
  assert.deepEqual(players[1].conn.sent, []);
  assert.equal(t.metrics.relayedMessages, 2);
});

Deno.test("RoomRegistry.signal from the host reaches the named player", () => {
  const { t, host, players } = roomWith(["Ann", "Bob"]);
  const renegotiate = { type: "renegotiate", renegotiate: true };
  t.send(host.conn, {
    action: "signal",
    clientUsername: "bob",
    data: CANDIDATE,
  });
  t.send(host.conn, {
    action: "signal",
    clientUsername: "Bob",
    data: renegotiate,
  });
  assert.deepEqual(players[1].conn.take(), [
    { type: "signal", data: CANDIDATE },
    { type: "signal", data: renegotiate },
  ]);
  assert.deepEqual(players[0].conn.sent, []);
  assert.deepEqual(host.conn.sent, []);
});

Deno.test("RoomRegistry.signal from the host without clientUsername is a bad message", () => {
  const { t, host, players } = roomWith(["Ann"]);
  t.send(host.conn, { action: "signal", data: CANDIDATE });
  const error = host.conn.error();
  assert.equal(error.val, "bad message");
  assert.equal(error.action, "signal");
  assert.deepEqual(players[0].conn.sent, []);
});

Deno.test("RoomRegistry.signal from a player while the host is away is refused", () => {
  const { t, host, players } = roomWith(["Ann"]);
  t.registry.closed(host.conn.id);
  players[0].conn.take();
  t.send(players[0].conn, { action: "signal", data: CANDIDATE });
  const error = players[0].conn.error();
  assert.equal(error.val, "no player");
  assert.equal(error.action, "signal");
  assert.equal(t.metrics.relayedMessages, 0);
});

Deno.test("RoomRegistry.signal from a connection in no room is refused with not in room", () => {
  const t = setup();
  const conn = t.connect();
  t.send(conn, { action: "signal", clientUsername: "Ann", data: CANDIDATE });
  assert.equal(conn.error().val, "not in room");
});

Deno.test("RoomRegistry.relay carries game messages both ways", () => {
  const { t, host, players } = roomWith(["Ann", "Bob"]);
  t.send(players[0].conn, { action: "relay", data: { t: "move", x: 1, y: 0 } });
  t.send(players[0].conn, { action: "relay", data: "text" });
  t.send(players[0].conn, { action: "relay", clientUsername: "Bob", data: 3 });
  assert.deepEqual(host.conn.take(), [
    { type: "relay", clientUsername: "Ann", data: { t: "move", x: 1, y: 0 } },
    { type: "relay", clientUsername: "Ann", data: "text" },
    { type: "relay", clientUsername: "Ann", data: 3 },
  ]);
  t.send(host.conn, {
    action: "relay",
    clientUsername: "Bob",
    data: { t: "feedback", text: "Hi", tone: "info" },
  });
  assert.deepEqual(players[1].conn.take(), [
    { type: "relay", data: { t: "feedback", text: "Hi", tone: "info" } },
  ]);
  assert.deepEqual(players[0].conn.sent, []);
  assert.equal(t.metrics.relayedMessages, 4);
});

Deno.test("RoomRegistry.relay refuses what cannot be delivered", () => {
  const { t, host, players } = roomWith(["Ann"]);
  t.send(host.conn, { action: "relay", data: 1 });
  assert.equal(host.conn.error().val, "bad message");
  t.send(host.conn, { action: "relay", clientUsername: "Zed", data: 1 });
  assert.equal(host.conn.error().val, "no player");
  const stranger = t.connect();
  t.send(stranger, { action: "relay", clientUsername: "Ann", data: 1 });
  assert.equal(stranger.error().val, "not in room");
  t.registry.closed(host.conn.id);
  players[0].conn.take();
  t.send(players[0].conn, { action: "relay", data: 1 });
  const error = players[0].conn.error();
  assert.equal(error.val, "no player");
  assert.equal(error.action, "relay");
  assert.equal(t.metrics.relayedMessages, 0);
});

// ---------------------------------------------------------------------------
// startGame, leaveRoom, kickPlayer, player close
// ---------------------------------------------------------------------------

Deno.test("RoomRegistry.startGame tells players and refuses a second start", () => {
  const { t, host, players } = roomWith(["Ann", "Bob"]);
  t.send(host.conn, { action: "startGame" });
  for (const { conn } of players) {
    assert.deepEqual(conn.take(), [{ type: "gameStarted" }]);
  }
  assert.deepEqual(host.conn.sent, []);
  t.send(host.conn, { action: "startGame" });
  const error = host.conn.error();
  assert.equal(error.val, "game started");
  assert.equal(error.action, "startGame");
  for (const { conn } of players) assert.deepEqual(conn.sent, []);
});

Deno.test("RoomRegistry.startGame from a player or a stranger is refused", () => {
  const { t, host, players } = roomWith(["Ann"]);
  t.send(players[0].conn, { action: "startGame" });
  const error = players[0].conn.error();
  assert.equal(error.val, "not host");
  assert.equal(error.action, "startGame");
  const stranger = t.connect();
  t.send(stranger, { action: "startGame" });
  assert.equal(stranger.error().val, "not in room");
  // The game did not start: new names can still join.
  assert.equal(t.player(host.room, "Bob").joined.started, false);
});

Deno.test("RoomRegistry.leaveRoom by a player tells the host and frees the name", () => {
  const { t, host, players } = roomWith(["Ann", "Bob"]);
  t.send(players[0].conn, { action: "leaveRoom" });
  assert.deepEqual(host.conn.take(), [
    { type: "playerLeft", clientUsername: "Ann", reason: "left" },
  ]);
  assert.deepEqual(players[1].conn.sent, []);
  assert.equal(t.registry.stats().players, 1);
  // The name is free again: a newcomer gets it unchanged.
  const { joined } = t.player(host.room, "Ann");
  assert.equal(joined.username, "Ann");
  assert.equal(joined.renamed, false);
  assert.equal(joined.reconnected, false);
  // The leaver is in no room now and may join anew.
  t.send(players[0].conn, { action: "leaveRoom" });
  assert.equal(players[0].conn.error().val, "not in room");
  t.send(players[0].conn, {
    action: "joinRoom",
    room: host.room,
    username: "Cid",
  });
  assert.equal(players[0].conn.only().type, "joined");
  // Its later socket close is not reported again.
  host.conn.take();
  t.send(players[0].conn, { action: "leaveRoom" });
  host.conn.take();
  t.registry.closed(players[0].conn.id);
  assert.deepEqual(host.conn.sent, []);
});

Deno.test("RoomRegistry.leaveRoom by a player after startGame means the name cannot come back", () => {
  const { t, host, players } = roomWith(["Ann"]);
  t.send(host.conn, { action: "startGame" });
  t.send(players[0].conn, { action: "leaveRoom" });
  const conn = t.connect();
  t.send(conn, { action: "joinRoom", room: host.room, username: "Ann" });
  assert.equal(conn.error().val, "no player");
});

Deno.test("RoomRegistry.leaveRoom by the host closes the room for everyone", () => {
  const { t, host, players } = roomWith(["Ann", "Bob"]);
  const other = t.host("10.0.0.8");
  const bystander = t.player(other.room, "Zoe");
  other.conn.take();
  t.send(host.conn, { action: "leaveRoom" });
  for (const { conn } of [...players, { conn: host.conn }]) {
    const msg = conn.only();
    assert.equal(msg.type, "roomClosed");
    assert.equal(msg.reason, "host left");
    assert.equal(typeof msg.message, "string");
    assert.deepEqual(conn.closes, []);
  }
  assert.equal(t.registry.hasRoom(host.room), false);
  assert.deepEqual(t.registry.stats(), {
    rooms: 1,
    connections: 5,
    players: 1,
  });
  // Everyone is back in the lobby.
  t.send(players[0].conn, { action: "signal", data: CANDIDATE });
  assert.equal(players[0].conn.error().val, "not in room");
  t.send(host.conn, { action: "createRoom" });
  assert.equal(host.conn.only().type, "confirmRoom");
  // The other room noticed nothing.
  assert.deepEqual(other.conn.sent, []);
  assert.deepEqual(bystander.conn.sent, []);
  // Late closes of the old members change nothing.
  t.registry.closed(players[1].conn.id);
  assert.deepEqual(host.conn.sent, []);
});

Deno.test("RoomRegistry.leaveRoom when in no room is refused with not in room", () => {
  const t = setup();
  const conn = t.connect();
  t.send(conn, { action: "leaveRoom" });
  const error = conn.error();
  assert.equal(error.val, "not in room");
  assert.equal(error.action, "leaveRoom");
});

Deno.test("RoomRegistry.kickPlayer removes the player and tells both sides", () => {
  const { t, host, players } = roomWith(["Ann", "Bob"]);
  t.send(host.conn, { action: "kickPlayer", clientUsername: "ANN" });
  assert.deepEqual(host.conn.take(), [
    { type: "playerLeft", clientUsername: "Ann", reason: "kicked" },
  ]);
  const closed = players[0].conn.only();
  assert.equal(closed.type, "roomClosed");
  assert.equal(closed.reason, "kicked");
  assert.equal(typeof closed.message, "string");
  assert.deepEqual(players[1].conn.sent, []);
  assert.equal(t.registry.stats().players, 1);
  // Its socket is closed: a script cannot rejoin over it on the spot.
  assert.deepEqual(players[0].conn.closes.map((c) => c.code), [CLOSE_POLICY]);
  // The kicked connection no longer speaks for the room.
  t.send(players[0].conn, { action: "signal", data: CANDIDATE });
  assert.equal(players[0].conn.error().val, "not in room");
  assert.deepEqual(host.conn.sent, []);
});

Deno.test("RoomRegistry.kickPlayer removes a disconnected player too", () => {
  const { t, host, players } = roomWith(["Ann"]);
  t.registry.closed(players[0].conn.id);
  host.conn.take();
  t.send(host.conn, { action: "kickPlayer", clientUsername: "Ann" });
  assert.deepEqual(host.conn.take(), [
    { type: "playerLeft", clientUsername: "Ann", reason: "kicked" },
  ]);
  assert.equal(t.registry.stats().players, 0);
});

Deno.test("RoomRegistry.kickPlayer refuses unknown names, players and strangers", () => {
  const { t, host, players } = roomWith(["Ann", "Bob"]);
  t.send(host.conn, { action: "kickPlayer", clientUsername: "Zed" });
  const error = host.conn.error();
  assert.equal(error.val, "no player");
  assert.equal(error.action, "kickPlayer");
  t.send(players[0].conn, { action: "kickPlayer", clientUsername: "Bob" });
  assert.equal(players[0].conn.error().val, "not host");
  const stranger = t.connect();
  t.send(stranger, { action: "kickPlayer", clientUsername: "Bob" });
  assert.equal(stranger.error().val, "not in room");
  assert.deepEqual(players[1].conn.sent, []);
  assert.equal(t.registry.stats().players, 2);
});

Deno.test("RoomRegistry.closed() on a player tells the host it disconnected and keeps its seat", () => {
  const { t, host, players } = roomWith(["Ann", "Bob"]);
  t.registry.closed(players[0].conn.id);
  assert.deepEqual(host.conn.take(), [
    { type: "playerLeft", clientUsername: "Ann", reason: "disconnected" },
  ]);
  assert.deepEqual(players[1].conn.sent, []);
  assert.deepEqual(t.registry.stats(), {
    rooms: 1,
    connections: 2,
    players: 2,
  });
});

Deno.test("RoomRegistry.closed() on a connection in no room changes nothing", () => {
  const { t, host } = roomWith(["Ann"]);
  const stranger = t.connect();
  t.registry.closed(stranger.id);
  assert.deepEqual(host.conn.sent, []);
  assert.deepEqual(t.registry.stats(), {
    rooms: 1,
    connections: 2,
    players: 1,
  });
});

// ---------------------------------------------------------------------------
// ping
// ---------------------------------------------------------------------------

Deno.test("RoomRegistry.ping answers pong with the id and the server time", () => {
  const { t, players } = roomWith(["Ann"]);
  t.send(players[0].conn, { action: "ping", id: 42 });
  assert.deepEqual(players[0].conn.only(), {
    type: "pong",
    id: 42,
    serverTime: t.now(),
  });
  const stranger = t.connect();
  t.advance(5);
  t.send(stranger, { action: "ping" });
  assert.deepEqual(stranger.only(), { type: "pong", serverTime: t.now() });
});

// ---------------------------------------------------------------------------
// Rate limiting
// ---------------------------------------------------------------------------

Deno.test("RoomRegistry.receive() allows a burst, then drops with one rate limited error per second", () => {
  const t = setup({ limits: { maxMessagesPerSecond: 2, messageBurst: 5 } });
  const conn = t.connect();
  for (let i = 0; i < 5; i++) t.send(conn, { action: "ping", id: i });
  assert.deepEqual(conn.take().map((m) => m.type), Array(5).fill("pong"));

  for (let i = 0; i < 20; i++) t.send(conn, { action: "ping", id: i });
  const errors = conn.take();
  assert.equal(errors.length, 1);
  assert.equal(errors[0].type, "error");
  assert.equal(errors[0].val, "rate limited");
  assert.equal(errors[0].action, undefined);

  // 400 ms later: no new token yet (2/s), and no second error inside the second.
  t.advance(400);
  t.send(conn, { action: "ping", id: 100 });
  assert.deepEqual(conn.sent, []);

  // 500 ms refills one token.
  t.advance(100);
  t.send(conn, { action: "ping", id: 101 });
  assert.deepEqual(conn.only(), { type: "pong", id: 101, serverTime: t.now() });

  // Drained again more than a second after the last error: one more error.
  t.advance(500);
  t.send(conn, { action: "ping", id: 102 });
  assert.equal(conn.only().type, "pong");
  t.send(conn, { action: "ping", id: 103 });
  assert.equal(conn.error().val, "rate limited");
  assert.equal(t.metrics.errorCount("rate limited"), 2);
});

Deno.test("RoomRegistry.receive() drops rate-limited messages without acting on them", () => {
  const t = setup({ limits: { maxMessagesPerSecond: 1, messageBurst: 1 } });
  const conn = t.connect();
  t.send(conn, { action: "ping" });
  conn.take();
  t.send(conn, { action: "createRoom" });
  assert.equal(conn.error().val, "rate limited");
  assert.equal(t.registry.stats().rooms, 0);
  // Other connections have their own budget.
  const other = t.connect();
  t.send(other, { action: "createRoom" });
  assert.equal(other.only().type, "confirmRoom");
});

Deno.test("RoomRegistry.receive() refills the budget with time up to the burst", () => {
  const t = setup({ limits: { maxMessagesPerSecond: 1, messageBurst: 3 } });
  const conn = t.connect();
  for (let i = 0; i < 3; i++) t.send(conn, { action: "ping" });
  conn.take();
  t.advance(60_000);
  for (let i = 0; i < 4; i++) t.send(conn, { action: "ping" });
  assert.deepEqual(conn.take().map((m) => m.val ?? m.type), [
    "pong",
    "pong",
    "pong",
    "rate limited",
  ]);
});

Deno.test("RoomRegistry gives a host a message budget that grows with its players", () => {
  const t = setup({ limits: { maxMessagesPerSecond: 1, messageBurst: 2 } });
  const host = t.host();
  for (const name of ["Ann", "Bob", "Cid"]) t.player(host.room, name);
  host.conn.take();
  t.advance(60_000);
  // Three players: three times the burst of a lone socket.
  for (let i = 0; i < 7; i++) t.send(host.conn, { action: "ping" });
  assert.deepEqual(host.conn.take().map((m) => m.val ?? m.type), [
    ...Array(6).fill("pong"),
    "rate limited",
  ]);
  // And three times the sustained rate: 1 s refills three messages.
  t.advance(1_000);
  for (let i = 0; i < 4; i++) t.send(host.conn, { action: "ping" });
  assert.deepEqual(host.conn.take().map((m) => m.val ?? m.type), [
    "pong",
    "pong",
    "pong",
    "rate limited",
  ]);
  // A player keeps the plain budget (its join took one of its two).
  const dan = t.player(host.room, "Dan").conn;
  for (let i = 0; i < 2; i++) t.send(dan, { action: "ping" });
  assert.deepEqual(dan.take().map((m) => m.val ?? m.type), [
    "pong",
    "rate limited",
  ]);
});

Deno.test("RoomRegistry gives a reclaiming host the budget of its room", () => {
  const t = setup({ limits: { maxMessagesPerSecond: 1, messageBurst: 2 } });
  const host = t.host();
  for (const name of ["Ann", "Bob"]) t.player(host.room, name);
  t.registry.closed(host.conn.id);
  const fresh = t.connect();
  t.send(fresh, {
    action: "reclaimRoom",
    room: host.room,
    hostToken: host.hostToken,
  });
  fresh.take();
  t.advance(60_000);
  for (let i = 0; i < 5; i++) t.send(fresh, { action: "ping" });
  assert.deepEqual(fresh.take().map((m) => m.val ?? m.type), [
    "pong",
    "pong",
    "pong",
    "pong",
    "rate limited",
  ]);
});

// ---------------------------------------------------------------------------
// Bad input
// ---------------------------------------------------------------------------

const BAD_FRAMES: { name: string; raw: unknown; val: string }[] = [
  { name: "binary", raw: new Uint8Array([123, 125]), val: "binary" },
  { name: "an ArrayBuffer", raw: new ArrayBuffer(4), val: "binary" },
  {
    name: "too large",
    raw: JSON.stringify({ action: "ping", pad: "x".repeat(2_000) }),
    val: "too large",
  },
  { name: "bad JSON", raw: '{"action":"createRoom"', val: "bad json" },
  {
    name: "a JSON array",
    raw: '[{"action":"createRoom"}]',
    val: "bad message",
  },
  {
    name: "an unknown action",
    raw: '{"action":"launch"}',
    val: "unknown action",
  },
  { name: "no action", raw: '{"room":"ABCD"}', val: "unknown action" },
  {
    name: "a bad room code",
    raw: '{"action":"joinRoom","room":"AB","username":"Eve"}',
    val: "bad message",
  },
  {
    name: "a name too long",
    raw: JSON.stringify({
      action: "joinRoom",
      room: "ABCD",
      username: "x".repeat(21),
    }),
    val: "bad message",
  },
  {
    name: "a bad offer",
    raw: '{"action":"joinRoom","room":"ABCD","username":"Eve","offer":"sdp"}',
    val: "bad message",
  },
  {
    name: "a kick without a name",
    raw: '{"action":"kickPlayer"}',
    val: "bad message",
  },
];

for (const { name, raw, val } of BAD_FRAMES) {
  Deno.test(`RoomRegistry.receive() answers ${name} with "${val}" and changes nothing`, () => {
    const t = setup({ limits: { maxMessageBytes: 1_024 } });
    const a = t.host("10.0.0.1");
    const ann = t.player(a.room, "Ann");
    const b = t.host("10.0.0.2");
    const bob = t.player(b.room, "Bob");
    a.conn.take();
    b.conn.take();
    const before = t.registry.stats();
    const metricsBefore = {
      joins: t.metrics.joins,
      rooms: t.metrics.roomsCreated,
      relayed: t.metrics.relayedMessages,
    };

    for (const conn of [a.conn, ann.conn, t.connect()]) {
      t.registry.receive(conn.id, raw);
      const error = conn.error();
      assert.equal(error.val, val);
      assert.equal(t.metrics.errorCount(val as never) > 0, true);
    }

    assert.deepEqual(t.registry.stats(), { ...before, connections: 5 });
    assert.deepEqual({
      joins: t.metrics.joins,
      rooms: t.metrics.roomsCreated,
      relayed: t.metrics.relayedMessages,
    }, metricsBefore);
    assert.equal(t.metrics.errorCount(val as never), 3);
    for (const conn of [b.conn, bob.conn]) assert.deepEqual(conn.sent, []);
    // The sender's state is intact: the host can still run its room.
    t.send(a.conn, { action: "startGame" });
    assert.deepEqual(ann.conn.only(), { type: "gameStarted" });
  });
}

Deno.test("RoomRegistry.receive() counts multi-byte characters against maxMessageBytes", () => {
  const t = setup({ limits: { maxMessageBytes: 1_024 } });
  const conn = t.connect();
  // 400 characters, 1,200 bytes in UTF-8.
  t.send(conn, { action: "ping", pad: "€".repeat(400) });
  assert.equal(conn.error().val, "too large");
  t.send(conn, { action: "ping", pad: "€".repeat(300) });
  assert.equal(conn.only().type, "pong");
});

// ---------------------------------------------------------------------------
// shutdown, metrics, stats
// ---------------------------------------------------------------------------

Deno.test("RoomRegistry.shutdown() tells every room and closes every connection with 1001, once", () => {
  const { t, host, players } = roomWith(["Ann", "Bob"]);
  const other = t.host("10.0.0.3");
  const lobby = t.connect();
  t.registry.closed(players[1].conn.id);
  host.conn.take();
  t.registry.shutdown();

  for (const conn of [host.conn, players[0].conn, other.conn]) {
    const msg = conn.only();
    assert.equal(msg.type, "roomClosed");
    assert.equal(msg.reason, "server shutdown");
    assert.equal(typeof msg.message, "string");
  }
  for (const conn of [host.conn, players[0].conn, other.conn, lobby]) {
    assert.deepEqual(conn.closes.map((c) => c.code), [CLOSE_GOING_AWAY]);
  }
  assert.equal(CLOSE_GOING_AWAY, 1001);
  assert.deepEqual(players[1].conn.sent, []);
  assert.deepEqual(players[1].conn.closes, []);
  assert.deepEqual(lobby.sent, []);
  assert.deepEqual(t.registry.stats(), {
    rooms: 0,
    connections: 0,
    players: 0,
  });

  t.registry.shutdown();
  for (const conn of [host.conn, players[0].conn, other.conn, lobby]) {
    assert.deepEqual(conn.sent, []);
    assert.equal(conn.closes.length, 1);
  }
  // Frames and closes arriving afterwards are ignored.
  t.send(host.conn, { action: "startGame" });
  t.registry.closed(host.conn.id);
  assert.deepEqual(host.conn.sent, []);
});

Deno.test("RoomRegistry counts joins, reconnects, relayed messages and errors in its metrics", () => {
  const { t, host, players } = roomWith(["Ann", "Bob"]);
  t.send(host.conn, { action: "startGame" });
  t.registry.closed(players[0].conn.id);
  t.player(host.room, "Ann", { offer: OFFER });
  t.send(host.conn, {
    action: "offerResponse",
    clientUsername: "Ann",
    response: ANSWER,
  });
  t.send(players[1].conn, { action: "signal", data: CANDIDATE });
  t.send(host.conn, { action: "relay", clientUsername: "Bob", data: 1 });
  const stranger = t.connect();
  t.send(stranger, { action: "joinRoom", room: "ZZZZ", username: "Zed" });
  t.send(stranger, { action: "joinRoom", room: "QQQQ", username: "Zed" });
  t.send(stranger, { action: "leaveRoom" });
  t.registry.receive(stranger.id, "nope");

  assert.equal(t.metrics.roomsCreated, 1);
  assert.equal(t.metrics.connectionsOpened, 5);
  assert.equal(t.metrics.joins, 3);
  assert.equal(t.metrics.reconnects, 1);
  assert.equal(t.metrics.relayedMessages, 4);
  assert.equal(t.metrics.errorCount("wrong room"), 2);
  assert.equal(t.metrics.errorCount("not in room"), 1);
  assert.equal(t.metrics.errorCount("bad json"), 1);
  assert.equal(t.metrics.errorCount("no player"), 0);
  assert.deepEqual(t.registry.stats(), {
    rooms: 1,
    connections: 4,
    players: 2,
  });
  const text = t.metrics.render(t.registry.stats());
  assert.match(text, /^pizza_joins_total 3$/m);
  assert.match(text, /^pizza_errors_total\{code="wrong room"\} 2$/m);
});

Deno.test("RoomRegistry.stats() counts rooms, connections and players, connected or not", () => {
  const t = setup();
  assert.deepEqual(t.registry.stats(), {
    rooms: 0,
    connections: 0,
    players: 0,
  });
  const a = t.host();
  t.host();
  t.connect();
  const ann = t.player(a.room, "Ann");
  t.player(a.room, "Bob");
  assert.deepEqual(t.registry.stats(), {
    rooms: 2,
    connections: 5,
    players: 2,
  });
  t.registry.closed(ann.conn.id);
  assert.deepEqual(t.registry.stats(), {
    rooms: 2,
    connections: 4,
    players: 2,
  });
  t.registry.closed(a.conn.id);
  assert.deepEqual(t.registry.stats(), {
    rooms: 2,
    connections: 3,
    players: 2,
  });
});

Deno.test("RoomRegistry logs room and connection events without secrets", () => {
  const { t, host, players } = roomWith(["Ann"]);
  t.send(host.conn, {
    action: "offerResponse",
    clientUsername: "Ann",
    response: ANSWER,
  });
  t.send(host.conn, { action: "leaveRoom" });
  t.registry.closed(players[0].conn.id);
  const names = t.events.map((e) => e.event);
  for (
    const name of [
      "connection opened",
      "room created",
      "player joined",
      "room closed",
      "connection closed",
    ]
  ) {
    assert.ok(names.includes(name), `missing ${name} in ${s(names)}`);
  }
  const logged = JSON.stringify(t.events);
  assert.ok(!logged.includes(host.hostToken), "host token logged");
  assert.ok(!logged.includes(players[0].joined.reconnectToken as string));
  assert.ok(!logged.includes("v=0"), "SDP logged");
});

// ---------------------------------------------------------------------------
// Seats: tokens, the host's approval, lobby expiry, joining open or closed
// ---------------------------------------------------------------------------

/** A room whose players keep their tokens (as our phone does). */
function roomKeepingTokens(names: string[], options: SetupOptions = {}) {
  const t = setup(options);
  const host = t.host();
  const players = names.map((name) =>
    t.player(host.room, name, { keepsToken: true })
  );
  host.conn.take();
  return { t, host, players };
}

Deno.test("RoomRegistry.joinRoom with a seat's token takes it back from whoever took it by name, and closes that socket", () => {
  // A seed-style seat (no keepsToken) is taken back by name, as the seed did…
  const { t, host, players } = roomWith(["Ann"]);
  t.send(host.conn, { action: "startGame" });
  const token = players[0].joined.reconnectToken as string;
  t.registry.closed(players[0].conn.id);
  const impostor = t.player(host.room, "Ann");
  assert.equal(impostor.joined.reconnected, true);
  host.conn.take();
  // …but the phone that still holds Ann's token always wins.
  const back = t.connect();
  t.send(back, {
    action: "joinRoom",
    room: host.room,
    username: "Ann",
    reconnectToken: token,
  });
  const joined = back.only();
  assert.equal(joined.type, "joined");
  assert.equal(joined.reconnected, true);
  assert.deepEqual(impostor.conn.closes.map((c) => c.code), [CLOSE_REPLACED]);
  t.send(impostor.conn, { action: "signal", data: CANDIDATE });
  assert.equal(impostor.conn.error().val, "not in room");
  assert.deepEqual(host.conn.only(), {
    type: "playerJoined",
    clientUsername: "Ann",
    reconnected: true,
  });
  // The spent token cannot be replayed; the seat now asks the host instead.
  const replay = t.connect();
  t.send(replay, {
    action: "joinRoom",
    room: host.room,
    username: "Ann",
    reconnectToken: token,
  });
  assert.equal(replay.only().type, "rejoinPending");
  assert.deepEqual(back.closes, []);
  assert.equal(t.registry.stats().players, 1);
});

Deno.test("RoomRegistry.joinRoom by name alone of a token-keeping seat waits for the host, and approveRejoin lets it in", () => {
  const { t, host, players } = roomKeepingTokens(["Ann", "Bob"]);
  t.send(host.conn, { action: "startGame" });
  t.registry.closed(players[0].conn.id);
  host.conn.take();

  const asker = t.connect();
  t.send(asker, {
    action: "joinRoom",
    room: host.room,
    username: "ann",
    offer: OFFER_2,
  });
  assert.deepEqual(asker.only(), {
    type: "rejoinPending",
    username: "Ann",
    timeoutMs: 30_000,
    message: "Waiting for the host to let you back in…",
  });
  assert.deepEqual(host.conn.only(), {
    type: "rejoinRequest",
    clientUsername: "Ann",
    requestId: "r1",
    timeoutMs: 30_000,
  });
  // Nothing is seated and no offer reaches the host while it waits.
  assert.equal(t.registry.stats().players, 2);
  assert.equal(t.metrics.reconnects, 0);
  // A waiting socket is not in a room yet, nor free to do something else.
  t.send(asker, { action: "signal", data: CANDIDATE });
  assert.equal(asker.error().val, "not in room");
  t.send(asker, { action: "createRoom" });
  assert.equal(asker.error().val, "already in room");
  t.send(asker, { action: "joinRoom", room: host.room, username: "Zed" });
  assert.equal(asker.error().val, "already in room");
  // A second asker for the same seat is refused while one waits.
  const second = t.connect();
  t.send(second, { action: "joinRoom", room: host.room, username: "Ann" });
  const busy = second.error();
  assert.equal(busy.val, "not approved");
  assert.match(busy.message as string, /already asking/);
  assert.deepEqual(host.conn.sent, []);

  t.send(host.conn, {
    action: "approveRejoin",
    requestId: "r1",
    approve: true,
  });
  assert.deepEqual(host.conn.take(), [
    {
      type: "rejoinClosed",
      clientUsername: "Ann",
      requestId: "r1",
      outcome: "approved",
    },
    { type: "playerJoined", clientUsername: "Ann", reconnected: true },
    { type: "offer", sdp: OFFER_2.sdp, clientUsername: "Ann" },
  ]);
  const joined = asker.only();
  assert.equal(joined.type, "joined");
  assert.equal(joined.username, "Ann");
  assert.equal(joined.reconnected, true);
  assert.equal(t.registry.stats().players, 2);
  // The request is over: a second answer finds nothing.
  t.send(host.conn, {
    action: "approveRejoin",
    requestId: "r1",
    approve: true,
  });
  const over = host.conn.error();
  assert.equal(over.val, "no request");
  assert.equal(over.action, "approveRejoin");
  // Ann's own token still wins over the seat the host gave away.
  t.send(t.connect(), {
    action: "joinRoom",
    room: host.room,
    username: "Ann",
    reconnectToken: players[0].joined.reconnectToken,
  });
  assert.deepEqual(asker.closes.map((c) => c.code), [CLOSE_REPLACED]);
});

Deno.test("RoomRegistry.approveRejoin refusing answers not approved, keeps the seat, and the asker may ask again", () => {
  const { t, host, players } = roomKeepingTokens(["Ann"]);
  t.send(host.conn, { action: "startGame" });
  players[0].conn.take();
  const asker = t.connect();
  t.send(asker, { action: "joinRoom", room: host.room, username: "Ann" });
  assert.equal(asker.only().type, "rejoinPending");
  const request = host.conn.only();
  t.send(host.conn, {
    action: "approveRejoin",
    requestId: request.requestId,
    approve: false,
  });
  assert.deepEqual(host.conn.only(), {
    type: "rejoinClosed",
    clientUsername: "Ann",
    requestId: request.requestId,
    outcome: "refused",
  });
  const refused = asker.error();
  assert.equal(refused.val, "not approved");
  assert.equal(refused.action, "joinRoom");
  assert.match(refused.message as string, /did not let you back in as Ann/);
  // Ann, connected all along, noticed nothing.
  assert.deepEqual(players[0].conn.sent, []);
  assert.deepEqual(players[0].conn.closes, []);
  // The asker is free again: its next try is a new request.
  t.send(asker, { action: "joinRoom", room: host.room, username: "Ann" });
  assert.equal(asker.only().type, "rejoinPending");
  assert.equal(host.conn.only().requestId, "r2");
});

Deno.test("RoomRegistry.sweep() refuses a rejoin request after rejoinApprovalMs, not before", () => {
  const { t, host, players } = roomKeepingTokens(["Ann"]);
  t.registry.closed(players[0].conn.id);
  host.conn.take();
  const asker = t.connect();
  t.send(asker, { action: "joinRoom", room: host.room, username: "Ann" });
  asker.take();
  host.conn.take();
  t.advance(29_999);
  t.registry.sweep();
  assert.deepEqual(asker.sent, []);
  assert.deepEqual(host.conn.sent, []);
  t.advance(1);
  t.registry.sweep();
  assert.deepEqual(host.conn.only(), {
    type: "rejoinClosed",
    clientUsername: "Ann",
    requestId: "r1",
    outcome: "expired",
  });
  const error = asker.error();
  assert.equal(error.val, "not approved");
  assert.match(error.message as string, /did not answer/);
  t.send(host.conn, {
    action: "approveRejoin",
    requestId: "r1",
    approve: true,
  });
  assert.equal(host.conn.error().val, "no request");
});

Deno.test("RoomRegistry cancels a rejoin request when the asker closes or sends leaveRoom", () => {
  const { t, host, players } = roomKeepingTokens(["Ann", "Bob"]);
  t.registry.closed(players[0].conn.id);
  t.registry.closed(players[1].conn.id);
  host.conn.take();
  const first = t.connect();
  t.send(first, { action: "joinRoom", room: host.room, username: "Ann" });
  const second = t.connect();
  t.send(second, { action: "joinRoom", room: host.room, username: "Bob" });
  first.take();
  second.take();
  assert.deepEqual(host.conn.take().map((m) => m.requestId), ["r1", "r2"]);
  t.registry.closed(first.id);
  t.send(second, { action: "leaveRoom" });
  assert.deepEqual(second.sent, []);
  assert.deepEqual(host.conn.take(), [
    {
      type: "rejoinClosed",
      clientUsername: "Ann",
      requestId: "r1",
      outcome: "cancelled",
    },
    {
      type: "rejoinClosed",
      clientUsername: "Bob",
      requestId: "r2",
      outcome: "cancelled",
    },
  ]);
  // The one that left may join again; a second leave is "not in room".
  t.send(second, { action: "leaveRoom" });
  assert.equal(second.error().val, "not in room");
});

Deno.test("RoomRegistry shows a rejoin request that came while the host was away once it reclaims, with the time left", () => {
  const { t, host, players } = roomKeepingTokens(["Ann"]);
  t.registry.closed(players[0].conn.id);
  t.registry.closed(host.conn.id);
  const asker = t.connect();
  t.send(asker, { action: "joinRoom", room: host.room, username: "Ann" });
  assert.equal(asker.only().type, "rejoinPending");
  t.advance(10_000);
  const page = t.connect();
  t.send(page, {
    action: "reclaimRoom",
    room: host.room,
    hostToken: host.hostToken,
  });
  const [confirm, request] = page.take();
  assert.equal(confirm.type, "confirmRoom");
  assert.deepEqual(request, {
    type: "rejoinRequest",
    clientUsername: "Ann",
    requestId: "r1",
    timeoutMs: 20_000,
  });
  t.send(page, { action: "approveRejoin", requestId: "r1", approve: true });
  assert.equal(asker.only().type, "joined");
});

Deno.test("RoomRegistry.joinRoom before startGame: a wrong token for a token-keeping seat asks the host, a name alone is a second player", () => {
  const { t, host, players } = roomKeepingTokens(["Ann"]);
  const wrong = t.connect();
  t.send(wrong, {
    action: "joinRoom",
    room: host.room,
    username: "Ann",
    reconnectToken: "wrongwrongwrong",
  });
  assert.equal(wrong.only().type, "rejoinPending");
  assert.equal(host.conn.only().type, "rejoinRequest");
  // A friend also called Ann, while Ann is connected, is renamed as before.
  const friend = t.player(host.room, "Ann");
  assert.equal(friend.joined.username, "Ann 2");
  assert.equal(friend.joined.renamed, true);
  assert.deepEqual(players[0].conn.closes, []);
  // Once Ann is away, her name alone asks the host.
  t.registry.closed(players[0].conn.id);
  host.conn.take();
  const byName = t.connect();
  t.send(byName, {
    action: "joinRoom",
    room: host.room,
    username: "Ann",
    keepsToken: true,
  });
  // Busy: the wrong-token request for Ann is still waiting.
  assert.equal(byName.error().val, "not approved");
  t.registry.closed(wrong.id);
  t.send(byName, {
    action: "joinRoom",
    room: host.room,
    username: "Ann",
    keepsToken: true,
  });
  assert.equal(byName.only().type, "rejoinPending");
});

Deno.test("RoomRegistry.joinRoom: a seat whose holder once presented a token keeps tokens from then on", () => {
  const { t, host, players } = roomWith(["Ann"]);
  t.send(host.conn, { action: "startGame" });
  const back = t.connect();
  t.send(back, {
    action: "joinRoom",
    room: host.room,
    username: "Ann",
    reconnectToken: players[0].joined.reconnectToken,
  });
  assert.equal(back.only().type, "joined");
  t.registry.closed(back.id);
  host.conn.take();
  const byName = t.connect();
  t.send(byName, { action: "joinRoom", room: host.room, username: "Ann" });
  assert.equal(byName.only().type, "rejoinPending");
});

Deno.test("RoomRegistry.approveRejoin for a seat that went meanwhile joins as a new player, or not after startGame", () => {
  const { t, host, players } = roomKeepingTokens(["Ann", "Bob"]);
  t.registry.closed(players[0].conn.id);
  t.registry.closed(players[1].conn.id);
  const annAsker = t.connect();
  t.send(annAsker, { action: "joinRoom", room: host.room, username: "Ann" });
  const bobAsker = t.connect();
  t.send(bobAsker, { action: "joinRoom", room: host.room, username: "Bob" });
  annAsker.take();
  bobAsker.take();
  t.send(host.conn, { action: "kickPlayer", clientUsername: "Ann" });
  host.conn.take();
  t.send(host.conn, {
    action: "approveRejoin",
    requestId: "r1",
    approve: true,
  });
  const joined = annAsker.only();
  assert.equal(joined.type, "joined");
  assert.equal(joined.reconnected, false);
  // After the start an unknown name is "no player", approved or not.
  t.send(host.conn, { action: "kickPlayer", clientUsername: "Bob" });
  t.send(host.conn, { action: "startGame" });
  t.send(host.conn, {
    action: "approveRejoin",
    requestId: "r2",
    approve: true,
  });
  assert.equal(bobAsker.error().val, "no player");
});

Deno.test("RoomRegistry.approveRejoin from a player or a stranger is refused", () => {
  const { t, players } = roomKeepingTokens(["Ann"]);
  const msg = { action: "approveRejoin", requestId: "r1", approve: true };
  t.send(players[0].conn, msg);
  assert.equal(players[0].conn.error().val, "not host");
  const stranger = t.connect();
  t.send(stranger, msg);
  assert.equal(stranger.error().val, "not in room");
});

Deno.test("RoomRegistry.approveRejoin cannot answer another room's request", () => {
  const t = setup();
  const a = t.host();
  const b = t.host();
  const ann = t.player(a.room, "Ann", { keepsToken: true });
  t.registry.closed(ann.conn.id);
  const asker = t.connect();
  t.send(asker, { action: "joinRoom", room: a.room, username: "Ann" });
  asker.take();
  t.send(b.conn, { action: "approveRejoin", requestId: "r1", approve: true });
  assert.equal(b.conn.error().val, "no request");
  assert.deepEqual(asker.sent, []);
});

Deno.test("RoomRegistry tells a waiting asker when the room closes", () => {
  const { t, host, players } = roomKeepingTokens(["Ann"]);
  t.registry.closed(players[0].conn.id);
  const asker = t.connect();
  t.send(asker, { action: "joinRoom", room: host.room, username: "Ann" });
  asker.take();
  t.send(host.conn, { action: "leaveRoom" });
  const closed = asker.only();
  assert.equal(closed.type, "roomClosed");
  assert.equal(closed.reason, "host left");
  // It is free again.
  t.send(asker, { action: "createRoom" });
  assert.equal(asker.only().type, "confirmRoom");
});

Deno.test("RoomRegistry.sweep() frees a disconnected lobby seat after lobbySeatGraceMs and tells the host it expired", () => {
  const { t, host, players } = roomWith(["Ann", "Bob"], {
    limits: { lobbySeatGraceMs: 5_000 },
  });
  t.registry.closed(players[0].conn.id);
  host.conn.take();
  t.advance(4_999);
  t.registry.sweep();
  assert.deepEqual(host.conn.sent, []);
  assert.equal(t.registry.stats().players, 2);
  t.advance(1);
  t.registry.sweep();
  assert.deepEqual(host.conn.only(), {
    type: "playerLeft",
    clientUsername: "Ann",
    reason: "expired",
  });
  assert.equal(t.registry.stats().players, 1);
  // The name is free: a new Ann is a new player, and Bob is the VIP now.
  const ann = t.player(host.room, "Ann");
  assert.equal(ann.joined.reconnected, false);
  assert.equal(ann.joined.vip, false);
});

Deno.test("RoomRegistry.sweep() keeps a lobby seat whose player came back, and every seat once the game started", () => {
  const { t, host, players } = roomWith(["Ann", "Bob"], {
    limits: { lobbySeatGraceMs: 5_000 },
  });
  t.registry.closed(players[0].conn.id);
  t.advance(4_000);
  t.player(host.room, "Ann");
  t.advance(4_000);
  t.registry.closed(players[1].conn.id);
  t.send(host.conn, { action: "startGame" });
  t.advance(60_000);
  host.conn.take();
  t.registry.sweep();
  assert.deepEqual(host.conn.sent, []);
  assert.equal(t.registry.stats().players, 2);
});

Deno.test("RoomRegistry: twelve join-and-drop sockets no longer fill a lobby for good", () => {
  const { t, host } = roomWith([], { limits: { lobbySeatGraceMs: 5_000 } });
  for (let i = 0; i < 12; i++) {
    const { conn } = t.player(host.room, `Drop${i}`);
    t.registry.closed(conn.id);
  }
  const late = t.connect();
  t.send(late, { action: "joinRoom", room: host.room, username: "Real" });
  assert.equal(late.error().val, "room full");
  t.advance(5_000);
  t.registry.sweep();
  assert.equal(t.registry.stats().players, 0);
  const expired = host.conn.take().filter((m) => m.reason === "expired");
  assert.equal(expired.length, 12);
  assert.equal(t.player(host.room, "Real").joined.username, "Real");
});

Deno.test("RoomRegistry.kickPlayer in the lobby frees the seat for a new player with that name", () => {
  const { t, host, players } = roomKeepingTokens(["Ann"]);
  t.send(host.conn, { action: "kickPlayer", clientUsername: "Ann" });
  assert.deepEqual(players[0].conn.closes.map((c) => c.code), [CLOSE_POLICY]);
  // Its token is worth nothing now: the seat is gone.
  const back = t.player(host.room, "Ann", {
    reconnectToken: players[0].joined.reconnectToken,
  });
  assert.equal(back.joined.reconnected, false);
  assert.notEqual(
    back.joined.reconnectToken,
    players[0].joined.reconnectToken,
  );
});

Deno.test("RoomRegistry.reclaimRoom refuses the host token a reclaim replaced", () => {
  const { t, host } = roomWith(["Ann"]);
  t.registry.closed(host.conn.id);
  const page = t.connect();
  t.send(page, {
    action: "reclaimRoom",
    room: host.room,
    hostToken: host.hostToken,
  });
  const confirm = page.only();
  assert.equal(confirm.type, "confirmRoom");
  assert.notEqual(confirm.hostToken, host.hostToken);
  t.registry.closed(page.id);
  const old = t.connect();
  t.send(old, {
    action: "reclaimRoom",
    room: host.room,
    hostToken: host.hostToken,
  });
  assert.equal(old.error().val, "bad token");
  const fresh = t.connect();
  t.send(fresh, {
    action: "reclaimRoom",
    room: host.room,
    hostToken: confirm.hostToken,
  });
  assert.equal(fresh.only().type, "confirmRoom");
});

Deno.test("RoomRegistry.setJoining opens a started room to new names and the host learns of them through playerJoined", () => {
  const { t, host, players } = roomWith(["Ann"]);
  t.send(host.conn, { action: "startGame" });
  t.send(host.conn, { action: "setJoining", open: true });
  assert.deepEqual(host.conn.only(), { type: "joiningChanged", open: true });
  const late = t.connect();
  t.send(late, {
    action: "joinRoom",
    room: host.room,
    username: "Late",
    offer: OFFER,
  });
  const joined = late.only();
  assert.equal(joined.type, "joined");
  assert.equal(joined.started, true);
  assert.equal(joined.reconnected, false);
  assert.deepEqual(host.conn.take(), [
    { type: "playerJoined", clientUsername: "Late", reconnected: false },
    { type: "offer", sdp: OFFER.sdp, clientUsername: "Late" },
  ]);
  // A second Ann while Ann plays is renamed, as in the lobby.
  assert.equal(t.player(host.room, "Ann").joined.username, "Ann 2");
  assert.deepEqual(players[0].conn.closes, []);
  // Closed again: the seed's meaning, unknown names are "no player".
  t.send(host.conn, { action: "setJoining", open: false });
  assert.deepEqual(host.conn.take().at(-1), {
    type: "joiningChanged",
    open: false,
  });
  const later = t.connect();
  t.send(later, { action: "joinRoom", room: host.room, username: "Later" });
  const refused = later.error();
  assert.equal(refused.val, "no player");
  // The TV's words, and a flag the phone words its refusal by.
  assert.match(
    refused.message as string,
    /^Joining is closed during the round/,
  );
  assert.equal((refused as { closed?: boolean }).closed, true);
  assert.equal(t.registry.stats().players, 3);
});

Deno.test("RoomRegistry.setJoining false in the lobby refuses new names but lets players come back", () => {
  const { t, host, players } = roomWith(["Ann"]);
  t.send(host.conn, { action: "setJoining", open: false });
  host.conn.take();
  const stranger = t.connect();
  t.send(stranger, { action: "joinRoom", room: host.room, username: "Zed" });
  assert.equal(stranger.error().val, "no player");
  t.registry.closed(players[0].conn.id);
  assert.equal(t.player(host.room, "Ann").joined.reconnected, true);
  // startGame does not undo the host's explicit choice, either way.
  t.send(host.conn, { action: "setJoining", open: true });
  t.send(host.conn, { action: "startGame" });
  assert.equal(t.player(host.room, "Zed").joined.username, "Zed");
});

Deno.test("RoomRegistry.confirmRoom tells a reclaiming host whether joining is open", () => {
  const { t, host } = roomWith([]);
  t.send(host.conn, { action: "startGame" });
  t.send(host.conn, { action: "setJoining", open: true });
  t.registry.closed(host.conn.id);
  const page = t.connect();
  t.send(page, {
    action: "reclaimRoom",
    room: host.room,
    hostToken: host.hostToken,
  });
  const confirm = page.only();
  assert.equal(confirm.started, true);
  assert.equal(confirm.joiningOpen, true);
});

Deno.test("RoomRegistry.setJoining from a player or a stranger is refused", () => {
  const { t, players } = roomWith(["Ann"]);
  t.send(players[0].conn, { action: "setJoining", open: true });
  assert.equal(players[0].conn.error().val, "not host");
  const stranger = t.connect();
  t.send(stranger, { action: "setJoining", open: true });
  assert.equal(stranger.error().val, "not in room");
});

// ---------------------------------------------------------------------------
// restoreRoom (a room adopted from another instance's record)
// ---------------------------------------------------------------------------

/** A room restored from a record: Ann kept her token, Bob (a seed client) did not. */
function adoptedRoom() {
  const t = setup();
  assert.equal(
    t.registry.restoreRoom({
      code: "WXYZ",
      hostToken: "host-secret-0001",
      started: true,
      address: "10.0.0.1",
      seats: [
        {
          name: "Ann",
          joinedAt: 1,
          tokenHashes: [
            tokenDigest("ann-secret-0000"),
            tokenDigest("ann-secret-0001"),
          ],
          keepsToken: true,
        },
        {
          name: "Bob",
          joinedAt: 2,
          tokenHashes: [tokenDigest("bob-secret-01")],
        },
      ],
    }),
    true,
  );
  const host = t.connect();
  t.send(host, {
    action: "reclaimRoom",
    room: "WXYZ",
    hostToken: "host-secret-0001",
  });
  assert.equal(host.only().type, "confirmRoom");
  return { t, host };
}

Deno.test("RoomRegistry.restoreRoom() seats come back with the token the phone holds, checked against the record's digest, once", () => {
  const { t, host } = adoptedRoom();
  const ann = t.connect();
  t.send(ann, {
    action: "joinRoom",
    room: "WXYZ",
    username: "Ann",
    reconnectToken: "ann-secret-0001",
  });
  const joined = ann.only();
  assert.equal(joined.type, "joined", s(joined));
  assert.equal(joined.reconnected, true);
  assert.equal(joined.username, "Ann");
  assert.notEqual(joined.reconnectToken, "ann-secret-0001", "a fresh token");
  host.take();
  // The digest's token is spent: a copy of it only asks the host.
  const replay = t.connect();
  t.send(replay, {
    action: "joinRoom",
    room: "WXYZ",
    username: "Ann",
    reconnectToken: "ann-secret-0001",
  });
  assert.equal(replay.only().type, "rejoinPending");
  assert.equal(host.only().type, "rejoinRequest");
});

Deno.test("RoomRegistry.restoreRoom() takes every still valid token of a seat, as the owner did, each once", () => {
  const { t, host } = adoptedRoom();
  const older = t.connect();
  t.send(older, {
    action: "joinRoom",
    room: "WXYZ",
    username: "Ann",
    reconnectToken: "ann-secret-0000",
  });
  assert.equal(older.only().type, "joined");
  host.take();
  const newer = t.connect();
  t.send(newer, {
    action: "joinRoom",
    room: "WXYZ",
    username: "Ann",
    reconnectToken: "ann-secret-0001",
  });
  const joined = newer.only();
  assert.equal(joined.type, "joined", s(joined));
  assert.equal(joined.reconnected, true);
  assert.equal(older.closes.length, 1, "the older phone was replaced");
  const seat = t.registry.room("WXYZ")!.seatOf("Ann")!;
  assert.equal(seat.tokenHashes, undefined, "both digests spent");
});

Deno.test("RoomRegistry.restoreRoom() never gives a token-keeping seat away by name or to a wrong token", () => {
  const { t, host } = adoptedRoom();
  for (const extra of [{}, { reconnectToken: "ann-secret-0002" }]) {
    const thief = t.connect();
    t.send(thief, {
      action: "joinRoom",
      room: "WXYZ",
      username: "Ann",
      ...extra,
    });
    assert.equal(thief.only().type, "rejoinPending", s(extra));
    assert.equal(host.only().type, "rejoinRequest");
    t.registry.closed(thief.id);
    host.take();
  }
  assert.equal(t.registry.room("WXYZ")?.seatOf("Ann")?.connId, undefined);
});

Deno.test("RoomRegistry.restoreRoom() keeps the seed's rule for a seat that never kept a token, and its record then holds the new token", () => {
  const { t } = adoptedRoom();
  const bob = t.connect();
  t.send(bob, { action: "joinRoom", room: "WXYZ", username: "Bob" });
  const joined = bob.only();
  assert.equal(joined.type, "joined", s(joined));
  assert.equal(joined.reconnected, true);
  const seat = t.registry.room("WXYZ")!.seatOf("Bob")!;
  assert.deepEqual(seat.tokens, [joined.reconnectToken]);
  // The phone that held the record's token still wins the seat back.
  const old = t.connect();
  t.send(old, {
    action: "joinRoom",
    room: "WXYZ",
    username: "Bob",
    reconnectToken: "bob-secret-01",
  });
  assert.equal(old.only().type, "joined");
  assert.equal(bob.closes.length, 1);
});
