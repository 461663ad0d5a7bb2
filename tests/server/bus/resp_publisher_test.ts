import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { RespPublisher } from "../../../src/server/bus/resp_publisher.ts";
import {
  redisServerAvailable,
  startTestRedis,
} from "../../_helpers/redis_server.ts";

const noRedis = !redisServerAvailable();

/** A subscriber that collects what arrives on `channel`. */
async function listen(url: string, channel: string) {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  await client.connect();
  const texts: string[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  client.on("message", (from: string, text: string) => {
    if (from !== channel) return;
    texts.push(text);
    for (const w of waiters) if (texts.length >= w.count) w.resolve();
  });
  await client.subscribe(channel);
  return {
    texts,
    /** Resolves once `count` texts have arrived. */
    until(count: number): Promise<void> {
      if (texts.length >= count) return Promise.resolve();
      const { promise, resolve } = Promise.withResolvers<void>();
      waiters.push({ count, resolve });
      return promise;
    },
    close: () => client.quit(),
  };
}

Deno.test({
  name:
    "RespPublisher publishes batches in order (one socket, no replies read), any text, any size",
  ignore: noRedis,
  async fn() {
    await using redis = await startTestRedis();
    const inbox = await listen(redis.url, "ch");
    const publisher = new RespPublisher({ url: redis.url });
    try {
      const texts = ["é ünïcödé", '{"a":[1,2]}', "x".repeat(70_000), "last"];
      await publisher.publish(texts.map((text) => ({ channel: "ch", text })));
      await publisher.publish([
        { channel: "other", text: "not for ch" },
        { channel: "ch", text: "after" },
      ]);
      await inbox.until(5);
      assert.deepEqual(inbox.texts, [...texts, "after"]);
      // Redis counts the PUBLISHes and keeps the socket in CLIENT REPLY OFF.
      const admin = new Redis(redis.url, { maxRetriesPerRequest: 0 });
      try {
        const clients = String(await admin.client("LIST"));
        assert.match(clients, /cmd=publish/);
      } finally {
        await admin.quit();
      }
    } finally {
      await publisher.close();
      await inbox.close();
    }
  },
});

Deno.test({
  name:
    "RespPublisher authenticates from the URL, and a wrong password makes publish() throw",
  ignore: noRedis,
  async fn() {
    await using redis = await startTestRedis();
    const admin = new Redis(redis.url, { maxRetriesPerRequest: 0 });
    await admin.config("SET", "requirepass", "s3cret:pw");
    await admin.quit();
    const url = (password: string) =>
      `redis://:${encodeURIComponent(password)}@127.0.0.1:${redis.port}`;
    const inbox = await listen(url("s3cret:pw"), "ch");
    const good = new RespPublisher({ url: url("s3cret:pw") });
    const bad = new RespPublisher({ url: url("wrong") });
    try {
      await good.publish([{ channel: "ch", text: "hello" }]);
      await inbox.until(1);
      assert.deepEqual(inbox.texts, ["hello"]);
      await assert.rejects(
        bad.publish([{ channel: "ch", text: "nope" }]),
        /Redis refused|connection to Redis lost/,
      );
    } finally {
      await good.close();
      await bad.close();
      await inbox.close();
    }
  },
});

Deno.test({
  name:
    "RespPublisher fails while Redis is down and connects again once it is back",
  ignore: noRedis,
  async fn() {
    await using redis = await startTestRedis();
    const publisher = new RespPublisher({ url: redis.url });
    try {
      await publisher.publish([{ channel: "ch", text: "before" }]);
      await redis.stop();
      // The socket's end is seen by the next write at the latest.
      let failed = false;
      for (let i = 0; i < 1_000 && !failed; i++) {
        try {
          await publisher.publish([{ channel: "ch", text: "during" }]);
          await new Promise((resolve) => setTimeout(resolve, 5));
        } catch {
          failed = true;
        }
      }
      assert.ok(failed, "publish() kept succeeding with Redis stopped");
      await redis.start();
      const inbox = await listen(redis.url, "ch");
      try {
        await publisher.publish([{ channel: "ch", text: "after" }]);
        await inbox.until(1);
        assert.deepEqual(inbox.texts, ["after"]);
      } finally {
        await inbox.close();
      }
    } finally {
      await publisher.close();
    }
  },
});
