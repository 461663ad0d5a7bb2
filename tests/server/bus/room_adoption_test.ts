import { ignoreWithout } from "../../_helpers/external_tools.ts";
import assert from "node:assert/strict";
import { adoptRoom } from "../../../src/server/bus/room_adoption.ts";
import {
  MemoryBusHub,
  MemoryRoomBus,
} from "../../../src/server/bus/memory_room_bus.ts";
import { RedisRoomBus } from "../../../src/server/bus/redis_room_bus.ts";
import type { RoomBus } from "../../../src/server/bus/room_bus.ts";
import { buildRoomRecord } from "../../../src/server/bus/room_record.ts";
import { randomToken } from "../../../src/server/room_codes.ts";
import { startTestRedis } from "../../_helpers/redis_server.ts";

const hostToken = randomToken();
const annToken = randomToken();

/** Instance "a" owns room PZZA (started, Ann and Bo seated) with its record. */
async function ownRoom(a: RoomBus): Promise<void> {
  await a.claimCode("PZZA");
  await a.records.save(
    await buildRoomRecord({
      code: "PZZA",
      owner: a.instanceId,
      hostToken,
      started: true,
      seats: [
        { name: "Ann", token: annToken, joinedAt: 1 },
        { name: "Bo", token: randomToken(), joinedAt: 2 },
      ],
    }, 3),
    60_000,
  );
}

Deno.test("adoptRoom() refuses while the owner lives, then rebuilds the room on another instance once it dies", async () => {
  let now = 0;
  const hub = new MemoryBusHub(() => now);
  const make = (instanceId: string) =>
    new MemoryRoomBus({
      hub,
      instanceId,
      now: () => now,
      codeTtlMs: 1_000,
      keepAliveMs: 0,
    });
  const [a, b, c] = [make("a"), make("b"), make("c")];
  try {
    for (const bus of [a, b, c]) await bus.start(() => {});
    await ownRoom(a);
    assert.deepEqual(await adoptRoom(a, "PZZA", hostToken), {
      ok: false,
      reason: "owned here",
    });
    assert.deepEqual(await adoptRoom(b, "PZZA", hostToken), {
      ok: false,
      reason: "owned elsewhere",
      owner: "a",
    });
    // "a" dies without a word; its keys lapse, the record stays.
    now += 1_000;
    await b.refresh();
    await c.refresh();
    assert.deepEqual(await adoptRoom(b, "PZZA", randomToken()), {
      ok: false,
      reason: "bad token",
    });
    assert.deepEqual(await adoptRoom(b, "NONE", hostToken), {
      ok: false,
      reason: "no room",
    });
    const adopted = await adoptRoom(b, "PZZA", hostToken);
    assert.ok(adopted.ok);
    assert.equal(adopted.record.owner, "b");
    assert.equal(adopted.record.started, true);
    assert.equal(adopted.record.vip, "Ann");
    assert.deepEqual(adopted.record.seats.map((s) => s.name), ["Ann", "Bo"]);
    // The host reloading again lands on c: it is sent to b.
    assert.deepEqual(await adoptRoom(c, "PZZA", hostToken), {
      ok: false,
      reason: "owned elsewhere",
      owner: "b",
    });
  } finally {
    for (const bus of [a, b, c]) await bus.close();
  }
});

Deno.test({
  name:
    "adoptRoom() over Redis: two instances race to adopt a dead owner's room and exactly one wins",
  ignore: ignoreWithout("redis-server"),
  async fn() {
    const redis = await startTestRedis();
    const make = (instanceId: string) =>
      new RedisRoomBus({ url: redis.url, instanceId, keepAliveMs: 0 });
    const [a, b, c] = [make("a"), make("b"), make("c")];
    try {
      for (const bus of [a, b, c]) await bus.start(() => {});
      await ownRoom(a);
      await a.close(); // stopped: liveness gone at once, record kept
      const [fromB, fromC] = await Promise.all([
        adoptRoom(b, "PZZA", hostToken),
        adoptRoom(c, "PZZA", hostToken),
      ]);
      const winners = [fromB, fromC].filter((r) => r.ok);
      assert.equal(winners.length, 1, JSON.stringify([fromB, fromC]));
      const winner = fromB.ok ? "b" : "c";
      const loser = fromB.ok ? fromC : fromB;
      assert.deepEqual(loser, {
        ok: false,
        reason: "owned elsewhere",
        owner: winner,
      });
      assert.equal(await b.ownerOf("PZZA"), winner);
    } finally {
      for (const bus of [a, b, c]) await bus.close();
      await redis.close();
    }
  },
});
