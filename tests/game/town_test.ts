import assert from "node:assert/strict";
import {
  KITCHEN_COUNT,
  MAX_HOUSES,
  MAX_PLAYERS,
  MIN_HOUSES,
  STORE_COUNT,
  TOWN_HEIGHT_TILES,
  TOWN_WIDTH_TILES,
  VEHICLE_COUNT,
} from "../../src/game/constants.ts";
import {
  isWalkable,
  NEIGHBOURS_4,
  tileAt,
  tileIndex,
  TileKind,
  walkDistances,
} from "../../src/game/tiles.ts";
import {
  generateTown,
  storeIngredients,
  type Town,
  TOWN_FLAVOURS,
} from "../../src/game/town.ts";

/** Every property the town must have; returns a failure message or null. */
function checkTown(town: Town): string | null {
  const { tiles } = town;
  if (
    town.widthTiles !== TOWN_WIDTH_TILES ||
    town.heightTiles !== TOWN_HEIGHT_TILES
  ) {
    return "size";
  }
  if (tiles.length !== TOWN_WIDTH_TILES * TOWN_HEIGHT_TILES) {
    return "tiles length";
  }
  if (town.kitchens.length !== KITCHEN_COUNT) return "kitchens";
  if (town.stores.length !== STORE_COUNT) return "stores";
  if (town.houses.length < MIN_HOUSES || town.houses.length > MAX_HOUSES) {
    return "houses";
  }
  if (town.vehicleSpawns.length !== VEHICLE_COUNT) return "vehicles";
  if (town.spawnTiles.length !== MAX_PLAYERS) return "spawns";
  const sold = new Set(town.stores.map((s) => s.ingredient));
  if (sold.size !== 5) return "every ingredient sold";
  for (const name of sold) {
    if (town.stores.filter((s) => s.ingredient === name).length > 2) {
      return "at most 2 stores per ingredient";
    }
  }
  if (
    town.stores.some((s) =>
      s.price < 1 || s.price > 5 || !Number.isInteger(s.price)
    )
  ) {
    return "price";
  }
  // Roads form one network; BFS over walkable tiles from a road tile.
  const roads: { tx: number; ty: number }[] = [];
  tiles.forEach((k, i) => {
    if (k === TileKind.Road) {
      roads.push({
        tx: i % TOWN_WIDTH_TILES,
        ty: Math.floor(i / TOWN_WIDTH_TILES),
      });
    }
  });
  const byRoad = walkDistances(
    tiles,
    [roads[0]],
    (tx, ty) => tileAt(tiles, tx, ty) === TileKind.Road,
  );
  if (roads.some((r) => byRoad[tileIndex(r.tx, r.ty)] < 0)) {
    return "roads connected";
  }
  const walk = walkDistances(tiles, [roads[0]]);
  const reached = (t: { tx: number; ty: number }) =>
    walk[tileIndex(t.tx, t.ty)] >= 0;
  const doors = new Set<number>();
  for (const b of [...town.stores, ...town.houses]) {
    if (tileAt(tiles, b.door.tx, b.door.ty) !== TileKind.Road) {
      return "door on road";
    }
    if (byRoad[tileIndex(b.door.tx, b.door.ty)] < 0) {
      return "door reachable by road";
    }
    const key = tileIndex(b.door.tx, b.door.ty);
    if (doors.has(key)) return "door shared";
    doors.add(key);
    const kind = "ingredient" in b ? TileKind.Store : TileKind.House;
    for (let y = b.rect.ty; y < b.rect.ty + b.rect.h; y++) {
      for (let x = b.rect.tx; x < b.rect.tx + b.rect.w; x++) {
        if (tileAt(tiles, x, y) !== kind) return "building tiles";
      }
    }
    const touches = b.door.tx >= b.rect.tx &&
      b.door.tx < b.rect.tx + b.rect.w &&
      (b.door.ty === b.rect.ty - 1 || b.door.ty === b.rect.ty + b.rect.h);
    if (!touches) return "door in front of building";
  }
  for (const k of town.kitchens) {
    if (k.tableIds.length !== 3 || k.ovenIds.length !== 3) {
      return "stations per kitchen";
    }
    if (k.openings.length === 0) return "kitchen openings";
    for (const o of k.openings) {
      if (!reached(o)) return "opening reachable";
      const outside = [o.ty - 1, o.ty + 1].some((y) =>
        byRoad[tileIndex(o.tx, y)] >= 0
      );
      if (!outside) return "opening faces a road";
    }
    // Walls all round, except openings.
    for (let x = k.rect.tx; x < k.rect.tx + k.rect.w; x++) {
      for (const y of [k.rect.ty, k.rect.ty + k.rect.h - 1]) {
        const open = k.openings.some((o) => o.tx === x && o.ty === y);
        if (tileAt(tiles, x, y) !== (open ? TileKind.Floor : TileKind.Wall)) {
          return "wall";
        }
      }
    }
  }
  for (const s of town.stations) {
    const kind = s.kind === "table" ? TileKind.Table : TileKind.Oven;
    if (tileAt(tiles, s.tile.tx, s.tile.ty) !== kind) return "station tile";
    const usable = NEIGHBOURS_4.some(([dx, dy]) =>
      isWalkable(tiles, s.tile.tx + dx, s.tile.ty + dy) &&
      reached({ tx: s.tile.tx + dx, ty: s.tile.ty + dy })
    );
    if (!usable) return "station reachable";
  }
  const vehicleKeys = new Set(
    town.vehicleSpawns.map((v) => tileIndex(v.tx, v.ty)),
  );
  if (vehicleKeys.size !== VEHICLE_COUNT) return "vehicles distinct";
  if (
    town.vehicleSpawns.some((v) => tileAt(tiles, v.tx, v.ty) !== TileKind.Road)
  ) return "vehicle on road";
  if (
    town.spawnTiles.some((t) => !reached(t) || doors.has(tileIndex(t.tx, t.ty)))
  ) return "spawn";
  if (!tiles.includes(TileKind.Tree) || !tiles.includes(TileKind.Flowers)) {
    return "decoration";
  }
  return null;
}

Deno.test("generateTown() is valid for 1,000 seeds: counts, at most 2 stores per ingredient, roads, doors, kitchens, BFS reachability", () => {
  for (let seed = 0; seed < 1000; seed++) {
    const problem = checkTown(generateTown(seed * 7919 + 1));
    assert.equal(problem, null, `seed ${seed * 7919 + 1}: ${problem}`);
  }
});

Deno.test("generateTown() is the same for the same seed and differs between seeds", () => {
  assert.deepEqual(generateTown(99), generateTown(99));
  assert.notDeepEqual(generateTown(99).tiles, generateTown(100).tiles);
});

Deno.test("generateTown() never throws on odd seeds", () => {
  for (const seed of [Number.NaN, -1, 0, 0.5, 2 ** 40, Infinity, -Infinity]) {
    assert.equal(checkTown(generateTown(seed)), null, String(seed));
  }
});

Deno.test("generateTown() makes a town of fixed logical size (40 x 30 tiles of 32 px)", () => {
  const town = generateTown(1);
  assert.equal(town.widthTiles * town.tileSizePx, 1280);
  assert.equal(town.heightTiles * town.tileSizePx, 960);
});

Deno.test("storeIngredients() sells every ingredient and none in more than 2 stores, for 1,000 seeds", () => {
  for (let seed = 0; seed < 1_000; seed++) {
    const got = storeIngredients({ rng: seed }, STORE_COUNT);
    assert.equal(got.length, STORE_COUNT);
    for (let i = 0; i < 5; i++) {
      const n = got.filter((g) => g === i).length;
      assert.ok(n >= 1 && n <= 2, `seed ${seed}: ingredient ${i} in ${n}`);
    }
  }
});

Deno.test("generateTown() is valid in every flavour for 300 seeds, and flavours differ in their blocks", () => {
  for (const flavour of TOWN_FLAVOURS) {
    for (let seed = 0; seed < 300; seed++) {
      const town = generateTown(seed * 7919 + 1, flavour);
      assert.equal(town.flavour, flavour);
      const problem = checkTown(town);
      assert.equal(problem, null, `${flavour} seed ${seed}: ${problem}`);
    }
  }
  const roads = (t: Town) => t.tiles.filter((k) => k === TileKind.Road).length;
  let compact = 0;
  let spread = 0;
  for (let seed = 1; seed <= 50; seed++) {
    compact += roads(generateTown(seed, "compact"));
    spread += roads(generateTown(seed, "spread"));
  }
  assert.ok(
    compact > spread,
    `compact ${compact} road tiles, spread ${spread}`,
  );
  assert.deepEqual(generateTown(5), generateTown(5, "classic"));
});
