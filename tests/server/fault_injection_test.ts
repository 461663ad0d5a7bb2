/**
 * Fault injection at every entry from outside: a socket event, a frame's
 * routing (sync and async), the sweep timer, a bus delivery, a bus
 * connection event and an HTTP request each throw for one socket or room
 * (through the `faultProbe` seam, or a registry whose `handle` throws for
 * one connection). The process stays up, a witness room keeps relaying,
 * `pizza_internal_errors_total` counts each fault, and nothing else is
 * closed.
 */
import assert from "node:assert/strict";
import {
  type PizzaServer,
  type StartOptions,
  startServer,
} from "../../src/server/app_server.ts";
import { type Config, loadConfig } from "../../src/server/config.ts";
import type { FaultContext } from "../../src/server/fault_boundary.ts";
import { FaultBoundary } from "../../src/server/fault_boundary.ts";
import { MemoryBusHub, MemoryRoomBus } from "../_helpers/memory_room_bus.ts";
import { RoomRouter } from "../../src/server/bus/room_router.ts";
import {
  type Connection,
  RoomRegistry,
} from "../../src/server/room_registry.ts";
import type { ClientMessage } from "../../src/protocol/mod.ts";

/** Options that put a server on `hub` as instance `id` (rooms shared). */
function onHub(hub: MemoryBusHub, id: string): StartOptions {
  return {
    scaleOut: (registry, boundary) =>
      new RoomRouter({
        registry,
        boundary,
        bus: new MemoryRoomBus({ hub, instanceId: id }),
        tickMs: 0,
      }),
  };
}
import { DEFAULTS } from "../../src/server/config.ts";
import type { LogEvent } from "../../src/server/event_log.ts";
import { type Received, WsClient } from "../_helpers/ws_client.ts";

const OFFER = { type: "offer", sdp: "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n" };
const WAIT_MS = 10_000;

function configFor(overrides: Partial<Config> = {}): Config {
  return loadConfig(() => undefined, {
    port: 0,
    hostname: "127.0.0.1",
    staticDir: new URL("../fixtures/static", import.meta.url).pathname,
    ...overrides,
  });
}

/** A room over real sockets: its host and named players. */
interface TestRoom {
  code: string;
  host: WsClient;
  players: Map<string, WsClient>;
}

async function openRoom(
  url: string,
  names: string[],
  joinUrl = url,
): Promise<TestRoom> {
  const host = await WsClient.connect(url);
  host.send({ action: "createRoom" });
  const code = String((await host.nextOfType("confirmRoom", WAIT_MS)).room);
  const players = new Map<string, WsClient>();
  for (const name of names) {
    const player = await WsClient.connect(joinUrl);
    player.send({
      action: "joinRoom",
      room: code,
      username: name,
      offer: OFFER,
      keepsToken: true,
    });
    const answer = await player.next(
      (m) => m.type === "joined" || m.type === "error",
      WAIT_MS,
    );
    assert.equal(answer.type, "joined", JSON.stringify(answer));
    await host.next(
      (m) => m.type === "offer" || m.type === "playerJoined",
      WAIT_MS,
    )
      .catch(() => undefined);
    players.set(name, player);
  }
  return { code, host, players };
}

/** The witness still relays both ways. */
async function assertRelays(room: TestRoom, tag: string): Promise<void> {
  const [name, player] = [...room.players][0];
  player.send({ action: "relay", data: `up ${tag}` });
  const up = await room.host.next(
    (m) => m.type === "relay" && m.data === `up ${tag}`,
    WAIT_MS,
  );
  assert.equal(up.clientUsername, name);
  room.host.send({
    action: "relay",
    clientUsername: name,
    data: `down ${tag}`,
  });
  await player.next(
    (m) => m.type === "relay" && m.data === `down ${tag}`,
    WAIT_MS,
  );
}

function sockets(room: TestRoom): WsClient[] {
  return [room.host, ...room.players.values()];
}

function isOpen(client: WsClient): boolean {
  return client.socket.readyState === WebSocket.OPEN;
}

async function metric(server: PizzaServer, name: string): Promise<number> {
  const text = await (await fetch(`${server.localUrl}/metrics`)).text();
  const match = text.match(new RegExp(`^${name} (\\d+)$`, "m"));
  assert.ok(match, `no ${name} in /metrics`);
  return Number(match[1]);
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A server whose probe is swapped by each test, with its log kept. */
async function faultyServer(
  overrides: Partial<Config> = {},
  options: StartOptions = {},
): Promise<{
  server: PizzaServer;
  logs: LogEvent[];
  inject: (probe: (context: FaultContext) => void) => void;
}> {
  let probe: (context: FaultContext) => void = () => {};
  const logs: LogEvent[] = [];
  const server = await startServer(configFor(overrides), {
    log: (event) => logs.push(event),
    faultProbe: (context) => probe(context),
    ...options,
  });
  return { server, logs, inject: (next) => (probe = next) };
}

async function closeAll(clients: WsClient[]): Promise<void> {
  await Promise.all(clients.map((c) => c.close()));
}

Deno.test("a socket message that throws costs that socket only: 1011, counted, logged with its stack; the witness relays", async () => {
  const { server, logs, inject } = await faultyServer();
  const clients: WsClient[] = [];
  try {
    const witness = await openRoom(server.localUrl, ["Wit"]);
    const victim = await openRoom(server.localUrl, ["Ann", "Bob"]);
    clients.push(...sockets(witness), ...sockets(victim));
    const annConn = server.registry.room(victim.code)!.seatOf("Ann")!.connId;
    let thrown = 0;
    inject((context) => {
      if (context.where === "socket message" && context.connId === annConn) {
        thrown++;
        throw new Error("injected bug in a frame");
      }
    });
    const ann = victim.players.get("Ann")!;
    ann.send({ action: "ping" });
    const closed = await ann.closed;
    assert.equal(closed.code, 1011);
    assert.equal(closed.reason, "internal error");
    // Its host hears it as a disconnect; the rest of the room goes on.
    await victim.host.next((m) => m.type === "playerLeft", WAIT_MS);
    await assertRelays(witness, "after a socket fault");
    await assertRelays(
      { ...victim, players: new Map([["Bob", victim.players.get("Bob")!]]) },
      "victim room",
    );
    assert.equal(thrown, 1);
    assert.equal(await metric(server, "pizza_internal_errors_total"), 1);
    assert.equal(server.boundary.faults, 1);
    const line = logs.filter((e) => e.event === "internal error");
    assert.equal(line.length, 1);
    assert.equal(line[0].address, "127.0.0.1");
    assert.equal(line[0].room, victim.code);
    assert.match(
      line[0].detail ?? "",
      /socket message: Error: injected bug in a frame\n\s+at /,
    );
    assert.deepEqual(
      [...sockets(witness), victim.host, victim.players.get("Bob")!].map(
        isOpen,
      ),
      [true, true, true, true],
    );
  } finally {
    await closeAll(clients);
    await server.close();
  }
});

Deno.test("a room that keeps throwing is closed with the reason 'server error'; the witness room relays on", async () => {
  const { server, logs, inject } = await faultyServer();
  const clients: WsClient[] = [];
  try {
    const witness = await openRoom(server.localUrl, ["Wit"]);
    const victim = await openRoom(server.localUrl, ["A", "B", "C"]);
    clients.push(...sockets(witness), ...sockets(victim));
    let thrown = 0;
    inject((context) => {
      if (
        context.where === "socket message" && context.connId !== undefined &&
        server.registry.roomOf(context.connId) === victim.code &&
        server.registry.room(victim.code)?.hostConnId !== context.connId
      ) {
        thrown++;
        throw new Error("injected bug in one room");
      }
    });
    for (const player of victim.players.values()) {
      player.send({ action: "ping" });
      assert.equal((await player.closed).code, 1011);
    }
    const closed = await victim.host.nextOfType("roomClosed", WAIT_MS);
    assert.equal(closed.reason, "server error");
    assert.match(String(closed.message), /ended/);
    assert.equal(server.registry.hasRoom(victim.code), false);
    assert.equal(isOpen(victim.host), true, "the host's socket stays open");
    await assertRelays(witness, "after the room closed");
    assert.equal(thrown, 3);
    assert.equal(await metric(server, "pizza_internal_errors_total"), 3);
    assert.ok(logs.some((e) => e.event === "room closed after faults"));
    assert.deepEqual(sockets(witness).map(isOpen), [true, true]);
  } finally {
    await closeAll(clients);
    await server.close();
  }
});

Deno.test("a sweep that throws for one room closes that room after three sweeps; other rooms are swept and relay on", async () => {
  const { server, inject } = await faultyServer({
    sweepIntervalMs: 20,
    hostGraceMs: 200,
  });
  const clients: WsClient[] = [];
  try {
    const witness = await openRoom(server.localUrl, ["Wit"]);
    const victim = await openRoom(server.localUrl, ["Ann"]);
    // A third room whose host leaves: its sweep must still close it.
    const away = await openRoom(server.localUrl, ["Zed"]);
    clients.push(...sockets(witness), ...sockets(victim), ...sockets(away));
    let thrown = 0;
    inject((context) => {
      if (context.where === "sweep timer" && context.room === victim.code) {
        thrown++;
        throw new Error("injected bug in the sweep");
      }
    });
    await away.host.close();
    const closed = await victim.host.nextOfType("roomClosed", WAIT_MS);
    assert.equal(closed.reason, "server error");
    const gone = await away.players.get("Zed")!.nextOfType(
      "roomClosed",
      WAIT_MS,
    );
    assert.equal(gone.reason, "host gone");
    await assertRelays(witness, "after sweep faults");
    assert.equal(thrown, 3);
    assert.equal(await metric(server, "pizza_internal_errors_total"), 3);
    assert.deepEqual(
      [...sockets(witness), ...sockets(victim)].map(isOpen),
      [true, true, true, true],
    );
  } finally {
    await closeAll(clients);
    await server.close();
  }
});

Deno.test("an HTTP request that throws answers 500 and is counted; the next request and the witness are served", async () => {
  const { server, logs, inject } = await faultyServer();
  const clients: WsClient[] = [];
  try {
    const witness = await openRoom(server.localUrl, ["Wit"]);
    clients.push(...sockets(witness));
    let thrown = 0;
    inject((context) => {
      if (context.where === "http request" && thrown === 0) {
        thrown++;
        throw new Error("injected bug in a request");
      }
    });
    const failed = await fetch(`${server.localUrl}/healthz`);
    assert.equal(failed.status, 500);
    await failed.body?.cancel();
    const ok = await fetch(`${server.localUrl}/healthz`);
    assert.equal(ok.status, 200);
    await ok.body?.cancel();
    await assertRelays(witness, "after an HTTP fault");
    assert.equal(await metric(server, "pizza_internal_errors_total"), 1);
    assert.equal(
      logs.filter((e) => e.event === "internal error")[0].address,
      "127.0.0.1",
    );
  } finally {
    await closeAll(clients);
    await server.close();
  }
});

Deno.test("a bus delivery that throws for one forwarded socket closes it (1011); the bus, its other sockets and the witness go on", async () => {
  const hub = new MemoryBusHub();
  let thrown = 0;
  let victimProxy: string | undefined;
  const owner = await faultyServer({}, onHub(hub, "owner"));
  const other = await startServer(configFor(), onHub(hub, "other"));
  const clients: WsClient[] = [];
  try {
    const witness = await openRoom(owner.server.localUrl, ["Wit"]);
    // The players reach the owner through the other instance.
    const room = await openRoom(
      owner.server.localUrl,
      ["Ann", "Bob"],
      other.localUrl,
    );
    clients.push(...sockets(witness), ...sockets(room));
    victimProxy = owner.server.registry.room(room.code)!.seatOf("Ann")!.connId;
    owner.inject((context) => {
      if (
        context.where === "bus delivery (in)" &&
        context.connId === victimProxy
      ) {
        thrown++;
        throw new Error("injected bug in a delivery");
      }
    });
    const ann = room.players.get("Ann")!;
    ann.send({ action: "relay", data: "lost" });
    assert.equal((await ann.closed).code, 1011);
    await assertRelays(
      { ...room, players: new Map([["Bob", room.players.get("Bob")!]]) },
      "across the bus",
    );
    await assertRelays(witness, "after a bus fault");
    assert.equal(thrown, 1);
    assert.equal(await metric(owner.server, "pizza_internal_errors_total"), 1);
    assert.equal(await metric(other, "pizza_internal_errors_total"), 0);
  } finally {
    await closeAll(clients);
    await other.close();
    await owner.server.close();
  }
});

Deno.test("a bus connection event that throws (down, then up) is counted each time and the server goes on", async () => {
  const hub = new MemoryBusHub();
  const { server, inject } = await faultyServer({}, onHub(hub, "solo"));
  const clients: WsClient[] = [];
  try {
    const witness = await openRoom(server.localUrl, ["Wit"]);
    clients.push(...sockets(witness));
    let thrown = 0;
    inject((context) => {
      if (context.where === "bus connection event") {
        thrown++;
        throw new Error("injected bug in a health listener");
      }
    });
    hub.setReachable(false);
    await waitFor(() => thrown === 1, "the health change");
    hub.setReachable(true);
    // Back up: that event throws too, and is counted too.
    await waitFor(() => thrown === 2, "the bus coming back");
    assert.equal(server.scaleOut?.health().up, true);
    await assertRelays(witness, "after a bus event fault");
    assert.equal(await metric(server, "pizza_internal_errors_total"), 2);
  } finally {
    await closeAll(clients);
    await server.close();
  }
});

/** A registry whose `handle` throws for one connection (the seam). */
class FaultyRegistry extends RoomRegistry {
  faulty = "";
  override handle(connId: string, msg: ClientMessage): void {
    if (connId === this.faulty) throw new Error("injected bug in handle");
    super.handle(connId, msg);
  }
}

Deno.test("RoomRouter: a throw in a frame's asynchronous routing is reported and closes that socket with 1011", async () => {
  const hub = new MemoryBusHub();
  const registry = new FaultyRegistry({ limits: DEFAULTS });
  const faults: string[] = [];
  const boundary = new FaultBoundary({
    report: (fault) => faults.push(`${fault.where} ${fault.connId}`),
  });
  const router = new RoomRouter({
    registry,
    bus: new MemoryRoomBus({ hub, instanceId: "r" }),
    boundary,
    tickMs: 0,
  });
  await router.start();
  const closes: number[] = [];
  const sent: Received[] = [];
  const conn = (id: string): Connection => ({
    id,
    send: (msg) => sent.push(msg as Received),
    close: (code) => closes.push(code ?? 0),
  });
  try {
    router.open(conn("a"), "10.0.0.1");
    router.open(conn("b"), "10.0.0.2");
    registry.faulty = "a";
    // A join to a code not held here: routed after an asynchronous lookup.
    router.receive(
      "a",
      JSON.stringify({ action: "joinRoom", room: "QQQQ", username: "Ann" }),
    );
    router.receive(
      "b",
      JSON.stringify({ action: "joinRoom", room: "QQQQ", username: "Bob" }),
    );
    await waitFor(() => faults.length === 1 && sent.length === 1, "routing");
    assert.deepEqual(faults, ["frame routing a"]);
    assert.deepEqual(closes, [1011]);
    assert.equal(sent[0].val, "wrong room");
  } finally {
    await router.close();
  }
});

Deno.test("an unjoined timeout that throws for one socket closes it with 1011; the sweep goes on for the others", async () => {
  const { server, inject } = await faultyServer({ unjoinedTimeoutMs: 1_500 });
  const clients: WsClient[] = [];
  try {
    const witness = await openRoom(server.localUrl, ["Wit"]);
    clients.push(...sockets(witness));
    const idleA = await WsClient.connect(server.localUrl);
    const idleB = await WsClient.connect(server.localUrl);
    clients.push(idleA, idleB);
    let thrown = 0;
    let victim: string | undefined;
    inject((context) => {
      if (context.where !== "unjoined timeout") return;
      // The first socket whose time is up is the victim.
      victim ??= context.connId;
      if (context.connId === victim) {
        thrown++;
        throw new Error("injected bug in the unjoined sweep");
      }
    });
    const codes = (await Promise.all([idleA.closed, idleB.closed]))
      .map((e) => e.code).sort();
    // One closed by the fault (1011), the other by its timeout as usual.
    assert.deepEqual(codes, [1011, 4001]);
    await assertRelays(witness, "after an unjoined-timeout fault");
    assert.equal(thrown, 1);
    assert.equal(await metric(server, "pizza_internal_errors_total"), 1);
  } finally {
    await closeAll(clients);
    await server.close();
  }
});
