/**
 * The registry's joins and the host's commands: who takes which seat
 * (decided by `join_rules.ts`), rejoins the host approves, relays between
 * host and players, kicks, leaving, start and joining.
 *
 * @module
 */
import type {
  ClientMessage,
  ServerMessage,
  SignalData,
} from "../protocol/mod.ts";
import type { JoinRequest, Room, Seat } from "./room.ts";
import { decideJoin } from "./join_rules.ts";
import {
  CLOSE_POLICY,
  CLOSE_REPLACED,
  type ConnectionState,
  MAX_SEAT_TOKENS,
  RegistryBase,
} from "./registry_base.ts";

/** Joins and host commands on top of {@link RegistryBase}. */
export abstract class RegistrySeats extends RegistryBase {
  protected joinRoom(
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
      if (msg.offer) this.offerToHost(state.room, state.username, msg.offer);
      return;
    }
    if (state.role !== "none" || state.waiting) {
      return this.error(state, "already in room", { action });
    }
    const room = this.rooms.get(msg.room.toUpperCase());
    if (!room) {
      return this.error(state, "wrong room", { action, room: msg.room });
    }
    state.requestedName = msg.username;
    const existing = room.seatOf(msg.username);
    const outcome = decideJoin(existing, msg, {
      joiningOpen: room.joiningOpen,
      size: room.size,
      maxPlayers: this.limits.maxPlayersPerRoom,
    });
    switch (outcome.kind) {
      case "rejoin":
        return this.rejoin(state, room, existing!, msg.offer, outcome);
      case "ask host":
        return this.askHost(state, room, existing!, msg);
      case "refuse":
        return this.error(
          state,
          outcome.error,
          outcome.error === "name taken"
            ? { action, username: existing?.username }
            : outcome.error === "room full"
            ? { action, count: room.size }
            : { action, closed: room.joining === false },
        );
      case "seat":
        break;
    }
    const username = outcome.renamed
      ? room.freeName(msg.username)
      : msg.username;
    const seat: Seat = {
      username,
      tokens: [this.generateToken()],
      connId: state.conn.id,
      joinedAt: this.now(),
      keepsToken: outcome.keepsToken,
    };
    room.seat(seat);
    this.seat(state, room, seat, outcome.renamed, false);
    if (msg.offer) this.offerToHost(room, username, msg.offer);
  }

  /** Parks a rejoin by name of a token-keeping seat until the host answers. */
  protected askHost(
    state: ConnectionState,
    room: Room,
    seat: Seat,
    join: JoinRequest,
  ): void {
    const id = `r${++this.requestCount}`;
    const now = this.now();
    const asked = room.requestRejoin({
      id,
      username: seat.username,
      connId: state.conn.id,
      expiresAt: now + this.limits.rejoinApprovalMs,
      join: { room: join.room, username: join.username, offer: join.offer },
    }, now);
    if (!asked) {
      return this.error(state, "not approved", {
        action: "joinRoom",
        username: seat.username,
        why: "busy",
      });
    }
    state.waiting = { room, requestId: id };
    this.log({
      event: "rejoin requested",
      room: room.code,
      conn: state.conn.id,
      address: state.address,
      username: seat.username,
    });
    state.conn.send({
      type: "rejoinPending",
      username: seat.username,
      timeoutMs: this.limits.rejoinApprovalMs,
      message: "Waiting for the host to let you back in…",
    });
  }

  protected approveRejoin(
    state: ConnectionState,
    requestId: string,
    approve: boolean,
  ): void {
    const action = "approveRejoin";
    const room = this.hostRoom(state, action);
    if (!room) return;
    const request = room.rejoinRequests.get(requestId);
    if (!request) return this.error(state, "no request", { action });
    const asker = this.endRejoin(
      { room, requestId },
      approve ? "approved" : "refused",
    );
    if (!approve || !asker) return;
    const seat = room.seatOf(request.username);
    if (seat) {
      this.rejoin(asker, room, seat, request.join.offer, {
        keepsToken: false,
        token: -1,
        digest: -1,
      });
    } else {
      // The seat went meanwhile (kicked, left, expired): an ordinary join.
      this.joinRoom(asker, { action: "joinRoom", ...request.join });
    }
  }

  /**
   * Puts `state` in `seat`, closing whoever held it. A token presented
   * (`spent.token` or `spent.digest`, its index) is spent: an old copy
   * cannot be replayed. A seat taken without one (by name, or approved by
   * the host) keeps its earlier tokens valid, so the phone that holds one
   * still wins.
   */
  protected rejoin(
    state: ConnectionState,
    room: Room,
    seat: Seat,
    offer: SignalData | undefined,
    spent: { keepsToken: boolean; token: number; digest: number },
  ): void {
    const previous = this.stateOf(seat.connId);
    if (previous) {
      this.detach(previous);
      previous.conn.close(CLOSE_REPLACED, "player reconnected elsewhere");
    }
    seat.connId = state.conn.id;
    seat.awaySince = undefined;
    if (spent.keepsToken) seat.keepsToken = true;
    if (spent.token >= 0) seat.tokens.splice(spent.token, 1);
    const hashes = seat.tokenHashes;
    if (hashes && spent.digest >= 0) hashes.splice(spent.digest, 1);
    seat.tokens.push(this.generateToken());
    if (hashes && hashes.length + seat.tokens.length > MAX_SEAT_TOKENS) {
      hashes.shift();
    }
    if (seat.tokens.length > MAX_SEAT_TOKENS) seat.tokens.shift();
    if (hashes?.length === 0) seat.tokenHashes = undefined;
    this.metrics.reconnects++;
    this.seat(state, room, seat, false, true);
    if (offer) this.offerToHost(room, seat.username, offer);
  }

  protected seat(
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
    this.onChange({
      type: "seat changed",
      code: room.code,
      username: seat.username,
    });
    this.log({
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
    this.scaleHostBudget(room);
    room.sendHost({
      type: "playerJoined",
      clientUsername: seat.username,
      reconnected,
    });
  }

  protected kickPlayer(state: ConnectionState, username: string): void {
    const action = "kickPlayer";
    const room = this.hostRoom(state, action);
    if (!room) return;
    const seat = room.seatOf(username);
    if (!seat) return this.error(state, "no player", { action, username });
    const target = room.connectionOf(seat);
    this.removePlayer(room, seat.username, "kicked");
    target?.send({
      type: "roomClosed",
      reason: "kicked",
      message: "The host removed you from the game.",
    });
    // Closed, not just detached: a kicked script cannot rejoin on the spot
    // over the same socket.
    target?.close(CLOSE_POLICY, "removed by the host");
  }

  protected leaveRoom(state: ConnectionState): void {
    if (state.waiting) {
      this.endRejoin(state.waiting, "cancelled");
      return;
    }
    const room = state.room;
    if (!room || state.role === "none") {
      return this.error(state, "not in room", { action: "leaveRoom" });
    }
    if (state.role === "host") {
      this.closeRoom(room, "host left", "The big screen closed the game.");
      return;
    }
    this.removePlayer(room, state.username ?? "", "left");
  }

  protected setJoining(state: ConnectionState, open: boolean): void {
    const room = this.hostRoom(state, "setJoining");
    if (!room) return;
    room.joining = open;
    this.log({
      event: open ? "joining opened" : "joining closed",
      room: room.code,
    });
    state.conn.send({ type: "joiningChanged", open });
  }

  protected hostToPlayer(
    state: ConnectionState,
    action: "offerResponse",
    username: string,
    response: object,
  ): void {
    const target = this.playerTarget(state, action, username);
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
  protected forward(
    state: ConnectionState,
    msg: Extract<ClientMessage, { action: "signal" | "relay" }>,
  ): void {
    const type = msg.action;
    if (state.role === "player" && state.room && state.username) {
      if (!state.room.hostPresent) {
        return this.error(state, "no player", { action: type, away: true });
      }
      state.room.sendHost({
        type,
        clientUsername: state.username,
        data: msg.data,
      } as ServerMessage);
    } else {
      const target = this.playerTarget(state, type, msg.clientUsername);
      if (!target) return;
      target.send({ type, data: msg.data } as ServerMessage);
    }
    this.metrics.relayedMessages++;
  }

  protected startGame(state: ConnectionState): void {
    const action = "startGame";
    const room = this.hostRoom(state, action);
    if (!room) return;
    if (room.started) return this.error(state, "game started", { action });
    room.started = true;
    this.log({ event: "game started", room: room.code });
    this.onChange({ type: "room changed", code: room.code });
    room.broadcastPlayers({ type: "gameStarted" });
  }
}
