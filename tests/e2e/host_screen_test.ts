/**
 * The host screen (TV) in real Chromium: the lobby, a round with 8 players
 * (bots added with "B", 4 a press), and the game over with
 * stars and per-player stats, each shot at 1280x720, 1920x1080 and
 * 3840x2160 into test-output/screenshots/. Checks on the way: the order list
 * shows a taken order with its ingredient icons, the join link shows only
 * while joining is open (the drop-in toggle closes it mid-round, and a phone
 * refused then reads the TV's words), and "End
 * game" asks first (Escape cancels).
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Page } from "puppeteer-core";
import { ingredientNames } from "../../src/game/mod.ts";
import { ignoreBrowserTests, launchChromium } from "./chromium.ts";
import {
  framesPass,
  hostSnapshot,
  joinAs,
  openHost,
  openPhone,
  screenshot,
  waitFor,
} from "./pages.ts";
import { gameSnapshot } from "./steering.ts";
import { startTestServer } from "./test_server.ts";

/** Round length, s: long enough to see orders, short enough to end. */
const ROUND_S = 24;
/** The TV sizes the host screen must read well at. */
const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
  { width: 3840, height: 2160 },
] as const;

/** Shoots the host page at every size (waiting for frames after each resize). */
async function shootAll(page: Page, name: string): Promise<void> {
  // Phaser boots after the page's handles exist: wait for its steps.
  await waitFor(
    "the game scenes to run",
    async () => (await gameSnapshot(page)).fps > 0,
  );
  await waitFor(
    "the canvas to fill the middle",
    () =>
      page.$eval("#game canvas", (c) => c.getBoundingClientRect().width > 400),
  );
  for (const size of SIZES) {
    await page.setViewport(size);
    await framesPass(page, 6);
    await screenshot(page, `host-${name}-${size.width}x${size.height}`);
  }
  await page.setViewport(SIZES[0]);
  await framesPass(page, 2);
}

/** Whether an element is shown (in the layout, not `hidden`). */
function shown(page: Page, selector: string): Promise<boolean> {
  return page.$eval(
    selector,
    (el) => !(el as HTMLElement).hidden && el.getClientRects().length > 0,
  );
}

Deno.test({
  name:
    "Host screen: order list with icons, join link only while open, End game asks, screenshots of lobby, 8-player round and game over at three sizes",
  ignore: ignoreBrowserTests(),
  async fn() {
    const server = await startTestServer();
    const chromium = await launchChromium();
    const errors: string[] = [];
    try {
      const { page: host, room } = await openHost(
        chromium.browser,
        server.localUrl,
        { query: `?round=${ROUND_S}&seed=11`, errors },
      );
      // B: 4 bots in the lobby.
      await host.keyboard.press("b");
      await waitFor(
        "4 players",
        async () => (await gameSnapshot(host)).players.length === 4,
      );
      assert.equal(await shown(host, "#join"), true);
      await shootAll(host, "lobby");

      // "End game" opens the page's own dialog; Escape keeps the game.
      await host.click("#end-button");
      await waitFor(
        "the confirm dialog",
        () => host.$eval("#end-dialog", (d) => (d as HTMLDialogElement).open),
      );
      await host.keyboard.press("Escape");
      await waitFor(
        "the dialog to close",
        async () =>
          !(await host.$eval(
            "#end-dialog",
            (d) => (d as HTMLDialogElement).open,
          )),
      );
      assert.equal((await hostSnapshot(host)).status, "open");

      // B again: 8 players; S starts.
      await host.keyboard.press("b");
      await waitFor(
        "8 players",
        async () => (await gameSnapshot(host)).players.length === 8,
      );
      await host.keyboard.press("s");
      await waitFor(
        "the round",
        async () => (await gameSnapshot(host)).phase === "playing",
      );

      // The order list shows a taken order with one icon per ingredient.
      const card = await waitFor("a taken order in the list", () =>
        host.$$eval(
          '#orders .order[data-stage="waiting"]',
          (cards) =>
            cards.map((c) => ({
              id: Number((c as HTMLElement).dataset.orderId),
              ingredients: (c as HTMLElement).dataset.ingredients ?? "",
              icons: [...c.querySelectorAll("img.order-icon")].map((img) =>
                (img as HTMLElement).dataset.ingredient
              ),
            }))[0],
        ));
      const snap = await gameSnapshot(host);
      const order = snap.orders.find((o) => o.stage === "waiting");
      assert.ok(order, "the game has a taken order");
      assert.ok(card.icons.length >= 1);
      assert.deepEqual(card.icons, card.ingredients.split(" "));
      assert.ok(
        snap.orders.some((o) =>
          o.stage === "waiting" &&
          ingredientNames(o.mask).join(" ") === card.ingredients
        ),
        `an open order wants ${card.ingredients}`,
      );

      // Drop-in on (default): joining stays open mid-round; off closes it.
      assert.equal(await shown(host, "#join"), true);
      await shootAll(host, "round");
      await host.click("#drop-in");
      await waitFor(
        "the join link to hide",
        async () =>
          !(await shown(host, "#join")) && await shown(host, "#join-closed"),
      );
      assert.equal((await gameSnapshot(host)).joiningOpen, false);
      // A friend trying now reads what the TV says (the HUD drops "JOIN AT").
      await framesPass(host, 4);
      await screenshot(host, "host-round-closed-1280x720");
      const late = await openPhone(
        chromium.browser,
        `${server.localUrl}/play/?room=${room}`,
      );
      try {
        await joinAs(late.page, "Zed");
        const words = await waitFor(
          "the refused phone's words",
          () =>
            late.page.$eval("#join-error", (e) => e.textContent || undefined),
        );
        const tv = await host.$eval("#join-closed", (e) => e.textContent!);
        const lead = "Joining is closed during the round.";
        assert.ok(words.startsWith(lead), words);
        assert.ok(tv.replace(/\s+/g, " ").startsWith(lead), tv);
      } finally {
        await late.context.close();
      }
      await host.click("#drop-in");
      await waitFor("the join link to come back", () => shown(host, "#join"));
      assert.equal((await gameSnapshot(host)).joiningOpen, true);

      await waitFor(
        "game over",
        async () => (await gameSnapshot(host)).phase === "over",
        (ROUND_S + 90) * 1000,
      );
      assert.equal(await shown(host, "#join"), true);
      await shootAll(host, "over");

      // D at game over: Cook (combined pizzas). R: a new town, the same 8
      // players, a new round at Cook.
      const { seed, difficulty } = await gameSnapshot(host);
      assert.equal(difficulty, 0);
      await host.keyboard.press("d");
      await waitFor(
        "Cook",
        async () => (await gameSnapshot(host)).difficulty === 1,
      );
      await host.keyboard.press("r");
      const again = await waitFor("the next round", async () => {
        const s = await gameSnapshot(host);
        return s.phase === "playing" && s;
      });
      assert.notEqual(again.seed, seed);
      assert.equal(again.players.length, 8);

      // A combined pizza in the order list: one icon per ingredient.
      const combined = await waitFor(
        "a combined pizza in the list",
        () =>
          host.$$eval(
            "#orders .order[data-stage=waiting]",
            (cards) =>
              cards.map((c) => ({
                ingredients: (c as HTMLElement).dataset.ingredients ?? "",
                icons: [...c.querySelectorAll("img.order-icon")].length,
              })).find((c) => c.icons >= 3),
          ),
      );
      assert.equal(combined.icons, combined.ingredients.split(" ").length);
      await framesPass(host, 6);
      await host.setViewport(SIZES[1]);
      await framesPass(host, 6);
      await screenshot(host, "host-cook-1920x1080");
      assert.deepEqual(errors, []);
    } finally {
      await chromium.close();
      await server.close();
    }
  },
});
