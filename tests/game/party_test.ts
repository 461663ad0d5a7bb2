/** Issue 12's rules: late friends, game over, what the phone is offered, vehicles with weight. */

import assert from "node:assert/strict";
import { contextActions } from "../../src/game/actions.ts";
import {
  PLAYER_RADIUS_PX,
  VEHICLE_RADIUS_PX,
} from "../../src/game/constants.ts";
import {
  createGame,
  joinPlayer,
  restartGame,
  setDropIn,
  startGame,
  step,
} from "../../src/game/engine.ts";
import { trySpawnOrder } from "../../src/game/orders.ts";
import { starGrade } from "../../src/game/outcome.ts";
import { tileCenterPx, tileIndex, TileKind } from "../../src/game/tiles.ts";
import type { GameState } from "../../src/game/types.ts";
import { allergyExempt, hud, playerView } from "../../src/game/view.ts";
import {
  act,
  atStation,
  atStore,
  edit,
  english,
  lobby,
  onTile,
  player,
  started,
  stationId,
  texts,
  wait,
} from "./_util.ts";

/** Ends a round at 0:00 after `delivered` deliveries, with no orders on the way. */
function timeUp(state: GameState, delivered: number): GameState {
  const s = edit(state, (d) => {
    d.timeline = [];
    d.delivered = delivered;
    d.clockMs = d.roundLengthMs - 500;
    d.timeLeftMs = 500;
  });
  return wait(s, 500).state;
}

Deno.test("joinPlayer() mid-round (drop-in on by default): the friend plays at once with a fair allergy", () => {
  let s = started({ players: 2, difficulty: 1 });
  assert.equal(s.dropIn, true);
  s = edit(s, (d) => {
    d.timeline = [];
    trySpawnOrder(d, [], 0);
  });
  const r = joinPlayer(s, { id: "late", name: "Late" });
  assert.equal(r.error, undefined);
  const late = player(r.state, "late");
  assert.equal(late.waiting, false);
  assert.notEqual(late.allergyMask, 0, "a Cook drop-in gets an allergy too");
  assert.deepEqual(texts(r.events, "late"), [
    "Welcome! Jump in: the round is on.",
  ]);
  assert.equal(playerView(r.state, "late")?.phase, "playing");
  // The friend moves in the running round.
  const x = late.x;
  const moved = step(r.state, [{
    playerId: "late",
    input: { type: "move", x: 0, y: 1 },
  }], 200).state;
  assert.ok(
    player(moved, "late").x !== x || player(moved, "late").y !== late.y,
  );
});

Deno.test("setDropIn(false) refuses mid-round joins with 'drop_in_off' but not lobby or game-over joins", () => {
  const s = setDropIn(lobby({ players: 1 }), false).state;
  assert.equal(s.dropIn, false);
  assert.equal(joinPlayer(s, { id: "a", name: "A" }).error, undefined);
  const playing = startGame(s).state;
  assert.equal(
    joinPlayer(playing, { id: "a", name: "A" }).error,
    "drop_in_off",
  );
  const over = timeUp(playing, 1);
  assert.equal(joinPlayer(over, { id: "a", name: "A" }).error, undefined);
  assert.equal(
    createGame({ dropIn: false }).dropIn,
    false,
    "also an engine option",
  );
});

Deno.test("a friend joining at game over is shown as waiting and plays from the next round", () => {
  const over = timeUp(started({ players: 1 }), 1);
  const r = joinPlayer(over, { id: "late", name: "Late" });
  assert.equal(player(r.state, "late").waiting, true);
  assert.equal(playerView(r.state, "late")?.waiting, true);
  assert.deepEqual(texts(r.events, "late"), [
    "Welcome! You play from the next round.",
  ]);
  const next = restartGame(r.state).state;
  assert.equal(next.phase, "playing");
  assert.equal(player(next, "late").waiting, false);
  assert.notDeepEqual(next.town, over.town, "restart builds a new town");
  assert.deepEqual(next.players.map((p) => p.id), ["p0", "late"]);
});

Deno.test("reaching 0:00 with no delivery is no win: 'nothing_delivered', 0 stars", () => {
  const s = timeUp(started({ players: 2 }), 0);
  assert.equal(s.phase, "over");
  assert.equal(s.outcome?.won, false);
  assert.equal(s.outcome?.reason, "nothing_delivered");
  assert.equal(s.outcome?.stars, 0);
  assert.doesNotMatch(s.outcome?.text ?? "", /win/i);
  const won = timeUp(started({ players: 2 }), 1);
  assert.equal(won.outcome?.won, true);
  assert.equal(won.outcome?.reason, "time_up");
  assert.equal(won.outcome?.stars, 1);
});

Deno.test("reaching 0:00 with fewer deliveries than one per two players is no win: 'too_few_deliveries', the reason in words", () => {
  const few = timeUp(started({ players: 8 }), 1);
  assert.equal(few.outcome?.won, false);
  assert.equal(few.outcome?.reason, "too_few_deliveries");
  assert.equal(few.outcome?.stars, 0);
  assert.equal(
    few.outcome?.text,
    "Time's up, but 1 pizza for 8 players is not a win: it takes 4, one for every two players.",
  );
  assert.equal(timeUp(started({ players: 8 }), 3).outcome?.won, false);
  const enough = timeUp(started({ players: 8 }), 4);
  assert.equal(enough.outcome?.won, true);
  assert.equal(enough.outcome?.reason, "time_up");
  // Three players need two pizzas; one player needs one.
  assert.equal(timeUp(started({ players: 3 }), 1).outcome?.won, false);
  assert.equal(timeUp(started({ players: 3 }), 2).outcome?.won, true);
  assert.equal(timeUp(started({ players: 1 }), 1).outcome?.won, true);
});

Deno.test("starGrade(): 0 lost or empty, 1 won, 2 at 2 deliveries per player per 6:00, 3 at 4 with no strike", () => {
  const full = { strikes: 0, roundLengthMs: 360_000 };
  assert.equal(starGrade(false, 20, 1, full), 0);
  assert.equal(starGrade(true, 0, 1, full), 0);
  assert.equal(starGrade(true, 7, 4, full), 1);
  assert.equal(starGrade(true, 8, 4, full), 2);
  assert.equal(starGrade(true, 16, 4, full), 3);
  assert.equal(starGrade(true, 16, 4, { ...full, strikes: 2 }), 2);
  // Scaled by round length: a 3:00 round needs half.
  assert.equal(starGrade(true, 2, 1, { ...full, roundLengthMs: 180_000 }), 3);
});

Deno.test("per-player stats: deliveries, money earned, distance walked; shown at game over to host and phones", () => {
  let s = started({ players: 2 });
  const y0 = player(s, "p0").y;
  s = step(s, [{ playerId: "p0", input: { type: "move", x: 0, y: 1 } }], 100)
    .state;
  const walked = player(s, "p0").stats.walkedPx;
  assert.ok(Math.abs(walked - Math.abs(player(s, "p0").y - y0)) < 1e-6);
  assert.ok(walked > 0);
  // A delivery credits its deliverer.
  s = edit(s, (d) => {
    d.timeline = [];
    trySpawnOrder(d, [], d.clockMs);
    const o = d.orders[0];
    o.stage = "waiting";
    player(d, "p1").backpack.push({ mask: o.mask, heat: 1, burned: false });
  });
  s = onTile(s, "p1", s.town.houses[s.orders[0].houseId].door);
  const money = s.money;
  s = act(s, "p1", "deliver").state;
  assert.equal(s.delivered, 1);
  const p1 = player(s, "p1").stats;
  assert.equal(p1.deliveries, 1);
  assert.equal(p1.moneyEarned, s.money - money);
  // Views carry the team's stats only at game over (so they stay quiet while playing).
  assert.deepEqual(playerView(s, "p0")?.team, []);
  const over = timeUp(s, 1);
  const team = playerView(over, "p0")?.team ?? [];
  assert.deepEqual(team.map((t) => [t.id, t.deliveries]), [["p0", 0], [
    "p1",
    1,
  ]]);
  assert.deepEqual(hud(over).team, team);
  assert.equal(team[1].moneyEarned, p1.moneyEarned);
  // A new round starts from zero.
  const next = restartGame(over).state;
  assert.ok(next.players.every((p) => p.stats.deliveries === 0));
});

Deno.test("contextActions(): an allergy greys Buy and Pick up with the reason; the engine refuses them with it", () => {
  let s = started({ players: 4, difficulty: 1 });
  s = edit(s, (d) => (player(d, "p0").allergyMask = 0b00100));
  const atCheese = atStore(s, "p0", 2);
  const buy = contextActions(atCheese, "p0").find((a) => a.id === "buy");
  assert.deepEqual(buy?.ingredients, ["cheese"]);
  assert.deepEqual(buy?.disabled, {
    key: "why.allergic",
    ingredient: "cheese",
  });
  const r = act(atCheese, "p0", "buy");
  assert.equal(r.state.money, atCheese.money);
  assert.deepEqual(texts(r.events, "p0"), ["You're allergic to cheese!"]);
  // Not allergic: enabled.
  const atDough = atStore(s, "p0", 0);
  const buyDough = contextActions(atDough, "p0").find((a) => a.id === "buy");
  assert.equal(buyDough?.disabled, undefined);
  // A table holding dough + cheese: with 4 players the combined item is not exempt.
  const table = stationId(s, "table");
  const withItem = edit(atStation(s, "p0", table), (d) => {
    d.stations[table].item = { mask: 0b00101, heat: 0, burned: false };
  });
  const pick = contextActions(withItem, "p0").find((a) => a.id === "pickup");
  assert.deepEqual(pick?.ingredients, ["dough", "cheese"]);
  assert.equal(english(pick?.disabled), "You're allergic to cheese!");
  const three = edit(withItem, (d) => (d.players = d.players.slice(0, 3)));
  const pick3 = contextActions(three, "p0").find((a) => a.id === "pickup");
  assert.equal(pick3?.disabled, undefined, "exempt with 3 players");
});

Deno.test("contextActions(): 'Deliver' only when the backpack holds something; a throw-away per item, with ingredient ids", () => {
  let s = edit(started({ players: 1, difficulty: 2 }), (d) => {
    d.timeline = [];
    trySpawnOrder(d, [], 0);
    d.orders[0].stage = "waiting";
  });
  s = onTile(s, "p0", s.town.houses[s.orders[0].houseId].door);
  assert.ok(!contextActions(s, "p0").some((a) => a.id === "deliver"));
  s = edit(s, (d) => {
    player(d, "p0").backpack.push(
      { mask: 1, heat: 0, burned: false },
      { mask: 4, heat: 0, burned: false },
    );
  });
  const actions = contextActions(s, "p0");
  const deliver = actions.find((a) => a.id === "deliver");
  assert.ok(deliver);
  assert.ok(deliver.ingredients?.includes("dough"));
  assert.deepEqual(
    actions.filter((a) => a.id.startsWith("discard:")).map((a) => [
      a.id,
      a.ingredients,
    ]),
    [["discard:0", ["dough"]], ["discard:1", ["cheese"]]],
  );
});

Deno.test("allergyExempt() says what the exemption allows (3 or fewer players / more)", () => {
  assert.equal(allergyExempt(0, 2), null);
  assert.equal(allergyExempt(0b00001, 2), "mixed");
  assert.equal(allergyExempt(0b00001, 3), "mixed");
  assert.equal(allergyExempt(0b10010, 4), "everything");
  assert.equal(allergyExempt(0b00111, 5), "everything");
  const s = edit(
    started({ players: 3, difficulty: 1 }),
    (d) => (player(d, "p0").allergyMask = 0b00100),
  );
  assert.equal(playerView(s, "p0")?.allergyExempt, "mixed");
  assert.deepEqual(playerView(s, "p0")?.allergies, ["cheese"]);
});

/** A state with p0 driving vehicle 0 at a road tile. */
function driving(tx: number, ty: number): GameState {
  return edit(started({ players: 2 }), (d) => {
    const c = tileCenterPx(tx, ty);
    const p = player(d, "p0");
    d.vehicles[0].x = c.x;
    d.vehicles[0].y = c.y;
    d.vehicles[0].driverId = "p0";
    p.vehicleId = 0;
    p.x = c.x;
    p.y = c.y;
  });
}

Deno.test("vehicles bump into each other: a driven car pushes a parked one, never passes through it", () => {
  // Ring road row 1: car 0 at x tile 3 drives right into car 1 parked at tile 5.
  let s = edit(driving(3, 1), (d) => {
    const c = tileCenterPx(5, 1);
    d.vehicles[1].x = c.x;
    d.vehicles[1].y = c.y;
  });
  const parkedX = s.vehicles[1].x;
  for (let i = 0; i < 10; i++) {
    s = step(s, [{ playerId: "p0", input: { type: "move", x: 1, y: 0 } }], 50)
      .state;
    const gap = Math.hypot(
      s.vehicles[1].x - s.vehicles[0].x,
      s.vehicles[1].y - s.vehicles[0].y,
    );
    assert.ok(gap >= 2 * VEHICLE_RADIUS_PX - 1e-6, `overlap: ${gap}`);
    assert.ok(s.vehicles[0].x < s.vehicles[1].x, "never passes through");
  }
  assert.ok(s.vehicles[1].x > parkedX, "the parked car was pushed");
  assert.equal(player(s, "p0").x, s.vehicles[0].x, "the driver rides along");
});

Deno.test("vehicles bump into players: a player in the way is pushed, not driven through", () => {
  let s = driving(3, 1);
  s = edit(s, (d) => {
    const c = tileCenterPx(5, 1);
    player(d, "p1").x = c.x;
    player(d, "p1").y = c.y;
  });
  const x1 = player(s, "p1").x;
  for (let i = 0; i < 10; i++) {
    s = step(s, [{ playerId: "p0", input: { type: "move", x: 1, y: 0 } }], 50)
      .state;
    const p = player(s, "p1");
    const gap = Math.hypot(p.x - s.vehicles[0].x, p.y - s.vehicles[0].y);
    assert.ok(
      gap >= VEHICLE_RADIUS_PX + PLAYER_RADIUS_PX - 1e-6,
      `overlap: ${gap}`,
    );
  }
  assert.ok(player(s, "p1").x > x1, "the player was pushed along");
});

Deno.test("vehicles bump into players: a player pinned against a wall stops the car", () => {
  // Ring road row 1, x tile 1 is the ring's corner; a tree on tile (0, 1) is the wall.
  let s = driving(4, 1);
  s = edit(s, (d) => {
    const tiles = [...d.town.tiles];
    tiles[tileIndex(0, 1)] = TileKind.Tree;
    d.town = { ...d.town, tiles };
    const c = tileCenterPx(1, 1);
    player(d, "p1").x = c.x - 5;
    player(d, "p1").y = c.y;
  });
  for (let i = 0; i < 20; i++) {
    s = step(s, [{ playerId: "p0", input: { type: "move", x: -1, y: 0 } }], 50)
      .state;
    const p = player(s, "p1");
    const gap = Math.hypot(p.x - s.vehicles[0].x, p.y - s.vehicles[0].y);
    assert.ok(
      gap >= VEHICLE_RADIUS_PX + PLAYER_RADIUS_PX - 1e-6,
      `overlap: ${gap}`,
    );
    assert.ok(s.vehicles[0].x > p.x, "the car never passes the player");
  }
  const pinned = player(s, "p1").x;
  assert.ok(
    pinned >= tileCenterPx(1, 1).x - 16,
    "the player stays on the road",
  );
});
