/**
 * Picks the room bus from the environment: Redis when `REDIS_URL` is set,
 * the in-memory bus otherwise.
 *
 * @module
 */
import { MemoryRoomBus } from "./memory_room_bus.ts";
import type { RoomBus, RoomBusOptions } from "./room_bus.ts";
import {
  type LimitCounters,
  MemoryLimitCounters,
  withFallback,
} from "../limit_counters.ts";

/** The environment variable naming the shared Redis. */
export const REDIS_URL_SETTING = "REDIS_URL";

/**
 * Makes the bus this process should use (not started yet). The Redis bus
 * and its client (ioredis, through Node compatibility) are loaded only when
 * `REDIS_URL` is set: merely loading them made every in-memory join cost
 * more (bench/README.md, "In-memory join, issue 10 round 3").
 *
 * @param getEnv Reads one environment variable (e.g. `(n) => Deno.env.get(n)`).
 * @param options Shared bus options.
 * @throws RangeError (the promise rejects) when `REDIS_URL` is set but is not a redis:// or rediss:// URL.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { roomBusFromEnv } from "./room_bus_from_env.ts";
 * import { MemoryRoomBus } from "./memory_room_bus.ts";
 * assert.ok((await roomBusFromEnv(() => undefined)) instanceof MemoryRoomBus);
 * await assert.rejects(roomBusFromEnv(() => "http://x"), RangeError);
 * ```
 */
export async function roomBusFromEnv(
  getEnv: (name: string) => string | undefined,
  options: RoomBusOptions = {},
): Promise<RoomBus> {
  const url = getEnv(REDIS_URL_SETTING)?.trim();
  if (!url) return new MemoryRoomBus(options);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RangeError(
      `Cannot use ${REDIS_URL_SETTING}: it must be a redis:// or rediss:// URL: current value is not a URL`,
    );
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    throw new RangeError(
      `Cannot use ${REDIS_URL_SETTING}: it must be a redis:// or rediss:// URL: current scheme is ${parsed.protocol}`,
    );
  }
  const { RedisRoomBus } = await import("./redis_room_bus.ts");
  return new RedisRoomBus({ ...options, url });
}

/**
 * The per-address limit counters to use beside `bus`: in Redis, through
 * the bus's own client, when `bus` is the Redis bus (in this process's
 * memory only while Redis cannot be reached); `undefined` otherwise (the
 * app server counts in memory). Loads the Redis modules only for a Redis bus.
 */
export async function limitCountersFor(
  bus: RoomBus,
): Promise<LimitCounters | undefined> {
  if (bus instanceof MemoryRoomBus) return undefined;
  const { RedisRoomBus } = await import("./redis_room_bus.ts");
  if (!(bus instanceof RedisRoomBus)) return undefined;
  const { RedisLimitCounters } = await import("./redis_limit_counters.ts");
  return withFallback(
    new RedisLimitCounters(bus.redis, `${bus.keyPrefix}limit:`),
    new MemoryLimitCounters(),
  );
}

/** Environment variables that tune the bus's timings, in ms. */
export const BUS_TIMING_SETTINGS = {
  codeTtlMs: "BUS_CODE_TTL_MS",
  keepAliveMs: "BUS_KEEPALIVE_MS",
} as const;

/**
 * The bus timings from the environment: `BUS_CODE_TTL_MS` (how long a dead
 * instance's codes and liveness last, default 15000) and `BUS_KEEPALIVE_MS`
 * (how often they are refreshed, default 5000; below the TTL).
 *
 * @throws RangeError when a value is not a whole number in range.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { busTimingsFromEnv } from "./room_bus_from_env.ts";
 * assert.deepEqual(busTimingsFromEnv(() => undefined),
 *   { codeTtlMs: 15000, keepAliveMs: 5000 });
 * assert.deepEqual(
 *   busTimingsFromEnv((n) => n === "BUS_CODE_TTL_MS" ? "3000" : undefined),
 *   { codeTtlMs: 3000, keepAliveMs: 1000 });
 * assert.throws(() => busTimingsFromEnv(() => "x"), RangeError);
 * ```
 */
export function busTimingsFromEnv(
  getEnv: (name: string) => string | undefined,
): { codeTtlMs: number; keepAliveMs: number } {
  const read = (name: string): number | undefined => {
    const text = getEnv(name)?.trim();
    if (!text) return undefined;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 100 || value > 3_600_000) {
      throw new RangeError(
        `Cannot use ${name}: it must be a whole number of ms in [100, 3600000]: current value is ${text}`,
      );
    }
    return value;
  };
  const codeTtlMs = read(BUS_TIMING_SETTINGS.codeTtlMs) ?? 15_000;
  const keepAliveMs = read(BUS_TIMING_SETTINGS.keepAliveMs) ??
    Math.min(5_000, Math.floor(codeTtlMs / 3));
  if (keepAliveMs >= codeTtlMs) {
    throw new RangeError(
      `Cannot use ${BUS_TIMING_SETTINGS.keepAliveMs}: it must be below ${BUS_TIMING_SETTINGS.codeTtlMs} (${codeTtlMs}): current value is ${keepAliveMs}`,
    );
  }
  return { codeTtlMs, keepAliveMs };
}
