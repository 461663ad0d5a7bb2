import { ignoreWithout } from "../../_helpers/external_tools.ts";
import assert from "node:assert/strict";
import fc from "fast-check";
import { Redis } from "ioredis";
import { RedisRoomBus } from "../../../src/server/bus/redis_room_bus.ts";
import {
  BusDownError,
  type BusHealth,
} from "../../../src/server/bus/room_bus.ts";
import { buildRoomRecord } from "../../../src/server/bus/room_record.ts";
import { startTestRedis, type TestRedis } from "../../_helpers/redis_server.ts";
import { type BusWorld, Inbox, roomBusContract } from "./_room_bus_contract.ts";

const noRedis = ignoreWithout("redis-server");

/** Polls `check` until it holds; fails after `timeoutMs`. */
async function pollUntil(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A raw client for checks and injections, closed with the world. */
function rawClient(redis: TestRedis): Redis {
  return new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
}

roomBusContract("RedisRoomBus", async () => {
  const redis = await startTestRedis();
  const raw = rawClient(redis);
  await raw.connect();
  const world: BusWorld = {
    makeBus: (options) => new RedisRoomBus({ url: redis.url, ...options }),
    injectRaw: async (instanceId, text) => {
      await raw.publish(`pizza:inst:${instanceId}`, text);
    },
    flush: async () => {
      await raw.flushall();
    },
    close: async () => {
      await raw.quit();
      await redis.close();
    },
  };
  return world;
}, noRedis);

/** Resolves once `bus` reports the wanted health. */
function healthBecomes(
  bus: RedisRoomBus,
  up: boolean,
): Promise<BusHealth> {
  if (bus.health().up === up) return Promise.resolve(bus.health());
  const { promise, resolve } = Promise.withResolvers<BusHealth>();
  const stop = bus.onHealthChange((health) => {
    if (health.up !== up) return;
    stop();
    resolve(health);
  });
  return promise;
}

Deno.test({
  name:
    "RedisRoomBus goes down when redis-server stops, refuses claims, and recovers when it returns",
  ignore: noRedis,
  async fn() {
    const redis = await startTestRedis();
    const bus = new RedisRoomBus({
      url: redis.url,
      instanceId: "a",
      keepAliveMs: 0,
      maxReconnectDelayMs: 100,
    });
    const inbox = new Inbox();
    try {
      await bus.start(inbox.handler);
      assert.equal(bus.health().up, true);
      await bus.claimCode("KEEP");
      await redis.stop();
      const down = await healthBecomes(bus, false);
      assert.ok(down.lastError, "the error is kept for the log");
      await assert.rejects(bus.claimCode("NEWR"), (error: unknown) => {
        assert.ok(error instanceof BusDownError);
        assert.match(error.message, /no new game can start/);
        return true;
      });
      await assert.rejects(bus.ownerOf("KEEP"), BusDownError);
      assert.equal(await bus.publish("a", { kind: "bye", from: "a" }), false);
      // What it owns is kept while Redis is away.
      assert.deepEqual([...bus.ownedCodes()], ["KEEP"]);

      // Redis comes back empty (no persistence): the bus reconnects,
      // subscribes again and claims its codes again.
      await redis.start();
      await healthBecomes(bus, true);
      const check = new RedisRoomBus({
        url: redis.url,
        instanceId: "check",
        keepAliveMs: 0,
      });
      try {
        await check.start(() => {});
        // The re-claim runs right after "ready"; wait for its state.
        await pollUntil(
          "a owns KEEP again",
          async () => await check.ownerOf("KEEP") === "a",
        );
        assert.equal(await check.instanceAlive("a"), true);
        assert.deepEqual(await check.claimCode("KEEP"), {
          claimed: false,
          owner: "a",
        });
        assert.equal(
          await check.publish("a", { kind: "gone", from: "check", conn: "c" }),
          true,
        );
        await inbox.waitFor((e) => e.kind === "gone");
      } finally {
        await check.close();
      }
      assert.deepEqual(await bus.claimCode("NEWR"), { claimed: true });
      assert.ok(Number.isFinite(await bus.measureRoundTrip()));
    } finally {
      await bus.close();
      await redis.close();
    }
  },
});

Deno.test({
  name:
    "RedisRoomBus batches split by an outage: those before arrive, those during fail together, those after arrive, in order",
  ignore: noRedis,
  async fn() {
    const redis = await startTestRedis();
    const options = {
      url: redis.url,
      keepAliveMs: 0,
      maxReconnectDelayMs: 100,
    };
    const sender = new RedisRoomBus({ ...options, instanceId: "s" });
    const receiver = new RedisRoomBus({ ...options, instanceId: "r" });
    const inbox = new Inbox();
    const batch = (tag: string) =>
      Promise.all(
        [0, 1, 2].map((i) =>
          sender.publish("r", { kind: "gone", from: "s", conn: `${tag}${i}` })
        ),
      );
    try {
      await sender.start(() => {});
      await receiver.start(inbox.handler);
      assert.deepEqual(await batch("a"), [true, true, true]);
      await inbox.waitFor((e) => e.kind === "gone" && e.conn === "a2");
      await redis.stop();
      await healthBecomes(sender, false);
      assert.deepEqual(await batch("b"), [false, false, false]);
      await redis.start();
      await healthBecomes(sender, true);
      await healthBecomes(receiver, true);
      // The receiver's subscription comes back with its connection: probe
      // until a round trip through its own channel works.
      const resubscribeBy = Date.now() + 30_000;
      while (true) {
        try {
          await receiver.measureRoundTrip(1_000);
          break;
        } catch (error) {
          // Not subscribed again yet; a bus that never is fails the test.
          if (Date.now() > resubscribeBy) {
            throw new Error(
              `the receiver did not resubscribe within 30 s: ${error}`,
            );
          }
        }
      }
      assert.deepEqual(await batch("c"), [true, true, true]);
      await inbox.waitFor((e) => e.kind === "gone" && e.conn === "c2");
      assert.deepEqual(
        inbox.envelopes.map((e) => e.kind === "gone" && e.conn),
        ["a0", "a1", "a2", "c0", "c1", "c2"],
      );
      assert.equal(sender.figures().messagesOut, 6);
      assert.equal(sender.figures().publishesOut, 2);
    } finally {
      await sender.close();
      await receiver.close();
      await redis.close();
    }
  },
});

Deno.test({
  name:
    "RedisRoomBus started while Redis is unreachable reports down, then comes up and subscribes when it starts",
  ignore: noRedis,
  async fn() {
    const redis = await startTestRedis();
    await redis.stop();
    const bus = new RedisRoomBus({
      url: redis.url,
      instanceId: "late",
      keepAliveMs: 0,
      maxReconnectDelayMs: 100,
    });
    try {
      await bus.start(() => {});
      assert.equal(bus.health().up, false);
      await assert.rejects(bus.claimCode("LATE"), BusDownError);
      await redis.start();
      await healthBecomes(bus, true);
      assert.deepEqual(await bus.claimCode("LATE"), { claimed: true });
      assert.equal(await bus.instanceAlive("late"), true);
      assert.ok(Number.isFinite(await bus.measureRoundTrip()));
    } finally {
      await bus.close();
      await redis.close();
    }
  },
});

Deno.test({
  name:
    "RedisRoomBus codes and liveness of an instance that dies expire; its room record stays for the grace period",
  ignore: noRedis,
  async fn() {
    const redis = await startTestRedis();
    const raw = rawClient(redis);
    const options = { url: redis.url, codeTtlMs: 300, keepAliveMs: 100 };
    const a = new RedisRoomBus({ ...options, instanceId: "a" });
    const b = new RedisRoomBus({ ...options, instanceId: "b" });
    try {
      await raw.connect();
      await a.start(() => {});
      await b.start(() => {});
      await a.claimCode("LIFE");
      await a.records.save(
        await buildRoomRecord({
          code: "LIFE",
          owner: "a",
          hostToken: "host-token-123456",
          started: true,
          seats: [],
        }, 1),
        60_000,
      );
      // The keep-alive holds the code well past its TTL.
      await a.refresh();
      const ttl = await raw.pttl("pizza:code:LIFE");
      assert.ok(ttl > 0 && ttl <= 300, `code TTL ${ttl}`);
      // "a" dies: its keep-alive stops, nothing is released.
      await a.close();
      await pollUntil(
        "LIFE's claim expires",
        async () => await b.ownerOf("LIFE") === undefined,
      );
      assert.equal(await b.instanceAlive("a"), false);
      const record = await b.records.load("LIFE");
      assert.equal(record?.code, "LIFE");
      assert.deepEqual(await b.claimCode("LIFE"), {
        claimed: false,
        owner: undefined,
      });
      assert.deepEqual(await b.takeOverCode("LIFE", "a"), { claimed: true });
      // Nothing stored holds a token or SDP.
      const keys = await raw.keys("*");
      for (const key of keys) {
        const value = (await raw.get(key)) ?? "";
        assert.doesNotMatch(value, /host-token|sdp/);
      }
    } finally {
      await a.close();
      await b.close();
      await raw.quit();
      await redis.close();
    }
  },
});

Deno.test({
  name:
    "RedisRoomBus codes stay unique under concurrent claims from 3 instances (property)",
  ignore: noRedis,
  async fn() {
    const redis = await startTestRedis();
    const buses = ["a", "b", "c"].map((instanceId) =>
      new RedisRoomBus({ url: redis.url, instanceId, keepAliveMs: 0 })
    );
    try {
      for (const bus of buses) await bus.start(() => {});
      const code = fc.stringMatching(/^[A-E]{4}$/);
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.record({ code, instance: fc.integer({ min: 0, max: 2 }) }),
            { minLength: 1, maxLength: 40 },
          ),
          async (claims) => {
            const results = await Promise.all(
              claims.map(async ({ code, instance }) => ({
                code,
                instance,
                result: await buses[instance].claimCode(code),
              })),
            );
            try {
              const winners = new Map<string, number>();
              for (const { code, instance, result } of results) {
                if (!result.claimed) continue;
                assert.ok(
                  !winners.has(code),
                  `${code} was handed out twice`,
                );
                winners.set(code, instance);
              }
              for (const { code, result } of results) {
                assert.ok(winners.has(code), `nobody got ${code}`);
                if (!result.claimed) {
                  assert.equal(
                    result.owner,
                    ["a", "b", "c"][winners.get(code)!],
                  );
                }
              }
              for (const [code, instance] of winners) {
                assert.equal(
                  await buses[(instance + 1) % 3].ownerOf(code),
                  ["a", "b", "c"][instance],
                );
              }
              const owned = buses.map((bus) => bus.ownedCodes());
              for (let i = 0; i < 3; i++) {
                for (const c of owned[i]) {
                  assert.ok(
                    !owned[(i + 1) % 3].has(c) && !owned[(i + 2) % 3].has(c),
                  );
                }
              }
            } finally {
              await Promise.all(
                buses.flatMap((bus) =>
                  [...bus.ownedCodes()].map((c) => bus.releaseCode(c))
                ),
              );
            }
          },
        ),
        { numRuns: 60 },
      );
    } finally {
      for (const bus of buses) await bus.close();
      await redis.close();
    }
  },
});
