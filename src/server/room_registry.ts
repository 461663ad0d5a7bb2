/**
 * The signaling core's router: it checks who may do what and sends each
 * message where it goes. Rooms ({@link Room}) own seats, names, VIP, host
 * presence and broadcasting; the wording of errors lives in one table
 * (`room_errors.ts`).
 *
 * It knows nothing of Deno or sockets. Connections are addressed by id and
 * rooms by code; a connection is reached only through the two-method
 * {@link Connection} interface (via {@link RoomRegistry.connection}) and a
 * room only through {@link RoomRegistry.room}, so a later cross-instance
 * bus can put a proxy that implements `Connection` under both.
 *
 * @module
 */
import type { Config } from "./config.ts";
import { Metrics } from "./metrics.ts";
import {
  type ClientMessage,
  parseClientMessage,
  type PlayerGoneReason,
  type ProtocolError,
  type RoomClosedReason,
  type ServerMessage,
  type SignalData,
} from "../protocol/mod.ts";
import { takeToken } from "./rate_limiter.ts";
import type { RejoinOutcome } from "../protocol/signaling.ts";
import { type Connection, type JoinRequest, Room, type Seat } from "./room.ts";
import {
  isBlockedCode,
  randomRoomCode,
  randomToken,
  tokenDigest,
} from "./room_codes.ts";
import {
  type ErrorContext,
  roomError,
  type RoomErrorCode,
} from "./room_errors.ts";

export type { Connection } from "./room.ts";

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
}

/** WebSocket close code for "policy violation" (used for kicks). */
export const CLOSE_POLICY = 1008;
/** WebSocket close code for "going away" (server shutdown). */
export const CLOSE_GOING_AWAY = 1001;
/** WebSocket close code when a newer connection took this player's seat. */
export const CLOSE_REPLACED = 4000;

/**
 * Valid reconnect tokens one seat keeps: the newest, plus those of phones it
 * was taken from without their token (oldest dropped first).
 */
const MAX_SEAT_TOKENS = 4;

/** How many candidate codes to try before saying the server is full. */
const CODE_ATTEMPTS = 200;

interface ConnectionState {
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

/**
 * Owns every room and connection of one server. All inbound traffic goes
 * through {@link RoomRegistry.receive}; it never throws for bad input.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RoomRegistry } from "./room_registry.ts";
 * import { DEFAULTS } from "./config.ts";
 * const registry = new RoomRegistry({ limits: DEFAULTS });
 * const sent: unknown[] = [];
 * registry.open({ id: "h", send: (m) => sent.push(m), close() {} }, "127.0.0.1");
 * registry.receive("h", JSON.stringify({ action: "createRoom" }));
 * assert.equal((sent[0] as { type: string }).type, "confirmRoom");
 * ```
 */
export class RoomRegistry {
  readonly #limits: RegistryLimits;
  readonly #now: () => number;
  readonly #generateCode: () => string;
  readonly #generateToken: () => string;
  readonly #log: (event: RegistryEvent) => void;
  readonly #connections = new Map<string, ConnectionState>();
  readonly #rooms = new Map<string, Room>();
  readonly #roomsByAddress = new Map<string, number>();
  #requestCount = 0;
  /** Rooms reach connections through this, and only through it. */
  readonly #lookup = (connId: string): Connection | undefined =>
    this.#connections.get(connId)?.conn;
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
    } = options;
    this.#limits = { ...limits };
    this.#now = now;
    this.#generateCode = generateCode;
    this.#generateToken = generateToken;
    this.metrics = metrics;
    this.#log = log;
  }

  /** What the registry holds now. */
  stats(): RegistryStats {
    let players = 0;
    for (const room of this.#rooms.values()) players += room.size;
    return {
      rooms: this.#rooms.size,
      connections: this.#connections.size,
      players,
    };
  }

  /** Connections open now (cheap: no walk over rooms). */
  get connectionCount(): number {
    return this.#connections.size;
  }

  /** Whether a room with this code is open (code in any case). */
  hasRoom(code: string): boolean {
    return this.room(code) !== undefined;
  }

  /** The open room with this code (any case), if any: the one room lookup. */
  room(code: string): Room | undefined {
    return this.#rooms.get(code.toUpperCase());
  }

  /** The code of the room a connection is in, if any (to name it in a fault). */
  roomOf(connId: string): string | undefined {
    return this.#connections.get(connId)?.room?.code;
  }

  /**
   * Closes a room that keeps hitting bugs of the server (see
   * `fault_boundary.ts`): its players and host are told "server error".
   */
  closeFaultingRoom(code: string): void {
    const room = this.room(code);
    if (!room) return;
    this.#closeRoom(
      room,
      "server error",
      "The server hit a problem with this game, so it has ended. Start a new game.",
    );
  }

  /** The open connection with this id, if any: the one connection lookup. */
  connection(connId: string): Connection | undefined {
    return this.#lookup(connId);
  }

  /**
   * Registers a new connection.
   * @param conn The connection.
   * @param address The client's IP address (for per-address limits).
   */
  open(conn: Connection, address: string): void {
    if (this.#connections.has(conn.id)) {
      throw new Error(`Connection id ${conn.id} is already open`);
    }
    // Every field from the start: one object shape, no property array
    // added later (memory per idle player).
    this.#connections.set(conn.id, {
      conn,
      address,
      role: "none",
      room: undefined,
      username: undefined,
      requestedName: undefined,
      tokens: this.#limits.messageBurst,
      tokensAt: this.#now(),
      budgetScale: 1,
      lastRateErrorAt: -Infinity,
    });
    this.metrics.connectionsOpened++;
    this.#log({ event: "connection opened", conn: conn.id, address });
  }

  /**
   * Handles one raw frame from a connection: checks size, JSON, shape, rate
   * and protocol state, then acts. Bad input gets an error on that
   * connection only.
   * @param connId The sender.
   * @param raw The frame: a string, or anything else (refused as binary).
   */
  receive(connId: string, raw: unknown): void {
    const state = this.#connections.get(connId);
    if (!state) return;
    const now = this.#now();
    const scale = state.budgetScale;
    const limits = this.#limits;
    if (
      !takeToken(
        state,
        limits.maxMessagesPerSecond * scale,
        limits.messageBurst * scale,
        now,
      )
    ) {
      // One error per second at most, so a flood is not answered by a flood.
      if (now - state.lastRateErrorAt >= 1000) {
        state.lastRateErrorAt = now;
        this.#error(state, "rate limited");
      }
      return;
    }
    const parsed = parseClientMessage(raw, {
      maxBytes: this.#limits.maxMessageBytes,
    });
    if (!parsed.ok) {
      this.#send(state, { type: "error", ...parsed.error }, parsed.error);
      return;
    }
    this.#dispatch(state, parsed.msg);
  }

  /**
   * Forgets a connection whose socket closed: a host's room waits for the
   * host to reclaim it; a player's seat waits for a reconnect.
   */
  closed(connId: string): void {
    const state = this.#connections.get(connId);
    if (!state) return;
    this.#connections.delete(connId);
    if (state.waiting) this.#endRejoin(state.waiting, "cancelled");
    const room = state.room;
    if (room && state.role === "host" && room.hostConnId === connId) {
      room.hostConnId = undefined;
      room.hostAwaySince = this.#now();
      this.#log({
        event: "host away",
        room: room.code,
        conn: connId,
        address: state.address,
      });
      room.broadcastPlayers({
        type: "hostAway",
        graceMs: this.#limits.hostGraceMs,
        message:
          "The game screen lost its connection. Waiting for it to come back…",
      });
    } else if (room && state.role === "player" && state.username) {
      const seat = room.seatOf(state.username);
      if (seat && seat.connId === connId) {
        seat.connId = undefined;
        seat.awaySince = this.#now();
        this.#log({
          event: "player disconnected",
          room: room.code,
          conn: connId,
          address: state.address,
          username: seat.username,
        });
        room.sendHost({
          type: "playerLeft",
          clientUsername: seat.username,
          reason: "disconnected",
        });
      }
    }
    this.#log({
      event: "connection closed",
      conn: connId,
      address: state.address,
    });
  }

  /**
   * Closes rooms whose host has been away longer than the grace period,
   * frees lobby seats whose player has been away longer than
   * `lobbySeatGraceMs` and refuses rejoin requests the host left unanswered.
   * Call it periodically. `guard` runs each room's step (so a fault in one
   * room costs that room only).
   */
  sweep(
    guard: (room: string, step: () => void) => void = (_, step) => step(),
  ): void {
    const now = this.#now();
    for (const room of [...this.#rooms.values()]) {
      guard(room.code, () => this.#sweepRoom(room, now));
    }
  }

  #sweepRoom(room: Room, now: number): void {
    for (const request of [...room.rejoinRequests.values()]) {
      if (now >= request.expiresAt) {
        this.#endRejoin({ room, requestId: request.id }, "expired");
      }
    }
    if (!room.started) {
      for (const seat of [...room.seats()]) {
        if (
          seat.connId === undefined && seat.awaySince !== undefined &&
          now - seat.awaySince >= this.#limits.lobbySeatGraceMs
        ) {
          this.#removePlayer(room, seat.username, "expired");
        }
      }
    }
    if (
      !room.hostPresent && room.hostAwaySince !== undefined &&
      now - room.hostAwaySince >= this.#limits.hostGraceMs
    ) {
      this.#closeRoom(
        room,
        "host gone",
        "The big screen did not come back, so the game has ended.",
      );
    }
  }

  /**
   * Rebuilds a room another instance owned (its owner died; the shared
   * store kept its record): same code, same seats, all disconnected, the
   * host away until it reclaims with `hostToken` (already checked against
   * the record by the caller). A seat comes back with the token its phone
   * holds (checked against the record's digest); one whose holder kept its
   * token is never taken back by name alone. Hook for the room bus
   * (`room_adoption.ts`).
   * @returns false when a room with that code is open here already.
   */
  restoreRoom(init: {
    code: string;
    hostToken: string;
    started: boolean;
    address: string;
    seats: readonly {
      name: string;
      joinedAt: number;
      tokenHash: string;
      keepsToken?: boolean;
    }[];
  }): boolean {
    const code = init.code.toUpperCase();
    if (this.#rooms.has(code)) return false;
    const room = new Room({
      code,
      hostToken: init.hostToken,
      hostConnId: "",
      address: init.address,
      lookup: this.#lookup,
    });
    room.hostConnId = undefined;
    room.hostAwaySince = this.#now();
    room.started = init.started;
    for (const seat of init.seats) {
      // The record holds only digests: the phone's token is checked against
      // its seat's digest when it comes back.
      room.seat({
        username: seat.name,
        tokens: [],
        tokenHashes: [seat.tokenHash],
        joinedAt: seat.joinedAt,
        keepsToken: seat.keepsToken === true,
      });
    }
    this.#rooms.set(code, room);
    this.#roomsByAddress.set(
      init.address,
      (this.#roomsByAddress.get(init.address) ?? 0) + 1,
    );
    this.#log({ event: "room restored", room: code });
    return true;
  }

  /**
   * Tells everyone the server is stopping and closes every connection.
   * With `keepRooms` (several instances share the rooms), rooms are not
   * closed: sockets close as "going away", and clients reconnect through
   * another instance and resume. Idempotent.
   */
  shutdown(options: { keepRooms?: boolean } = {}): void {
    for (const room of options.keepRooms ? [] : [...this.#rooms.values()]) {
      this.#closeRoom(
        room,
        "server shutdown",
        "The server is restarting. Please join again in a moment.",
      );
    }
    for (const state of [...this.#connections.values()]) {
      state.conn.close(CLOSE_GOING_AWAY, "server shutting down");
      this.#connections.delete(state.conn.id);
    }
  }

  // -------------------------------------------------------------------------
  // Dispatch
  // -------------------------------------------------------------------------

  #dispatch(state: ConnectionState, msg: ClientMessage): void {
    switch (msg.action) {
      case "createRoom":
        return this.#createRoom(state);
      case "reclaimRoom":
        return this.#reclaimRoom(state, msg.room, msg.hostToken);
      case "joinRoom":
        return this.#joinRoom(state, msg);
      case "offerResponse":
        return this.#hostToPlayer(state, msg.action, msg.clientUsername, {
          ...msg.response,
        });
      case "signal":
      case "relay":
        return this.#forward(state, msg);
      case "startGame":
        return this.#startGame(state);
      case "leaveRoom":
        return this.#leaveRoom(state);
      case "kickPlayer":
        return this.#kickPlayer(state, msg.clientUsername);
      case "approveRejoin":
        return this.#approveRejoin(state, msg.requestId, msg.approve);
      case "setJoining":
        return this.#setJoining(state, msg.open);
      case "ping":
        state.conn.send({ type: "pong", id: msg.id, serverTime: this.#now() });
        return;
      case "iceServers":
        // The socket layer answers this with TURN credentials before it gets
        // here; the registry alone has no ICE servers to give.
        if (state.role === "none") {
          return this.#error(state, "not in room", { action: msg.action });
        }
        state.conn.send({ type: "iceServers", iceServers: [], ttlMs: 0 });
        return;
    }
  }

  #createRoom(state: ConnectionState): void {
    const action = "createRoom";
    if (state.role !== "none" || state.waiting) {
      return this.#error(state, "already in room", { action });
    }
    if (this.#rooms.size >= this.#limits.maxRooms) {
      return this.#error(state, "server full", { action });
    }
    const roomsHere = this.#roomsByAddress.get(state.address) ?? 0;
    if (roomsHere >= this.#limits.maxRoomsPerAddress) {
      return this.#error(state, "too many rooms", { action, count: roomsHere });
    }
    const code = this.#newCode();
    if (!code) {
      return this.#error(state, "server full", { action, noCode: true });
    }
    const room = new Room({
      code,
      hostToken: this.#generateToken(),
      hostConnId: state.conn.id,
      address: state.address,
      lookup: this.#lookup,
    });
    this.#rooms.set(code, room);
    this.#roomsByAddress.set(state.address, roomsHere + 1);
    state.role = "host";
    state.room = room;
    this.metrics.roomsCreated++;
    this.#log({
      event: "room created",
      room: code,
      conn: state.conn.id,
      address: state.address,
    });
    this.#confirmRoom(state, room);
  }

  #reclaimRoom(state: ConnectionState, code: string, token: string): void {
    const action = "reclaimRoom";
    if (state.role !== "none" || state.waiting) {
      return this.#error(state, "already in room", { action });
    }
    const room = this.room(code);
    if (!room) return this.#error(state, "wrong room", { action, room: code });
    if (!timingSafeEqual(room.hostToken, token)) {
      return this.#error(state, "bad token", { action });
    }
    const previous = this.#stateOf(room.hostConnId);
    if (previous) {
      // A reloaded page can arrive before the old socket is noticed dead.
      this.#detach(previous);
      previous.conn.close(CLOSE_REPLACED, "room reclaimed by a newer page");
    }
    room.hostConnId = state.conn.id;
    room.hostAwaySince = undefined;
    // A fresh token per reclaim: a copy of the old one is worth nothing.
    room.hostToken = this.#generateToken();
    state.role = "host";
    state.room = room;
    this.#log({
      event: "host reclaimed",
      room: code,
      conn: state.conn.id,
      address: state.address,
    });
    this.#confirmRoom(state, room);
    // Requests that came while the page was away wait for this one.
    for (const request of room.rejoinRequests.values()) {
      this.#askHostAbout(room, request.id);
    }
    this.#scaleHostBudget(room);
    // A reclaiming page is a new page: even if its old socket was not yet
    // seen to drop, the players' peer connections went with it.
    room.broadcastPlayers({ type: "hostBack" });
  }

  #confirmRoom(state: ConnectionState, room: Room): void {
    state.conn.send({
      type: "confirmRoom",
      room: room.code,
      hostToken: room.hostToken,
      hostGraceMs: this.#limits.hostGraceMs,
      players: room.summaries(),
      started: room.started,
      joiningOpen: room.joiningOpen,
    });
  }

  #joinRoom(
    state: ConnectionState,
    msg: Extract<ClientMessage, { action: "joinRoom" }>,
  ): void {
    const action = "joinRoom";
    // A seed client re-sends joinRoom to pass further signals: same room,
    // same name, same connection is a signal, not a second player.
    if (
      state.role === "player" && state.room?.code === msg.room &&
      state.username !== undefined &&
      [state.username, state.requestedName].some((name) =>
        name?.toLowerCase() === msg.username.toLowerCase()
      )
    ) {
      if (msg.offer) this.#offerToHost(state.room, state.username, msg.offer);
      return;
    }
    if (state.role !== "none" || state.waiting) {
      return this.#error(state, "already in room", { action });
    }
    const room = this.room(msg.room);
    if (!room) {
      return this.#error(state, "wrong room", { action, room: msg.room });
    }
    state.requestedName = msg.username;
    const presented = msg.reconnectToken !== undefined;
    const keepsToken = presented || msg.keepsToken === true;
    const existing = room.seatOf(msg.username);
    if (existing) {
      // The holder of a seat's token always wins.
      const used = presented
        ? matchingToken(existing.tokens, msg.reconnectToken!)
        : -1;
      if (used >= 0) {
        return this.#rejoin(state, room, existing, msg.offer, true, used);
      }
      if (
        presented && existing.tokenHashes &&
        matchingToken(
            existing.tokenHashes,
            tokenDigest(msg.reconnectToken!),
          ) >= 0
      ) {
        // A token the room's previous instance handed out: spent now.
        existing.tokenHashes = undefined;
        return this.#rejoin(state, room, existing, msg.offer, true);
      }
      if (!existing.keepsToken) {
        // The seed's rule for a seat whose holder never kept a token: a
        // free seat is taken back by name, a held one is somebody else's.
        if (existing.connId === undefined) {
          return this.#rejoin(state, room, existing, msg.offer, keepsToken);
        }
        if (!room.joiningOpen) {
          return this.#error(state, "name taken", {
            action,
            username: existing.username,
          });
        }
      } else if (
        presented || existing.connId === undefined || !room.joiningOpen
      ) {
        // By name alone (or with a wrong or old token): the host decides.
        return this.#askHost(state, room, existing, msg);
      }
      // Otherwise a second player with the same name: renamed below.
    }
    if (!room.joiningOpen) {
      return this.#error(state, "no player", {
        action,
        closed: room.joining === false,
      });
    }
    if (room.size >= this.#limits.maxPlayersPerRoom) {
      return this.#error(state, "room full", { action, count: room.size });
    }
    const username = existing ? room.freeName(msg.username) : msg.username;
    const seat: Seat = {
      username,
      tokens: [this.#generateToken()],
      connId: state.conn.id,
      joinedAt: this.#now(),
      keepsToken,
    };
    room.seat(seat);
    this.#seat(state, room, seat, username !== msg.username, false);
    if (msg.offer) this.#offerToHost(room, username, msg.offer);
  }

  /** Parks a rejoin by name of a token-keeping seat until the host answers. */
  #askHost(
    state: ConnectionState,
    room: Room,
    seat: Seat,
    join: JoinRequest,
  ): void {
    if (room.rejoinRequestFor(seat.username)) {
      return this.#error(state, "not approved", {
        action: "joinRoom",
        username: seat.username,
        why: "busy",
      });
    }
    const id = `r${++this.#requestCount}`;
    room.rejoinRequests.set(id, {
      id,
      username: seat.username,
      connId: state.conn.id,
      expiresAt: this.#now() + this.#limits.rejoinApprovalMs,
      join: { room: join.room, username: join.username, offer: join.offer },
    });
    state.waiting = { room, requestId: id };
    this.#log({
      event: "rejoin requested",
      room: room.code,
      conn: state.conn.id,
      address: state.address,
      username: seat.username,
    });
    state.conn.send({
      type: "rejoinPending",
      username: seat.username,
      timeoutMs: this.#limits.rejoinApprovalMs,
      message: "Waiting for the host to let you back in…",
    });
    this.#askHostAbout(room, id);
  }

  /** Shows the host a waiting request (again after a reclaim). */
  #askHostAbout(room: Room, requestId: string): void {
    const request = room.rejoinRequests.get(requestId);
    if (!request) return;
    room.sendHost({
      type: "rejoinRequest",
      clientUsername: request.username,
      requestId,
      timeoutMs: Math.max(0, request.expiresAt - this.#now()),
    });
  }

  #approveRejoin(
    state: ConnectionState,
    requestId: string,
    approve: boolean,
  ): void {
    const action = "approveRejoin";
    const room = this.#hostRoom(state, action);
    if (!room) return;
    const request = room.rejoinRequests.get(requestId);
    if (!request) return this.#error(state, "no request", { action });
    const asker = this.#endRejoin(
      { room, requestId },
      approve ? "approved" : "refused",
    );
    if (!approve || !asker) return;
    const seat = room.seatOf(request.username);
    if (seat) {
      this.#rejoin(asker, room, seat, request.join.offer, false);
    } else {
      // The seat went meanwhile (kicked, left, expired): an ordinary join.
      this.#joinRoom(asker, { action: "joinRoom", ...request.join });
    }
  }

  /**
   * Ends a rejoin request: the host is told how; a refused or expired asker
   * gets "not approved". Returns the asker, free to join again.
   */
  #endRejoin(
    waiting: { room: Room; requestId: string },
    outcome: RejoinOutcome,
  ): ConnectionState | undefined {
    const { room, requestId } = waiting;
    const request = room.rejoinRequests.get(requestId);
    if (!request) return undefined;
    room.rejoinRequests.delete(requestId);
    const asker = this.#stateOf(request.connId);
    if (asker?.waiting?.requestId === requestId) asker.waiting = undefined;
    this.#log({
      event: "rejoin " + outcome,
      room: room.code,
      conn: request.connId,
      address: asker?.address,
      username: request.username,
    });
    room.sendHost({
      type: "rejoinClosed",
      clientUsername: request.username,
      requestId,
      outcome,
    });
    if (asker && (outcome === "refused" || outcome === "expired")) {
      this.#error(asker, "not approved", {
        action: "joinRoom",
        username: request.username,
        why: outcome,
      });
    }
    return asker;
  }

  #setJoining(state: ConnectionState, open: boolean): void {
    const room = this.#hostRoom(state, "setJoining");
    if (!room) return;
    room.joining = open;
    this.#log({
      event: open ? "joining opened" : "joining closed",
      room: room.code,
    });
    state.conn.send({ type: "joiningChanged", open });
  }

  /**
   * Puts `state` in `seat`, closing whoever held it. A token presented
   * (`usedToken`, its index) is spent: an old copy cannot be replayed. A
   * seat taken without one (by name, or approved by the host) keeps its
   * earlier tokens valid, so the phone that holds one still wins.
   */
  #rejoin(
    state: ConnectionState,
    room: Room,
    seat: Seat,
    offer: SignalData | undefined,
    keepsToken: boolean,
    usedToken = -1,
  ): void {
    const previous = this.#stateOf(seat.connId);
    if (previous) {
      this.#detach(previous);
      previous.conn.close(CLOSE_REPLACED, "player reconnected elsewhere");
    }
    seat.connId = state.conn.id;
    seat.awaySince = undefined;
    if (keepsToken) seat.keepsToken = true;
    if (usedToken >= 0) seat.tokens.splice(usedToken, 1);
    seat.tokens.push(this.#generateToken());
    if (seat.tokens.length > MAX_SEAT_TOKENS) seat.tokens.shift();
    this.metrics.reconnects++;
    this.#seat(state, room, seat, false, true);
    if (offer) this.#offerToHost(room, seat.username, offer);
  }

  #seat(
    state: ConnectionState,
    room: Room,
    seat: Seat,
    renamed: boolean,
    reconnected: boolean,
  ): void {
    state.role = "player";
    state.room = room;
    state.username = seat.username;
    this.metrics.joins++;
    this.#log({
      event: reconnected ? "player reconnected" : "player joined",
      room: room.code,
      conn: state.conn.id,
      address: state.address,
      username: seat.username,
    });
    state.conn.send({
      type: "joined",
      room: room.code,
      username: seat.username,
      renamed,
      reconnected,
      reconnectToken: seat.tokens[seat.tokens.length - 1],
      vip: room.vip() === seat,
      started: room.started,
      hostPresent: room.hostPresent,
    });
    this.#scaleHostBudget(room);
    room.sendHost({
      type: "playerJoined",
      clientUsername: seat.username,
      reconnected,
    });
  }

  /**
   * The seed's relay: the object the phone sent, plus `clientUsername`. Its
   * `type` is pinned to "offer" so a phone cannot make the host read it as
   * another server message (a forged `confirmRoom`, say).
   */
  #offerToHost(room: Room, username: string, offer: SignalData): void {
    if (!room.hostPresent) return;
    room.sendHost({ ...offer, type: "offer", clientUsername: username });
    this.metrics.relayedMessages++;
  }

  #hostToPlayer(
    state: ConnectionState,
    action: "offerResponse",
    username: string,
    response: object,
  ): void {
    const target = this.#playerTarget(state, action, username);
    if (!target) return;
    // The seed relays the host's answer untouched: `{type: "answer", sdp}`.
    target.send(response as ServerMessage);
    this.metrics.relayedMessages++;
  }

  /**
   * `signal` and `relay` travel the same way: a player's goes to its host
   * (named by the server, so it cannot be forged), a host's to the player
   * it names.
   */
  #forward(
    state: ConnectionState,
    msg: Extract<ClientMessage, { action: "signal" | "relay" }>,
  ): void {
    const type = msg.action;
    if (state.role === "player" && state.room && state.username) {
      if (!state.room.hostPresent) {
        return this.#error(state, "no player", { action: type, away: true });
      }
      state.room.sendHost({
        type,
        clientUsername: state.username,
        data: msg.data,
      } as ServerMessage);
    } else {
      const target = this.#playerTarget(state, type, msg.clientUsername);
      if (!target) return;
      target.send({ type, data: msg.data } as ServerMessage);
    }
    this.metrics.relayedMessages++;
  }

  #startGame(state: ConnectionState): void {
    const action = "startGame";
    const room = this.#hostRoom(state, action);
    if (!room) return;
    if (room.started) return this.#error(state, "game started", { action });
    room.started = true;
    this.#log({ event: "game started", room: room.code });
    room.broadcastPlayers({ type: "gameStarted" });
  }

  #leaveRoom(state: ConnectionState): void {
    if (state.waiting) {
      this.#endRejoin(state.waiting, "cancelled");
      return;
    }
    const room = state.room;
    if (!room || state.role === "none") {
      return this.#error(state, "not in room", { action: "leaveRoom" });
    }
    if (state.role === "host") {
      this.#closeRoom(room, "host left", "The big screen closed the game.");
      return;
    }
    this.#removePlayer(room, state.username ?? "", "left");
  }

  #kickPlayer(state: ConnectionState, username: string): void {
    const action = "kickPlayer";
    const room = this.#hostRoom(state, action);
    if (!room) return;
    const seat = room.seatOf(username);
    if (!seat) return this.#error(state, "no player", { action, username });
    const target = room.connectionOf(seat);
    this.#removePlayer(room, seat.username, "kicked");
    target?.send({
      type: "roomClosed",
      reason: "kicked",
      message: "The host removed you from the game.",
    });
    // Closed, not just detached: a kicked script cannot rejoin on the spot
    // over the same socket.
    target?.close(CLOSE_POLICY, "removed by the host");
  }

  // -------------------------------------------------------------------------
  // Helpers
  // -------------------------------------------------------------------------

  #removePlayer(room: Room, username: string, reason: PlayerGoneReason): void {
    const seat = room.unseat(username);
    if (!seat) return;
    this.#scaleHostBudget(room);
    const conn = this.#stateOf(seat.connId);
    if (conn) this.#detach(conn);
    this.#log({
      event: "player left",
      room: room.code,
      username: seat.username,
      detail: reason,
    });
    room.sendHost({
      type: "playerLeft",
      clientUsername: seat.username,
      reason,
    });
  }

  #closeRoom(room: Room, reason: RoomClosedReason, message: string): void {
    if (this.#rooms.get(room.code) !== room) return;
    this.#rooms.delete(room.code);
    const count = (this.#roomsByAddress.get(room.address) ?? 1) - 1;
    if (count > 0) this.#roomsByAddress.set(room.address, count);
    else this.#roomsByAddress.delete(room.address);
    room.broadcastPlayers({ type: "roomClosed", reason, message });
    for (const request of room.rejoinRequests.values()) {
      const asker = this.#stateOf(request.connId);
      if (!asker) continue;
      asker.waiting = undefined;
      asker.conn.send({ type: "roomClosed", reason, message });
    }
    room.rejoinRequests.clear();
    for (const seat of room.seats()) {
      const conn = this.#stateOf(seat.connId);
      if (conn) this.#detach(conn);
    }
    const host = this.#stateOf(room.hostConnId);
    if (host) {
      host.conn.send({ type: "roomClosed", reason, message });
      this.#detach(host);
    }
    this.#log({ event: "room closed", room: room.code, detail: reason });
  }

  /** Returns a connection to the lobby: no role, no room. */
  #detach(state: ConnectionState): void {
    state.role = "none";
    state.room = undefined;
    state.username = undefined;
    state.requestedName = undefined;
  }

  /** The state of an open connection by id (`undefined` id: none). */
  #stateOf(connId: string | undefined): ConnectionState | undefined {
    return connId === undefined ? undefined : this.#connections.get(connId);
  }

  /** The sender's room when the sender is its host; else an error. */
  #hostRoom(state: ConnectionState, action: string): Room | undefined {
    if (state.role === "host" && state.room) return state.room;
    this.#error(state, state.role === "player" ? "not host" : "not in room", {
      action,
    });
    return undefined;
  }

  /** The connection of the player a host names; else an error. */
  #playerTarget(
    state: ConnectionState,
    action: string,
    username: string | undefined,
  ): Connection | undefined {
    const room = this.#hostRoom(state, action);
    if (!room) return undefined;
    if (username === undefined) {
      this.#error(state, "bad message", { action });
      return undefined;
    }
    const seat = room.seatOf(username);
    const target = room.connectionOf(seat);
    if (!target) {
      this.#error(state, "no player", {
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
  #scaleHostBudget(room: Room): void {
    const host = this.#stateOf(room.hostConnId);
    if (!host) return;
    const factor = Math.max(1, room.size);
    host.budgetScale = factor;
  }

  #newCode(): string | undefined {
    for (let attempt = 0; attempt < CODE_ATTEMPTS; attempt++) {
      const code = this.#generateCode().toUpperCase();
      if (!/^[A-Z]{4}$/.test(code)) continue;
      if (this.#rooms.has(code) || isBlockedCode(code)) continue;
      return code;
    }
    return undefined;
  }

  /** Sends the table's error for `val` to this connection only. */
  #error(
    state: ConnectionState,
    val: RoomErrorCode,
    context: ErrorContext = {},
  ): void {
    const msg = roomError(val, context);
    this.#send(state, msg, msg);
  }

  /** Counts, logs and sends one error. */
  #send(
    state: ConnectionState,
    msg: ServerMessage,
    error: ProtocolError,
  ): void {
    this.metrics.countError(error.val);
    this.#log({
      event: "error",
      conn: state.conn.id,
      address: state.address,
      detail: error.val,
    });
    state.conn.send(msg);
  }
}

/**
 * The index of `token` among `tokens`, or -1; every one is compared in
 * full, so the time taken says nothing about which matched.
 */
function matchingToken(tokens: readonly string[], token: string): number {
  let found = -1;
  tokens.forEach((candidate, index) => {
    if (timingSafeEqual(candidate, token)) found = index;
  });
  return found;
}

/** Compares two secrets in time independent of where they differ. */
function timingSafeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
