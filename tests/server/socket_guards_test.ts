/**
 * The socket guards through real sockets: binary and oversized frames end
 * the socket, sockets that never join are closed, slow readers are dropped
 * at once and handed to the registry as a disconnect, frames sent while a
 * join is checked wait in order (and are bounded).
 */
import assert from "node:assert/strict";
import { startTestServer } from "../_helpers/test_server.ts";
import { WsClient } from "../_helpers/ws_client.ts";
import { GOOD_KEY, rawUpgrade, textFrame } from "./_raw_ws.ts";
import { type PizzaServer, startServer } from "../../src/server/app_server.ts";
import { loadConfig } from "../../src/server/config.ts";
import type { LogEvent } from "../../src/server/event_log.ts";
import {
  type LimitCounters,
  MemoryLimitCounters,
} from "../../src/server/limit_counters.ts";

/** The close event, or a failure if the socket is still open after `ms`. */
async function closedWithin(client: WsClient, ms = 10_000) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`socket still open after ${ms} ms`)),
      ms,
    );
  });
  try {
    return await Promise.race([client.closed, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function openHost(server: PizzaServer) {
  const host = await WsClient.connect(server.localUrl);
  host.send({ action: "createRoom" });
  const confirm = await host.nextOfType("confirmRoom");
  return { host, room: String(confirm.room) };
}

Deno.test("server answers a binary frame with an error, then closes with 1003", async () => {
  const server = await startTestServer();
  const { host, room } = await openHost(server);
  const client = await WsClient.connect(server.localUrl);
  try {
    client.sendRaw(new Uint8Array([123, 125]));
    assert.equal((await client.nextOfType("error")).val, "binary");
    const closed = await closedWithin(client);
    assert.equal(closed.code, 1003);
    // The host's room did not notice.
    assert.equal(server.registry.hasRoom(room), true);
    assert.equal(host.received.some((m) => m.type === "error"), false);
  } finally {
    await client.close();
    await host.close();
    await server.close();
  }
});

Deno.test("server answers an oversized frame with an error, then closes with 1009", async () => {
  const server = await startTestServer();
  const { host, room } = await openHost(server);
  try {
    host.send({ action: "ping", pad: "x".repeat(70_000) });
    assert.equal((await host.nextOfType("error")).val, "too large");
    assert.equal((await closedWithin(host)).code, 1009);
    // The host's seat waits for a reclaim, as for any drop.
    assert.equal(server.registry.hasRoom(room), true);
  } finally {
    await host.close();
    await server.close();
  }
});

Deno.test("server closes a socket that neither created nor joined a room in time, with a reason", async () => {
  const server = await startTestServer({ unjoinedTimeoutMs: 300 });
  const idle = await WsClient.connect(server.localUrl);
  const { host } = await openHost(server);
  try {
    const closed = await closedWithin(idle);
    assert.equal(closed.code, 4001);
    assert.match(closed.reason, /no room created or joined/);
    // A socket opened after the host: once its deadline is over, the
    // host's is too, and the host, in a room, is still open.
    const later = await WsClient.connect(server.localUrl);
    assert.equal((await closedWithin(later)).code, 4001);
    host.send({ action: "ping", id: 2 });
    assert.equal((await host.nextOfType("pong")).id, 2);
    assert.equal(host.socket.readyState, WebSocket.OPEN);
  } finally {
    await idle.close();
    await host.close();
    await server.close();
  }
});

/** A player on raw TCP that joins and then never reads again. */
async function joinSlowReader(server: PizzaServer, room: string) {
  const raw = await rawUpgrade(server.port, {
    "Sec-WebSocket-Key": GOOD_KEY,
    "Sec-WebSocket-Version": "13",
  });
  assert.equal(raw.status, 101);
  await raw.conn.write(
    textFrame(JSON.stringify({ action: "joinRoom", room, username: "Slow" })),
  );
  return raw.conn;
}

Deno.test("server drops a player that stops reading at once: seat disconnected, host told", async () => {
  const server = await startTestServer({
    maxBufferedBytes: 256 * 1024,
    maxMessagesPerSecond: 100_000,
    messageBurst: 100_000,
  });
  const { host, room } = await openHost(server);
  const conn = await joinSlowReader(server, room);
  try {
    assert.equal(
      (await host.nextOfType("playerJoined")).clientUsername,
      "Slow",
    );
    host.received.length = 0;
    const data = { blob: "y".repeat(60_000) };
    let sent = 0;
    // Relay until the server gives the reader up (the kernel buffers first).
    const left = host.nextOfType("playerLeft", 30_000);
    let done = false;
    left.then(() => done = true, () => done = true);
    while (!done && sent < 2_000) {
      host.send({ action: "relay", clientUsername: "Slow", data });
      sent++;
      if (sent % 20 === 0) await new Promise((r) => setTimeout(r, 5));
    }
    const message = await left;
    assert.equal(message.clientUsername, "Slow");
    assert.equal(message.reason, "disconnected");
    // The registry let the seat go though the socket never read a byte.
    assert.equal(server.registry.stats().players, 1);
    assert.equal(server.registry.stats().connections, 1);
    console.log(`slow reader dropped after ${sent} relays of 60 kB`);
  } finally {
    conn.close();
    await host.close();
    await server.close();
  }
});

Deno.test("server drops readers once all queued bytes together pass MAX_QUEUED_BYTES_TOTAL", async () => {
  const events: LogEvent[] = [];
  const server = await startServer(
    loadConfig(() => undefined, {
      port: 0,
      hostname: "127.0.0.1",
      staticDir: "/nonexistent-static",
      maxBufferedBytes: 64 * 1024 * 1024,
      maxQueuedBytesTotal: 1024 * 1024,
      maxMessagesPerSecond: 100_000,
      messageBurst: 100_000,
    }),
    { log: (event) => events.push(event) },
  );
  const { host, room } = await openHost(server);
  const conn = await joinSlowReader(server, room);
  try {
    await host.nextOfType("playerJoined");
    const data = { blob: "y".repeat(60_000) };
    const left = host.nextOfType("playerLeft", 30_000);
    let done = false;
    left.then(() => done = true, () => done = true);
    for (let sent = 0; !done && sent < 2_000; sent++) {
      host.send({ action: "relay", clientUsername: "Slow", data });
      if (sent % 20 === 19) await new Promise((r) => setTimeout(r, 5));
    }
    assert.equal((await left).reason, "disconnected");
    const dropped = events.find((e) => e.event === "slow reader dropped");
    assert.match(String(dropped?.detail), /on the server/);
    assert.equal(dropped?.address, "127.0.0.1");
  } finally {
    conn.close();
    await host.close();
    await server.close();
  }
});

/** Memory counters whose reads wait until `release()` (a slow store). */
function heldCounters() {
  const memory = new MemoryLimitCounters();
  let open: () => void = () => {};
  let gate = new Promise<void>((resolve) => (open = resolve));
  let waiting = 0;
  const counters: LimitCounters = {
    add: (key, ttl, amount) => memory.add(key, ttl, amount),
    read: async (keys) => {
      waiting++;
      await gate;
      return memory.read(keys);
    },
    set: (key, value, ttl) => memory.set(key, value, ttl),
  };
  return {
    counters,
    waiting: () => waiting,
    release() {
      open();
      gate = new Promise<void>((resolve) => (open = resolve));
    },
  };
}

Deno.test("frames sent while a join is checked wait and follow it in order; more than 64 close the socket with 1008", async () => {
  const held = heldCounters();
  const server = await startServer(
    loadConfig(() => undefined, {
      port: 0,
      hostname: "127.0.0.1",
      staticDir: "/nonexistent-static",
    }),
    { limitCounters: held.counters },
  );
  const clients: WsClient[] = [];
  try {
    const { host, room } = await openHost(server);
    clients.push(host);
    const ann = await WsClient.connect(server.localUrl);
    clients.push(ann);
    ann.send({ action: "joinRoom", room, username: "Ann" });
    for (let i = 0; i < 5; i++) ann.send({ action: "relay", data: i });
    // The join waits for the store; the relays wait behind it.
    while (held.waiting() < 1) await new Promise((r) => setTimeout(r, 5));
    held.release();
    await ann.nextOfType("joined");
    const seen: unknown[] = [];
    for (let i = 0; i < 5; i++) {
      seen.push((await host.nextOfType("relay")).data);
    }
    assert.deepEqual(seen, [0, 1, 2, 3, 4]);

    const bob = await WsClient.connect(server.localUrl);
    clients.push(bob);
    bob.send({ action: "joinRoom", room, username: "Bob" });
    // 64 wait; the 65th is one too many (and the last one sent, so the
    // close handshake is not racing frames still on their way).
    for (let i = 0; i < 65; i++) bob.send({ action: "relay", data: i });
    const closed = await closedWithin(bob);
    assert.equal(closed.code, 1008);
    assert.equal(closed.reason, "too many messages while joining");
    held.release();
  } finally {
    held.release();
    await Promise.all(clients.map((c) => c.close()));
    await server.close();
  }
});
