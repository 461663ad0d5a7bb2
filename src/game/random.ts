/**
 * Seeded pseudo-random numbers (mulberry32). The generator's whole state is
 * one unsigned 32-bit number, kept inside the game state so that a saved state
 * replays exactly. No `Math.random` anywhere in the engine.
 *
 * @module
 */

/** A holder of PRNG state; the functions below advance `rng` in place. */
export interface RngHolder {
  /** Unsigned 32-bit generator state. */
  rng: number;
}

/**
 * Normalises any number into a valid 32-bit seed (NaN and Infinity become 0).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { toSeed } from "./random.ts";
 * assert.equal(toSeed(-1), 4294967295);
 * assert.equal(toSeed(Number.NaN), 0);
 * ```
 */
export function toSeed(value: number): number {
  return Number.isFinite(value) ? Math.trunc(value) >>> 0 : 0;
}

/**
 * Returns the next float in [0, 1) and advances the holder's state.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nextFloat } from "./random.ts";
 * const a = { rng: 42 }, b = { rng: 42 };
 * assert.equal(nextFloat(a), nextFloat(b));
 * ```
 */
export function nextFloat(holder: RngHolder): number {
  let t = (holder.rng + 0x6d2b79f5) >>> 0;
  holder.rng = t;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** Returns an integer in [min, max] (both inclusive). */
export function nextInt(holder: RngHolder, min: number, max: number): number {
  return min + Math.floor(nextFloat(holder) * (max - min + 1));
}

/** Returns true with the given probability. */
export function chance(holder: RngHolder, probability: number): boolean {
  return nextFloat(holder) < probability;
}

/** Returns a random element of a non-empty array. */
export function pick<T>(holder: RngHolder, items: readonly T[]): T {
  return items[Math.floor(nextFloat(holder) * items.length)];
}

/** Returns a shuffled copy of `items` (Fisher-Yates); the input is untouched. */
export function shuffled<T>(holder: RngHolder, items: readonly T[]): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(nextFloat(holder) * (i + 1));
    const tmp = out[i];
    out[i] = out[j];
    out[j] = tmp;
  }
  return out;
}

/** Draws a fresh 32-bit seed (for a new town on restart). */
export function nextSeed(holder: RngHolder): number {
  return Math.floor(nextFloat(holder) * 4294967296) >>> 0;
}
