/**
 * The signaling core: rooms, hosts, players, codes, tokens and relaying.
 *
 * It knows nothing of Deno or sockets. Connections are addressed by id and
 * rooms by code, and each connection is reached through the two-method
 * {@link Connection} interface, so tests drive it with arrays and a later
 * cross-instance bus can carry the same messages.
 *
 * @module
 */
import type { Config } from "./config.ts";
import { Metrics } from "./metrics.ts";
import {
  type ClientMessage,
  type ErrorCode,
  MAX_NAME_LENGTH,
  parseClientMessage,
  type PlayerGoneReason,
  type PlayerSummary,
  type RoomClosedReason,
  type ServerMessage,
  type SignalData,
} from "../protocol/mod.ts";
import { TokenBucket } from "./rate_limiter.ts";
import { isBlockedCode, randomRoomCode, randomToken } from "./room_codes.ts";

/** One client's signaling connection, as the registry sees it. */
export interface Connection {
  /** Unique id of this connection on this server. */
  readonly id: string;
  /** Sends one message; must not throw when the socket is already closing. */
  send(msg: ServerMessage): void;
  /** Closes the connection with a WebSocket close code and reason. */
  close(code?: number, reason?: string): void;
}

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
>;

/** One line of the event log: what happened, never SDP contents. */
export interface RegistryEvent {
  /** Short name, e.g. "room created". */
  event: string;
  /** Room code, when the event concerns a room. */
  room?: string;
  /** Connection id. */
  conn?: string;
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
  bucket: TokenBucket;
  lastRateErrorAt: number;
}

interface Player {
  username: string;
  token: string;
  connId?: string;
  joinedAt: number;
}

interface Room {
  code: string;
  hostToken: string;
  hostConnId?: string;
  hostAwaySince?: number;
  address: string;
  started: boolean;
  /** Keyed by lower-cased name: names are unique regardless of case. */
  players: Map<string, Player>;
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
    for (const room of this.#rooms.values()) players += room.players.size;
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
    return this.#rooms.has(code.toUpperCase());
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
    this.#connections.set(conn.id, {
      conn,
      address,
      role: "none",
      bucket: new TokenBucket(
        this.#limits.maxMessagesPerSecond,
        this.#limits.messageBurst,
        this.#now(),
      ),
      lastRateErrorAt: -Infinity,
    });
    this.metrics.connectionsOpened++;
    this.#log({ event: "connection opened", conn: conn.id, detail: address });
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
    if (!state.bucket.take(now)) {
      // One error per second at most, so a flood is not answered by a flood.
      if (now - state.lastRateErrorAt >= 1000) {
        state.lastRateErrorAt = now;
        this.#error(
          state,
          "rate limited",
          "Too many messages: slow down. Some were dropped.",
        );
      }
      return;
    }
    const parsed = parseClientMessage(raw, {
      maxBytes: this.#limits.maxMessageBytes,
    });
    if (!parsed.ok) {
      this.#error(state, parsed.error.val, parsed.error.message);
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
    const room = state.room;
    if (room && state.role === "host" && room.hostConnId === connId) {
      room.hostConnId = undefined;
      room.hostAwaySince = this.#now();
      this.#log({ event: "host away", room: room.code, conn: connId });
      this.#broadcastPlayers(room, {
        type: "hostAway",
        graceMs: this.#limits.hostGraceMs,
        message:
          "The game screen lost its connection. Waiting for it to come back…",
      });
    } else if (room && state.role === "player" && state.username) {
      const player = room.players.get(state.username.toLowerCase());
      if (player && player.connId === connId) {
        player.connId = undefined;
        this.#log({
          event: "player disconnected",
          room: room.code,
          conn: connId,
          username: player.username,
        });
        this.#sendHost(room, {
          type: "playerLeft",
          clientUsername: player.username,
          reason: "disconnected",
        });
      }
    }
    this.#log({ event: "connection closed", conn: connId });
  }

  /**
   * Closes rooms whose host has been away longer than the grace period.
   * Call it periodically.
   */
  sweep(): void {
    const now = this.#now();
    for (const room of [...this.#rooms.values()]) {
      if (
        room.hostConnId === undefined && room.hostAwaySince !== undefined &&
        now - room.hostAwaySince >= this.#limits.hostGraceMs
      ) {
        this.#closeRoom(
          room,
          "host gone",
          "The game screen did not come back, so the game has ended.",
        );
      }
    }
  }

  /**
   * Tells everyone the server is stopping and closes every connection.
   * Idempotent.
   */
  shutdown(): void {
    for (const room of [...this.#rooms.values()]) {
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
      case "ping":
        state.conn.send({ type: "pong", id: msg.id, serverTime: this.#now() });
        return;
    }
  }

  #createRoom(state: ConnectionState): void {
    if (state.role !== "none") {
      return this.#error(
        state,
        "already in room",
        "This connection is already in a room. Leave it before creating another.",
        "createRoom",
      );
    }
    if (this.#rooms.size >= this.#limits.maxRooms) {
      return this.#error(
        state,
        "server full",
        "The server has too many games right now. Try again in a few minutes.",
        "createRoom",
      );
    }
    const roomsHere = this.#roomsByAddress.get(state.address) ?? 0;
    if (roomsHere >= this.#limits.maxRoomsPerAddress) {
      return this.#error(
        state,
        "too many rooms",
        `Your network already has ${roomsHere} games open. Close one first.`,
        "createRoom",
      );
    }
    const code = this.#newCode();
    if (!code) {
      return this.#error(
        state,
        "server full",
        "No free room code was found. Try again in a moment.",
        "createRoom",
      );
    }
    const room: Room = {
      code,
      hostToken: this.#generateToken(),
      hostConnId: state.conn.id,
      address: state.address,
      started: false,
      players: new Map(),
    };
    this.#rooms.set(code, room);
    this.#roomsByAddress.set(state.address, roomsHere + 1);
    state.role = "host";
    state.room = room;
    this.metrics.roomsCreated++;
    this.#log({ event: "room created", room: code, conn: state.conn.id });
    this.#confirmRoom(state, room);
  }

  #reclaimRoom(state: ConnectionState, code: string, token: string): void {
    if (state.role !== "none") {
      return this.#error(
        state,
        "already in room",
        "This connection is already in a room.",
        "reclaimRoom",
      );
    }
    const room = this.#rooms.get(code);
    if (!room) {
      return this.#error(
        state,
        "wrong room",
        `There is no game with the code ${code} any more.`,
        "reclaimRoom",
      );
    }
    if (!timingSafeEqual(room.hostToken, token)) {
      return this.#error(
        state,
        "bad token",
        "That is not this room's host token.",
        "reclaimRoom",
      );
    }
    const previous = room.hostConnId
      ? this.#connections.get(room.hostConnId)
      : undefined;
    if (previous) {
      // A reloaded page can arrive before the old socket is noticed dead.
      this.#detach(previous);
      previous.conn.close(CLOSE_REPLACED, "room reclaimed by a newer page");
    }
    room.hostConnId = state.conn.id;
    room.hostAwaySince = undefined;
    state.role = "host";
    state.room = room;
    this.#log({ event: "host reclaimed", room: code, conn: state.conn.id });
    this.#confirmRoom(state, room);
    this.#scaleHostBudget(room);
    // A reclaiming page is a new page: even if its old socket was not yet
    // seen to drop, the players' peer connections went with it.
    this.#broadcastPlayers(room, { type: "hostBack" });
  }

  #confirmRoom(state: ConnectionState, room: Room): void {
    const players: PlayerSummary[] = [...room.players.values()].map((p) => ({
      clientUsername: p.username,
      connected: p.connId !== undefined,
    }));
    state.conn.send({
      type: "confirmRoom",
      room: room.code,
      hostToken: room.hostToken,
      hostGraceMs: this.#limits.hostGraceMs,
      players,
      started: room.started,
    });
  }

  #joinRoom(
    state: ConnectionState,
    msg: Extract<ClientMessage, { action: "joinRoom" }>,
  ): void {
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
    if (state.role !== "none") {
      return this.#error(
        state,
        "already in room",
        "This connection is already in a game.",
        "joinRoom",
      );
    }
    const room = this.#rooms.get(msg.room);
    if (!room) {
      return this.#error(
        state,
        "wrong room",
        `There is no game with the code ${msg.room}. Check the code on the big screen.`,
        "joinRoom",
      );
    }
    const existing = room.players.get(msg.username.toLowerCase());
    const tokenMatches = existing !== undefined &&
      msg.reconnectToken !== undefined &&
      timingSafeEqual(existing.token, msg.reconnectToken);
    state.requestedName = msg.username;
    if (existing && (existing.connId === undefined || tokenMatches)) {
      return this.#rejoin(state, room, existing, msg.offer);
    }
    if (room.started) {
      return existing
        ? this.#error(
          state,
          "name taken",
          `Someone called ${existing.username} is already playing. Pick another name.`,
          "joinRoom",
        )
        : this.#error(
          state,
          "no player",
          "This game has already started, and only its players can come back in.",
          "joinRoom",
        );
    }
    if (room.players.size >= this.#limits.maxPlayersPerRoom) {
      return this.#error(
        state,
        "room full",
        `This game is full: it has ${room.players.size} players already.`,
        "joinRoom",
      );
    }
    const username = existing
      ? uniqueName(msg.username, room.players)
      : msg.username;
    const player: Player = {
      username,
      token: this.#generateToken(),
      connId: state.conn.id,
      joinedAt: this.#now(),
    };
    room.players.set(username.toLowerCase(), player);
    this.#seat(state, room, player, username !== msg.username, false);
    if (msg.offer) this.#offerToHost(room, username, msg.offer);
  }

  #rejoin(
    state: ConnectionState,
    room: Room,
    player: Player,
    offer: SignalData | undefined,
  ): void {
    const previous = player.connId
      ? this.#connections.get(player.connId)
      : undefined;
    if (previous) {
      this.#detach(previous);
      previous.conn.close(CLOSE_REPLACED, "player reconnected elsewhere");
    }
    player.connId = state.conn.id;
    // A fresh token per connection: an old copy cannot be replayed later.
    player.token = this.#generateToken();
    this.metrics.reconnects++;
    this.#seat(state, room, player, false, true);
    if (offer) this.#offerToHost(room, player.username, offer);
  }

  #seat(
    state: ConnectionState,
    room: Room,
    player: Player,
    renamed: boolean,
    reconnected: boolean,
  ): void {
    state.role = "player";
    state.room = room;
    state.username = player.username;
    this.metrics.joins++;
    this.#log({
      event: reconnected ? "player reconnected" : "player joined",
      room: room.code,
      conn: state.conn.id,
      username: player.username,
    });
    state.conn.send({
      type: "joined",
      room: room.code,
      username: player.username,
      renamed,
      reconnected,
      reconnectToken: player.token,
      vip: this.#vipOf(room) === player,
      started: room.started,
      hostPresent: room.hostConnId !== undefined,
    });
    this.#scaleHostBudget(room);
    this.#sendHost(room, {
      type: "playerJoined",
      clientUsername: player.username,
      reconnected,
    });
  }

  /**
   * The seed's relay: the object the phone sent, plus `clientUsername`. Its
   * `type` is pinned to "offer" so a phone cannot make the host read it as
   * another server message (a forged `confirmRoom`, say).
   */
  #offerToHost(room: Room, username: string, offer: SignalData): void {
    if (room.hostConnId === undefined) return;
    this.#sendHost(room, {
      ...offer,
      type: "offer",
      clientUsername: username,
    });
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
    target.conn.send(response as ServerMessage);
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
      if (!this.#hostPresent(state, type)) return;
      this.#sendHost(state.room, {
        type,
        clientUsername: state.username,
        data: msg.data,
      } as ServerMessage);
    } else {
      const target = this.#playerTarget(state, type, msg.clientUsername);
      if (!target) return;
      target.conn.send({ type, data: msg.data } as ServerMessage);
    }
    this.metrics.relayedMessages++;
  }

  #startGame(state: ConnectionState): void {
    const room = this.#hostRoom(state, "startGame");
    if (!room) return;
    if (room.started) {
      return this.#error(
        state,
        "game started",
        "The game has already started.",
        "startGame",
      );
    }
    room.started = true;
    this.#log({ event: "game started", room: room.code });
    this.#broadcastPlayers(room, { type: "gameStarted" });
  }

  #leaveRoom(state: ConnectionState): void {
    const room = state.room;
    if (!room || state.role === "none") {
      return this.#error(
        state,
        "not in room",
        "You are not in a game.",
        "leaveRoom",
      );
    }
    if (state.role === "host") {
      this.#closeRoom(room, "host left", "The host ended the game.");
      return;
    }
    const username = state.username ?? "";
    this.#removePlayer(room, username, "left");
  }

  #kickPlayer(state: ConnectionState, username: string): void {
    const room = this.#hostRoom(state, "kickPlayer");
    if (!room) return;
    const player = room.players.get(username.toLowerCase());
    if (!player) {
      return this.#error(
        state,
        "no player",
        `There is no player called ${username} in this room.`,
        "kickPlayer",
      );
    }
    const target = player.connId
      ? this.#connections.get(player.connId)
      : undefined;
    this.#removePlayer(room, player.username, "kicked");
    target?.conn.send({
      type: "roomClosed",
      reason: "kicked",
      message: "The host removed you from the game.",
    });
  }

  // -------------------------------------------------------------------------
  // Helpers
  // -------------------------------------------------------------------------

  #removePlayer(room: Room, username: string, reason: PlayerGoneReason): void {
    const player = room.players.get(username.toLowerCase());
    if (!player) return;
    room.players.delete(username.toLowerCase());
    this.#scaleHostBudget(room);
    const conn = player.connId
      ? this.#connections.get(player.connId)
      : undefined;
    if (conn) this.#detach(conn);
    this.#log({
      event: "player left",
      room: room.code,
      username: player.username,
      detail: reason,
    });
    this.#sendHost(room, {
      type: "playerLeft",
      clientUsername: player.username,
      reason,
    });
  }

  #closeRoom(room: Room, reason: RoomClosedReason, message: string): void {
    if (this.#rooms.get(room.code) !== room) return;
    this.#rooms.delete(room.code);
    const count = (this.#roomsByAddress.get(room.address) ?? 1) - 1;
    if (count > 0) this.#roomsByAddress.set(room.address, count);
    else this.#roomsByAddress.delete(room.address);
    this.#broadcastPlayers(room, { type: "roomClosed", reason, message });
    for (const player of room.players.values()) {
      const conn = player.connId
        ? this.#connections.get(player.connId)
        : undefined;
      if (conn) this.#detach(conn);
    }
    const host = room.hostConnId
      ? this.#connections.get(room.hostConnId)
      : undefined;
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

  #hostRoom(state: ConnectionState, action: string): Room | undefined {
    if (state.role === "host" && state.room) return state.room;
    this.#error(
      state,
      state.role === "player" ? "not host" : "not in room",
      state.role === "player"
        ? `Only the game screen can send ${action}.`
        : `Create a room before sending ${action}.`,
      action,
    );
    return undefined;
  }

  #playerTarget(
    state: ConnectionState,
    action: string,
    username: string | undefined,
  ): ConnectionState | undefined {
    const room = this.#hostRoom(state, action);
    if (!room) return undefined;
    if (username === undefined) {
      this.#error(
        state,
        "bad message",
        `Bad ${action} message: "clientUsername" is required from the host.`,
        action,
      );
      return undefined;
    }
    const player = room.players.get(username.toLowerCase());
    const target = player?.connId
      ? this.#connections.get(player.connId)
      : undefined;
    if (!target) {
      this.#error(
        state,
        "no player",
        player
          ? `${player.username} is not connected right now.`
          : `There is no player called ${username} in this room.`,
        action,
      );
      return undefined;
    }
    return target;
  }

  #hostPresent(state: ConnectionState, action: string): boolean {
    if (state.room?.hostConnId !== undefined) return true;
    this.#error(
      state,
      "no player",
      "The game screen is not connected right now.",
      action,
    );
    return false;
  }

  /**
   * A host speaks for all its players (answers, candidates, relayed views),
   * so its message budget grows with the room.
   */
  #scaleHostBudget(room: Room): void {
    const host = room.hostConnId
      ? this.#connections.get(room.hostConnId)
      : undefined;
    if (!host) return;
    const factor = Math.max(1, room.players.size);
    host.bucket.ratePerSecond = this.#limits.maxMessagesPerSecond * factor;
    host.bucket.burst = this.#limits.messageBurst * factor;
  }

  #sendHost(room: Room, msg: ServerMessage): void {
    if (room.hostConnId === undefined) return;
    this.#connections.get(room.hostConnId)?.conn.send(msg);
  }

  #broadcastPlayers(room: Room, msg: ServerMessage): void {
    for (const player of room.players.values()) {
      if (player.connId === undefined) continue;
      this.#connections.get(player.connId)?.conn.send(msg);
    }
  }

  /** The earliest-joined player still in the room. */
  #vipOf(room: Room): Player | undefined {
    let vip: Player | undefined;
    for (const player of room.players.values()) {
      if (!vip || player.joinedAt < vip.joinedAt) vip = player;
    }
    return vip;
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

  #error(
    state: ConnectionState,
    val: ErrorCode,
    message: string,
    action?: string,
  ): void {
    this.metrics.countError(val);
    this.#log({ event: "error", conn: state.conn.id, detail: val });
    state.conn.send(
      action === undefined
        ? { type: "error", val, message }
        : { type: "error", val, message, action },
    );
  }
}

/**
 * A variant of `name` not used in `players`: "Ann" becomes "Ann 2", then
 * "Ann 3"; long names are cut so the result stays within the name limit.
 */
function uniqueName(name: string, players: Map<string, Player>): string {
  for (let n = 2;; n++) {
    const suffix = ` ${n}`;
    // Cut whole code points: half of a surrogate pair is not a character.
    const base = name.slice(0, MAX_NAME_LENGTH - suffix.length)
      .replace(/[\uD800-\uDBFF]$/, "");
    const candidate = base.trimEnd() + suffix;
    if (!players.has(candidate.toLowerCase())) return candidate;
  }
}

/** Compares two secrets in time independent of where they differ. */
function timingSafeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
