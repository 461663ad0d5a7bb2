/**
 * Plays the host's game through phone pages: reads the host's game state,
 * steers a player with the phone's joystick along a shortest walk, waits for
 * and taps the phone's context buttons.
 *
 * @module
 */
import type { Page } from "puppeteer-core";
import type { TilePos, Town } from "../../src/game/mod.ts";
import { isWalkable, walkDistances } from "../../src/game/tiles.ts";
import type { GameSnapshot } from "../../src/host/game_snapshot.ts";
import type { PlayerView } from "../../src/protocol/mod.ts";
import { hostSnapshot, phoneSnapshot, WAIT_MS, waitFor } from "./pages.ts";

/** Tile size of the engine, px. */
const TILE = 32;
/** How far the thumb is dragged for a full-strength push, CSS px. */
const STICK_REACH_PX = 110;
/** Steering loop period, ms. */
const STEER_TICK_MS = 60;
/** On the goal tile, this long without getting closer to its centre is there. */
const ON_TILE_STALL_MS = 1_500;

/** Reads the host game's state (`window.pizzaGame`). */
export function gameSnapshot(page: Page): Promise<GameSnapshot> {
  return page.evaluate(() => {
    const handle = globalThis.pizzaGame;
    if (!handle) throw new Error("host page has no pizzaGame handle");
    return handle.snapshot();
  });
}

/** The view a phone last got from the host, or null. */
export async function phoneView(page: Page): Promise<PlayerView | null> {
  return (await phoneSnapshot(page)).view;
}

/** Waits until the phone shows an action whose id starts with `prefix`. */
export function waitAction(
  page: Page,
  prefix: string,
  timeoutMs = WAIT_MS,
): Promise<PlayerView["actions"][number]> {
  return waitFor(`a "${prefix}" button on the phone`, async () => {
    const view = await phoneView(page);
    return view?.actions.find((a) => a.id.startsWith(prefix));
  }, timeoutMs);
}

/** Taps a context button of the phone by its action id. */
export async function tapAction(page: Page, id: string): Promise<void> {
  await page.waitForSelector(`#actions button[data-action="${id}"]`, {
    visible: true,
    timeout: WAIT_MS,
  });
  await page.tap(`#actions button[data-action="${id}"]`);
}

/**
 * Steers a player with the phone's joystick along a shortest walk to `goals`
 * (tiles of `town`), reading the player's position from the host each tick.
 *
 * @throws {Error} When the round ends or the goal is not reached in time.
 */
export async function steer(
  phone: Page,
  host: Page,
  town: Town,
  id: string,
  goals: TilePos[],
  timeoutMs = 45_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const field = walkDistances(town.tiles, goals);
  const W = town.widthTiles;
  // On a busy machine the thumb's release can reach the host late, and the
  // player slides on: wait until the host has the stick at rest, then steer
  // again if the player is no longer on a goal tile.
  while (true) {
    await steerOnce(phone, host, town, id, field, deadline, goals);
    const rest = await waitFor(`${id}'s stick at rest`, async () => {
      const row = (await hostSnapshot(host)).players.find((p) => p.name === id);
      return row && row.input.x === 0 && row.input.y === 0 && row;
    });
    const tx = Math.floor(rest.pos.x / TILE);
    const ty = Math.floor(rest.pos.y / TILE);
    if (field[ty * W + tx] === 0) return;
  }
}

async function steerOnce(
  phone: Page,
  host: Page,
  town: Town,
  id: string,
  field: ArrayLike<number>,
  deadline: number,
  goals: TilePos[],
): Promise<void> {
  const W = town.widthTiles;
  const centre = await phone.$eval("#stick-zone", (zone) => {
    const r = zone.getBoundingClientRect();
    return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
  });
  await phone.touchscreen.touchStart(centre.x, centre.y);
  let last = "";
  let bestOff = Infinity;
  let bestAt = Date.now();
  try {
    while (true) {
      if (Date.now() > deadline) {
        throw new Error(
          `${id} did not reach ${JSON.stringify(goals)} (last seen ${last})`,
        );
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
      last = `at (${Math.round(p.x)}, ${Math.round(p.y)}), tile ${tx},${ty}, ` +
        `${here} steps away`;
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
        // On the goal tile but held off its centre (another player, a wall
        // corner): the tile is what counts, once she stops getting closer.
        if (off < bestOff - 0.5) {
          bestOff = off;
          bestAt = Date.now();
        } else if (Date.now() - bestAt > ON_TILE_STALL_MS) return;
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

/** Walkable tiles of `town` from which a table or oven can be used. */
export function stationAccess(town: Town, stationId: number): TilePos[] {
  const { tx, ty } = town.stations[stationId].tile;
  return [[0, -1], [1, 0], [0, 1], [-1, 0]]
    .map(([dx, dy]) => ({ tx: tx + dx, ty: ty + dy }))
    .filter((t) => isWalkable(town.tiles, t.tx, t.ty));
}

/** Walking distance in tiles from a px position to some goals. */
export function walkFrom(
  town: Town,
  x: number,
  y: number,
  goals: TilePos[],
): number {
  const d = walkDistances(
    town.tiles,
    goals,
  )[Math.floor(y / TILE) * town.widthTiles + Math.floor(x / TILE)];
  return d < 0 ? Infinity : d;
}
