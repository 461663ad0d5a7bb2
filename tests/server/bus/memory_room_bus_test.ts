import assert from "node:assert/strict";
import { MemoryBusHub, MemoryRoomBus } from "../../_helpers/memory_room_bus.ts";
import { BusDownError } from "../../../src/server/bus/room_bus.ts";
import { tokenDigest } from "../../../src/server/room_codes.ts";
import { type BusWorld, Inbox, roomBusContract } from "./_room_bus_contract.ts";

roomBusContract("MemoryRoomBus", () => {
  const hub = new MemoryBusHub();
  const world: BusWorld = {
    makeBus: (options) => new MemoryRoomBus({ hub, ...options }),
    injectRaw: (instanceId, text) => {
      hub.publish(instanceId, text);
      return Promise.resolve();
    },
    flush: () => Promise.resolve(hub.flush()),
    setOwner: (code, owner) =>
      Promise.resolve(hub.set(`code:${code}`, owner, 60_000)),
    dropAlive: (id) => Promise.resolve(hub.delete(`alive:${id}`)),
    close: () => Promise.resolve(),
  };
  return Promise.resolve(world);
});

Deno.test("MemoryRoomBus liveness lapses after livenessTtlMs without a refresh: the room is then adoptable", async () => {
  let now = 1_000;
  const hub = new MemoryBusHub(() => now);
  const a = new MemoryRoomBus({ hub, instanceId: "a", livenessTtlMs: 3_000 });
  const b = new MemoryRoomBus({ hub, instanceId: "b", livenessTtlMs: 3_000 });
  await a.start(() => {}, () => {});
  await b.start(() => {}, () => {});
  try {
    const host = tokenDigest("host-token-0001");
    await a.claim("PZZA", host, false);
    now += 2_000;
    await a.refresh(["PZZA"]);
    now += 2_000;
    assert.equal((await b.lookup("PZZA")).owner, "a", "refreshed");
    now += 1_500;
    assert.deepEqual(await b.lookup("PZZA"), { record: true });
    assert.deepEqual(await b.claim("PZZA", host, true), { claimed: true });
  } finally {
    await a.close();
    await b.close();
  }
});

Deno.test("MemoryRoomBus reports an outage, refuses claims, and recovers", async () => {
  const hub = new MemoryBusHub();
  const bus = new MemoryRoomBus({ hub, instanceId: "a" });
  const inbox = new Inbox();
  await bus.start(inbox.handler, inbox.onHealth);
  try {
    hub.setReachable(false);
    assert.equal(bus.health().up, false);
    await assert.rejects(
      bus.claim("DOWN", tokenDigest("t"), false),
      BusDownError,
    );
    hub.setReachable(true);
    assert.equal(bus.health().up, true);
    assert.deepEqual(inbox.health.map((h) => h.up), [true, false, true]);
  } finally {
    await bus.close();
  }
});
