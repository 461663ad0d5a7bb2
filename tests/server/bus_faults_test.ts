/**
 * The room bus under faults, each against a real `redis-server` and real
 * `server.ts` processes: a code lost to another instance, SIGKILL right
 * after `confirmRoom`, a flood of frames during a lookup, a failover that
 * leaves the connection on a replica, a killed subscriber, and every
 * valid seat token after adoption.
 */
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { startTestRedis, type TestRedis } from "../_helpers/redis_server.ts";
import { ignoreWithout } from "../_helpers/external_tools.ts";
import {
  type ServerProcess,
  startServerProcess,
  waitUntil,
} from "../_helpers/server_process.ts";
import { type Received, WsClient } from "../_helpers/ws_client.ts";

const ignore = ignoreWithout("redis-server");

const ENV = {
  STATIC_DIR: "tests/fixtures/static",
  SWEEP_INTERVAL_MS: "200",
  BUS_CODE_TTL_MS: "1500",
  BUS_KEEPALIVE_MS: "300",
  HOST_GRACE_MS: "60000",
  JOIN_SLOW_MS: "0",
  JOIN_BURST_PER_ADDRESS: "100000",
  MAX_CONNECTIONS_PER_ADDRESS: "100000",
  MAX_ROOMS_PER_ADDRESS: "1000",
  ROOM_CREATES_PER_MINUTE: "100000",
};

/** Servers, clients and Redis clients of one test, closed at its end. */
class World {
  readonly servers: ServerProcess[] = [];
  readonly clients: WsClient[] = [];
  readonly redises: Redis[] = [];

  async server(url: string): Promise<ServerProcess> {
    const server = await startServerProcess({
      env: { ...ENV, REDIS_URL: url },
    });
    this.servers.push(server);
    return server;
  }

  async client(server: ServerProcess): Promise<WsClient> {
    const client = await WsClient.connect(server.url);
    this.clients.push(client);
    return client;
  }

  async redis(test: TestRedis): Promise<Redis> {
    const redis = new Redis(test.url, { lazyConnect: true });
    await redis.connect();
    this.redises.push(redis);
    return redis;
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.close()));
    for (const server of this.servers) server.signal("SIGCONT");
    await Promise.all(this.servers.map((s) => s.stop("SIGKILL")));
    await Promise.all(this.redises.map((r) => r.quit().catch(() => {})));
  }
}

/** Runs `body` with a fresh Redis and world. */
function faultTest(
  name: string,
  body: (w: World, redis: TestRedis) => Promise<void>,
) {
  Deno.test({
    name,
    ignore,
    async fn() {
      await using redis = await startTestRedis();
      const world = new World();
      try {
        await body(world, redis);
      } finally {
        await world.close();
      }
    },
  });
}

/** Sends `msg` on a fresh socket to `server` until `type` comes back. */
async function until(
  w: World,
  server: ServerProcess,
  msg: unknown,
  type: string,
): Promise<{ client: WsClient; answer: Received }> {
  return await waitUntil(`${type} from ${server.url}`, async () => {
    const client = await w.client(server);
    client.send(msg);
    const answer = await client.next(
      (m) => m.type === type || m.type === "error",
      2_000,
    )
      .catch(() => undefined);
    if (answer?.type === type) return { client, answer };
    await client.close();
    return undefined;
  }, 20_000);
}

async function rooms(server: ServerProcess): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return Number(/^pizza_rooms (\d+)/m.exec(text)?.[1]);
}

faultTest(
  "a code lost to another instance closes the room there with a clear reason; phones and host resume on the adopter, and one code never has two live rooms",
  async (w, redis) => {
    const [a, b] = [await w.server(redis.url), await w.server(redis.url)];
    const host = await w.client(a);
    host.send({ action: "createRoom" });
    const confirm = await host.nextOfType("confirmRoom");
    const room = String(confirm.room);
    const phone = await w.client(a);
    phone.send({ action: "joinRoom", room, username: "Ann", keepsToken: true });
    const token = String((await phone.nextOfType("joined")).reconnectToken);
    // A local phone can hear "joined" a moment before its seat's digest
    // reaches Redis: the pause comes once it is there.
    const raw = await w.redis(redis);
    await waitUntil("Ann's seat in the record", async () => {
      const owner = await raw.get(`pizza:code:${room}`);
      return await raw.hexists(`pizza:room:${room}:${owner}`, "seat:Ann") ||
        undefined;
    });

    // A pauses past its liveness; its host comes back through B.
    a.signal("SIGSTOP");
    const { client: back } = await until(w, b, {
      action: "reclaimRoom",
      room,
      hostToken: confirm.hostToken,
    }, "confirmRoom");
    a.signal("SIGCONT");

    // A finds its code gone and closes its room: its sockets hear why.
    const closed = await phone.closed;
    assert.equal(closed.code, 1012);
    assert.match(closed.reason, /moved to another server/);
    assert.equal((await host.closed).code, 1012);
    await waitUntil(
      "A holds no room",
      async () => (await rooms(a)) === 0 || undefined,
    );
    assert.equal(await rooms(b), 1);

    // The phone reconnects (to either instance; A may be reconnecting to
    // Redis itself, and says "unavailable" meanwhile) and resumes.
    const { answer: joined } = await until(w, a, {
      action: "joinRoom",
      room,
      username: "Ann",
      reconnectToken: token,
    }, "joined");
    assert.equal(joined.reconnected, true);
    assert.equal((await back.nextOfType("playerJoined")).clientUsername, "Ann");
    assert.equal(await rooms(a), 0, "never two live rooms under one code");
  },
);

faultTest(
  "the room record is in Redis before the host hears confirmRoom, and before a reclaim's new token: SIGKILL right after either, and the host takes the room back elsewhere",
  async (w, redis) => {
    const [a, b, c] = [
      await w.server(redis.url),
      await w.server(redis.url),
      await w.server(redis.url),
    ];
    const host = await w.client(a);
    host.send({ action: "createRoom" });
    const first = await host.nextOfType("confirmRoom");
    await a.stop("SIGKILL");
    const { client: onB, answer: second } = await until(w, b, {
      action: "reclaimRoom",
      room: first.room,
      hostToken: first.hostToken,
    }, "confirmRoom");
    assert.equal(second.room, first.room);
    // B renewed the token; killed right after sending it, C must know it.
    await b.stop("SIGKILL");
    await onB.closed;
    const { answer: third } = await until(w, c, {
      action: "reclaimRoom",
      room: first.room,
      hostToken: second.hostToken,
    }, "confirmRoom");
    assert.equal(third.room, first.room);
    assert.notEqual(third.hostToken, second.hostToken);
  },
);

faultTest(
  "a flood of frames from one socket makes at most one claim: the budget is charged before any bus call and what waits is bounded",
  async (w, redis) => {
    const a = await w.server(redis.url);
    // Every command Redis runs, read as it runs (MONITOR).
    const raw = await w.redis(redis);
    const monitor = await raw.monitor();
    let claims = 0;
    let lookups = 0;
    monitor.on("monitor", (_time: string, args: string[]) => {
      const [command, first = "", second = ""] = args.map(String);
      if (command.toLowerCase() === "eval" && first.includes("RENAME")) {
        claims++; // The claim script (it renames an adopted record).
      }
      if (
        command.toLowerCase() === "get" && second === "" &&
        first.includes(":code:")
      ) lookups++;
    });
    try {
      const stat = (name: "eval" | "get") =>
        Promise.resolve(name === "eval" ? claims : lookups);
      const flood = await w.client(a);
      for (let i = 0; i < 1_000; i++) flood.sendRaw('{"action":"createRoom"}');
      // The socket is answered (a room) or closed for flooding, never hung.
      await Promise.race([
        flood.closed,
        flood.nextOfType("confirmRoom", 10_000),
      ]);
      assert.ok(await stat("eval") <= 1, `${claims} claims`);
      const prober = await w.client(a);
      for (let i = 0; i < 1_000; i++) {
        prober.send({ action: "joinRoom", room: "QQQQ", username: `P${i}` });
      }
      await Promise.race([prober.closed, prober.nextOfType("error", 10_000)]);
      // At most the burst (120) passes the budget; of those at most 16 wait.
      const gets = await stat("get");
      assert.ok(gets <= 140, `${gets} lookups`);
    } finally {
      monitor.disconnect();
    }
  },
);

faultTest(
  "READONLY and LOADING recycle the connection: moved to a replica and back to a primary, the bus is back by itself within 5 s",
  async (w, primary) => {
    await using other = await startTestRedis();
    const a = await w.server(primary.url);
    const host = await w.client(a);
    host.send({ action: "createRoom" });
    await host.nextOfType("confirmRoom");
    const admin = await w.redis(primary);
    // A managed failover left the server's node a replica of another.
    await admin.call("REPLICAOF", "127.0.0.1", String(other.port));
    await until(w, a, { action: "createRoom" }, "error").then(({ answer }) =>
      assert.equal(answer.val, "unavailable")
    );
    await admin.call("REPLICAOF", "NO", "ONE");
    const promoted = Date.now();
    await until(w, a, { action: "createRoom" }, "confirmRoom");
    assert.ok(Date.now() - promoted < 5_000, `${Date.now() - promoted} ms`);
    const health = await fetch(`${a.url}/healthz`);
    await health.body?.cancel();
    assert.equal(health.status, 200);
  },
);

faultTest(
  "a killed subscriber connection is replaced within 5 s and forwarded phones keep playing",
  async (w, redis) => {
    const [a, b] = [await w.server(redis.url), await w.server(redis.url)];
    const host = await w.client(a);
    host.send({ action: "createRoom" });
    const room = String((await host.nextOfType("confirmRoom")).room);
    const phone = await w.client(b);
    phone.send({ action: "joinRoom", room, username: "Ann" });
    await phone.nextOfType("joined");
    const admin = await w.redis(redis);
    const killed = Number(await admin.call("CLIENT", "KILL", "TYPE", "pubsub"));
    assert.ok(killed >= 2, `${killed} subscribers killed`);
    const start = Date.now();
    let n = 0;
    await waitUntil("relay host → phone → host again", async () => {
      n++;
      host.send({ action: "relay", clientUsername: "Ann", data: { n } });
      const got = await phone.next(
        (m) => m.type === "relay" && (m.data as { n: number }).n === n,
        300,
      )
        .catch(() => undefined);
      if (!got) return undefined;
      phone.send({ action: "relay", data: { back: n } });
      return await host.next((m) => m.type === "relay", 300).catch(() =>
        undefined
      );
    });
    assert.ok(Date.now() - start < 5_000, `${Date.now() - start} ms`);
  },
);

faultTest(
  "after adoption every still valid seat token works, as on the owner",
  async (w, redis) => {
    const [a, b] = [await w.server(redis.url), await w.server(redis.url)];
    const host = await w.client(a);
    host.send({ action: "createRoom" });
    const confirm = await host.nextOfType("confirmRoom");
    const room = String(confirm.room);
    const first = await w.client(a);
    first.send({ action: "joinRoom", room, username: "Ann", keepsToken: true });
    const older = String((await first.nextOfType("joined")).reconnectToken);
    await first.close();
    // Ann's seat taken back by name with the host's approval: the older
    // token stays valid beside the newer one.
    const second = await w.client(a);
    second.send({ action: "joinRoom", room, username: "Ann" });
    const request = await host.nextOfType("rejoinRequest");
    host.send({
      action: "approveRejoin",
      requestId: request.requestId,
      approve: true,
    });
    const newer = String((await second.nextOfType("joined")).reconnectToken);
    const raw = await w.redis(redis);
    await waitUntil("the record holds both digests", async () => {
      const owner = await raw.get(`pizza:code:${room}`);
      const seat = await raw.hget(`pizza:room:${room}:${owner}`, "seat:Ann");
      return seat && JSON.parse(seat).tokenHashes.length === 2
        ? true
        : undefined;
    });
    await a.stop("SIGKILL");
    await until(w, b, {
      action: "reclaimRoom",
      room,
      hostToken: confirm.hostToken,
    }, "confirmRoom");
    for (const token of [older, newer]) {
      const phone = await w.client(b);
      phone.send({
        action: "joinRoom",
        room,
        username: "Ann",
        reconnectToken: token,
      });
      const joined = await phone.nextOfType("joined");
      assert.equal(joined.reconnected, true, token);
    }
  },
);
