/**
 * The server's error codes in words a child understands.
 *
 * @module
 */
import type { ErrorCode, RoomClosedReason } from "../protocol/mod.ts";

const WORDS: Partial<Record<ErrorCode, string>> = {
  "wrong room":
    "We can't find a game with that code. Check the letters on the big screen!",
  "room closed": "This game has ended — ask the host for the new code",
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

/** Fallback for codes without their own words. */
export const GENERIC_ERROR_WORDS = "Oops, something went wrong. Try again!";

/**
 * Friendly words for an error code from the server.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { errorWords } from "./error_words.ts";
 * assert.match(errorWords("wrong room"), /can't find a game/);
 * assert.match(errorWords("bad json"), /Oops/);
 * ```
 */
export function errorWords(code: string): string {
  return WORDS[code as ErrorCode] ?? GENERIC_ERROR_WORDS;
}

/** When the phone comes back and its game is gone without a word. */
export const GAME_GONE_WORDS =
  "This game ended while your phone was away. Thanks for playing!";

const CLOSED_WORDS: Record<RoomClosedReason, string> = {
  "host left": "The big screen closed the game. Thanks for playing!",
  "host gone":
    "The big screen did not come back, so the game has ended. Thanks for playing!",
  kicked: "The host took you out of this game.",
  "server shutdown":
    "The game server is restarting, so the game has ended. Sorry!",
  "server error":
    "Something went wrong on the game server, so this game has ended. Sorry!",
};

/**
 * Why the game ended, in words, when the server closes the room for this
 * phone.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { roomClosedWords } from "./error_words.ts";
 * assert.match(roomClosedWords("host left"), /big screen closed the game/);
 * assert.match(roomClosedWords("host gone"), /big screen did not come back/);
 * assert.match(roomClosedWords("meteor"), /has ended/);
 * ```
 */
export function roomClosedWords(reason: string): string {
  return CLOSED_WORDS[reason as RoomClosedReason] ??
    "The game has ended. Thanks for playing!";
}
