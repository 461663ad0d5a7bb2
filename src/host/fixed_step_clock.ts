/**
 * The host's game clock: the engine advances by the wall clock in fixed
 * steps, however often the page draws. A slow frame is caught up with more
 * steps; a long stall (a hidden tab, a frozen page) catches up at most
 * {@link MAX_CATCH_UP_MS}, so it never fast-forwards the round. Time is an
 * input, so tests drive it.
 *
 * @module
 */

/** One engine step, in ms (60 steps a second). */
export const STEP_MS = 1000 / 60;
/**
 * Most wall time one frame catches up, in ms: frames as slow as 2.5 per
 * second still keep real time; a longer stall loses the rest.
 */
export const MAX_CATCH_UP_MS = 400;

/** Options of a {@link FixedStepClock}. */
export interface FixedStepClockOptions {
  /** Step length, in ms. @default STEP_MS */
  stepMs?: number;
  /** Most wall time one call catches up, in ms. @default MAX_CATCH_UP_MS */
  maxCatchUpMs?: number;
}

/**
 * Turns wall-clock readings into a number of fixed engine steps.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FixedStepClock } from "./fixed_step_clock.ts";
 * const clock = new FixedStepClock({ stepMs: 10, maxCatchUpMs: 100 });
 * assert.equal(clock.advance(1_000), 0, "the first reading starts the clock");
 * assert.equal(clock.advance(1_025), 2, "2 steps, 5 ms carried over");
 * assert.equal(clock.advance(1_030), 1);
 * assert.equal(clock.advance(61_030), 10, "a long stall catches up 100 ms");
 * ```
 */
export class FixedStepClock {
  readonly #stepMs: number;
  readonly #maxCatchUpMs: number;
  #lastMs: number | null = null;
  #carryMs = 0;

  /**
   * @throws RangeError when a length is not a positive number, or the
   * catch-up is shorter than a step
   */
  constructor(options: FixedStepClockOptions = {}) {
    const { stepMs = STEP_MS, maxCatchUpMs = MAX_CATCH_UP_MS } = options;
    if (!(stepMs > 0) || !Number.isFinite(stepMs)) {
      throw new RangeError(
        `Cannot make a game clock as 'stepMs' must be a positive number: current value is ${stepMs}`,
      );
    }
    if (!(maxCatchUpMs >= stepMs) || !Number.isFinite(maxCatchUpMs)) {
      throw new RangeError(
        `Cannot make a game clock as 'maxCatchUpMs' must be at least one step (${stepMs} ms): current value is ${maxCatchUpMs}`,
      );
    }
    this.#stepMs = stepMs;
    this.#maxCatchUpMs = maxCatchUpMs;
  }

  /** Length of each step, in ms. */
  get stepMs(): number {
    return this.#stepMs;
  }

  /**
   * The steps to run now that the wall clock reads `nowMs`. The first
   * reading (and one after {@link FixedStepClock.reset}) only starts the
   * clock; a clock that went backwards runs no step.
   */
  advance(nowMs: number): number {
    if (!Number.isFinite(nowMs)) return 0;
    const last = this.#lastMs;
    this.#lastMs = nowMs;
    if (last === null) return 0;
    const elapsed = Math.min(Math.max(0, nowMs - last), this.#maxCatchUpMs);
    const due = this.#carryMs + elapsed;
    const steps = Math.floor(due / this.#stepMs);
    this.#carryMs = due - steps * this.#stepMs;
    return steps;
  }

  /** Forgets the last reading (the next one starts the clock again). */
  reset(): void {
    this.#lastMs = null;
    this.#carryMs = 0;
  }
}
