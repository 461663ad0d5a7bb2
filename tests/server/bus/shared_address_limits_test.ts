/**
 * Per-address limits counted across instances, on an in-memory hub.
 */
import assert from "node:assert/strict";
import { DEFAULTS } from "../../../src/server/config.ts";
import {
  MemoryBusHub,
  MemoryRoomBus,
} from "../../../src/server/bus/memory_room_bus.ts";
import { SharedAddressLimits } from "../../../src/server/bus/shared_address_limits.ts";
import type { AddressLimitSettings } from "../../../src/server/address_limits.ts";

function twoInstances(settings: AddressLimitSettings = DEFAULTS) {
  const hub = new MemoryBusHub();
  const a = new MemoryRoomBus({ hub, instanceId: "a", keepAliveMs: 0 });
  const b = new MemoryRoomBus({ hub, instanceId: "b", keepAliveMs: 0 });
  return {
    hub,
    onA: new SharedAddressLimits(settings, a.counters),
    onB: new SharedAddressLimits(settings, b.counters),
  };
}

Deno.test("SharedAddressLimits.openConnection() counts one address's connections on every instance", async () => {
  const { onA, onB } = twoInstances({
    ...DEFAULTS,
    maxConnectionsPerAddress: 3,
  });
  assert.equal(onA.openConnection("10.0.0.7"), true);
  assert.equal(onA.openConnection("10.0.0.7"), true);
  await onA.settled();
  assert.equal(onB.openConnection("10.0.0.7"), true); // the third in all
  await onB.settled();
  // B alone has one; the address has three: refused.
  assert.equal(onB.openConnection("10.0.0.7"), false);
  assert.equal(onB.openConnection("10.0.0.8"), true);
  onA.closeConnection("10.0.0.7");
  await onA.settled();
  onB.closeConnection("10.0.0.7");
  await onB.settled();
  assert.equal(onB.openConnection("10.0.0.7"), true);
  await onB.settled();
});

Deno.test("SharedAddressLimits blocks an address whose failed joins over all instances passed the budget", async () => {
  const { onA, onB } = twoInstances({
    ...DEFAULTS,
    failedJoinBudget: 4,
    joinSlowMs: 0,
  });
  for (let i = 0; i < 3; i++) onA.failedJoin("10.0.0.9", i);
  await onA.settled();
  assert.equal(onB.allowJoin("10.0.0.9", 10).ok, true);
  onB.failedJoin("10.0.0.9", 11);
  onB.failedJoin("10.0.0.9", 12); // the fifth in all, the second on B
  await onB.settled();
  const verdict = onB.allowJoin("10.0.0.9", 13);
  assert.equal(verdict.ok, false);
  assert.equal(!verdict.ok && verdict.reason, "blocked");
  assert.equal(onB.allowJoin("10.0.0.10", 13).ok, true);
  await onB.settled();
});

Deno.test("SharedAddressLimits keeps the local limits while the bus is down", async () => {
  const { hub, onA } = twoInstances({
    ...DEFAULTS,
    maxConnectionsPerAddress: 2,
  });
  hub.setReachable(false);
  assert.equal(onA.openConnection("10.0.0.7"), true);
  assert.equal(onA.openConnection("10.0.0.7"), true);
  await onA.settled();
  assert.equal(onA.openConnection("10.0.0.7"), false);
  hub.setReachable(true);
});
