/**
 * One room: its seats, names, VIP, host presence and broadcasting.
 *
 * A room holds connection ids, never sockets: it reaches a connection only
 * through the {@link ConnectionLookup} its owner gives it, and then only
 * through the two-method {@link Connection} interface. A connection that
 * lives on another server instance can therefore be a proxy that
 * implements `Connection`.
 *
 * @module
 */
import {
  MAX_NAME_LENGTH,
  type PlayerSummary,
  type ServerMessage,
  type SignalData,
} from "../protocol/mod.ts";
import type { RejoinOutcome } from "../protocol/signaling.ts";

/** One client's signaling connection, as the registry sees it. */
export interface Connection {
  /** Unique id of this connection on this server. */
  readonly id: string;
  /** Sends one message; must not throw when the socket is already closing. */
  send(msg: ServerMessage): void;
  /** Closes the connection with a WebSocket close code and reason. */
  close(code?: number, reason?: string): void;
}

/** Finds an open connection by id; `undefined` when it is gone. */
export type ConnectionLookup = (connId: string) => Connection | undefined;

/** One seat: a player's name, secret and current connection, if any. */
export interface Seat {
  /** The player's final, unique name. */
  readonly username: string;
  /**
   * Valid reconnect tokens, newest last: a fresh one per connection; one
   * presented is spent, those of phones the seat was taken from by name
   * stay valid.
   */
  tokens: string[];
  /**
   * In a room adopted from another instance's record: SHA-256 digests
   * (`tokenDigest`) of the still valid tokens that instance handed out. A
   * token matching one takes the seat back like a token, and is spent.
   */
  tokenHashes?: string[];
  /** The connection in this seat now; `undefined` while it is away. */
  connId?: string;
  /** When the seat was taken, in ms (the earliest is the VIP). */
  readonly joinedAt: number;
  /**
   * Whether a join that took this seat carried a reconnect token or
   * `keepsToken`: the holder keeps its token, so the seat is taken back only
   * with that token or with the host's approval. Never reset.
   */
  keepsToken: boolean;
  /** When its connection dropped, in ms; `undefined` while connected. */
  awaySince?: number;
}

/** Someone waiting for the host to let it back into a seat by name. */
export interface RejoinRequest {
  /** The id the host answers with. */
  readonly id: string;
  /** The seat asked for. */
  readonly username: string;
  /** The asking connection. */
  readonly connId: string;
  /** When it is refused without an answer, in ms. */
  readonly expiresAt: number;
  /** The join as sent, replayed when the host approves. */
  readonly join: JoinRequest;
}

/** What a waiting join asked for. */
export interface JoinRequest {
  /** Room code. */
  readonly room: string;
  /** The name asked for. */
  readonly username: string;
  /** simple-peer's offer, if one came with the join. */
  readonly offer?: SignalData;
}

/** What a new {@link Room} starts with. */
export interface RoomInit {
  /** Four uppercase letters. */
  code: string;
  /** The host's secret for reclaiming the room. */
  hostToken: string;
  /** The creating host's connection. */
  hostConnId: string;
  /** The creating host's IP address (rooms per address are limited). */
  address: string;
  /** How the room reaches connections. */
  lookup: ConnectionLookup;
}

/**
 * A room's state and its fan-out. It decides nothing about who may do
 * what: the registry checks permissions, then asks the room.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Room } from "./room.ts";
 * const sent: unknown[] = [];
 * const host = { id: "h", send: (m: unknown) => sent.push(m), close() {} };
 * const room = new Room({
 *   code: "ABCD", hostToken: "t0000000", hostConnId: "h", address: "a",
 *   lookup: (id) => id === "h" ? host : undefined,
 * });
 * room.seat({
 *   username: "Ann", tokens: ["t1"], connId: "p", joinedAt: 1, keepsToken: false,
 * });
 * room.sendHost({ type: "gameStarted" });
 * assert.equal(room.vip()?.username, "Ann");
 * assert.equal(sent.length, 1);
 * ```
 */
export class Room {
  /** Four uppercase letters. */
  readonly code: string;
  /** The host's IP address. */
  readonly address: string;
  /** The host's secret for reclaiming the room; a new one per reclaim. */
  hostToken: string;
  /** The host's connection now; `undefined` while the host is away. */
  hostConnId?: string;
  /** When the host dropped, in ms; `undefined` while it is here. */
  hostAwaySince?: number;
  /** Whether the host started the game (unknown names are then refused). */
  started = false;
  /**
   * The host's explicit choice from `setJoining`; `undefined` keeps the
   * seed's rule (new names until `startGame`, none after).
   */
  joining?: boolean;
  /** Rejoins by name waiting for the host, by request id. */
  readonly rejoinRequests = new Map<string, RejoinRequest>();
  readonly #lookup: ConnectionLookup;
  /** Keyed by lower-cased name: names are unique regardless of case. */
  readonly #seats = new Map<string, Seat>();

  constructor(init: RoomInit) {
    this.code = init.code;
    this.hostToken = init.hostToken;
    this.hostConnId = init.hostConnId;
    this.address = init.address;
    this.#lookup = init.lookup;
  }

  /** Players seated, connected or not. */
  get size(): number {
    return this.#seats.size;
  }

  /** Whether new names may join now. */
  get joiningOpen(): boolean {
    return this.joining ?? !this.started;
  }

  /** The waiting rejoin request for a seat, if any. */
  rejoinRequestFor(username: string): RejoinRequest | undefined {
    const key = username.toLowerCase();
    for (const request of this.rejoinRequests.values()) {
      if (request.username.toLowerCase() === key) return request;
    }
    return undefined;
  }

  /**
   * Parks a rejoin by name until the host answers, and shows it to the
   * host. @returns false when a request for that seat waits already.
   */
  requestRejoin(request: RejoinRequest, now: number): boolean {
    if (this.rejoinRequestFor(request.username)) return false;
    this.rejoinRequests.set(request.id, request);
    this.showRejoin(request.id, now);
    return true;
  }

  /** Shows the host a waiting request (again after a reclaim). */
  showRejoin(requestId: string, now: number): void {
    const request = this.rejoinRequests.get(requestId);
    if (!request) return;
    this.sendHost({
      type: "rejoinRequest",
      clientUsername: request.username,
      requestId,
      timeoutMs: Math.max(0, request.expiresAt - now),
    });
  }

  /**
   * Ends a waiting request and tells the host how.
   * @returns The request, or `undefined` when none has that id.
   */
  endRejoin(
    requestId: string,
    outcome: RejoinOutcome,
  ): RejoinRequest | undefined {
    const request = this.rejoinRequests.get(requestId);
    if (!request) return undefined;
    this.rejoinRequests.delete(requestId);
    this.sendHost({
      type: "rejoinClosed",
      clientUsername: request.username,
      requestId,
      outcome,
    });
    return request;
  }

  /** Ids of requests the host left unanswered until `now`. */
  expiredRejoins(now: number): string[] {
    const ids: string[] = [];
    for (const request of this.rejoinRequests.values()) {
      if (now >= request.expiresAt) ids.push(request.id);
    }
    return ids;
  }

  /** Whether the host is connected now. */
  get hostPresent(): boolean {
    return this.hostConnId !== undefined;
  }

  /** The seat with this name, in any case. */
  seatOf(username: string): Seat | undefined {
    return this.#seats.get(username.toLowerCase());
  }

  /** Every seat, in joining order. */
  seats(): IterableIterator<Seat> {
    return this.#seats.values();
  }

  /** Adds a seat (its name must be free). */
  seat(seat: Seat): void {
    this.#seats.set(seat.username.toLowerCase(), seat);
  }

  /** Removes a seat by name; returns it, or `undefined` when absent. */
  unseat(username: string): Seat | undefined {
    const seat = this.seatOf(username);
    if (seat) this.#seats.delete(username.toLowerCase());
    return seat;
  }

  /** The earliest-joined player still in the room. */
  vip(): Seat | undefined {
    // forEach, not for…of: no iterator result per seat (asked on each join).
    let vip: Seat | undefined;
    this.#seats.forEach((seat) => {
      if (!vip || seat.joinedAt < vip.joinedAt) vip = seat;
    });
    return vip;
  }

  /** The players as the host sees them when reclaiming. */
  summaries(): PlayerSummary[] {
    return [...this.#seats.values()].map((seat) => ({
      clientUsername: seat.username,
      connected: seat.connId !== undefined,
    }));
  }

  /**
   * A variant of `name` not used here: "Ann" becomes "Ann 2", then "Ann 3";
   * long names are cut so the result stays within the name limit.
   */
  freeName(name: string): string {
    for (let n = 2;; n++) {
      const suffix = ` ${n}`;
      // Cut whole code points: half of a surrogate pair is not a character.
      const base = name.slice(0, MAX_NAME_LENGTH - suffix.length)
        .replace(/[\uD800-\uDBFF]$/, "");
      const candidate = base.trimEnd() + suffix;
      if (!this.#seats.has(candidate.toLowerCase())) return candidate;
    }
  }

  /** The host's connection, when connected. */
  host(): Connection | undefined {
    return this.hostConnId === undefined
      ? undefined
      : this.#lookup(this.hostConnId);
  }

  /** A seat's connection, when connected. */
  connectionOf(seat: Seat | undefined): Connection | undefined {
    return seat?.connId === undefined ? undefined : this.#lookup(seat.connId);
  }

  /** Sends to the host, when connected. */
  sendHost(msg: ServerMessage): void {
    this.host()?.send(msg);
  }

  /** Sends to every connected player. */
  broadcastPlayers(msg: ServerMessage): void {
    for (const seat of this.#seats.values()) this.connectionOf(seat)?.send(msg);
  }
}
