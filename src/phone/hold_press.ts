/**
 * A press that must be held to count (throwing a backpack item away): the
 * page reports down, up and frame times; this says how far the hold is and
 * fires once when it completes. Time is an input, so tests need no clock.
 *
 * @module
 */

/** How long a backpack item must be held to throw it away, in ms. */
export const HOLD_TO_DISCARD_MS = 800;

/**
 * One held press.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HoldPress } from "./hold_press.ts";
 * const hold = new HoldPress(800);
 * hold.down(1000);
 * assert.equal(hold.tick(1400), false);
 * assert.equal(hold.progress(1400), 0.5);
 * assert.equal(hold.tick(1800), true);
 * assert.equal(hold.tick(1900), false, "fires once");
 * ```
 */
export class HoldPress {
  #holdMs: number;
  #since: number | null = null;
  #fired = false;

  /** @param holdMs How long to hold. @throws RangeError unless positive. */
  constructor(holdMs: number = HOLD_TO_DISCARD_MS) {
    if (!(holdMs > 0)) {
      throw new RangeError(
        `Cannot hold for 'holdMs' must be positive: current value is ${holdMs}`,
      );
    }
    this.#holdMs = holdMs;
  }

  /** Whether a press is under way (held and not yet fired). */
  get holding(): boolean {
    return this.#since !== null && !this.#fired;
  }

  /** The finger went down at `nowMs` (a second down restarts the hold). */
  down(nowMs: number): void {
    this.#since = nowMs;
    this.#fired = false;
  }

  /** The finger lifted or slid away: the press is cancelled. */
  up(): void {
    this.#since = null;
    this.#fired = false;
  }

  /** How far the hold is at `nowMs`, 0..1 (0 when not held). */
  progress(nowMs: number): number {
    if (this.#since === null) return 0;
    if (this.#fired) return 1;
    return Math.min(1, Math.max(0, (nowMs - this.#since) / this.#holdMs));
  }

  /** True once, at the first time the hold is complete. */
  tick(nowMs: number): boolean {
    if (!this.holding || this.progress(nowMs) < 1) return false;
    this.#fired = true;
    return true;
  }
}
