/**
 * The in-process room bus: the default (no setup, no cost). Several buses
 * on one {@link MemoryBusHub} behave as instances sharing one store, so
 * tests can run several "instances" in one process.
 *
 * @module
 */
import {
  BaseRoomBus,
  type BusStore,
  type PublishedText,
  type StoredRecord,
} from "./base_room_bus.ts";
import type { RoomBusOptions } from "./room_bus.ts";

interface Expiring<T> {
  value: T;
  /** Time after which the entry is gone, in ms (Infinity: never). */
  expiresAt: number;
}

/**
 * The shared store of in-process buses: a directory, records, counters,
 * liveness and channels, with expiry read from `now()`. `setReachable(false)`
 * plays a store outage.
 */
export class MemoryBusHub {
  readonly #now: () => number;
  readonly #keys = new Map<string, Expiring<string>>();
  readonly #channels = new Map<string, Set<(text: string) => void>>();
  readonly #reachability = new Set<(reachable: boolean) => void>();
  #reachable = true;

  /** @param now Current time in ms. @default Date.now */
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Whether buses can reach the hub. */
  get reachable(): boolean {
    return this.#reachable;
  }

  /** Plays an outage (false) or a recovery (true); the hub keeps its data. */
  setReachable(reachable: boolean): void {
    if (reachable === this.#reachable) return;
    this.#reachable = reachable;
    for (const listener of [...this.#reachability]) listener(reachable);
  }

  /** Forgets every key (a store restarted without persistence). */
  flush(): void {
    this.#keys.clear();
  }

  /** @internal Called by buses. */
  watch(listener: (reachable: boolean) => void): () => void {
    this.#reachability.add(listener);
    return () => this.#reachability.delete(listener);
  }

  /** @internal Throws when unreachable. */
  check(): void {
    if (!this.#reachable) {
      throw new Error("in-memory bus hub is unreachable");
    }
  }

  /** @internal */
  get(key: string): string | undefined {
    const entry = this.#keys.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#keys.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** @internal */
  set(key: string, value: string, ttlMs: number): void {
    this.#keys.set(key, {
      value,
      expiresAt: ttlMs > 0 ? this.#now() + ttlMs : Infinity,
    });
  }

  /** @internal Changes a live key's value, keeping its expiry. */
  update(key: string, value: string): void {
    const entry = this.#keys.get(key);
    if (entry) entry.value = value;
  }

  /** @internal */
  delete(key: string): void {
    this.#keys.delete(key);
  }

  /** @internal */
  subscribe(channel: string, listener: (text: string) => void): () => void {
    let set = this.#channels.get(channel);
    if (!set) this.#channels.set(channel, set = new Set());
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#channels.delete(channel);
    };
  }

  /** @internal Delivers later (as a network would), in publish order. */
  publish(channel: string, text: string): void {
    const listeners = this.#channels.get(channel);
    if (!listeners) return;
    for (const listener of listeners) queueMicrotask(() => listener(text));
  }
}

/** Options for {@link MemoryRoomBus}. */
export interface MemoryRoomBusOptions extends RoomBusOptions {
  /** The store shared with other in-process instances. @default a new hub */
  hub?: MemoryBusHub;
}

/**
 * A room bus in this process's memory.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MemoryBusHub, MemoryRoomBus } from "./memory_room_bus.ts";
 * const hub = new MemoryBusHub();
 * const a = new MemoryRoomBus({ hub, instanceId: "a", keepAliveMs: 0 });
 * const b = new MemoryRoomBus({ hub, instanceId: "b", keepAliveMs: 0 });
 * await a.start(() => {});
 * await b.start(() => {});
 * assert.deepEqual(await a.claimCode("PZZA"), { claimed: true });
 * assert.deepEqual(await b.claimCode("PZZA"), { claimed: false, owner: "a" });
 * await a.close();
 * await b.close();
 * ```
 */
export class MemoryRoomBus extends BaseRoomBus {
  /**
   * Whether this bus has a hub of its own (none was given): no other
   * instance can reach it, so a server on it needs no routing at all.
   */
  readonly solitary: boolean;

  constructor(options: MemoryRoomBusOptions = {}) {
    const hub = options.hub ?? new MemoryBusHub(options.now);
    super(new MemoryStore(hub), options);
    this.solitary = options.hub === undefined;
    const unwatch = hub.watch((reachable) => {
      if (this.closed) return unwatch();
      if (reachable) this.recovered();
      else this.markDown(new Error("in-memory bus hub is unreachable"));
    });
  }

  protected channelOf(instanceId: string): string {
    return `inst:${instanceId}`;
  }
}

/** {@link BusStore} over a {@link MemoryBusHub}. */
class MemoryStore implements BusStore {
  readonly #hub: MemoryBusHub;
  #unsubscribe: () => void = () => {};

  constructor(hub: MemoryBusHub) {
    this.#hub = hub;
  }

  connect(channel: string, onText: (text: string) => void): Promise<void> {
    this.#unsubscribe = this.#hub.subscribe(channel, onText);
    return this.#run(() => {});
  }

  claim(code: string, owner: string, ttlMs: number): Promise<string> {
    return this.#run(() => {
      const current = this.#hub.get(`code:${code}`);
      if (current !== undefined) return `-${current}`;
      if (this.#hub.get(`room:${code}`) !== undefined) return "-";
      this.#hub.set(`code:${code}`, owner, ttlMs);
      return "+";
    });
  }

  takeOver(
    code: string,
    owner: string,
    deadOwner: string,
    ttlMs: number,
  ): Promise<string> {
    return this.#run(() => {
      const current = this.#hub.get(`code:${code}`);
      const deadOwnerAlive = this.#hub.get(`alive:${deadOwner}`) !== undefined;
      if (
        current !== undefined && current !== owner &&
        (current !== deadOwner || deadOwnerAlive)
      ) {
        return `-${current}`;
      }
      this.#hub.set(`code:${code}`, owner, ttlMs);
      return "+";
    });
  }

  release(code: string, owner: string): Promise<void> {
    return this.#run(() => {
      if (this.#hub.get(`code:${code}`) !== owner) return;
      this.#hub.delete(`code:${code}`);
      this.#hub.delete(`room:${code}`);
    });
  }

  ownerOf(code: string): Promise<string | undefined> {
    return this.#run(() => this.#hub.get(`code:${code}`));
  }

  alive(instanceId: string): Promise<boolean> {
    return this.#run(() => this.#hub.get(`alive:${instanceId}`) !== undefined);
  }

  setAlive(instanceId: string, ttlMs: number): Promise<void> {
    return this.#run(() => {
      if (ttlMs > 0) this.#hub.set(`alive:${instanceId}`, "1", ttlMs);
      else this.#hub.delete(`alive:${instanceId}`);
    });
  }

  refresh(
    owner: string,
    codes: ReadonlyMap<string, StoredRecord | undefined>,
    ttlMs: number,
  ): Promise<string[]> {
    return this.#run(() => {
      const lost: string[] = [];
      for (const [code, record] of codes) {
        const current = this.#hub.get(`code:${code}`);
        if (current !== undefined && current !== owner) {
          lost.push(code);
          continue;
        }
        this.#hub.set(`code:${code}`, owner, ttlMs);
        if (record) this.#hub.set(`room:${code}`, record.text, record.ttlMs);
      }
      return lost;
    });
  }

  publish(messages: readonly PublishedText[]): Promise<void> {
    return this.#run(() => {
      for (const { channel, text } of messages) {
        this.#hub.publish(channel, text);
      }
    });
  }

  saveRecord(code: string, text: string, ttlMs: number): Promise<void> {
    return this.#run(() => this.#hub.set(`room:${code}`, text, ttlMs));
  }

  loadRecord(code: string): Promise<string | undefined> {
    return this.#run(() => this.#hub.get(`room:${code}`));
  }

  removeRecord(code: string): Promise<void> {
    return this.#run(() => this.#hub.delete(`room:${code}`));
  }

  add(key: string, delta: number, ttlMs: number): Promise<number> {
    return this.#run(() => {
      const next = Number(this.#hub.get(`count:${key}`) ?? 0) + delta;
      if (next <= 0) {
        this.#hub.delete(`count:${key}`);
        return 0;
      }
      if (ttlMs > 0) this.#hub.set(`count:${key}`, String(next), ttlMs);
      // Keeps the expiry the last increment set.
      else this.#hub.update(`count:${key}`, String(next));
      return next;
    });
  }

  count(key: string): Promise<number> {
    return this.#run(() => Number(this.#hub.get(`count:${key}`) ?? 0));
  }

  disconnect(): Promise<void> {
    this.#unsubscribe();
    return Promise.resolve();
  }

  /** One store step: fails when the hub plays an outage, like a network would. */
  #run<T>(step: () => T): Promise<T> {
    try {
      this.#hub.check();
      return Promise.resolve(step());
    } catch (error) {
      return Promise.reject(error);
    }
  }
}
