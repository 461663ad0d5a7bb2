import { ignoreWithout } from "../../_helpers/external_tools.ts";
import assert from "node:assert/strict";
import { BusLink } from "../../../src/server/bus/bus_link.ts";
import {
  MemoryBusHub,
  MemoryRoomBus,
} from "../../../src/server/bus/memory_room_bus.ts";
import type { BusConnection } from "../../../src/server/bus/remote_connection.ts";
import { DEFAULTS } from "../../../src/server/config.ts";
import { RoomRegistry } from "../../../src/server/room_registry.ts";
import type { ServerMessage } from "../../../src/protocol/mod.ts";
import { RedisRoomBus } from "../../../src/server/bus/redis_room_bus.ts";
import { startTestRedis, type TestRedis } from "../../_helpers/redis_server.ts";

/** A socket as a test sees it: what it was sent, and waits on that. */
class TestSocket implements BusConnection {
  readonly messages: ServerMessage[] = [];
  closedWith?: { code?: number; reason?: string };
  #waiters: { test: (m: ServerMessage) => boolean; resolve: () => void }[] = [];

  constructor(readonly id: string) {}

  send(msg: ServerMessage): void {
    this.messages.push(msg);
    this.#waiters = this.#waiters.filter((w) => {
      if (!w.test(msg)) return true;
      w.resolve();
      return false;
    });
  }

  close(code?: number, reason?: string): void {
    this.closedWith = { code, reason };
  }

  /** The first message of this type, once it has arrived. */
  async next<T extends ServerMessage["type"] | "answer">(
    type: T,
    test: (m: ServerMessage) => boolean = () => true,
  ): Promise<Extract<ServerMessage, { type: T }>> {
    const match = (m: ServerMessage) => (m.type as string) === type && test(m);
    const found = this.messages.find(match);
    if (!found) {
      const { promise, resolve } = Promise.withResolvers<void>();
      this.#waiters.push({ test: match, resolve });
      await promise;
    }
    return this.messages.find(match) as Extract<ServerMessage, { type: T }>;
  }
}

/** One server instance: its bus, registry, link and local sockets. */
async function startInstance(hub: MemoryBusHub | TestRedis, id: string) {
  const bus = hub instanceof MemoryBusHub
    ? new MemoryRoomBus({ hub, instanceId: id, keepAliveMs: 0 })
    : new RedisRoomBus({ url: hub.url, instanceId: id, keepAliveMs: 0 });
  const registry = new RoomRegistry({ limits: DEFAULTS });
  const sockets = new Map<string, TestSocket>();
  const link = new BusLink({
    bus,
    registry,
    localConnection: (connId) => sockets.get(connId),
  });
  await bus.start((envelope) => link.deliver(envelope));
  return {
    id,
    bus,
    registry,
    link,
    /** A socket whose room is on this instance's registry. */
    local(connId: string): TestSocket {
      const socket = new TestSocket(connId);
      sockets.set(connId, socket);
      registry.open(socket, "10.0.0.1");
      return socket;
    },
    /** A socket here whose frames go to `owner` (as the router will do). */
    remote(connId: string, owner: string) {
      const socket = new TestSocket(connId);
      sockets.set(connId, socket);
      return {
        socket,
        send: (msg: object) =>
          link.forward(connId, owner, "10.0.0.2", JSON.stringify(msg)),
        close: () => {
          sockets.delete(connId);
          link.socketClosed(connId);
        },
      };
    },
    async close() {
      await link.close();
      registry.shutdown();
      await bus.close();
    },
  };
}

async function playAcrossInstances(hub: MemoryBusHub | TestRedis) {
  const a = await startInstance(hub, "a");
  const b = await startInstance(hub, "b");
  const c = await startInstance(hub, "c");
  try {
    const host = a.local("h");
    a.registry.receive("h", JSON.stringify({ action: "createRoom" }));
    const { room } = await host.next("confirmRoom");

    // Join with the seed's own message, offer included, from instance b.
    const ann = b.remote("p1", "a");
    await ann.send({
      action: "joinRoom",
      room: room.toLowerCase(),
      username: "Ann",
      offer: { type: "offer", sdp: "v=0 ann" },
    });
    const joined = await ann.socket.next("joined");
    assert.equal(joined.username, "Ann");
    assert.equal(joined.vip, true);
    const offer = await host.next("offer");
    assert.deepEqual(offer, {
      type: "offer",
      sdp: "v=0 ann",
      clientUsername: "Ann",
    });
    assert.equal(a.link.proxyCount, 1);
    assert.equal(b.link.ownerFor("p1"), "a");

    // The host's answer and trickle go back through b.
    a.registry.receive(
      "h",
      JSON.stringify({
        action: "offerResponse",
        clientUsername: "Ann",
        response: { type: "answer", sdp: "v=0 host" },
      }),
    );
    assert.deepEqual(await ann.socket.next("answer"), {
      type: "answer",
      sdp: "v=0 host",
    });
    await ann.send({
      action: "signal",
      data: { type: "candidate", candidate: { candidate: "c1" } },
    });
    const signal = await host.next("signal");
    assert.equal(signal.clientUsername, "Ann");

    // Names stay unique across instances: "ann" from c is renamed.
    const ann2 = c.remote("p2", "a");
    await ann2.send({ action: "joinRoom", room, username: "ann" });
    const renamed = await ann2.socket.next("joined");
    assert.equal(renamed.username, "ann 2");
    assert.equal(renamed.renamed, true);

    // Relay fallback in both directions.
    await ann2.send({ action: "relay", data: { t: "move", x: 1, y: 0 } });
    const relayed = await host.next("relay");
    assert.deepEqual(relayed, {
      type: "relay",
      clientUsername: "ann 2",
      data: { t: "move", x: 1, y: 0 },
    });
    a.registry.receive(
      "h",
      JSON.stringify({
        action: "relay",
        clientUsername: "ann 2",
        data: { t: "ping", id: 1 },
      }),
    );
    assert.deepEqual(await ann2.socket.next("relay"), {
      type: "relay",
      data: { t: "ping", id: 1 },
    });

    // After start, a stranger is refused with "no player".
    a.registry.receive("h", JSON.stringify({ action: "startGame" }));
    await ann.socket.next("gameStarted");
    await ann2.socket.next("gameStarted");
    const zed = c.remote("p3", "a");
    await zed.send({ action: "joinRoom", room, username: "Zed" });
    const refused = await zed.socket.next("error");
    assert.equal(refused.val, "no player");

    // Kick reaches the player on c.
    a.registry.receive(
      "h",
      JSON.stringify({ action: "kickPlayer", clientUsername: "ann 2" }),
    );
    const kicked = await ann2.socket.next("roomClosed");
    assert.equal(kicked.reason, "kicked");

    // Ann's socket drops on b; she comes back through c with her token.
    ann.close();
    const left = await host.next(
      "playerLeft",
      (m) => m.type === "playerLeft" && m.clientUsername === "Ann",
    );
    assert.deepEqual(left, {
      type: "playerLeft",
      clientUsername: "Ann",
      reason: "disconnected",
    });
    const back = c.remote("p4", "a");
    await back.send({
      action: "joinRoom",
      room,
      username: "Ann",
      reconnectToken: joined.reconnectToken,
    });
    const rejoined = await back.socket.next("joined");
    assert.equal(rejoined.reconnected, true);
    assert.notEqual(rejoined.reconnectToken, joined.reconnectToken);
  } finally {
    await a.close();
    await b.close();
    await c.close();
  }
}

Deno.test("BusLink lets players on two other instances play in a room whose host is on the owner", async () => {
  await playAcrossInstances(new MemoryBusHub());
});

Deno.test({
  name:
    "BusLink over RedisRoomBus: the same game with host on a and players on b and c",
  ignore: ignoreWithout("redis-server"),
  async fn() {
    const redis = await startTestRedis();
    try {
      await playAcrossInstances(redis);
    } finally {
      await redis.close();
    }
  },
});

Deno.test("BusLink drops every proxy of an instance that says bye, and the host hears its players left", async () => {
  const hub = new MemoryBusHub();
  const a = await startInstance(hub, "a");
  const b = await startInstance(hub, "b");
  try {
    const host = a.local("h");
    a.registry.receive("h", JSON.stringify({ action: "createRoom" }));
    const { room } = await host.next("confirmRoom");
    const bo = b.remote("p1", "a");
    await bo.send({ action: "joinRoom", room, username: "Bo" });
    await host.next("playerJoined");
    assert.equal(a.link.proxyCount, 1);
    await b.link.close();
    const left = await host.next("playerLeft");
    assert.equal(left.clientUsername, "Bo");
    assert.equal(a.link.proxyCount, 0);
    assert.equal(b.link.forwardedCount, 0);
  } finally {
    await a.close();
    await b.close();
  }
});

Deno.test("BusLink ignores answers for a socket from an instance that does not own its room", async () => {
  const hub = new MemoryBusHub();
  const a = await startInstance(hub, "a");
  const b = await startInstance(hub, "b");
  const rogue = new MemoryRoomBus({ hub, instanceId: "x", keepAliveMs: 0 });
  try {
    await rogue.start(() => {});
    const host = a.local("h");
    a.registry.receive("h", JSON.stringify({ action: "createRoom" }));
    const { room } = await host.next("confirmRoom");
    const cy = b.remote("p1", "a");
    await cy.send({ action: "joinRoom", room, username: "Cy" });
    await cy.socket.next("joined");
    await rogue.publish("b", {
      kind: "send",
      from: "x",
      conn: "p1",
      raw: JSON.stringify({
        type: "roomClosed",
        reason: "kicked",
        message: "",
      }),
    });
    await rogue.publish("b", { kind: "close", from: "x", conn: "p1" });
    // The owner's next message arrives after the rogue's (one channel, in
    // order), so by then the rogue's would have been delivered.
    a.registry.receive("h", JSON.stringify({ action: "startGame" }));
    await cy.socket.next("gameStarted");
    assert.equal(
      cy.socket.messages.some((m) => m.type === "roomClosed"),
      false,
    );
    assert.equal(cy.socket.closedWith, undefined);
  } finally {
    await rogue.close();
    await a.close();
    await b.close();
  }
});
