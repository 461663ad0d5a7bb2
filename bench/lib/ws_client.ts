/**
 * A signaling client socket for the benchmark: npm:ws, which turns Nagle's
 * algorithm off (TCP_NODELAY) on every socket it opens, so client-side
 * batching does not show up as server latency. Frames arrive parsed.
 *
 * @module
 */
// @ts-types="@types/ws"
import WebSocket from "ws";
import type { Frame } from "./dialects.ts";

/** How long a socket may take to open before the attempt fails, in ms. */
export const OPEN_TIMEOUT_MS = 10_000;

/** An open client socket. */
export interface ClientSocket {
  /** Sends one text frame. */
  send(text: string): void;
  /** Closes the socket (idempotent). */
  close(): void;
  /** Resolves once the socket is closed. */
  readonly closed: Promise<void>;
}

/** Options for {@link openSocket}. */
export interface OpenSocketOptions {
  /** Called with each parsed frame. */
  onFrame: (frame: Frame) => void;
  /** When given, called with each frame's raw text instead of onFrame. */
  onText?: (text: string) => void;
  /** Called once when the socket closes. @default ignore */
  onClose?: () => void;
  /** Called when the socket opened, before the promise resolves. */
  onOpen?: (socket: ClientSocket) => void;
}

/**
 * Opens a WebSocket to `url` and resolves once it is open.
 *
 * @param url `ws://127.0.0.1:<port>/path`.
 * @param options Frame and close callbacks.
 * @returns The open socket.
 * @throws {Error} When the socket fails or takes longer than
 * {@link OPEN_TIMEOUT_MS} to open.
 */
export function openSocket(
  url: string,
  options: OpenSocketOptions,
): Promise<ClientSocket> {
  const { onFrame, onText, onClose = () => {}, onOpen } = options;
  const ws = new WebSocket(url, { perMessageDeflate: false });
  const { promise: closed, resolve: resolveClosed } = Promise.withResolvers<
    void
  >();
  const socket: ClientSocket = {
    send: (text) => ws.send(text),
    close: () => {
      if (ws.readyState === WebSocket.CLOSED) return;
      if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
      else ws.close();
    },
    closed,
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`WebSocket to ${url} did not open in time`));
    }, OPEN_TIMEOUT_MS);
    ws.on("open", () => {
      clearTimeout(timer);
      onOpen?.(socket);
      resolve(socket);
    });
    ws.on("message", (data: WebSocket.RawData) => {
      if (onText) return onText(data.toString());
      let frame: unknown;
      try {
        frame = JSON.parse(data.toString());
      } catch {
        return;
      }
      if (typeof frame === "object" && frame !== null) onFrame(frame as Frame);
    });
    ws.on("error", (error: Error) => {
      clearTimeout(timer);
      reject(error);
    });
    ws.on("close", () => {
      clearTimeout(timer);
      reject(new Error(`WebSocket to ${url} closed before it opened`));
      onClose();
      resolveClosed();
    });
  });
}
