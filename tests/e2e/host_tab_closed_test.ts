/**
 * End-to-end in Chromium: the host tab is closed by accident mid-round (not
 * reloaded); while open it holds its room's Web Lock, so no other tab offers
 * to resume its room. A new tab on the host URL offers "Resume game ABCD"; a click
 * takes the room back, the phones reconnect as their players and the round
 * goes on from where it was. Closed again and left closed, the phones say
 * why the game ended: the big screen did not come back.
 * Screenshots: test-output/screenshots/host-resume-offer.png,
 * phone-big-screen-gone.png.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Page } from "puppeteer-core";
import { HOST_LOCK_PREFIX } from "../../src/host/host_rooms.ts";
import { ignoreBrowserTests } from "./chromium.ts";
import {
  HOST_VIEWPORT,
  hostSnapshot,
  phoneSnapshot,
  screenshot,
  WAIT_MS,
  waitFor,
  waitReady,
} from "./pages.ts";
import { gameSnapshot, phoneView, tapAction, waitAction } from "./steering.ts";
import { withParty } from "./party.ts";

/** Round length, in seconds. */
const ROUND_S = 300;

function linked(state: string): boolean {
  return state === "p2p" || state === "relayed";
}

/** Waits until every phone says the big screen is away. */
async function waitHostAway(phones: readonly Page[]): Promise<void> {
  for (const phone of phones) {
    await waitFor("the phone to wait for the big screen", async () => {
      return (await phoneSnapshot(phone)).stage === "hostAway";
    });
  }
}

Deno.test({
  name:
    "browser: a closed host tab is resumed from a new tab and the round goes on; left closed, the phones say the big screen did not come back",
  ignore: ignoreBrowserTests(),
  async fn() {
    await withParty(
      { query: `?round=${ROUND_S}&seed=7`, names: ["Ann", "Bo"] },
      async ({ browser, base, host, room, phones: [ann, bo] }) => {
        await waitFor("both players linked", async () => {
          const snap = await hostSnapshot(host);
          return snap.players.length === 2 &&
            snap.players.every((p) => linked(p.state));
        });
        await waitAction(ann, "start");
        await tapAction(ann, "start");
        await waitFor("the round on", async () => {
          const game = await gameSnapshot(host);
          return game.phase === "playing" && !game.paused &&
            game.timeLeftMs < ROUND_S * 1000 - 1_000 &&
            (await phoneView(bo))?.phase === "playing";
        });
        const before = await gameSnapshot(host);
        // The open tab holds its room's lock: no other tab offers it.
        const held = await host.evaluate(async () =>
          (await navigator.locks.query()).held?.map((l) => l.name) ?? []
        );
        assert.deepEqual(held, [`${HOST_LOCK_PREFIX}${room}`]);

        // The tab is closed (not reloaded): the phones wait for it.
        await host.close();
        await waitHostAway([ann, bo]);

        const next = await browser.newPage();
        await next.setViewport(HOST_VIEWPORT);
        await next.goto(`${base}/?round=${ROUND_S}&seed=7`);
        await next.waitForSelector("#resume-button", {
          visible: true,
          timeout: WAIT_MS,
        });
        assert.equal(
          await next.$eval("#resume-button", (b) => b.textContent),
          `Resume game ${room}`,
        );
        await screenshot(next, "host-resume-offer");
        await next.click("#resume-button");

        const back = await waitFor(
          "the round back, phones linked",
          async () => {
            const snap = await hostSnapshot(next);
            const game = await gameSnapshot(next);
            return snap.room === room && snap.players.length === 2 &&
              snap.players.every((p) => linked(p.state)) &&
              game.phase === "playing" && !game.paused && game;
          },
        );
        assert.equal(back.seed, before.seed);
        assert.deepEqual(
          back.players.map((p) => p.id).sort(),
          ["Ann", "Bo"],
          "the same players, no second Ann",
        );
        assert.ok(
          back.timeLeftMs <= before.timeLeftMs &&
            back.timeLeftMs > before.timeLeftMs - 30_000,
          `the round went on from ${before.timeLeftMs} (now ${back.timeLeftMs})`,
        );
        await waitReady(ann);
        await waitReady(bo);
        await waitFor("the clock running again", async () => {
          return (await gameSnapshot(next)).timeLeftMs < back.timeLeftMs;
        });

        // Closed again and left closed: the grace passes, the room ends.
        await next.close();
        for (const phone of [ann, bo]) {
          await waitFor("the phone to say the game ended", async () => {
            return (await phoneSnapshot(phone)).stage === "ended";
          });
          assert.match(
            await phone.$eval("#ended-text", (p) => p.textContent ?? ""),
            /The big screen did not come back/,
          );
        }
        await bo.bringToFront();
        await screenshot(bo, "phone-big-screen-gone");
      },
    );
  },
});
