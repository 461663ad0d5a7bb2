/**
 * Whether friends may join the room right now (GAME.md "Late friends"): in
 * the lobby and at game over always, mid-round only while the host's
 * "Let friends drop in" setting is on (on by default). The host page shows the
 * QR code and join link only while joining is open; the wiring that tells the
 * server (`setJoining`) and the engine (`setDropIn`) listens to `onChange`.
 *
 * @module
 */
import type { Phase } from "../game/mod.ts";

/** What a change of the policy reports to its listeners. */
export interface JoiningChange {
  /** Whether a phone may join now. */
  open: boolean;
  /** The host's drop-in setting. */
  dropIn: boolean;
}

/**
 * Whether joining is open in `phase` with the drop-in setting `dropIn`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { joiningOpen } from "./joining_policy.ts";
 * assert.equal(joiningOpen("playing", false), false);
 * assert.equal(joiningOpen("over", false), true);
 * ```
 */
export function joiningOpen(phase: Phase, dropIn: boolean): boolean {
  return phase !== "playing" || dropIn;
}

/** The host's joining setting and the phase it applies to; tells listeners of each change. */
export class JoiningPolicy {
  #dropIn: boolean;
  #phase: Phase = "lobby";
  #listeners: Array<(change: JoiningChange) => void> = [];

  /** @param dropIn the drop-in setting to start with (on by default). */
  constructor(dropIn = true) {
    this.#dropIn = dropIn;
  }

  /** The host's "Let friends drop in" setting. */
  get dropIn(): boolean {
    return this.#dropIn;
  }

  /** Whether a phone may join now. */
  get open(): boolean {
    return joiningOpen(this.#phase, this.#dropIn);
  }

  /** Calls `listener` after every change of `open` or `dropIn`. */
  onChange(listener: (change: JoiningChange) => void): void {
    this.#listeners.push(listener);
  }

  /** Sets the drop-in setting (the sidebar's toggle). */
  setDropIn(on: boolean): void {
    if (on === this.#dropIn) return;
    this.#dropIn = on;
    this.#emit();
  }

  /** Follows the game's phase (call every frame; reports only changes). */
  setPhase(phase: Phase): void {
    if (phase === this.#phase) return;
    const wasOpen = this.open;
    this.#phase = phase;
    if (this.open !== wasOpen) this.#emit();
  }

  #emit(): void {
    const change = { open: this.open, dropIn: this.#dropIn };
    for (const listener of this.#listeners) listener(change);
  }
}
