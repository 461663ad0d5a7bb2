/**
 * Town generation from a seed. The town is a fixed 40 x 30 grid of 32 px
 * tiles: a ring road plus straight roads cut it into blocks; three blocks hold
 * kitchens, the others hold stores and houses along their road edges, with
 * trees and flowers in between. Every door is a road tile and every kitchen
 * opening faces a road, so everything is reachable by road. Generation is
 * bounded (no retry loops without a limit) and never throws.
 *
 * @module
 */

import {
  KITCHEN_COUNT,
  MAX_HOUSES,
  MAX_PRICE_COINS,
  MIN_HOUSES,
  MIN_PRICE_COINS,
  STORE_COUNT,
  TILE_SIZE_PX,
  TOWN_HEIGHT_TILES,
  TOWN_WIDTH_TILES,
  VEHICLE_COUNT,
} from "./constants.ts";
import { type Ingredient, INGREDIENTS } from "./items.ts";
import { layoutKitchen, type TileRect } from "./kitchen.ts";
import { chooseSpawnTiles } from "./spawns.ts";
import {
  chance,
  nextInt,
  pick,
  type RngHolder,
  shuffled,
  toSeed,
} from "./random.ts";
import { tileIndex, TileKind, type TilePos } from "./tiles.ts";

export type { TileRect } from "./kitchen.ts";

/** An ingredient store. Its door is the road tile in front of it. */
export interface Store {
  /** Index in `Town.stores`. */
  id: number;
  /** What it sells. */
  ingredient: Ingredient;
  /** Index of the ingredient in INGREDIENTS (bit of its mask). */
  ingredientIndex: number;
  /** Price in coins, 1-5. */
  price: number;
  /** The building's tiles. */
  rect: TileRect;
  /** Road tile where players buy. */
  door: TilePos;
}

/** A house that places orders. Its door is the road tile in front of it. */
export interface House {
  /** Index in `Town.houses`. */
  id: number;
  /** The building's tiles. */
  rect: TileRect;
  /** Road tile where players take orders and deliver. */
  door: TilePos;
}

/** A kitchen: walls around `rect`, floor inside, tables and ovens. */
export interface Kitchen {
  /** Index in `Town.kitchens`. */
  id: number;
  /** Outer rectangle, walls included. */
  rect: TileRect;
  /** Wall tiles that are open (floor). */
  openings: TilePos[];
  /** Ids of its tables in `GameState.stations`. */
  tableIds: number[];
  /** Ids of its ovens in `GameState.stations`. */
  ovenIds: number[];
}

/** Where a table or oven stands. */
export interface StationSpot {
  /** Index in `Town.stations` and `GameState.stations`. */
  id: number;
  /** Table or oven. */
  kind: "table" | "oven";
  /** The kitchen it belongs to. */
  kitchenId: number;
  /** Its tile (a blocking tile of kind Table or Oven). */
  tile: TilePos;
}

/**
 * Town flavours the audience votes on between rounds (GAME.md): the block
 * sizes of the street grid. "classic" is the original's mix.
 */
export const TOWN_FLAVOURS = ["classic", "compact", "spread"] as const;

/** A town flavour. */
export type TownFlavour = typeof TOWN_FLAVOURS[number];

/** Block widths and heights (tiles, min and max) by flavour. */
const FLAVOUR_BLOCKS: Readonly<
  Record<TownFlavour, readonly [number, number, number, number]>
> = {
  classic: [8, 12, 5, 7],
  compact: [8, 9, 5, 6],
  spread: [10, 12, 5, 7],
};

/**
 * A generated town. Never mutated: road works make a new town object with
 * the closed tiles (see `audience.ts`).
 */
export interface Town {
  /** The seed it was generated from. */
  seed: number;
  /** The flavour it was generated with. */
  flavour: TownFlavour;
  /** Width in tiles (40). */
  widthTiles: number;
  /** Height in tiles (30). */
  heightTiles: number;
  /** Tile size in px (32); positions in the state are px of this world. */
  tileSizePx: number;
  /** Row-major tile kinds (see TileKind), length widthTiles x heightTiles. */
  tiles: number[];
  /** The 8 stores. */
  stores: Store[];
  /** The 30-50 houses. */
  houses: House[];
  /** The 3 kitchens. */
  kitchens: Kitchen[];
  /** Tables and ovens, kitchen by kitchen. */
  stations: StationSpot[];
  /** Road tiles where the 5 vehicles start. */
  vehicleSpawns: TilePos[];
  /** Road tiles where players appear, in join order (12). */
  spawnTiles: TilePos[];
}

const ROAD_TOP = 1;
const ROAD_LEFT = 1;
const ROAD_BOTTOM = TOWN_HEIGHT_TILES - 2;
const ROAD_RIGHT = TOWN_WIDTH_TILES - 2;
const KITCHEN_MAX_WIDTH_TILES = 9;
const HOUSE_WIDTH_TILES = 2;
const STORE_WIDTH_TILES = 3;
const LOT_DEPTH_TILES = 2;
const LOT_GAP_CHANCE = 0.15;
const GARDEN_TREE_CHANCE = 0.3;
const GARDEN_FLOWER_CHANCE = 0.2;
const BORDER_TREE_CHANCE = 0.45;
const VEHICLE_MIN_SPACING_TILES = 4;

interface Block extends TileRect {
  row: number;
  col: number;
}

interface Lot {
  rect: TileRect;
  door: TilePos;
}

/** The town being built: its PRNG and its tiles. */
interface Draft {
  /** PRNG state, advanced by every step. */
  holder: RngHolder;
  /** Row-major tile kinds. */
  tiles: number[];
  /** Sets one tile. */
  set: (tx: number, ty: number, kind: number) => void;
}

/** Kitchens and their stations, with the blocks they took. */
interface KitchenPart {
  kitchens: Kitchen[];
  stations: StationSpot[];
  blocks: Block[];
}

/** Building lots cut along block edges, and the tiles left for gardens. */
interface LotPart {
  storeLots: Lot[];
  houseSlots: Lot[];
  spare: TilePos[];
}

/**
 * Generates a town from a seed: same seed, same town. The steps, in order:
 * {@link layRoads}, {@link buildKitchens}, {@link cutLots},
 * {@link openStores}, {@link buildHouses}, {@link plantBorder}, then
 * {@link placeVehiclesAndSpawns}. Each step is bounded, so generation never
 * loops and never throws.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { generateTown } from "./town.ts";
 * const town = generateTown(7);
 * assert.equal(town.kitchens.length, 3);
 * assert.deepEqual(generateTown(7), town);
 * ```
 */
export function generateTown(
  seed: number,
  flavour: TownFlavour = "classic",
): Town {
  const s = toSeed(seed);
  const tiles = new Array<number>(TOWN_WIDTH_TILES * TOWN_HEIGHT_TILES).fill(
    TileKind.Grass,
  );
  const draft: Draft = {
    holder: { rng: s },
    tiles,
    set: (tx, ty, kind) => {
      tiles[tileIndex(tx, ty)] = kind;
    },
  };
  const blocks = layRoads(
    draft,
    FLAVOUR_BLOCKS[flavour] ?? FLAVOUR_BLOCKS.classic,
  );
  const kitchens = buildKitchens(draft, blocks);
  const lots = cutLots(draft, blocks, kitchens.blocks);
  const stores = openStores(draft, lots.storeLots);
  const houses = buildHouses(draft, lots.houseSlots, lots.spare);
  plantBorder(draft);
  return {
    seed: s,
    flavour: FLAVOUR_BLOCKS[flavour] ? flavour : "classic",
    widthTiles: TOWN_WIDTH_TILES,
    heightTiles: TOWN_HEIGHT_TILES,
    tileSizePx: TILE_SIZE_PX,
    tiles,
    stores,
    houses,
    kitchens: kitchens.kitchens,
    stations: kitchens.stations,
    ...placeVehiclesAndSpawns(draft, [...stores, ...houses]),
  };
}

/**
 * Roads: a ring road plus straight roads that cut the inside into blocks of
 * the flavour's sizes (classic: 8-12 x 5-7 tiles).
 *
 * @returns the blocks between the roads, row by row
 */
function layRoads(
  draft: Draft,
  sizes: readonly [number, number, number, number],
): Block[] {
  const { holder, set } = draft;
  const [minW, maxW, minH, maxH] = sizes;
  const colWidths = partition(holder, ROAD_RIGHT - ROAD_LEFT - 1, minW, maxW);
  const rowHeights = partition(holder, ROAD_BOTTOM - ROAD_TOP - 1, minH, maxH);
  const roadCols = cumulativeRoads(ROAD_LEFT, colWidths);
  const roadRows = cumulativeRoads(ROAD_TOP, rowHeights);
  for (const x of roadCols) {
    for (let y = ROAD_TOP; y <= ROAD_BOTTOM; y++) set(x, y, TileKind.Road);
  }
  for (const y of roadRows) {
    for (let x = ROAD_LEFT; x <= ROAD_RIGHT; x++) set(x, y, TileKind.Road);
  }
  const blocks: Block[] = [];
  rowHeights.forEach((h, row) => {
    colWidths.forEach((w, col) => {
      blocks.push({
        tx: roadCols[col] + 1,
        ty: roadRows[row] + 1,
        w,
        h,
        row,
        col,
      });
    });
  });
  return blocks;
}

/**
 * Kitchens: three blocks (spread out where possible), each with a walled
 * kitchen whose openings face a road, 3 tables and 3 ovens; the rest of each
 * such block becomes a garden.
 */
function buildKitchens(draft: Draft, blocks: Block[]): KitchenPart {
  const { holder, set } = draft;
  const kitchenBlocks = chooseKitchenBlocks(holder, blocks);
  const kitchens: Kitchen[] = [];
  const stations: StationSpot[] = [];
  for (const block of kitchenBlocks) {
    const kw = Math.min(block.w, KITCHEN_MAX_WIDTH_TILES);
    const kx = block.tx + nextInt(holder, 0, block.w - kw);
    const rect: TileRect = { tx: kx, ty: block.ty, w: kw, h: block.h };
    const layout = layoutKitchen(rect, holder);
    for (let y = rect.ty; y < rect.ty + rect.h; y++) {
      for (let x = rect.tx; x < rect.tx + rect.w; x++) {
        const edge = x === rect.tx || y === rect.ty ||
          x === rect.tx + rect.w - 1 || y === rect.ty + rect.h - 1;
        set(x, y, edge ? TileKind.Wall : TileKind.Floor);
      }
    }
    for (const o of layout.openings) set(o.tx, o.ty, TileKind.Floor);
    const id = kitchens.length;
    const kitchen: Kitchen = {
      id,
      rect,
      openings: layout.openings,
      tableIds: [],
      ovenIds: [],
    };
    for (const t of layout.tables) {
      set(t.tx, t.ty, TileKind.Table);
      kitchen.tableIds.push(stations.length);
      stations.push({
        id: stations.length,
        kind: "table",
        kitchenId: id,
        tile: t,
      });
    }
    for (const o of layout.ovens) {
      set(o.tx, o.ty, TileKind.Oven);
      kitchen.ovenIds.push(stations.length);
      stations.push({
        id: stations.length,
        kind: "oven",
        kitchenId: id,
        tile: o,
      });
    }
    kitchens.push(kitchen);
    // Columns of the block beside the kitchen become a garden.
    for (let y = block.ty; y < block.ty + block.h; y++) {
      for (let x = block.tx; x < block.tx + block.w; x++) {
        if (x < rect.tx || x >= rect.tx + rect.w) garden(draft, x, y);
      }
    }
  }
  return { kitchens, stations, blocks: kitchenBlocks };
}

/** A 2-tile-deep strip along a block's top or bottom edge, facing a road. */
interface Edge extends TileRect {
  /** True when its doors are on the road above it. */
  facesUp: boolean;
}

/**
 * Lots: along the top and bottom edge of every block without a kitchen
 * ({@link blockEdges}), one 3-tile store lot on each of 8 edges
 * ({@link placeStoreLots}) and 2-tile house slots elsewhere
 * ({@link placeHouseSlots}); every lot has its own door on the road.
 */
function cutLots(
  draft: Draft,
  blocks: Block[],
  kitchenBlocks: Block[],
): LotPart {
  const edges = blockEdges(draft, blocks, kitchenBlocks);
  const lotOf = doorAllocator(edges);
  const { storeLots, storeX } = placeStoreLots(draft, edges, lotOf);
  return { storeLots, ...placeHouseSlots(draft, edges, storeX, lotOf) };
}

/** The edges of the blocks without a kitchen; the middle of each such block becomes a garden. */
function blockEdges(
  draft: Draft,
  blocks: Block[],
  kitchenBlocks: Block[],
): Edge[] {
  const edges: Edge[] = [];
  for (const block of blocks) {
    if (kitchenBlocks.includes(block)) continue;
    const { tx, w } = block;
    edges.push({ tx, ty: block.ty, w, h: LOT_DEPTH_TILES, facesUp: true });
    edges.push({
      tx,
      ty: block.ty + block.h - LOT_DEPTH_TILES,
      w,
      h: LOT_DEPTH_TILES,
      facesUp: false,
    });
    for (
      let y = block.ty + LOT_DEPTH_TILES;
      y < block.ty + block.h - LOT_DEPTH_TILES;
      y++
    ) {
      for (let x = tx; x < tx + w; x++) garden(draft, x, y);
    }
  }
  return edges;
}

/** Makes a lot of width `w` at column `x` of edge `e`, or null when no door tile is free. */
type LotOf = (e: number, x: number, w: number) => Lot | null;

/**
 * A lot maker that gives every building its own door tile: two buildings
 * facing each other across a road never share one (a player there could use
 * only one). The door is the middle column if free, else another column.
 */
function doorAllocator(edges: readonly Edge[]): LotOf {
  const usedDoors = new Set<number>();
  return (e, x, w) => {
    const edge = edges[e];
    const ty = edge.facesUp ? edge.ty - 1 : edge.ty + LOT_DEPTH_TILES;
    const mid = x + Math.floor((w - 1) / 2);
    const columns = [mid];
    for (let tx = x; tx < x + w; tx++) if (tx !== mid) columns.push(tx);
    for (const tx of columns) {
      const key = tileIndex(tx, ty);
      if (usedDoors.has(key)) continue;
      usedDoors.add(key);
      return {
        rect: { tx: x, ty: edge.ty, w, h: LOT_DEPTH_TILES },
        door: { tx, ty },
      };
    }
    return null;
  };
}

/** One store lot on each of 8 random edges, at a random column with a free door. */
function placeStoreLots(
  draft: Draft,
  edges: readonly Edge[],
  lotOf: LotOf,
): { storeLots: Lot[]; storeX: Map<number, number> } {
  const { holder } = draft;
  const storeEdges = shuffled(holder, edges.map((_, i) => i))
    .slice(0, STORE_COUNT)
    .sort((a, b) => a - b);
  const storeLots: Lot[] = [];
  const storeX = new Map<number, number>();
  for (const e of storeEdges) {
    const edge = edges[e];
    const positions = edge.w - STORE_WIDTH_TILES + 1;
    const first = nextInt(holder, 0, positions - 1);
    for (let k = 0; k < positions; k++) {
      const sx = edge.tx + (first + k) % positions;
      const lot = lotOf(e, sx, STORE_WIDTH_TILES);
      if (lot) {
        storeLots.push(lot);
        storeX.set(e, sx);
        break;
      }
    }
  }
  return { storeLots, storeX };
}

/** House slots along every edge around its store, with random gaps; gaps become spare tiles. */
function placeHouseSlots(
  draft: Draft,
  edges: readonly Edge[],
  storeX: ReadonlyMap<number, number>,
  lotOf: LotOf,
): { houseSlots: Lot[]; spare: TilePos[] } {
  const houseSlots: Lot[] = [];
  const spare: TilePos[] = [];
  edges.forEach((edge, e) => {
    const sx = storeX.get(e);
    const spans: [number, number][] = sx === undefined
      ? [[edge.tx, edge.tx + edge.w]]
      : [[edge.tx, sx], [sx + STORE_WIDTH_TILES, edge.tx + edge.w]];
    for (const [from, to] of spans) {
      let x = from;
      while (x < to) {
        const lot =
          x + HOUSE_WIDTH_TILES <= to && !chance(draft.holder, LOT_GAP_CHANCE)
            ? lotOf(e, x, HOUSE_WIDTH_TILES)
            : null;
        if (lot) {
          houseSlots.push(lot);
          x += HOUSE_WIDTH_TILES;
        } else {
          for (let y = edge.ty; y < edge.ty + edge.h; y++) {
            spare.push({ tx: x, ty: y });
          }
          x += 1;
        }
      }
    }
  });
  return { houseSlots, spare };
}

/**
 * Stores on the store lots (in reading order), prices 1-5. Ingredients as in
 * the original: every ingredient sold somewhere, none by more than 2 stores
 * (the five once, then distinct extras, dealt to the lots in random order).
 */
function openStores(draft: Draft, storeLots: Lot[]): Store[] {
  const { holder, set } = draft;
  const ingredients = storeIngredients(holder, storeLots.length);
  return [...storeLots].sort(byPosition).map((lot, id) => {
    fillRect(set, lot.rect, TileKind.Store);
    const ingredientIndex = ingredients[id];
    return {
      id,
      ingredient: INGREDIENTS[ingredientIndex],
      ingredientIndex,
      price: nextInt(holder, MIN_PRICE_COINS, MAX_PRICE_COINS),
      rect: lot.rect,
      door: lot.door,
    };
  });
}

/**
 * Ingredient indexes for `count` stores: every ingredient once (when there
 * are at least 5 stores), then distinct extras, so at most 2 stores sell any
 * one ingredient (for up to 10 stores); the order is random.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { storeIngredients } from "./town.ts";
 * const got = storeIngredients({ rng: 9 }, 8);
 * assert.deepEqual(new Set(got).size, 5);
 * assert.ok([0, 1, 2, 3, 4].every((i) => got.filter((g) => g === i).length <= 2));
 * ```
 */
export function storeIngredients(holder: RngHolder, count: number): number[] {
  const all = INGREDIENTS.map((_, i) => i);
  const list: number[] = [];
  while (list.length < count) {
    list.push(...shuffled(holder, all).slice(0, count - list.length));
  }
  // The first five are all different; the rest are dealt in random places.
  const places = shuffled(holder, list.map((_, i) => i));
  const out = new Array<number>(count);
  places.forEach((place, k) => out[place] = list[k]);
  return out;
}

/**
 * Houses: 30-50 of the house slots (as many as fit), the other slots and the
 * spare tiles become gardens.
 */
function buildHouses(
  draft: Draft,
  houseSlots: Lot[],
  spare: TilePos[],
): House[] {
  const { holder, set } = draft;
  const houseCount = Math.min(
    houseSlots.length,
    nextInt(holder, MIN_HOUSES, MAX_HOUSES),
  );
  const order = shuffled(holder, houseSlots);
  const chosen = order.slice(0, houseCount).sort(byPosition);
  const gardens = [...spare];
  for (const lot of order.slice(houseCount)) {
    for (let y = lot.rect.ty; y < lot.rect.ty + lot.rect.h; y++) {
      for (let x = lot.rect.tx; x < lot.rect.tx + lot.rect.w; x++) {
        gardens.push({ tx: x, ty: y });
      }
    }
  }
  const houses: House[] = chosen.map((lot, id) => {
    fillRect(set, lot.rect, TileKind.House);
    return { id, rect: lot.rect, door: lot.door };
  });
  for (const p of gardens) garden(draft, p.tx, p.ty);
  return houses;
}

/** Decoration: trees and grass on the border outside the ring road. */
function plantBorder(draft: Draft): void {
  for (let y = 0; y < TOWN_HEIGHT_TILES; y++) {
    for (let x = 0; x < TOWN_WIDTH_TILES; x++) {
      const border = x < ROAD_LEFT || y < ROAD_TOP || x > ROAD_RIGHT ||
        y > ROAD_BOTTOM;
      if (border && chance(draft.holder, BORDER_TREE_CHANCE)) {
        draft.set(x, y, TileKind.Tree);
      }
    }
  }
}

/**
 * Vehicles and players: 5 vehicle spawns spread out on free road tiles (not
 * doors), and 12 player spawn tiles on the roads nearest the town centre,
 * spread so that no one starts boxed in (`spawns.ts`).
 */
function placeVehiclesAndSpawns(
  draft: Draft,
  buildings: readonly { door: TilePos }[],
): Pick<Town, "vehicleSpawns" | "spawnTiles"> {
  const { tiles } = draft;
  const doorKeys = new Set(
    buildings.map((b) => tileIndex(b.door.tx, b.door.ty)),
  );
  const roads: TilePos[] = [];
  for (let y = 0; y < TOWN_HEIGHT_TILES; y++) {
    for (let x = 0; x < TOWN_WIDTH_TILES; x++) {
      if (tiles[tileIndex(x, y)] === TileKind.Road) {
        roads.push({ tx: x, ty: y });
      }
    }
  }
  const freeRoads = roads.filter((r) => !doorKeys.has(tileIndex(r.tx, r.ty)));
  const vehicleSpawns = chooseVehicleSpawns(draft.holder, freeRoads);
  return {
    vehicleSpawns,
    spawnTiles: chooseSpawnTiles(tiles, doorKeys, vehicleSpawns),
  };
}

/** Splits `total` into parts within [min, max]; falls back to near-equal parts. */
function partition(
  holder: RngHolder,
  total: number,
  min: number,
  max: number,
): number[] {
  const options: number[] = [];
  for (let k = 1; k <= total; k++) {
    const sum = total - (k - 1); // k parts and k - 1 roads between them
    if (sum >= k * min && sum <= k * max) options.push(k);
  }
  const k = options.length > 0 ? pick(holder, options) : 1;
  const sum = total - (k - 1);
  const base = Math.floor(sum / k);
  const parts = new Array<number>(k).fill(base);
  for (let i = 0; i < sum - base * k; i++) parts[i] += 1;
  if (options.length === 0) return parts;
  // Move single tiles between parts at random, staying within [min, max].
  for (let i = 0; i < 4 * k; i++) {
    const a = nextInt(holder, 0, k - 1);
    const b = nextInt(holder, 0, k - 1);
    if (a !== b && parts[a] > min && parts[b] < max) {
      parts[a] -= 1;
      parts[b] += 1;
    }
  }
  return parts;
}

function cumulativeRoads(first: number, parts: readonly number[]): number[] {
  const roads = [first];
  for (const p of parts) roads.push(roads[roads.length - 1] + p + 1);
  return roads;
}

function chooseKitchenBlocks(holder: RngHolder, blocks: Block[]): Block[] {
  const candidates = shuffled(holder, blocks);
  const chosen: Block[] = [];
  for (const b of candidates) {
    if (chosen.length === KITCHEN_COUNT) break;
    const touching = chosen.some((c) =>
      Math.abs(c.row - b.row) + Math.abs(c.col - b.col) <= 1
    );
    if (!touching) chosen.push(b);
  }
  for (const b of candidates) {
    if (chosen.length === KITCHEN_COUNT) break;
    if (!chosen.includes(b)) chosen.push(b);
  }
  return chosen;
}

/** Decoration: a garden tile (tree, flowers or grass at random). */
function garden(draft: Draft, tx: number, ty: number): void {
  const set = draft.set;
  const r = nextInt(draft.holder, 0, 999) / 1000;
  if (r < GARDEN_TREE_CHANCE) set(tx, ty, TileKind.Tree);
  else if (r < GARDEN_TREE_CHANCE + GARDEN_FLOWER_CHANCE) {
    set(tx, ty, TileKind.Flowers);
  } else set(tx, ty, TileKind.Grass);
}

function fillRect(
  set: (tx: number, ty: number, kind: number) => void,
  rect: TileRect,
  kind: number,
): void {
  for (let y = rect.ty; y < rect.ty + rect.h; y++) {
    for (let x = rect.tx; x < rect.tx + rect.w; x++) set(x, y, kind);
  }
}

function byPosition(a: Lot, b: Lot): number {
  return a.rect.ty - b.rect.ty || a.rect.tx - b.rect.tx;
}

function chooseVehicleSpawns(holder: RngHolder, roads: TilePos[]): TilePos[] {
  const candidates = shuffled(holder, roads);
  const chosen: TilePos[] = [];
  for (const spacing of [VEHICLE_MIN_SPACING_TILES, 0]) {
    for (const r of candidates) {
      if (chosen.length === VEHICLE_COUNT) return chosen;
      const near = chosen.some((c) =>
        c === r ||
        Math.max(Math.abs(c.tx - r.tx), Math.abs(c.ty - r.ty)) < spacing
      );
      if (!near) chosen.push(r);
    }
  }
  return chosen;
}
