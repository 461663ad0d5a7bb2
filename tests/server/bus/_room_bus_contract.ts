/**
 * What every room bus must do, run against each implementation.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Envelope } from "../../../src/server/bus/envelope.ts";
import {
  BusDownError,
  type BusHealth,
  type RoomBus,
  type RoomBusOptions,
} from "../../../src/server/bus/room_bus.ts";
import { tokenDigest } from "../../../src/server/room_codes.ts";

/** One store shared by the buses a test makes. */
export interface BusWorld {
  /** A new bus on this store (not started). */
  makeBus(options: RoomBusOptions): RoomBus;
  /** Publishes raw text to an instance's channel, bypassing every check. */
  injectRaw(instanceId: string, text: string): Promise<void>;
  /** Forgets every key (a store restarted without persistence). */
  flush(): Promise<void>;
  /** Writes a code's owner directly (a split: another instance took it). */
  setOwner(code: string, owner: string): Promise<void>;
  /** Deletes an instance's liveness key (it paused past its lifetime). */
  dropAlive(instanceId: string): Promise<void>;
  /** Closes the store. */
  close(): Promise<void>;
}

/** Collects envelopes and resolves waits on them. */
export class Inbox {
  readonly envelopes: Envelope[] = [];
  readonly health: BusHealth[] = [];
  #waiters: { test: () => boolean; resolve: () => void }[] = [];

  /** The handler to pass to `start()`. */
  readonly handler = (envelope: Envelope): void => {
    this.envelopes.push(envelope);
    this.#check();
  };

  /** The health listener to pass to `start()`. */
  readonly onHealth = (health: BusHealth): void => {
    this.health.push(health);
    this.#check();
  };

  /** Resolves once `test` holds. */
  until(test: () => boolean): Promise<void> {
    if (test()) return Promise.resolve();
    const { promise, resolve } = Promise.withResolvers<void>();
    this.#waiters.push({ test, resolve });
    return promise;
  }

  #check(): void {
    this.#waiters = this.#waiters.filter((w) => {
      if (!w.test()) return true;
      w.resolve();
      return false;
    });
  }
}

const HOST = tokenDigest("host-token-0001");
const OTHER = tokenDigest("host-token-0002");

/** Starts `count` buses named i0, i1, … with fresh inboxes. */
async function startBuses(
  world: BusWorld,
  count: number,
): Promise<{ buses: RoomBus[]; inboxes: Inbox[] }> {
  const buses: RoomBus[] = [];
  const inboxes: Inbox[] = [];
  for (let i = 0; i < count; i++) {
    const bus = world.makeBus({ instanceId: `i${i}` });
    const inbox = new Inbox();
    await bus.start(inbox.handler, inbox.onHealth);
    await inbox.until(() => bus.health().up);
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
    count: number,
    body: (
      buses: RoomBus[],
      inboxes: Inbox[],
      world: BusWorld,
    ) => Promise<void>,
  ) =>
    Deno.test({
      name: `${name}.${title}`,
      ignore,
      async fn() {
        const world = await makeWorld();
        const { buses, inboxes } = await startBuses(world, count);
        try {
          await body(buses, inboxes, world);
        } finally {
          for (const bus of buses) await bus.close();
          await world.close();
        }
      },
    });

  test(
    "claim() gives a code to one instance and writes its record; lookup() names the owner; release() frees both",
    2,
    async ([a, b]) => {
      assert.deepEqual(await a.claim("PZZA", HOST, false), { claimed: true });
      assert.deepEqual(await b.claim("PZZA", OTHER, false), {
        claimed: false,
        owner: "i0",
      });
      assert.deepEqual(await b.lookup("PZZA"), { owner: "i0", record: true });
      assert.deepEqual(await b.lookup("NONE"), { record: false });
      const record = await b.loadRecord("PZZA");
      assert.equal(record?.hostHash, HOST);
      assert.equal(record?.started, false);
      await b.release("PZZA"); // not b's: no effect
      assert.equal((await a.lookup("PZZA")).owner, "i0");
      await a.release("PZZA");
      assert.deepEqual(await b.lookup("PZZA"), { record: false });
      assert.deepEqual(await b.claim("PZZA", OTHER, false), { claimed: true });
    },
  );

  test(
    "close() ends liveness at once: the code is then adoptable with the host's digest only, and a new room never takes it",
    3,
    async ([a, b, c]) => {
      await a.claim("ROOM", HOST, false);
      assert.deepEqual(await b.claim("ROOM", HOST, true), {
        claimed: false,
        owner: "i0",
      });
      await a.close();
      assert.deepEqual(await b.alive(["i0", "i1"]), new Set(["i1"]));
      // The record waits for the host: no owner, no new room on that code.
      assert.deepEqual(await b.lookup("ROOM"), { record: true });
      assert.deepEqual(await c.claim("ROOM", OTHER, false), {
        claimed: false,
        reason: "taken",
      });
      assert.deepEqual(await c.claim("ROOM", OTHER, true), {
        claimed: false,
        reason: "bad token",
      });
      assert.deepEqual(await b.claim("ROOM", HOST, true), { claimed: true });
      assert.deepEqual(await c.claim("ROOM", HOST, true), {
        claimed: false,
        owner: "i1",
      });
      assert.deepEqual(await c.claim("GONE", HOST, true), {
        claimed: false,
        reason: "taken",
      });
    },
  );

  test(
    "saveSeat() and saveRoom() keep every digest of every seat; loadRecord() reads them back",
    2,
    async ([a, b]) => {
      await a.claim("SEAT", HOST, false);
      const ann = {
        joinedAt: 5,
        keepsToken: true,
        tokenHashes: [tokenDigest("a1"), tokenDigest("a2"), tokenDigest("a3")],
      };
      await a.saveSeat("SEAT", "Ann", ann);
      await a.saveSeat("SEAT", "Bob", {
        joinedAt: 6,
        keepsToken: false,
        tokenHashes: [tokenDigest("b1")],
      });
      await a.saveSeat("SEAT", "Bob");
      await a.saveRoom("SEAT", OTHER, true);
      const record = await b.loadRecord("SEAT");
      assert.equal(record?.hostHash, OTHER);
      assert.equal(record?.started, true);
      assert.deepEqual([...record!.seats], [["Ann", ann]]);
    },
  );

  test(
    "publish() delivers a checked envelope to the named instance only, in order",
    3,
    async ([a], [inA, inB, inC]) => {
      for (let i = 0; i < 20; i++) {
        a.publish("i1", {
          kind: "in",
          from: "i0",
          conn: "c1",
          frames: [`f${i}`],
        });
      }
      await inB.until(() => inB.envelopes.length === 20);
      assert.deepEqual(
        inB.envelopes.map((e) => e.kind === "in" && e.frames[0]),
        Array.from({ length: 20 }, (_, i) => `f${i}`),
      );
      a.publish("i0", { kind: "ping", from: "i0", id: 1 });
      await inA.until(() => inA.envelopes.length === 1);
      assert.equal(inC.envelopes.length, 0);
      assert.equal(a.counters().messagesOut, 21);
    },
  );

  test(
    "envelopes that fail their checks are counted and never handed over",
    2,
    async ([_, b], [__, inB], world) => {
      for (
        const text of [
          "not json",
          '{"kind":"open","from":"i0","conn":"c"}',
          '{"kind":"in","from":"bad id!","conn":"c","frames":["x"]}',
          '{"kind":"out","from":"i0","conn":"c","msgs":[1]}',
        ]
      ) await world.injectRaw("i1", text);
      await world.injectRaw(
        "i1",
        JSON.stringify({ kind: "gone", from: "i0", conn: "c9" }),
      );
      await inB.until(() => inB.envelopes.length === 1);
      assert.deepEqual(inB.envelopes, [{
        kind: "gone",
        from: "i0",
        conn: "c9",
      }]);
      assert.equal(b.counters().messagesRefused, 4);
    },
  );

  test(
    "refresh() reports codes lost to another instance and codes a restarted store forgot",
    1,
    async ([a], _, world) => {
      await a.claim("LOST", HOST, false);
      await a.claim("KEEP", HOST, false);
      await a.claim("FORG", HOST, false);
      await world.setOwner("LOST", "i9");
      assert.deepEqual(await a.refresh(["LOST", "KEEP", "FORG"]), {
        lost: ["LOST"],
        missing: [],
      });
      await world.flush();
      assert.deepEqual(await a.refresh(["KEEP", "FORG"]), {
        lost: [],
        missing: ["KEEP", "FORG"],
      });
      assert.deepEqual(await a.alive(["i0"]), new Set(["i0"]), "alive again");
    },
  );

  test(
    "operations after close() fail with BusDownError and publish() drops",
    1,
    async ([a]) => {
      await a.close();
      await assert.rejects(a.claim("SHUT", HOST, false), BusDownError);
      await assert.rejects(a.lookup("SHUT"), BusDownError);
      a.publish("i0", { kind: "ping", from: "i0", id: 1 });
      assert.equal(a.counters().messagesOut, 0);
    },
  );
}
