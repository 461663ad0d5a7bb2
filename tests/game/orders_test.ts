import assert from "node:assert/strict";
import {
  basePay,
  deliveryTimeMs,
  trySpawnOrder,
  whyNoMatch,
} from "../../src/game/orders.ts";
import {
  cancelDeadlines,
  isSorted,
  schedule,
} from "../../src/game/timeline.ts";
import {
  disconnectPlayer,
  reconnectPlayer,
  step,
} from "../../src/game/engine.ts";
import { playerView } from "../../src/game/view.ts";
import { BAKED_HEAT } from "../../src/game/constants.ts";
import type { Difficulty } from "../../src/game/difficulty.ts";
import type { GameState, Order } from "../../src/game/types.ts";
import type { Item } from "../../src/game/items.ts";
import { act, edit, onTile, player, started, texts, wait } from "./_util.ts";

/** A round with no automatic orders and one order of `mask` at house 0. */
function withOrder(
  difficulty: Difficulty,
  mask: number,
  players = 2,
): { state: GameState; order: Order } {
  let order: Order | null = null;
  const state = edit(started({ players, difficulty }), (d) => {
    d.timeline = d.timeline.filter((e) => e.kind !== "spawn_order");
    const o = trySpawnOrder(d, [], d.clockMs);
    if (!o) throw new Error("no order");
    o.mask = mask;
    o.houseId = 0;
    if (o.stage === "waiting") {
      o.deadlineMs = d.clockMs + deliveryTimeMs(mask, o.needsBaking);
    }
    cancelDeadlines(d, o.id);
    schedule(d, o.deadlineMs, "deadline", o.id);
    order = o;
  });
  if (!order) throw new Error("no order");
  return { state, order };
}

function give(state: GameState, id: string, ...items: Item[]): GameState {
  return edit(state, (d) => player(d, id).backpack.push(...items));
}

const cold = (mask: number): Item => ({ mask, heat: 0, burned: false });
const baked = (mask: number): Item => ({ mask, heat: 0.8, burned: false });

Deno.test("orders open every 2-4 s while fewer than the players (one extra at most)", () => {
  let s = started({ players: 3, difficulty: 0, roundLengthMs: 600_000 });
  const placedAt: number[] = [];
  let max = 0;
  for (let t = 0; t < 120_000; t += 100) {
    const r = step(s, [], 100);
    s = r.state;
    for (const e of r.events) {
      if (e.type === "world" && e.name === "order_placed") {
        placedAt.push(s.clockMs);
      }
    }
    max = Math.max(max, s.orders.length);
    assert.ok(isSorted(s.timeline));
  }
  assert.ok(max >= 3 && max <= 4, `max open ${max}`);
  assert.ok(placedAt[0] <= 2_100);
  // While below the cap, consecutive orders come 2-4 s apart.
  assert.ok(
    placedAt[1] - placedAt[0] >= 2_000 && placedAt[1] - placedAt[0] <= 4_100,
  );
});

Deno.test("Amateur orders are one ingredient and taken automatically; Cook adds dough + toppings", () => {
  for (let seed = 1; seed < 30; seed++) {
    const a = edit(
      started({ seed, difficulty: 0 }),
      (d) => trySpawnOrder(d, [], 0),
    );
    const o = a.orders[0];
    assert.equal(o.stage, "waiting");
    assert.equal(o.needsBaking, false);
    assert.equal([1, 2, 4, 8, 16].includes(o.mask), true);
    const c = edit(
      started({ seed, difficulty: 1 }),
      (d) => trySpawnOrder(d, [], 0),
    );
    assert.equal(c.orders[0].mask & 1, 1, "dough in every combined order");
    assert.equal(c.orders[0].stage, "waiting");
    const chef = edit(
      started({ seed, difficulty: 2 }),
      (d) => trySpawnOrder(d, [], 0),
    );
    assert.equal(chef.orders[0].stage, "ordering");
    assert.equal(chef.orders[0].needsBaking, true);
  }
});

Deno.test("deadlines: 30 + 15 s to take; ingredients x 20 s (+30 s baking) + 30 s to deliver", () => {
  assert.equal(deliveryTimeMs(1, false), 50_000);
  assert.equal(deliveryTimeMs(0b111, true), 120_000);
  const { state, order } = withOrder(2, 0b11);
  assert.equal(order.deadlineMs - order.startedMs, 45_000);
  assert.equal(order.warningMs, 15_000);
  let s = wait(state, 44_900).state;
  assert.equal(s.orders.length, 1);
  assert.equal(s.strikes, 0);
  s = wait(s, 200).state;
  assert.equal(s.orders.length, 0);
  assert.equal(s.strikes, 1);
});

Deno.test("take_order at the door (Chef) shows the pizza and restarts the deadline", () => {
  const { state, order } = withOrder(2, 0b101);
  let s = wait(state, 10_000).state;
  s = onTile(s, "p0", s.town.houses[0].door);
  assert.ok(playerView(s, "p0")?.actions.some((a) => a.id === "take_order"));
  const r = act(s, "p0", "take_order");
  const o = r.state.orders.find((x) => x.id === order.id);
  assert.equal(o?.stage, "waiting");
  assert.equal(o?.takenBy, "p0");
  assert.equal(o?.deadlineMs, 10_000 + deliveryTimeMs(0b101, true));
  assert.deepEqual(texts(r.events, "p0"), [
    "Order taken: baked dough + cheese",
  ]);
  // The old take deadline no longer fires.
  const later = wait(r.state, 40_000).state;
  assert.equal(later.strikes, 0);
});

Deno.test("several players at one door can all use it (regression: one player per door)", () => {
  const { state } = withOrder(2, 0b1);
  const door = state.town.houses[0].door;
  let s = onTile(onTile(state, "p0", door), "p1", door);
  s = step(s, [], 100).state; // they push each other apart a little
  assert.ok(playerView(s, "p0")?.actions.some((a) => a.id === "take_order"));
  assert.ok(playerView(s, "p1")?.actions.some((a) => a.id === "take_order"));
  s = act(s, "p0", "take_order").state;
  s = give(s, "p1", baked(0b1));
  const r = act(s, "p1", "deliver");
  assert.equal(r.state.delivered, 1);
});

Deno.test("deliver pays 5 per ingredient + 5 + a tip of 0-14 and clears the order", () => {
  assert.equal(basePay(0b111), 20);
  for (let seed = 1; seed <= 20; seed++) {
    const { state } = withOrder(1, 0b111);
    let s = edit(state, (d) => (d.rng = seed));
    s = give(onTile(s, "p0", s.town.houses[0].door), "p0", cold(0b111));
    const before = s.money;
    const r = act(s, "p0", "deliver");
    const pay = r.state.money - before;
    assert.ok(pay >= 20 && pay <= 34, `pay ${pay}`);
    assert.equal(r.state.orders.length, 0);
    assert.equal(r.state.timeline.some((e) => e.kind === "deadline"), false);
    assert.deepEqual(texts(r.events, "p0"), [`Delivered! +${pay}`]);
  }
});

Deno.test("deliver uses ANY matching item: a baked copy after an unbaked one (regression)", () => {
  const { state } = withOrder(2, 0b11);
  let s = onTile(state, "p0", state.town.houses[0].door);
  s = act(s, "p0", "take_order").state;
  s = give(s, "p0", cold(0b11), baked(0b11));
  const r = act(s, "p0", "deliver");
  assert.equal(r.state.delivered, 1);
  assert.deepEqual(player(r.state, "p0").backpack, [cold(0b11)]);
});

Deno.test("deliver explains why nothing matched", () => {
  const order = withOrder(2, 0b11).order;
  assert.deepEqual(whyNoMatch([], order), { key: "why.not_here" });
  assert.deepEqual(whyNoMatch([cold(0b11)], order), {
    key: "why.needs_baking",
  });
  assert.deepEqual(whyNoMatch([baked(0b111)], order), {
    key: "why.wrong_toppings",
  });
  assert.deepEqual(
    whyNoMatch([{ mask: 0b11, heat: 1, burned: true }], order),
    { key: "why.burned" },
  );
  const { state } = withOrder(2, 0b11);
  let s = onTile(state, "p0", state.town.houses[0].door);
  s = act(s, "p0", "take_order").state;
  s = give(s, "p0", cold(0b11), { mask: 0b11, heat: 1, burned: true });
  const r = act(s, "p0", "deliver");
  assert.equal(r.state.delivered, 0);
  assert.deepEqual(texts(r.events, "p0"), ["Needs baking!"]);
  assert.ok(BAKED_HEAT > 0.7);
});

Deno.test("three failed orders lose the game", () => {
  let s = started({ players: 1, difficulty: 0 });
  s = edit(s, (d) => (d.strikes = 2));
  s = edit(s, (d) => {
    d.timeline = d.timeline.filter((e) => e.kind !== "spawn_order");
    trySpawnOrder(d, [], d.clockMs);
  });
  const r = wait(s, 60_000);
  assert.equal(r.state.phase, "over");
  assert.deepEqual(r.state.outcome?.reason, "strikes");
  assert.equal(r.state.outcome?.won, false);
  assert.ok(r.events.some((e) => e.type === "world" && e.name === "game_lost"));
});

Deno.test("Master Chef: a failed order costs 10-19 coins, double if taken; below 0 loses", () => {
  const untaken = withOrder(3, 0b1);
  const m0 = untaken.state.money;
  const a = wait(untaken.state, 45_100).state;
  assert.ok(
    m0 - a.money >= 10 && m0 - a.money <= 19,
    `penalty ${m0 - a.money}`,
  );
  const taken = withOrder(3, 0b1);
  let s = onTile(taken.state, "p0", taken.state.town.houses[0].door);
  s = act(s, "p0", "take_order").state;
  const m1 = s.money;
  s = wait(s, deliveryTimeMs(0b1, true) + 100).state;
  const penalty = m1 - s.money;
  assert.ok(
    penalty >= 20 && penalty <= 38 && penalty % 2 === 0,
    `penalty ${penalty}`,
  );
  const poor = edit(withOrder(3, 0b1).state, (d) => (d.money = 5));
  const broke = wait(poor, 45_100).state;
  assert.equal(broke.phase, "over");
  assert.equal(broke.outcome?.reason, "bankrupt");
  // No penalty below Master Chef.
  const chef = withOrder(2, 0b1);
  assert.equal(wait(chef.state, 45_100).state.money, chef.state.money);
});

Deno.test("deadlines and the round timer stand still while paused (regression)", () => {
  const { state } = withOrder(2, 0b1);
  let s = disconnectPlayer(state, "p1").state;
  const clock = s.clockMs;
  s = wait(s, 120_000).state;
  assert.equal(s.clockMs, clock);
  assert.equal(s.orders.length, 1);
  assert.equal(s.strikes, 0);
  s = reconnectPlayer(s, "p1").state;
  s = wait(s, 45_100).state;
  assert.equal(s.strikes, 1);
});

Deno.test("automatic orders (Amateur) leave every phone's panel alone (regression)", () => {
  let s = started({ players: 2, difficulty: 0 });
  s = onTile(s, "p0", s.town.stores[0].door);
  const before = playerView(s, "p0");
  let placed = 0;
  for (let t = 0; t < 10_000; t += 100) {
    const r = step(s, [], 100);
    s = r.state;
    if (r.events.some((e) => e.type === "world" && e.name === "order_placed")) {
      placed++;
      assert.deepEqual(r.events.filter((e) => e.type === "feedback"), []);
      assert.deepEqual(playerView(s, "p0")?.actions, before?.actions);
      assert.deepEqual(playerView(s, "p0")?.backpack, before?.backpack);
    }
  }
  assert.ok(placed >= 2);
});
