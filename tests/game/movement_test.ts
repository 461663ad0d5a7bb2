import assert from "node:assert/strict";
import {
  facingOf,
  moveBox,
  sanitizeStick,
  separatePlayers,
} from "../../src/game/movement.ts";
import { step } from "../../src/game/engine.ts";
import { PLAYER_RADIUS_PX, TILE_SIZE_PX } from "../../src/game/constants.ts";
import {
  isWalkable,
  tileCenterPx,
  TileKind,
  tileOfPx,
} from "../../src/game/tiles.ts";
import type { GameState, PlayerInput } from "../../src/game/types.ts";
import { edit, lobby, onTile, player, started } from "./_util.ts";

function drive(
  state: GameState,
  id: string,
  input: PlayerInput,
  ms: number,
): GameState {
  let s = step(state, [{ playerId: id, input }], 0).state;
  for (let t = 0; t < ms; t += 50) s = step(s, [], 50).state;
  return s;
}

/** A player on the ring road's top row (row 1), at column 2, with open road to the right. */
function onRingRoad(state: GameState, id: string): GameState {
  return onTile(state, id, { tx: 2, ty: 1 });
}

Deno.test("sanitizeStick() turns NaN, junk and the exact centre into (0, 0) and caps length 1", () => {
  assert.deepEqual(sanitizeStick(0, 0), { x: 0, y: 0 });
  assert.deepEqual(sanitizeStick(Number.NaN, Number.NaN), { x: 0, y: 0 });
  assert.deepEqual(sanitizeStick("1", null), { x: 0, y: 0 });
  assert.deepEqual(sanitizeStick(Infinity, 0), { x: 0, y: 0 });
  const s = sanitizeStick(10, 0);
  assert.deepEqual(s, { x: 1, y: 0 });
  assert.deepEqual(sanitizeStick(0.5, 0), { x: 0.5, y: 0 });
});

Deno.test("step() with a touch at the exact centre or NaN never makes NaN positions (regression)", () => {
  let s = started({ players: 2 });
  for (
    const input of [{ x: 0, y: 0 }, { x: Number.NaN, y: 0 }, {
      x: 0,
      y: Number.NaN,
    }]
  ) {
    s = drive(s, "p0", { type: "move", ...input }, 200);
    const p = player(s, "p0");
    assert.ok(Number.isFinite(p.x) && Number.isFinite(p.y));
  }
});

Deno.test("players walk at 120 px/s at full stick, scaled by stick strength", () => {
  let s = onRingRoad(lobby({ players: 1 }), "p0");
  const x0 = player(s, "p0").x;
  s = drive(s, "p0", { type: "move", x: 1, y: 0 }, 1000);
  assert.ok(Math.abs(player(s, "p0").x - x0 - 120) < 1e-6);
  assert.equal(player(s, "p0").facing, "right");
  let h = onRingRoad(lobby({ players: 1 }), "p0");
  h = drive(h, "p0", { type: "move", x: 0.5, y: 0 }, 1000);
  assert.ok(Math.abs(player(h, "p0").x - x0 - 60) < 1e-6);
});

Deno.test("a player in a vehicle drives at 240 px/s on roads", () => {
  let s = started({ players: 1 });
  const v = s.vehicles[0];
  s = edit(s, (d) => {
    const p = player(d, "p0");
    d.vehicles[0].x = tileCenterPx(2, 1).x;
    d.vehicles[0].y = tileCenterPx(2, 1).y;
    d.vehicles[0].driverId = "p0";
    p.vehicleId = v.id;
    p.x = d.vehicles[0].x;
    p.y = d.vehicles[0].y;
  });
  const x0 = s.vehicles[0].x;
  s = drive(s, "p0", { type: "move", x: 1, y: 0 }, 500);
  assert.ok(Math.abs(s.vehicles[0].x - x0 - 120) < 1e-6);
  assert.equal(player(s, "p0").x, s.vehicles[0].x);
});

Deno.test("moveBox() stops at blocked tiles and slides along them", () => {
  const passable = (tx: number, _ty: number) => tx < 5;
  const to = moveBox(passable, 100, 48, 200, 0, PLAYER_RADIUS_PX);
  assert.ok(to.x <= 5 * TILE_SIZE_PX - PLAYER_RADIUS_PX);
  assert.ok(to.x > 5 * TILE_SIZE_PX - PLAYER_RADIUS_PX - 1);
  const slide = moveBox(passable, 100, 48, 200, 50, PLAYER_RADIUS_PX);
  assert.ok(slide.y > 48 + 49);
  assert.deepEqual(moveBox(passable, 1, 2, 0, 0, 10), { x: 1, y: 2 });
});

Deno.test("players cannot walk into houses, and they stay on walkable tiles", () => {
  let s = started({ players: 1 });
  const house = s.town.houses[0];
  s = onTile(s, "p0", house.door);
  const towards = house.door.ty < house.rect.ty ? 1 : -1;
  s = drive(s, "p0", { type: "move", x: 0, y: towards }, 1000);
  const p = player(s, "p0");
  for (const [dx, dy] of [[-1, -1], [1, -1], [-1, 1], [1, 1]]) {
    const t = tileOfPx(
      p.x + dx * (PLAYER_RADIUS_PX - 0.01),
      p.y + dy * (PLAYER_RADIUS_PX - 0.01),
    );
    assert.ok(
      isWalkable(s.town.tiles, t.tx, t.ty),
      "box corner on walkable tile",
    );
  }
  assert.equal(
    s.town.tiles[tileOfPx(p.x, p.y).ty * 40 + tileOfPx(p.x, p.y).tx] ===
      TileKind.House,
    false,
  );
});

Deno.test("separatePlayers() pushes players standing on each other apart", () => {
  const s = onTile(
    onTile(started({ players: 2 }), "p0", { tx: 5, ty: 1 }),
    "p1",
    { tx: 5, ty: 1 },
  );
  const after = edit(s, (d) => separatePlayers(d.players, () => true));
  const [a, b] = after.players;
  assert.ok(Math.hypot(a.x - b.x, a.y - b.y) >= 2 * PLAYER_RADIUS_PX - 1e-6);
  assert.ok([a.x, a.y, b.x, b.y].every(Number.isFinite));
});

Deno.test("facingOf() follows the dominant axis and keeps facing when released", () => {
  assert.equal(facingOf(0.2, -0.9, "down"), "up");
  assert.equal(facingOf(-0.9, 0.2, "down"), "left");
  assert.equal(facingOf(0, 0, "left"), "left");
});
