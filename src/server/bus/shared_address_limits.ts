/**
 * Per-address limits counted across instances: each instance keeps its own
 * {@link MemoryAddressLimits} (so one instance alone is never more lenient
 * than today) and adds the bus's shared counters for open connections and
 * failed joins. Decisions stay synchronous: the shared counts are read and
 * written in the background and cached per address, so an address that
 * crossed a limit through other instances is refused from the next count
 * this instance sees. When the bus is down, the local limits alone apply.
 *
 * @module
 */
import {
  addressKey,
  type AddressLimits,
  type AddressLimitSettings,
  type JoinVerdict,
  MemoryAddressLimits,
} from "../address_limits.ts";
import type { SharedCounters } from "./room_bus.ts";

/** How long a shared connection count lives without a new connection, in ms. */
const CONNECTION_COUNT_TTL_MS = 120_000;

/**
 * How often a join reads an address's shared failure count, at most, in ms:
 * a burst of joins from one address costs one read, and failures seen
 * through this instance update the count at once anyway.
 */
const FAILURE_REFRESH_MS = 1_000;

interface Shared {
  connections: number;
  failures: number;
  /** When `failures` went over the budget, in ms. */
  overSince: number;
  touchedAt: number;
  /** When the failure count was last asked for, in ms. */
  refreshedAt: number;
}

/**
 * {@link AddressLimits} whose connection and failed-join counts are shared
 * by every instance on the bus.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SharedAddressLimits } from "./shared_address_limits.ts";
 * import { MemoryBusHub, MemoryRoomBus } from "./memory_room_bus.ts";
 * import { DEFAULTS } from "../config.ts";
 * const hub = new MemoryBusHub();
 * const a = new MemoryRoomBus({ hub, instanceId: "a", keepAliveMs: 0 });
 * const b = new MemoryRoomBus({ hub, instanceId: "b", keepAliveMs: 0 });
 * const settings = { ...DEFAULTS, failedJoinBudget: 2 };
 * const onA = new SharedAddressLimits(settings, a.counters);
 * const onB = new SharedAddressLimits(settings, b.counters);
 * onA.failedJoin("10.0.0.9", 0);
 * onA.failedJoin("10.0.0.9", 0);
 * await onA.settled();
 * assert.equal(onB.allowJoin("10.0.0.9", 1).ok, true); // B has not counted
 * onB.failedJoin("10.0.0.9", 1); // the third failure, seen through B
 * await onB.settled();
 * assert.equal(onB.allowJoin("10.0.0.9", 2).ok, false);
 * ```
 */
export class SharedAddressLimits implements AddressLimits {
  readonly #local: MemoryAddressLimits;
  readonly #settings: AddressLimitSettings;
  readonly #counters: SharedCounters;
  readonly #shared = new Map<string, Shared>();
  readonly #inFlight = new Set<Promise<unknown>>();

  /**
   * @param settings The per-address limits.
   * @param counters The bus's shared counters.
   */
  constructor(settings: AddressLimitSettings, counters: SharedCounters) {
    this.#settings = { ...settings };
    this.#local = new MemoryAddressLimits(settings);
    this.#counters = counters;
  }

  get size(): number {
    return this.#local.size;
  }

  openConnection(address: string): boolean {
    const key = addressKey(address);
    const shared = this.#shared.get(key);
    if (
      shared && shared.connections >= this.#settings.maxConnectionsPerAddress
    ) {
      return false;
    }
    if (!this.#local.openConnection(address)) return false;
    this.#background(
      this.#counters.increment(`conn:${key}`, CONNECTION_COUNT_TTL_MS),
      (count) => (this.#entry(key).connections = count),
    );
    return true;
  }

  closeConnection(address: string): void {
    const key = addressKey(address);
    this.#local.closeConnection(address);
    this.#background(
      this.#counters.decrement(`conn:${key}`),
      (count) => (this.#entry(key).connections = count),
    );
  }

  allowJoin(address: string, now: number): JoinVerdict {
    const key = addressKey(address);
    const shared = this.#shared.get(key);
    const blockedUntil =
      shared && shared.failures > this.#settings.failedJoinBudget
        ? shared.overSince + this.#settings.joinBlockMs
        : -Infinity;
    if (now < blockedUntil) {
      return { ok: false, reason: "blocked", retryMs: blockedUntil - now };
    }
    // Refresh the shared view for the next join from this address.
    if (!shared || now - shared.refreshedAt >= FAILURE_REFRESH_MS) {
      this.#entry(key).refreshedAt = now;
      this.#background(
        this.#counters.get(`fail:${key}`),
        (count) => this.#setFailures(key, count, now),
      );
    }
    return this.#local.allowJoin(address, now);
  }

  failedJoin(address: string, now: number): boolean {
    const key = addressKey(address);
    const s = this.#settings;
    this.#background(
      this.#counters.increment(
        `fail:${key}`,
        s.failedJoinRefillMs * s.failedJoinBudget,
      ),
      (count) => this.#setFailures(key, count, now),
    );
    return this.#local.failedJoin(address, now);
  }

  sweep(now: number): void {
    this.#local.sweep(now);
    const s = this.#settings;
    const idleMs = Math.max(
      s.joinBlockMs,
      s.failedJoinRefillMs * s.failedJoinBudget,
    );
    for (const [key, shared] of this.#shared) {
      if (now - shared.touchedAt >= idleMs) this.#shared.delete(key);
    }
  }

  /** Resolves once the shared counts asked for so far have come back. */
  async settled(): Promise<void> {
    while (this.#inFlight.size > 0) {
      await Promise.allSettled([...this.#inFlight]);
    }
  }

  #setFailures(key: string, count: number, now: number): void {
    const entry = this.#entry(key);
    const budget = this.#settings.failedJoinBudget;
    if (count > budget && entry.failures <= budget) entry.overSince = now;
    entry.failures = count;
    entry.touchedAt = now;
  }

  #entry(key: string): Shared {
    let entry = this.#shared.get(key);
    if (!entry) {
      // Bounded: forget every address once the map grows large.
      if (this.#shared.size >= 10_000) this.#shared.clear();
      entry = {
        connections: 0,
        failures: 0,
        overSince: 0,
        touchedAt: 0,
        refreshedAt: -Infinity,
      };
      this.#shared.set(key, entry);
    }
    return entry;
  }

  #background<T>(work: Promise<T>, use: (value: T) => void): void {
    const tracked = work.then(use, () => {
      // Bus down: the local limits alone apply until it is back.
    });
    this.#inFlight.add(tracked);
    tracked.finally(() => this.#inFlight.delete(tracked));
  }
}
