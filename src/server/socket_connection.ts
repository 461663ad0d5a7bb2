/**
 * Adapts a server-side `WebSocket` to the registry's {@link Connection}, and
 * guards it on the way: the per-address join budget (before the registry
 * sees a join), the deadline to join or create a room, slow readers, the
 * global cap on queued bytes, and binary or oversized frames. Nothing
 * upstream of this file sees a socket.
 *
 * @module
 */
import type { Connection, RoomRegistry } from "./room_registry.ts";
import type { IceServer, ServerMessage } from "../protocol/mod.ts";
import { roomError } from "./room_errors.ts";
import type { AddressLimits } from "./address_limits.ts";

/**
 * Where a socket's traffic goes: the registry itself, or a router in front
 * of it (`bus/room_router.ts`) with the same four members.
 */
export type SignalingPort = Pick<
  RoomRegistry,
  "open" | "receive" | "closed" | "metrics"
>;

/** Close code when a frame is binary (RFC 6455 "unsupported data"). */
export const CLOSE_UNSUPPORTED = 1003;
/** Close code when a frame is over the size limit ("message too big"). */
export const CLOSE_TOO_BIG = 1009;
/** Close code when a socket neither joined nor created a room in time. */
export const CLOSE_UNJOINED = 4001;
/** Close code when a client does not read what it is sent. */
export const CLOSE_TOO_SLOW = 1013;

/** Bytes queued for all sockets of one server, kept current on each send. */
export class QueuedBytes {
  /** Bytes queued for all sockets together (as last seen per socket). */
  total = 0;
}

/** Something worth a log line, with the client address. */
export interface SocketEvent {
  /** Short name, e.g. "slow reader dropped". */
  event: string;
  /** Connection id. */
  conn: string;
  /** Client address. */
  address: string;
  /** Extra detail. */
  detail?: string;
}

/** The guards {@link attachSocket} applies: one object shared by every socket. */
export interface SocketGuards {
  /** Per-address counters. */
  limits: AddressLimits;
  /** Current time in ms. */
  now: () => number;
  /** Sockets that have not joined or created a room yet, and their deadline. */
  unjoined: UnjoinedSweep;
  /** Bytes queued for one socket before it is dropped. */
  maxBufferedBytes: number;
  /** Bytes queued for all sockets before the ones sent to are dropped. */
  maxQueuedBytesTotal: number;
  /** Shared tally of queued bytes. */
  queued: QueuedBytes;
  /** Largest frame, in bytes. */
  maxMessageBytes: number;
  /** Receives events worth logging. */
  log: (event: SocketEvent) => void;
  /** Called once per socket when it is gone (to release counters). */
  onGone: (address: string) => void;
  /**
   * ICE servers for a socket in a room (TURN credentials within the
   * address's budget). @default none: the answer is an empty list
   */
  iceServersFor?: (address: string) => Promise<IceServersAnswer>;
}

/** What a socket in a room is sent when it asks for ICE servers. */
export interface IceServersAnswer {
  /** STUN, then TURN when configured and within budget. */
  iceServers: IceServer[];
  /** How long the TURN credentials stay valid, in ms (0: none given). */
  ttlMs: number;
}

/** What {@link UnjoinedSweep} tells when a socket's time is up. */
export interface UnjoinedSocket {
  /** Closes the socket unless it joined or is gone meanwhile. */
  unjoinedTimeout(): void;
}

/**
 * Closes sockets that neither joined nor created a room within
 * `timeoutMs` of opening, with one timer for all of them (not one per
 * socket): every socket has the same timeout, so the set's insertion order
 * is deadline order and the timer waits for the first one only. The timer
 * runs only while some socket is waiting.
 */
export class UnjoinedSweep {
  readonly #timeoutMs: number;
  readonly #now: () => number;
  /** Waiting sockets and when each opened, oldest first. */
  readonly #waiting = new Map<UnjoinedSocket, number>();
  #timer: ReturnType<typeof setTimeout> | undefined;

  /**
   * @param timeoutMs How long a socket may stay out of any room, in ms.
   * @param now Current time in ms, on the clock the timer runs on.
   * @default performance.now
   */
  constructor(timeoutMs: number, now: () => number = () => performance.now()) {
    this.#timeoutMs = timeoutMs;
    this.#now = now;
  }

  /** How long a socket may stay out of any room, in ms. */
  get timeoutMs(): number {
    return this.#timeoutMs;
  }

  /** Sockets waiting now. */
  get size(): number {
    return this.#waiting.size;
  }

  /** Starts a socket's clock. */
  add(link: UnjoinedSocket): void {
    this.#waiting.set(link, this.#now());
    this.#timer ??= setTimeout(() => this.#sweep(), this.#timeoutMs);
  }

  /** Stops a socket's clock (it joined, or it is gone). */
  delete(link: UnjoinedSocket): void {
    if (!this.#waiting.delete(link) || this.#waiting.size > 0) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #sweep(): void {
    this.#timer = undefined;
    const now = this.#now();
    for (const [link, openedAt] of this.#waiting) {
      const wait = openedAt + this.#timeoutMs - now;
      if (wait > 0) {
        this.#timer = setTimeout(() => this.#sweep(), wait);
        return;
      }
      this.#waiting.delete(link);
      link.unjoinedTimeout();
    }
  }
}

/**
 * Wires a WebSocket to the registry: open, every frame, close.
 *
 * @param socket The server side of an upgraded WebSocket.
 * @param id A unique connection id.
 * @param address The client's IP address.
 * @param registry Where its messages go (the registry or a router).
 * @param guards Limits applied before the registry (shared by all sockets).
 * @returns The connection handle the registry uses.
 */
export function attachSocket(
  socket: WebSocket,
  id: string,
  address: string,
  registry: SignalingPort,
  guards: SocketGuards,
): Connection {
  const link = new SocketLink(socket, id, address, registry, guards);
  // One listener object for every event: no closures per socket.
  socket.addEventListener("open", link);
  socket.addEventListener("message", link);
  socket.addEventListener("close", link);
  // No "error" listener: an error is followed by close, where the registry
  // learns of it, and an error event nobody listens to is dropped (one
  // listener less per socket).
  return link;
}

/**
 * One socket's state and guards, as the registry's {@link Connection} and
 * as the socket's event listener. A class, so what every socket holds is
 * its fields only: the methods are shared.
 */
class SocketLink implements Connection, EventListenerObject, UnjoinedSocket {
  readonly id: string;
  readonly #socket: WebSocket;
  readonly #address: string;
  readonly #registry: SignalingPort;
  readonly #guards: SocketGuards;
  /** Whether the registry knows this connection (open, not yet closed). */
  #registered = false;
  /** Whether the socket created or joined a room (joins stop counting). */
  #inRoom = false;
  /** Whether the socket watches a room as the audience (no TURN for it). */
  #audience = false;
  #gone = false;
  /** This socket's bytes in the shared tally. */
  #counted = 0;

  constructor(
    socket: WebSocket,
    id: string,
    address: string,
    registry: SignalingPort,
    guards: SocketGuards,
  ) {
    this.id = id;
    this.#socket = socket;
    this.#address = address;
    this.#registry = registry;
    this.#guards = guards;
  }

  /** The socket's events: open, message, close. */
  handleEvent(event: Event): void {
    switch (event.type) {
      case "message":
        return this.#onFrame((event as MessageEvent).data);
      case "open":
        return this.#onOpen();
      case "close":
        return this.#release();
    }
  }

  send(msg: ServerMessage): void {
    if (!this.#mayWrite()) return;
    this.#observe(msg);
    this.#socket.send(JSON.stringify(msg));
    this.#track();
  }

  /**
   * Sends a frame serialised once for many (the audience's fan-out). The
   * queued bytes are read once, before the send (the shared tally catches
   * up on the next one): one read fewer per watcher per update.
   */
  sendText(text: string): void {
    if (!this.#mayWrite()) return;
    this.#socket.send(text);
  }

  /** Whether the socket is open and reads what it is sent (else dropped). */
  #mayWrite(): boolean {
    const socket = this.#socket;
    if (this.#gone || socket.readyState !== WebSocket.OPEN) return false;
    const guards = this.#guards;
    // One read of what is queued serves the tally and both checks.
    const queued = socket.bufferedAmount;
    this.#count(queued);
    if (queued > guards.maxBufferedBytes) {
      this.#dropSlow(`${queued} bytes queued`);
      return false;
    }
    if (
      guards.queued.total > guards.maxQueuedBytesTotal &&
      queued > guards.maxBufferedBytes / 16
    ) {
      this.#dropSlow(
        `${queued} bytes queued, ${guards.queued.total} on the server`,
      );
      return false;
    }
    return true;
  }

  close(code?: number, reason?: string): void {
    const state = this.#socket.readyState;
    if (state === WebSocket.OPEN || state === WebSocket.CONNECTING) {
      this.#socket.close(code, reason);
    }
  }

  /** Called by the {@link UnjoinedSweep} when this socket's time is up. */
  unjoinedTimeout(): void {
    if (this.#inRoom || this.#gone) return;
    this.#guards.log({
      event: "unjoined socket closed",
      conn: this.id,
      address: this.#address,
    });
    this.close(
      CLOSE_UNJOINED,
      `no room created or joined within ${
        Math.round(this.#guards.unjoined.timeoutMs / 1000)
      } s`,
    );
  }

  #track(): void {
    const socket = this.#socket;
    this.#count(
      socket.readyState === WebSocket.OPEN ? socket.bufferedAmount : 0,
    );
  }

  /** Puts this socket's queued bytes, now `amount`, in the shared tally. */
  #count(amount: number): void {
    this.#guards.queued.total += amount - this.#counted;
    this.#counted = amount;
  }

  /** Tells the registry the socket is gone, once. */
  #release(): void {
    if (this.#gone) return;
    this.#gone = true;
    const guards = this.#guards;
    guards.unjoined.delete(this);
    guards.queued.total -= this.#counted;
    this.#counted = 0;
    if (this.#registered) this.#registry.closed(this.id);
    this.#registered = false;
    guards.onGone(this.#address);
  }

  /**
   * A slow reader is dropped at once: the registry hears of it as a
   * disconnect now (seat marked disconnected, host told), not when a close
   * frame it will never read gets through.
   */
  #dropSlow(detail: string): void {
    this.#guards.log({
      event: "slow reader dropped",
      conn: this.id,
      address: this.#address,
      detail,
    });
    this.#release();
    this.close(CLOSE_TOO_SLOW, "client is not reading its messages");
  }

  /** Watches what the registry answers: joins and failed joins. */
  #observe(msg: ServerMessage): void {
    if (
      msg.type === "joined" || msg.type === "confirmRoom" ||
      msg.type === "watching"
    ) {
      if (!this.#inRoom) this.#guards.unjoined.delete(this);
      this.#inRoom = true;
      this.#audience = msg.type === "watching";
    } else if (msg.type === "error" && msg.val === "wrong room") {
      const { limits, now, log } = this.#guards;
      if (limits.failedJoin(this.#address, now())) {
        log({
          event: "address refused",
          conn: this.id,
          address: this.#address,
          detail: "too many joins to rooms that do not exist",
        });
      }
    }
  }

  #refuseJoin(retryMs: number): void {
    this.#registry.metrics.countError("rate limited");
    const seconds = Math.max(1, Math.ceil(retryMs / 1000));
    this.send({
      type: "error",
      val: "rate limited",
      message:
        `Too many tries to join from your network. Wait ${seconds} s, then check the code on the big screen.`,
      action: "joinRoom",
    });
  }

  /** TURN credentials only for a socket in a room (issue 11). */
  #answerIceServers(): void {
    if (!this.#inRoom || this.#audience) {
      this.#registry.metrics.countError("not in room");
      this.send(roomError("not in room", { action: "iceServers" }));
      return;
    }
    const mint = this.#guards.iceServersFor ??
      (() => Promise.resolve({ iceServers: [], ttlMs: 0 }));
    mint(this.#address).then(
      (answer) => this.send({ type: "iceServers", ...answer }),
      (error) =>
        this.#guards.log({
          event: "ice servers failed",
          conn: this.id,
          address: this.#address,
          detail: String(error),
        }),
    );
  }

  #onFrame(data: unknown): void {
    if (!this.#registered) return;
    const registry = this.#registry;
    if (typeof data !== "string") {
      registry.receive(this.id, data);
      return this.close(CLOSE_UNSUPPORTED, "binary frames are not accepted");
    }
    if (utf8Exceeds(data, this.#guards.maxMessageBytes)) {
      registry.receive(this.id, data);
      return this.close(CLOSE_TOO_BIG, "message too large");
    }
    if (isIceServersAsk(data)) return this.#answerIceServers();
    if (!this.#inRoom && isJoin(data)) {
      const { limits, now } = this.#guards;
      const verdict = limits.allowJoin(this.#address, now());
      if (!verdict.ok) return this.#refuseJoin(verdict.retryMs);
    }
    registry.receive(this.id, data);
  }

  #onOpen(): void {
    if (this.#gone) return;
    this.#registered = true;
    this.#registry.open(this, this.#address);
    if (!this.#inRoom) this.#guards.unjoined.add(this);
  }
}

/**
 * Whether a frame asks for a room by code (`joinRoom`, `reclaimRoom`): the
 * cheap test first, as most frames are relays. A join carries the player's
 * offer, so the frame is not parsed when its one `"action"` key can be read
 * in place (no `\u` escape anywhere, so no key is spelled otherwise); only
 * an unusual frame is parsed whole. A frame read as a join that is not one
 * costs its sender a join token, never the other way round.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isJoin } from "./socket_connection.ts";
 * assert.equal(isJoin('{"action":"joinRoom","room":"ABCD"}'), true);
 * assert.equal(isJoin('{"action":"createRoom"}'), false);
 * assert.equal(isJoin('{"action":"relay","action":"joinRoom"}'), true);
 * assert.equal(isJoin('{"\\u0061ction":"reclaimRoom"}'), true);
 * ```
 */
export function isJoin(data: string): boolean {
  // A \u escape can spell any key or value: such a frame is parsed whole.
  const escaped = data.includes("\\u");
  if (!escaped && !data.includes("Room")) return false;
  const key = escaped ? -1 : data.indexOf('"action"');
  // Without escapes, an "action" key is spelled so, or there is none.
  if (!escaped && key === -1) return false;
  if (key !== -1 && data.indexOf('"action"', key + 1) === -1) {
    // The only "action" key there can be: read its value where it stands.
    let at = skipSpace(data, key + 8);
    if (data.charCodeAt(at) !== 58 /* : */) return false;
    at = skipSpace(data, at + 1);
    if (data.charCodeAt(at) !== 34 /* " */) return false;
    const end = data.indexOf('"', at + 1);
    if (end === -1) return false;
    const action = data.slice(at + 1, end);
    return action === "joinRoom" || action === "reclaimRoom";
  }
  try {
    const value: unknown = JSON.parse(data);
    if (typeof value !== "object" || value === null) return false;
    const action = (value as { action?: unknown }).action;
    return action === "joinRoom" || action === "reclaimRoom";
  } catch {
    return false;
  }
}

/** The index of the first character at or after `at` that is not JSON whitespace. */
function skipSpace(text: string, at: number): number {
  for (;;) {
    const c = text.charCodeAt(at);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return at;
    at++;
  }
}

/** Whether a frame is `{"action":"iceServers"}` (the cheap test first). */
function isIceServersAsk(data: string): boolean {
  if (data.length > 64 || !data.includes("iceServers")) return false;
  try {
    const value: unknown = JSON.parse(data);
    return typeof value === "object" && value !== null &&
      !Array.isArray(value) && Object.keys(value).length === 1 &&
      (value as { action?: unknown }).action === "iceServers";
  } catch {
    return false;
  }
}

/** Whether `text` is longer than `limit` bytes in UTF-8. */
function utf8Exceeds(text: string, limit: number): boolean {
  if (text.length > limit) return true;
  if (text.length * 3 <= limit) return false;
  return new TextEncoder().encode(text).length > limit;
}
