import assert from "node:assert/strict";
import { PLAYER_COLORS } from "../../src/game/constants.ts";
import { playerMark } from "../../src/game/player_marks.ts";

Deno.test("playerMark() gives every player colour its own marker", () => {
  const marks = PLAYER_COLORS.map(playerMark);
  assert.equal(new Set(marks).size, PLAYER_COLORS.length);
  assert.ok(marks.every((m) => /^\d+$/.test(m)));
  assert.equal(playerMark(PLAYER_COLORS[3].toUpperCase()), "4");
  assert.equal(playerMark("#123456"), "?");
});
