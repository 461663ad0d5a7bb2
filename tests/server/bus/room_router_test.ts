/**
 * The router between sockets, registry and bus, in one process: two servers
 * on one in-memory hub act as two instances (no Redis needed).
 */
import assert from "node:assert/strict";
import {
  type PizzaServer,
  startServer,
} from "../../../src/server/app_server.ts";
import { loadConfig } from "../../../src/server/config.ts";
import {
  MemoryBusHub,
  MemoryRoomBus,
} from "../../../src/server/bus/memory_room_bus.ts";
import {
  roomRequest,
  RoomRouter,
} from "../../../src/server/bus/room_router.ts";
import { RoomRegistry } from "../../../src/server/room_registry.ts";
import type { Connection } from "../../../src/server/room.ts";
import type { ServerMessage } from "../../../src/protocol/mod.ts";
import { WsClient } from "../../_helpers/ws_client.ts";
import { waitUntil } from "../../_helpers/server_process.ts";

const config = loadConfig(() => undefined, {
  port: 0,
  hostname: "127.0.0.1",
  staticDir: new URL("../../fixtures/static", import.meta.url).pathname,
});

/** Two servers sharing one hub, as instances "a" and "b". */
async function twoInstances(hub = new MemoryBusHub()) {
  const start = (id: string) =>
    startServer(config, {
      bus: new MemoryRoomBus({ hub, instanceId: id, keepAliveMs: 0 }),
    });
  return { hub, a: await start("a"), b: await start("b") };
}

async function withClients(
  fn: (connect: (server: PizzaServer) => Promise<WsClient>) => Promise<void>,
) {
  const clients: WsClient[] = [];
  try {
    await fn(async (server) => {
      const client = await WsClient.connect(server.localUrl);
      clients.push(client);
      return client;
    });
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}

Deno.test("roomRequest() reads only create, join and reclaim frames", () => {
  assert.deepEqual(roomRequest('{"action":"createRoom"}'), {
    action: "createRoom",
  });
  assert.deepEqual(
    roomRequest('{"action":"joinRoom","room":"abcd","username":"A"}'),
    { action: "joinRoom", room: "ABCD" },
  );
  assert.deepEqual(
    roomRequest('{"action":"reclaimRoom","room":"ABCD","hostToken":"t"}'),
    { action: "reclaimRoom", room: "ABCD", hostToken: "t" },
  );
  assert.equal(roomRequest('{"action":"relay","data":1}'), undefined);
  assert.equal(roomRequest('{"action":"joinRoom","room":"AB"}'), undefined);
  assert.equal(roomRequest("Room{"), undefined);
});

Deno.test("RoomRouter claims codes through the bus and forwards a join on B to the owner A, saving a record without tokens", async () => {
  const { hub, a, b } = await twoInstances();
  try {
    await withClients(async (connect) => {
      const host = await connect(a);
      host.send({ action: "createRoom" });
      const confirm = await host.nextOfType("confirmRoom");
      const room = String(confirm.room);
      assert.equal(await b.router.bus.ownerOf(room), "a");
      const ann = await connect(b);
      ann.send({ action: "joinRoom", room, username: "Ann" });
      const joined = await ann.nextOfType("joined");
      assert.equal(joined.room, room);
      assert.equal(
        (await host.nextOfType("playerJoined")).clientUsername,
        "Ann",
      );
      assert.equal(a.registry.room(room)?.size, 1);
      assert.equal(b.registry.hasRoom(room), false);
      assert.equal(b.router.figures().roomsElsewhere, 1);
      assert.equal(a.router.figures().remoteSockets, 1);
      const record = await waitUntil("the record names Ann", async () => {
        const saved = await b.router.bus.records.load(room);
        return saved?.seats.length ? saved : undefined;
      });
      assert.equal(record?.owner, "a");
      assert.deepEqual(record?.seats.map((s) => s.name), ["Ann"]);
      const stored = JSON.stringify(record);
      assert.ok(!stored.includes(String(confirm.hostToken)));
      assert.ok(!stored.includes(String(joined.reconnectToken)));
    });
  } finally {
    await a.close();
    await b.close();
  }
  assert.equal(hub.reachable, true);
});

Deno.test("RoomRouter refuses createRoom with 'unavailable' while the bus is down, and /healthz answers 503", async () => {
  const { hub, a, b } = await twoInstances();
  try {
    await withClients(async (connect) => {
      hub.setReachable(false);
      const host = await connect(a);
      host.send({ action: "createRoom" });
      const error = await host.nextOfType("error");
      assert.equal(error.val, "unavailable");
      assert.equal(error.action, "createRoom");
      const health = await fetch(`${a.localUrl}/healthz`);
      assert.equal(health.status, 503);
      const body = await health.json();
      assert.equal(body.ok, false);
      assert.match(body.bus.reason, /cannot be reached/);
      hub.setReachable(true);
      host.send({ action: "createRoom" });
      assert.match(
        String((await host.nextOfType("confirmRoom")).room),
        /^[A-Z]{4}$/,
      );
      const ok = await fetch(`${a.localUrl}/healthz`);
      assert.equal(ok.status, 200);
      await ok.body?.cancel();
    });
  } finally {
    await a.close();
    await b.close();
  }
});

Deno.test("RoomRouter adopts a stopped instance's room when its host reclaims on another instance", async () => {
  let clock = Date.now();
  const { a, b } = await twoInstances(new MemoryBusHub(() => clock));
  try {
    await withClients(async (connect) => {
      const host = await connect(a);
      host.send({ action: "createRoom" });
      const confirm = await host.nextOfType("confirmRoom");
      const room = String(confirm.room);
      const ann = await connect(a);
      ann.send({ action: "joinRoom", room, username: "Ann" });
      await ann.nextOfType("joined");
      await a.close();
      // Not closed for good: a shared instance leaves its rooms to others.
      assert.ok(!host.received.some((m) => m.type === "roomClosed"));

      const wrong = await connect(b);
      wrong.send({ action: "reclaimRoom", room, hostToken: "x".repeat(20) });
      assert.equal((await wrong.nextOfType("error")).val, "bad token");
      assert.equal(b.registry.hasRoom(room), false);

      // The owner stopped, the code lapsed, the host is not back yet: a
      // player is told to reconnect (1012), not "wrong room".
      clock += 16_000; // the code's 15 s lapse; the record lives on
      assert.equal(await b.router.bus.ownerOf(room), undefined);
      const early = await connect(b);
      early.send({ action: "joinRoom", room, username: "Ann" });
      assert.equal((await early.closed).code, 1012);
      assert.ok(!early.received.some((m) => m.type === "error"));

      const back = await connect(b);
      back.send({ action: "reclaimRoom", room, hostToken: confirm.hostToken });
      const again = await back.nextOfType("confirmRoom");
      assert.equal(again.room, room);
      assert.deepEqual(again.players, [
        { clientUsername: "Ann", connected: false },
      ]);
      assert.equal(await b.router.bus.ownerOf(room), "b");
      const annBack = await connect(b);
      annBack.send({ action: "joinRoom", room, username: "Ann" });
      const joined = await annBack.nextOfType("joined");
      assert.equal(joined.reconnected, true);
      assert.equal(joined.vip, true);
    });
  } finally {
    await a.close();
    await b.close();
  }
});

/** A socket as the registry sees it: keeps what it was sent. */
class Socket implements Connection {
  readonly sent: ServerMessage[] = [];
  constructor(readonly id: string) {}
  send(msg: ServerMessage): void {
    this.sent.push(msg);
  }
  close(): void {}
}

Deno.test("RoomRouter writes a room's record once for a burst of joins, naming every seat, and writes what is pending when it closes", async () => {
  const hub = new MemoryBusHub();
  const bus = new MemoryRoomBus({ hub, instanceId: "a", keepAliveMs: 0 });
  const other = new MemoryRoomBus({ hub, instanceId: "b", keepAliveMs: 0 });
  const late: { router?: RoomRouter } = {};
  const registry = new RoomRegistry({
    limits: config,
    log: (event) => late.router?.observe(event),
    generateCode: () => late.router!.generateCode(),
  });
  const router = late.router = new RoomRouter({
    registry,
    bus,
    hostGraceMs: 60_000,
    codeTtlMs: 15_000,
    recordDelayMs: 60_000,
  });
  const store = bus.records;
  const save = store.save.bind(store);
  const written: string[][] = [];
  store.save = (record, ttlMs) => {
    written.push(record.seats.map((seat) => seat.name));
    return save(record, ttlMs);
  };
  await router.start();
  await other.start(() => {});
  try {
    const host = new Socket("host");
    router.open(host, "10.0.0.1");
    router.receive("host", JSON.stringify({ action: "createRoom" }));
    const room = await waitUntil("the room", () => {
      const confirm = host.sent.find((m) => m.type === "confirmRoom");
      return confirm && "room" in confirm ? String(confirm.room) : undefined;
    });
    const names = ["Ann", "Bo", "Cy", "Di", "Ed", "Flo"];
    for (const [i, name] of names.entries()) {
      const player = new Socket(`p${i}`);
      router.open(player, `10.0.1.${i}`);
      router.receive(
        player.id,
        JSON.stringify({ action: "joinRoom", room, username: name }),
      );
      assert.ok(player.sent.some((m) => m.type === "joined"), name);
    }
    assert.equal(written.length, 0);
    await router.close();
    assert.equal(written.length, 1);
    const record = await other.records.load(room);
    assert.deepEqual(record?.seats.map((s) => s.name), names);
  } finally {
    await router.close();
    await other.close();
  }
});

Deno.test("RoomRouter reads a room's owner once for two joins in a row on another instance", async () => {
  const { a, b } = await twoInstances();
  const bus = b.router.bus;
  const ownerOf = bus.ownerOf.bind(bus);
  const asked: string[] = [];
  bus.ownerOf = (code) => {
    asked.push(code);
    return ownerOf(code);
  };
  try {
    await withClients(async (connect) => {
      const host = await connect(a);
      host.send({ action: "createRoom" });
      const room = String((await host.nextOfType("confirmRoom")).room);
      for (const username of ["Ann", "Bo"]) {
        const player = await connect(b);
        player.send({ action: "joinRoom", room, username });
        assert.equal((await player.nextOfType("joined")).room, room);
        assert.equal(
          (await host.nextOfType("playerJoined")).clientUsername,
          username,
        );
      }
      assert.deepEqual(asked, [room]);
    });
  } finally {
    await a.close();
    await b.close();
  }
});

Deno.test("startServer() on a solitary memory bus hands sockets to the registry directly; on a shared hub it routes and claims codes", async () => {
  // Solitary (the default without REDIS_URL): no other instance can reach
  // the bus, so a join does no routing work and no code is claimed there.
  const solitaryBus = new MemoryRoomBus({ keepAliveMs: 0 });
  const solitary = await startServer(config, {
    bus: solitaryBus,
    sharedBus: false,
  });
  const hub = new MemoryBusHub();
  const sharedBus = new MemoryRoomBus({ hub, instanceId: "a", keepAliveMs: 0 });
  const shared = await startServer(config, { bus: sharedBus });
  try {
    assert.equal(solitaryBus.solitary, true);
    assert.equal(sharedBus.solitary, false);
    await withClients(async (connect) => {
      for (
        const [server, bus] of [[solitary, solitaryBus], [
          shared,
          sharedBus,
        ]] as const
      ) {
        const host = await connect(server);
        host.send({ action: "createRoom" });
        const room = String((await host.nextOfType("confirmRoom")).room);
        const player = await connect(server);
        player.send({ action: "joinRoom", room, username: "Ann" });
        assert.equal((await player.nextOfType("joined")).room, room);
        assert.equal(
          (await host.nextOfType("playerJoined")).clientUsername,
          "Ann",
        );
        assert.equal(bus.ownedCodes().has(room), bus === sharedBus);
      }
    });
  } finally {
    await solitary.close();
    await shared.close();
  }
});
