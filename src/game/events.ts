/**
 * Small constructors for the events the engine reports, so every module
 * builds them the same way.
 *
 * @module
 */

import type {
  FeedbackEvent,
  GameEvent,
  Tone,
  WorldEvent,
  WorldEventName,
} from "./types.ts";

/** Appends a message for one player's phone. */
export function feedback(
  events: GameEvent[],
  playerId: string,
  text: string,
  tone: Tone,
): void {
  const e: FeedbackEvent = { type: "feedback", playerId, text, tone };
  events.push(e);
}

/** Appends a world event for the host screen (sound, floating text). */
export function world(
  events: GameEvent[],
  name: WorldEventName,
  x: number,
  y: number,
  extra: { text?: string; playerId?: string; houseId?: number } = {},
): void {
  const e: WorldEvent = { type: "world", name, x, y, ...extra };
  events.push(e);
}
