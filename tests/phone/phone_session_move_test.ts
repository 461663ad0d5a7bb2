/**
 * The phone's session and `moveTo`, against scripted WebSocket servers on
 * 127.0.0.1: it follows a move with its token, joins without `canMove` when
 * the move cannot be followed, and goes back to its page's server when the
 * named instance cannot be reached.
 */
import assert from "node:assert/strict";
import { PhoneSession } from "../../src/phone/phone_session.ts";
import { SessionStore } from "../../src/phone/session_store.ts";
import type { KeyValue } from "../../src/link/safe_storage.ts";
import { FakePeer } from "../_helpers/fake_peer.ts";
import { waitUntil } from "../_helpers/server_process.ts";

type Join = Record<string, unknown>;

/** A signaling server whose answer to each `joinRoom` is `answer(join)`. */
function scriptedServer(answer: (join: Join) => unknown) {
  const joins: Join[] = [];
  const sockets = new Set<WebSocket>();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (request) => {
      const { socket, response } = Deno.upgradeWebSocket(request);
      sockets.add(socket);
      socket.onclose = () => sockets.delete(socket);
      socket.onmessage = (event) => {
        const msg = JSON.parse(String(event.data)) as Join;
        if (msg.action !== "joinRoom") return;
        joins.push(msg);
        socket.send(JSON.stringify(answer(msg)));
      };
      return response;
    },
  );
  return {
    url: `ws://127.0.0.1:${server.addr.port}/ws`,
    joins,
    async close() {
      for (const socket of sockets) socket.close();
      await server.shutdown();
    },
  };
}

function joined(join: Join) {
  return {
    type: "joined",
    room: String(join.room).toUpperCase(),
    username: join.username,
    renamed: false,
    reconnected: join.reconnectToken !== undefined,
    reconnectToken: "tok-new-12345",
    vip: true,
    started: false,
    hostPresent: true,
  };
}

function memoryStorage(): KeyValue {
  const map = new Map<string, string>();
  return {
    getItem: (key) => map.get(key) ?? null,
    setItem: (key, value) => void map.set(key, value),
    removeItem: (key) => void map.delete(key),
  };
}

function phone(socketUrl: string) {
  const session = new PhoneSession({
    socketUrl,
    createPeer: () => {
      const peer = new FakePeer();
      setTimeout(() => peer.fire("signal", { type: "offer", sdp: "v=0" }), 0);
      return peer;
    },
    relayAfterMs: 600_000,
    store: new SessionStore(memoryStorage(), memoryStorage()),
  });
  const joins: string[] = [];
  session.on("joined", (info) => joins.push(info.name));
  return { session, joins };
}

Deno.test("PhoneSession follows moveTo to the room's instance, with its token, and joins there", async () => {
  const owner = scriptedServer(joined);
  const landed = scriptedServer((join) => ({
    type: "moveTo",
    url: owner.url,
    room: String(join.room).toUpperCase(),
  }));
  const { session, joins } = phone(landed.url);
  try {
    session.join("abcd", "Ann", "tok-old-12345");
    await waitUntil("joined", () => joins.length > 0 || undefined);
    assert.equal(landed.joins.length, 1);
    assert.equal(landed.joins[0].canMove, true);
    assert.equal(owner.joins.length, 1);
    assert.equal(owner.joins[0].canMove, true);
    assert.equal(owner.joins[0].reconnectToken, "tok-old-12345");
    assert.equal(owner.joins[0].username, "Ann");
  } finally {
    session.close();
    await owner.close();
    await landed.close();
  }
});

Deno.test("PhoneSession joins without canMove where it is when a moveTo cannot be followed", async () => {
  for (
    const move of [
      { type: "moveTo", url: "javascript:alert(1)", room: "ABCD" },
      { type: "moveTo", url: "http://127.0.0.1:9/ws", room: "ABCD" },
      { type: "moveTo", url: "ws://127.0.0.1:9/ws", room: "WXYZ" },
    ]
  ) {
    const landed = scriptedServer((join) => join.canMove ? move : joined(join));
    const { session, joins } = phone(landed.url);
    try {
      session.join("abcd", "Ann");
      await waitUntil("joined", () => joins.length > 0 || undefined);
      assert.deepEqual(
        landed.joins.map((join) => join.canMove),
        [true, undefined],
        move.url,
      );
    } finally {
      session.close();
      await landed.close();
    }
  }
});

Deno.test("PhoneSession goes back to its page's server when the instance it was sent to cannot be reached", async () => {
  // A port nothing listens on (free when asked).
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const deadUrl = `ws://127.0.0.1:${listener.addr.port}/ws`;
  listener.close();
  const landed = scriptedServer((join) =>
    join.canMove ? { type: "moveTo", url: deadUrl, room: "ABCD" } : joined(join)
  );
  const { session, joins } = phone(landed.url);
  try {
    session.join("abcd", "Ann");
    await waitUntil("joined", () => joins.length > 0 || undefined);
    // Sent there once more (the owner may have changed meanwhile), then
    // not again: it joins where it is.
    assert.deepEqual(landed.joins.map((join) => join.canMove), [
      true,
      true,
      undefined,
    ]);
    assert.equal(session.stage.kind === "unreachable", false);
  } finally {
    session.close();
    await landed.close();
  }
});
