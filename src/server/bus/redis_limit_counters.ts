/**
 * {@link LimitCounters} in Redis, shared by every instance: `INCRBY` and
 * `PEXPIRE` in one small script (the first write sets the expiry, a later
 * one keeps it: the `NX` of Redis 7, spelled so that older servers run it
 * too), `MGET` for reads and `SET … PX` for a block or a closed code.
 * Commands go through the bus's ioredis client, whose auto-pipelining
 * sends a join's few calls in one write.
 *
 * @module
 */
import type { Redis } from "ioredis";
import type { LimitCounters } from "../limit_counters.ts";

/** KEYS: counter. ARGV: amount, ttl. The expiry is set by the first write only. */
const ADD = `
local n = redis.call('INCRBY', KEYS[1], ARGV[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return n`;

/**
 * Per-address counters in Redis under `prefix`.
 *
 * @example
 * ```ts ignore
 * const counters = new RedisLimitCounters(new Redis(url), "pizza:limit:");
 * await counters.add("fail:192.0.2.1:417", 3_600_000);
 * ```
 */
export class RedisLimitCounters implements LimitCounters {
  /**
   * @param redis A connected ioredis client (the bus's command connection).
   * @param prefix Put before every key, e.g. `pizza:limit:`.
   */
  constructor(readonly redis: Redis, readonly prefix: string) {}

  async add(key: string, ttlMs: number, amount = 1): Promise<number> {
    const ttl = whole(ttlMs);
    return Number(
      await this.redis.eval(ADD, 1, this.prefix + key, amount, ttl),
    );
  }

  async read(keys: readonly string[]): Promise<number[]> {
    if (keys.length === 0) return [];
    const values = await this.redis.mget(keys.map((k) => this.prefix + k));
    return values.map((value) => Number(value ?? 0) || 0);
  }

  async set(key: string, value: number, ttlMs: number): Promise<void> {
    await this.redis.set(this.prefix + key, value, "PX", whole(ttlMs));
  }
}

/** A lifetime Redis accepts: whole milliseconds, at least 1. */
function whole(ms: number): number {
  return Math.max(1, Math.ceil(ms));
}
