/**
 * What every room bus must do, run against each implementation.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { BusEnvelope } from "../../../src/server/bus/envelope.ts";
import {
  BusDownError,
  type RoomBus,
  type RoomBusOptions,
} from "../../../src/server/bus/room_bus.ts";
import { buildRoomRecord } from "../../../src/server/bus/room_record.ts";

/** One store shared by the buses a test makes. */
export interface BusWorld {
  /** A new bus on this store (not started). */
  makeBus(options: RoomBusOptions): RoomBus;
  /** Publishes raw text to an instance's channel, bypassing every check. */
  injectRaw(instanceId: string, text: string): Promise<void>;
  /** Forgets every key (a store restarted without persistence). */
  flush(): Promise<void>;
  /** Closes the store. */
  close(): Promise<void>;
}

/** Collects envelopes and resolves waits on them. */
export class Inbox {
  readonly envelopes: BusEnvelope[] = [];
  #waiters: { test: (e: BusEnvelope) => boolean; resolve: () => void }[] = [];

  /** The handler to pass to `start()`. */
  readonly handler = (envelope: BusEnvelope): void => {
    this.envelopes.push(envelope);
    this.#waiters = this.#waiters.filter((w) => {
      if (!w.test(envelope)) return true;
      w.resolve();
      return false;
    });
  };

  /** Resolves once an envelope passing `test` has arrived. */
  waitFor(test: (e: BusEnvelope) => boolean): Promise<void> {
    if (this.envelopes.some(test)) return Promise.resolve();
    const { promise, resolve } = Promise.withResolvers<void>();
    this.#waiters.push({ test, resolve });
    return promise;
  }
}

/** Starts `count` buses named i0, i1, … with fresh inboxes. */
async function startBuses(
  world: BusWorld,
  count: number,
  options: RoomBusOptions = {},
): Promise<{ buses: RoomBus[]; inboxes: Inbox[] }> {
  const buses: RoomBus[] = [];
  const inboxes: Inbox[] = [];
  for (let i = 0; i < count; i++) {
    const bus = world.makeBus({
      instanceId: `i${i}`,
      keepAliveMs: 0,
      ...options,
    });
    const inbox = new Inbox();
    await bus.start(inbox.handler);
    buses.push(bus);
    inboxes.push(inbox);
  }
  return { buses, inboxes };
}

/**
 * Registers the contract tests for one implementation.
 * @param name Shown in test names, e.g. "MemoryRoomBus".
 * @param makeWorld Makes a fresh store per test.
 * @param ignore Skip everything (e.g. no redis-server here).
 */
export function roomBusContract(
  name: string,
  makeWorld: () => Promise<BusWorld>,
  ignore = false,
): void {
  const test = (
    title: string,
    body: (world: BusWorld) => Promise<void>,
  ) =>
    Deno.test({
      name: `${name}.${title}`,
      ignore,
      async fn() {
        const world = await makeWorld();
        try {
          await body(world);
        } finally {
          await world.close();
        }
      },
    });

  test("claimCode() gives a code to one instance; ownerOf() names it; releaseCode() frees it", async (world) => {
    const { buses: [a, b] } = await startBuses(world, 2);
    try {
      assert.deepEqual(await a.claimCode("PZZA"), { claimed: true });
      assert.deepEqual(await b.claimCode("PZZA"), {
        claimed: false,
        owner: "i0",
      });
      assert.deepEqual(await a.claimCode("PZZA"), {
        claimed: false,
        owner: "i0",
      });
      assert.equal(await b.ownerOf("PZZA"), "i0");
      assert.equal(await b.ownerOf("NONE"), undefined);
      assert.deepEqual([...a.ownedCodes()], ["PZZA"]);
      assert.equal(a.owns("PZZA"), true);
      assert.equal(b.owns("PZZA"), false);
      assert.equal(a.figures().roomsOwned, 1);
      await b.releaseCode("PZZA"); // not b's: no effect
      assert.equal(await a.ownerOf("PZZA"), "i0");
      await a.releaseCode("PZZA");
      assert.equal(await b.ownerOf("PZZA"), undefined);
      assert.equal(a.figures().roomsOwned, 0);
      assert.deepEqual(await b.claimCode("PZZA"), { claimed: true });
    } finally {
      await a.close();
      await b.close();
    }
  });

  test("close() ends liveness at once, and takeOverCode() then hands the room to another instance", async (world) => {
    const { buses: [a, b, c] } = await startBuses(world, 3);
    try {
      await a.claimCode("ROOM");
      const record = await buildRoomRecord({
        code: "ROOM",
        owner: "i0",
        hostToken: "host-token-123456",
        started: true,
        seats: [{ name: "Ann", token: "ann-token-123456", joinedAt: 1 }],
      }, 10);
      await a.records.save(record, 60_000);
      assert.equal(await b.instanceAlive("i0"), true);
      assert.deepEqual(await b.takeOverCode("ROOM", "i0"), {
        claimed: false,
        owner: "i0",
      });
      await a.close();
      assert.equal(await b.instanceAlive("i0"), false);
      // The code still names the dead owner until it expires, and the
      // record waits for the host: a new room cannot take the code.
      assert.equal(await b.ownerOf("ROOM"), "i0");
      assert.deepEqual(await c.claimCode("ROOM"), {
        claimed: false,
        owner: "i0",
      });
      assert.deepEqual(await b.records.load("ROOM"), record);
      assert.deepEqual(await b.takeOverCode("ROOM", "i0"), { claimed: true });
      assert.deepEqual(await c.takeOverCode("ROOM", "i0"), {
        claimed: false,
        owner: "i1",
      });
      assert.equal(await c.ownerOf("ROOM"), "i1");
      assert.deepEqual([...b.ownedCodes()], ["ROOM"]);
    } finally {
      await a.close();
      await b.close();
      await c.close();
    }
  });

  test("claimCode() refuses a code whose record waits for its host, with no owner named", async (world) => {
    const { buses: [a, b] } = await startBuses(world, 2);
    try {
      await a.claimCode("WAIT");
      // The code's key is gone (expired, or the store restarted) while the
      // room's record, kept for the host's grace period, still lives.
      await world.flush();
      await a.records.save(
        await buildRoomRecord({
          code: "WAIT",
          owner: "i0",
          hostToken: "host-token-123456",
          started: false,
          seats: [],
        }, 2),
        60_000,
      );
      assert.equal(await b.ownerOf("WAIT"), undefined);
      assert.deepEqual(await b.claimCode("WAIT"), {
        claimed: false,
        owner: undefined,
      });
      await a.records.remove("WAIT");
      assert.deepEqual(await b.claimCode("WAIT"), { claimed: true });
    } finally {
      await a.close();
      await b.close();
    }
  });

  test("publish() delivers a checked envelope to the named instance only", async (world) => {
    const { buses: [a, b, c], inboxes: [, inB, inC] } = await startBuses(
      world,
      3,
    );
    try {
      assert.equal(
        await a.publish("i1", {
          kind: "frame",
          from: "i0",
          conn: "c1",
          raw: '{"action":"joinRoom","room":"abcd","username":"Ann"}',
        }),
        true,
      );
      await a.publish("i1", {
        kind: "send",
        from: "i0",
        conn: "c1",
        raw: '{"type":"gameStarted"}',
      });
      await inB.waitFor((e) => e.kind === "send");
      const [frame, send] = inB.envelopes;
      // The frame's text as it came (the owner's registry parses it); the
      // server message as an object.
      assert.deepEqual(frame, {
        kind: "frame",
        from: "i0",
        conn: "c1",
        raw: '{"action":"joinRoom","room":"abcd","username":"Ann"}',
      });
      assert.deepEqual(send.kind === "send" && send.msg, {
        type: "gameStarted",
      });
      assert.equal(inC.envelopes.length, 0);
      assert.equal(a.figures().messagesOut, 2);
      assert.equal(b.figures().messagesIn, 2);
      assert.equal(a.figures().publishesOut, 2);
    } finally {
      await a.close();
      await b.close();
      await c.close();
    }
  });

  test("publish() sends what one turn published in one text per instance, in publish order", async (world) => {
    const { buses: [a, b, c], inboxes: [, inB, inC] } = await startBuses(
      world,
      3,
    );
    try {
      const sent = [];
      for (let i = 0; i < 5; i++) {
        sent.push(a.publish("i1", { kind: "gone", from: "i0", conn: `b${i}` }));
        sent.push(a.publish("i2", { kind: "gone", from: "i0", conn: `c${i}` }));
      }
      assert.deepEqual(await Promise.all(sent), Array(10).fill(true));
      await inB.waitFor((e) => e.kind === "gone" && e.conn === "b4");
      await inC.waitFor((e) => e.kind === "gone" && e.conn === "c4");
      const conns = (inbox: Inbox) =>
        inbox.envelopes.map((e) => e.kind === "gone" && e.conn);
      assert.deepEqual(conns(inB), ["b0", "b1", "b2", "b3", "b4"]);
      assert.deepEqual(conns(inC), ["c0", "c1", "c2", "c3", "c4"]);
      // Envelopes and texts are counted apart.
      assert.equal(a.figures().messagesOut, 10);
      assert.equal(a.figures().publishesOut, 2);
      assert.equal(b.figures().messagesIn, 5);
      assert.equal(b.figures().publishesIn, 1);
      // The next turn makes a new batch, after the first.
      assert.equal(
        await a.publish("i1", { kind: "gone", from: "i0", conn: "b5" }),
        true,
      );
      await inB.waitFor((e) => e.kind === "gone" && e.conn === "b5");
      assert.deepEqual(conns(inB).at(-1), "b5");
      assert.equal(a.figures().publishesOut, 3);
    } finally {
      await a.close();
      await b.close();
      await c.close();
    }
  });

  test("publish() splits a batch over the size limit into several texts, order kept", async (world) => {
    const { buses: [a, b], inboxes: [, inB] } = await startBuses(world, 2);
    try {
      const raws = Array.from(
        { length: 7 },
        (_, i) =>
          JSON.stringify({ action: "relay", n: i, data: "z".repeat(30_000) }),
      );
      const sent = raws.map((raw) =>
        a.publish("i1", { kind: "frame", from: "i0", conn: "c1", raw })
      );
      assert.deepEqual(await Promise.all(sent), Array(7).fill(true));
      await inB.waitFor((e) => e.kind === "frame" && e.raw === raws[6]);
      assert.deepEqual(
        inB.envelopes.map((e) => e.kind === "frame" && e.raw),
        raws,
      );
      assert.ok(a.figures().publishesOut >= 3);
      assert.equal(b.figures().publishesIn, a.figures().publishesOut);
      assert.equal(b.figures().messagesRefused, 0);
    } finally {
      await a.close();
      await b.close();
    }
  });

  test("envelopes that fail their checks are counted and never handed over", async (world) => {
    const { buses: [a], inboxes: [inA] } = await startBuses(world, 1);
    try {
      await world.injectRaw("i0", "{not json");
      await world.injectRaw("i0", '{"kind":"frame","from":"x","conn":"c"}');
      await world.injectRaw(
        "i0",
        '{"kind":"send","from":"x","conn":"c","msg":"gameStarted"}',
      );
      await world.injectRaw(
        "i0",
        '[{"kind":"bye","from":"x y"},{"kind":"gone","from":"x","conn":"c"}]',
      );
      await inA.waitFor((e) => e.kind === "gone");
      assert.deepEqual(inA.envelopes, [{ kind: "gone", from: "x", conn: "c" }]);
      assert.equal(a.figures().messagesRefused, 4);
      assert.equal(a.figures().messagesIn, 1);
      assert.equal(a.figures().publishesIn, 4);
    } finally {
      await a.close();
    }
  });

  test("measureRoundTrip() measures a trip through the bus", async (world) => {
    const { buses: [a] } = await startBuses(world, 1);
    try {
      assert.ok(Number.isNaN(a.figures().roundTripMs));
      const ms = await a.measureRoundTrip();
      assert.ok(ms >= 0 && Number.isFinite(ms));
      assert.equal(a.figures().roundTripMs, ms);
    } finally {
      await a.close();
    }
  });

  test("counters are shared by every instance", async (world) => {
    const { buses: [a, b] } = await startBuses(world, 2);
    try {
      assert.equal(await a.counters.increment("rooms:10.0.0.1", 60_000), 1);
      assert.equal(await b.counters.increment("rooms:10.0.0.1", 60_000), 2);
      assert.equal(await a.counters.get("rooms:10.0.0.1"), 2);
      assert.equal(await a.counters.decrement("rooms:10.0.0.1"), 1);
      assert.equal(await b.counters.decrement("rooms:10.0.0.1"), 0);
      assert.equal(await b.counters.decrement("rooms:10.0.0.1"), 0);
      assert.equal(await a.counters.get("rooms:10.0.0.1"), 0);
    } finally {
      await a.close();
      await b.close();
    }
  });

  test("counter changes made in one turn merge into one change per run, in order, never below 0", async (world) => {
    const { buses: [a, b] } = await startBuses(world, 2);
    try {
      // Five opens at once: one store call, every caller sees the total.
      const opened = await Promise.all(
        [1, 2, 3, 4, 5].map(() => a.counters.increment("conn:x", 60_000)),
      );
      assert.deepEqual(opened, [5, 5, 5, 5, 5]);
      assert.equal(await b.counters.get("conn:x"), 5);
      // Closes then opens in one turn: two runs, in that order.
      const mixed = await Promise.all([
        a.counters.decrement("conn:x"),
        a.counters.decrement("conn:x"),
        a.counters.increment("conn:x", 60_000),
        a.counters.decrement("conn:y"),
      ]);
      assert.deepEqual(mixed, [3, 3, 4, 0]);
      // Below 0 is clamped per run, as one by one: 4 - 6 = 0, then + 1.
      const clamped = await Promise.all([
        ...Array.from({ length: 6 }, () => a.counters.decrement("conn:x")),
        a.counters.increment("conn:x", 60_000),
      ]);
      assert.deepEqual(clamped, [0, 0, 0, 0, 0, 0, 1]);
      assert.equal(await b.counters.get("conn:x"), 1);
      assert.equal(await b.counters.get("conn:y"), 0);
    } finally {
      await a.close();
      await b.close();
    }
  });

  test("refresh() claims owned codes and their records again after the store lost its data", async (world) => {
    const { buses: [a, b] } = await startBuses(world, 2);
    try {
      await a.claimCode("KEEP");
      await a.claimCode("LOST");
      const record = await buildRoomRecord({
        code: "KEEP",
        owner: "i0",
        hostToken: "host-token-123456",
        started: false,
        seats: [],
      }, 1);
      await a.records.save(record, 60_000);
      await world.flush();
      assert.equal(await b.ownerOf("KEEP"), undefined);
      // Meanwhile another instance took one of the codes.
      assert.deepEqual(await b.claimCode("LOST"), { claimed: true });
      assert.deepEqual(await a.refresh(), ["LOST"]);
      assert.equal(await b.ownerOf("KEEP"), "i0");
      assert.equal(await b.instanceAlive("i0"), true);
      assert.deepEqual(await b.records.load("KEEP"), record);
      assert.deepEqual([...a.ownedCodes()], ["KEEP"]);
    } finally {
      await a.close();
      await b.close();
    }
  });

  test("close() still sends what was published before it; after it, publish() returns false", async (world) => {
    const { buses: [a, b], inboxes: [, inB] } = await startBuses(world, 2);
    const last = a.publish("i1", { kind: "bye", from: "i0" });
    await a.close();
    assert.equal(await last, true);
    await inB.waitFor((e) => e.kind === "bye");
    await b.close();
    assert.equal(
      await a.publish("i1", { kind: "bye", from: "i0" }),
      false,
    );
  });

  test("operations after close() fail with BusDownError and publish() returns false", async (world) => {
    const { buses: [a] } = await startBuses(world, 1);
    await a.close();
    await a.close();
    await assert.rejects(a.claimCode("ABCD"), BusDownError);
    assert.equal(
      await a.publish("i0", { kind: "bye", from: "i0" }),
      false,
    );
  });
}
