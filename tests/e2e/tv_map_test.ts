/**
 * The TV's map and lists in real Chromium, in a Cook round full of bots:
 * with 8 players and neighbouring houses ordering at once, screenshots at
 * 1280x720, 1920x1080 and 3840x2160 (test-output/screenshots/tv-map-*);
 * with 12 players and every open order, the order list and the player list
 * fit at 1280x720 without scrolling, every card shows its house's label, and
 * no name is cut to a letter or two.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Page } from "puppeteer-core";
import { generateTown, houseLabel } from "../../src/game/mod.ts";
import { ignoreBrowserTests, launchChromium } from "./chromium.ts";
import {
  framesPass,
  HOST_VIEWPORT,
  openHost,
  screenshot,
  waitFor,
} from "./pages.ts";
import { gameSnapshot } from "./steering.ts";
import { startTestServer } from "./test_server.ts";

/** Town seed: the test knows its houses. */
const SEED = 11;
/** The TV sizes the host screen must read well at. */
const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
  { width: 3840, height: 2160 },
] as const;
/** Houses this close (px, centre to centre) have bubbles that would touch. */
const NEIGHBOURS_PX = 160;

/**
 * Starts a Cook round with `presses` x 4 bots on a fresh host page; the lobby
 * (everyone on the spawn spot) is shot first as `lobbyShot`.
 */
async function cookRound(
  page: Page,
  presses: number,
  lobbyShot: string,
): Promise<void> {
  for (let i = 1; i <= presses; i++) {
    await page.keyboard.press("b");
    await waitFor(
      `${i * 4} players`,
      async () => (await gameSnapshot(page)).players.length === i * 4,
    );
  }
  await framesPass(page, 6);
  await screenshot(page, lobbyShot);
  await page.keyboard.press("d");
  await waitFor(
    "Cook",
    async () => (await gameSnapshot(page)).difficulty === 1,
  );
  await page.keyboard.press("s");
  await waitFor(
    "the round",
    async () => (await gameSnapshot(page)).phase === "playing",
  );
}

/** How far each list overflows its box (0 when it fits), px. */
function overflow(page: Page): Promise<{ orders: number; players: number }> {
  return page.evaluate(() => {
    const over = (id: string) => {
      const el = document.getElementById(id)!;
      return Math.max(0, el.scrollHeight - el.clientHeight);
    };
    return { orders: over("orders"), players: over("players") };
  });
}

Deno.test({
  name:
    "TV map: 8 players with neighbouring orders shot at three sizes; 12 players and every order fit at 1280x720 without scrolling",
  ignore: ignoreBrowserTests(),
  async fn() {
    const server = await startTestServer();
    const chromium = await launchChromium();
    const errors: string[] = [];
    const town = generateTown(SEED);
    const centre = (id: number) => {
      const r = town.houses[id].rect;
      return { x: (r.tx + r.w / 2) * 32, y: r.ty * 32 };
    };
    try {
      const { page: host } = await openHost(
        chromium.browser,
        server.localUrl,
        { query: `?round=600&seed=${SEED}`, errors },
      );
      await cookRound(host, 2, "tv-lobby-8-1280x720");
      // Wait for a busy map: many orders, two of them next door to each other.
      await waitFor("neighbouring houses ordering", async () => {
        const { orders } = await gameSnapshot(host);
        if (orders.length < 6) return false;
        return orders.some((a, i) =>
          orders.slice(i + 1).some((b) => {
            const p = centre(a.houseId);
            const q = centre(b.houseId);
            return Math.hypot(p.x - q.x, p.y - q.y) < NEIGHBOURS_PX;
          })
        );
      }, 150_000);
      for (const size of SIZES) {
        await host.setViewport(size);
        await framesPass(host, 8);
        await screenshot(host, `tv-map-${size.width}x${size.height}`);
      }
      await host.setViewport(HOST_VIEWPORT);
      await framesPass(host, 4);
      // Each card names its house as the bubbles do.
      const { orders } = await gameSnapshot(host);
      const houses = await host.$$eval(
        "#orders .order",
        (cards) => cards.map((c) => (c as HTMLElement).dataset.house),
      );
      assert.deepEqual(
        [...houses].sort(),
        orders.map((o) => houseLabel(o.houseId)).sort(),
      );
      await host.close();

      // 12 players: every open order and every player fit at 1280x720.
      const { page: big } = await openHost(
        chromium.browser,
        server.localUrl,
        { query: `?round=600&seed=${SEED + 1}`, errors },
      );
      await cookRound(big, 3, "tv-lobby-12-1280x720");
      await waitFor(
        "ten open orders",
        async () => (await gameSnapshot(big)).orders.length >= 10,
        150_000,
      );
      await framesPass(big, 4);
      await screenshot(big, "tv-12-players-1280x720");
      const counts = await big.evaluate(() => ({
        cards: document.querySelectorAll("#orders .order").length,
        rows: document.querySelectorAll("#players .player").length,
      }));
      assert.ok(counts.cards >= 10, `${counts.cards} cards`);
      assert.equal(counts.rows, 12);
      assert.deepEqual(await overflow(big), { orders: 0, players: 0 });
      // Every name shows at least four letters' width (or all of it).
      const cut = await big.$$eval(
        "#players .player-name-text",
        (names) =>
          names.flatMap((n) => {
            const el = n as HTMLElement;
            const em = parseFloat(getComputedStyle(el).fontSize);
            return el.clientWidth + 1 < Math.min(el.scrollWidth, 3.5 * em)
              ? [el.textContent]
              : [];
          }),
      );
      assert.deepEqual(cut, []);
      assert.deepEqual(errors, []);
    } finally {
      await chromium.close();
      await server.close();
    }
  },
});
