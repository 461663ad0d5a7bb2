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
import {
  type AddressLimits,
  type AskVerdict,
  isTokenFormat,
  type RoomAsk,
} from "./address_limits.ts";
import { FaultBoundary } from "./fault_boundary.ts";

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
/** Close code when a socket sends too much while its room request is checked. */
export const CLOSE_POLICY_VIOLATION = 1008;
/** Frames a socket may send while its room request is checked. */
export const MAX_FRAMES_WHILE_ASKING = 64;
/** Close code when handling this socket hit a bug of the server (RFC 6455). */
export const CLOSE_INTERNAL_ERROR = 1011;

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
   * Where a throw while handling a socket's event goes: reported, and it
   * costs that one socket (closed with {@link CLOSE_INTERNAL_ERROR}).
   */
  boundary: FaultBoundary;
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
  /** Whether the socket is in a room it created or joined. */
  #inRoom = false;
  /** That room's code, upper case. */
  #room = "";
  /** Frames that arrived while a room request is checked, in order. */
  #waiting: unknown[] | undefined;
  /** The last join let through, and whether its code was closed lately. */
  #lastAsk: { ask: RoomAsk; closedCode: boolean } | undefined;
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

  /**
   * The socket's events: open, message, close. A throw while handling one
   * is a bug of the server: it is reported and costs this socket only.
   */
  handleEvent(event: Event): void {
    try {
      this.#guards.boundary.probe?.(this.#context(`socket ${event.type}`));
      switch (event.type) {
        case "message":
          return this.#onFrame((event as MessageEvent).data);
        case "open":
          return this.#onOpen();
        case "close":
          return this.#release();
      }
    } catch (error) {
      this.#guards.boundary.fault(
        this.#context(`socket ${event.type}`),
        error,
        () => this.fail(),
      );
    }
  }

  /**
   * Ends this socket after a fault of the server while handling it: closed
   * with 1011 "internal error", and the registry told it is gone.
   */
  fail(): void {
    this.close(CLOSE_INTERNAL_ERROR, "internal error");
    this.#release();
  }

  #context(where: string) {
    return { where, address: this.#address, connId: this.id };
  }

  send(msg: ServerMessage): void {
    const socket = this.#socket;
    if (this.#gone || socket.readyState !== WebSocket.OPEN) return;
    const guards = this.#guards;
    // One read of what is queued serves the tally and both checks.
    const queued = socket.bufferedAmount;
    this.#count(queued);
    if (queued > guards.maxBufferedBytes) {
      return this.#dropSlow(`${queued} bytes queued`);
    }
    if (
      guards.queued.total > guards.maxQueuedBytesTotal &&
      queued > guards.maxBufferedBytes / 16
    ) {
      return this.#dropSlow(
        `${queued} bytes queued, ${guards.queued.total} on the server`,
      );
    }
    this.#observe(msg);
    socket.send(JSON.stringify(msg));
    this.#track();
  }

  close(code?: number, reason?: string): void {
    const state = this.#socket.readyState;
    if (state === WebSocket.OPEN || state === WebSocket.CONNECTING) {
      this.#socket.close(code, reason);
    }
  }

  /** Called by the {@link UnjoinedSweep} when this socket's time is up. */
  unjoinedTimeout(): void {
    this.#guards.boundary.run(
      this.#context("unjoined timeout"),
      () => this.#unjoinedTimeout(),
      () => this.fail(),
    );
  }

  #unjoinedTimeout(): void {
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
    this.#leaveRoom();
    this.#waiting = undefined;
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

  /** Watches what the registry answers: rooms entered and left, failed joins. */
  #observe(msg: ServerMessage): void {
    if (msg.type === "joined" || msg.type === "confirmRoom") {
      if (!this.#inRoom) {
        this.#guards.unjoined.delete(this);
        this.#guards.limits.seated(this.#address, 1);
      }
      this.#inRoom = true;
      this.#room = msg.room.toUpperCase();
    } else if (msg.type === "roomClosed") {
      this.#leaveRoom();
    } else if (msg.type === "error" && msg.val === "wrong room") {
      const last = this.#lastAsk;
      if (!last || last.ask.action === "createRoom") return;
      const { limits, log, boundary } = this.#guards;
      limits.failedJoin(this.#address, last.ask, last.closedCode).then(
        (verdict) => {
          if (verdict !== "blocked") return;
          log({
            event: "address refused",
            conn: this.id,
            address: this.#address,
            detail: "too many joins to rooms that do not exist",
          });
        },
        (error) => boundary.fault(this.#context("failed join"), error),
      );
    }
  }

  /** The socket is out of its room (closed, left, or the socket is gone). */
  #leaveRoom(): void {
    if (!this.#inRoom) return;
    this.#inRoom = false;
    this.#room = "";
    this.#guards.limits.seated(this.#address, -1);
  }

  /** Checks a room request with the per-address limits, then lets it on. */
  #ask(ask: RoomAsk, data: string): void {
    this.#waiting = [];
    const { limits, boundary } = this.#guards;
    const context = this.#context("room request check");
    limits.ask(this.#address, ask).then(
      (verdict) =>
        boundary.run(
          context,
          () => this.#asked(ask, verdict, data),
          () => this.fail(),
        ),
      (error) => boundary.fault(context, error, () => this.fail()),
    );
  }

  #asked(ask: RoomAsk, verdict: AskVerdict, data: string): void {
    const waiting = this.#waiting ?? [];
    this.#waiting = undefined;
    if (this.#gone) return;
    if (verdict.ok) {
      this.#lastAsk = { ask, closedCode: verdict.closedCode };
      this.#registry.receive(this.id, data);
    } else this.#refuse(ask, verdict);
    // What came meanwhile, in order (a frame may start another check).
    for (let i = 0; i < waiting.length; i++) {
      // (Read through a call: TypeScript keeps the field narrowed otherwise.)
      const again = this.#framesWaiting();
      if (again) {
        again.push(...waiting.slice(i));
        return;
      }
      this.#onFrame(waiting[i]);
    }
  }

  #framesWaiting(): unknown[] | undefined {
    return this.#waiting;
  }

  #refuse(ask: RoomAsk, verdict: Exclude<AskVerdict, { ok: true }>): void {
    const metrics = this.#registry.metrics;
    if (verdict.reason === "room closed") {
      metrics.countError("room closed");
      this.send(roomError("room closed", { action: "joinRoom" }));
      return;
    }
    metrics.countError("rate limited");
    const seconds = Math.max(1, Math.ceil(verdict.retryMs / 1000));
    this.send({
      type: "error",
      val: "rate limited",
      message: verdict.reason === "too many rooms created"
        ? `Too many new games from your network. Wait ${seconds} s, then try again.`
        : `Too many tries to join from your network. Wait ${seconds} s, then check the code on the big screen.`,
      action: ask.action,
    });
  }

  /** TURN credentials only for a socket in a room (issue 11). */
  #answerIceServers(): void {
    if (!this.#inRoom) {
      this.#registry.metrics.countError("not in room");
      this.send(roomError("not in room", { action: "iceServers" }));
      return;
    }
    const mint = this.#guards.iceServersFor ??
      (() => Promise.resolve({ iceServers: [], ttlMs: 0 }));
    mint(this.#address).then(
      (answer) => this.send({ type: "iceServers", ...answer }),
      (error) =>
        this.#guards.boundary.fault(
          this.#context("ice servers"),
          error,
          () => this.fail(),
        ),
    );
  }

  #onFrame(data: unknown): void {
    if (!this.#registered) return;
    if (this.#waiting) {
      if (this.#waiting.length >= MAX_FRAMES_WHILE_ASKING) {
        return this.close(
          CLOSE_POLICY_VIOLATION,
          "too many messages while joining",
        );
      }
      this.#waiting.push(data);
      return;
    }
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
    const ask = roomAskOf(data);
    // A seed client re-sends its join to pass signals: no new request.
    if (
      ask && !(this.#inRoom && ask.action === "joinRoom" &&
        ask.room.toUpperCase() === this.#room)
    ) {
      return this.#ask(ask, data);
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
 * The room a frame asks for (`createRoom`, `joinRoom`, `reclaimRoom`), as
 * the per-address limits see it; `undefined` for any other frame and for a
 * malformed one (the registry answers those). Only a frame that could be
 * one is parsed: it names a `…Room` action, or spells its keys with a `\u`
 * escape. Parsed as the registry parses it, so what is checked here is what
 * the registry acts on.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { roomAskOf } from "./socket_connection.ts";
 * assert.deepEqual(roomAskOf('{"action":"joinRoom","room":"ABCD"}'), {
 *   action: "joinRoom", room: "ABCD", token: false,
 * });
 * assert.deepEqual(roomAskOf('{"action":"createRoom"}'), { action: "createRoom" });
 * assert.equal(roomAskOf('{"action":"relay","data":"x"}'), undefined);
 * assert.equal(roomAskOf('{"\\u0061ction":"reclaimRoom","room":"ABCD"}')?.action, "reclaimRoom");
 * ```
 */
export function roomAskOf(data: string): RoomAsk | undefined {
  if (!data.includes("Room") && !data.includes("\\u")) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const frame = value as {
    action?: unknown;
    room?: unknown;
    reconnectToken?: unknown;
    hostToken?: unknown;
  };
  const { action, room } = frame;
  if (action === "createRoom") return { action };
  if (action !== "joinRoom" && action !== "reclaimRoom") return undefined;
  if (typeof room !== "string") return undefined;
  const token = action === "joinRoom" ? frame.reconnectToken : frame.hostToken;
  return { action, room, token: isTokenFormat(token) };
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
