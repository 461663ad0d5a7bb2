/**
 * Integration tests: a real server on 127.0.0.1 and real WebSockets.
 */
import assert from "node:assert/strict";
import { startTestServer } from "../_helpers/test_server.ts";
import { type Received, WsClient } from "../_helpers/ws_client.ts";
import type { PizzaServer } from "../../src/server/app_server.ts";

const OFFER = { type: "offer", sdp: "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n" };
const ANSWER = { type: "answer", sdp: "v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\n" };

/** Opens a host and returns it with its room code. */
async function openHost(server: PizzaServer) {
  const host = await WsClient.connect(server.localUrl);
  host.send({ action: "createRoom" });
  const confirm = await host.nextOfType("confirmRoom");
  return { host, room: String(confirm.room), confirm };
}

/** Joins a player the way the seed's client does (offer in the join). */
async function joinPlayer(
  server: PizzaServer,
  room: string,
  username: string,
  extra: Record<string, unknown> = {},
) {
  const player = await WsClient.connect(server.localUrl);
  player.send({ action: "joinRoom", room, username, offer: OFFER, ...extra });
  const joined = await player.next((m) =>
    m.type === "joined" || m.type === "error"
  );
  return { player, joined };
}

Deno.test("server relays the seed's exact flow: create, join with offer, answer, start, reconnect by name", async () => {
  const server = await startTestServer();
  const clients: WsClient[] = [];
  try {
    const { host, room, confirm } = await openHost(server);
    clients.push(host);
    assert.match(room, /^[A-Z]{4}$/);
    assert.equal(typeof confirm.hostToken, "string");

    // Codes are case-insensitive on input.
    const { player, joined } = await joinPlayer(
      server,
      room.toLowerCase(),
      "Ann",
    );
    clients.push(player);
    assert.equal(joined.type, "joined");
    assert.equal(joined.username, "Ann");
    assert.equal(joined.vip, true);

    // The host gets the offer object with clientUsername added: the seed's message.
    const offer = await host.nextOfType("offer");
    assert.deepEqual(offer, { ...OFFER, clientUsername: "Ann" });
    assert.deepEqual(await host.nextOfType("playerJoined"), {
      type: "playerJoined",
      clientUsername: "Ann",
      reconnected: false,
    });

    // The answer reaches the player untouched.
    host.send({
      action: "offerResponse",
      clientUsername: "Ann",
      response: ANSWER,
    });
    assert.deepEqual(await player.nextOfType("answer"), ANSWER);

    host.send({ action: "startGame" });
    await player.nextOfType("gameStarted");

    // The phone drops; the host is told; the same name comes back as the same player.
    await player.close();
    assert.deepEqual(await host.nextOfType("playerLeft"), {
      type: "playerLeft",
      clientUsername: "Ann",
      reason: "disconnected",
    });
    const again = await joinPlayer(server, room, "Ann");
    clients.push(again.player);
    assert.equal(again.joined.reconnected, true);
    assert.equal(again.joined.username, "Ann");
    assert.equal(again.joined.vip, true);
    assert.equal((await host.nextOfType("playerJoined")).reconnected, true);
    assert.equal((await host.nextOfType("offer")).clientUsername, "Ann");

    // After startGame an unknown name is refused with the seed's "no player".
    const stranger = await joinPlayer(server, room, "Bob");
    clients.push(stranger.player);
    assert.equal(stranger.joined.val, "no player");
    assert.equal(typeof stranger.joined.message, "string");
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await server.close();
  }
});

Deno.test('server answers a wrong room with the seed\'s "wrong room" error', async () => {
  const server = await startTestServer();
  const { player, joined } = await joinPlayer(server, "ZZZZ", "Ann");
  try {
    assert.equal(joined.type, "error");
    assert.equal(joined.val, "wrong room");
    assert.match(String(joined.message), /no game with the code ZZZZ/);
  } finally {
    await player.close();
    await server.close();
  }
});

Deno.test("server relays trickle candidates both ways and renames a duplicate name", async () => {
  const server = await startTestServer();
  const clients: WsClient[] = [];
  try {
    const { host, room } = await openHost(server);
    clients.push(host);
    const first = await joinPlayer(server, room, "Chef");
    const second = await joinPlayer(server, room, "chef");
    clients.push(first.player, second.player);
    assert.equal(second.joined.username, "chef 2");
    assert.equal(second.joined.renamed, true);
    assert.equal(second.joined.vip, false);

    const candidate = {
      type: "candidate",
      candidate: {
        candidate: "candidate:1 1 udp 1 127.0.0.1 5000 typ host",
        sdpMLineIndex: 0,
        sdpMid: "0",
      },
    };
    second.player.send({ action: "signal", data: candidate });
    assert.deepEqual(await host.nextOfType("signal"), {
      type: "signal",
      clientUsername: "chef 2",
      data: candidate,
    });
    host.send({ action: "signal", clientUsername: "chef 2", data: candidate });
    assert.deepEqual(await second.player.nextOfType("signal"), {
      type: "signal",
      data: candidate,
    });
    // The first player saw none of it.
    assert.equal(first.player.received.some((m) => m.type === "signal"), false);
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await server.close();
  }
});

Deno.test("server tells players at once when the host leaves, and on shutdown", async () => {
  const server = await startTestServer();
  const clients: WsClient[] = [];
  try {
    const { host, room } = await openHost(server);
    const { player } = await joinPlayer(server, room, "Ann");
    clients.push(host, player);
    host.send({ action: "leaveRoom" });
    const closed = await player.nextOfType("roomClosed");
    assert.equal(closed.reason, "host left");

    const second = await openHost(server);
    const other = await joinPlayer(server, second.room, "Bo");
    clients.push(second.host, other.player);
    const closing = server.close();
    assert.equal(
      (await other.player.nextOfType("roomClosed")).reason,
      "server shutdown",
    );
    assert.equal((await other.player.closed).code, 1001);
    await closing;
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await server.close();
  }
});

Deno.test("server tells players the host is away and back when the host page reloads", async () => {
  const server = await startTestServer();
  const clients: WsClient[] = [];
  try {
    const { host, room, confirm } = await openHost(server);
    const { player } = await joinPlayer(server, room, "Ann");
    clients.push(host, player);
    await host.close();
    const away = await player.nextOfType("hostAway");
    assert.match(String(away.message), /lost its connection/);

    const reloaded = await WsClient.connect(server.localUrl, "/ws");
    clients.push(reloaded);
    reloaded.send({
      action: "reclaimRoom",
      room,
      hostToken: confirm.hostToken,
    });
    const again = await reloaded.nextOfType("confirmRoom");
    assert.equal(again.room, room);
    assert.deepEqual(again.players, [{
      clientUsername: "Ann",
      connected: true,
    }]);
    await player.nextOfType("hostBack");
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await server.close();
  }
});

Deno.test("server serves pages, health and metrics over real HTTP", async () => {
  const server = await startTestServer();
  try {
    const page = await fetch(`${server.localUrl}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type") ?? "", /text\/html/);
    await page.body?.cancel();
    const health = await fetch(`${server.localUrl}/healthz`);
    assert.equal((await health.json()).ok, true);
    const metrics = await fetch(`${server.localUrl}/metrics`);
    assert.match(await metrics.text(), /^pizza_rooms 0$/m);
    const traversal = await fetch(`${server.localUrl}/..%2fdeno.json`);
    assert.notEqual(traversal.status, 200);
    await traversal.body?.cancel();
  } finally {
    await server.close();
  }
});

/** The protocol states every bad input is sent in. */
const STATES = [
  "fresh",
  "host",
  "player",
  "started player",
  "waiting",
] as const;
type State = typeof STATES[number];

/**
 * What one state must answer: an error code; "relayed" where the frame is a
 * player's legitimate relay to its own host (it must then arrive there, and
 * the sender must get no error); or `{ type }`, one reply of that type.
 */
type Expect = string | "relayed" | { type: string };

/** A malformed or out-of-place message and what each state must answer. */
interface BadInput {
  name: string;
  frame: string | Uint8Array;
  /** One code for every state, or one per state. */
  val: string | Record<State, Expect>;
}

const long = (n: number) => "x".repeat(n);

/** Expected in every state but a fresh socket: it is already in a room. */
const inRoom = (fresh: string): Record<State, Expect> => ({
  fresh,
  host: "already in room",
  player: "already in room",
  "started player": "already in room",
  // Waiting for the host's approval: not in a room, not free either.
  waiting: "already in room",
});

/** Expected for a host-only action. */
const hostOnly = (host: Expect): Record<State, Expect> => ({
  fresh: "not in room",
  host,
  player: "not host",
  "started player": "not host",
  waiting: "not in room",
});

/** Expected for a host-to-player signal or relay. */
const hostToPlayer = (host: string): Record<State, Expect> => ({
  fresh: "not in room",
  host,
  player: "relayed",
  "started player": "relayed",
  waiting: "not in room",
});

const BAD_INPUTS: BadInput[] = [
  // Not JSON. (Binary and oversized frames end the socket: see
  // socket_guards_test.ts.)
  { name: "plain text", frame: "hello", val: "bad json" },
  { name: "truncated JSON", frame: '{"action":"createRoom"', val: "bad json" },
  { name: "JSON null", frame: "null", val: "bad message" },
  { name: "JSON array", frame: "[1,2]", val: "bad message" },
  { name: "JSON number", frame: "42", val: "bad message" },
  { name: "JSON string", frame: '"createRoom"', val: "bad message" },
  // Unknown or missing actions.
  { name: "no action", frame: "{}", val: "unknown action" },
  {
    name: "unknown action",
    frame: '{"action":"destroyServer"}',
    val: "unknown action",
  },
  {
    name: "action of wrong type",
    frame: '{"action":7}',
    val: "unknown action",
  },
  {
    name: "prototype action",
    frame: '{"action":"__proto__"}',
    val: "unknown action",
  },
  {
    name: "action in other case",
    frame: '{"action":"CREATEROOM"}',
    val: "unknown action",
  },
  // joinRoom with bad fields: refused before any state is looked at.
  {
    name: "join without room",
    frame: '{"action":"joinRoom","username":"A"}',
    val: "bad message",
  },
  {
    name: "join with 3-letter code",
    frame: '{"action":"joinRoom","room":"ABC","username":"A"}',
    val: "bad message",
  },
  {
    name: "join with digits in code",
    frame: '{"action":"joinRoom","room":"AB12","username":"A"}',
    val: "bad message",
  },
  {
    name: "join with numeric room",
    frame: '{"action":"joinRoom","room":1234,"username":"A"}',
    val: "bad message",
  },
  {
    name: "join with empty name",
    frame: '{"action":"joinRoom","room":"ABCD","username":"  "}',
    val: "bad message",
  },
  {
    name: "join with 21-letter name",
    frame: JSON.stringify({
      action: "joinRoom",
      room: "ABCD",
      username: long(21),
    }),
    val: "bad message",
  },
  {
    name: "join with control characters",
    frame: JSON.stringify({
      action: "joinRoom",
      room: "ABCD",
      username: "A\u0000B",
    }),
    val: "bad message",
  },
  {
    name: "join with object name",
    frame: '{"action":"joinRoom","room":"ABCD","username":{"a":1}}',
    val: "bad message",
  },
  {
    name: "join with string offer",
    frame: '{"action":"joinRoom","room":"ABCD","username":"A","offer":"sdp"}',
    val: "bad message",
  },
  {
    name: "join with null offer",
    frame: '{"action":"joinRoom","room":"ABCD","username":"A","offer":null}',
    val: "bad message",
  },
  {
    name: "join with short token",
    frame:
      '{"action":"joinRoom","room":"ABCD","username":"A","reconnectToken":"x"}',
    val: "bad message",
  },
  {
    name: "join with a text keepsToken",
    frame:
      '{"action":"joinRoom","room":"ABCD","username":"A","keepsToken":"yes"}',
    val: "bad message",
  },
  {
    name: "approveRejoin without approve",
    frame: '{"action":"approveRejoin","requestId":"r1"}',
    val: "bad message",
  },
  {
    name: "approveRejoin with a numeric id",
    frame: '{"action":"approveRejoin","requestId":1,"approve":true}',
    val: "bad message",
  },
  {
    name: "approveRejoin with an empty id",
    frame: '{"action":"approveRejoin","requestId":"","approve":true}',
    val: "bad message",
  },
  {
    name: "approveRejoin with a path for an id",
    frame: '{"action":"approveRejoin","requestId":"../r1","approve":false}',
    val: "bad message",
  },
  {
    name: "setJoining without open",
    frame: '{"action":"setJoining"}',
    val: "bad message",
  },
  {
    name: "setJoining with text",
    frame: '{"action":"setJoining","open":"true"}',
    val: "bad message",
  },
  {
    name: "offerResponse with array response",
    frame: '{"action":"offerResponse","clientUsername":"Ann","response":[]}',
    val: "bad message",
  },
  {
    name: "offerResponse without name",
    frame: '{"action":"offerResponse","response":{"type":"answer"}}',
    val: "bad message",
  },
  {
    name: "signal with non-object data",
    frame: '{"action":"signal","data":5}',
    val: "bad message",
  },
  {
    name: "ping with a text id",
    frame: '{"action":"ping","id":"one"}',
    val: "bad message",
  },
  // Well-formed, but out of place in some states.
  {
    name: "join a room that does not exist",
    frame: '{"action":"joinRoom","room":"QQQQ","username":"A"}',
    val: inRoom("wrong room"),
  },
  {
    name: "join a started room with an unknown name",
    frame: "JOIN_STARTED_UNKNOWN",
    val: inRoom("no player"),
  },
  {
    name: "join a started room with a live name and no token",
    frame: "JOIN_STARTED_LIVE",
    val: inRoom("name taken"),
  },
  {
    name: "join with a wrong token for a live seat",
    frame: "JOIN_STARTED_WRONG_TOKEN",
    val: inRoom("name taken"),
  },
  {
    name: "reclaim with a wrong token",
    frame: "RECLAIM_WRONG_TOKEN",
    val: inRoom("bad token"),
  },
  {
    name: "reclaim an unknown room",
    frame: '{"action":"reclaimRoom","room":"QQQQ","hostToken":"abcdefghijkl"}',
    val: inRoom("wrong room"),
  },
  {
    name: "offerResponse to nobody",
    frame: JSON.stringify({
      action: "offerResponse",
      clientUsername: "Ghost",
      response: { type: "answer", sdp: "x" },
    }),
    val: hostOnly("no player"),
  },
  {
    name: "startGame",
    frame: '{"action":"startGame"}',
    val: hostOnly("game started"),
  },
  {
    name: "approveRejoin of no request",
    frame: '{"action":"approveRejoin","requestId":"r999","approve":true}',
    val: hostOnly("no request"),
  },
  {
    name: "setJoining closed in a started room (no change)",
    frame: '{"action":"setJoining","open":false}',
    val: hostOnly({ type: "joiningChanged" }),
  },
  {
    name: "kick of nobody",
    frame: '{"action":"kickPlayer","clientUsername":"Ghost"}',
    val: hostOnly("no player"),
  },
  {
    name: "signal without a name",
    frame: '{"action":"signal","data":{"type":"candidate"}}',
    val: hostToPlayer("bad message"),
  },
  {
    name: "signal to nobody",
    frame: '{"action":"signal","clientUsername":"Ghost","data":{}}',
    val: hostToPlayer("no player"),
  },
  {
    name: "relay to nobody",
    frame:
      '{"action":"relay","clientUsername":"Ghost","data":{"t":"ping","id":1}}',
    val: hostToPlayer("no player"),
  },
];

/** What `input` must get in `state`. */
function expected(input: BadInput, state: State): Expect {
  return typeof input.val === "string" ? input.val : input.val[state];
}

Deno.test(`server answers each of ${BAD_INPUTS.length} bad inputs in each of ${STATES.length} protocol states with its exact error, while another room keeps relaying`, async () => {
  // Every state asks for unknown rooms: more than one address's budget.
  const server = await startTestServer({
    failedJoinBudget: 1_000,
    joinBurstPerAddress: 1_000,
    roomCreatesPerMinute: 1_000,
  });
  const clients: WsClient[] = [];
  try {
    // Room A, not started: Ann is the "player" state.
    const a = await openHost(server);
    const ann = await joinPlayer(server, a.room, "Ann");
    clients.push(a.host, ann.player);
    // Room S, started: its host is the "host" state, Sue the "started
    // player" state; Sid holds a live seat.
    const s = await openHost(server);
    const sue = await joinPlayer(server, s.room, "Sue");
    const sid = await joinPlayer(server, s.room, "Sid");
    // Kim keeps her token and drops: "waiting" asks for her seat by name.
    const kim = await joinPlayer(server, s.room, "Kim", { keepsToken: true });
    clients.push(s.host, sue.player, sid.player);
    s.host.send({ action: "startGame" });
    await sue.player.nextOfType("gameStarted");
    await sid.player.nextOfType("gameStarted");
    await kim.player.close();
    await s.host.next((m) => m.type === "playerLeft");
    const waiting = await WsClient.connect(server.localUrl);
    clients.push(waiting);
    waiting.send({ action: "joinRoom", room: s.room, username: "Kim" });
    await waiting.nextOfType("rejoinPending");
    const kimRequest = await s.host.nextOfType("rejoinRequest");
    // Room B must not notice anything.
    const b = await openHost(server);
    const bob = await joinPlayer(server, b.room, "Bob");
    clients.push(b.host, bob.player);

    const fresh = await WsClient.connect(server.localUrl);
    clients.push(fresh);
    const byState: Record<State, WsClient> = {
      fresh,
      host: s.host,
      player: ann.player,
      "started player": sue.player,
      waiting,
    };
    const hostOf: Record<State, WsClient | undefined> = {
      fresh: undefined,
      host: undefined,
      player: a.host,
      "started player": s.host,
      waiting: undefined,
    };
    const nameOf: Record<State, string | undefined> = {
      fresh: undefined,
      host: undefined,
      player: "Ann",
      "started player": "Sue",
      waiting: undefined,
    };
    const placeholders: Record<string, unknown> = {
      JOIN_STARTED_UNKNOWN: {
        action: "joinRoom",
        room: s.room,
        username: "Newcomer",
      },
      JOIN_STARTED_LIVE: { action: "joinRoom", room: s.room, username: "sid" },
      JOIN_STARTED_WRONG_TOKEN: {
        action: "joinRoom",
        room: s.room,
        username: "Sid",
        reconnectToken: "wrongwrongwrong",
      },
      RECLAIM_WRONG_TOKEN: {
        action: "reclaimRoom",
        room: a.room,
        hostToken: "wrongwrongwrong",
      },
    };
    const before = server.registry.stats();
    const counts = new Map<string, number>();
    // Start from empty queues: joins and offers are not answers.
    for (const client of clients) client.received.splice(0);

    for (const input of BAD_INPUTS) {
      for (const state of STATES) {
        const label = `${input.name} (${state})`;
        const client = byState[state];
        const want = expected(input, state);
        const frame =
          typeof input.frame === "string" && input.frame in placeholders
            ? JSON.stringify(placeholders[input.frame])
            : input.frame;
        client.sendRaw(frame);
        // A ping after the frame: the socket is handled in order, so once
        // its pong is here, every answer to the frame is here too.
        client.send({ action: "ping", id: 7 });
        await client.nextOfType("pong").catch((error) => {
          throw new Error(`${label}: ${error.message}`);
        });
        const answers = client.received.splice(0);
        if (typeof want === "object") {
          assert.deepEqual(
            answers.map((m) => m.type),
            [want.type],
            `${label}: ${JSON.stringify(answers)}`,
          );
        } else if (want === "relayed") {
          assert.deepEqual(answers, [], `${label}: ${JSON.stringify(answers)}`);
          const host = hostOf[state]!;
          const relayed = await host.next((m) =>
            m.type === "signal" || m.type === "relay"
          );
          assert.equal(relayed.clientUsername, nameOf[state], label);
        } else {
          assert.equal(
            answers.length,
            1,
            `${label}: ${JSON.stringify(answers)}`,
          );
          const [reply] = answers;
          assert.equal(reply.type, "error", label);
          assert.equal(reply.val, want, `${label}: ${JSON.stringify(reply)}`);
          assert.ok(String(reply.message).length > 5, `${label} has words`);
          counts.set(want, (counts.get(want) ?? 0) + 1);
        }
        assert.deepEqual(
          server.registry.stats(),
          before,
          `${label} changed nothing`,
        );
      }

      // Room B still relays both ways.
      bob.player.send({ action: "relay", data: { t: "ping", id: 1 } });
      const up: Received = await b.host.nextOfType("relay");
      assert.equal(up.clientUsername, "Bob");
      b.host.send({
        action: "relay",
        clientUsername: "Bob",
        data: { t: "pong", id: 1 },
      });
      assert.deepEqual((await bob.player.nextOfType("relay")).data, {
        t: "pong",
        id: 1,
      });
    }
    // Nobody in the good rooms saw an error or lost their seat.
    for (const client of [b.host, bob.player, a.host, sid.player]) {
      assert.equal(client.received.some((m) => m.type === "error"), false);
    }
    assert.equal(server.registry.hasRoom(a.room), true);
    assert.equal(server.registry.hasRoom(b.room), true);
    assert.equal(server.registry.hasRoom(s.room), true);
    // Kim's request outlived every frame: approved now, "waiting" is Kim.
    s.host.send({
      action: "approveRejoin",
      requestId: kimRequest.requestId,
      approve: true,
    });
    assert.equal((await waiting.nextOfType("joined")).username, "Kim");
    // Every refusal was counted under its code, and only those.
    const metrics = await (await fetch(`${server.localUrl}/metrics`)).text();
    for (const [code, count] of counts) {
      assert.match(
        metrics,
        new RegExp(`pizza_errors_total\\{code="${code}"\\} ${count}\\n`),
      );
    }
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await server.close();
  }
});

Deno.test("server notices a client that vanished without closing, through heartbeats", async () => {
  const server = await startTestServer({ heartbeatMs: 1_000 });
  const { host, room } = await openHost(server);
  // A raw TCP client that completes the WebSocket handshake, joins, and then
  // never answers a ping: a phone whose network died.
  const tcp = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
  try {
    const key = btoa("0123456789abcdef");
    await tcp.write(new TextEncoder().encode(
      `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    ));
    const buffer = new Uint8Array(1024);
    const read = await tcp.read(buffer);
    assert.match(
      new TextDecoder().decode(buffer.subarray(0, read ?? 0)),
      /101/,
    );
    await tcp.write(
      maskedTextFrame(
        JSON.stringify({ action: "joinRoom", room, username: "Gone" }),
      ),
    );
    await host.nextOfType("playerJoined");
    const started = Date.now();
    const left = await host.nextOfType("playerLeft", 6_000);
    assert.equal(left.reason, "disconnected");
    assert.ok(Date.now() - started < 5_000);
  } finally {
    tcp.close();
    await host.close();
    await server.close();
  }
});

/** One client-to-server WebSocket text frame (clients must mask). */
function maskedTextFrame(text: string): Uint8Array {
  const payload = new TextEncoder().encode(text);
  assert.ok(payload.length < 126);
  const mask = [1, 2, 3, 4];
  const frame = new Uint8Array(2 + 4 + payload.length);
  frame[0] = 0x81;
  frame[1] = 0x80 | payload.length;
  frame.set(mask, 2);
  payload.forEach((byte, i) => frame[6 + i] = byte ^ mask[i % 4]);
  return frame;
}
