/**
 * The Web Lock a host tab holds while it hosts a room, so that another tab
 * of the same browser does not offer to resume a room that is still open.
 * Without the Web Locks API nothing is held and every room may be offered.
 *
 * @module
 */
/// <reference lib="dom" />
import { HOST_LOCK_PREFIX } from "../../host/host_rooms.ts";

/** Holds at most one room's lock at a time. */
export class RoomLock {
  #room: string | null = null;
  #release: () => void = () => {};

  /** Rooms some tab of this browser holds the lock of now. */
  static async held(): Promise<Set<string>> {
    try {
      const { held = [] } = await navigator.locks.query();
      return new Set(
        held.flatMap(({ name }) =>
          name?.startsWith(HOST_LOCK_PREFIX)
            ? [name.slice(HOST_LOCK_PREFIX.length)]
            : []
        ),
      );
    } catch {
      return new Set();
    }
  }

  /** Holds the lock of `room`, letting go of any other (null: none). */
  hold(room: string | null): void {
    if (room === this.#room) return;
    this.#release();
    this.#release = () => {};
    this.#room = room;
    if (!room || !globalThis.navigator?.locks) return;
    const held = new Promise<void>((resolve) => this.#release = resolve);
    navigator.locks.request(`${HOST_LOCK_PREFIX}${room}`, () => held)
      .catch(() => {});
  }
}
