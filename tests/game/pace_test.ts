import assert from "node:assert/strict";
import { ingredientCount } from "../../src/game/items.ts";
import { deliveryTimeMs, trySpawnOrder } from "../../src/game/orders.ts";
import {
  BIG_ORDER_INGREDIENTS,
  orderSizeCap,
  RAMP_ORDERS_PER_STEP,
  SMALL_TEAM_BIG_ORDERS,
  SMALL_TEAM_EXTRA_MS,
  smallTeamPace,
} from "../../src/game/pace.ts";
import type { GameState, Order } from "../../src/game/types.ts";
import { edit, started } from "./_util.ts";

/**
 * Places `count` orders one after another; before each, `settle` may take
 * open orders away (as deliveries would). Returns every order placed.
 */
function placeOrders(
  state: GameState,
  count: number,
  settle: (d: GameState, i: number) => void = (d) => {
    d.orders = [];
  },
): { orders: Order[]; openBig: number[] } {
  const orders: Order[] = [];
  const openBig: number[] = [];
  edit(state, (d) => {
    d.timeline = [];
    for (let i = 0; orders.length < count && i < 10 * count; i++) {
      settle(d, i);
      const o = trySpawnOrder(d, [], d.clockMs);
      if (o) orders.push(structuredClone(o));
      openBig.push(
        d.orders.filter((q) => ingredientCount(q.mask) >= BIG_ORDER_INGREDIENTS)
          .length,
      );
    }
  });
  return { orders, openBig };
}

Deno.test("smallTeamPace(): Cook with 1 to 3 players only", () => {
  for (const players of [1, 2, 3]) {
    assert.equal(smallTeamPace(started({ players, difficulty: 1 })), true);
  }
  assert.equal(smallTeamPace(started({ players: 4, difficulty: 1 })), false);
  for (const difficulty of [0, 2, 3] as const) {
    assert.equal(smallTeamPace(started({ players: 2, difficulty })), false);
  }
});

Deno.test("a small team at Cook: the first orders are plain dough, then each pair may hold one more ingredient", () => {
  for (let seed = 1; seed <= 40; seed++) {
    for (const players of [2, 3]) {
      const s = started({ seed, players, difficulty: 1 });
      const { orders } = placeOrders(s, 12);
      assert.equal(orders.length, 12);
      orders.forEach((o, i) => {
        const cap = 1 + Math.floor(i / RAMP_ORDERS_PER_STEP);
        assert.ok(o.mask & 1, "dough in every order");
        assert.ok(
          ingredientCount(o.mask) <= cap,
          `seed ${seed}, ${players} players, order ${i}: ${o.mask}`,
        );
      });
      assert.equal(orders[0].mask, 1, "the first order is plain dough");
    }
  }
});

Deno.test("the ramp still reaches big orders: some order of 4+ ingredients within the first 12 over 40 seeds", () => {
  let big = 0;
  for (let seed = 1; seed <= 40; seed++) {
    const { orders } = placeOrders(started({ seed, difficulty: 1 }), 12);
    if (orders.some((o) => ingredientCount(o.mask) >= 4)) big++;
  }
  assert.ok(big >= 20, `${big} of 40 rounds`);
});

Deno.test("a small team at Cook never has more than one order of 3+ ingredients open", () => {
  for (let seed = 1; seed <= 40; seed++) {
    const s = edit(started({ seed, players: 3, difficulty: 1 }), (d) => {
      d.nextOrderId = 100; // past the ramp
    });
    // Orders stay open; now and then the oldest is delivered.
    const { orders, openBig } = placeOrders(s, 30, (d, i) => {
      if (i % 2 === 0 || d.orders.length > 3) d.orders.shift();
    });
    assert.ok(orders.length >= 20);
    assert.ok(
      openBig.every((n) => n <= SMALL_TEAM_BIG_ORDERS),
      `seed ${seed}: ${openBig.join(",")}`,
    );
    assert.ok(orders.some((o) => ingredientCount(o.mask) >= 3));
    assert.equal(orderSizeCap(edit(s, (d) => (d.orders = []))), 5);
  }
});

Deno.test("a small team at Cook gets more time to deliver and no order beyond one per player", () => {
  for (let seed = 1; seed <= 20; seed++) {
    const s = started({ seed, players: 2, difficulty: 1 });
    const { orders } = placeOrders(s, 6);
    for (const o of orders) {
      assert.equal(
        o.deadlineMs - o.startedMs,
        deliveryTimeMs(o.mask, false) + SMALL_TEAM_EXTRA_MS,
      );
    }
    // Two open orders for two players: never a third.
    const full = placeOrders(s, 2, () => {}).orders;
    assert.equal(full.length, 2);
    edit(s, (d) => {
      d.timeline = [];
      for (let i = 0; i < 50; i++) trySpawnOrder(d, [], 0);
      assert.equal(d.orders.length, 2);
    });
  }
});

Deno.test("4 players at Cook and 2 at Chef keep the original's pace: no ramp, no extra time", () => {
  let bigFirst = 0;
  for (let seed = 1; seed <= 40; seed++) {
    for (const [players, difficulty] of [[4, 1], [2, 2]] as const) {
      const s = started({ seed, players, difficulty });
      const { orders } = placeOrders(s, 2);
      const first = orders[0];
      if (ingredientCount(first.mask) >= 3) bigFirst++;
      if (difficulty === 1) {
        assert.equal(
          first.deadlineMs - first.startedMs,
          deliveryTimeMs(first.mask, false),
        );
      }
    }
  }
  assert.ok(bigFirst >= 20, `big first orders: ${bigFirst} of 80`);
});

Deno.test("the small-team pace is deterministic: the same seed places the same orders", () => {
  const a = placeOrders(started({ seed: 9, difficulty: 1 }), 12).orders;
  const b = placeOrders(started({ seed: 9, difficulty: 1 }), 12).orders;
  assert.deepEqual(a, b);
});
