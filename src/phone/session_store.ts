/**
 * What the phone remembers: the player's name (localStorage, across games)
 * and the current seat (room, final name, reconnect token) in
 * sessionStorage, so a reload or a restored tab rejoins as the same player.
 * A copy of each token is kept per room and name in localStorage, so typing
 * the same code and name in a new tab also takes the seat back. Whether the
 * "how to play" card was seen is kept in localStorage too.
 *
 * @module
 */

import {
  type KeyValue,
  readJson,
  safeGet,
  safeRemove,
  safeSet,
} from "../link/safe_storage.ts";

/** localStorage key of the remembered name. */
export const NAME_KEY = "pizza-peers-name";
/** sessionStorage key of the current seat. */
export const SEAT_KEY = "pizza-peers-seat";
/** localStorage key of the token backup per room and name. */
export const TOKENS_KEY = "pizza-peers-tokens";
/** localStorage key set once the "how to play" card was finished or skipped. */
export const HOW_TO_KEY = "pizza-peers-how-to-seen";
/** Token backups older than this are dropped, in ms. */
export const TOKEN_MAX_AGE_MS = 6 * 60 * 60 * 1000;

/** The player's place in a game. */
export interface Seat {
  /** Room code. */
  room: string;
  /** Final name given by the server. */
  name: string;
  /** Token proving this phone owns the player. */
  token: string;
}

/** Reads and writes the phone's memory; storage failures are ignored. */
export class SessionStore {
  /** @param local Long-lived storage. @param session Per-tab storage. */
  constructor(
    private readonly local: KeyValue,
    private readonly session: KeyValue,
    private readonly now: () => number = Date.now,
  ) {}

  /** The last name typed on this phone, or "". */
  get name(): string {
    return safeGet(this.local, NAME_KEY) ?? "";
  }

  /** Remembers the typed name. */
  set name(value: string) {
    safeSet(this.local, NAME_KEY, value);
  }

  /** Whether this phone finished or skipped the "how to play" card. */
  get howToSeen(): boolean {
    return safeGet(this.local, HOW_TO_KEY) === "1";
  }

  /** Remembers that the "how to play" card was finished or skipped. */
  markHowToSeen(): void {
    safeSet(this.local, HOW_TO_KEY, "1");
  }

  /** The seat this tab holds, or null. */
  get seat(): Seat | null {
    const data = readJson(this.session, SEAT_KEY);
    return isSeat(data) ? data : null;
  }

  /** Saves the seat (and the token backup). */
  saveSeat(seat: Seat): void {
    safeSet(this.session, SEAT_KEY, JSON.stringify(seat));
    const tokens = this.#tokens();
    tokens[`${seat.room}/${seat.name}`] = { token: seat.token, at: this.now() };
    safeSet(this.local, TOKENS_KEY, JSON.stringify(tokens));
  }

  /** The backed-up token for this room and name, if any. */
  tokenFor(room: string, name: string): string | undefined {
    return this.#tokens()[`${room}/${name}`]?.token;
  }

  /**
   * Forgets the seat in `room` (game over, left, or refused there): the
   * tab's seat if it is in that room, and the token backup of `name` in it.
   * A seat in another room is kept.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { SessionStore } from "./session_store.ts";
   * const memory = () => {
   *   const data = new Map<string, string>();
   *   return {
   *     getItem: (k: string) => data.get(k) ?? null,
   *     setItem: (k: string, v: string) => void data.set(k, v),
   *     removeItem: (k: string) => void data.delete(k),
   *   };
   * };
   * const store = new SessionStore(memory(), memory());
   * store.saveSeat({ room: "BBBB", name: "Bo", token: "t" });
   * store.clearSeat("AAAA", "Bo");
   * assert.equal(store.seat?.room, "BBBB");
   * store.clearSeat("BBBB", "Bo");
   * assert.equal(store.seat, null);
   * ```
   */
  clearSeat(room: string, name?: string): void {
    const code = room.toUpperCase();
    const seat = this.seat;
    if (seat && seat.room === code) {
      try {
        safeRemove(this.session, SEAT_KEY);
      } catch {
        // Ignore.
      }
    }
    const tokens = this.#tokens();
    let changed = false;
    for (const who of new Set([name, seat?.room === code ? seat.name : null])) {
      if (who && `${code}/${who}` in tokens) {
        delete tokens[`${code}/${who}`];
        changed = true;
      }
    }
    if (changed) safeSet(this.local, TOKENS_KEY, JSON.stringify(tokens));
  }

  #tokens(): Record<string, { token: string; at: number }> {
    const data = readJson(this.local, TOKENS_KEY);
    const out: Record<string, { token: string; at: number }> = {};
    if (typeof data !== "object" || data === null) return out;
    const cutoff = this.now() - TOKEN_MAX_AGE_MS;
    for (const [key, value] of Object.entries(data)) {
      const entry = value as { token?: unknown; at?: unknown };
      if (
        typeof entry?.token === "string" && typeof entry.at === "number" &&
        entry.at > cutoff
      ) {
        out[key] = { token: entry.token, at: entry.at };
      }
    }
    return out;
  }
}

function isSeat(data: unknown): data is Seat {
  const seat = data as Seat | null;
  return typeof seat === "object" && seat !== null &&
    typeof seat.room === "string" && typeof seat.name === "string" &&
    typeof seat.token === "string";
}
