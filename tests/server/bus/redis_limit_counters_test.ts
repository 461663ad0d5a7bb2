/**
 * `RedisLimitCounters` against a real `redis-server`: counts, the expiry set
 * by the first write only, reads of many keys, `SET … PX`; and the limits
 * across instances: three policies on one Redis let an attacker rotating
 * over them no more failed joins per hour than one (± 10 %), over two
 * simulated hours on a fake clock.
 */
import assert from "node:assert/strict";
import { ignoreWithout } from "../../_helpers/external_tools.ts";
import { Redis } from "ioredis";
import { RedisLimitCounters } from "../../../src/server/bus/redis_limit_counters.ts";
import { AddressLimits } from "../../../src/server/address_limits.ts";
import { DEFAULTS } from "../../../src/server/config.ts";
import { startTestRedis, type TestRedis } from "../../_helpers/redis_server.ts";

const HOUR = 3_600_000;

async function withRedis(
  fn: (redis: Redis, server: TestRedis) => Promise<void>,
): Promise<void> {
  const server = await startTestRedis();
  const redis = new Redis(server.url, { enableAutoPipelining: true });
  try {
    await fn(redis, server);
  } finally {
    redis.disconnect();
    await server.close();
  }
}

Deno.test({
  name:
    "RedisLimitCounters.add() counts under the prefix; the first write sets the expiry, later ones keep it",
  ignore: ignoreWithout("redis-server"),
  async fn() {
    await withRedis(async (redis) => {
      const counters = new RedisLimitCounters(redis, "t:limit:");
      assert.equal(await counters.add("fail:a:1", 60_000), 1);
      const ttl = await redis.pttl("t:limit:fail:a:1");
      assert.ok(ttl > 0 && ttl <= 60_000, `ttl ${ttl}`);
      assert.equal(await counters.add("fail:a:1", 600_000, 4), 5);
      assert.ok((await redis.pttl("t:limit:fail:a:1")) <= 60_000);
      assert.deepEqual(
        await counters.read(["fail:a:1", "fail:b:1"]),
        [5, 0],
      );
      assert.deepEqual(await counters.read([]), []);
      await counters.set("block:a", 12345, 50);
      assert.deepEqual(await counters.read(["block:a"]), [12345]);
      const pttl = await redis.pttl("t:limit:block:a");
      assert.ok(pttl > 0 && pttl <= 50);
      // Gone after its expiry (waiting on state, not on a fixed sleep).
      for (;;) {
        if ((await counters.read(["block:a"]))[0] === 0) break;
        await new Promise((r) => setTimeout(r, 10));
      }
    });
  },
});

/**
 * An attacker guessing once a second for two simulated hours, each guess
 * through the next of `instances` policies on one Redis: the failed joins
 * that reached a registry.
 */
async function attackerFailures(
  redis: Redis,
  prefix: string,
  instances: number,
): Promise<number> {
  let now = 0;
  const counters = new RedisLimitCounters(redis, prefix);
  const policies = Array.from(
    { length: instances },
    () => new AddressLimits(DEFAULTS, counters, () => now),
  );
  let failures = 0;
  for (let i = 0; now < 2 * HOUR; i++, now += 1_000) {
    const limits = policies[i % instances];
    const ask = {
      action: "joinRoom",
      room: `Q${i % 17576}`,
      token: i % 3 === 0,
    } as const;
    const verdict = await limits.ask("198.51.100.9", ask);
    if (!verdict.ok) continue;
    failures++;
    await limits.failedJoin("198.51.100.9", ask, verdict.closedCode);
  }
  return failures;
}

Deno.test({
  name:
    "AddressLimits on Redis: with 3 instances an address gets no more failed joins per hour than with one (± 10 %), over two simulated hours",
  ignore: ignoreWithout("redis-server"),
  async fn() {
    await withRedis(async (redis) => {
      const one = await attackerFailures(redis, "one:", 1);
      const three = await attackerFailures(redis, "three:", 3);
      console.log(
        `failed joins in 2 hours: one instance ${one}, three instances ${three}`,
      );
      // The budget in each of the two windows, plus the tokens forgiven
      // (one guess in three carries one) before the budget ran out.
      assert.equal(one, 2 * (DEFAULTS.failedJoinBudget + 5));
      assert.ok(
        Math.abs(three - one) <= one * 0.1,
        `three instances ${three} vs one ${one}`,
      );
    });
  },
});
