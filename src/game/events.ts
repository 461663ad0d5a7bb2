/**
 * Small constructors for the events the engine reports, so every module
 * builds them the same way.
 *
 * @module
 */

import { englishSay, type Say } from "./words.ts";
import type {
  FeedbackEvent,
  GameEvent,
  Tone,
  WorldEvent,
  WorldEventName,
} from "./types.ts";

/** Appends a message for one player's phone (with its English for the big screen). */
export function feedback(
  events: GameEvent[],
  playerId: string,
  say: Say,
  tone: Tone,
): void {
  const e: FeedbackEvent = {
    type: "feedback",
    playerId,
    say,
    text: englishSay(say),
    tone,
  };
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
