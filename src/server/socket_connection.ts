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

/** The guards {@link attachSocket} applies. */
export interface SocketGuards {
  /** Per-address counters. */
  limits: AddressLimits;
  /** Current time in ms. */
  now: () => number;
  /** Close a socket that has not joined or created a room by then, in ms. */
  unjoinedTimeoutMs: number;
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
  /** Called once when the socket is gone (to release counters). */
  onGone: () => void;
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

/**
 * Wires a WebSocket to the registry: open, every frame, close.
 *
 * @param socket The server side of an upgraded WebSocket.
 * @param id A unique connection id.
 * @param address The client's IP address.
 * @param registry Where its messages go (the registry or a router).
 * @param guards Limits applied before the registry.
 * @returns The connection handle the registry uses.
 */
export function attachSocket(
  socket: WebSocket,
  id: string,
  address: string,
  registry: SignalingPort,
  guards: SocketGuards,
): Connection {
  const { limits, now, queued, log } = guards;
  /** Whether the registry knows this connection (open, not yet closed). */
  let registered = false;
  /** Whether the socket created or joined a room (joins stop counting). */
  let inRoom = false;
  let gone = false;
  let counted = 0;
  let unjoinedTimer: ReturnType<typeof setTimeout> | undefined;

  const track = () => {
    const amount = socket.readyState === WebSocket.OPEN
      ? socket.bufferedAmount
      : 0;
    queued.total += amount - counted;
    counted = amount;
  };

  /** Tells the registry the socket is gone, once. */
  const release = () => {
    if (gone) return;
    gone = true;
    clearTimeout(unjoinedTimer);
    queued.total -= counted;
    counted = 0;
    if (registered) registry.closed(id);
    registered = false;
    guards.onGone();
  };

  const close = (code: number, reason: string) => {
    if (
      socket.readyState === WebSocket.OPEN ||
      socket.readyState === WebSocket.CONNECTING
    ) {
      socket.close(code, reason);
    }
  };

  /**
   * A slow reader is dropped at once: the registry hears of it as a
   * disconnect now (seat marked disconnected, host told), not when a close
   * frame it will never read gets through.
   */
  const dropSlow = (detail: string) => {
    log({ event: "slow reader dropped", conn: id, address, detail });
    release();
    close(CLOSE_TOO_SLOW, "client is not reading its messages");
  };

  const connection: Connection = {
    id,
    send(msg: ServerMessage): void {
      if (gone || socket.readyState !== WebSocket.OPEN) return;
      track();
      if (socket.bufferedAmount > guards.maxBufferedBytes) {
        return dropSlow(`${socket.bufferedAmount} bytes queued`);
      }
      if (
        queued.total > guards.maxQueuedBytesTotal &&
        socket.bufferedAmount > guards.maxBufferedBytes / 16
      ) {
        return dropSlow(
          `${socket.bufferedAmount} bytes queued, ${queued.total} on the server`,
        );
      }
      observe(msg);
      socket.send(JSON.stringify(msg));
      track();
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

  /** Watches what the registry answers: joins and failed joins. */
  const observe = (msg: ServerMessage) => {
    if (msg.type === "joined" || msg.type === "confirmRoom") {
      inRoom = true;
      clearTimeout(unjoinedTimer);
    } else if (msg.type === "error" && msg.val === "wrong room") {
      if (limits.failedJoin(address, now())) {
        log({
          event: "address refused",
          conn: id,
          address,
          detail: "too many joins to rooms that do not exist",
        });
      }
    }
  };

  const refuseJoin = (retryMs: number) => {
    registry.metrics.countError("rate limited");
    const seconds = Math.max(1, Math.ceil(retryMs / 1000));
    connection.send({
      type: "error",
      val: "rate limited",
      message:
        `Too many tries to join from your network. Wait ${seconds} s, then check the code on the big screen.`,
      action: "joinRoom",
    });
  };

  /** TURN credentials only for a socket in a room (issue 11). */
  const answerIceServers = () => {
    if (!inRoom) {
      registry.metrics.countError("not in room");
      connection.send(roomError("not in room", { action: "iceServers" }));
      return;
    }
    const mint = guards.iceServersFor ??
      (() => Promise.resolve({ iceServers: [], ttlMs: 0 }));
    mint(address).then(
      (answer) => connection.send({ type: "iceServers", ...answer }),
      (error) =>
        log({
          event: "ice servers failed",
          conn: id,
          address,
          detail: String(error),
        }),
    );
  };

  const onFrame = (data: unknown) => {
    if (!registered) return;
    if (typeof data !== "string") {
      registry.receive(id, data);
      return close(CLOSE_UNSUPPORTED, "binary frames are not accepted");
    }
    if (utf8Exceeds(data, guards.maxMessageBytes)) {
      registry.receive(id, data);
      return close(CLOSE_TOO_BIG, "message too large");
    }
    if (isIceServersAsk(data)) return answerIceServers();
    if (!inRoom && isJoin(data)) {
      const verdict = limits.allowJoin(address, now());
      if (!verdict.ok) return refuseJoin(verdict.retryMs);
    }
    registry.receive(id, data);
  };

  socket.onopen = () => {
    if (gone) return;
    registered = true;
    registry.open(connection, address);
    unjoinedTimer = setTimeout(() => {
      if (inRoom || gone) return;
      log({ event: "unjoined socket closed", conn: id, address });
      close(
        CLOSE_UNJOINED,
        `no room created or joined within ${
          Math.round(guards.unjoinedTimeoutMs / 1000)
        } s`,
      );
    }, guards.unjoinedTimeoutMs);
  };
  socket.onmessage = (event) => onFrame(event.data);
  socket.onclose = release;
  // Errors are followed by close; the registry learns of it there.
  socket.onerror = () => {};
  return connection;
}

/**
 * Whether a frame asks for a room by code (`joinRoom`, `reclaimRoom`): the
 * cheap test first, as most frames are relays.
 */
function isJoin(data: string): boolean {
  if (!data.includes("Room")) return false;
  try {
    const value: unknown = JSON.parse(data);
    if (typeof value !== "object" || value === null) return false;
    const action = (value as { action?: unknown }).action;
    return action === "joinRoom" || action === "reclaimRoom";
  } catch {
    return false;
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
