/**
 * Adapts a server-side `WebSocket` to the registry's {@link Connection}.
 * Nothing upstream of this file sees a socket.
 *
 * @module
 */
import type { Connection, RoomRegistry } from "./room_registry.ts";
import type { ServerMessage } from "../protocol/mod.ts";

/** A client that stops reading is closed once this much is queued for it. */
export const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** WebSocket close code when a client cannot keep up with its messages. */
export const CLOSE_TOO_SLOW = 1013;

/**
 * Wires a WebSocket to the registry: open, every frame, close.
 *
 * @param socket The server side of an upgraded WebSocket.
 * @param id A unique connection id.
 * @param address The client's IP address.
 * @param registry Where its messages go.
 * @returns The connection handle the registry uses.
 */
export function attachSocket(
  socket: WebSocket,
  id: string,
  address: string,
  registry: RoomRegistry,
): Connection {
  const connection: Connection = {
    id,
    send(msg: ServerMessage): void {
      if (socket.readyState !== WebSocket.OPEN) return;
      if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
        socket.close(CLOSE_TOO_SLOW, "client is not reading its messages");
        return;
      }
      socket.send(JSON.stringify(msg));
    },
    close(code?: number, reason?: string): void {
      if (
        socket.readyState === WebSocket.OPEN ||
        socket.readyState === WebSocket.CONNECTING
      ) {
        socket.close(code, reason);
      }
    },
  };
  socket.onopen = () => registry.open(connection, address);
  socket.onmessage = (event) => registry.receive(id, event.data);
  socket.onclose = () => registry.closed(id);
  // Errors are followed by close; the registry learns of it there.
  socket.onerror = () => {};
  return connection;
}
