/**
 * The "how to play" card a new player sees before they first move (in the
 * lobby, waiting for the next round, or on dropping in mid-round): what each
 * step says, when the card shows, and where it is. Whether
 * it was seen lives in `SessionStore` (localStorage), so it shows once per
 * phone unless skipped again.
 *
 * @module
 */
import type { PlayerView } from "../protocol/mod.ts";

/** One step of the card. */
export interface HowToStep {
  /** Short title. */
  title: string;
  /** One or two sentences. */
  text: string;
}

/** The steps, in order, as catalogue keys. */
export const HOW_TO_STEPS: readonly HowToStep[] = [
  { title: "howto.walk", text: "howto.walk_text" },
  { title: "howto.cook", text: "howto.cook_text" },
  { title: "howto.dough", text: "howto.dough_text" },
  { title: "howto.deliver", text: "howto.deliver_text" },
];

/**
 * Whether the card shows for a view: not seen yet, and the player is about to
 * play: the lobby, waiting at game over for the next round, or a round they
 * dropped into (`droppedIn`: their first view was mid-round). A lobby player
 * who never closed it loses it when the round starts, as they are playing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { showHowTo } from "./how_to_play.ts";
 * assert.equal(showHowTo({ phase: "lobby" }, false), true);
 * assert.equal(showHowTo({ phase: "lobby" }, true), false);
 * assert.equal(showHowTo({ phase: "playing" }, false), false);
 * assert.equal(showHowTo({ phase: "playing" }, false, true), true);
 * assert.equal(showHowTo({ phase: "over", waiting: true }, false), true);
 * ```
 */
export function showHowTo(
  view: Pick<PlayerView, "phase" | "waiting">,
  seen: boolean,
  droppedIn = false,
): boolean {
  if (seen) return false;
  if (view.phase === "lobby") return true;
  if (view.phase === "over") return !!view.waiting;
  return droppedIn;
}

/**
 * Where the card is: the step shown, and whether it is done (finished or
 * skipped).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HowToCard } from "./how_to_play.ts";
 * const card = new HowToCard();
 * assert.equal(card.step.title, "howto.walk");
 * card.next();
 * card.next();
 * card.next();
 * assert.equal(card.last, true);
 * card.next();
 * assert.equal(card.done, true);
 * ```
 */
export class HowToCard {
  #index = 0;
  #done = false;

  /** Index of the step shown, 0-based. */
  get index(): number {
    return this.#index;
  }

  /** The step shown. */
  get step(): HowToStep {
    return HOW_TO_STEPS[this.#index];
  }

  /** Whether the step shown is the last one ("Got it" instead of "Next"). */
  get last(): boolean {
    return this.#index === HOW_TO_STEPS.length - 1;
  }

  /** Whether the card was finished or skipped. */
  get done(): boolean {
    return this.#done;
  }

  /** Next step; past the last one the card is done. */
  next(): void {
    if (this.last) this.#done = true;
    else this.#index++;
  }

  /** Skips the rest. */
  skip(): void {
    this.#done = true;
  }
}
