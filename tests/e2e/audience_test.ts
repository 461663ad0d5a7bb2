/**
 * The audience in real Chromium: a host, two players and three audience
 * phones. The audience phones "Watch and vote" through the join form, see
 * the game, vote when the round's first vote opens,
 * and react (votes every 20 s of round time here, from the host page's
 * `?vote=` parameter); the TV shows the vote with its counts, announces the winner
 * and shows reactions as one bubble per kind with a count, in the sidebar
 * (never over the orders). Screenshots go to test-output/screenshots/.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Page } from "puppeteer-core";
import { ignoreBrowserTests } from "./chromium.ts";
import {
  openPhone,
  type Phone,
  phoneSnapshot,
  screenshot,
  waitFor,
} from "./pages.ts";
import { gameSnapshot, tapAction, waitAction } from "./steering.ts";
import { withParty } from "./party.ts";

/** Seconds of round time between votes (the rules' 60 s, shortened for the test). */
const VOTE_S = 20;

/** Opens a phone on the join link and taps "Watch and vote". */
async function watchAs(page: Page, name: string): Promise<void> {
  await page.waitForSelector("#join-form", { visible: true });
  await page.click("#name-input", { count: 3 });
  await page.type("#name-input", name);
  await page.tap("#watch-button");
  await page.waitForSelector("#audience-screen", { visible: true });
}

/** The TV's vote counts, in option order. */
function tvCounts(host: Page): Promise<number[]> {
  return host.$$eval(
    "#audience-options li b",
    (els) => els.map((e) => Number(e.textContent)),
  );
}

Deno.test({
  name:
    "The audience: three phones watch, vote in the round's first vote and react; the TV shows the vote, the winner and the reactions",
  ignore: ignoreBrowserTests(),
  async fn() {
    await withParty(
      {
        query: `?round=200&seed=7&vote=${VOTE_S}`,
        names: ["Ann", "Bob"],
        phoneErrors: true,
      },
      async ({ browser, base, host, room, phones: [ann, bob], errors }) => {
        const fans: Phone[] = [];
        try {
          for (const name of ["Cat", "Dan", "Eve"]) {
            const fan = await openPhone(browser, `${base}/play/?room=${room}`);
            fans.push(fan);
            fan.page.on("pageerror", (e) => errors.push(String(e)));
            await watchAs(fan.page, name);
          }
          const [cat, dan, eve] = fans.map((f) => f.page);
          // What the page says they can do, and no joystick.
          const help = await cat.$eval("#watch-help", (e) => e.textContent);
          assert.match(help ?? "", /vote/);
          assert.equal(await cat.$("#audience-screen #stick-zone"), null);
          assert.equal(
            await cat.$eval("#stick-zone", (e) => e.checkVisibility()),
            false,
          );
          await waitFor(
            "the TV to count three watchers",
            async () =>
              (await host.$eval("#audience-count", (e) => e.textContent)) ===
                "3",
          );

          await waitAction(ann, "start");
          await tapAction(ann, "start");
          await waitFor(
            "the round",
            async () => (await gameSnapshot(host)).phase === "playing",
          );
          // The audience sees the game: time and money from the host's updates.
          await waitFor(
            "the audience's game panel",
            async () =>
              (await cat.$eval("#watch-time", (e) => e.textContent))?.endsWith(
                "left",
              ) && !(await cat.$eval("#watch-time", (e) => e.textContent))
                ?.startsWith("–"),
          );

          // The first vote opens at VOTE_S of round time.
          for (const fan of [cat, dan, eve]) {
            await waitFor(
              "the vote on the audience phone",
              () => fan.$eval("#watch-vote", (e) => !(e as HTMLElement).hidden),
              150_000,
            );
          }
          const titles = await cat.$$eval(
            ".vote-option strong",
            (els) => els.map((e) => e.textContent ?? ""),
          );
          assert.equal(titles.length, 3);
          await cat.tap('.vote-option[data-option="1"]');
          await dan.tap('.vote-option[data-option="1"]');
          await eve.tap('.vote-option[data-option="0"]');
          // A second tap changes nothing: one vote per member per prompt.
          await eve.tap('.vote-option[data-option="2"]').catch(() => {});
          await waitFor("each phone's vote to count", async () => {
            const votes = await Promise.all(
              [cat, dan, eve].map(async (p) =>
                (await phoneSnapshot(p)).audience?.voted
              ),
            );
            return votes.join() === "1,1,0";
          });
          await waitFor(
            "the TV's counts",
            async () => (await tvCounts(host)).join() === "1,2,0",
          );
          // Reactions: one bubble per kind with a count.
          for (let i = 0; i < 3; i++) {
            await cat.tap('.reaction[data-kind="cheer"]');
            await dan.tap('.reaction[data-kind="cheer"]');
          }
          await eve.tap('.reaction[data-kind="laugh"]');
          await waitFor("the TV's reaction bubbles", async () => {
            const kinds = await host.$$eval(
              "#audience-bubbles li",
              (els) => els.map((e) => (e as HTMLElement).dataset.kind),
            );
            return kinds.join() === "cheer,laugh";
          });
          const cheer = await host.$eval(
            '#audience-bubbles li[data-kind="cheer"]',
            (e) => e.textContent ?? "",
          );
          assert.match(cheer, / 6$/);
          // The vote never covers the orders: the panel is in the sidebar.
          const panel = await host.$eval("#audience", (e) => {
            const r = e.getBoundingClientRect();
            const o = document.querySelector(".orders")!
              .getBoundingClientRect();
            return { right: r.right, ordersLeft: o.left };
          });
          assert.ok(panel.right <= panel.ordersLeft);

          await screenshot(host, "audience-tv-1280x720");
          await host.setViewport({ width: 1920, height: 1080 });
          await screenshot(host, "audience-tv-1920x1080");
          await host.setViewport({ width: 3840, height: 2160 });
          await screenshot(host, "audience-tv-3840x2160");
          await host.setViewport({ width: 1280, height: 720 });
          await screenshot(cat, "audience-phone-vote");

          // The winner (option 1) happens, on the TV and the audience's phones.
          const winner = titles[1];
          await waitFor(
            "the TV's announcement",
            async () =>
              (await host.$eval("#audience-news", (e) => e.textContent))
                ?.startsWith(winner),
            60_000,
          );
          await waitFor(
            "the audience phone's event line",
            async () =>
              (await cat.$eval("#watch-event", (e) => e.textContent))
                ?.startsWith(winner),
            30_000,
          );
          await screenshot(cat, "audience-phone-event");
          await screenshot(host, "audience-tv-event-1280x720");
          // The players' phones say what is going on.
          for (const p of [ann, bob]) {
            assert.equal((await phoneSnapshot(p)).stage, "ready");
            await waitFor(
              "the player's phone's event line",
              async () =>
                (await p.$eval("#event-line", (e) => e.textContent))
                  ?.startsWith(winner),
            );
          }
          await screenshot(ann, "audience-player-phone-event");
          // Idle players lose on strikes; at game over the audience votes on the next town.
          await waitFor(
            "game over",
            async () => (await gameSnapshot(host)).phase === "over",
            200_000,
          );
          await waitFor(
            "the town vote on the audience phone, at game over",
            async () => {
              const seen = (await phoneSnapshot(cat)).audience;
              return seen?.prompt?.about === "flavour" &&
                seen.state?.phase === "over";
            },
            60_000,
          );
          assert.equal(
            await cat.$eval("#watch-event", (e) => (e as HTMLElement).hidden),
            true,
            "no event after the round",
          );
          await screenshot(cat, "audience-phone-town-vote");
          assert.deepEqual(errors, []);
        } finally {
          for (const f of fans) await f.context.close().catch(() => {});
        }
      },
    );
  },
});
