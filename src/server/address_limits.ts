/**
 * Per-address counters, kept before the registry sees a frame: open
 * connections, joins per minute and failed joins ("wrong room"). One small
 * interface ({@link AddressLimits}) so a later cross-instance bus can back
 * the same counters with Redis; {@link MemoryAddressLimits} is this
 * server's own.
 *
 * @module
 */
import type { Config } from "./config.ts";
import { TokenBucket } from "./rate_limiter.ts";

/** The settings the limits read: a subset of {@link Config}. */
export type AddressLimitSettings = Pick<
  Config,
  | "maxConnectionsPerAddress"
  | "joinBurstPerAddress"
  | "joinRefillMs"
  | "failedJoinBudget"
  | "failedJoinRefillMs"
  | "joinBlockMs"
  | "joinSlowMs"
>;

/** Whether a join may go on, and if not why. */
export type JoinVerdict =
  | { ok: true }
  | {
    ok: false;
    reason: "slowed" | "blocked" | "too many joins";
    retryMs: number;
  };

/** What the HTTP and socket layers ask about one address. */
export interface AddressLimits {
  /** Counts a new connection; false (nothing counted) when the address has too many. */
  openConnection(address: string): boolean;
  /** Forgets one connection counted by {@link openConnection}. */
  closeConnection(address: string): void;
  /** Asks before a join from `address` reaches the registry. */
  allowJoin(address: string, now: number): JoinVerdict;
  /**
   * Counts a failed join ("wrong room").
   * @returns true when this failure used up the budget (the address is now refused).
   */
  failedJoin(address: string, now: number): boolean;
  /** Drops idle state older than the windows, so memory stays bounded. */
  sweep(now: number): void;
  /** Addresses holding any state (for tests and metrics). */
  readonly size: number;
}

interface AddressState {
  connections: number;
  joins: TokenBucket;
  failures: TokenBucket;
  lastJoinAt: number;
  blockedUntil: number;
  touchedAt: number;
}

/**
 * In-memory {@link AddressLimits}. Time is an input.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MemoryAddressLimits } from "./address_limits.ts";
 * import { DEFAULTS } from "./config.ts";
 * const limits = new MemoryAddressLimits({ ...DEFAULTS, failedJoinBudget: 2 });
 * assert.equal(limits.failedJoin("10.0.0.9", 0), false);
 * assert.equal(limits.failedJoin("10.0.0.9", 0), false);
 * assert.equal(limits.failedJoin("10.0.0.9", 0), true); // over: refused
 * assert.equal(limits.allowJoin("10.0.0.9", 1).ok, false);
 * assert.equal(limits.allowJoin("10.0.0.8", 1).ok, true);
 * ```
 */
export class MemoryAddressLimits implements AddressLimits {
  readonly #settings: AddressLimitSettings;
  readonly #states = new Map<string, AddressState>();

  /** @param settings The per-address limits. */
  constructor(settings: AddressLimitSettings) {
    this.#settings = { ...settings };
  }

  get size(): number {
    return this.#states.size;
  }

  openConnection(address: string): boolean {
    const state = this.#state(address, undefined);
    if (state.connections >= this.#settings.maxConnectionsPerAddress) {
      return false;
    }
    state.connections++;
    return true;
  }

  closeConnection(address: string): void {
    const state = this.#states.get(addressKey(address));
    if (state && state.connections > 0) state.connections--;
  }

  allowJoin(address: string, now: number): JoinVerdict {
    const s = this.#settings;
    const state = this.#state(address, now);
    if (now < state.blockedUntil) {
      return {
        ok: false,
        reason: "blocked",
        retryMs: state.blockedUntil - now,
      };
    }
    // Half the failed-join budget used: joins must be spaced out.
    const failuresLeft = Math.floor(state.failures.available(now));
    if (
      failuresLeft <= s.failedJoinBudget / 2 &&
      now - state.lastJoinAt < s.joinSlowMs
    ) {
      return {
        ok: false,
        reason: "slowed",
        retryMs: s.joinSlowMs - (now - state.lastJoinAt),
      };
    }
    if (!state.joins.take(now)) {
      return { ok: false, reason: "too many joins", retryMs: s.joinRefillMs };
    }
    state.lastJoinAt = now;
    return { ok: true };
  }

  failedJoin(address: string, now: number): boolean {
    const state = this.#state(address, now);
    if (state.failures.take(now)) return false;
    const wasBlocked = now < state.blockedUntil;
    state.blockedUntil = now + this.#settings.joinBlockMs;
    return !wasBlocked;
  }

  sweep(now: number): void {
    const s = this.#settings;
    const idleMs = Math.max(
      s.joinBlockMs,
      s.failedJoinRefillMs * s.failedJoinBudget,
      s.joinRefillMs * s.joinBurstPerAddress,
    );
    for (const [address, state] of this.#states) {
      if (
        state.connections === 0 && now >= state.blockedUntil &&
        now - state.touchedAt >= idleMs
      ) {
        this.#states.delete(address);
      }
    }
  }

  #state(client: string, now: number | undefined): AddressState {
    const address = addressKey(client);
    let state = this.#states.get(address);
    const time = now ?? state?.touchedAt ?? 0;
    if (!state) {
      const s = this.#settings;
      state = {
        connections: 0,
        joins: new TokenBucket(
          1000 / s.joinRefillMs,
          s.joinBurstPerAddress,
          time,
        ),
        failures: new TokenBucket(
          1000 / s.failedJoinRefillMs,
          s.failedJoinBudget,
          time,
        ),
        lastJoinAt: -Infinity,
        blockedUntil: -Infinity,
        touchedAt: time,
      };
      this.#states.set(address, state);
    }
    if (now !== undefined) state.touchedAt = now;
    return state;
  }
}

/**
 * The key limits are counted under: an IPv4 address as it is, an IPv6
 * address by its /64 prefix (one home or phone gets a whole /64, so a
 * single client could otherwise rotate through billions of addresses).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { addressKey } from "./address_limits.ts";
 * assert.equal(addressKey("192.0.2.1"), "192.0.2.1");
 * assert.equal(addressKey("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
 * assert.equal(addressKey("2001:db8::1"), "2001:db8:0:0::/64");
 * assert.equal(addressKey("::ffff:192.0.2.1"), "192.0.2.1");
 * ```
 */
export function addressKey(address: string): string {
  if (!address.includes(":")) return address;
  const lower = address.toLowerCase();
  const mapped = lower.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/);
  if (mapped) return mapped[1];
  const [head, tail] = lower.split("::", 2);
  const left = head ? head.split(":") : [];
  const right = tail === undefined ? [] : tail ? tail.split(":") : [];
  const groups = tail === undefined ? left : [
    ...left,
    ...Array(Math.max(0, 8 - left.length - right.length)).fill("0"),
    ...right,
  ];
  const prefix = groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, ""));
  while (prefix.length < 4) prefix.push("0");
  return `${prefix.join(":")}::/64`;
}
