/**
 * Every error the registry sends, in one table keyed by error code: the
 * code is the stable machine value, the function words it for people.
 *
 * @module
 */
import type { ErrorCode } from "../protocol/mod.ts";

/** What an error message may mention. */
export interface ErrorContext {
  /** The refused action, e.g. "startGame". */
  action?: string;
  /** A room code. */
  room?: string;
  /** A player name. */
  username?: string;
  /** A count (players in the room, rooms from one network). */
  count?: number;
  /** The player or host named exists but is not connected now. */
  away?: boolean;
  /** Why no room code was free: every code tried was taken. */
  noCode?: boolean;
  /** The host closed the room to new names with `setJoining`. */
  closed?: boolean;
  /** Why a rejoin was not approved. */
  why?: "refused" | "expired" | "busy";
}

/** Words for each error code the registry sends. */
export const ROOM_ERRORS = {
  "already in room": () =>
    "This connection is already in a game. Leave it before creating or joining another.",
  "server full": ({ noCode }: ErrorContext) =>
    noCode
      ? "No free room code was found. Try again in a moment."
      : "The server has too many games right now. Try again in a few minutes.",
  "too many rooms": ({ count }: ErrorContext) =>
    `Your network already has ${count} games open. Close one first.`,
  "wrong room": ({ room }: ErrorContext) =>
    `There is no game with the code ${room}. Check the code on the big screen.`,
  "room closed": () => "This game has ended — ask the host for the new code",
  "bad token": () => "That is not this room's host token.",
  "name taken": ({ username }: ErrorContext) =>
    `Someone called ${username} is already playing. Pick another name.`,
  "no player": ({ username, away, closed }: ErrorContext) =>
    username === undefined
      ? away
        ? "The game screen is not connected right now."
        : closed
        ? "Joining is closed during the round. Friends can join at game over."
        : "This game has already started, and only its players can come back in."
      : away
      ? `${username} is not connected right now.`
      : `There is no player called ${username} in this room.`,
  "room full": ({ count }: ErrorContext) =>
    `This game is full: it has ${count} players already.`,
  "game started": () => "The game has already started.",
  "not in room": ({ action }: ErrorContext) =>
    action === "leaveRoom"
      ? "You are not in a game."
      : `Create a room before sending ${action}.`,
  "not host": ({ action }: ErrorContext) =>
    `Only the game screen can send ${action}.`,
  "bad message": ({ action }: ErrorContext) =>
    `Bad ${action} message: "clientUsername" is required from the host.`,
  "rate limited": () => "Too many messages: slow down. Some were dropped.",
  "not approved": ({ username, why }: ErrorContext) =>
    why === "busy"
      ? `Someone is already asking the host to come back as ${username}. Try again in a moment.`
      : why === "expired"
      ? `The host did not answer, so you were not let back in as ${username}.`
      : `The host did not let you back in as ${username}.`,
  "no request": () =>
    "That rejoin request is over: it was answered, withdrawn or timed out.",
  "unavailable": () =>
    "The game service is having trouble; try again in a minute.",
} as const satisfies Partial<
  Record<ErrorCode, (context: ErrorContext) => string>
>;

/** An error code the registry itself sends (the parser sends the rest). */
export type RoomErrorCode = keyof typeof ROOM_ERRORS;

/**
 * The `error` message for a code, worded from the table.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { roomError } from "./room_errors.ts";
 * assert.deepEqual(roomError("wrong room", { room: "ABCD", action: "joinRoom" }), {
 *   type: "error",
 *   val: "wrong room",
 *   message: "There is no game with the code ABCD. Check the code on the big screen.",
 *   action: "joinRoom",
 * });
 * ```
 */
export function roomError(
  val: RoomErrorCode,
  context: ErrorContext = {},
): {
  type: "error";
  val: RoomErrorCode;
  message: string;
  action?: string;
  closed?: true;
} {
  const message = ROOM_ERRORS[val](context);
  const base = context.action === undefined
    ? { type: "error" as const, val, message }
    : { type: "error" as const, val, message, action: context.action };
  // The phone words a join refused because the host closed joining as the
  // TV does ("Joining is closed during the round…").
  return context.closed ? { ...base, closed: true } : base;
}
