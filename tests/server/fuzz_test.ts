/**
 * Fuzzing with fast-check: generated frames (valid, mutated, truncated,
 * huge, binary, deep, unicode) in every protocol state, against the
 * registry directly, through real sockets, and through two instances on
 * Redis where the room router forwards every player's frame. After each frame: nothing
 * threw, errors went to the sender only, the other room did not notice,
 * and the counters at /metrics agree with what clients received.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { type Frame, frameArb, resolveFrame } from "./_frames.ts";
import { RoomRegistry } from "../../src/server/room_registry.ts";
import { DEFAULTS, ENV_NAMES } from "../../src/server/config.ts";
import type { ServerMessage } from "../../src/protocol/mod.ts";
import { startTestServer } from "../_helpers/test_server.ts";
import { type Received, WsClient } from "../_helpers/ws_client.ts";
import { ignoreWithout } from "../_helpers/external_tools.ts";
import { startTestRedis } from "../_helpers/redis_server.ts";
import { startServerProcess } from "../_helpers/server_process.ts";

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

/** Frames fuzzed against the registry in each protocol state. */
export const FRAMES_PER_STATE = 10_000;

/**
 * A registry with rooms A (lobby), S (started) and B (the witness). Rates
 * are unlimited (the clock stands still, so a socket's burst would never
 * refill and every later frame would only be "rate limited").
 */
function registryFixture() {
  const codes = ["AAAA", "BBBB", "SSSS"];
  let next = 0;
  let tokens = 0;
  const registry = new RoomRegistry({
    limits: {
      ...DEFAULTS,
      maxMessagesPerSecond: 1_000_000,
      messageBurst: 1_000_000,
    },
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

for (const state of STATES) {
  Deno.test(`RoomRegistry.receive() survives ${FRAMES_PER_STATE.toLocaleString("en")} fuzzed frames from a ${state} socket: errors to the sender only, room B untouched, metrics consistent`, () => {
    let frames = 0;
    let fixtures = 0;
    let fixture: ReturnType<typeof registryFixture> | undefined;
    fc.assert(
      fc.property(
        frameArb.filter(notRoomB("BBBB")),
        (rawFrame) => {
          if (!fixture) {
            fixture = registryFixture();
            fixtures++;
          }
          const { registry, inbox, say, senders, token } = fixture;
          const sender = senders[state];
          const frame = resolveFrame(rawFrame, "AAAA", token);
          const statsBefore = registry.stats();
          registry.receive(sender, frame); // must not throw
          frames++;
          const produced = [...inbox].flatMap(([id, messages]) =>
            messages.map((m) => ({ id, m }))
          );
          for (const { id, m } of produced) {
            if (id !== sender) {
              assert.notEqual(m.type, "error", `error to ${id}, not ${sender}`);
            }
          }
          assert.deepEqual(inbox.get("hB"), []);
          assert.deepEqual(inbox.get("pB"), []);
          assert.equal(registry.hasRoom("BBBB"), true);
          // Room B still relays both ways.
          say("pB", { action: "relay", data: { t: 1 } });
          assert.equal(inbox.get("hB")!.at(-1)?.type, "relay");
          say("hB", { action: "relay", clientUsername: "Bob", data: { t: 2 } });
          assert.equal(inbox.get("pB")!.at(-1)?.type, "relay");
          inbox.get("hB")!.length = 0;
          inbox.get("pB")!.length = 0;
          // Metrics agree with what was sent.
          const stats = registry.stats();
          const metrics = readMetrics(registry.metrics.render(stats));
          assert.equal(metrics.errors, errorsIn(inbox));
          assert.equal(metrics.rooms, stats.rooms);
          assert.equal(metrics.connections, 7);
          assert.ok(Math.abs(stats.rooms - statsBefore.rooms) <= 1);
          // A refused frame changes nothing: the next frame may reuse this
          // fixture. Anything else (a reply, a relay, a new room) rebuilds it.
          const refusedOnly = produced.length > 0 &&
            produced.every(({ id, m }) => id === sender && m.type === "error");
          if (refusedOnly) {
            assert.deepEqual(
              stats,
              statsBefore,
              "a refused frame changed stats",
            );
            for (const messages of inbox.values()) {
              for (const m of messages) assert.equal(m.type, "error");
            }
          } else {
            fixture = undefined;
          }
        },
      ),
      { numRuns: FRAMES_PER_STATE, seed: 11 },
    );
    assert.equal(frames, FRAMES_PER_STATE);
    // Most generated frames are refused, so fixtures are shared; some are not.
    assert.ok(fixtures > 1 && fixtures < frames, `${fixtures} fixtures`);
  });
}

/** Errors in every inbox. */
function errorsIn(inbox: Map<string, ServerMessage[]>): number {
  let errors = 0;
  for (const messages of inbox.values()) {
    for (const m of messages) if (m.type === "error") errors++;
  }
  return errors;
}

/** Where the socket fuzz connects, and how it reads the error counters. */
interface SocketTarget {
  /** Hosts (rooms A, S and the witness B) connect here. */
  hostUrl: string;
  /** Players and the fresh socket connect here (another instance on Redis). */
  playerUrl: string;
  /** `pizza_errors_total` summed over every instance. */
  errorsCounted(): Promise<number>;
}

/** Limits that let one address send thousands of frames. */
const FUZZ_LIMITS = {
  maxMessagesPerSecond: 1_000_000,
  messageBurst: 1_000_000,
  joinBurstPerAddress: 1_000_000,
  failedJoinBudget: 1_000_000,
  maxRoomsPerAddress: 400_000,
  maxConnectionsPerAddress: 10_000,
  roomCreatesPerMinute: 1_000_000,
};

/**
 * Sends `frameCount` generated frames through real sockets from clients in
 * every state, rebuilding them when a frame changed their state. After each:
 * no client holds an error it did not cause, room B heard nothing (and
 * relays every 250 frames); at the end the instances counted exactly the
 * errors the clients received.
 */
async function fuzzThroughSockets(
  target: SocketTarget,
  frameCount: number,
): Promise<{ sent: number; errorsReceived: number; ms: number }> {
  const everyone = new Set<WsClient>();
  let errorsReceived = 0;
  const connect = async (url: string) => {
    const client = await WsClient.connect(url);
    everyone.add(client);
    return client;
  };
  const take = async (client: WsClient, type: string) => {
    const msg = await client.next((m) => m.type === type || m.type === "error");
    if (msg.type === "error") throw new Error(JSON.stringify(msg));
    return msg;
  };
  type Fixture = Record<State, WsClient> & { roomA: string; token: string };
  let fixture: Fixture | undefined;
  const teardown = async (f: Fixture) => {
    for (const state of STATES) {
      errorsReceived += f[state].received.filter((m) => m.type === "error")
        .length;
      await f[state].close();
      everyone.delete(f[state]);
    }
  };
  try {
    /** Room B: a host and a player that must never notice anything. */
    const hostB = await connect(target.hostUrl);
    hostB.send({ action: "createRoom" });
    const roomB = String((await take(hostB, "confirmRoom")).room);
    const playerB = await connect(target.playerUrl);
    playerB.send({ action: "joinRoom", room: roomB, username: "Bob" });
    await take(playerB, "joined");
    await take(hostB, "playerJoined");

    const build = async (): Promise<Fixture> => {
      const [host, startedHost, player, startedPlayer, fresh] = await Promise
        .all([
          connect(target.hostUrl),
          connect(target.hostUrl),
          connect(target.playerUrl),
          connect(target.playerUrl),
          connect(target.playerUrl),
        ]);
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
    // Room B still relays both ways at the end.
    playerB.send({ action: "relay", data: { n: "end" } });
    assert.equal((await hostB.nextOfType("relay")).clientUsername, "Bob");
    hostB.send({ action: "relay", clientUsername: "Bob", data: { n: "end" } });
    await playerB.nextOfType("relay");
    assert.equal(await target.errorsCounted(), errorsReceived);
    assert.equal(sent, frameCount);
    return { sent, errorsReceived, ms: Date.now() - started };
  } finally {
    if (fixture) await teardown(fixture);
    for (const client of everyone) await client.close();
  }
}

/** `pizza_errors_total` summed over codes at `url`'s /metrics. */
async function errorsAt(url: string): Promise<number> {
  return readMetrics(await (await fetch(`${url}/metrics`)).text()).errors;
}

Deno.test("server survives fuzzed frames through real sockets in every state: errors to the sender only, room B untouched, /metrics consistent", async () => {
  const frameCount = Number(Deno.env.get("FUZZ_SOCKET_FRAMES") ?? 3_000);
  const server = await startTestServer(FUZZ_LIMITS);
  try {
    const result = await fuzzThroughSockets({
      hostUrl: server.localUrl,
      playerUrl: server.localUrl,
      errorsCounted: () => errorsAt(server.localUrl),
    }, frameCount);
    const stats = server.registry.stats();
    const metrics = readMetrics(
      await (await fetch(`${server.localUrl}/metrics`)).text(),
    );
    assert.equal(metrics.rooms, stats.rooms);
    assert.equal(metrics.connections, stats.connections);
    console.log(
      `${result.sent} frames through sockets in ${result.ms} ms; ` +
        `${result.errorsReceived} errors, all to their senders`,
    );
  } finally {
    await server.close();
  }
});

Deno.test({
  name:
    "two server.ts instances on Redis survive fuzzed frames forwarded by the room router: players on B, hosts on A, errors to the sender only, room B untouched, /metrics consistent",
  ignore: ignoreWithout("redis-server"),
  async fn() {
    const frameCount = Number(Deno.env.get("FUZZ_ROUTER_FRAMES") ?? 1_000);
    await using redis = await startTestRedis();
    const env: Record<string, string> = {
      REDIS_URL: redis.url,
      STATIC_DIR: "tests/fixtures/static",
    };
    for (const [key, value] of Object.entries(FUZZ_LIMITS)) {
      env[ENV_NAMES[key as keyof typeof FUZZ_LIMITS]] = String(value);
    }
    await using a = await startServerProcess({ env });
    await using b = await startServerProcess({ env });
    const result = await fuzzThroughSockets({
      hostUrl: a.url,
      playerUrl: b.url,
      errorsCounted: async () => await errorsAt(a.url) + await errorsAt(b.url),
    }, frameCount);
    console.log(
      `${result.sent} frames through the router in ${result.ms} ms; ` +
        `${result.errorsReceived} errors, all to their senders`,
    );
    await a.stop();
    await b.stop();
  },
});
