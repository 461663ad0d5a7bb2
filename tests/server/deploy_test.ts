/**
 * Deno Deploy cannot fail silently: without `REDIS_URL` the server says so
 * at start and `/healthz` warns; keys live under `REDIS_PREFIX`; and the
 * server listens before it reaches Redis.
 */
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { spawnChildServer } from "./_child_server.ts";
import { startTestRedis } from "../_helpers/redis_server.ts";
import { ignoreWithout } from "../_helpers/external_tools.ts";
import { startServerProcess, waitUntil } from "../_helpers/server_process.ts";
import { WsClient } from "../_helpers/ws_client.ts";

Deno.test("server.ts on Deno Deploy without REDIS_URL says so at start, and /healthz reports the memory bus as a warning", async () => {
  const server = await spawnChildServer({ env: { DENO_DEPLOY: "1" } });
  let stopped = false;
  try {
    const body = await (await fetch(`${server.url}/healthz`)).json();
    assert.equal(body.ok, true);
    assert.equal(body.bus, "memory (single instance only)");
    assert.equal(body.warning, true);
    const { stderr } = await server.stop();
    stopped = true;
    assert.match(stderr, /Deno Deploy without REDIS_URL/);
  } finally {
    if (!stopped) await server.stop();
  }
});

Deno.test({
  name:
    "server.ts keeps its keys under REDIS_PREFIX, listens before Redis answers, and refuses new rooms as 'unavailable' meanwhile",
  ignore: ignoreWithout("redis-server"),
  async fn() {
    await using redis = await startTestRedis();
    await redis.stop();
    // Redis is not there yet: the server listens anyway.
    await using server = await startServerProcess({
      env: {
        STATIC_DIR: "tests/fixtures/static",
        REDIS_URL: redis.url,
        REDIS_PREFIX: "preview-7:",
      },
    });
    const early = await WsClient.connect(server.url);
    const raw = new Redis(redis.url, { lazyConnect: true });
    try {
      early.send({ action: "createRoom" });
      assert.equal((await early.nextOfType("error")).val, "unavailable");
      await redis.start();
      const host = await waitUntil("a room once Redis is up", async () => {
        const client = await WsClient.connect(server.url);
        client.send({ action: "createRoom" });
        const answer = await client.next((m) =>
          m.type === "confirmRoom" || m.type === "error"
        );
        if (answer.type === "confirmRoom") return { client, answer };
        await client.close();
        return undefined;
      });
      await raw.connect();
      const room = String(host.answer.room);
      assert.equal(await raw.exists(`preview-7:code:${room}`), 1);
      assert.equal(await raw.exists(`pizza:code:${room}`), 0);
      await host.client.close();
    } finally {
      await early.close();
      raw.disconnect();
      await server.stop();
    }
  },
});
