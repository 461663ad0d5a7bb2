/**
 * Builds the Redis room bus's router from the environment when `REDIS_URL`
 * is set (ioredis is loaded only then: the in-memory path stays free of it).
 *
 * @module
 */
import type { RoomRegistry } from "../room_registry.ts";
import type { FaultBoundary } from "../fault_boundary.ts";
import type { ScaleOutConfig } from "../config.ts";
import { MemoryLimitCounters, withFallback } from "../limit_counters.ts";
import { RoomRouter, type RouterEvent } from "./room_router.ts";

/** What {@link scaleOutFromEnv} needs besides the URL. */
export type ScaleOutSettings =
  & Pick<ScaleOutConfig, "livenessTtlMs">
  & {
    /** Key prefix (`REDIS_PREFIX`). */
    prefix: string;
    /** Liveness refresh, in ms (`BUS_KEEPALIVE_MS`). */
    tickMs: number;
    /** How long a dead owner's rooms wait for their host, in ms. */
    roomTtlMs: number;
    /** Receives events worth logging. */
    log?: (event: RouterEvent) => void;
  };

/**
 * A factory for `startServer`'s `scaleOut` option, or `undefined` when
 * `url` is empty (one instance, rooms in memory).
 *
 * @throws RangeError when `url` is not a redis:// or rediss:// URL.
 */
export async function scaleOutFromEnv(
  url: string | undefined,
  settings: ScaleOutSettings,
): Promise<
  ((registry: RoomRegistry, boundary: FaultBoundary) => RoomRouter) | undefined
> {
  url = url?.trim();
  if (!url) return undefined;
  const scheme = URL.canParse(url) ? new URL(url).protocol : "(not a URL)";
  if (scheme !== "redis:" && scheme !== "rediss:") {
    throw new RangeError(
      `Cannot use REDIS_URL: it must be a redis:// or rediss:// URL: current scheme is ${scheme}`,
    );
  }
  const { RedisRoomBus } = await import("./redis_room_bus.ts");
  const { RedisLimitCounters } = await import("./redis_limit_counters.ts");
  return (registry, boundary) => {
    const bus = new RedisRoomBus({
      url,
      prefix: settings.prefix,
      livenessTtlMs: settings.livenessTtlMs,
      roomTtlMs: settings.roomTtlMs,
      boundary,
    });
    // Per-address limits in Redis (in memory only while it is away).
    const counters = new RedisLimitCounters(bus.redis, `${bus.prefix}limit:`);
    return new RoomRouter({
      registry,
      boundary,
      bus,
      limitCounters: withFallback(counters, new MemoryLimitCounters()),
      tickMs: settings.tickMs,
      livenessTtlMs: settings.livenessTtlMs,
      log: settings.log,
    });
  };
}
