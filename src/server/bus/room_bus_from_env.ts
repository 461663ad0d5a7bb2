/**
 * Picks the room bus from the environment: Redis when `REDIS_URL` is set,
 * the in-memory bus otherwise.
 *
 * @module
 */
import { MemoryRoomBus } from "./memory_room_bus.ts";
import { RedisRoomBus } from "./redis_room_bus.ts";
import type { RoomBus, RoomBusOptions } from "./room_bus.ts";

/** The environment variable naming the shared Redis. */
export const REDIS_URL_SETTING = "REDIS_URL";

/**
 * Makes the bus this process should use (not started yet).
 *
 * @param getEnv Reads one environment variable (e.g. `(n) => Deno.env.get(n)`).
 * @param options Shared bus options.
 * @throws RangeError when `REDIS_URL` is set but is not a redis:// or rediss:// URL.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { roomBusFromEnv } from "./room_bus_from_env.ts";
 * import { MemoryRoomBus } from "./memory_room_bus.ts";
 * assert.ok(roomBusFromEnv(() => undefined) instanceof MemoryRoomBus);
 * assert.throws(() => roomBusFromEnv(() => "http://x"), RangeError);
 * ```
 */
export function roomBusFromEnv(
  getEnv: (name: string) => string | undefined,
  options: RoomBusOptions = {},
): RoomBus {
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
  return new RedisRoomBus({ ...options, url });
}
