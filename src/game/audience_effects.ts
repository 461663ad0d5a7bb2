/**
 * What the audience's event going on changes in the rules, as factors the
 * order, money and movement code multiply by (1 when no event applies). Kept
 * apart from `audience.ts` so those modules import no vote machinery.
 *
 * @module
 */

import {
  GENEROUS_TIP_FACTOR,
  RAIN_WALK_FACTOR,
  RUSH_HOUR_GAP_FACTOR,
} from "./constants.ts";
import type { GameState } from "./types.ts";

/** The kind of the event going on at `atMs` (default: now), or null. */
export function eventAt(
  state: Pick<GameState, "audience" | "clockMs">,
  atMs: number = state.clockMs,
): string | null {
  const e = state.audience?.event;
  return e && atMs >= e.startedMs && atMs < e.endsMs ? e.kind : null;
}

/** Rush hour halves the gap between order attempts. */
export function orderGapFactor(
  state: Pick<GameState, "audience" | "clockMs">,
  atMs: number,
): number {
  return eventAt(state, atMs) === "rush_hour" ? RUSH_HOUR_GAP_FACTOR : 1;
}

/** Generous tips double tips. */
export function tipFactor(
  state: Pick<GameState, "audience" | "clockMs">,
): number {
  return eventAt(state) === "generous_tips" ? GENEROUS_TIP_FACTOR : 1;
}

/** Rain slows walkers to 75 %; cars are unaffected. */
export function walkFactor(
  state: Pick<GameState, "audience" | "clockMs">,
): number {
  return eventAt(state) === "rain" ? RAIN_WALK_FACTOR : 1;
}
