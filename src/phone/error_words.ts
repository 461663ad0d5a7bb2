/**
 * The server's error codes and room-closed reasons as catalogue keys: the
 * phone says them in its own language, in words a child understands.
 *
 * @module
 */
import type { ErrorCode, RoomClosedReason } from "../protocol/mod.ts";

/** The codes with their own words; the key is `error.<code>` with `_` for spaces. */
const CODES: ReadonlySet<string> = new Set<ErrorCode>([
  "wrong room",
  "room closed",
  "no player",
  "game started",
  "name taken",
  "room full",
  "bad name",
  "server full",
  "too many rooms",
  "rate limited",
  "bad token",
  "already in room",
  "not approved",
]);

/**
 * Catalogue key: a join refused because the host closed joining mid-round
 * (drop-in off); the same words as the TV's sidebar.
 */
export const JOINING_CLOSED_WORDS = "error.joining_closed";

/** Catalogue key for codes without their own words. */
export const GENERIC_ERROR_WORDS = "error.generic";

/**
 * The catalogue key of the friendly words for an error code from the
 * server, which the phone says in its own language (`closed`: the host
 * closed joining, see {@link JOINING_CLOSED_WORDS}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { errorWords } from "./error_words.ts";
 * assert.equal(errorWords("wrong room"), "error.wrong_room");
 * assert.equal(errorWords("bad json"), "error.generic");
 * assert.equal(errorWords("no player", true), "error.joining_closed");
 * ```
 */
export function errorWords(code: string, closed = false): string {
  if (closed && code === "no player") return JOINING_CLOSED_WORDS;
  return CODES.has(code)
    ? `error.${code.replaceAll(" ", "_")}`
    : GENERIC_ERROR_WORDS;
}

/** Catalogue key: the game ended while the phone was away. */
export const GAME_GONE_WORDS = "ended.gone";

const CLOSED_REASONS: ReadonlySet<string> = new Set<RoomClosedReason>([
  "host left",
  "host gone",
  "kicked",
  "server shutdown",
  "server error",
]);

/**
 * The catalogue key of the words for why the server closed the room.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { roomClosedWords } from "./error_words.ts";
 * assert.equal(roomClosedWords("kicked"), "closed.kicked");
 * assert.equal(roomClosedWords("???"), "closed.generic");
 * ```
 */
export function roomClosedWords(reason: string): string {
  return CLOSED_REASONS.has(reason)
    ? `closed.${reason.replaceAll(" ", "_")}`
    : "closed.generic";
}
