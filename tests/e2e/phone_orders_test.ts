/**
 * What the phone tells a player without the TV, in real Chromium: the VIP's
 * level buttons each say what the level adds and fit above the joystick in
 * the lobby; the order strip lists the open orders with their houses' labels
 * as the TV shows them; a topping onto a topping is greyed with "toppings go
 * on dough" before it is tapped; a friend dropping in mid-round sees the
 * how-to card first; at game over the joystick, backpack and allergy line go
 * and the VIP's buttons show without scrolling. Screenshots (390x844) go to
 * test-output/screenshots/phone-*.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Page } from "puppeteer-core";
import { generateTown, houseLabel } from "../../src/game/mod.ts";
import { ignoreBrowserTests } from "./chromium.ts";
import { framesPass, screenshot, waitFor } from "./pages.ts";
import { withParty } from "./party.ts";
import {
  gameSnapshot,
  phoneView,
  stationAccess,
  steer,
  tapAction,
  waitAction,
  walkFrom,
} from "./steering.ts";

/** Seed of the town (`?seed=`), so the test knows the map. */
const SEED = 7;
/** Round length, s: two purchases and a table, then game over. */
const ROUND_S = 150;

const town = generateTown(SEED);

/** Every action button lies inside the screen, and the panel needs no scrolling. */
function buttonsOnScreen(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const panel = document.querySelector(".panel")!;
    const bad: string[] = [];
    if (panel.scrollHeight > panel.clientHeight + 1) bad.push("panel scrolls");
    const stick = document.getElementById("stick-zone")!;
    const stickTop = stick.getClientRects().length > 0
      ? stick.getBoundingClientRect().top
      : Infinity;
    for (const b of document.querySelectorAll("#actions button")) {
      const r = b.getBoundingClientRect();
      const id = (b as HTMLElement).dataset.action ?? "?";
      if (r.bottom > innerHeight || r.top < 0) bad.push(`${id} off screen`);
      if (r.bottom > stickTop) bad.push(`${id} under the joystick area`);
    }
    return bad;
  });
}

/** Whether an element takes room on the page. */
function shown(page: Page, selector: string): Promise<boolean> {
  return page.$eval(selector, (el) => el.getClientRects().length > 0);
}

Deno.test({
  name:
    "Phone orders: level hints, order strip with house labels, 'toppings go on dough' greyed, how-to for a drop-in, game over with the VIP's buttons on screen",
  ignore: ignoreBrowserTests(),
  async fn() {
    await withParty(
      {
        query: `?round=${ROUND_S}&seed=${SEED}`,
        names: ["Ann", "Bob"],
        phoneErrors: true,
      },
      async ({ host, phones: [ann, bob], errors, join }) => {
        // The lobby: the how-to card, then every level button with its line,
        // all above the joystick's area.
        await ann.waitForSelector("#how-to", { visible: true });
        await waitAction(ann, "difficulty:3");
        await framesPass(ann, 3);
        const hints = await ann.$$eval(
          '#actions button[data-action^="difficulty:"] .action-hint',
          (els) => els.map((e) => e.textContent ?? ""),
        );
        assert.equal(hints.length, 4);
        assert.ok(hints.every((h) => h.length > 10), JSON.stringify(hints));
        assert.deepEqual(await buttonsOnScreen(ann), []);
        await screenshot(ann, "phone-lobby-vip");
        while (await ann.$eval("#how-to", (e) => !(e as HTMLElement).hidden)) {
          await ann.tap("#how-to-next");
        }
        await bob.waitForSelector("#how-to", { visible: true });
        await bob.tap("#how-to-skip");

        // Amateur: no allergies. The VIP starts.
        await tapAction(ann, "start");
        const started = await waitFor("the round", async () => {
          const s = await gameSnapshot(host);
          return s.phase === "playing" && s;
        });

        // The order strip: the open orders, labelled as the TV labels them.
        const strip = await waitFor("orders on Ann's strip", async () => {
          const view = await phoneView(ann);
          const chips = await ann.$$eval(
            "#order-strip .chip",
            (els) => els.map((e) => (e as HTMLElement).dataset.house ?? ""),
          );
          return (view?.orders?.length ?? 0) > 0 &&
            chips.length === view!.orders!.length && { view: view!, chips };
        });
        assert.deepEqual(strip.chips, strip.view.orders!.map((o) => o.house));
        const labels = new Set(
          (await gameSnapshot(host)).orders.map((o) => houseLabel(o.houseId)),
        );
        assert.ok(
          strip.chips.some((house) => labels.has(house)),
          `strip ${strip.chips} vs TV ${[...labels]}`,
        );
        assert.match(
          await ann.$eval("#order-strip .chip", (e) => e.textContent ?? ""),
          /\d+:\d\d$/,
        );
        await screenshot(ann, "phone-order-strip");

        // A friend dropping in mid-round sees the how-to card first.
        const [cy] = await join(["Cy"]);
        await cy.waitForSelector("#how-to", { visible: true });
        assert.equal((await phoneView(cy))?.phase, "playing");

        // Two toppings, then a table: the second onto the first is greyed.
        const me = started.players.find((p) => p.id === "Ann")!;
        let at = { x: me.x, y: me.y };
        const bought: number[] = [];
        for (let k = 0; k < 2; k++) {
          const store = [...town.stores]
            .filter((s) =>
              s.ingredientIndex !== 0 && !bought.includes(s.ingredientIndex)
            )
            .sort((a, b) =>
              walkFrom(town, at.x, at.y, [a.door]) -
              walkFrom(town, at.x, at.y, [b.door])
            )[0];
          await steer(ann, host, town, "Ann", [store.door]);
          await waitFor("a buy button Ann may use", async () => {
            const buy = (await phoneView(ann))?.actions.find((a) =>
              a.id === "buy"
            );
            return buy && !buy.disabled;
          });
          await tapAction(ann, "buy");
          await waitFor(
            "the purchase",
            async () => (await phoneView(ann))?.backpack.length === k + 1,
          );
          bought.push(store.ingredientIndex);
          at = (await gameSnapshot(host)).players.find((p) => p.id === "Ann")!;
        }
        const table = town.stations.filter((s) => s.kind === "table").sort((
          a,
          b,
        ) =>
          walkFrom(town, at.x, at.y, stationAccess(town, a.id)) -
          walkFrom(town, at.x, at.y, stationAccess(town, b.id))
        )[0];
        await steer(ann, host, town, "Ann", stationAccess(town, table.id));
        await waitAction(ann, "drop:0");
        await tapAction(ann, "drop:0");
        const add = await waitFor(
          "the second topping's Add button",
          async () => {
            const view = await phoneView(ann);
            return view?.backpack.length === 1 &&
              view.actions.find((a) => a.id === "drop:0");
          },
        );
        assert.equal(add.say.key, "act.add");
        assert.deepEqual(add.disabled, { key: "why.dough_first" });
        const button = '#actions button[data-action="drop:0"]';
        await ann.waitForSelector(`${button}[aria-disabled="true"]`);
        assert.match(
          await ann.$eval(button, (e) => e.textContent ?? ""),
          /Toppings go on dough/,
        );
        await ann.tap(button);
        await ann.waitForSelector("#toast", { visible: true });
        assert.match(
          await ann.$eval("#toast", (e) => e.textContent ?? ""),
          /Toppings go on dough/,
        );
        assert.equal((await phoneView(ann))?.backpack.length, 1, "kept");
        await framesPass(ann, 3);
        await screenshot(ann, "phone-no-dough");

        // Game over: no joystick, backpack or allergy line; the VIP's
        // buttons, each level with its line, on screen without scrolling.
        await waitFor(
          "game over on Ann's phone",
          async () => (await phoneView(ann))?.phase === "over",
          (ROUND_S + 60) * 1000,
        );
        await ann.waitForSelector("#game-over", { visible: true });
        await framesPass(ann, 3);
        assert.equal(await shown(ann, "#stick-zone"), false);
        assert.equal(await shown(ann, "#backpack"), false);
        assert.equal(await shown(ann, "#allergy-line"), false);
        assert.equal(
          await ann.$$eval(
            '#actions button[data-action^="difficulty:"] .action-hint',
            (els) => els.length,
          ),
          4,
        );
        await waitAction(ann, "restart");
        assert.deepEqual(await buttonsOnScreen(ann), []);
        await screenshot(ann, "phone-over-vip");
        assert.deepEqual(errors, []);
      },
    );
  },
});
