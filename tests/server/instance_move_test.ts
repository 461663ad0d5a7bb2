/**
 * Phones sent to the instance that owns their room: three real `server.ts`
 * processes on one real Redis, each with its `INSTANCE_URL`. A join that
 * declares `canMove` on an instance that does not own the room gets
 * `moveTo` and joins at the owner; a seed client is relayed as before; the
 * phone's own session follows the move, and comes back through the page's
 * server after its owner dies and the host takes the room elsewhere.
 */
import { ignoreWithout } from "../_helpers/external_tools.ts";
import assert from "node:assert/strict";
import { startTestRedis } from "../_helpers/redis_server.ts";
import {
  type ServerProcess,
  startServerProcess,
  waitUntil,
} from "../_helpers/server_process.ts";
import { WsClient } from "../_helpers/ws_client.ts";
import { FakePeer } from "../_helpers/fake_peer.ts";
import { PhoneSession } from "../../src/phone/phone_session.ts";
import { SessionStore } from "../../src/phone/session_store.ts";
import type { KeyValue } from "../../src/link/safe_storage.ts";
import { instanceSocketUrl, moveFor } from "../../src/server/instance_move.ts";
import { scaleOutConfig } from "../../src/server/config.ts";
import { parseClientMessage } from "../../src/protocol/mod.ts";

/** The main site's origin: the page phones load. */
const SITE = "http://site.test";
const ENV = {
  STATIC_DIR: "tests/fixtures/static",
  BUS_CODE_TTL_MS: "1500",
  BUS_KEEPALIVE_MS: "400",
  HOST_GRACE_MS: "60000",
  ALLOWED_ORIGINS: SITE,
  JOIN_BURST_PER_ADDRESS: "100000",
  MAX_CONNECTIONS_PER_ADDRESS: "100000",
};
const OFFER = { type: "offer", sdp: "v=0 fake offer" };

/** A free TCP port on 127.0.0.1 (free when asked). */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  return port;
}

/** One server process with its own INSTANCE_URL. */
function startInstance(redisUrl: string): Promise<ServerProcess> {
  const port = freePort();
  return startServerProcess({
    env: {
      ...ENV,
      PORT: String(port),
      REDIS_URL: redisUrl,
      INSTANCE_URL: `ws://127.0.0.1:${port}`,
    },
  });
}

/** One gauge of a server's `/metrics`. */
async function gauge(server: ServerProcess, name: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(name));
  return Number(line?.split(" ").at(-1) ?? NaN);
}

/** A storage in memory, for the phone's session store. */
function memoryStorage(): KeyValue {
  const map = new Map<string, string>();
  return {
    getItem: (key) => map.get(key) ?? null,
    setItem: (key, value) => void map.set(key, value),
    removeItem: (key) => void map.delete(key),
  };
}

Deno.test("instanceSocketUrl() turns an instance origin into its socket URL and refuses anything else", () => {
  assert.equal(
    instanceSocketUrl("https://a.pizza.example"),
    "wss://a.pizza.example/ws",
  );
  assert.equal(
    instanceSocketUrl(" http://10.0.0.5:8001/ "),
    "ws://10.0.0.5:8001/ws",
  );
  assert.equal(
    instanceSocketUrl("wss://a.pizza.example/ws"),
    "wss://a.pizza.example/ws",
  );
  for (
    const bad of [
      "",
      "a.pizza.example",
      "ftp://a.pizza.example",
      "javascript:alert(1)",
      "https://user:pw@a.pizza.example",
      "https://a.pizza.example/?x=1",
      "https://a.pizza.example/#x",
      "https://a.pizza.example/other",
      `https://${"a".repeat(300)}.example`,
    ]
  ) {
    assert.throws(() => instanceSocketUrl(bad), RangeError, bad);
  }
});

Deno.test("moveFor() moves only a joinRoom that declared canMove, to a valid owner URL", () => {
  const parsed = parseClientMessage(
    '{"action":"joinRoom","room":"abcd","username":"Ann","canMove":true}',
  );
  assert.ok(parsed.ok);
  const join = parsed.msg;
  const owner = "ws://127.0.0.1:8001/ws";
  assert.deepEqual(moveFor(join, owner), {
    type: "moveTo",
    url: owner,
    room: "ABCD",
  });
  assert.equal(moveFor(join, undefined), undefined);
  assert.equal(moveFor(join, ""), undefined);
  assert.equal(moveFor(join, "javascript:alert(1)"), undefined);
  const seed = parseClientMessage(
    '{"action":"joinRoom","room":"abcd","username":"Ann"}',
  );
  assert.ok(seed.ok);
  assert.equal(moveFor(seed.msg, owner), undefined);
  const watch = parseClientMessage(
    '{"action":"watchRoom","room":"abcd","name":"Eve","canMove":true}',
  );
  assert.ok(watch.ok);
  assert.equal(moveFor(watch.msg, owner), undefined);
  const hostile = parseClientMessage(
    '{"action":"joinRoom","room":"abcd","username":"Ann","canMove":"yes"}',
  );
  assert.ok(!hostile.ok && hostile.error.val === "bad message");
});

Deno.test("scaleOutConfig() reads INSTANCE_URL, and refuses it without ALLOWED_ORIGINS or when malformed", () => {
  const read = (env: Record<string, string>) => (name: string) => env[name];
  assert.equal(scaleOutConfig(read({})).instanceUrl, "");
  assert.equal(
    scaleOutConfig(read({
      INSTANCE_URL: "https://a.pizza.example",
      ALLOWED_ORIGINS: "https://pizza.example",
    })).instanceUrl,
    "wss://a.pizza.example/ws",
  );
  assert.throws(
    () => scaleOutConfig(read({ INSTANCE_URL: "https://a.pizza.example" })),
    (error: Error) =>
      error instanceof RangeError && /ALLOWED_ORIGINS/.test(error.message),
  );
  assert.throws(
    () =>
      scaleOutConfig(read({
        INSTANCE_URL: "a.pizza.example",
        ALLOWED_ORIGINS: "https://pizza.example",
      })),
    RangeError,
  );
});

Deno.test({
  name:
    "INSTANCE_URL: a phone that can move joins at the room's owner; seed clients are relayed; a moved phone comes back through its page's server after the owner dies",
  ignore: ignoreWithout("redis-server"),
  async fn(t) {
    await using redis = await startTestRedis();
    const servers = await Promise.all(
      [0, 1, 2].map(() => startInstance(redis.url)),
    );
    const [a, b, c] = servers;
    const clients: WsClient[] = [];
    const connect = async (
      url: string,
      path = "/",
      headers?: Record<string, string>,
    ) => {
      const client = await WsClient.connect(url, path, headers);
      clients.push(client);
      return client;
    };
    const sessions: PhoneSession[] = [];
    try {
      const host = await connect(a.url);
      host.send({ action: "createRoom" });
      const confirm = await host.nextOfType("confirmRoom");
      const room = String(confirm.room);

      await t.step(
        "a phone that can move lands on B, is told A's address, joins there and relays",
        async () => {
          const landed = await connect(b.url, "/ws", { Origin: SITE });
          landed.send({
            action: "joinRoom",
            room,
            username: "Ann",
            offer: OFFER,
            canMove: true,
          });
          assert.deepEqual(await landed.nextOfType("moveTo"), {
            type: "moveTo",
            url: `ws://127.0.0.1:${a.port}/ws`,
            room,
          });
          await landed.close();
          // Nothing else happened on B: no socket was forwarded.
          assert.equal(await gauge(b, "pizza_bus_sockets_forwarded"), 0);
          const moved = await connect(
            `http://127.0.0.1:${a.port}`,
            "/ws",
            { Origin: SITE },
          );
          moved.send({
            action: "joinRoom",
            room,
            username: "Ann",
            offer: OFFER,
            canMove: true,
          });
          const joined = await moved.nextOfType("joined");
          assert.equal(joined.username, "Ann");
          assert.equal(joined.renamed, false);
          assert.deepEqual(await host.nextOfType("offer"), {
            ...OFFER,
            clientUsername: "Ann",
          });
          moved.send({ action: "relay", data: { t: "hi" } });
          assert.deepEqual((await host.nextOfType("relay")).data, { t: "hi" });
          host.send({ action: "relay", clientUsername: "Ann", data: "yo" });
          assert.equal((await moved.nextOfType("relay")).data, "yo");
          // The owner holds it as its own socket, not a remote one.
          assert.equal(await gauge(a, "pizza_bus_remote_sockets"), 0);
          // One join only: the host saw Ann's offer once.
          assert.ok(!host.received.some((m) => m.type === "offer"));
        },
      );

      await t.step("the owner refuses a page from another origin", async () => {
        await assert.rejects(
          WsClient.connect(a.url, "/ws", { Origin: "http://evil.test" }),
        );
      });

      await t.step("a seed client on B is relayed as before", async () => {
        const seed = await connect(b.url);
        seed.send({ action: "joinRoom", room, username: "Bea", offer: OFFER });
        const joined = await seed.nextOfType("joined");
        assert.equal(joined.username, "Bea");
        assert.equal((await host.nextOfType("offer")).clientUsername, "Bea");
        assert.ok(!seed.received.some((m) => m.type === "moveTo"));
        assert.equal(await gauge(b, "pizza_bus_sockets_forwarded"), 1);
        assert.equal(await gauge(a, "pizza_bus_remote_sockets"), 1);
        seed.send({ action: "relay", data: 7 });
        assert.equal((await host.nextOfType("relay")).clientUsername, "Bea");
      });

      await t.step(
        "a malformed canMove is refused; a client's own URL is never used",
        async () => {
          const bad = await connect(c.url);
          bad.send({
            action: "joinRoom",
            room,
            username: "Cy",
            canMove: "yes",
          });
          const error = await bad.nextOfType("error");
          assert.equal(error.val, "bad message");
          bad.send({
            action: "joinRoom",
            room,
            username: "Cy",
            canMove: true,
            url: "ws://evil.test/ws",
            moveTo: "ws://evil.test/ws",
          });
          assert.equal(
            (await bad.nextOfType("moveTo")).url,
            `ws://127.0.0.1:${a.port}/ws`,
          );
          // Neither message went anywhere: C forwarded no socket.
          assert.equal(await gauge(c, "pizza_bus_sockets_forwarded"), 0);
          assert.equal(await gauge(a, "pizza_bus_remote_sockets"), 1);
        },
      );

      await t.step(
        "the phone's session follows the move, and after the owner dies comes back through its page's server to the adopter",
        async () => {
          const peers: FakePeer[] = [];
          const session = new PhoneSession({
            socketUrl: `ws://127.0.0.1:${b.port}/ws`,
            createPeer: () => {
              const peer = new FakePeer();
              peers.push(peer);
              setTimeout(() => peer.fire("signal", OFFER), 0);
              return peer;
            },
            relayAfterMs: 600_000,
            store: new SessionStore(memoryStorage(), memoryStorage()),
          });
          sessions.push(session);
          const joins: { name: string; reconnected: boolean }[] = [];
          session.on("joined", (info) => joins.push(info));
          session.join(room, "Dee");
          await waitUntil("Dee joined", () => joins.length > 0 || undefined);
          const offer = await host.next((m) =>
            m.type === "offer" && m.clientUsername === "Dee"
          );
          assert.equal(offer.sdp, OFFER.sdp);
          // Joined at A directly: B forwards nothing new (Bea only).
          assert.equal(await gauge(b, "pizza_bus_sockets_forwarded"), 1);

          await a.stop("SIGKILL");
          // The host takes its room back through C, which adopts it.
          await waitUntil("the host takes the room back on C", async () => {
            const back = await connect(c.url);
            back.send({
              action: "reclaimRoom",
              room,
              hostToken: String(confirm.hostToken),
            });
            const answer = await back.next(
              (m) => m.type === "confirmRoom" || m.type === "error",
              5_000,
            ).catch(() => undefined);
            if (answer?.type === "confirmRoom") return answer;
            await back.close();
          }, 30_000);
          await waitUntil(
            "Dee back in her seat",
            () => joins.length > 1 || undefined,
            30_000,
          );
          assert.equal(joins[1].name, "Dee");
          assert.equal(joins[1].reconnected, true);
        },
      );
    } finally {
      for (const session of sessions) session.close();
      await Promise.all(clients.map((client) => client.close()));
      await Promise.all(servers.map((server) => server.stop("SIGKILL")));
    }
  },
});
