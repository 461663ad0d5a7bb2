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
