import assert from "node:assert/strict";
import { AUDIENCE_EVENTS } from "../../src/game/audience.ts";
import { CHEF, COOK } from "../../src/game/difficulty.ts";
import { startAudienceEvent } from "../../src/game/engine.ts";
import { playBotGame } from "../../src/bots/headless.ts";
import { started } from "../game/_util.ts";

/**
 * Bots play through every audience event: the event goes on from the start
 * and wins every vote, so it holds for most of a whole 6:00 round (road
 * works: a new street each minute, which the bots path around). One team
 * of two per level keeps this within CI time; `win_rate_test.ts` covers
 * team sizes without events.
 */
for (const event of AUDIENCE_EVENTS) {
  Deno.test(`bots win at Cook and Chef with ${event} all round`, () => {
    for (const difficulty of [COOK, CHEF]) {
      const r = playBotGame({
        seed: 2,
        players: 2,
        difficulty,
        audienceEvent: event,
      });
      assert.equal(r.uncarriable, 0);
      assert.ok(
        r.won,
        `level ${difficulty}: ${r.reason}, ${r.delivered} delivered`,
      );
    }
  });
}

Deno.test("road works in the bots' game really close a street", () => {
  const s =
    startAudienceEvent(started({ seed: 2, players: 2 }), "road_works", 0).state;
  assert.equal(s.audience.event?.closedTiles.length, 2);
});
