/**
 * Late friends in real Chromium (GAME.md, "Session flow"): two phones play a
 * short round to game over; a third phone joins at game over, is told it
 * plays from the next round, and plays it when the VIP restarts; a fourth
 * joins mid-round as a drop-in and plays at once. The phones' game-over
 * screen shows win or lose, stars and the team's stats. Screenshots go to
 * test-output/screenshots/.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Page } from "puppeteer-core";
import { ignoreBrowserTests } from "./chromium.ts";
import {
  framesPass,
  holdStick,
  hostSnapshot,
  PHONE_LANDSCAPE,
  PHONE_PORTRAIT,
  releaseStick,
  screenshot,
  waitFor,
} from "./pages.ts";
import { gameSnapshot, phoneView, tapAction, waitAction } from "./steering.ts";
import { withParty } from "./party.ts";

/** Round length, s: short, so the first round ends soon. */
const ROUND_S = 25;

/** Pushes a phone's stick until the host has its player moving, then lets go. */
async function walksOnHost(phone: Page, host: Page, id: string): Promise<void> {
  const start = (await gameSnapshot(host)).players.find((p) => p.id === id)!;
  await holdStick(phone, 0, 90);
  try {
    await waitFor(`${id} walking on the host`, async () => {
      const now = (await gameSnapshot(host)).players.find((p) => p.id === id);
      return now && Math.hypot(now.x - start.x, now.y - start.y) > 8;
    });
  } finally {
    await releaseStick(phone);
  }
}

Deno.test({
  name:
    "Late friends: a phone joins at game over and plays the next round; another drops in mid-round",
  ignore: ignoreBrowserTests(),
  async fn() {
    await withParty(
      { query: `?round=${ROUND_S}&seed=7`, names: ["Ann", "Bob"] },
      async ({ host, phones: [ann, bob], errors, join }) => {
        await waitAction(ann, "start");
        await tapAction(ann, "start");
        await waitFor(
          "the first round",
          async () => (await gameSnapshot(host)).phase === "playing",
        );
        await waitFor(
          "the server to know the round started",
          async () => (await hostSnapshot(host)).started,
        );

        // Game over: win or lose with the reason, stars and the team on the phone.
        await waitFor(
          "game over",
          async () => (await gameSnapshot(host)).phase === "over",
          (ROUND_S + 60) * 1000,
        );
        const over = await waitFor("Ann's game over", async () => {
          const v = await phoneView(ann);
          return v?.phase === "over" && v;
        });
        assert.equal(over.outcome?.won, false, "no delivery is not a win");
        assert.equal(over.outcome?.stars, 0);
        assert.deepEqual(over.team?.map((row) => row.name), ["Ann", "Bob"]);
        await ann.waitForSelector("#game-over", { visible: true });
        assert.equal(
          await ann.$eval("#over-title", (e) => e.textContent),
          "Game over",
        );
        assert.equal(
          await ann.$eval("#over-stars", (e) => e.textContent),
          "☆☆☆",
        );
        assert.equal(
          await ann.$$eval("#over-team tr", (rows) => rows.length),
          2,
        );
        await screenshot(ann, "phone-over");
        await ann.setViewport(PHONE_LANDSCAPE);
        await framesPass(ann, 3);
        await screenshot(ann, "phone-over-landscape");
        await ann.setViewport(PHONE_PORTRAIT);

        // A third phone joins at game over: it waits for the next round.
        const [cy] = await join(["Cy"]);
        const waiting = await waitFor("Cy's waiting view", async () => {
          const v = await phoneView(cy);
          return v?.phase === "over" && v;
        });
        assert.equal(waiting.waiting, true);
        assert.match(
          await cy.$eval("#phase-note", (e) => e.textContent ?? ""),
          /play from the next round/,
        );
        await screenshot(cy, "phone-waiting");
        await waitFor(
          "Cy on Ann's game-over list",
          async () =>
            (await phoneView(ann))?.team?.some((row) => row.name === "Cy"),
        );
        await screenshot(ann, "phone-over-with-late-friend");

        // The VIP plays again: Cy plays this round.
        await tapAction(ann, "restart");
        await waitFor("Cy's next round", async () => {
          const v = await phoneView(cy);
          return v?.phase === "playing" && v.waiting === false;
        });
        await walksOnHost(cy, host, "Cy");

        // A fourth phone drops in mid-round and plays at once.
        const [dee] = await join(["Dee"]);
        await waitFor(
          "Dee's round",
          async () => (await phoneView(dee))?.phase === "playing",
        );
        assert.equal((await gameSnapshot(host)).phase, "playing");
        await walksOnHost(dee, host, "Dee");
        const names = (await gameSnapshot(host)).players.map((p) => p.id);
        assert.deepEqual(names, ["Ann", "Bob", "Cy", "Dee"]);
        assert.ok(bob);
        assert.deepEqual(errors, []);
      },
    );
  },
});
