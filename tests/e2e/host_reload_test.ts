/**
 * End-to-end: the host page reloads in the middle of a round and the round
 * comes back. A host and two phones start a short round; Ann buys an
 * ingredient and Bob walks off; the phones are frozen (DevTools pause) so
 * that the host, reloaded, waits for them; the host must come back with the
 * same town, money, backpacks, positions and time left, paused (time
 * frozen) until both phones are back as the same players; then the round
 * runs on to game over. Screenshot: test-output/screenshots/host-reloaded.png.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { CDPSession, Page } from "puppeteer-core";
import { generateTown, type TilePos } from "../../src/game/mod.ts";
import type { GameSnapshot } from "../../src/host/game_snapshot.ts";
import { ignoreBrowserTests } from "./chromium.ts";
import {
  framesPass,
  holdStick,
  hostSnapshot,
  releaseStick,
  screenshot,
  waitFor,
  waitReady,
} from "./pages.ts";
import {
  gameSnapshot,
  phoneView,
  steer,
  tapAction,
  waitAction,
  walkFrom,
} from "./steering.ts";
import { withParty } from "./party.ts";

/** Round length for the test, in seconds (`?round=`). */
const ROUND_S = 30;
/** Game time that may pass between the last snapshot and the save at reload, ms. */
const RELOAD_SLACK_MS = 3_000;
/** Seed of the town (`?seed=`), so the test knows the map. */
const SEED = 7;

const town = generateTown(SEED);

/** Pauses a page's JavaScript (as a breakpoint would); returns the resume. */
async function freeze(page: Page): Promise<() => Promise<void>> {
  const cdp: CDPSession = await page.createCDPSession();
  await cdp.send("Debugger.enable");
  await cdp.send("Debugger.pause");
  let resumed = false;
  return async () => {
    if (resumed) return;
    resumed = true;
    await cdp.send("Debugger.resume").catch(() => {});
    await cdp.detach().catch(() => {});
  };
}

function sidebarPhase(host: Page): Promise<string> {
  return host.$eval("#phase", (p) => p.textContent ?? "");
}

function player(snap: GameSnapshot, id: string) {
  const p = snap.players.find((q) => q.id === id);
  if (!p) throw new Error(`no player ${id}`);
  return p;
}

Deno.test({
  name:
    "browser: the host reloads mid-round and the same round resumes, paused until both phones are back",
  ignore: ignoreBrowserTests(),
  async fn() {
    await withParty(
      { query: `?round=${ROUND_S}&seed=${SEED}`, names: ["Ann", "Bob"] },
      async ({ host, room, phones: [ann, bob], errors }) => {
        const unfreezers: Array<() => Promise<void>> = [];
        try {
          await waitFor("both players on P2P", async () => {
            const snap = await hostSnapshot(host);
            return snap.players.length === 2 &&
              snap.players.every((p) => p.state === "p2p");
          });
          assert.match(await sidebarPhase(host), /^Lobby/);

          // The VIP starts; Ann buys at the nearest store, Bob walks a little.
          await waitAction(ann, "start");
          await tapAction(ann, "start");
          await waitFor(
            "the phones to show the round",
            async () =>
              (await phoneView(ann))?.phase === "playing" &&
              (await phoneView(bob))?.phase === "playing",
          );
          assert.equal(await sidebarPhase(host), "Game on!");
          const me = player(await gameSnapshot(host), "Ann");
          // Goals away from the middle of the map, which the "Paused" panel
          // covers: the screenshot shows both players, offline.
          const nearest = <T extends { door: TilePos }>(
            from: { x: number; y: number },
            places: T[],
          ): T =>
            places.filter((place) => place.door.ty < 12 || place.door.ty > 18)
              .sort((a, b) =>
                walkFrom(town, from.x, from.y, [a.door]) -
                walkFrom(town, from.x, from.y, [b.door])
              )[0];
          const store = nearest(me, town.stores);
          const bobStart = player(await gameSnapshot(host), "Bob");
          const house = nearest(bobStart, town.houses);
          await Promise.all([
            steer(ann, host, town, "Ann", [store.door]),
            steer(bob, host, town, "Bob", [house.door]),
          ]);
          await waitAction(ann, "buy");
          await tapAction(ann, "buy");
          const annView = await waitFor("Ann's purchase", async () => {
            const view = await phoneView(ann);
            return view?.backpack.length === 1 && view;
          });
          const bobView = await phoneView(bob);
          let lastPositions = "";
          await waitFor("both players standing still", async () => {
            const rows = (await hostSnapshot(host)).players;
            const positions = JSON.stringify(rows.map((r) => r.pos));
            const still = positions === lastPositions &&
              rows.every((r) => r.input.x === 0 && r.input.y === 0);
            lastPositions = positions;
            return still;
          });
          await framesPass(host, 5);

          // Freeze both phones: the reloaded host has to wait for them.
          for (const page of [ann, bob]) unfreezers.push(await freeze(page));
          const before = await gameSnapshot(host);
          assert.equal(before.phase, "playing");
          assert.deepEqual(player(before, "Ann").backpackMasks.length, 1);
          assert.ok(
            Math.hypot(
              player(before, "Bob").x - bobStart.x,
              player(before, "Bob").y - bobStart.y,
            ) > 10,
            "Bob walked",
          );
          const rowsBefore = (await hostSnapshot(host)).players;
          // Reloaded without `?seed=`, the page's fresh game has another town:
          // the restored one must replace it.
          await host.evaluate(
            (round) => history.replaceState(null, "", `/?round=${round}`),
            ROUND_S,
          );
          // The round runs on until the page hides (when it is saved): compare
          // with the last picture before the reload, allowing for the frames
          // between it and the save (slow on a busy machine).
          const last = await gameSnapshot(host);
          await host.reload();

          // The same round, paused, waiting for both phones.
          const after = await waitFor("the restored round", async () => {
            const snap = await hostSnapshot(host);
            const game = await gameSnapshot(host);
            return snap.status === "open" && snap.room === room &&
              game.phase === "playing" && game.players.length === 2 && game;
          });
          assert.equal(after.paused, true);
          assert.equal(after.seed, last.seed);
          assert.equal(after.money, last.money);
          assert.equal(after.strikes, last.strikes);
          assert.equal(after.delivered, last.delivered);
          assert.ok(
            after.timeLeftMs <= last.timeLeftMs &&
              after.timeLeftMs >= last.timeLeftMs - RELOAD_SLACK_MS,
            `time left ${after.timeLeftMs} ms, before the reload ${last.timeLeftMs} ms`,
          );
          if (after.timeLeftMs === last.timeLeftMs) {
            assert.deepEqual(after.orders, last.orders);
          } else {
            // An order may have come or gone in those frames; the others stay.
            for (const order of after.orders) {
              const was = last.orders.find((o) => o.houseId === order.houseId);
              if (was) assert.equal(order.mask, was.mask);
            }
            const kept = after.orders.filter((o) =>
              last.orders.some((w) => w.houseId === o.houseId)
            );
            assert.ok(
              kept.length >= last.orders.length - 1 &&
                after.orders.length <= last.orders.length + 1,
              `orders ${JSON.stringify(after.orders)} after ${
                JSON.stringify(last.orders)
              }`,
            );
          }
          for (const id of ["Ann", "Bob"]) {
            const was = player(last, id);
            const now = player(after, id);
            assert.equal(now.name, was.name);
            assert.equal(now.connected, false, `${id} waits for the phone`);
            assert.deepEqual(now.backpackMasks, was.backpackMasks);
            assert.equal(now.allergyMask, was.allergyMask);
            assert.equal(now.vip, was.vip);
            assert.ok(
              Math.abs(now.x - was.x) < 1 && Math.abs(now.y - was.y) < 1,
            );
          }
          assert.equal(
            await sidebarPhase(host),
            "Paused: waiting for Ann and Bob",
          );
          await framesPass(host, 5);
          await screenshot(host, "host-reloaded");
          // Time stands still while the phones are away (a second of frames).
          await framesPass(host, 60);
          const still = await gameSnapshot(host);
          assert.equal(still.paused, true);
          assert.equal(still.timeLeftMs, after.timeLeftMs);
          assert.deepEqual(still.orders, after.orders);

          // The phones wake up and come back into their own players.
          for (const unfreeze of unfreezers) await unfreeze();
          const back = await waitFor(
            "both phones back, the round on",
            async () => {
              const s = await gameSnapshot(host);
              return !s.paused && s.players.every((p) => p.connected) && s;
            },
          );
          assert.deepEqual(back.players.map((p) => [p.id, p.vip]), [
            ["Ann", true],
            ["Bob", false],
          ]);
          await waitFor("both links up on the host", async () => {
            const rows = (await hostSnapshot(host)).players;
            return rows.length === 2 &&
              rows.every((r) => r.state === "p2p" || r.state === "relayed");
          });
          const rowsAfter = (await hostSnapshot(host)).players;
          assert.deepEqual(
            rowsAfter.map((r) => [r.name, r.color, r.vip]),
            rowsBefore.map((r) => [r.name, r.color, r.vip]),
          );
          for (const [page, was] of [[ann, annView], [bob, bobView]] as const) {
            await waitReady(page);
            const view = await waitFor(
              "the phone's view after the reload",
              async () => {
                const v = await phoneView(page);
                return v?.phase === "playing" &&
                  v.timeLeftMs < after.timeLeftMs &&
                  v;
              },
            );
            assert.equal(view.name, was?.name);
            assert.deepEqual(
              view.backpack.map((i) => i.ingredients),
              was?.backpack.map((i) => i.ingredients),
            );
            assert.deepEqual(view.allergies, was?.allergies);
          }
          assert.equal(await sidebarPhase(host), "Game on!");
          // Input flows to the restored game.
          await holdStick(bob, 90, 0);
          await waitFor("Bob's input after the host reload", async () => {
            const row = (await hostSnapshot(host)).players.find((p) =>
              p.name === "Bob"
            );
            return row !== undefined && row.input.x > 0.5;
          });
          await releaseStick(bob);

          // The round runs on to its end, on the host and on the phones; nothing
          // was delivered, so it is not called a win (GAME.md).
          const over = await waitFor("game over", async () => {
            const s = await gameSnapshot(host);
            return s.phase === "over" && s;
          }, ROUND_S * 1000);
          assert.equal(over.outcome?.won, false);
          await waitFor(
            "the sidebar's game over",
            async () =>
              (await sidebarPhase(host)) ===
                "Game over: you lost (no pizza was delivered)",
          );
          for (const page of [ann, bob]) {
            await waitFor(
              "the phone's game over",
              async () => (await phoneView(page))?.phase === "over",
            );
          }
          assert.deepEqual(errors, []);
        } finally {
          for (const unfreeze of unfreezers) await unfreeze();
        }
      },
    );
  },
});
