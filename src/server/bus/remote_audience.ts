/**
 * The audience sockets on this instance of rooms that other instances own:
 * the owner sends each audience message once per instance, and this
 * instance serialises it once for all of its watchers of that room.
 *
 * @module
 */
import type { ServerMessage } from "../../protocol/mod.ts";
import type { Connection } from "../room.ts";

/** The `conn` of an `out` envelope for every audience socket of a room here. */
export const AUDIENCE_CONN_PREFIX = "audience:";

/** A connection that can send a frame serialised once for many. */
type TextConnection = Connection & { sendText?(text: string): void };

/**
 * Which local sockets watch which remote room.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RemoteAudience } from "./remote_audience.ts";
 * const sent: string[] = [];
 * const conn = {
 *   id: "c1",
 *   send() {},
 *   close() {},
 *   sendText: (t: string) => void sent.push(t),
 * };
 * const audience = new RemoteAudience();
 * audience.set("c1", "ABCD");
 * audience.deliver("ABCD", [{ type: "roomClosed", reason: "host left", message: "" }], () => conn);
 * assert.equal(sent.length, 1);
 * assert.equal(audience.size, 0); // a closed room ends the watching
 * ```
 */
export class RemoteAudience {
  readonly #rooms = new Map<string, Set<string>>();
  readonly #codes = new Map<string, string>();

  /** Sockets watching now. */
  get size(): number {
    return this.#codes.size;
  }

  /** Marks `connId` as watching `code` here, or (undefined) as not watching. */
  set(connId: string, code: string | undefined): void {
    const before = this.#codes.get(connId);
    if (before === code) return;
    if (before !== undefined) {
      const members = this.#rooms.get(before);
      members?.delete(connId);
      if (members?.size === 0) this.#rooms.delete(before);
      this.#codes.delete(connId);
    }
    if (code === undefined) return;
    this.#codes.set(connId, code);
    const members = this.#rooms.get(code);
    if (members) members.add(connId);
    else this.#rooms.set(code, new Set([connId]));
  }

  /**
   * Sends each message, serialised once, to every watcher of `code` that
   * `reach` gives a connection for; a `roomClosed` ends their watching.
   */
  deliver(
    code: string,
    msgs: readonly ServerMessage[],
    reach: (connId: string) => TextConnection | undefined,
  ): void {
    const members = this.#rooms.get(code);
    if (!members) return;
    for (const msg of msgs) {
      const text = JSON.stringify(msg);
      for (const connId of [...members]) {
        const conn = reach(connId);
        if (!conn) continue;
        if (conn.sendText) conn.sendText(text);
        else conn.send(msg);
        if (msg.type === "roomClosed") this.set(connId, undefined);
      }
    }
  }
}
