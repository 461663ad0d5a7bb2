import assert from "node:assert/strict";
import {
  MemoryBusHub,
  MemoryRoomBus,
} from "../../../src/server/bus/memory_room_bus.ts";
import {
  BusDownError,
  type BusHealth,
} from "../../../src/server/bus/room_bus.ts";
import { type BusWorld, roomBusContract } from "./_room_bus_contract.ts";

roomBusContract("MemoryRoomBus", () => {
  const hub = new MemoryBusHub();
  const world: BusWorld = {
    makeBus: (options) => new MemoryRoomBus({ hub, ...options }),
    injectRaw: (instanceId, text) => {
      hub.publish(`inst:${instanceId}`, text);
      return Promise.resolve();
    },
    flush: () => Promise.resolve(hub.flush()),
    close: () => Promise.resolve(),
  };
  return Promise.resolve(world);
});

Deno.test("MemoryRoomBus codes of an instance that stops refreshing expire after codeTtlMs", async () => {
  let now = 1_000;
  const hub = new MemoryBusHub(() => now);
  const options = { hub, now: () => now, codeTtlMs: 1_000, keepAliveMs: 0 };
  const a = new MemoryRoomBus({ ...options, instanceId: "a" });
  const b = new MemoryRoomBus({ ...options, instanceId: "b" });
  await a.start(() => {});
  await b.start(() => {});
  try {
    await a.claimCode("LIVE");
    await a.claimCode("DEAD");
    now += 900;
    await a.refresh();
    now += 900;
    assert.equal(await b.ownerOf("LIVE"), "a");
    assert.equal(await b.instanceAlive("a"), true);
    // "a" dies without a word: nothing refreshes its keys any more.
    now += 1_000;
    assert.equal(await b.ownerOf("LIVE"), undefined);
    assert.equal(await b.instanceAlive("a"), false);
    assert.deepEqual(await b.claimCode("DEAD"), { claimed: true });
  } finally {
    await a.close();
    await b.close();
  }
});

Deno.test("MemoryRoomBus reports an outage, refuses claims, and recovers", async () => {
  const hub = new MemoryBusHub();
  const bus = new MemoryRoomBus({ hub, instanceId: "a", keepAliveMs: 0 });
  const changes: BusHealth[] = [];
  bus.onHealthChange((health) => changes.push(health));
  await bus.start(() => {});
  try {
    assert.equal(bus.health().up, true);
    hub.setReachable(false);
    assert.equal(bus.health().up, false);
    await assert.rejects(bus.claimCode("ABCD"), (error: unknown) => {
      assert.ok(error instanceof BusDownError);
      assert.match(error.message, /no new game can start/);
      return true;
    });
    assert.equal(await bus.publish("a", { kind: "bye", from: "a" }), false);
    hub.setReachable(true);
    assert.equal(bus.health().up, true);
    assert.deepEqual(await bus.claimCode("ABCD"), { claimed: true });
    assert.deepEqual(changes.map((h) => h.up), [true, false, true]);
    assert.match(changes[1].lastError ?? "", /unreachable/);
  } finally {
    await bus.close();
  }
});

Deno.test("MemoryRoomBus started while its hub is unreachable comes up with it and marks itself alive", async () => {
  const hub = new MemoryBusHub();
  hub.setReachable(false);
  const bus = new MemoryRoomBus({ hub, instanceId: "late", keepAliveMs: 0 });
  const other = new MemoryRoomBus({ hub, instanceId: "o", keepAliveMs: 0 });
  try {
    await bus.start(() => {});
    assert.equal(bus.health().up, false);
    await assert.rejects(bus.claimCode("LATE"), BusDownError);
    hub.setReachable(true);
    assert.equal(bus.health().up, true);
    await other.start(() => {});
    assert.equal(await other.instanceAlive("late"), true);
    assert.ok(Number.isFinite(await bus.measureRoundTrip()));
  } finally {
    await bus.close();
    await other.close();
  }
});

Deno.test("MemoryRoomBus refuses a keepAliveMs not below codeTtlMs", () => {
  assert.throws(
    () => new MemoryRoomBus({ codeTtlMs: 1_000, keepAliveMs: 1_000 }),
    RangeError,
  );
});
