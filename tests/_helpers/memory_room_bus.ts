/**
 * A second room bus, in one process, for tests: several buses on one
 * {@link MemoryBusHub} act as instances sharing one store, with the same
 * rules as Redis (the claim, liveness, lifetimes, channels). The server's
 * in-memory path uses no bus at all; this one lets router tests run
 * several instances in one process, and checks that the contract suite
 * describes rules, not Redis.
 *
 * @module
 */
import {
  decodeEnvelope,
  type Envelope,
} from "../../src/server/bus/envelope.ts";
import {
  type BusCounters,
  BusDownError,
  type BusHealth,
  type ClaimResult,
  randomInstanceId,
  recordFromFields,
  type RoomBus,
  type RoomBusOptions,
  type RoomRecord,
  type SeatRecord,
} from "../../src/server/bus/room_bus.ts";

/**
 * The store of in-process buses: keys with expiry, record hashes and
 * channels. `setReachable(false)` plays an outage; `flush()` a restart.
 */
export class MemoryBusHub {
  readonly #now: () => number;
  readonly #keys = new Map<string, { value: string; until: number }>();
  readonly #records = new Map<string, Map<string, string>>();
  readonly #channels = new Map<string, (text: string) => void>();
  readonly #buses = new Set<MemoryRoomBus>();
  #reachable = true;

  /** @param now Current time in ms. @default Date.now */
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Plays an outage (false) or a recovery (true); data is kept. */
  setReachable(reachable: boolean): void {
    this.#reachable = reachable;
    for (const bus of this.#buses) bus.reachable(reachable);
  }

  /** Forgets every key and record (a store restarted empty). */
  flush(): void {
    this.#keys.clear();
    this.#records.clear();
  }

  /** @internal */
  attach(bus: MemoryRoomBus, deliver: (text: string) => void): () => void {
    this.#buses.add(bus);
    this.#channels.set(bus.instanceId, deliver);
    return () => {
      this.#buses.delete(bus);
      this.#channels.delete(bus.instanceId);
    };
  }

  /** @internal Throws when unreachable. */
  check(): void {
    if (!this.#reachable) throw new Error("in-memory bus hub is unreachable");
  }

  /** @internal */
  get(key: string): string | undefined {
    const entry = this.#keys.get(key);
    if (entry && entry.until <= this.#now()) {
      this.#keys.delete(key);
      if (key.startsWith("code:")) {
        this.#records.delete(`${key.slice(5)}:${entry.value}`);
      }
      return undefined;
    }
    return entry?.value;
  }

  /** @internal */
  set(key: string, value: string, ttlMs: number): void {
    this.#keys.set(key, { value, until: this.#now() + ttlMs });
  }

  /** @internal */
  delete(key: string): void {
    this.#keys.delete(key);
  }

  /** @internal An owner's record of a code (expires with the code's key). */
  record(
    code: string,
    owner: string,
    create = false,
  ): Map<string, string> | undefined {
    let record = this.#records.get(`${code}:${owner}`);
    if (!record && create) {
      this.#records.set(`${code}:${owner}`, record = new Map());
    }
    return record;
  }

  /** @internal Moves a record to another owner. */
  moveRecord(code: string, from: string, to: string): void {
    const record = this.#records.get(`${code}:${from}`);
    this.#records.delete(`${code}:${from}`);
    if (record) this.#records.set(`${code}:${to}`, record);
  }

  /** @internal */
  dropRecord(code: string, owner: string): void {
    this.#records.delete(`${code}:${owner}`);
  }

  /** @internal Delivers a text on a later task, as Redis would. */
  publish(instanceId: string, text: string): void {
    const deliver = this.#channels.get(instanceId);
    if (deliver) setTimeout(() => deliver(text), 0);
  }
}

/**
 * One instance's bus on a {@link MemoryBusHub}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MemoryBusHub, MemoryRoomBus } from "./memory_room_bus.ts";
 * const hub = new MemoryBusHub();
 * const a = new MemoryRoomBus({ hub, instanceId: "a" });
 * const b = new MemoryRoomBus({ hub, instanceId: "b" });
 * await a.start(() => {}, () => {});
 * await b.start(() => {}, () => {});
 * const digest = "0".repeat(64);
 * assert.deepEqual(await a.claim("PZZA", digest, false), { claimed: true });
 * assert.deepEqual(await b.claim("PZZA", digest, false),
 *   { claimed: false, owner: "a" });
 * await a.close();
 * ```
 */
export class MemoryRoomBus implements RoomBus {
  readonly instanceId: string;
  readonly #hub: MemoryBusHub;
  readonly #livenessTtlMs: number;
  readonly #roomTtlMs: number;
  #detach: () => void = () => {};
  #health: BusHealth = { up: false, since: Date.now() };
  #onHealth: (health: BusHealth) => void = () => {};
  #closed = false;
  readonly #counters: BusCounters = {
    messagesIn: 0,
    messagesOut: 0,
    messagesRefused: 0,
  };

  constructor(options: RoomBusOptions & { hub: MemoryBusHub }) {
    this.instanceId = options.instanceId ?? randomInstanceId();
    this.#hub = options.hub;
    this.#livenessTtlMs = options.livenessTtlMs ?? 15_000;
    this.#roomTtlMs = Math.max(
      options.roomTtlMs ?? 600_000,
      this.#livenessTtlMs,
    );
  }

  start(
    onEnvelope: (envelope: Envelope) => void,
    onHealth: (health: BusHealth) => void,
  ): Promise<void> {
    this.#onHealth = onHealth;
    this.#detach = this.#hub.attach(this, (text) => {
      if (this.#closed || !this.#health.up) return;
      const envelope = decodeEnvelope(text);
      if (typeof envelope === "string") {
        this.#counters.messagesRefused++;
        return;
      }
      this.#counters.messagesIn++;
      onEnvelope(envelope);
    });
    try {
      this.#hub.check();
      this.#hub.set(`alive:${this.instanceId}`, "1", this.#livenessTtlMs);
      this.reachable(true);
    } catch (error) {
      this.#health.lastError = String(error);
    }
    return Promise.resolve();
  }

  /** @internal The hub went away or came back. */
  reachable(up: boolean): void {
    if (this.#closed || up === this.#health.up) return;
    if (up) this.#hub.set(`alive:${this.instanceId}`, "1", this.#livenessTtlMs);
    this.#health = {
      up,
      since: Date.now(),
      lastError: up
        ? this.#health.lastError
        : "in-memory bus hub is unreachable",
    };
    this.#onHealth(this.health());
  }

  claim(code: string, hostHash: string, adopt: boolean): Promise<ClaimResult> {
    return this.#guard((hub) => {
      const owner = hub.get(`code:${code}`);
      if (
        owner !== undefined && owner !== this.instanceId &&
        hub.get(`alive:${owner}`) !== undefined
      ) return { claimed: false, owner };
      const host = owner === undefined
        ? undefined
        : hub.record(code, owner)?.get("host");
      if (adopt) {
        if (host === undefined) return { claimed: false, reason: "taken" };
        if (host !== hostHash) return { claimed: false, reason: "bad token" };
        hub.moveRecord(code, owner!, this.instanceId);
      } else {
        if (host !== undefined) return { claimed: false, reason: "taken" };
        const record = hub.record(code, this.instanceId, true)!;
        record.set("host", hostHash);
        record.set("started", "0");
      }
      hub.set(`code:${code}`, this.instanceId, this.#roomTtlMs);
      return { claimed: true };
    });
  }

  release(code: string): Promise<void> {
    return this.#guard((hub) => {
      if (hub.get(`code:${code}`) !== this.instanceId) return;
      hub.delete(`code:${code}`);
      hub.dropRecord(code, this.instanceId);
    });
  }

  lookup(code: string): Promise<{ owner?: string; record: boolean }> {
    return this.#guard((hub) => {
      const owner = hub.get(`code:${code}`);
      if (
        owner !== undefined &&
        (owner === this.instanceId || hub.get(`alive:${owner}`) !== undefined)
      ) return { owner, record: true };
      const record = owner !== undefined &&
        hub.record(code, owner) !== undefined;
      return { record };
    });
  }

  loadRecord(code: string): Promise<RoomRecord | undefined> {
    return this.#guard((hub) => {
      const owner = hub.get(`code:${code}`);
      const record = owner === undefined ? undefined : hub.record(code, owner);
      return record && recordFromFields(Object.fromEntries(record));
    });
  }

  saveRoom(code: string, hostHash: string, started: boolean): Promise<void> {
    return this.#guard((hub) => {
      const record = hub.record(code, this.instanceId, true)!;
      record.set("host", hostHash);
      record.set("started", started ? "1" : "0");
    });
  }

  saveSeat(code: string, name: string, seat?: SeatRecord): Promise<void> {
    return this.#guard((hub) => {
      const record = hub.record(code, this.instanceId, true)!;
      if (seat) record.set(`seat:${name}`, JSON.stringify(seat));
      else record.delete(`seat:${name}`);
    });
  }

  refresh(
    codes: readonly string[],
  ): Promise<{ lost: string[]; missing: string[] }> {
    return this.#guard((hub) => {
      hub.set(`alive:${this.instanceId}`, "1", this.#livenessTtlMs);
      const lost: string[] = [];
      const missing: string[] = [];
      for (const code of codes) {
        const owner = hub.get(`code:${code}`);
        if (owner === undefined) missing.push(code);
        else if (owner !== this.instanceId) lost.push(code);
        else hub.set(`code:${code}`, owner, this.#roomTtlMs);
      }
      return { lost, missing };
    });
  }

  alive(instanceIds: readonly string[]): Promise<Set<string>> {
    return this.#guard((hub) =>
      new Set(instanceIds.filter((id) => hub.get(`alive:${id}`) !== undefined))
    );
  }

  publish(instanceId: string, envelope: Envelope): void {
    if (this.#closed || !this.#health.up) return;
    this.#counters.messagesOut++;
    this.#hub.publish(instanceId, JSON.stringify(envelope));
  }

  resubscribe(): void {}

  health(): BusHealth {
    return { ...this.#health };
  }

  counters(): BusCounters {
    return { ...this.#counters };
  }

  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      if (this.#health.up) this.#hub.delete(`alive:${this.instanceId}`);
      this.#detach();
    }
    return Promise.resolve();
  }

  #guard<T>(operation: (hub: MemoryBusHub) => T): Promise<T> {
    if (this.#closed) return Promise.reject(new BusDownError("closed"));
    try {
      this.#hub.check();
      return Promise.resolve(operation(this.#hub));
    } catch (error) {
      this.reachable(false);
      return Promise.reject(new BusDownError(String(error)));
    }
  }
}
