/**
 * The host game's debug handle: a read-only picture of the game, used by
 * browser tests (assert on state, not on pixels) and handy in DevTools.
 *
 * @module
 */
import type { Phase } from "../game/mod.ts";
import type { LinkKind } from "./room_game.ts";

/** One player as the snapshot shows it. */
export interface GamePlayerSnapshot {
  /** Player id (the signaling username, or a bot id). */
  id: string;
  /** Display name. */
  name: string;
  /** Centre x, world px. */
  x: number;
  /** Centre y, world px. */
  y: number;
  /** Whether the phone is attached. */
  connected: boolean;
  /** Whether it is a bot. */
  bot: boolean;
  /** Connection indicator. */
  link: LinkKind;
  /** Items in the backpack. */
  backpack: number;
  /** Ingredient mask of each backpack item, in slot order. */
  backpackMasks: number[];
  /** Allergy bitmask. */
  allergyMask: number;
  /** Whether this is the VIP. */
  vip: boolean;
}

/** A read-only picture of the host's game. */
export interface GameSnapshot {
  /** Lobby, playing or over. */
  phase: Phase;
  /** Paused while a phone is away. */
  paused: boolean;
  /** Seed of the current town. */
  seed: number;
  /** Difficulty level (0 Amateur … 3 Master Chef). */
  difficulty: number;
  /** Round time left, ms. */
  timeLeftMs: number;
  /** Team money. */
  money: number;
  /** Failed orders. */
  strikes: number;
  /** Pizzas delivered. */
  delivered: number;
  /** Set when over. */
  outcome: { won: boolean; text: string } | null;
  /** Whether sound is muted. */
  muted: boolean;
  /** Frames per second over the last second. */
  fps: number;
  /** Players in join order. */
  players: GamePlayerSnapshot[];
  /** Whether a phone may join now (lobby, game over, or mid-round with drop-in). */
  joiningOpen: boolean;
  /** Open orders, oldest first. */
  orders: Array<
    { houseId: number; stage: "ordering" | "waiting"; mask: number }
  >;
}

/** A text the game scenes show, with its box in game px (scene coordinates). */
export interface ShownText {
  /** The scene's key ("hud" or "world"). */
  scene: string;
  /** Its words. */
  text: string;
  /** Box, px. */
  left: number;
  /** Box, px. */
  right: number;
  /** Box, px. */
  top: number;
  /** Box, px. */
  bottom: number;
}

declare global {
  /** Debug and test handle of the host game. */
  var pizzaGame: {
    snapshot(): GameSnapshot;
    /** The words the game scenes show now (visible Phaser texts). */
    texts(): ShownText[];
  } | undefined;
}
