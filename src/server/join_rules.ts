/**
 * Who may take which seat: the registry's join decision as one pure
 * function of the seat asked for, the join request and the room's state.
 * The registry carries the outcome out (sockets, tokens, messages).
 *
 * @module
 */
import { tokenDigest } from "./room_codes.ts";

/** What the decision reads of the seat with the name asked for. */
export interface SeatFacts {
  /** Valid reconnect tokens, newest last. */
  readonly tokens: readonly string[];
  /** Digests of tokens another instance handed out (adopted rooms). */
  readonly tokenHashes?: readonly string[];
  /** The connection in the seat now, if any. */
  readonly connId?: string;
  /** Whether the seat's holder keeps its token. */
  readonly keepsToken: boolean;
}

/** What the decision reads of the join. */
export interface JoinAsk {
  /** The token the phone presents, if any. */
  readonly reconnectToken?: string;
  /** Whether the phone says it keeps tokens. */
  readonly keepsToken?: boolean;
}

/** What the decision reads of the room. */
export interface RoomFacts {
  /** Whether new names may join. */
  readonly joiningOpen: boolean;
  /** Seats taken. */
  readonly size: number;
  /** The most seats a room has. */
  readonly maxPlayers: number;
}

/** What a join gets. */
export type JoinOutcome =
  /**
   * Back into the seat; `token` (an index of `tokens`) or `digest` (of
   * `tokenHashes`) is the presented token, spent now (-1: none presented).
   */
  | { kind: "rejoin"; keepsToken: boolean; token: number; digest: number }
  /** The host decides (a rejoin by name of a token-keeping seat). */
  | { kind: "ask host" }
  /** Refused with this error. */
  | { kind: "refuse"; error: "name taken" | "no player" | "room full" }
  /** A new seat; `renamed` when the name is taken (it becomes "Ann 2"). */
  | { kind: "seat"; renamed: boolean; keepsToken: boolean };

/**
 * Decides a join: the holder of a seat's token always wins; a seat whose
 * holder never kept a token is taken back by name when free (the seed's
 * rule); one whose holder keeps its token is never given away by name
 * alone (the host decides); otherwise a new seat, while joining is open
 * and the room has room.
 *
 * @param seat The seat with the asked name, if any.
 * @param ask The join.
 * @param room The room's state.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decideJoin } from "./join_rules.ts";
 * const room = { joiningOpen: false, size: 1, maxPlayers: 8 };
 * const seat = { tokens: ["t1"], keepsToken: true };
 * assert.equal(decideJoin(seat, { reconnectToken: "t1" }, room).kind, "rejoin");
 * assert.equal(decideJoin(seat, {}, room).kind, "ask host");
 * assert.deepEqual(decideJoin(undefined, {}, room),
 *   { kind: "refuse", error: "no player" });
 * ```
 */
export function decideJoin(
  seat: SeatFacts | undefined,
  ask: JoinAsk,
  room: RoomFacts,
): JoinOutcome {
  const presented = ask.reconnectToken;
  const keepsToken = presented !== undefined || ask.keepsToken === true;
  if (seat) {
    if (presented !== undefined) {
      const token = matchingToken(seat.tokens, presented);
      if (token >= 0) {
        return { kind: "rejoin", keepsToken: true, token, digest: -1 };
      }
      const digest = seat.tokenHashes?.length
        ? matchingToken(seat.tokenHashes, tokenDigest(presented))
        : -1;
      if (digest >= 0) {
        return { kind: "rejoin", keepsToken: true, token: -1, digest };
      }
    }
    if (!seat.keepsToken) {
      if (seat.connId === undefined) {
        return { kind: "rejoin", keepsToken, token: -1, digest: -1 };
      }
      if (!room.joiningOpen) return { kind: "refuse", error: "name taken" };
    } else if (
      presented !== undefined || seat.connId === undefined || !room.joiningOpen
    ) {
      return { kind: "ask host" };
    }
  }
  if (!room.joiningOpen) return { kind: "refuse", error: "no player" };
  if (room.size >= room.maxPlayers) {
    return { kind: "refuse", error: "room full" };
  }
  return { kind: "seat", renamed: seat !== undefined, keepsToken };
}

/**
 * The index of `secret` among `secrets`, or -1; every one is compared in
 * full, so the time taken says nothing about which matched.
 */
export function matchingToken(
  secrets: readonly string[],
  secret: string,
): number {
  let found = -1;
  for (let i = 0; i < secrets.length; i++) {
    if (timingSafeEqual(secrets[i], secret)) found = i;
  }
  return found;
}

/** Compares two secrets in time independent of where they differ. */
export function timingSafeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
