/**
 * Each player's marker: a number drawn on the character, on the name tag and
 * on the phone, so players are told apart without their colour.
 *
 * @module
 */
import { PLAYER_COLORS } from "./constants.ts";

/**
 * The marker of the player with `color`: its place in `PLAYER_COLORS`, from
 * 1 ("?" for a colour the list does not have).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PLAYER_COLORS } from "./constants.ts";
 * import { playerMark } from "./player_marks.ts";
 * assert.equal(playerMark(PLAYER_COLORS[0]), "1");
 * assert.equal(playerMark(PLAYER_COLORS[9]), "10");
 * assert.equal(playerMark("#000000"), "?");
 * ```
 */
export function playerMark(color: string): string {
  const index = PLAYER_COLORS.indexOf(color.toLowerCase());
  return index < 0 ? "?" : String(index + 1);
}
