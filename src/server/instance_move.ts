/**
 * Sending a phone to the instance that owns its room: the instance URL from
 * the configuration (`INSTANCE_URL`), and the one `moveTo` answer a joining
 * client that declared `canMove` gets on an instance that does not own the
 * room. Where instances cannot be addressed (Deno Deploy) no URL is set and
 * every join is relayed through the bus.
 *
 * @module
 */
import type { ClientMessage, ServerMessage } from "../protocol/mod.ts";

/** The setting naming this instance's own public address. */
export const INSTANCE_URL_SETTING = "INSTANCE_URL";

/** Longest instance URL accepted, in characters. */
const MAX_URL_LENGTH = 200;

/** Socket scheme for each accepted scheme. */
const SOCKET_SCHEMES: Readonly<Record<string, string>> = {
  "http:": "ws:",
  "https:": "wss:",
  "ws:": "ws:",
  "wss:": "wss:",
};

/**
 * The socket URL (`ws:`/`wss:`, path `/ws`) of an instance address given as
 * an origin (`https://a.pizza.example`, `ws://127.0.0.1:8001`).
 *
 * @param raw The configured address.
 * @returns The socket URL phones connect to.
 * @throws RangeError when `raw` is not an http(s) or ws(s) origin (a path
 * other than `/` or `/ws`, a query, a fragment or credentials are refused).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { instanceSocketUrl } from "./instance_move.ts";
 * assert.equal(instanceSocketUrl("https://a.pizza.example"), "wss://a.pizza.example/ws");
 * assert.equal(instanceSocketUrl("ws://127.0.0.1:8001/ws"), "ws://127.0.0.1:8001/ws");
 * assert.throws(() => instanceSocketUrl("javascript:alert(1)"), RangeError);
 * ```
 */
export function instanceSocketUrl(raw: string): string {
  const text = raw.trim();
  const refuse = (why: string) =>
    new RangeError(
      `Cannot use ${INSTANCE_URL_SETTING} as ${why}: current value is "${
        text.slice(0, 80)
      }"`,
    );
  if (text.length > MAX_URL_LENGTH || !URL.canParse(text)) {
    throw refuse("it must be a URL such as https://a.pizza.example");
  }
  const url = new URL(text);
  const scheme = SOCKET_SCHEMES[url.protocol];
  if (scheme === undefined) {
    throw refuse("its scheme must be http, https, ws or wss");
  }
  if (url.username || url.password || url.search || url.hash) {
    throw refuse("it must have no credentials, query or fragment");
  }
  if (url.pathname !== "/" && url.pathname !== "/ws") {
    throw refuse("its path must be / or /ws");
  }
  return `${scheme}//${url.host}/ws`;
}

/**
 * The answer to a join on an instance that does not own the room: `moveTo`
 * the owner, when the client declared `canMove` and the owner's URL (as the
 * owner published it from its config) is a valid instance URL; otherwise
 * `undefined` and the join is relayed as before.
 *
 * @param msg The client's message (only `joinRoom` with `canMove` moves).
 * @param ownerUrl The owner's socket URL, if it has one.
 * @returns The `moveTo` message, or undefined.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { moveFor } from "./instance_move.ts";
 * const join = { action: "joinRoom", room: "ABCD", username: "Ann", canMove: true } as const;
 * assert.deepEqual(moveFor(join, "ws://127.0.0.1:8001/ws"), {
 *   type: "moveTo", url: "ws://127.0.0.1:8001/ws", room: "ABCD",
 * });
 * assert.equal(moveFor({ ...join, canMove: undefined }, "ws://127.0.0.1:8001/ws"), undefined);
 * assert.equal(moveFor(join, "not a url"), undefined);
 * ```
 */
export function moveFor(
  msg: ClientMessage,
  ownerUrl: string | undefined,
): ServerMessage | undefined {
  if (msg.action !== "joinRoom" || msg.canMove !== true || !ownerUrl) {
    return undefined;
  }
  let url: string;
  try {
    url = instanceSocketUrl(ownerUrl);
  } catch {
    return undefined;
  }
  return { type: "moveTo", url, room: msg.room };
}
