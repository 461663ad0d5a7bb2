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
import { isWalkable, walkDistances } from "../../src/game/tiles.ts";
import type { GameSnapshot } from "../../src/client/host/game/game_snapshot.ts";
import type { PlayerView } from "../../src/protocol.ts";
import { ignoreBrowserTests, launchChromium } from "./chromium.ts";
import {
  HOST_VIEWPORT,
  joinAs,
  openPhone,
  type Phone,
  phoneSnapshot,
  screenshot,
  waitFor,
  waitReady,
} from "./pages.ts";
import { startTestServer } from "./test_server.ts";

/** Round length for the test, in seconds (`?round=`). */
const ROUND_S = 28;
/** Seed of the town (`?seed=`), so the test knows the map. */
const SEED = 7;
/** Tile size of the engine, px. */
const TILE = 32;
/** How far the thumb is dragged for a full-strength push, CSS px. */
const STICK_REACH_PX = 110;
/** Steering loop period, ms. */
const STEER_TICK_MS = 60;

function gameSnapshot(page: Page): Promise<GameSnapshot> {
  return page.evaluate(() => {
    const handle = globalThis.pizzaGame;
    if (!handle) throw new Error("host page has no pizzaGame handle");
    return handle.snapshot();
  });
}

async function phoneView(page: Page): Promise<PlayerView | null> {
  return (await phoneSnapshot(page)).view;
}

/** Waits until the phone shows an action whose id starts with `prefix`. */
function waitAction(page: Page, prefix: string, timeoutMs = 8_000) {
  return waitFor(`a "${prefix}" button on the phone`, async () => {
    const view = await phoneView(page);
    return view?.actions.find((a) => a.id.startsWith(prefix));
  }, timeoutMs);
}

/** Taps a context button of the phone by its action id. */
async function tapAction(page: Page, id: string): Promise<void> {
  await page.waitForSelector(`#actions button[data-action="${id}"]`, {
    visible: true,
    timeout: 5_000,
  });
  await page.tap(`#actions button[data-action="${id}"]`);
}

const town = generateTown(SEED);

/**
 * Steers a player with the phone's joystick along a shortest walk to `goals`
 * (tiles), reading the player's position from the host each tick.
 */
async function steer(
  phone: Page,
  host: Page,
  id: string,
  goals: TilePos[],
  timeoutMs = 20_000,
): Promise<void> {
  const field = walkDistances(town.tiles, goals);
  const W = town.widthTiles;
  const centre = await phone.$eval("#stick-zone", (zone) => {
    const r = zone.getBoundingClientRect();
    return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
  });
  const deadline = Date.now() + timeoutMs;
  await phone.touchscreen.touchStart(centre.x, centre.y);
  try {
    while (true) {
      if (Date.now() > deadline) {
        throw new Error(`${id} did not reach ${JSON.stringify(goals)}`);
      }
      const snap = await gameSnapshot(host);
      if (snap.phase !== "playing") {
        throw new Error(`round ended while steering ${id}`);
      }
      const p = snap.players.find((q) => q.id === id);
      if (!p) throw new Error(`no player ${id}`);
      const tx = Math.floor(p.x / TILE);
      const ty = Math.floor(p.y / TILE);
      const here = field[ty * W + tx];
      const cx = (tx + 0.5) * TILE;
      const cy = (ty + 0.5) * TILE;
      let vx: number;
      let vy: number;
      let strength = 1;
      if (here === 0) {
        vx = cx - p.x;
        vy = cy - p.y;
        const off = Math.hypot(vx, vy);
        if (off < 7) return;
        strength = Math.min(1, Math.max(0.3, off / 24));
      } else {
        const next = [[0, -1], [1, 0], [0, 1], [-1, 0]].find(([dx, dy]) => {
          const nx = tx + dx;
          const ny = ty + dy;
          return isWalkable(town.tiles, nx, ny) &&
            field[ny * W + nx] === here - 1 && here > 0;
        });
        if (!next) {
          vx = cx - p.x;
          vy = cy - p.y;
        } else {
          // move along the step; pull back to the tile's centre line across it
          vx = next[0] !== 0 ? next[0] : (cx - p.x) / 10;
          vy = next[1] !== 0 ? next[1] : (cy - p.y) / 10;
        }
      }
      const len = Math.hypot(vx, vy) || 1;
      const reach = STICK_REACH_PX * (0.15 + 0.85 * strength);
      await phone.touchscreen.touchMove(
        centre.x + (vx / len) * reach,
        centre.y + (vy / len) * reach,
      );
      await new Promise((resolve) => setTimeout(resolve, STEER_TICK_MS));
    }
  } finally {
    await phone.touchscreen.touchMove(centre.x, centre.y).catch(() => {});
    await phone.touchscreen.touchEnd().catch(() => {});
  }
}

/** Walkable tiles from which a table or oven can be used. */
function stationAccess(stationId: number): TilePos[] {
  const { tx, ty } = town.stations[stationId].tile;
  return [[0, -1], [1, 0], [0, 1], [-1, 0]]
    .map(([dx, dy]) => ({ tx: tx + dx, ty: ty + dy }))
    .filter((t) => isWalkable(town.tiles, t.tx, t.ty));
}

/** Walking distance in tiles from a px position to some goals. */
function walkFrom(x: number, y: number, goals: TilePos[]): number {
  const d = walkDistances(
    town.tiles,
    goals,
  )[Math.floor(y / TILE) * town.widthTiles + Math.floor(x / TILE)];
  return d < 0 ? Infinity : d;
}

Deno.test({
  name:
    "Pizza Peers: two phones play a round through the real UI to game over, one reloading mid-game",
  ignore: ignoreBrowserTests(),
  async fn() {
    const server = await startTestServer();
    const chromium = await launchChromium();
    const phones: Phone[] = [];
    try {
      const base = `http://127.0.0.1:${server.port}`;
      const host = await chromium.browser.newPage();
      const errors: string[] = [];
      host.on("pageerror", (error) => errors.push(String(error)));
      await host.setViewport(HOST_VIEWPORT);
      await host.goto(`${base}/?round=${ROUND_S}&seed=${SEED}`);
      await host.waitForSelector("#create-button:not([disabled])", {
        timeout: 15_000,
      });
      await host.click("#create-button");
      const room = await waitFor(
        "the room code",
        async () =>
          (await host.evaluate(() => globalThis.pizzaHost?.snapshot().room)) ??
            undefined,
      );

      for (const name of ["Ann", "Bob"]) {
        const phone = await openPhone(
          chromium.browser,
          `${base}/play/?room=${room}`,
        );
        phones.push(phone);
        await joinAs(phone.page, name);
      }
      for (const phone of phones) await waitReady(phone.page);
      const [ann, bob] = phones.map((p) => p.page);
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
      await new Promise((resolve) => setTimeout(resolve, 300));
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

      // Ann: nearest store, buy, then a kitchen table, put it down.
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
        const store = town.stores.filter((s) =>
          s.ingredientIndex === ingredient
        ).sort((a, b) =>
          walkFrom(me.x, me.y, [a.door]) - walkFrom(me.x, me.y, [b.door])
        )[0];
        await steer(bob, host, "Bob", [store.door]);
        await waitAction(bob, "buy");
        await tapAction(bob, "buy");
        await waitFor("Bob's purchase", async () =>
          (await phoneView(bob))?.backpack.length === 1);
        await steer(bob, host, "Bob", [town.houses[order.houseId].door]);
        const deliver = await waitAction(bob, "deliver");
        assert.match(deliver.label, new RegExp(INGREDIENTS[ingredient]));
        await screenshot(bob, "game-phone-house");
        await tapAction(bob, "deliver");
        await waitFor("the delivery", async () =>
          (await gameSnapshot(host)).delivered >= 1);
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
        paused.players.find((p) =>
          p.id === "Bob"
        )?.connected,
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
      const bobAgain = back.players.find((p) =>
        p.id === "Bob"
      )!;
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
      await new Promise((resolve) => setTimeout(resolve, 300));
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
    } finally {
      for (const phone of phones) await phone.context.close().catch(() => {});
      await chromium.close();
      await server.close();
    }
  },
});
