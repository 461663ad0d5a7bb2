/**
 * Where the host's rooms survive: the tab's own room (sessionStorage, so a
 * reload reclaims it at once) and, per room, its host token in localStorage,
 * so a host tab closed by accident can be reopened and offer "Resume game
 * ABCD" while the server still keeps the room. A room's record is refreshed
 * while its tab runs ({@link HostRoomStore.remember}) and is dropped once the
 * server's grace period has passed since, or when the game ends. No DOM: the
 * storages are passed in.
 *
 * @module
 */

import {
  type KeyValue,
  readJson,
  safeRemove,
  safeSet,
} from "../link/safe_storage.ts";

/** sessionStorage key: the room this tab hosts and its host token. */
export const HOST_SESSION_KEY = "pizza-peers-host";
/** localStorage key: every room this browser hosts, by code. */
export const HOST_ROOMS_KEY = "pizza-peers-host-rooms";

/**
 * Prefix of the Web Lock a tab holds while it hosts a room (`…ABCD`): a new
 * tab offers to resume only rooms whose lock nobody holds.
 */
export const HOST_LOCK_PREFIX = "pizza-peers-host:";

/** A room this page may reclaim. */
export interface SavedHost {
  /** Room code. */
  room: string;
  /** Token proving this browser hosts it. */
  hostToken: string;
}

/** A room a closed host tab left, as kept in localStorage. */
export interface HostRoomRecord extends SavedHost {
  /** How long the server keeps the room once its host is gone, in ms. */
  graceMs: number;
  /** When its tab last said it was hosting, ms since the epoch. */
  seenAt: number;
}

/** Options of a {@link HostRoomStore}. */
export interface HostRoomStoreOptions {
  /** Per-tab storage (the page passes `sessionStorage`). */
  session: KeyValue;
  /** Storage that outlives the tab (the page passes `localStorage`). */
  local: KeyValue;
  /** Clock, ms since the epoch. @default Date.now */
  now?: () => number;
}

/**
 * The host's memory of its rooms; storage failures are ignored (a private
 * window just forgets).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HostRoomStore } from "./host_rooms.ts";
 * const memory = () => {
 *   const data = new Map<string, string>();
 *   return {
 *     getItem: (k: string) => data.get(k) ?? null,
 *     setItem: (k: string, v: string) => void data.set(k, v),
 *     removeItem: (k: string) => void data.delete(k),
 *   };
 * };
 * let now = 0;
 * const local = memory();
 * const tab = new HostRoomStore({ session: memory(), local, now: () => now });
 * tab.remember({ room: "ABCD", hostToken: "t" }, 60_000);
 * // The tab is closed; a new one finds the room while the grace lasts.
 * const next = new HostRoomStore({ session: memory(), local, now: () => now });
 * assert.equal(next.tabRoom, null);
 * assert.equal(next.resumable()[0]?.room, "ABCD");
 * now += 60_001;
 * assert.deepEqual(next.resumable(), []);
 * ```
 */
export class HostRoomStore {
  readonly #session: KeyValue;
  readonly #local: KeyValue;
  readonly #now: () => number;

  /** Nothing is read until asked. */
  constructor(options: HostRoomStoreOptions) {
    this.#session = options.session;
    this.#local = options.local;
    this.#now = options.now ?? Date.now;
  }

  /** The room this tab hosted before a reload, or null. */
  get tabRoom(): SavedHost | null {
    const data = readJson(this.#session, HOST_SESSION_KEY);
    return isSavedHost(data)
      ? { room: data.room, hostToken: data.hostToken }
      : null;
  }

  /**
   * Rooms a closed tab left that the server may still keep, the most
   * recently seen first. Records past their grace period are dropped.
   */
  resumable(): HostRoomRecord[] {
    const records = this.#records();
    const now = this.#now();
    const live = records.filter((r) => now - r.seenAt <= r.graceMs);
    if (live.length !== records.length) this.#write(live);
    return live.sort((a, b) => b.seenAt - a.seenAt);
  }

  /** The record of `room` (expired or not), or null. */
  record(room: string): HostRoomRecord | null {
    return this.#records().find((r) => r.room === room) ?? null;
  }

  /**
   * This tab hosts `saved`: remembers it for a reload (this tab) and, seen
   * now, for a new tab (`graceMs` from the server). Call it again while the
   * room is open, so its record stays fresh.
   */
  remember(saved: SavedHost, graceMs: number): void {
    safeSet(
      this.#session,
      HOST_SESSION_KEY,
      JSON.stringify({ room: saved.room, hostToken: saved.hostToken }),
    );
    const records = this.#records().filter((r) => r.room !== saved.room);
    records.push({ ...saved, graceMs, seenAt: this.#now() });
    this.#write(records);
  }

  /** Forgets `room` everywhere (the game ended, or the room is gone). */
  forget(room: string): void {
    if (this.tabRoom?.room === room) {
      safeRemove(this.#session, HOST_SESSION_KEY);
    }
    const records = this.#records();
    const kept = records.filter((r) => r.room !== room);
    if (kept.length !== records.length) this.#write(kept);
  }

  /** This tab hosts no room any more (its records stay for other tabs). */
  leaveTab(): void {
    safeRemove(this.#session, HOST_SESSION_KEY);
  }

  #records(): HostRoomRecord[] {
    const data = readJson(this.#local, HOST_ROOMS_KEY);
    if (!Array.isArray(data)) return [];
    return data.filter(isRecord).map((r) => ({
      room: r.room,
      hostToken: r.hostToken,
      graceMs: r.graceMs,
      seenAt: r.seenAt,
    }));
  }

  #write(records: readonly HostRoomRecord[]): void {
    if (records.length === 0) safeRemove(this.#local, HOST_ROOMS_KEY);
    else safeSet(this.#local, HOST_ROOMS_KEY, JSON.stringify(records));
  }
}

function isSavedHost(data: unknown): data is SavedHost {
  const saved = data as SavedHost | null;
  return typeof saved === "object" && saved !== null &&
    typeof saved.room === "string" && /^[A-Z]{4}$/.test(saved.room) &&
    typeof saved.hostToken === "string" && saved.hostToken.length > 0;
}

function isRecord(data: unknown): data is HostRoomRecord {
  const record = data as HostRoomRecord | null;
  return isSavedHost(data) && record !== null &&
    Number.isFinite(record.graceMs) && Number.isFinite(record.seenAt);
}
