/**
 * The phone's comfort settings: which hand holds the joystick, reduced
 * motion and vibration. Pure: stored as one small JSON string (the page
 * keeps it in `localStorage`); anything unreadable falls back to defaults.
 *
 * @module
 */

/** The phone's comfort settings. */
export interface ComfortSettings {
  /** Joystick on the left (right-handed, default) or on the right. */
  leftHanded: boolean;
  /** No shaking, sliding or pulsing; confetti as a still badge. */
  reduceMotion: boolean;
  /** Buzz on feedback. */
  vibration: boolean;
}

/** `localStorage` key of the settings. */
export const COMFORT_KEY = "pizza-peers:comfort";

/**
 * The defaults: right-handed, vibration on, reduced motion as the system
 * asks (`prefers-reduced-motion`).
 */
export function defaultComfort(systemReducesMotion: boolean): ComfortSettings {
  return {
    leftHanded: false,
    reduceMotion: systemReducesMotion,
    vibration: true,
  };
}

/**
 * Reads stored settings over the defaults; keeps only boolean fields.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseComfort } from "./comfort_settings.ts";
 * assert.deepEqual(parseComfort('{"leftHanded":true,"vibration":"x"}', false), {
 *   leftHanded: true, reduceMotion: false, vibration: true,
 * });
 * assert.equal(parseComfort("not json", true).reduceMotion, true);
 * ```
 */
export function parseComfort(
  raw: string | null,
  systemReducesMotion: boolean,
): ComfortSettings {
  const settings = defaultComfort(systemReducesMotion);
  if (!raw) return settings;
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return settings;
  }
  if (typeof data !== "object" || data === null) return settings;
  const record = data as Record<string, unknown>;
  for (const key of Object.keys(settings) as (keyof ComfortSettings)[]) {
    if (typeof record[key] === "boolean") settings[key] = record[key];
  }
  return settings;
}
