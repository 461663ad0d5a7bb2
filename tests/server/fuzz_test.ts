/**
 * Fuzzing with fast-check: generated frames (valid, mutated, truncated,
 * huge, binary, deep, unicode) in every protocol state, against the
 * registry directly and through real sockets. After each frame: nothing
 * threw, errors went to the sender only, the other room did not notice,
 * and the counters at /metrics agree with what clients received.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { type Frame, frameArb, resolveFrame } from "./_frames.ts";
import { RoomRegistry } from "../../src/server/room_registry.ts";
import { DEFAULTS } from "../../src/server/config.ts";
import type { ServerMessage } from "../../src/protocol/mod.ts";
import { startTestServer } from "../_helpers/test_server.ts";
import { type Received, WsClient } from "../_helpers/ws_client.ts";

const STATES = [
  "fresh",
  "host",
  "player",
  "started host",
  "started player",
] as const;
type State = typeof STATES[number];

/** Frames naming room B's code are left out: joining B is allowed to change B. */
const notRoomB = (code: string) => (frame: Frame) =>
  typeof frame !== "string" || !frame.toUpperCase().includes(code);

/** Sums `pizza_errors_total` over codes, and reads a gauge. */
function readMetrics(text: string) {
  let errors = 0;
  for (const match of text.matchAll(/^pizza_errors_total\{[^}]*\} (\d+)$/gm)) {
    errors += Number(match[1]);
  }
  const gauge = (name: string) =>
    Number(text.match(new RegExp(`^${name} (\\d+)$`, "m"))?.[1]);
  return {
    errors,
    rooms: gauge("pizza_rooms"),
    connections: gauge("pizza_connections"),
    players: gauge("pizza_players"),
  };
}

/** A registry with rooms A (lobby), S (started) and B (the witness). */
function registryFixture() {
  const codes = ["AAAA", "BBBB", "SSSS"];
  let next = 0;
  let tokens = 0;
  const registry = new RoomRegistry({
    limits: DEFAULTS,
    now: () => 0,
    generateCode: () => codes[next++] ?? "QQQQ",
    generateToken: () => `token${tokens++}`,
  });
  const inbox = new Map<string, ServerMessage[]>();
  const open = (id: string) => {
    inbox.set(id, []);
    registry.open({
      id,
      send: (msg) => inbox.get(id)!.push(msg),
      close() {},
    }, "127.0.0.1");
  };
  const say = (id: string, msg: unknown) =>
    registry.receive(id, JSON.stringify(msg));
  for (const id of ["hA", "pA", "hB", "pB", "hS", "pS", "f"]) open(id);
  say("hA", { action: "createRoom" });
  say("hB", { action: "createRoom" });
  say("hS", { action: "createRoom" });
  say("pA", { action: "joinRoom", room: "AAAA", username: "Ann" });
  say("pB", { action: "joinRoom", room: "BBBB", username: "Bob" });
  say("pS", { action: "joinRoom", room: "SSSS", username: "Sue" });
  say("hS", { action: "startGame" });
  const token = String(
    (inbox.get("pA")!.find((m) => m.type === "joined") as {
      reconnectToken: string;
    })
      .reconnectToken,
  );
  for (const messages of inbox.values()) messages.length = 0;
  const senders: Record<State, string> = {
    fresh: "f",
    host: "hA",
    player: "pA",
    "started host": "hS",
    "started player": "pS",
  };
  return { registry, inbox, say, senders, token };
}

Deno.test("RoomRegistry.receive() survives 10,000 fuzzed frames in every state: errors to the sender only, room B untouched, metrics consistent", () => {
  let frames = 0;
  fc.assert(
    fc.property(
      fc.constantFrom(...STATES),
      frameArb.filter(notRoomB("BBBB")),
      (state, rawFrame) => {
        const { registry, inbox, say, senders, token } = registryFixture();
        const sender = senders[state];
        const frame = resolveFrame(rawFrame, "AAAA", token);
        const roomsBefore = registry.stats().rooms;
        registry.receive(sender, frame); // must not throw
        frames++;
        for (const [id, messages] of inbox) {
          if (id === sender) continue;
          const errors = messages.filter((m) => m.type === "error");
          assert.deepEqual(errors, [], `error to ${id}, not ${sender}`);
        }
        assert.deepEqual(inbox.get("hB"), []);
        assert.deepEqual(inbox.get("pB"), []);
        assert.equal(registry.hasRoom("BBBB"), true);
        // Room B still relays both ways.
        say("pB", { action: "relay", data: { t: 1 } });
        assert.equal(inbox.get("hB")!.at(-1)?.type, "relay");
        say("hB", { action: "relay", clientUsername: "Bob", data: { t: 2 } });
        assert.equal(inbox.get("pB")!.at(-1)?.type, "relay");
        // Metrics agree with what was sent.
        const sentErrors = [...inbox.values()].flat()
          .filter((m) => m.type === "error").length;
        const stats = registry.stats();
        const metrics = readMetrics(registry.metrics.render(stats));
        assert.equal(metrics.errors, sentErrors);
        assert.equal(metrics.rooms, stats.rooms);
        assert.equal(metrics.connections, 7);
        assert.ok(Math.abs(stats.rooms - roomsBefore) <= 1);
      },
    ),
    { numRuns: 10_000, seed: 11 },
  );
  assert.equal(frames, 10_000);
});

/** Through real sockets: clients in each state, rebuilt when a frame changes their state. */
Deno.test("server survives fuzzed frames through real sockets in every state: errors to the sender only, room B untouched, /metrics consistent", async () => {
  const frameCount = Number(Deno.env.get("FUZZ_SOCKET_FRAMES") ?? 3_000);
  const server = await startTestServer({
    maxMessagesPerSecond: 1_000_000,
    messageBurst: 1_000_000,
    joinBurstPerAddress: 1_000_000,
    failedJoinBudget: 1_000_000,
    maxRoomsPerAddress: 400_000,
    maxConnectionsPerAddress: 10_000,
  });
  const everyone = new Set<WsClient>();
  let errorsReceived = 0;
  const connect = async () => {
    const client = await WsClient.connect(server.localUrl);
    everyone.add(client);
    return client;
  };
  const take = async (client: WsClient, type: string) => {
    const msg = await client.next((m) => m.type === type || m.type === "error");
    if (msg.type === "error") throw new Error(JSON.stringify(msg));
    return msg;
  };
  /** Room B: a host and a player that must never notice anything. */
  const hostB = await connect();
  hostB.send({ action: "createRoom" });
  const roomB = String((await take(hostB, "confirmRoom")).room);
  const playerB = await connect();
  playerB.send({ action: "joinRoom", room: roomB, username: "Bob" });
  await take(playerB, "joined");
  await take(hostB, "playerJoined");

  type Fixture = Record<State, WsClient> & { roomA: string; token: string };
  let fixture: Fixture | undefined;
  const build = async (): Promise<Fixture> => {
    const [host, player, startedHost, startedPlayer, fresh] = await Promise
      .all([connect(), connect(), connect(), connect(), connect()]);
    host.send({ action: "createRoom" });
    const roomA = String((await take(host, "confirmRoom")).room);
    startedHost.send({ action: "createRoom" });
    const roomS = String((await take(startedHost, "confirmRoom")).room);
    player.send({ action: "joinRoom", room: roomA, username: "Ann" });
    const token = String((await take(player, "joined")).reconnectToken);
    startedPlayer.send({ action: "joinRoom", room: roomS, username: "Sue" });
    await take(startedPlayer, "joined");
    startedHost.send({ action: "startGame" });
    await take(startedPlayer, "gameStarted");
    await take(host, "playerJoined");
    await take(startedHost, "playerJoined");
    return {
      fresh,
      host,
      player,
      "started host": startedHost,
      "started player": startedPlayer,
      roomA,
      token,
    };
  };
  const teardown = async (f: Fixture) => {
    for (const state of STATES) {
      errorsReceived += f[state].received.filter((m) => m.type === "error")
        .length;
      await f[state].close();
      everyone.delete(f[state]);
    }
  };
  const CHANGES = new Set([
    "confirmRoom",
    "joined",
    "roomClosed",
    "playerLeft",
    "hostAway",
    "gameStarted",
  ]);
  let syncId = 1_000_000_000;
  let sent = 0;
  const started = Date.now();
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...STATES),
        frameArb.filter(notRoomB(roomB)),
        async (state, rawFrame) => {
          fixture ??= await build();
          const sender = fixture[state];
          // No client holds an error it did not ask for.
          for (const client of everyone) {
            assert.equal(
              client.received.some((m) => m.type === "error"),
              false,
              `stray error: ${JSON.stringify(client.received)}`,
            );
          }
          sender.sendRaw(resolveFrame(rawFrame, fixture.roomA, fixture.token));
          sent++;
          // Wait for the server to have handled it: a pong, or the close.
          const id = ++syncId;
          if (sender.socket.readyState === WebSocket.OPEN) {
            sender.send({ action: "ping", id });
          }
          const outcome = await Promise.race([
            sender.next((m) => m.type === "pong" && m.id === id, 10_000)
              .then(() => "pong"),
            sender.closed.then(() => "closed"),
          ]);
          errorsReceived += sender.received.filter((m) => m.type === "error")
            .length;
          const changed = outcome === "closed" ||
            STATES.some((s) =>
              fixture![s].received.some((m: Received) =>
                CHANGES.has(String(m.type))
              ) || fixture![s].socket.readyState !== WebSocket.OPEN
            );
          sender.received.length = 0;
          if (changed) {
            await teardown(fixture);
            fixture = undefined;
          }
          // Room B heard nothing and still relays.
          assert.deepEqual(hostB.received, []);
          assert.deepEqual(playerB.received, []);
          if (sent % 250 === 0) {
            playerB.send({ action: "relay", data: { n: sent } });
            assert.equal(
              (await hostB.nextOfType("relay")).clientUsername,
              "Bob",
            );
          }
        },
      ),
      { numRuns: frameCount, seed: 11 },
    );
    if (fixture) {
      await teardown(fixture);
      fixture = undefined;
    }
    const stats = server.registry.stats();
    const metrics = readMetrics(
      await (await fetch(`${server.localUrl}/metrics`)).text(),
    );
    assert.equal(metrics.errors, errorsReceived);
    assert.equal(metrics.rooms, stats.rooms);
    assert.equal(metrics.connections, stats.connections);
    assert.equal(server.registry.hasRoom(roomB), true);
    console.log(
      `${sent} frames through sockets in ${Date.now() - started} ms; ` +
        `${errorsReceived} errors, all to their senders`,
    );
    assert.equal(sent, frameCount);
  } finally {
    if (fixture) await teardown(fixture);
    for (const client of everyone) await client.close();
    await server.close();
  }
});
