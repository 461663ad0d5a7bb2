/**
 * What one address may do, counted before the registry sees a frame: open
 * connections, joins and room creations per window, failed joins ("wrong
 * room") and TURN credentials. One policy over {@link LimitCounters}, so one
 * instance counts in memory and several count together in Redis; every
 * figure is keyed by {@link addressKey} (IPv4 address, IPv6 /64) and every
 * window is a number in the key, so a fake clock decides windows.
 *
 * Households are never limited, attackers still are:
 * - a join to a code closed within `closedCodeMemoryMs` is answered
 *   `room closed` and is not a guess;
 * - a join carrying a reconnect token of this server's format that finds no
 *   room is not a guess, `tokenMissBudget` times a window;
 * - the failure budget grows by one per socket the address has seated in a
 *   room here, up to `seatedFailureBonusMax` (a party's phones make the
 *   household's budget larger).
 * Over its budget an address gets a block key and is refused (`rate
 * limited`) for `joinBlockMs`, and at least until its failure window ends.
 *
 * @module
 */
import type { Config } from "./config.ts";
import type { LimitCounters } from "./limit_counters.ts";
import { TOKEN_LENGTH } from "./room_codes.ts";

/** The settings the limits read: a subset of {@link Config}. */
export type AddressLimitSettings = Pick<
  Config,
  | "maxConnectionsPerAddress"
  | "joinBurstPerAddress"
  | "joinRefillMs"
  | "failedJoinBudget"
  | "failedJoinWindowMs"
  | "joinBlockMs"
  | "tokenMissBudget"
  | "seatedFailureBonusMax"
  | "closedCodeMemoryMs"
  | "roomCreatesPerMinute"
  | "turnMintsPerMinute"
>;

/** A frame that asks for a room, as the limits see it. */
export type RoomAsk =
  | { action: "createRoom" }
  | { action: "joinRoom" | "reclaimRoom"; room: string; token: boolean };

/** Whether a room request may go on, and if not why. */
export type AskVerdict =
  | {
    ok: true;
    /** The code asked for was closed lately (a failure there is no guess). */
    closedCode: boolean;
  }
  | {
    ok: false;
    reason: "blocked" | "too many joins" | "too many rooms created";
    retryMs: number;
  }
  | { ok: false; reason: "room closed" };

/** How one failed join counted. */
export type FailureVerdict =
  /** Not a guess (a closed code, or a token within its budget). */
  | "forgiven"
  /** A guess, within the budget. */
  | "counted"
  /** A guess that used up the budget: the address is blocked now. */
  | "blocked";

/** Connections and seated sockets per address, in this process. */
class LocalCounts {
  readonly #counts = new Map<string, number>();

  get(key: string): number {
    return this.#counts.get(key) ?? 0;
  }

  add(key: string, delta: number): void {
    const next = this.get(key) + delta;
    // Entries at zero go: the map holds live sockets' addresses only.
    if (next > 0) this.#counts.set(key, next);
    else this.#counts.delete(key);
  }

  get size(): number {
    return this.#counts.size;
  }
}

/**
 * The per-address policy. Time is an input (`now`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { AddressLimits } from "./address_limits.ts";
 * import { MemoryLimitCounters } from "./limit_counters.ts";
 * import { DEFAULTS } from "./config.ts";
 * let now = 0;
 * const limits = new AddressLimits(
 *   { ...DEFAULTS, failedJoinBudget: 2 },
 *   new MemoryLimitCounters({ now: () => now }),
 *   () => now,
 * );
 * const guess = { action: "joinRoom", room: "QQQQ", token: false } as const;
 * assert.equal((await limits.ask("10.0.0.9", guess)).ok, true);
 * assert.equal(await limits.failedJoin("10.0.0.9", guess, false), "counted");
 * assert.equal(await limits.failedJoin("10.0.0.9", guess, false), "blocked");
 * assert.equal((await limits.ask("10.0.0.9", guess)).ok, false);
 * assert.equal((await limits.ask("10.0.0.8", guess)).ok, true);
 * ```
 */
export class AddressLimits {
  readonly #s: AddressLimitSettings;
  readonly #counters: LimitCounters;
  readonly #now: () => number;
  readonly #connections = new LocalCounts();
  readonly #seated = new LocalCounts();

  /**
   * @param settings The per-address limits.
   * @param counters Where the counts live (memory, or Redis for all instances).
   * @param now Current time in ms (windows and blocks follow it).
   */
  constructor(
    settings: AddressLimitSettings,
    counters: LimitCounters,
    now: () => number = Date.now,
  ) {
    this.#s = { ...settings };
    this.#counters = counters;
    this.#now = now;
  }

  /** Addresses with an open connection here (bounded by the connections). */
  get size(): number {
    return this.#connections.size;
  }

  /**
   * Counts a new connection (in this process: upgrades answer at once);
   * false (nothing counted) when the address has too many.
   */
  openConnection(address: string): boolean {
    const key = addressKey(address);
    if (this.#connections.get(key) >= this.#s.maxConnectionsPerAddress) {
      return false;
    }
    this.#connections.add(key, 1);
    return true;
  }

  /** Forgets one connection counted by {@link openConnection}. */
  closeConnection(address: string): void {
    this.#connections.add(addressKey(address), -1);
  }

  /** A socket of `address` entered a room (+1) or left it or closed (-1). */
  seated(address: string, delta: 1 | -1): void {
    this.#seated.add(addressKey(address), delta);
  }

  /** The failed joins `address` may make in a window now. */
  failureBudget(address: string): number {
    const s = this.#s;
    return s.failedJoinBudget +
      Math.min(this.#seated.get(addressKey(address)), s.seatedFailureBonusMax);
  }

  /** Asks before a create, join or reclaim from `address` reaches the registry. */
  async ask(address: string, ask: RoomAsk): Promise<AskVerdict> {
    const key = addressKey(address);
    const now = this.#now();
    const s = this.#s;
    if (ask.action === "createRoom") {
      const minute = 60_000;
      const count = await this.#counters.add(
        `create:${key}:${Math.floor(now / minute)}`,
        minute,
      );
      if (count > s.roomCreatesPerMinute) {
        return {
          ok: false,
          reason: "too many rooms created",
          retryMs: minute - (now % minute),
        };
      }
      return { ok: true, closedCode: false };
    }
    const joinWindow = s.joinBurstPerAddress * s.joinRefillMs;
    const failWindow = s.failedJoinWindowMs;
    const code = ask.room.toUpperCase();
    const [[blockedUntil, failures, closed], joins] = await Promise.all([
      this.#counters.read([
        `block:${key}`,
        `fail:${key}:${Math.floor(now / failWindow)}`,
        `closed:${code}`,
      ]),
      this.#counters.add(
        `join:${key}:${Math.floor(now / joinWindow)}`,
        joinWindow,
      ),
    ]);
    if (now < blockedUntil) {
      return { ok: false, reason: "blocked", retryMs: blockedUntil - now };
    }
    if (failures >= this.failureBudget(address)) {
      // Budget used and the block over: refused until the window ends.
      return {
        ok: false,
        reason: "blocked",
        retryMs: failWindow - (now % failWindow),
      };
    }
    if (joins > s.joinBurstPerAddress) {
      return {
        ok: false,
        reason: "too many joins",
        retryMs: joinWindow - (now % joinWindow),
      };
    }
    // A phone reloading a link to a game that ended: told so in words. (A
    // host taking a room back goes on, and its failure is no guess.)
    if (closed > 0 && ask.action === "joinRoom") {
      return { ok: false, reason: "room closed" };
    }
    return { ok: true, closedCode: closed > 0 };
  }

  /**
   * Counts a join or reclaim the registry answered "wrong room".
   * @param closedCode What {@link ask} said of the code.
   */
  async failedJoin(
    address: string,
    ask: Exclude<RoomAsk, { action: "createRoom" }>,
    closedCode: boolean,
  ): Promise<FailureVerdict> {
    if (closedCode) return "forgiven";
    const key = addressKey(address);
    const now = this.#now();
    const s = this.#s;
    const window = Math.floor(now / s.failedJoinWindowMs);
    if (ask.token) {
      const misses = await this.#counters.add(
        `tokenmiss:${key}:${window}`,
        s.failedJoinWindowMs,
      );
      if (misses <= s.tokenMissBudget) return "forgiven";
    }
    const failures = await this.#counters.add(
      `fail:${key}:${window}`,
      s.failedJoinWindowMs,
    );
    if (failures < this.failureBudget(address)) return "counted";
    if (s.joinBlockMs > 0) {
      await this.#counters.set(
        `block:${key}`,
        now + s.joinBlockMs,
        s.joinBlockMs,
      );
    }
    return "blocked";
  }

  /** A room closed: a join to its code is `room closed` for a while. */
  async roomClosed(code: string): Promise<void> {
    const s = this.#s;
    if (s.closedCodeMemoryMs <= 0) return;
    await this.#counters.set(
      `closed:${code.toUpperCase()}`,
      1,
      s.closedCodeMemoryMs,
    );
  }

  /** A room opened (its code may have been closed before): forgets that. */
  async roomOpened(code: string): Promise<void> {
    await this.#counters.set(`closed:${code.toUpperCase()}`, 0, 1);
  }

  /** Whether `address` may get TURN credentials now (one more counted). */
  async mayMintTurn(address: string): Promise<boolean> {
    const minute = 60_000;
    const count = await this.#counters.add(
      `turn:${addressKey(address)}:${Math.floor(this.#now() / minute)}`,
      minute,
    );
    return count <= this.#s.turnMintsPerMinute;
  }
}

/**
 * Whether a reconnect token has this server's format (what `randomToken`
 * makes): such a join is a phone coming back, not a guess, within
 * `tokenMissBudget`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isTokenFormat } from "./address_limits.ts";
 * import { randomToken } from "./room_codes.ts";
 * assert.equal(isTokenFormat(randomToken()), true);
 * assert.equal(isTokenFormat("hello"), false);
 * ```
 */
export function isTokenFormat(token: unknown): boolean {
  return typeof token === "string" && token.length === TOKEN_LENGTH &&
    TOKEN_PATTERN.test(token);
}

const TOKEN_PATTERN = /^[A-Za-z0-9_-]+$/;

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
 * assert.equal(addressKey("2001:db8:1:2::/64"), "2001:db8:1:2::/64");
 * ```
 */
export function addressKey(address: string): string {
  if (!address.includes(":")) return address;
  const lower = address.toLowerCase();
  if (lower.endsWith("::/64")) return lower;
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
