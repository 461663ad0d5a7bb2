/**
 * Joystick geometry: finger offset to an analog direction and strength.
 *
 * @module
 */

/** Fraction of the radius treated as "centre" (no movement). */
export const DEAD_ZONE = 0.1;
/** Values are rounded to this many steps per unit, so tiny jitter is not sent. */
export const STICK_STEPS = 50;

/** A stick vector: each axis in [-1, 1], length at most 1. */
export interface Stick {
  /** Right is positive. */
  x: number;
  /** Down is positive (screen coordinates). */
  y: number;
}

/** The centred stick. */
export const STICK_CENTRE: Readonly<Stick> = Object.freeze({ x: 0, y: 0 });

/**
 * Turns a finger offset from the stick's centre into a stick vector. Never
 * returns NaN: the exact centre, a zero radius or non-finite input give 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stickVector } from "./joystick_math.ts";
 * assert.deepEqual(stickVector(0, 0, 80), { x: 0, y: 0 });
 * assert.deepEqual(stickVector(200, 0, 80), { x: 1, y: 0 });
 * assert.deepEqual(stickVector(0, -40, 80), { x: 0, y: -0.44 });
 * ```
 */
export function stickVector(dx: number, dy: number, radius: number): Stick {
  const distance = Math.hypot(dx, dy);
  if (!Number.isFinite(distance) || !(distance > 0) || !(radius > 0)) {
    return { x: 0, y: 0 };
  }
  const strength = Math.min(distance / radius, 1);
  if (strength <= DEAD_ZONE) return { x: 0, y: 0 };
  const scaled = (strength - DEAD_ZONE) / (1 - DEAD_ZONE);
  return {
    x: quantize((dx / distance) * scaled),
    y: quantize((dy / distance) * scaled),
  };
}

/** True when two sticks are the same value. */
export function sameStick(a: Stick, b: Stick): boolean {
  return a.x === b.x && a.y === b.y;
}

function quantize(value: number): number {
  const rounded = Math.round(value * STICK_STEPS) / STICK_STEPS;
  return Math.max(-1, Math.min(1, rounded)) || 0;
}
