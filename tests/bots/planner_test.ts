import assert from "node:assert/strict";
import { botCommands, createBotTeam } from "../../src/bots/bot.ts";
import { createPathCache } from "../../src/bots/pathfinding.ts";
import { botMemory, planTeam } from "../../src/bots/planner.ts";
import { CHEF, COOK, MASTER_CHEF } from "../../src/game/difficulty.ts";
import { step } from "../../src/game/engine.ts";
import { allergyBlock } from "../../src/game/players.ts";
import type { Order } from "../../src/game/types.ts";
import { atStation, edit, started } from "../game/_util.ts";

Deno.test("planTeam() is pure and never plans to buy or pick up what an allergy forbids", () => {
  let state = started({ players: 4, difficulty: COOK, seed: 4 });
  assert.ok(state.players.every((p) => p.allergyMask !== 0));
  const ids = state.players.map((p) => p.id);
  const team = createBotTeam(ids);
  const cache = createPathCache();
  let checked = 0;
  for (let i = 0; state.clockMs < 90_000 && state.phase === "playing"; i++) {
    if (i % 10 === 0) {
      const memory = structuredClone(team.plan);
      const planned = planTeam(state, team.plan, cache);
      assert.deepEqual(team.plan, memory, "memory given is not changed");
      for (const [id, plan] of planned.plans) {
        const player = state.players.find((p) => p.id === id);
        assert.ok(player);
        const n = state.players.length;
        if (plan?.action === "buy" && plan.target?.kind === "store") {
          const store = state.town.stores[plan.target.id];
          const mask = 1 << store.ingredientIndex;
          assert.equal(allergyBlock(player, mask, n), null, `${id} buys`);
          checked++;
        }
        if (plan?.action === "pickup" && plan.target?.kind === "station") {
          const item = state.stations[plan.target.id].item;
          assert.ok(item);
          assert.equal(allergyBlock(player, item.mask, n), null, `${id} picks`);
          checked++;
        }
      }
    }
    state = step(state, botCommands(team, state), 16).state;
  }
  assert.ok(checked > 20, `checked ${checked} plans`);
});

Deno.test("planTeam() plans nothing for players who are not in the game", () => {
  const state = started({ players: 1, seed: 2 });
  const r = planTeam(
    state,
    { bots: [botMemory("p0"), botMemory("gone")] },
    createPathCache(),
  );
  assert.ok(r.plans.has("p0"));
  assert.ok(!r.plans.has("gone"));
});

/** An order for pizza `mask` at house `houseId`, already taken. */
function order(id: number, houseId: number, mask: number): Order {
  return {
    id,
    houseId,
    mask,
    needsBaking: false,
    stage: "waiting",
    startedMs: 0,
    deadlineMs: 100_000,
    warningMs: 80_000,
    takenBy: null,
  };
}

Deno.test("planTeam() hands a job to a free teammate who can buy all its lead cannot", () => {
  const DOUGH = 0b00001, TOMATO = 0b00010, CHEESE = 0b00100;
  const state = edit(
    started({ players: 2, difficulty: COOK, seed: 5 }),
    (s) => {
      s.players[0].allergyMask = DOUGH | CHEESE;
      s.players[1].allergyMask = TOMATO;
      s.orders = [order(1, 0, DOUGH | CHEESE)];
      s.money = 100;
    },
  );
  const memory = { bots: [botMemory("p0"), botMemory("p1")] };
  memory.bots[0].job = { orderId: 1, tableId: null, ovenId: null };
  const r = planTeam(state, memory, createPathCache());
  assert.equal(r.memory.bots[0].job, null);
  assert.equal(r.memory.bots[1].job?.orderId, 1);
  // The new lead goes to buy; it never hands the job back.
  const again = planTeam(state, r.memory, createPathCache());
  assert.equal(again.memory.bots[1].job?.orderId, 1);
  assert.equal(again.plans.get("p1")?.action, "buy");
});

Deno.test("planTeam() has bots who may not carry an order build it ahead on a table", () => {
  const DOUGH = 0b00001, TOMATO = 0b00010, CHEESE = 0b00100, SPICE = 0b01000;
  // 4 players: combined pizzas are not exempt, so p0 and p1 may not carry
  // dough + cheese, and p2 and p3 are busy with their own orders.
  const state = edit(
    started({ players: 4, difficulty: COOK, seed: 5 }),
    (s) => {
      s.players[0].allergyMask = CHEESE;
      s.players[1].allergyMask = DOUGH;
      s.players[2].allergyMask = SPICE;
      s.players[3].allergyMask = SPICE;
      s.orders = [
        order(1, 0, DOUGH | TOMATO),
        order(2, 1, DOUGH | TOMATO),
        order(3, 2, DOUGH | CHEESE),
      ];
      s.money = 100;
    },
  );
  const memory = { bots: ["p0", "p1", "p2", "p3"].map(botMemory) };
  memory.bots[2].job = { orderId: 1, tableId: null, ovenId: null };
  memory.bots[3].job = { orderId: 2, tableId: null, ovenId: null };
  const r = planTeam(state, memory, createPathCache());
  assert.equal(r.memory.preps?.length, 1);
  assert.equal(r.memory.preps?.[0].orderId, 3);
  const errands = r.memory.bots.slice(0, 2).map((b) => b.errand);
  assert.deepEqual(
    errands.map((e) => e && [e.orderId, 1 << e.ingredient]),
    [[3, DOUGH], [3, CHEESE]],
  );
  assert.equal(r.plans.get("p0")?.action, "buy");
  assert.equal(r.plans.get("p1")?.action, "buy");
});

/**
 * 4 players on `difficulty`: p0 leads order 1 (dough + tomato), baking in an
 * oven next to it; order 2 (dough + cheese) is built ahead on a table and
 * only p0 may carry it (p1 is allergic to dough, p2 and p3 to cheese).
 */
function bakingLead(difficulty: typeof CHEF) {
  const DOUGH = 0b00001, TOMATO = 0b00010, CHEESE = 0b00100;
  let ovens: number[] = [];
  let tableId = -1;
  let state = edit(
    started({ players: 4, difficulty, seed: 5 }),
    (s) => {
      ovens = s.town.stations.filter((x) => x.kind === "oven").map((x) => x.id);
      tableId = s.town.stations.find((x) => x.kind === "table")?.id ?? -1;
      s.players[0].allergyMask = 0b10000;
      s.players[1].allergyMask = DOUGH;
      s.players[2].allergyMask = CHEESE;
      s.players[3].allergyMask = CHEESE;
      s.orders = [
        { ...order(1, 0, DOUGH | TOMATO), needsBaking: true },
        { ...order(2, 1, DOUGH | CHEESE), needsBaking: true },
      ];
      s.stations[ovens[0]].item = {
        mask: DOUGH | TOMATO,
        heat: 0.3,
        burned: false,
      };
      s.stations[tableId].item = {
        mask: DOUGH | CHEESE,
        heat: 0,
        burned: false,
      };
      s.money = 100;
    },
  );
  state = atStation(state, "p0", ovens[0]);
  const memory = {
    bots: ["p0", "p1", "p2", "p3"].map(botMemory),
    preps: [{ orderId: 2, tableId }],
  };
  memory.bots[0].job = { orderId: 1, tableId: null, ovenId: ovens[0] };
  return { state, memory, tableId };
}

Deno.test("planTeam() has a lead waiting for its oven carry a pizza built ahead that only it may carry", () => {
  const { state, memory, tableId } = bakingLead(CHEF);
  const r = planTeam(state, memory, createPathCache());
  assert.deepEqual(r.memory.bots[0].side?.map((j) => j.orderId), [2]);
  assert.deepEqual(r.memory.preps, []);
  const plan = r.plans.get("p0");
  assert.equal(plan?.action, "pickup");
  assert.deepEqual(plan?.target, { kind: "station", id: tableId });
  // On Master Chef pizzas burn: the lead stays at its oven.
  const hard = bakingLead(MASTER_CHEF);
  const h = planTeam(hard.state, hard.memory, createPathCache());
  assert.deepEqual(h.memory.bots[0].side ?? [], []);
  assert.equal(h.plans.get("p0")?.action, null);
});

Deno.test("planTeam() keeps a lead at its oven when its deadline leaves no time for other work", () => {
  const { state, memory } = bakingLead(CHEF);
  // Another order waits to be taken at a door: a free moment's work.
  const withOrdering = (deadlineMs: number) =>
    edit(state, (s) => {
      s.orders = [
        { ...s.orders[0], deadlineMs: s.clockMs + deadlineMs },
        { ...order(3, 2, 0b00001), stage: "ordering", needsBaking: true },
      ];
    });
  const relaxed = planTeam(withOrdering(200_000), memory, createPathCache());
  assert.equal(relaxed.plans.get("p0")?.action, "take_order");
  const pressed = planTeam(withOrdering(40_000), memory, createPathCache());
  assert.equal(pressed.plans.get("p0")?.action, null);
  assert.equal(pressed.plans.get("p0")?.target?.kind, "station");
});

Deno.test("planTeam() has a bot bringing a topping wait where it is until the table has dough", () => {
  const DOUGH = 0b00001, TOMATO = 0b00010, CHEESE = 0b00100, SPICE = 0b01000;
  let tableId = -1;
  const setUp = (onTable: number) =>
    edit(started({ players: 4, difficulty: COOK, seed: 5 }), (s) => {
      tableId = s.town.stations.find((x) => x.kind === "table")?.id ?? -1;
      s.players.forEach((p) => p.allergyMask = 0b10000);
      s.players[1].allergyMask = TOMATO;
      s.players[1].backpack = [{ mask: CHEESE, heat: 0, burned: false }];
      s.orders = [order(1, 0, DOUGH | CHEESE | SPICE)];
      s.stations[tableId].item = { mask: onTable, heat: 0, burned: false };
      s.money = 100;
    });
  const memory = () => {
    const m = { bots: ["p0", "p1", "p2", "p3"].map(botMemory) };
    m.bots[0].job = { orderId: 1, tableId, ovenId: null };
    m.bots[1].errand = { orderId: 1, ingredient: 2 };
    return m;
  };
  const waiting = setUp(SPICE);
  const r = planTeam(waiting, memory(), createPathCache());
  assert.equal(r.memory.bots[1].errand?.ingredient, 2);
  assert.equal(r.plans.get("p1"), null);
  // Once the dough is on the table, the cheese goes on.
  const ready = setUp(DOUGH | SPICE);
  const go = planTeam(ready, memory(), createPathCache());
  assert.equal(go.plans.get("p1")?.action, "drop:0");
  assert.deepEqual(go.plans.get("p1")?.target, {
    kind: "station",
    id: tableId,
  });
});
