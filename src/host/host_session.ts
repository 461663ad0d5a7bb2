/**
 * The host's signaling lifecycle: create a room, keep it, reclaim it after a
 * reload, a dropped socket or from a new tab (a closed tab's room), close
 * it. Game traffic is the hub's job.
 *
 * @module
 */
import type {
  ClientMessage,
  RoomClosedReason,
  ServerMessage,
} from "../protocol/mod.ts";
import { Emitter } from "../link/emitter.ts";
import {
  type AnswerMessage,
  SignalingSocket,
} from "../link/signaling_socket.ts";
import type { HostRoomStore, SavedHost } from "./host_rooms.ts";
/** First delay before reconnecting a dropped host socket, in ms. */
export const RECONNECT_FIRST_DELAY_MS = 500;
/** Longest delay between reconnect attempts, in ms. */
export const RECONNECT_MAX_DELAY_MS = 5_000;
/** How often an open room's record is refreshed for a later tab, in ms. */
export const KEEP_FRESH_MS = 2_000;

/** Where the host's room stands. */
export type HostStatus =
  | { kind: "idle" }
  | { kind: "connecting" }
  | { kind: "open"; room: string; started: boolean }
  | { kind: "reconnecting"; room: string; attempt: number }
  | {
    kind: "lost";
    /** Why, for the TV's words: the server closed it, it was gone, or gone too long. */
    reason: RoomClosedReason | "room gone" | "lost too long";
    /** The same in English (logs). */
    message: string;
  }
  | {
    kind: "unreachable";
    /** Why, for the TV's words: never reached, or the connection dropped. */
    reason: "cannot reach" | "connection lost";
    /** The same in English (logs). */
    message: string;
  };

/** Events of a {@link HostSession}. */
export type HostSessionEvents = {
  /** The room's status changed. */
  status: [HostStatus];
  /** Any message from the server (the hub takes the peer ones). */
  message: [ServerMessage];
  /** The server refused something; `message` is for people. */
  error: [message: string, val: string];
};

/** Options of a {@link HostSession}. */
export interface HostSessionOptions {
  /** WebSocket URL of the signaling server. */
  socketUrl: string;
  /** Where the host token survives a reload, or the tab's closing. */
  rooms: HostRoomStore;
  /** How long the server keeps a dropped host's room, in ms (from confirmRoom). */
  graceMs?: number;
  /** How often the open room's record is refreshed. @default KEEP_FRESH_MS */
  keepFreshMs?: number;
}

/**
 * Owns the host's signaling socket.
 *
 * `resume()` reclaims the room this tab hosted before a reload, or a room a
 * closed tab left; `create()` makes a new one, `end()` closes it for good.
 */
export class HostSession extends Emitter<HostSessionEvents> {
  #options: HostSessionOptions;
  #socket: SignalingSocket | null = null;
  #status: HostStatus = { kind: "idle" };
  #saved: SavedHost | null;
  #graceMs: number;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #lostAt = 0;
  #closed = false;
  #iceTimer: ReturnType<typeof setTimeout> | undefined;
  #freshTimer: ReturnType<typeof setInterval> | undefined;

  /** Reads a saved room, if any. */
  constructor(options: HostSessionOptions) {
    super();
    this.#options = options;
    this.#graceMs = options.graceMs ?? 60_000;
    this.#saved = options.rooms.tabRoom;
  }

  /** Current status. */
  get status(): HostStatus {
    return this.#status;
  }

  /** True when a previous page load of this tab left a room to reclaim. */
  get hasSavedRoom(): boolean {
    return this.#saved !== null;
  }

  /**
   * Reclaims this tab's room, or `room` when given (a room a closed tab
   * left, from the store; nothing happens when it has no record).
   */
  async resume(room?: string): Promise<void> {
    if (room !== undefined) {
      const record = this.#options.rooms.record(room);
      if (!record) return;
      this.#saved = { room: record.room, hostToken: record.hostToken };
      this.#graceMs = record.graceMs;
    }
    if (!this.#saved) return;
    this.#setStatus({ kind: "connecting" });
    await this.#connect({ action: "reclaimRoom", ...this.#saved });
  }

  /** Creates a new room. */
  async create(): Promise<void> {
    this.#forget();
    this.#setStatus({ kind: "connecting" });
    await this.#connect({ action: "createRoom" });
  }

  /** Sends a signaling message; false when the socket is down. */
  send(message: ClientMessage): boolean {
    return this.#socket?.send(message) ?? false;
  }

  /**
   * Tells the store this tab still hosts its open room, so the room's record
   * stays fresh for a new tab should this one close (a timer calls it while
   * the room is open; the page calls it when it hides).
   */
  keepFresh(): void {
    if (this.#saved && this.#status.kind === "open") {
      this.#options.rooms.remember(this.#saved, this.#graceMs);
    }
  }

  /** Closes the room for everyone and forgets it. */
  end(): void {
    this.send({ action: "leaveRoom" });
    this.#forget();
    this.close();
    this.#setStatus({ kind: "idle" });
  }

  /** Closes the socket and timers (the room stays reclaimable). */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#iceTimer);
    clearInterval(this.#freshTimer);
    this.#freshTimer = undefined;
    this.#socket?.close();
    this.#socket = null;
  }

  async #connect(first: ClientMessage): Promise<void> {
    this.#closed = false;
    clearTimeout(this.#retryTimer);
    this.#socket?.close();
    const socket = new SignalingSocket(this.#options.socketUrl);
    this.#socket = socket;
    socket.on("message", (msg) => this.#onMessage(msg));
    socket.on("close", () => this.#onClose(socket));
    try {
      await socket.open();
    } catch (error) {
      if (this.#socket !== socket) return;
      const message = error instanceof Error ? error.message : String(error);
      if (this.#saved && this.#lostAt) {
        this.#scheduleRetry();
        return;
      }
      this.#setStatus({
        kind: "unreachable",
        reason: "cannot reach",
        message: `Cannot reach the game server. ${message}`,
      });
      return;
    }
    socket.send(first);
  }

  #onMessage(msg: ServerMessage | AnswerMessage): void {
    if (msg.type === "answer") return;
    switch (msg.type) {
      case "confirmRoom":
        this.#saved = { room: msg.room, hostToken: msg.hostToken };
        this.#graceMs = msg.hostGraceMs;
        this.#lostAt = 0;
        this.#options.rooms.remember(this.#saved, this.#graceMs);
        this.#freshTimer ??= setInterval(
          () => this.keepFresh(),
          this.#options.keepFreshMs ?? KEEP_FRESH_MS,
        );
        this.#setStatus({ kind: "open", room: msg.room, started: msg.started });
        // TURN credentials are only for sockets in a room: ask once in it.
        this.send({ action: "iceServers" });
        break;
      case "iceServers":
        // Ask again before these credentials expire.
        clearTimeout(this.#iceTimer);
        if (msg.ttlMs > 0) {
          this.#iceTimer = setTimeout(
            () => this.send({ action: "iceServers" }),
            msg.ttlMs / 2,
          );
        }
        break;
      case "gameStarted":
        if (this.#status.kind === "open") {
          this.#setStatus({ ...this.#status, started: true });
        }
        break;
      case "error":
        if (
          msg.action === "reclaimRoom" || msg.val === "wrong room" ||
          msg.val === "bad token"
        ) {
          this.#forget();
          this.close();
          this.#setStatus({
            kind: "lost",
            reason: "room gone",
            message:
              "This game's room is gone (the server may have restarted). Create a new game.",
          });
          return;
        }
        this.emit("error", msg.message, msg.val);
        break;
      case "roomClosed":
        this.#forget();
        this.close();
        this.#setStatus({
          kind: "lost",
          reason: msg.reason,
          message: msg.message,
        });
        return;
    }
    this.emit("message", msg);
  }

  #onClose(socket: SignalingSocket): void {
    if (this.#socket !== socket || this.#closed) return;
    this.#socket = null;
    if (!this.#saved) {
      this.#setStatus({
        kind: "unreachable",
        reason: "connection lost",
        message: "Lost the connection to the game server.",
      });
      return;
    }
    if (!this.#lostAt) this.#lostAt = Date.now();
    this.#scheduleRetry();
  }

  #scheduleRetry(): void {
    const saved = this.#saved;
    if (!saved) return;
    if (Date.now() - this.#lostAt > this.#graceMs) {
      this.#forget();
      this.#setStatus({
        kind: "lost",
        reason: "lost too long",
        message:
          "The connection to the game server was lost for too long and the room is gone.",
      });
      return;
    }
    const attempt = this.#status.kind === "reconnecting"
      ? this.#status.attempt + 1
      : 1;
    this.#setStatus({ kind: "reconnecting", room: saved.room, attempt });
    const delay = Math.min(
      RECONNECT_MAX_DELAY_MS,
      RECONNECT_FIRST_DELAY_MS * 2 ** (attempt - 1),
    );
    this.#retryTimer = setTimeout(() => {
      void this.#connect({ action: "reclaimRoom", ...saved });
    }, delay);
  }

  #forget(): void {
    if (this.#saved) this.#options.rooms.forget(this.#saved.room);
    else this.#options.rooms.leaveTab();
    this.#saved = null;
  }

  #setStatus(status: HostStatus): void {
    this.#status = status;
    this.emit("status", status);
  }
}
