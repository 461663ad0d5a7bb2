/**
 * What the host page gives the game scenes: the game to draw, a way to step
 * it (the page sends what it produces to the phones), each player's link
 * state, the join details and the host's own commands.
 *
 * @module
 */
import type { FrameResult, HostGame } from "../../../host/host_game.ts";
import type { JoinInfo, LinkKind } from "../../../host/room_game.ts";

export type { JoinInfo, LinkKind } from "../../../host/room_game.ts";

/** The host page's side of the game scenes. */
export interface GameSource {
  /** The game (read its `state`; never mutate it). */
  readonly game: HostGame;
  /**
   * Advances the game to the wall clock in fixed steps (`frameMs`, the time
   * since the last frame, is not what paces it); the page has sent the
   * outbox when this returns.
   */
  frame(frameMs: number): FrameResult;
  /** Connection of a player. */
  link(id: string): LinkKind;
  /** Room code and join URL, or null before a room exists. */
  joinInfo(): JoinInfo | null;
  /** Host start (key or click); no-op unless in the lobby. */
  start(): void;
  /** Host restart; no-op unless the round is over. */
  restart(): void;
  /** The next difficulty (lobby and game over only). */
  nextDifficulty(): void;
  /** Adds bots for a solo try (lobby only). */
  fillBots(): void;
  /** Whether a phone may join now (the join URL shows only then). */
  joiningOpen(): boolean;
}
