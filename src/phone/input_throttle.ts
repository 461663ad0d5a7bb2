/**
 * Sends a value only when it changes, at most `hz` times a second, and
 * always sends the last value (a trailing send), so the host never misses
 * the stick returning to the centre.
 *
 * @module
 */

/** Most joystick messages per second. */
export const INPUT_SEND_HZ = 30;

/** Clock and timers, injectable for tests. */
export interface ThrottleClock {
  /** Milliseconds. */
  now(): number;
  /** Schedules `fn` after `ms`. */
  setTimeout(fn: () => void, ms: number): number;
  /** Cancels a timer. */
  clearTimeout(id: number): void;
}

const REAL_CLOCK: ThrottleClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms) as unknown as number,
  clearTimeout: (id) => clearTimeout(id),
};

/** Options of an {@link InputThrottle}. */
export interface InputThrottleOptions<T> {
  /** Delivers a value. */
  send: (value: T) => void;
  /** Compares values. */
  equals: (a: T, b: T) => boolean;
  /** Sends per second at most. @default INPUT_SEND_HZ */
  hz?: number;
  /** Time source. @default performance.now and global timers */
  clock?: ThrottleClock;
}

/**
 * Rate-limits and de-duplicates a stream of values.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { InputThrottle } from "./input_throttle.ts";
 * const sent: number[] = [];
 * const throttle = new InputThrottle<number>({ send: (v) => sent.push(v), equals: (a, b) => a === b });
 * throttle.push(1);
 * throttle.push(1);
 * assert.deepEqual(sent, [1]);
 * throttle.close();
 * ```
 */
export class InputThrottle<T> {
  #options: InputThrottleOptions<T>;
  #clock: ThrottleClock;
  #intervalMs: number;
  #last: { value: T } | null = null;
  #pending: { value: T } | null = null;
  #lastAt = -Infinity;
  #timer: number | null = null;

  /** @throws {RangeError} When `hz` is not positive. */
  constructor(options: InputThrottleOptions<T>) {
    const { hz = INPUT_SEND_HZ, clock = REAL_CLOCK } = options;
    if (!(hz > 0)) {
      throw new RangeError(
        `Cannot throttle input as 'hz' must be positive: current value is ${hz}`,
      );
    }
    this.#options = options;
    this.#clock = clock;
    this.#intervalMs = 1000 / hz;
  }

  /** Offers a new value; it is sent now, later, or not at all if unchanged. */
  push(value: T): void {
    if (this.#last && this.#options.equals(this.#last.value, value)) {
      this.#pending = null;
      this.#cancel();
      return;
    }
    this.#pending = { value };
    const wait = this.#lastAt + this.#intervalMs - this.#clock.now();
    if (wait <= 0) {
      this.#flush();
    } else if (this.#timer === null) {
      this.#timer = this.#clock.setTimeout(() => {
        this.#timer = null;
        this.#flush();
      }, wait);
    }
  }

  /** Forgets the last sent value, so the next push is sent (after a reconnect). */
  reset(): void {
    this.#last = null;
  }

  /** Cancels a pending send. */
  close(): void {
    this.#pending = null;
    this.#cancel();
  }

  #flush(): void {
    const pending = this.#pending;
    this.#pending = null;
    if (!pending) return;
    this.#last = pending;
    this.#lastAt = this.#clock.now();
    this.#options.send(pending.value);
  }

  #cancel(): void {
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
  }
}
