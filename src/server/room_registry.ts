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
import {
  type ClientMessage,
  parseClientMessage,
  type ServerMessage,
} from "../protocol/mod.ts";
import { takeToken } from "./rate_limiter.ts";
import { type Connection, Room } from "./room.ts";
import { isBlockedCode } from "./room_codes.ts";
import { timingSafeEqual } from "./join_rules.ts";
import type { ErrorContext, RoomErrorCode } from "./room_errors.ts";
import { RegistrySeats } from "./registry_seats.ts";
import {
  CLOSE_GOING_AWAY,
  CLOSE_REPLACED,
  type ConnectionState,
  type RegistryStats,
} from "./registry_base.ts";

export type { Connection } from "./room.ts";
export {
  CLOSE_GOING_AWAY,
  CLOSE_POLICY,
  CLOSE_REPLACED,
  MAX_SEAT_TOKENS,
  type RegistryEvent,
  type RegistryLimits,
  type RegistryStats,
  type RoomChange,
  type RoomCloseReason,
  type RoomRegistryOptions,
} from "./registry_base.ts";

/** How many candidate codes to try before saying the server is full. */
const CODE_ATTEMPTS = 200;

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
export class RoomRegistry extends RegistrySeats {
  /** What the registry holds now. */
  stats(): RegistryStats {
    let players = 0;
    for (const room of this.rooms.values()) players += room.size;
    return {
      rooms: this.rooms.size,
      connections: this.connections.size,
      players,
    };
  }

  /** Connections open now (cheap: no walk over rooms). */
  get connectionCount(): number {
    return this.connections.size;
  }

  /**
   * Where the audience's fan-out goes for members on another instance: one
   * call per instance and message (the room bus publishes one envelope).
   */
  setAudienceRelay(
    relay: (instance: string, code: string, msg: ServerMessage) => void,
  ): void {
    this.audience.relay = relay;
  }

  /** Whether a room with this code is open (code in any case). */
  hasRoom(code: string): boolean {
    return this.room(code) !== undefined;
  }

  /** The open room with this code (any case), if any: the one room lookup. */
  room(code: string): Room | undefined {
    return this.rooms.get(code.toUpperCase());
  }

  /** Rooms open now (cheap: no walk over rooms). */
  get roomCount(): number {
    return this.rooms.size;
  }

  /** The codes of every room open here. */
  codes(): string[] {
    return [...this.rooms.keys()];
  }

  /** The code of the room a connection is in, if any (to name it in a fault). */
  roomOf(connId: string): string | undefined {
    return this.connections.get(connId)?.room?.code;
  }

  /** The client address of an open connection, if any. */
  addressOf(connId: string): string | undefined {
    return this.connections.get(connId)?.address;
  }

  /**
   * Closes a room that keeps hitting bugs of the server (see
   * `fault_boundary.ts`): its players and host are told "server error".
   */
  closeFaultingRoom(code: string): void {
    const room = this.room(code);
    if (!room) return;
    this.closeRoom(
      room,
      "server error",
      "The server hit a problem with this game, so it has ended. Start a new game.",
    );
  }

  /** The open connection with this id, if any: the one connection lookup. */
  connection(connId: string): Connection | undefined {
    return this.lookup(connId);
  }

  /**
   * Registers a new connection.
   * @param conn The connection.
   * @param address The client's IP address (for per-address limits).
   */
  open(conn: Connection, address: string): void {
    if (this.connections.has(conn.id)) {
      throw new Error(`Connection id ${conn.id} is already open`);
    }
    // Every field from the start: one object shape, no property array
    // added later (memory per idle player).
    this.connections.set(conn.id, {
      conn,
      address,
      role: "none",
      room: undefined,
      username: undefined,
      requestedName: undefined,
      tokens: this.limits.messageBurst,
      tokensAt: this.now(),
      budgetScale: 1,
      lastRateErrorAt: -Infinity,
    });
    this.metrics.connectionsOpened++;
    this.log({ event: "connection opened", conn: conn.id, address });
  }

  /**
   * Handles one raw frame from a connection: checks size, JSON, shape, rate
   * and protocol state, then acts. Bad input gets an error on that
   * connection only.
   * @param connId The sender.
   * @param raw The frame: a string, or anything else (refused as binary).
   */
  receive(connId: string, raw: unknown): void {
    const msg = this.admit(connId, raw);
    if (msg) this.handle(connId, msg);
  }

  /**
   * The first half of {@link receive}: charges the sender's message budget,
   * then checks size, JSON and shape. Bad input gets an error on that
   * connection only.
   * @returns The message to {@link handle}, or `undefined` when refused.
   */
  admit(connId: string, raw: unknown): ClientMessage | undefined {
    const state = this.connections.get(connId);
    if (!state) return undefined;
    const now = this.now();
    const scale = state.budgetScale;
    const limits = this.limits;
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
        this.error(state, "rate limited");
      }
      return undefined;
    }
    const parsed = parseClientMessage(raw, {
      maxBytes: this.limits.maxMessageBytes,
    });
    if (!parsed.ok) {
      this.send(state, { type: "error", ...parsed.error }, parsed.error);
      return undefined;
    }
    return parsed.msg;
  }

  /**
   * The second half of {@link receive}: acts on a message {@link admit}
   * let through (protocol state is checked here).
   */
  handle(connId: string, msg: ClientMessage): void {
    const state = this.connections.get(connId);
    if (state) this.#dispatch(state, msg);
  }

  /** Sends one error from the table to an open connection (and counts it). */
  refuse(connId: string, val: RoomErrorCode, context: ErrorContext = {}): void {
    const state = this.connections.get(connId);
    if (state) this.error(state, val, context);
  }

  /** Whether a connection is a host or player, or waits for the host. */
  inRoom(connId: string): boolean {
    const state = this.connections.get(connId);
    return state !== undefined &&
      (state.role !== "none" || state.waiting !== undefined);
  }

  /**
   * The host token of a room held here, when `token` is it (the caller
   * renews it through {@link reclaimRoom}).
   */
  hostTokenMatches(code: string, token: string): boolean {
    const room = this.room(code);
    return room !== undefined && timingSafeEqual(room.hostToken, token);
  }

  /**
   * Forgets a connection whose socket closed: a host's room waits for the
   * host to reclaim it; a player's seat waits for a reconnect.
   */
  closed(connId: string): void {
    const state = this.connections.get(connId);
    if (!state) return;
    this.connections.delete(connId);
    if (state.waiting) this.endRejoin(state.waiting, "cancelled");
    const room = state.room;
    if (room && state.role === "audience") {
      this.audience.leave(room.code, connId);
    }
    if (room && state.role === "host" && room.hostConnId === connId) {
      room.hostConnId = undefined;
      room.hostAwaySince = this.now();
      this.log({
        event: "host away",
        room: room.code,
        conn: connId,
        address: state.address,
      });
      room.broadcastPlayers({
        type: "hostAway",
        graceMs: this.limits.hostGraceMs,
        message:
          "The game screen lost its connection. Waiting for it to come back…",
      });
    } else if (room && state.role === "player" && state.username) {
      const seat = room.seatOf(state.username);
      if (seat && seat.connId === connId) {
        seat.connId = undefined;
        seat.awaySince = this.now();
        this.log({
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
    this.log({
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
    const now = this.now();
    for (const room of [...this.rooms.values()]) {
      guard(room.code, () => this.#sweepRoom(room, now));
    }
  }

  #sweepRoom(room: Room, now: number): void {
    for (const id of room.expiredRejoins(now)) {
      this.endRejoin({ room, requestId: id }, "expired");
    }
    if (!room.started) {
      for (const seat of [...room.seats()]) {
        if (
          seat.connId === undefined && seat.awaySince !== undefined &&
          now - seat.awaySince >= this.limits.lobbySeatGraceMs
        ) {
          this.removePlayer(room, seat.username, "expired");
        }
      }
    }
    if (
      !room.hostPresent && room.hostAwaySince !== undefined &&
      now - room.hostAwaySince >= this.limits.hostGraceMs
    ) {
      this.closeRoom(
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
      tokenHashes: readonly string[];
      keepsToken?: boolean;
    }[];
  }): boolean {
    const code = init.code.toUpperCase();
    if (this.rooms.has(code)) return false;
    const room = new Room({
      code,
      hostToken: init.hostToken,
      hostConnId: "",
      address: init.address,
      lookup: this.lookup,
    });
    room.hostConnId = undefined;
    room.hostAwaySince = this.now();
    room.started = init.started;
    for (const seat of init.seats) {
      // The record holds only digests: the phone's token is checked against
      // its seat's digests when it comes back.
      room.seat({
        username: seat.name,
        tokens: [],
        tokenHashes: [...seat.tokenHashes],
        joinedAt: seat.joinedAt,
        keepsToken: seat.keepsToken === true,
      });
    }
    this.rooms.set(code, room);
    this.roomsByAddress.set(
      init.address,
      (this.roomsByAddress.get(init.address) ?? 0) + 1,
    );
    this.log({ event: "room restored", room: code });
    return true;
  }

  /**
   * Closes a room whose code now belongs to another instance (this one
   * lost it, e.g. after a long pause): its sockets close with
   * `closeCode` and `reason` (no "room closed": the clients reconnect and
   * find the room where it lives now).
   */
  dropRoom(code: string, closeCode: number, reason: string): void {
    const room = this.room(code);
    if (!room) return;
    const conns = [room.hostConnId];
    for (const seat of room.seats()) conns.push(seat.connId);
    for (const request of room.rejoinRequests.values()) {
      conns.push(request.connId);
    }
    room.rejoinRequests.clear();
    for (const id of conns) {
      const state = this.stateOf(id);
      if (!state) continue;
      this.detach(state);
      state.waiting = undefined;
      state.conn.close(closeCode, reason);
    }
    this.forget(room, "code lost");
  }

  /**
   * Tells everyone the server is stopping and closes every connection.
   * With `keepRooms` (several instances share the rooms), rooms are not
   * closed: sockets close as "going away", and clients reconnect through
   * another instance and resume. Idempotent.
   */
  shutdown(options: { keepRooms?: boolean } = {}): void {
    for (const room of options.keepRooms ? [] : [...this.rooms.values()]) {
      this.closeRoom(
        room,
        "server shutdown",
        "The server is restarting. Please join again in a moment.",
      );
    }
    for (const state of [...this.connections.values()]) {
      state.conn.close(CLOSE_GOING_AWAY, "server shutting down");
      this.connections.delete(state.conn.id);
    }
    this.audience.dispose();
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
        return this.joinRoom(state, msg);
      case "offerResponse":
        return this.hostToPlayer(state, msg.action, msg.clientUsername, {
          ...msg.response,
        });
      case "signal":
      case "relay":
        return this.forward(state, msg);
      case "startGame":
        return this.startGame(state);
      case "leaveRoom":
        if (state.role === "audience") return this.#stopWatching(state);
        return this.leaveRoom(state);
      case "kickPlayer":
        return this.kickPlayer(state, msg.clientUsername);
      case "approveRejoin":
        return this.approveRejoin(state, msg.requestId, msg.approve);
      case "setJoining":
        return this.setJoining(state, msg.open);
      case "ping":
        state.conn.send({ type: "pong", id: msg.id, serverTime: this.now() });
        return;
      case "watchRoom":
        return this.#watchRoom(state, msg.room, msg.name);
      case "audienceVote":
      case "audienceReact":
        return this.#fromAudience(state, msg);
      case "audienceUpdate":
      case "audiencePrompt":
      case "audienceClose":
        return this.#fromHostToAudience(state, msg);
      case "iceServers":
        // The socket layer answers this with TURN credentials before it gets
        // here; the registry alone has no ICE servers to give.
        if (state.role === "none") {
          return this.error(state, "not in room", { action: msg.action });
        }
        state.conn.send({ type: "iceServers", iceServers: [], ttlMs: 0 });
        return;
    }
  }

  // -------------------------------------------------------------------------
  // The audience (see audience_hall.ts)
  // -------------------------------------------------------------------------

  /** A phone watches a room: never a seat, no token, no way to the host. */
  #watchRoom(state: ConnectionState, code: string, name: string): void {
    const action = "watchRoom";
    if (state.role !== "none" || state.waiting) {
      return this.error(state, "already in room", { action });
    }
    const room = this.room(code);
    if (!room) return this.error(state, "wrong room", { room: code, action });
    const refused = this.audience.watch(room.code, state.conn, name);
    if (refused) {
      return this.error(state, refused.val, { count: refused.count, action });
    }
    state.role = "audience";
    state.room = room;
    this.log({
      event: "audience joined",
      room: room.code,
      conn: state.conn.id,
      address: state.address,
    });
  }

  #stopWatching(state: ConnectionState): void {
    if (state.room) this.audience.leave(state.room.code, state.conn.id);
    this.detach(state);
  }

  #fromAudience(
    state: ConnectionState,
    msg: Extract<ClientMessage, { action: "audienceVote" | "audienceReact" }>,
  ): void {
    const room = state.room;
    if (state.role !== "audience" || !room) {
      return this.error(state, "not in room", { action: msg.action });
    }
    if (msg.action === "audienceReact") {
      this.audience.react(room.code, state.conn.id, msg.kind);
      return;
    }
    const r = this.audience.vote(
      room.code,
      state.conn.id,
      msg.promptId,
      msg.option,
    );
    if (r.ok) {
      state.conn.send({
        type: "voted",
        promptId: msg.promptId,
        option: r.option,
      });
    } else if (r.val === "bad option") {
      this.error(state, "bad message", { action: msg.action, count: r.count });
    } else this.error(state, "vote closed", { action: msg.action });
  }

  #fromHostToAudience(
    state: ConnectionState,
    msg: Extract<
      ClientMessage,
      { action: "audienceUpdate" | "audiencePrompt" | "audienceClose" }
    >,
  ): void {
    const room = this.hostRoom(state, msg.action);
    if (!room) return;
    if (msg.action === "audienceUpdate") {
      this.audience.update(room.code, msg.state);
    } else if (msg.action === "audiencePrompt") {
      if (!this.audience.prompt(room.code, msg.prompt)) {
        this.error(state, "rate limited", { action: msg.action });
      }
    } else if (!this.audience.close(room.code, msg.promptId)) {
      this.error(state, "vote closed", { action: msg.action });
    }
  }

  #createRoom(state: ConnectionState): void {
    if (!this.#mayCreate(state)) return;
    const code = this.#newCode();
    if (!code) {
      return this.error(state, "server full", {
        action: "createRoom",
        noCode: true,
      });
    }
    this.createRoom(state.conn.id, code);
  }

  /** Whether `state` may create a room now; else it is told why not. */
  #mayCreate(state: ConnectionState): boolean {
    const action = "createRoom";
    if (state.role !== "none" || state.waiting) {
      this.error(state, "already in room", { action });
      return false;
    }
    if (this.rooms.size >= this.limits.maxRooms) {
      this.error(state, "server full", { action });
      return false;
    }
    const roomsHere = this.roomsByAddress.get(state.address) ?? 0;
    if (roomsHere >= this.limits.maxRoomsPerAddress) {
      this.error(state, "too many rooms", { action, count: roomsHere });
      return false;
    }
    return true;
  }

  /**
   * Opens a room under `code` (already claimed by the caller: a room bus
   * claims codes across instances) with `connId` as its host, who hears
   * `confirmRoom`; the same checks as a `createRoom` message.
   * @param hostToken The room's host token. @default a fresh one
   * @returns false when refused (the connection was told why).
   */
  createRoom(
    connId: string,
    code: string,
    hostToken: string = this.generateToken(),
  ): boolean {
    const state = this.connections.get(connId);
    if (!state || !this.#mayCreate(state)) return false;
    code = code.toUpperCase();
    if (this.rooms.has(code)) {
      this.error(state, "server full", { action: "createRoom", noCode: true });
      return false;
    }
    const room = new Room({
      code,
      hostToken,
      hostConnId: state.conn.id,
      address: state.address,
      lookup: this.lookup,
    });
    this.rooms.set(code, room);
    this.roomsByAddress.set(
      state.address,
      (this.roomsByAddress.get(state.address) ?? 0) + 1,
    );
    state.role = "host";
    state.room = room;
    this.metrics.roomsCreated++;
    this.log({
      event: "room created",
      room: code,
      conn: state.conn.id,
      address: state.address,
    });
    this.onChange({ type: "room created", code });
    this.#confirmRoom(state, room);
    return true;
  }

  #reclaimRoom(state: ConnectionState, code: string, token: string): void {
    this.reclaimRoom(state.conn.id, code, token);
  }

  /**
   * Gives a room back to its host's new connection, which presents the
   * host token; the room gets `newHostToken` (a copy of the old one is
   * worth nothing after), and the host hears `confirmRoom` with it.
   * @param newHostToken The renewed token. @default a fresh one
   */
  reclaimRoom(
    connId: string,
    code: string,
    token: string,
    newHostToken: string = this.generateToken(),
  ): void {
    const action = "reclaimRoom";
    const state = this.connections.get(connId);
    if (!state) return;
    if (state.role !== "none" || state.waiting) {
      return this.error(state, "already in room", { action });
    }
    const room = this.room(code);
    if (!room) return this.error(state, "wrong room", { action, room: code });
    if (!timingSafeEqual(room.hostToken, token)) {
      return this.error(state, "bad token", { action });
    }
    const previous = this.stateOf(room.hostConnId);
    if (previous) {
      // A reloaded page can arrive before the old socket is noticed dead.
      this.detach(previous);
      previous.conn.close(CLOSE_REPLACED, "room reclaimed by a newer page");
    }
    room.hostConnId = state.conn.id;
    room.hostAwaySince = undefined;
    room.hostToken = newHostToken;
    state.role = "host";
    state.room = room;
    this.log({
      event: "host reclaimed",
      room: room.code,
      conn: state.conn.id,
      address: state.address,
    });
    this.onChange({ type: "room changed", code: room.code });
    this.#confirmRoom(state, room);
    // Requests that came while the page was away wait for this one.
    const now = this.now();
    for (const id of room.rejoinRequests.keys()) room.showRejoin(id, now);
    this.scaleHostBudget(room);
    // A reclaiming page is a new page: even if its old socket was not yet
    // seen to drop, the players' peer connections went with it.
    room.broadcastPlayers({ type: "hostBack" });
  }

  #confirmRoom(state: ConnectionState, room: Room): void {
    state.conn.send({
      type: "confirmRoom",
      room: room.code,
      hostToken: room.hostToken,
      hostGraceMs: this.limits.hostGraceMs,
      players: room.summaries(),
      started: room.started,
      joiningOpen: room.joiningOpen,
    });
  }

  // -------------------------------------------------------------------------
  // Helpers
  // -------------------------------------------------------------------------

  #newCode(): string | undefined {
    for (let attempt = 0; attempt < CODE_ATTEMPTS; attempt++) {
      const code = this.generateCode().toUpperCase();
      if (!/^[A-Z]{4}$/.test(code)) continue;
      if (this.rooms.has(code) || isBlockedCode(code)) continue;
      return code;
    }
    return undefined;
  }
}
