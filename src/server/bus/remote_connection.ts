/**
 * The owner's stand-in for a socket that lives on another instance: it
 * implements the registry's connection interface, so the registry treats a
 * remote player exactly like a local one.
 *
 * @module
 */
import type { ServerMessage } from "../../protocol/mod.ts";
import { sendEnvelope } from "./envelope.ts";
import type { RoomBus } from "./room_bus.ts";

/** The registry's connection interface, as the bus needs it. */
export interface BusConnection {
  /** Unique id of this connection in the registry that holds it. */
  readonly id: string;
  /** Sends one message; never throws. */
  send(msg: ServerMessage): void;
  /** Closes the connection with a WebSocket close code and reason. */
  close(code?: number, reason?: string): void;
}

/**
 * The id a remote socket has in the owner's registry: unique across
 * instances because it names the socket's instance.
 */
export function proxyId(instanceId: string, connId: string): string {
  return `${instanceId}:${connId}`;
}

/**
 * A socket on instance `instanceId`, seen from the room's owner: `send`
 * publishes the message to that instance's channel, `close` publishes a
 * close. Neither throws; while the bus is down they are dropped (the socket
 * will reconnect, as after any network loss).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RemoteConnection } from "./remote_connection.ts";
 * import type { WireEnvelope } from "./envelope.ts";
 * const sent: [string, WireEnvelope][] = [];
 * const bus = {
 *   instanceId: "owner",
 *   publish: (to: string, e: WireEnvelope) => (sent.push([to, e]), Promise.resolve(true)),
 * };
 * const conn = new RemoteConnection(bus, "edge", "c7");
 * conn.send({ type: "gameStarted" });
 * assert.equal(conn.id, "edge:c7");
 * assert.deepEqual(sent[0], ["edge",
 *   { kind: "send", from: "owner", conn: "c7", msg: { type: "gameStarted" } }]);
 * ```
 */
export class RemoteConnection implements BusConnection {
  readonly id: string;
  readonly #bus: Pick<RoomBus, "instanceId" | "publish">;
  readonly #instanceId: string;
  readonly #connId: string;

  /**
   * @param bus The owner's bus.
   * @param instanceId The instance the socket lives on.
   * @param connId The socket's id on that instance.
   */
  constructor(
    bus: Pick<RoomBus, "instanceId" | "publish">,
    instanceId: string,
    connId: string,
  ) {
    this.#bus = bus;
    this.#instanceId = instanceId;
    this.#connId = connId;
    this.id = proxyId(instanceId, connId);
  }

  /** The instance the socket lives on. */
  get instanceId(): string {
    return this.#instanceId;
  }

  send(msg: ServerMessage): void {
    void this.#bus.publish(
      this.#instanceId,
      sendEnvelope(this.#bus.instanceId, this.#connId, msg),
    );
  }

  close(code?: number, reason?: string): void {
    void this.#bus.publish(this.#instanceId, {
      kind: "close",
      from: this.#bus.instanceId,
      conn: this.#connId,
      ...(code === undefined ? {} : { code }),
      ...(reason === undefined ? {} : { reason: reason.slice(0, 123) }),
    });
  }
}
