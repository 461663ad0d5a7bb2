import assert from "node:assert/strict";
import { MAX_PLAYERS } from "../../src/game/constants.ts";
import { createGame, joinPlayer } from "../../src/game/engine.ts";
import { SPAWN_SPACING_TILES } from "../../src/game/spawns.ts";
import {
  isWalkable,
  NEIGHBOURS_4,
  tileIndex,
  TileKind,
  tileOfPx,
  type TilePos,
  walkDistances,
} from "../../src/game/tiles.ts";
import { generateTown, type Town } from "../../src/game/town.ts";

/** The walkable area (a label) of each tile when `blocked` tiles are taken; -1: none. */
function areas(town: Town, blocked: ReadonlySet<number>): Int32Array {
  const label = new Int32Array(town.tiles.length).fill(-1);
  let next = 0;
  for (let key = 0; key < label.length; key++) {
    const tx = key % 40;
    const ty = Math.floor(key / 40);
    if (label[key] >= 0 || blocked.has(key)) continue;
    if (!isWalkable(town.tiles, tx, ty)) continue;
    const dist = walkDistances(
      town.tiles,
      [{ tx, ty }],
      (x, y) => isWalkable(town.tiles, x, y) && !blocked.has(tileIndex(x, y)),
    );
    dist.forEach((d, k) => {
      if (d >= 0) label[k] = next;
    });
    next++;
  }
  return label;
}

Deno.test("generateTown() spreads the spawns: 12 road tiles, no two touching, none on a door or a parked vehicle, over 300 seeds", () => {
  for (let seed = 1; seed <= 300; seed++) {
    const town = generateTown(seed * 7919);
    const spawns = town.spawnTiles;
    assert.equal(spawns.length, MAX_PLAYERS);
    const doors = new Set(
      [...town.stores, ...town.houses].map((b) =>
        tileIndex(b.door.tx, b.door.ty)
      ),
    );
    const parked = new Set(
      town.vehicleSpawns.map((v) => tileIndex(v.tx, v.ty)),
    );
    spawns.forEach((s, i) => {
      const key = tileIndex(s.tx, s.ty);
      assert.equal(town.tiles[key], TileKind.Road, `seed ${seed}: on a road`);
      assert.ok(!doors.has(key), `seed ${seed}: not a door`);
      assert.ok(!parked.has(key), `seed ${seed}: not under a vehicle`);
      for (const o of spawns.slice(i + 1)) {
        const apart = Math.max(Math.abs(o.tx - s.tx), Math.abs(o.ty - s.ty));
        assert.ok(
          apart >= SPAWN_SPACING_TILES,
          `seed ${seed}: ${s.tx},${s.ty} and ${o.tx},${o.ty} touch`,
        );
      }
    });
  }
});

Deno.test("generateTown(): with someone standing still on every spawn and every vehicle parked, no walkable area is cut in two, over 300 seeds", () => {
  for (let seed = 1; seed <= 300; seed++) {
    const town = generateTown(seed * 7919);
    const parked = new Set(
      town.vehicleSpawns.map((v) => tileIndex(v.tx, v.ty)),
    );
    const standing = new Set(town.spawnTiles.map((s) => tileIndex(s.tx, s.ty)));
    const free = areas(town, parked);
    const crowded = areas(town, new Set([...parked, ...standing]));
    // Two tiles in one area before the players stand there still are after.
    const seen = new Map<number, number>();
    for (let key = 0; key < free.length; key++) {
      if (free[key] < 0 || standing.has(key)) continue;
      const was = seen.get(free[key]);
      if (was === undefined) seen.set(free[key], crowded[key]);
      else assert.equal(crowded[key], was, `seed ${seed}: tile ${key} cut off`);
    }
    // And each player on a spawn has a free tile to step onto.
    for (const s of town.spawnTiles) {
      const out = NEIGHBOURS_4.some(([dx, dy]) => {
        const n: TilePos = { tx: s.tx + dx, ty: s.ty + dy };
        return crowded[tileIndex(n.tx, n.ty)] >= 0 &&
          !parked.has(tileIndex(n.tx, n.ty));
      });
      assert.ok(out, `seed ${seed}: ${s.tx},${s.ty} boxed in`);
    }
  }
});

Deno.test("joinPlayer() puts 12 players on 12 different spawns, none touching another", () => {
  let state = createGame({ seed: 11 });
  for (let i = 0; i < MAX_PLAYERS; i++) {
    state = joinPlayer(state, { id: `p${i}`, name: `P${i}` }).state;
  }
  const tiles = state.players.map((p) => tileOfPx(p.x, p.y));
  assert.equal(new Set(tiles.map((t) => `${t.tx},${t.ty}`)).size, MAX_PLAYERS);
  tiles.forEach((a, i) => {
    for (const b of tiles.slice(i + 1)) {
      assert.ok(Math.max(Math.abs(a.tx - b.tx), Math.abs(a.ty - b.ty)) >= 2);
    }
  });
});
