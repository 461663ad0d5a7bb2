/**
 * The signaling WebSocket of a page: typed sends, validated receives, and a
 * promise for the connection.
 *
 * @module
 */
import {
  type AnswerMessage,
  type ClientMessage,
  parseServerMessage,
  type ServerMessage,
} from "../protocol/mod.ts";
import { Emitter } from "./emitter.ts";

/** How long to wait for the socket to open before giving up, in ms. */
export const SOCKET_OPEN_TIMEOUT_MS = 8_000;

/** Events of a {@link SignalingSocket}. */
export type SignalingEvents = {
  /** A message from the server (signals keep simple-peer's `{type, sdp}`). */
  message: [ServerMessage | AnswerMessage];
  /** The socket closed; `wasOpen` is false when it never connected. */
  close: [{ code: number; wasOpen: boolean }];
};

export type { AnswerMessage } from "../protocol/mod.ts";

/** Builds the WebSocket URL (`ws:`/`wss:`, path `/ws`) for a page origin. */
export function socketUrlFor(origin: string): string {
  const url = new URL("/ws", origin);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.href;
}

/**
 * One WebSocket to the signaling server. `open()` resolves once connected;
 * `close()` is idempotent and detaches every handler.
 */
export class SignalingSocket extends Emitter<SignalingEvents> {
  #socket: WebSocket | null = null;
  #closed = false;
  #wasOpen = false;

  /** @param url Full `ws:`/`wss:` URL of the signaling endpoint. */
  constructor(readonly url: string) {
    super();
  }

  /** True while the socket is open. */
  get isOpen(): boolean {
    return this.#socket?.readyState === WebSocket.OPEN;
  }

  /**
   * Connects.
   *
   * @throws {Error} When the server cannot be reached in time.
   */
  open(timeoutMs = SOCKET_OPEN_TIMEOUT_MS): Promise<void> {
    if (this.#socket) throw new Error("SignalingSocket.open() called twice");
    const socket = new WebSocket(this.url);
    this.#socket = socket;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error("The server did not answer in time."));
        this.close();
      }, timeoutMs);
      socket.onopen = () => {
        clearTimeout(timer);
        this.#wasOpen = true;
        resolve();
      };
      socket.onmessage = (event) => {
        const parsed = parseServerMessage(event.data);
        if (!parsed.ok) return;
        this.emit("message", parsed.msg as ServerMessage | AnswerMessage);
      };
      socket.onclose = (event) => {
        clearTimeout(timer);
        if (!this.#wasOpen) reject(new Error("The server cannot be reached."));
        this.#finish(event.code);
      };
      socket.onerror = () => {
        // A close event always follows; it carries the outcome.
      };
    });
  }

  /** Sends one message; returns false when the socket is not open. */
  send(message: ClientMessage): boolean {
    if (!this.isOpen || !this.#socket) return false;
    this.#socket.send(JSON.stringify(message));
    return true;
  }

  /** Closes the socket and emits `close` once. */
  close(code = 1000): void {
    const socket = this.#socket;
    if (socket && socket.readyState <= WebSocket.OPEN) {
      socket.close(code);
    }
    this.#finish(code);
  }

  #finish(code: number): void {
    if (this.#closed) return;
    this.#closed = true;
    const socket = this.#socket;
    if (socket) {
      socket.onopen = socket.onmessage = socket.onerror = null;
      socket.onclose = null;
    }
    this.emit("close", { code, wasOpen: this.#wasOpen });
    this.clear();
  }
}
