/**
 * The host page's debug handle: a read-only picture of its state, used by
 * browser tests (assert on state, not on log lines) and handy in DevTools.
 *
 * @module
 */
import type { HostStatus } from "./host_session.ts";
import type { LobbyRow } from "./room_game.ts";

/** A read-only picture of the host's state. */
export interface HostSnapshot {
  /** Status kind of the room. */
  status: HostStatus["kind"];
  /** Room code, when open. */
  room: string | null;
  /** Whether the game started. */
  started: boolean;
  /** Every player with connection and input. */
  players: Array<
    LobbyRow & {
      input: { x: number; y: number };
      moves: number;
      pos: { x: number; y: number };
    }
  >;
}

declare global {
  /** Debug and test handle of the host page. */
  var pizzaHost: { snapshot(): HostSnapshot } | undefined;
}
