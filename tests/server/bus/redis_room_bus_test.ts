import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { RedisRoomBus } from "../../../src/server/bus/redis_room_bus.ts";
import { startTestRedis } from "../../_helpers/redis_server.ts";
import { ignoreWithout } from "../../_helpers/external_tools.ts";
import { type BusWorld, roomBusContract } from "./_room_bus_contract.ts";

const noRedis = ignoreWithout("redis-server");

roomBusContract("RedisRoomBus", async () => {
  const redis = await startTestRedis();
  const raw = new Redis(redis.url, { lazyConnect: true });
  await raw.connect();
  const world: BusWorld = {
    makeBus: (options) =>
      new RedisRoomBus({ url: redis.url, prefix: "t:", ...options }),
    injectRaw: async (instanceId, text) => {
      await raw.publish(`t:inst:${instanceId}`, text);
    },
    flush: async () => {
      await raw.flushall();
    },
    setOwner: async (code, owner) => {
      await raw.set(`t:code:${code}`, owner);
    },
    dropAlive: async (id) => {
      await raw.del(`t:alive:${id}`);
    },
    close: async () => {
      await raw.quit();
      await redis.close();
    },
  };
  return world;
}, noRedis);

Deno.test({
  name:
    "RedisRoomBus.lookup() names a live owner's INSTANCE_URL from its liveness key, in one round trip",
  ignore: noRedis,
  async fn() {
    await using redis = await startTestRedis();
    const owner = new RedisRoomBus({
      url: redis.url,
      prefix: "t:",
      instanceId: "i-a",
      instanceUrl: "ws://127.0.0.1:8001/ws",
    });
    const other = new RedisRoomBus({
      url: redis.url,
      prefix: "t:",
      instanceId: "i-b",
    });
    try {
      await Promise.all([owner, other].map(async (bus) => {
        const up = Promise.withResolvers<void>();
        await bus.start(() => {}, (health) => health.up && up.resolve());
        await up.promise;
      }));
      assert.deepEqual(await owner.claim("ABCD", "a".repeat(64), false), {
        claimed: true,
      });
      await other.claim("WXYZ", "b".repeat(64), false);
      assert.deepEqual(await other.lookup("ABCD"), {
        owner: "i-a",
        url: "ws://127.0.0.1:8001/ws",
        record: true,
      });
      // An owner without a URL, and one's own code, carry none.
      assert.deepEqual(await owner.lookup("WXYZ"), {
        owner: "i-b",
        record: true,
      });
      assert.deepEqual(await owner.lookup("ABCD"), {
        owner: "i-a",
        record: true,
      });
    } finally {
      await owner.close();
      await other.close();
    }
  },
});
