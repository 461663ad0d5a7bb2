import assert from "node:assert/strict";
import { targetOf } from "../../src/game/actions.ts";
import {
  createPathCache,
  distanceAt,
  distanceField,
  nextTile,
  stationAccessTiles,
} from "../../src/bots/pathfinding.ts";
import { tileCenterPx, tileIndex } from "../../src/game/tiles.ts";
import { generateTown } from "../../src/game/town.ts";
import { onTile, player, started } from "../game/_util.ts";

Deno.test("distanceField() is cached per town and leads step by step to the goal", () => {
  const town = generateTown(3);
  const cache = createPathCache();
  const goal = town.stores[0].door;
  const field = distanceField(cache, town, [goal]);
  assert.equal(distanceField(cache, town, [goal]), field);
  const start = town.spawnTiles[0];
  let at = tileCenterPx(start.tx, start.ty);
  let steps = 0;
  while (distanceAt(field, at.x, at.y) > 0 && steps < 500) {
    const next = nextTile(field, at.x, at.y);
    assert.ok(next);
    assert.equal(
      field[tileIndex(next.tx, next.ty)],
      distanceAt(field, at.x, at.y) - 1,
    );
    at = tileCenterPx(next.tx, next.ty);
    steps++;
  }
  assert.equal(distanceAt(field, at.x, at.y), 0);
  assert.deepEqual(nextTile(field, at.x, at.y), goal);
  // A new town clears the cache.
  distanceField(cache, generateTown(4), [goal]);
  assert.equal(cache.fields.size, 1);
});

Deno.test("stationAccessTiles() are tiles where that station is the player's target", () => {
  const s = started({ players: 1 });
  let usable = 0;
  for (const spot of s.town.stations) {
    for (const tile of stationAccessTiles(s.town, spot.id)) {
      const there = onTile(s, "p0", tile);
      assert.deepEqual(targetOf(there, player(there, "p0")), {
        kind: "station",
        id: spot.id,
      });
      usable++;
    }
  }
  assert.ok(usable >= s.town.stations.length);
});
