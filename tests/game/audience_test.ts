import assert from "node:assert/strict";
import fc from "fast-check";
import { keepsTownWhole, roadWorksTiles } from "../../src/game/audience.ts";
import {
  DRIVE_SPEED_PX_PER_S,
  EVENT_LENGTH_MS,
  FREE_DELIVERY_EXTRA_MS,
  ORDER_INTERVAL_MAX_MS,
  ORDER_INTERVAL_MIN_MS,
  VOTE_EVERY_MS,
  VOTE_OPEN_MS,
  WALK_SPEED_PX_PER_S,
} from "../../src/game/constants.ts";
import {
  closeAudienceVote,
  openTownVote,
  restartGame,
  startAudienceEvent,
  step,
} from "../../src/game/engine.ts";
import { newItem } from "../../src/game/items.ts";
import { basePay } from "../../src/game/orders.ts";
import { tileAt, tileIndex, TileKind } from "../../src/game/tiles.ts";
import type { GameState } from "../../src/game/types.ts";
import { parseSavedGame, savedGameOf } from "../../src/host/saved_game.ts";
import { edit, onTile, player, started } from "./_util.ts";

/**
 * Runs round time in 250 ms steps until `pred` holds (at most `maxMs`); an
 * idle team's strikes are forgiven so the round lasts.
 */
function runUntil(
  state: GameState,
  pred: (s: GameState) => boolean,
  maxMs = 400_000,
): GameState {
  let s = state;
  for (let t = 0; t < maxMs && !pred(s); t += 250) {
    s = step(s, [], 250).state;
    if (s.strikes > 0 && s.phase === "playing") {
      s = edit(s, (d) => {
        d.strikes = 0;
      });
    }
  }
  assert.ok(pred(s), "condition never reached");
  return s;
}

function votedFor(option: number, promptId: number) {
  const counts = [0, 0, 0];
  counts[option] = 5;
  return {
    promptId,
    counts,
    reached: [-1, -1, -1].map((r, i) => i === option ? 9 : r),
  };
}

Deno.test("step() opens an event vote of three different events every 60 s of round time, the same for the same seed", () => {
  const a = runUntil(started({ seed: 11 }), (s) => s.audience.prompt !== null);
  const b = runUntil(started({ seed: 11 }), (s) => s.audience.prompt !== null);
  const prompt = a.audience.prompt!;
  assert.ok(a.clockMs >= VOTE_EVERY_MS && a.clockMs < VOTE_EVERY_MS + 250);
  assert.equal(prompt.about, "event");
  assert.equal(new Set(prompt.options).size, 3);
  assert.deepEqual(b.audience.prompt, prompt);
  assert.equal(prompt.closesMs, prompt.openedMs + VOTE_OPEN_MS);
  // Closed with nobody voting: no event, and the next vote a minute later.
  const quiet = closeAudienceVote(a, {
    promptId: prompt.id,
    counts: [0, 0, 0],
    reached: [-1, -1, -1],
  });
  assert.equal(quiet.state.audience.event, null);
  assert.ok(
    quiet.events.some((e) => e.type === "world" && e.name === "vote_closed"),
  );
  const next = runUntil(quiet.state, (s) => s.audience.prompt !== null);
  assert.ok(next.clockMs >= 2 * VOTE_EVERY_MS);
  assert.equal(next.audience.prompt!.id, prompt.id + 1);
});

Deno.test("closeAudienceVote() starts the winner for a minute, tells every phone, and refuses another prompt's tally", () => {
  const s = runUntil(
    started({ seed: 4, players: 3 }),
    (x) => x.audience.prompt !== null,
  );
  const prompt = s.audience.prompt!;
  assert.equal(
    closeAudienceVote(s, votedFor(1, prompt.id + 1)).error,
    "no_vote",
  );
  const r = closeAudienceVote(s, votedFor(1, prompt.id));
  assert.equal(r.error, undefined);
  const e = r.state.audience.event!;
  assert.equal(e.kind, prompt.options[1]);
  assert.equal(e.endsMs, s.clockMs + EVENT_LENGTH_MS);
  assert.equal(r.state.audience.prompt, null);
  for (const p of r.state.players) {
    assert.ok(
      r.events.some((x) => x.type === "feedback" && x.playerId === p.id),
    );
  }
  assert.equal(
    closeAudienceVote(r.state, votedFor(1, prompt.id)).error,
    "no_vote",
  );
  const over = runUntil(r.state, (x) => x.audience.event === null);
  assert.ok(over.clockMs >= e.endsMs);
});

Deno.test("an audience game is replayable: the same inputs give the same states", () => {
  const play = () => {
    let s = started({ seed: 21, players: 2 });
    for (let i = 0; i < 3; i++) {
      s = runUntil(s, (x) => x.audience.prompt !== null);
      s = runUntil(s, (x) => x.clockMs >= x.audience.prompt!.closesMs);
      s = closeAudienceVote(s, votedFor(i % 3, s.audience.prompt!.id)).state;
    }
    return s;
  };
  const a = play();
  const b = play();
  assert.deepEqual(a, b);
});

Deno.test("Rush hour: order attempts come twice as often, and no more orders than the team can carry", () => {
  let s =
    startAudienceEvent(started({ seed: 3, players: 2 }), "rush_hour").state;
  const gaps: number[] = [];
  let last = -1;
  for (let t = 0; t < 50_000; t += 100) {
    s = step(s, [], 100).state;
    const next = s.timeline.find((e) => e.kind === "spawn_order")!;
    if (next.atMs !== last) {
      if (last >= 0) gaps.push(next.atMs - last);
      last = next.atMs;
    }
    assert.ok(s.orders.length <= s.players.length + 1);
  }
  assert.ok(gaps.length > 10);
  for (const g of gaps) {
    assert.ok(
      g >= ORDER_INTERVAL_MIN_MS / 2 && g <= ORDER_INTERVAL_MAX_MS / 2,
      `gap ${g}`,
    );
  }
});

Deno.test("Generous tips: the tip of a delivery is doubled", () => {
  const base = runUntil(
    started({ seed: 5, players: 1 }),
    (s) => s.orders.length > 0,
  );
  const order = base.orders[0];
  const house = base.town.houses[order.houseId];
  const ready = edit(onTile(base, "p0", house.door), (d) => {
    d.orders[0].stage = "waiting";
    player(d, "p0").backpack = [{ ...newItem(order.mask), heat: 1 }];
    d.orders[0].needsBaking = false;
  });
  const pay = (s: GameState) => {
    const r = step(s, [{
      playerId: "p0",
      input: { type: "action", id: "deliver" },
    }], 0);
    return r.state.money - s.money;
  };
  // The same tip draw t: base + t without the event, base + 2t with it.
  const plain = pay(ready);
  const tipped = pay(startAudienceEvent(ready, "generous_tips").state);
  const pizza = basePay(order.mask);
  const t = plain - pizza;
  assert.ok(t > 0, "this seed draws a tip");
  assert.equal(tipped, pizza + 2 * t);
});

Deno.test("Rain: walkers move at 75 % speed, drivers at full speed", () => {
  const s = started({ seed: 6, players: 1 });
  const walk = (st: GameState) => {
    const p0 = player(st, "p0");
    const after =
      step(st, [{ playerId: "p0", input: { type: "move", x: 0, y: 0 } }], 0)
        .state;
    let moved = after;
    let dist = 0;
    for (const [x, y] of [[1, 0], [-1, 0], [0, 1], [0, -1]]) {
      const r =
        step(after, [{ playerId: "p0", input: { type: "move", x, y } }], 100)
          .state;
      const q = player(r, "p0");
      const d = Math.hypot(q.x - p0.x, q.y - p0.y);
      if (d > dist) {
        dist = d;
        moved = r;
      }
    }
    assert.ok(moved);
    return dist;
  };
  const dry = walk(s);
  const wet = walk(startAudienceEvent(s, "rain").state);
  assert.ok(Math.abs(dry - WALK_SPEED_PX_PER_S * 0.1) < 1e-6, `dry ${dry}`);
  assert.ok(
    Math.abs(wet - WALK_SPEED_PX_PER_S * 0.1 * 0.75) < 1e-6,
    `wet ${wet}`,
  );
  // A driver in the rain: full driving speed.
  const car = s.vehicles[0];
  const driving = startAudienceEvent(
    edit(s, (d) => {
      const p = player(d, "p0");
      p.x = car.x;
      p.y = car.y;
      p.vehicleId = car.id;
      d.vehicles[car.id].driverId = "p0";
    }),
    "rain",
  ).state;
  let best = 0;
  for (const [x, y] of [[1, 0], [-1, 0], [0, 1], [0, -1]]) {
    const r =
      step(driving, [{ playerId: "p0", input: { type: "move", x, y } }], 100)
        .state;
    best = Math.max(
      best,
      Math.hypot(r.vehicles[car.id].x - car.x, r.vehicles[car.id].y - car.y),
    );
  }
  assert.ok(
    Math.abs(best - DRIVE_SPEED_PX_PER_S * 0.1) < 1e-6,
    `driven ${best}`,
  );
});

Deno.test("Road works: two road tiles close for a minute, never cutting anything off, and reopen", () => {
  const s = started({ seed: 8, players: 4 });
  const r = startAudienceEvent(s, "road_works", 3).state;
  const closed = r.audience.event!.closedTiles;
  assert.equal(closed.length, 2);
  for (const i of closed) {
    assert.equal(s.town.tiles[i], TileKind.Road);
    assert.equal(r.town.tiles[i], TileKind.RoadWorks);
  }
  assert.equal(s.town.tiles.filter((k) => k === TileKind.RoadWorks).length, 0);
  const over = runUntil(r, (x) => x.audience.event === null);
  for (const i of closed) assert.equal(over.town.tiles[i], TileKind.Road);
  // A save in the middle of road works comes back with the street closed.
  const back = parseSavedGame(
    JSON.stringify(savedGameOf(r, "ABCD", 0)),
    "ABCD",
  );
  assert.ok(back);
  assert.deepEqual(back.state.town.tiles, r.town.tiles);
});

Deno.test("Road works never closes a door, a tile under a player or car, or a street that cuts off a place (property)", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 1e6 }),
      fc.integer({ min: 0, max: 50 }),
      (seed, salt) => {
        const s = started({ seed, players: 3 });
        const seg = roadWorksTiles(s, salt);
        if (seg.length === 0) return;
        const doors = [...s.town.stores, ...s.town.houses].map((b) =>
          tileIndex(b.door.tx, b.door.ty)
        );
        const under = [...s.players, ...s.vehicles].map((p) =>
          tileIndex(Math.floor(p.x / 32), Math.floor(p.y / 32))
        );
        for (const i of seg) {
          assert.ok(!doors.includes(i));
          assert.ok(!under.includes(i));
          assert.equal(s.town.tiles[i], TileKind.Road);
        }
        assert.ok(keepsTownWhole(s, seg));
      },
    ),
    { numRuns: 40 },
  );
  // Closing a house's door tile would cut the house off: refused.
  const s = started({ seed: 8 });
  const door = s.town.houses[0].door;
  assert.equal(tileAt(s.town.tiles, door.tx, door.ty), TileKind.Road);
  assert.equal(keepsTownWhole(s, [tileIndex(door.tx, door.ty)]), false);
});

Deno.test("Free delivery: the oldest open order gets 30 s more, and does not fail at its old deadline", () => {
  const s = runUntil(
    started({ seed: 9, players: 2 }),
    (x) => x.orders.length > 0,
  );
  const oldest = s.orders[0];
  const r = startAudienceEvent(s, "free_delivery").state;
  const after = r.orders.find((o) => o.id === oldest.id)!;
  assert.equal(after.deadlineMs, oldest.deadlineMs + FREE_DELIVERY_EXTRA_MS);
  assert.ok(
    r.timeline.some((e) =>
      e.kind === "deadline" && e.orderId === oldest.id &&
      e.atMs === after.deadlineMs
    ),
  );
  assert.ok(
    !r.timeline.some((e) =>
      e.kind === "deadline" && e.orderId === oldest.id &&
      e.atMs === oldest.deadlineMs
    ),
  );
  const past = runUntil(r, (x) => x.clockMs > oldest.deadlineMs + 1000);
  assert.ok(past.orders.some((o) => o.id === oldest.id));
});

Deno.test("openTownVote() asks for the next town's flavour at game over, and restartGame() builds that flavour", () => {
  let s = started({ seed: 12, players: 1, roundLengthMs: 5_000 });
  assert.equal(openTownVote(s).error, "wrong_phase");
  s = runUntil(s, (x) => x.phase === "over");
  const r = openTownVote(s);
  assert.equal(r.error, undefined);
  const prompt = r.state.audience.prompt!;
  assert.equal(prompt.about, "flavour");
  assert.equal(openTownVote(r.state).error, "vote_open");
  const spread = prompt.options.indexOf("spread");
  const voted = closeAudienceVote(r.state, votedFor(spread, prompt.id)).state;
  assert.equal(voted.audience.nextTownFlavour, "spread");
  const next = restartGame(voted).state;
  assert.equal(next.town.flavour, "spread");
  assert.equal(next.audience.townFlavour, "spread");
  assert.equal(next.phase, "playing");
});

Deno.test("the round ending drops an open event vote, so the town vote can open", () => {
  let s = started({ seed: 12, players: 1, roundLengthMs: 80_000 });
  s = runUntil(s, (x) => x.audience.prompt !== null);
  s = runUntil(s, (x) => x.phase === "over");
  assert.equal(s.audience.prompt, null);
  assert.equal(openTownVote(s).error, undefined);
});
