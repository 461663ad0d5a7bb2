/**
 * A whole shortened round in real Chromium: the host page and two phone
 * pages (mobile viewport, touch) play through the real UI. Phones steer their
 * players with joystick drags computed from the host's positions, buy at a
 * store, put an item on a kitchen table and deliver an order; one phone
 * reloads mid-game and comes back as the same player; the round runs to the
 * game-over screen. Screenshots go to test-output/screenshots/.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Page } from "puppeteer-core";
import { generateTown, INGREDIENTS, type TilePos } from "../../src/game/mod.ts";
import { ignoreBrowserTests } from "./chromium.ts";
import { framesPass, screenshot, waitFor, waitReady } from "./pages.ts";
import {
  gameSnapshot,
  phoneView,
  stationAccess as accessOf,
  steer as steerIn,
  tapAction,
  waitAction,
  walkFrom as walkIn,
} from "./steering.ts";
import { withParty } from "./party.ts";

/** Round length for the test, in seconds (`?round=`). */
const ROUND_S = 28;
/** Seed of the town (`?seed=`), so the test knows the map. */
const SEED = 7;

const town = generateTown(SEED);

const steer = (
  phone: Page,
  host: Page,
  id: string,
  goals: TilePos[],
): Promise<void> => steerIn(phone, host, town, id, goals);
const stationAccess = (id: number): TilePos[] => accessOf(town, id);
const walkFrom = (x: number, y: number, goals: TilePos[]): number =>
  walkIn(town, x, y, goals);

Deno.test({
  name:
    "Pizza Peers: two phones play a round through the real UI to game over, one reloading mid-game",
  ignore: ignoreBrowserTests(),
  async fn() {
    await withParty(
      { query: `?round=${ROUND_S}&seed=${SEED}`, names: ["Ann", "Bob"] },
      async ({ host, phones: [ann, bob], errors }) => {
        await waitFor("both players on the host map", async () => {
          const snap = await gameSnapshot(host);
          return snap.players.length === 2 &&
            snap.players.every((p) => p.link === "p2p" || p.link === "relayed");
        });
        const lobby = await gameSnapshot(host);
        assert.equal(lobby.phase, "lobby");
        assert.deepEqual(lobby.players.map((p) => [p.id, p.vip]), [
          ["Ann", true],
          ["Bob", false],
        ]);
        await framesPass(host, 5);
        await screenshot(host, "game-host-lobby");

        // The VIP starts the game from the phone.
        await waitAction(ann, "start");
        await tapAction(ann, "start");
        await waitFor(
          "the round to start",
          async () => (await gameSnapshot(host)).phase === "playing",
        );
        await waitFor(
          "the phones to show the round",
          async () =>
            (await phoneView(ann))?.phase === "playing" &&
            (await phoneView(bob))?.phase === "playing",
        );

        // Ann: nearest store, buy, then a kitchen table, put it down. Bob
        // sets off once Ann has bought: scripted sticks never give way, and
        // on a one-tile road two players walking into each other would jam.
        let annBought = () => {};
        const annHasBought = new Promise<void>((resolve) => {
          annBought = resolve;
        });
        const annRun = async () => {
          const me = (await gameSnapshot(host)).players.find((p) =>
            p.id === "Ann"
          )!;
          const store = [...town.stores].sort((a, b) =>
            walkFrom(me.x, me.y, [a.door]) - walkFrom(me.x, me.y, [b.door])
          )[0];
          await steer(ann, host, "Ann", [store.door]);
          await waitAction(ann, "buy");
          await screenshot(ann, "game-phone-store");
          await tapAction(ann, "buy");
          await waitFor("Ann's purchase", async () =>
            (await phoneView(ann))?.backpack.length === 1);
          annBought();
          const at = (await gameSnapshot(host)).players.find((p) =>
            p.id === "Ann"
          )!;
          const table = town.stations.filter((s) =>
            s.kind === "table"
          ).sort((a, b) =>
            walkFrom(at.x, at.y, stationAccess(a.id)) -
            walkFrom(at.x, at.y, stationAccess(b.id))
          )[0];
          await steer(ann, host, "Ann", stationAccess(table.id));
          await waitAction(ann, "drop:0");
          await screenshot(ann, "game-phone-table");
          await tapAction(ann, "drop:0");
          await waitAction(ann, "pickup");
        };

        // Bob: an open order, the nearest store selling what it wants, buy, deliver.
        const bobRun = async () => {
          await annHasBought;
          const snap = await waitFor("an order", async () => {
            const s = await gameSnapshot(host);
            return s.orders.some((o) =>
              o.stage === "waiting"
            ) && s;
          });
          const me = snap.players.find((p) => p.id === "Bob")!;
          const order = snap.orders.filter((o) =>
            o.stage === "waiting"
          ).sort((a, b) =>
            walkFrom(me.x, me.y, [town.houses[a.houseId].door]) -
            walkFrom(me.x, me.y, [town.houses[b.houseId].door])
          )[0];
          const ingredient = INGREDIENTS.findIndex((_, i) =>
            order.mask === 1 << i
          );
          const store =
            town.stores.filter((s) => s.ingredientIndex === ingredient).sort((
              a,
              b,
            ) =>
              walkFrom(me.x, me.y, [a.door]) - walkFrom(me.x, me.y, [b.door])
            )[0];
          await steer(bob, host, "Bob", [store.door]);
          await waitAction(bob, "buy");
          await tapAction(bob, "buy");
          await waitFor("Bob's purchase", async () =>
            (await phoneView(bob))?.backpack.length === 1);
          await steer(bob, host, "Bob", [town.houses[order.houseId].door]);
          const deliver = await waitAction(bob, "deliver");
          assert.ok(
            deliver.say.key === "act.deliver" &&
              deliver.say.item.ingredients.includes(INGREDIENTS[ingredient]),
          );
          assert.match(
            await bob.$eval(
              '#actions button[data-action="deliver"]',
              (e) =>
                e.textContent ?? "",
            ),
            new RegExp(`Deliver .*${INGREDIENTS[ingredient]}`),
          );
          await screenshot(bob, "game-phone-house");
          await tapAction(bob, "deliver");
          await waitFor(
            "the delivery",
            async () => (await gameSnapshot(host)).delivered >= 1,
          );
        };
        await Promise.all([annRun(), bobRun()]);
        const mid = await gameSnapshot(host);
        assert.equal(mid.phase, "playing");
        assert.ok(mid.delivered >= 1);
        await screenshot(host, "game-host-mid");

        // Bob's phone reloads: the round pauses, then Bob is back as Bob.
        const before = (await gameSnapshot(host)).players.find((p) =>
          p.id === "Bob"
        )!;
        await bob.reload();
        const paused = await waitFor("the pause", async () => {
          const s = await gameSnapshot(host);
          return s.paused && s;
        });
        assert.equal(
          paused.players.find((p) => p.id === "Bob")?.connected,
          false,
        );
        await screenshot(host, "game-host-paused");
        await waitReady(bob);
        const back = await waitFor("Bob back in the game", async () => {
          const s = await gameSnapshot(host);
          return !s.paused && s.players.find((p) =>
            p.id === "Bob"
          )?.connected && s;
        });
        assert.equal(back.players.length, 2);
        const bobAgain = back.players.find((p) => p.id === "Bob")!;
        assert.equal(bobAgain.backpack, before.backpack);
        assert.equal(bobAgain.allergyMask, before.allergyMask);
        assert.equal(bobAgain.vip, false);
        await waitFor(
          "Bob's phone to show the game again",
          async () => (await phoneView(bob))?.phase === "playing",
        );

        // The round runs out: a win, on the host and on both phones.
        const over = await waitFor("game over", async () => {
          const s = await gameSnapshot(host);
          return s.phase === "over" && s;
        }, ROUND_S * 1000);
        assert.equal(over.outcome?.won, true);
        for (const page of [ann, bob]) {
          const view = await waitFor("the phone's game over", async () => {
            const v = await phoneView(page);
            return v?.phase === "over" && v;
          });
          assert.equal(view.outcome?.won, true);
        }
        await framesPass(host, 5);
        await screenshot(host, "game-host-over");
        await screenshot(ann, "game-phone-over");

        // The host's restart key works after game over.
        await host.keyboard.press("r");
        await waitFor(
          "the restart",
          async () => (await gameSnapshot(host)).phase === "playing",
        );
        assert.ok(over.fps > 0);
        assert.deepEqual(errors, []);
      },
    );
  },
});
