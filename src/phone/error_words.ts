/**
 * The server's error codes in words a child understands.
 *
 * @module
 */
import type { ErrorCode } from "../protocol/mod.ts";

const WORDS: Partial<Record<ErrorCode, string>> = {
  "wrong room":
    "We can't find a game with that code. Check the letters on the big screen!",
  "no player":
    "This game has already started without you. Ask the host to start a new round!",
  "game started":
    "This game has already started without you. Ask the host to start a new round!",
  "name taken": "Someone in this game already has that name. Pick another one!",
  "room full": "This game is full. Wait for the next one!",
  "bad name": "That name won't work. Use up to 20 letters or numbers.",
  "server full": "The game is very busy right now. Try again in a minute!",
  "too many rooms": "The game is very busy right now. Try again in a minute!",
  "rate limited": "Whoa, too fast! Wait a second and try again.",
  "bad token": "We couldn't bring you back in. Please join again.",
  "already in room": "This phone is already in a game.",
  "not approved": "The host did not let you back in. Ask them, then try again!",
};

/**
 * A join refused because the host closed joining mid-round (drop-in off):
 * the same words as the TV's sidebar.
 */
export const JOINING_CLOSED_WORDS =
  "Joining is closed during the round. You can join at game over!";

/** Fallback for codes without their own words. */
export const GENERIC_ERROR_WORDS = "Oops, something went wrong. Try again!";

/**
 * Friendly words for an error code from the server (`closed`: the host
 * closed joining, see {@link JOINING_CLOSED_WORDS}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { errorWords } from "./error_words.ts";
 * assert.match(errorWords("wrong room"), /can't find a game/);
 * assert.match(errorWords("bad json"), /Oops/);
 * assert.match(errorWords("no player", true), /^Joining is closed during the round/);
 * ```
 */
export function errorWords(code: string, closed = false): string {
  if (closed && code === "no player") return JOINING_CLOSED_WORDS;
  return WORDS[code as ErrorCode] ?? GENERIC_ERROR_WORDS;
}
