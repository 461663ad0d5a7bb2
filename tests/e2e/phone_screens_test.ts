/**
 * The phone's screens in real Chromium, through the real pages: the
 * how-to-play card before the first round (skipped, and remembered), the
 * joystick ring centred before any touch, buttons with ingredient icons at a
 * store, a button an allergy refuses drawn greyed with its reason, throwing a
 * backpack item away by holding it, and, in landscape, a message never over
 * the buttons. Screenshots of the phone at a store, a table and a house, in
 * portrait and landscape, go to test-output/screenshots/.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Page } from "puppeteer-core";
import { generateTown, INGREDIENTS } from "../../src/game/mod.ts";
import { ignoreBrowserTests } from "./chromium.ts";
import {
  framesPass,
  PHONE_LANDSCAPE,
  PHONE_PORTRAIT,
  screenshot,
  waitFor,
} from "./pages.ts";
import {
  gameSnapshot,
  phoneView,
  stationAccess,
  steer,
  tapAction,
  waitAction,
  walkFrom,
} from "./steering.ts";
import { withParty } from "./party.ts";
import { HOW_TO_KEY } from "../../src/phone/session_store.ts";

/** Seed of the town (`?seed=`), so the test knows the map. */
const SEED = 7;
/** Round length, s: long enough for three trips on a busy machine. */
const ROUND_S = 300;

const town = generateTown(SEED);

/** Screenshots of one phone in portrait, then landscape, then back. */
async function bothWays(page: Page, name: string): Promise<void> {
  await framesPass(page, 3);
  await screenshot(page, `${name}-portrait`);
  await page.setViewport(PHONE_LANDSCAPE);
  await framesPass(page, 3);
  await screenshot(page, `${name}-landscape`);
  await page.setViewport(PHONE_PORTRAIT);
  await framesPass(page, 3);
}

/** Rectangles of two elements of a page overlap. */
function overlapping(page: Page, a: string, b: string): Promise<boolean> {
  return page.evaluate(
    (sa, sb) => {
      const ra = document.querySelector(sa)!.getBoundingClientRect();
      const rb = document.querySelector(sb)!.getBoundingClientRect();
      return ra.left < rb.right && rb.left < ra.right && ra.top < rb.bottom &&
        rb.top < ra.bottom;
    },
    a,
    b,
  );
}

Deno.test({
  name:
    "Phone screens: how-to card, centred joystick, icons, allergy greyed, hold to throw away, landscape messages beside the buttons",
  ignore: ignoreBrowserTests(),
  async fn() {
    await withParty(
      {
        query: `?round=${ROUND_S}&seed=${SEED}`,
        names: ["Ann", "Bob"],
        phoneErrors: true,
      },
      async ({ host, phones: [ann, bob], errors }) => {
        // Before the first round: the how-to card, and the ring in the middle.
        await ann.waitForSelector("#how-to", { visible: true });
        const ring = await ann.evaluate(() => {
          const zone = document.getElementById("stick-zone")!
            .getBoundingClientRect();
          const base = document.getElementById("stick-base")!
            .getBoundingClientRect();
          return {
            dx: base.left + base.width / 2 - (zone.left + zone.width / 2),
            dy: base.top + base.height / 2 - (zone.top + zone.height / 2),
            inside: base.left >= zone.left && base.right <= zone.right &&
              base.top >= zone.top && base.bottom <= zone.bottom,
          };
        });
        assert.ok(Math.abs(ring.dx) < 2 && Math.abs(ring.dy) < 2, "centred");
        assert.ok(ring.inside, "drawn whole");
        await bothWays(ann, "phone-howto");
        const steps: string[] = [];
        while (await ann.$eval("#how-to", (e) => !(e as HTMLElement).hidden)) {
          steps.push(await ann.$eval("#how-to-title", (e) => e.textContent!));
          await ann.tap("#how-to-next");
        }
        assert.deepEqual(steps, ["Walk", "Cook", "Dough first", "Deliver"]);
        assert.equal(
          await ann.evaluate((key) => localStorage.getItem(key), HOW_TO_KEY),
          "1",
          "remembered",
        );
        await bob.waitForSelector("#how-to", { visible: true });
        await bob.tap("#how-to-skip");
        await bob.waitForSelector("#how-to", { hidden: true });
        await bob.reload();
        await waitFor("Bob back", async () => (await phoneView(bob)) !== null);
        assert.equal(
          await bob.$eval("#how-to", (e) => (e as HTMLElement).hidden),
          true,
          "skipped once, gone for good",
        );

        // Cook: allergies. The VIP picks it and starts.
        await tapAction(ann, "difficulty:1");
        await waitFor(
          "Cook",
          async () => (await phoneView(ann))?.difficulty === 1,
        );
        await tapAction(ann, "start");
        const started = await waitFor("the round", async () => {
          const s = await gameSnapshot(host);
          return s.phase === "playing" && s;
        });
        const me = started.players.find((p) => p.id === "Ann")!;
        const annView = await waitFor("Ann's view in the round", async () => {
          const v = await phoneView(ann);
          return v?.phase === "playing" && v;
        });
        assert.ok(me.allergyMask !== 0, "two players at Cook: allergies");
        assert.equal(annView.allergyExempt, "mixed", "two players");
        assert.match(
          await ann.$eval("#allergy-line", (e) => e.textContent ?? ""),
          /^Allergic to .+, but you may carry mixed pizzas$/,
        );
        const byWalk = (goal: (s: (typeof town.stores)[number]) => boolean) =>
          [...town.stores].filter(goal).sort((a, b) =>
            walkFrom(town, me.x, me.y, [a.door]) -
            walkFrom(town, me.x, me.y, [b.door])
          )[0];
        const allergic = (i: number) => (me.allergyMask & (1 << i)) !== 0;

        // A store Ann is allergic to: the button is greyed with the reason, and
        // tapping it only tells her why.
        const refused = byWalk((s) => allergic(s.ingredientIndex));
        await steer(ann, host, town, "Ann", [refused.door]);
        const buyRefused = await waitAction(ann, "buy");
        assert.equal(buyRefused.disabled?.key, "why.allergic");
        const button = '#actions button[data-action="buy"]';
        assert.equal(
          await ann.$eval(button, (e) => e.getAttribute("aria-disabled")),
          "true",
        );
        assert.match(
          await ann.$eval(button, (e) => e.textContent ?? ""),
          /You're allergic to/,
        );
        assert.ok(await ann.$(`${button} svg.ing`), "ingredient icon");
        const money = (await phoneView(ann))!.money;
        await ann.tap(button);
        await ann.waitForSelector("#toast", { visible: true });
        assert.match(
          await ann.$eval("#toast", (e) => e.textContent!),
          /allergic/,
        );
        await bothWays(ann, "phone-store-allergy");
        assert.equal((await phoneView(ann))!.money, money, "nothing bought");

        // A store she may buy at: two items, each with its icon in the backpack.
        const store = byWalk((s) => !allergic(s.ingredientIndex));
        const ingredient = INGREDIENTS[store.ingredientIndex];
        await steer(ann, host, town, "Ann", [store.door]);
        await waitFor("a buy button Ann may use", async () => {
          const buy = (await phoneView(ann))?.actions.find((a) =>
            a.id === "buy"
          );
          return buy && !buy.disabled;
        });
        await tapAction(ann, "buy");
        await waitFor(
          "the first purchase",
          async () => (await phoneView(ann))?.backpack.length === 1,
        );
        await tapAction(ann, "buy");
        await waitFor(
          "the second purchase",
          async () => (await phoneView(ann))?.backpack.length === 2,
        );
        assert.equal(
          await ann.$$eval(
            '#backpack .slot[data-empty="false"] svg.ing',
            (e) => e.length,
          ),
          2,
        );
        await bothWays(ann, "phone-store");

        // Landscape: a message shows beside the buttons, never over them.
        await ann.setViewport(PHONE_LANDSCAPE);
        await tapAction(ann, "buy");
        await ann.waitForSelector("#toast", { visible: true });
        assert.equal(
          await overlapping(ann, "#toast", "#actions"),
          false,
          "toast over the buttons",
        );
        await screenshot(ann, "phone-landscape-toast");
        await ann.setViewport(PHONE_PORTRAIT);
        await waitFor(
          "the third purchase (or a full backpack)",
          async () => (await phoneView(ann))?.backpack.length === 3,
        );

        // Holding an item throws it away.
        const slot = '#backpack .slot[data-slot="2"]';
        const box = await ann.$eval(slot, (e) => {
          const r = e.getBoundingClientRect();
          return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
        });
        await ann.touchscreen.touchStart(box.x, box.y);
        try {
          await waitFor(
            "the thrown item",
            async () => (await phoneView(ann))?.backpack.length === 2,
          );
        } finally {
          await ann.touchscreen.touchEnd();
        }

        // A kitchen table: put down or bake, with icons.
        const at = (await gameSnapshot(host)).players.find((p) =>
          p.id === "Ann"
        )!;
        const table = town.stations.filter((s) => s.kind === "table").sort((
          a,
          b,
        ) =>
          walkFrom(town, at.x, at.y, stationAccess(town, a.id)) -
          walkFrom(town, at.x, at.y, stationAccess(town, b.id))
        )[0];
        await steer(ann, host, town, "Ann", stationAccess(town, table.id));
        const drop = await waitAction(ann, "drop:0");
        assert.deepEqual(drop.ingredients, [ingredient]);
        await bothWays(ann, "phone-table");

        // A house with an order: Deliver, since the backpack holds something.
        const order = await waitFor("an open order", async () => {
          const s = await gameSnapshot(host);
          return s.orders.find((o) => o.stage === "waiting");
        });
        await steer(ann, host, town, "Ann", [town.houses[order.houseId].door]);
        const deliver = await waitAction(ann, "deliver");
        assert.ok((deliver.ingredients ?? []).length > 0);
        await bothWays(ann, "phone-house");
        assert.deepEqual(errors, []);
      },
    );
  },
});
