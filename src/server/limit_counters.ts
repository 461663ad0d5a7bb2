/**
 * The store under the per-address limits: plain counters with an expiry, as
 * Redis keeps them (`INCRBY` + `PEXPIRE`, `MGET`, `SET … PX`). One instance
 * keeps them in memory ({@link MemoryLimitCounters}); with `REDIS_URL` every
 * instance shares them in Redis (`bus/redis_limit_counters.ts`). Callers put
 * their time window in the key (`fail:1.2.3.4:417`), so the expiry only
 * cleans up and a test's fake clock decides what a window is.
 *
 * @module
 */

/** Counters shared by everything that counts one address. */
export interface LimitCounters {
  /**
   * Adds `amount` to `key` and resolves to its new value; a key that did
   * not exist expires `ttlMs` after this first write.
   */
  add(key: string, ttlMs: number, amount?: number): Promise<number>;
  /** The values of `keys`, in order; a missing or expired key reads 0. */
  read(keys: readonly string[]): Promise<number[]>;
  /** Sets `key` to `value`, expiring `ttlMs` from now (a block's end, a closed code). */
  set(key: string, value: number, ttlMs: number): Promise<void>;
}

/** Options of {@link MemoryLimitCounters}. */
export interface MemoryLimitCountersOptions {
  /** Keys kept at most; the least recently used goes first. @default 100000 */
  maxKeys?: number;
  /** Current time in ms. @default Date.now */
  now?: () => number;
}

interface Entry {
  value: number;
  expiresAt: number;
}

/**
 * {@link LimitCounters} in this process's memory, bounded: past `maxKeys`
 * the least recently used key is forgotten (never all of them at once).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MemoryLimitCounters } from "./limit_counters.ts";
 * let now = 0;
 * const counters = new MemoryLimitCounters({ now: () => now });
 * assert.equal(await counters.add("fail:a", 1000), 1);
 * assert.equal(await counters.add("fail:a", 1000), 2);
 * now = 1000;
 * assert.deepEqual(await counters.read(["fail:a", "fail:b"]), [0, 0]);
 * ```
 */
export class MemoryLimitCounters implements LimitCounters {
  readonly #entries = new Map<string, Entry>();
  readonly #maxKeys: number;
  readonly #now: () => number;

  /** @param options Size bound and clock. */
  constructor(options: MemoryLimitCountersOptions = {}) {
    const { maxKeys = 100_000, now = Date.now } = options;
    if (!Number.isInteger(maxKeys) || maxKeys < 1) {
      throw new RangeError(
        `Cannot keep limit counters as 'maxKeys' must be a positive integer: current value is ${maxKeys}`,
      );
    }
    this.#maxKeys = maxKeys;
    this.#now = now;
  }

  /** Keys held now (expired ones included until touched or evicted). */
  get size(): number {
    return this.#entries.size;
  }

  add(key: string, ttlMs: number, amount = 1): Promise<number> {
    const now = this.#now();
    const live = this.#live(key, now);
    const entry = live ?? { value: 0, expiresAt: now + ttlMs };
    entry.value += amount;
    this.#store(key, entry);
    return Promise.resolve(entry.value);
  }

  read(keys: readonly string[]): Promise<number[]> {
    const now = this.#now();
    return Promise.resolve(keys.map((key) => {
      const entry = this.#live(key, now);
      if (!entry) return 0;
      // A read keeps a key young too: the least recently used goes first.
      this.#entries.delete(key);
      this.#entries.set(key, entry);
      return entry.value;
    }));
  }

  set(key: string, value: number, ttlMs: number): Promise<void> {
    this.#store(key, { value, expiresAt: this.#now() + ttlMs });
    return Promise.resolve();
  }

  #live(key: string, now: number): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry && now >= entry.expiresAt) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  #store(key: string, entry: Entry): void {
    // Re-inserting moves the key to the young end of the Map's order.
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    if (this.#entries.size > this.#maxKeys) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }
}

/**
 * `primary`, and `fallback` for any call `primary` fails (Redis unreachable):
 * the limits keep counting in this process meanwhile, instead of letting
 * every join through or refusing every one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MemoryLimitCounters, withFallback } from "./limit_counters.ts";
 * const down = {
 *   add: () => Promise.reject(new Error("down")),
 *   read: () => Promise.reject(new Error("down")),
 *   set: () => Promise.reject(new Error("down")),
 * };
 * const counters = withFallback(down, new MemoryLimitCounters());
 * assert.equal(await counters.add("k", 1000), 1);
 * ```
 */
export function withFallback(
  primary: LimitCounters,
  fallback: LimitCounters,
): LimitCounters {
  return {
    add: (key, ttlMs, amount) =>
      primary.add(key, ttlMs, amount).catch(() =>
        fallback.add(key, ttlMs, amount)
      ),
    read: (keys) => primary.read(keys).catch(() => fallback.read(keys)),
    set: (key, value, ttlMs) =>
      primary.set(key, value, ttlMs).catch(() =>
        fallback.set(key, value, ttlMs)
      ),
  };
}
