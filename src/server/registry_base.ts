/**
 * What the registry's parts share: its types and options, its maps of
 * connections and rooms, and the helpers that send errors, detach
 * connections and close rooms. `registry_seats.ts` adds joins and the
 * host's commands on top; `room_registry.ts` the public face.
 *
 * @module
 */
import type { Config } from "./config.ts";
import { Metrics } from "./metrics.ts";
import type {
  PlayerGoneReason,
  ProtocolError,
  RoomClosedReason,
  ServerMessage,
  SignalData,
} from "../protocol/mod.ts";
import type { RejoinOutcome } from "../protocol/signaling.ts";
import type { Connection, Room } from "./room.ts";
import { randomRoomCode, randomToken } from "./room_codes.ts";
import {
  type ErrorContext,
  roomError,
  type RoomErrorCode,
} from "./room_errors.ts";

/** The limits the registry enforces: a subset of {@link Config}. */
export type RegistryLimits = Pick<
  Config,
  | "maxMessageBytes"
  | "maxPlayersPerRoom"
  | "maxRooms"
  | "maxRoomsPerAddress"
  | "maxMessagesPerSecond"
  | "messageBurst"
  | "hostGraceMs"
  | "lobbySeatGraceMs"
  | "rejoinApprovalMs"
>;

/** One line of the event log: what happened, never SDP contents. */
export interface RegistryEvent {
  /** Short name, e.g. "room created". */
  event: string;
  /** Room code, when the event concerns a room. */
  room?: string;
  /** Connection id. */
  conn?: string;
  /**
   * The connection's client address, on every event that names a
   * connection (so the log needs no map of its own).
   */
  address?: string;
  /** Player name. */
  username?: string;
  /** Extra detail (an error code, a reason). */
  detail?: string;
}

/** Why a room closed: as its players are told, or its code went elsewhere. */
export type RoomCloseReason = RoomClosedReason | "code lost";

/**
 * A change to a room that its record (in a shared store) must follow: a
 * room bus subscribes to these through {@link RoomRegistryOptions.onChange}.
 */
export type RoomChange =
  /** A room opened here (created, or restored from a record). */
  | { type: "room created"; code: string }
  /** The host token was renewed, or the game started. */
  | { type: "room changed"; code: string }
  /** A seat was taken, taken back (a new token) or freed. */
  | { type: "seat changed"; code: string; username: string }
  /** A room closed here, and why. */
  | { type: "room closed"; code: string; reason: RoomCloseReason };

/** Options for {@link RoomRegistry}. */
export interface RoomRegistryOptions {
  /** Limits to enforce. */
  limits: RegistryLimits;
  /** Current time in ms. @default Date.now */
  now?: () => number;
  /** Makes a candidate room code. @default randomRoomCode */
  generateCode?: () => string;
  /** Makes a secret token. @default randomToken */
  generateToken?: () => string;
  /** Counters to update. @default new Metrics() */
  metrics?: Metrics;
  /** Receives one event per room or connection change. @default ignore */
  log?: (event: RegistryEvent) => void;
  /** Receives each change a room's record must follow. @default ignore */
  onChange?: (change: RoomChange) => void;
}

/** WebSocket close code for "policy violation" (used for kicks). */
export const CLOSE_POLICY = 1008;
/** WebSocket close code for "going away" (server shutdown). */
export const CLOSE_GOING_AWAY = 1001;
/** WebSocket close code when a newer connection took this player's seat. */
export const CLOSE_REPLACED = 4000;

/**
 * Valid reconnect tokens one seat keeps (digests of an adopted room's
 * included): the newest, plus those of phones it was taken from without
 * their token (oldest dropped first).
 */
export const MAX_SEAT_TOKENS = 4;

/** What the registry knows of one connection. */
export interface ConnectionState {
  conn: Connection;
  address: string;
  role: "none" | "host" | "player";
  room?: Room;
  username?: string;
  /** The name this connection asked for (before any renaming). */
  requestedName?: string;
  /** Message budget: tokens left (a token bucket's level, in place). */
  tokens: number;
  /** When `tokens` was last brought up to date, in ms. */
  tokensAt: number;
  /** The budget's multiple of the per-socket rate and burst (hosts: room size). */
  budgetScale: number;
  lastRateErrorAt: number;
  /** A rejoin by name this connection waits on (its role stays "none"). */
  waiting?: { room: Room; requestId: string };
}

/** Counts of what the registry holds, for `/metrics` and `/healthz`. */
export interface RegistryStats {
  /** Rooms open now. */
  rooms: number;
  /** Connections known now. */
  connections: number;
  /** Players in rooms, connected or not. */
  players: number;
}

/** The registry's state and shared helpers (see {@link RoomRegistry}). */
export abstract class RegistryBase {
  protected readonly limits: RegistryLimits;
  protected readonly now: () => number;
  protected readonly generateCode: () => string;
  protected readonly generateToken: () => string;
  protected readonly log: (event: RegistryEvent) => void;
  protected readonly onChange: (change: RoomChange) => void;
  protected readonly connections = new Map<string, ConnectionState>();
  protected readonly rooms = new Map<string, Room>();
  protected readonly roomsByAddress = new Map<string, number>();
  protected requestCount = 0;
  /** Rooms reach connections through this, and only through it. */
  protected readonly lookup = (connId: string): Connection | undefined =>
    this.connections.get(connId)?.conn;
  /** Counters this registry updates. */
  readonly metrics: Metrics;

  constructor(options: RoomRegistryOptions) {
    const {
      limits,
      now = Date.now,
      generateCode = randomRoomCode,
      generateToken = randomToken,
      metrics = new Metrics(),
      log = () => {},
      onChange = () => {},
    } = options;
    this.limits = { ...limits };
    this.now = now;
    this.generateCode = generateCode;
    this.generateToken = generateToken;
    this.metrics = metrics;
    this.log = log;
    this.onChange = onChange;
  }

  protected removePlayer(
    room: Room,
    username: string,
    reason: PlayerGoneReason,
  ): void {
    const seat = room.unseat(username);
    if (!seat) return;
    this.scaleHostBudget(room);
    const conn = this.stateOf(seat.connId);
    if (conn) this.detach(conn);
    this.log({
      event: "player left",
      room: room.code,
      username: seat.username,
      detail: reason,
    });
    this.onChange({
      type: "seat changed",
      code: room.code,
      username: seat.username,
    });
    room.sendHost({
      type: "playerLeft",
      clientUsername: seat.username,
      reason,
    });
  }

  /** Removes a room from the maps; says so in the log and as a change. */
  protected forget(room: Room, reason: RoomCloseReason): void {
    this.rooms.delete(room.code);
    const count = (this.roomsByAddress.get(room.address) ?? 1) - 1;
    if (count > 0) this.roomsByAddress.set(room.address, count);
    else this.roomsByAddress.delete(room.address);
    this.log({ event: "room closed", room: room.code, detail: reason });
    this.onChange({ type: "room closed", code: room.code, reason });
  }

  protected closeRoom(
    room: Room,
    reason: RoomClosedReason,
    message: string,
  ): void {
    if (this.rooms.get(room.code) !== room) return;
    this.forget(room, reason);
    room.broadcastPlayers({ type: "roomClosed", reason, message });
    for (const request of room.rejoinRequests.values()) {
      const asker = this.stateOf(request.connId);
      if (!asker) continue;
      asker.waiting = undefined;
      asker.conn.send({ type: "roomClosed", reason, message });
    }
    room.rejoinRequests.clear();
    for (const seat of room.seats()) {
      const conn = this.stateOf(seat.connId);
      if (conn) this.detach(conn);
    }
    const host = this.stateOf(room.hostConnId);
    if (host) {
      host.conn.send({ type: "roomClosed", reason, message });
      this.detach(host);
    }
  }

  /** Returns a connection to the lobby: no role, no room. */
  protected detach(state: ConnectionState): void {
    state.role = "none";
    state.room = undefined;
    state.username = undefined;
    state.requestedName = undefined;
  }

  /** The state of an open connection by id (`undefined` id: none). */
  protected stateOf(connId: string | undefined): ConnectionState | undefined {
    return connId === undefined ? undefined : this.connections.get(connId);
  }

  /** The sender's room when the sender is its host; else an error. */
  protected hostRoom(state: ConnectionState, action: string): Room | undefined {
    if (state.role === "host" && state.room) return state.room;
    this.error(state, state.role === "player" ? "not host" : "not in room", {
      action,
    });
    return undefined;
  }

  /** The connection of the player a host names; else an error. */
  protected playerTarget(
    state: ConnectionState,
    action: string,
    username: string | undefined,
  ): Connection | undefined {
    const room = this.hostRoom(state, action);
    if (!room) return undefined;
    if (username === undefined) {
      this.error(state, "bad message", { action });
      return undefined;
    }
    const seat = room.seatOf(username);
    const target = room.connectionOf(seat);
    if (!target) {
      this.error(state, "no player", {
        action,
        username: seat?.username ?? username,
        away: seat !== undefined,
      });
      return undefined;
    }
    return target;
  }

  /**
   * A host speaks for all its players (answers, candidates, relayed views),
   * so its message budget grows with the room.
   */
  protected scaleHostBudget(room: Room): void {
    const host = this.stateOf(room.hostConnId);
    if (!host) return;
    const factor = Math.max(1, room.size);
    host.budgetScale = factor;
  }

  /** Sends the table's error for `val` to this connection only. */
  protected error(
    state: ConnectionState,
    val: RoomErrorCode,
    context: ErrorContext = {},
  ): void {
    const msg = roomError(val, context);
    this.send(state, msg, msg);
  }

  /** Counts, logs and sends one error. */
  protected send(
    state: ConnectionState,
    msg: ServerMessage,
    error: ProtocolError,
  ): void {
    this.metrics.countError(error.val);
    this.log({
      event: "error",
      conn: state.conn.id,
      address: state.address,
      detail: error.val,
    });
    state.conn.send(msg);
  }

  /**
   * The seed's relay: the object the phone sent, plus `clientUsername`. Its
   * `type` is pinned to "offer" so a phone cannot make the host read it as
   * another server message (a forged `confirmRoom`, say).
   */
  protected offerToHost(room: Room, username: string, offer: SignalData): void {
    if (!room.hostPresent) return;
    room.sendHost({ ...offer, type: "offer", clientUsername: username });
    this.metrics.relayedMessages++;
  }

  /**
   * Ends a rejoin request: the host is told how; a refused or expired asker
   * gets "not approved". Returns the asker, free to join again.
   */
  protected endRejoin(
    waiting: { room: Room; requestId: string },
    outcome: RejoinOutcome,
  ): ConnectionState | undefined {
    const { room, requestId } = waiting;
    const request = room.endRejoin(requestId, outcome);
    if (!request) return undefined;
    const asker = this.stateOf(request.connId);
    if (asker?.waiting?.requestId === requestId) asker.waiting = undefined;
    this.log({
      event: "rejoin " + outcome,
      room: room.code,
      conn: request.connId,
      address: asker?.address,
      username: request.username,
    });
    if (asker && (outcome === "refused" || outcome === "expired")) {
      this.error(asker, "not approved", {
        action: "joinRoom",
        username: request.username,
        why: outcome,
      });
    }
    return asker;
  }
}
