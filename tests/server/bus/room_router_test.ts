import assert from "node:assert/strict";
import { RoomRouter } from "../../../src/server/bus/room_router.ts";
import { RoomRegistry } from "../../../src/server/room_registry.ts";
import { FaultBoundary } from "../../../src/server/fault_boundary.ts";
import { DEFAULTS } from "../../../src/server/config.ts";
import type { ServerMessage } from "../../../src/protocol/mod.ts";
import { MemoryBusHub, MemoryRoomBus } from "../../_helpers/memory_room_bus.ts";

type Msg = { type: string; [key: string]: unknown };

/** A socket as the router sees it: what it was sent, how it was closed. */
class Sock {
  readonly sent: Msg[] = [];
  closes: { code?: number; reason?: string }[] = [];
  #waiters: (() => void)[] = [];
  constructor(readonly id: string) {}
  send(msg: ServerMessage): void {
    this.sent.push(JSON.parse(JSON.stringify(msg)));
    for (const wake of this.#waiters.splice(0)) wake();
  }
  close(code?: number, reason?: string): void {
    this.closes.push({ code, reason });
    for (const wake of this.#waiters.splice(0)) wake();
  }
  async next(type: string): Promise<Msg> {
    for (;;) {
      const index = this.sent.findIndex((m) => m.type === type);
      if (index >= 0) return this.sent.splice(index, 1)[0];
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }
  async closed(): Promise<{ code?: number; reason?: string }> {
    while (this.closes.length === 0) {
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
    return this.closes[0];
  }
}

/** One instance: a registry behind a router on the hub. */
function instance(hub: MemoryBusHub, id: string, livenessTtlMs = 15_000) {
  const faults: unknown[] = [];
  const boundary = new FaultBoundary({ report: (f) => faults.push(f.error) });
  const late: { router?: RoomRouter } = {};
  const registry = new RoomRegistry({
    limits: DEFAULTS,
    onChange: (change) => late.router?.onChange(change),
  });
  const bus = new MemoryRoomBus({ hub, instanceId: id });
  const router = late.router = new RoomRouter({
    registry,
    bus,
    boundary,
    tickMs: 0,
    livenessTtlMs,
  });
  let n = 0;
  const connect = () => {
    const sock = new Sock(`${id}-c${++n}`);
    router.open(sock, "10.0.0.1");
    return sock;
  };
  const say = (sock: Sock, msg: unknown) =>
    router.receive(sock.id, JSON.stringify(msg));
  return { registry, bus, router, connect, say, faults };
}

Deno.test("RoomRouter forwards a join on B to the owner A; what the join causes for the phone comes back in one envelope", async () => {
  const hub = new MemoryBusHub();
  const a = instance(hub, "a");
  const b = instance(hub, "b");
  await a.router.start();
  await b.router.start();
  try {
    const host = a.connect();
    a.say(host, { action: "createRoom" });
    const room = String((await host.next("confirmRoom")).room);
    assert.equal((await a.bus.loadRecord(room))?.seats.size, 0);
    const phone = b.connect();
    const before = a.bus.counters().messagesOut;
    b.say(phone, {
      action: "joinRoom",
      room,
      username: "Ann",
      offer: { type: "offer", sdp: "v=0" },
    });
    const joined = await phone.next("joined");
    assert.equal(joined.username, "Ann");
    assert.equal(a.bus.counters().messagesOut - before, 1, "one envelope");
    assert.equal((await host.next("offer")).clientUsername, "Ann");
    const record = await b.bus.loadRecord(room);
    assert.equal(record?.seats.get("Ann")?.tokenHashes.length, 1);
    assert.ok(
      !JSON.stringify([...record!.seats]).includes(
        String(joined.reconnectToken),
      ),
    );
    a.say(host, { action: "relay", clientUsername: "Ann", data: { x: 1 } });
    assert.deepEqual((await phone.next("relay")).data, { x: 1 });
    assert.deepEqual(a.faults, []);
    assert.deepEqual(b.faults, []);
  } finally {
    await a.router.close();
    await b.router.close();
  }
});

Deno.test("RoomRouter refuses createRoom with 'unavailable' while the bus is down, and lets at most 16 frames wait for a lookup", async () => {
  const hub = new MemoryBusHub();
  const a = instance(hub, "a");
  await a.router.start();
  try {
    hub.setReachable(false);
    const host = a.connect();
    a.say(host, { action: "createRoom" });
    assert.equal((await host.next("error")).val, "unavailable");
    hub.setReachable(true);
    const prober = a.connect();
    for (let i = 0; i < 40; i++) {
      a.say(prober, { action: "joinRoom", room: "QQQQ", username: "Eve" });
    }
    // 1 in flight, 16 waiting, the rest refused at once.
    const refused = prober.sent.filter((m) => m.val === "rate limited");
    assert.equal(refused.length, 23);
    await prober.next("error");
  } finally {
    await a.router.close();
  }
});

Deno.test("RoomRouter closes a room whose code another instance took, with a clear reason and no release of that code", async () => {
  const hub = new MemoryBusHub();
  const a = instance(hub, "a");
  await a.router.start();
  try {
    const host = a.connect();
    a.say(host, { action: "createRoom" });
    const room = String((await host.next("confirmRoom")).room);
    const phone = a.connect();
    a.say(phone, { action: "joinRoom", room, username: "Ann" });
    await phone.next("joined");
    hub.set(`code:${room}`, "z", 60_000);
    await a.router.tick();
    assert.equal(a.registry.hasRoom(room), false);
    const closed = await phone.closed();
    assert.equal(closed.code, 1012);
    assert.match(String(closed.reason), /moved to another server/);
    assert.equal((await host.closed()).code, 1012);
    assert.equal(hub.get(`code:${room}`), "z", "the other owner's code stays");
  } finally {
    await a.router.close();
  }
});

Deno.test("RoomRouter holds a frame while its liveness may have lapsed: a refresh first finds the code lost, so the stale room never relays it", async () => {
  const hub = new MemoryBusHub();
  // Liveness of 0 ms: every frame finds it lapsed, as after a long pause.
  const a = instance(hub, "a", 0);
  await a.router.start();
  try {
    const host = a.connect();
    a.say(host, { action: "createRoom" });
    const room = String((await host.next("confirmRoom")).room);
    const phone = a.connect();
    a.say(phone, { action: "joinRoom", room, username: "Ann" });
    await phone.next("joined");
    hub.set(`code:${room}`, "z", 60_000);
    a.say(phone, { action: "relay", data: { stale: true } });
    assert.equal((await phone.closed()).code, 1012);
    assert.equal(host.sent.some((m) => m.type === "relay"), false);
    assert.equal(a.registry.hasRoom(room), false);
  } finally {
    await a.router.close();
  }
});
