import assert from "node:assert/strict";
import { contextActions } from "../../src/game/actions.ts";
import { VEHICLE_RANGE_PX } from "../../src/game/constants.ts";
import { step } from "../../src/game/engine.ts";
import type { Item } from "../../src/game/items.ts";
import type { GameState } from "../../src/game/types.ts";
import {
  act,
  atStation,
  atStore,
  edit,
  english,
  lobby,
  player,
  started,
  stationId,
  texts,
} from "./_util.ts";

const item = (mask: number, heat = 0, burned = false): Item => ({
  mask,
  heat,
  burned,
});

function give(state: GameState, id: string, ...items: Item[]): GameState {
  return edit(state, (d) => player(d, id).backpack.push(...items));
}

function ids(state: GameState, id: string): string[] {
  return contextActions(state, id).map((a) => a.id);
}

Deno.test("buy at a store: 'Buy X for N', takes money, adds a cold item", () => {
  const s = atStore(started({ players: 1 }), "p0", 2);
  const store = s.town.stores.find((x) => x.ingredientIndex === 2)!;
  assert.deepEqual(contextActions(s, "p0")[0], {
    id: "buy",
    say: { key: "act.buy", ingredient: "cheese", price: store.price },
    ingredients: ["cheese"],
  });
  const r = act(s, "p0", "buy");
  assert.equal(r.state.money, s.money - store.price);
  assert.deepEqual(player(r.state, "p0").backpack, [item(4)]);
  assert.deepEqual(texts(r.events, "p0"), ["Bought cheese"]);
});

Deno.test("buy with too little money is refused with 'Not enough money!' on that phone", () => {
  const s = edit(
    atStore(started({ players: 2 }), "p0", 0),
    (d) => (d.money = 0),
  );
  const r = act(s, "p0", "buy");
  assert.equal(r.state.money, 0);
  assert.deepEqual(player(r.state, "p0").backpack, []);
  assert.deepEqual(texts(r.events, "p0"), ["Not enough money!"]);
  assert.deepEqual(texts(r.events, "p1"), []);
});

Deno.test("buy with a full backpack is refused BEFORE any money is taken (regression)", () => {
  let s = atStore(started({ players: 1 }), "p0", 0);
  s = give(s, "p0", item(2), item(4), item(8));
  const r = act(s, "p0", "buy");
  assert.equal(r.state.money, s.money);
  assert.equal(player(r.state, "p0").backpack.length, 3);
  assert.deepEqual(texts(r.events, "p0"), ["Backpack full!"]);
});

Deno.test("allergic players cannot buy or pick up what they are allergic to", () => {
  let s = atStore(started({ players: 4, difficulty: 1 }), "p0", 2);
  s = edit(s, (d) => (player(d, "p0").allergyMask = 4));
  const r = act(s, "p0", "buy");
  assert.deepEqual(texts(r.events, "p0"), ["You're allergic to cheese!"]);
  assert.equal(r.state.money, s.money);
  const table = stationId(s, "table");
  let t = edit(
    atStation(s, "p0", table),
    (d) => (d.stations[table].item = item(1 | 4)),
  );
  const r2 = act(t, "p0", "pickup");
  assert.deepEqual(texts(r2.events, "p0"), ["You're allergic to cheese!"]);
  t = edit(t, (d) => (d.stations[table].item = item(31)));
  assert.equal(
    player(act(t, "p0", "pickup").state, "p0").backpack.length,
    1,
    "full pizza exempt",
  );
});

Deno.test("table: put down, combine by union with the lower heat, pick up the whole item", () => {
  const table = stationId(started(), "table");
  let s = atStation(started({ players: 1 }), "p0", table);
  s = give(s, "p0", item(1, 0.9), item(2, 0.1));
  assert.deepEqual(ids(s, "p0"), [
    "drop:0",
    "drop:1",
    "discard:0",
    "discard:1",
  ]);
  s = act(s, "p0", "drop:0").state;
  assert.deepEqual(s.stations[table].item, item(1, 0.9));
  const r = act(s, "p0", "drop:0");
  assert.deepEqual(r.state.stations[table].item, item(3, 0.1));
  assert.deepEqual(texts(r.events, "p0"), ["Made dough + tomato"]);
  s = act(r.state, "p0", "pickup").state;
  assert.equal(s.stations[table].item, null);
  assert.deepEqual(player(s, "p0").backpack, [item(3, 0.1)]);
});

Deno.test("table: invalid combinations are refused with a message and nothing is lost", () => {
  const table = stationId(started(), "table");
  let s = atStation(started({ players: 1 }), "p0", table);
  s = edit(s, (d) => (d.stations[table].item = item(2)));
  s = give(s, "p0", item(4), item(2), item(1, 1, true));
  const r = act(s, "p0", "drop:0");
  assert.deepEqual(texts(r.events, "p0"), [
    "Toppings go on dough: put dough down first!",
  ]);
  assert.equal(player(r.state, "p0").backpack.length, 3);
  assert.deepEqual(r.state.stations[table].item, item(2));
  assert.deepEqual(texts(act(s, "p0", "drop:1").events, "p0"), [
    "It already has that!",
  ]);
  assert.deepEqual(texts(act(s, "p0", "drop:2").events, "p0"), [
    "That's burned: throw it away!",
  ]);
});

Deno.test("pickup with a full backpack is refused", () => {
  const table = stationId(started(), "table");
  let s = atStation(started({ players: 1 }), "p0", table);
  s = edit(s, (d) => (d.stations[table].item = item(1)));
  s = give(s, "p0", item(2), item(4), item(8));
  const r = act(s, "p0", "pickup");
  assert.deepEqual(texts(r.events, "p0"), ["Backpack full!"]);
  assert.deepEqual(r.state.stations[table].item, item(1));
});

Deno.test("oven: takes one item with dough; refuses lone toppings, burned items and a busy oven", () => {
  const oven = stationId(started(), "oven");
  let s = atStation(started({ players: 1 }), "p0", oven);
  s = give(s, "p0", item(2), item(1, 1, true), item(1 | 4));
  assert.equal(english(contextActions(s, "p0")[0].say), "Bake tomato");
  assert.deepEqual(texts(act(s, "p0", "drop:0").events, "p0"), [
    "Only pizzas with dough go in the oven!",
  ]);
  assert.deepEqual(texts(act(s, "p0", "drop:1").events, "p0"), [
    "That's burned: throw it away!",
  ]);
  s = act(s, "p0", "drop:2").state;
  assert.deepEqual(s.stations[oven].item, item(5));
  s = give(s, "p0", item(1));
  assert.deepEqual(texts(act(s, "p0", "drop:2").events, "p0"), [
    "The oven is busy!",
  ]);
});

Deno.test("discard throws an item away anywhere (burned items end here)", () => {
  const s = give(started({ players: 1 }), "p0", item(1, 1, true), item(2));
  const r = act(s, "p0", "discard:0");
  assert.deepEqual(player(r.state, "p0").backpack, [item(2)]);
  assert.deepEqual(texts(r.events, "p0"), ["Threw away burned dough"]);
});

Deno.test("vehicles: get in nearby, no other actions inside, get out where the car is", () => {
  let s = started({ players: 1 });
  const v = s.vehicles[0];
  s = edit(s, (d) => {
    player(d, "p0").x = v.x + 10;
    player(d, "p0").y = v.y;
  });
  assert.ok(ids(s, "p0").includes("enter_vehicle"));
  s = act(s, "p0", "enter_vehicle").state;
  assert.equal(player(s, "p0").vehicleId, v.id);
  assert.equal(s.vehicles[0].driverId, "p0");
  s = give(s, "p0", item(1));
  assert.deepEqual(ids(s, "p0"), ["leave_vehicle"]);
  const refused = act(s, "p0", "discard:0");
  assert.deepEqual(texts(refused.events, "p0"), ["You can't do that here."]);
  s = act(s, "p0", "leave_vehicle").state;
  assert.equal(player(s, "p0").vehicleId, null);
  assert.equal(s.vehicles[0].driverId, null);
  // Out beside the car: the car has weight, so the player is pushed clear of it.
  const p = player(s, "p0");
  const gap = Math.hypot(p.x - s.vehicles[0].x, p.y - s.vehicles[0].y);
  assert.ok(gap <= VEHICLE_RANGE_PX, `${gap} px from the car`);
});

Deno.test("bad, stale or malformed inputs are refused with feedback and never throw", () => {
  const s = started({ players: 2 });
  for (
    const id of [
      "buy",
      "drop:0",
      "drop:99",
      "discard:-1",
      "pickup",
      "",
      "start",
      "x".repeat(1000),
    ]
  ) {
    const r = act(s, "p0", id);
    assert.equal(r.state.money, s.money);
    assert.deepEqual(texts(r.events, "p0"), ["You can't do that here."]);
  }
  const junk = [
    null,
    42,
    { playerId: "p0" },
    { playerId: "p0", input: { type: "action", id: 5 } },
    { playerId: "p0", input: { type: "fly" } },
    { playerId: "nobody", input: { type: "action", id: "buy" } },
    { playerId: "p0", input: { type: "move", x: "a", y: {} } },
  ];
  // deno-lint-ignore no-explicit-any
  const r = step(s, junk as any, 16);
  assert.equal(r.state.phase, "playing");
  assert.ok(Number.isFinite(player(r.state, "p0").x));
  // deno-lint-ignore no-explicit-any
  assert.doesNotThrow(() => step(s, null as any, Number.NaN));
});

Deno.test("only the VIP gets start and difficulty in the lobby; they work", () => {
  let s = lobby({ players: 2 });
  assert.deepEqual(ids(s, "p0"), [
    "start",
    "difficulty:0",
    "difficulty:1",
    "difficulty:2",
    "difficulty:3",
  ]);
  assert.deepEqual(ids(s, "p1"), []);
  assert.deepEqual(texts(act(s, "p1", "start").events, "p1"), [
    "You can't do that here.",
  ]);
  s = act(s, "p0", "difficulty:2").state;
  assert.equal(s.difficulty, 2);
  assert.deepEqual(contextActions(s, "p0")[3].say, {
    key: "act.level",
    level: 2,
  });
  s = act(s, "p0", "start").state;
  assert.equal(s.phase, "playing");
  assert.equal(s.money, 25 + 5 * 2);
});

Deno.test("actions are refused while paused", () => {
  let s = atStore(started({ players: 2 }), "p0", 0);
  s = edit(s, (d) => {
    player(d, "p1").connected = false;
    d.paused = true;
  });
  assert.deepEqual(ids(s, "p0"), []);
  assert.deepEqual(texts(act(s, "p0", "buy").events, "p0"), [
    "You can't do that here.",
  ]);
});

Deno.test("contextActions() greys what the rules would refuse, with the same words the refusal says", () => {
  // a full backpack at a store and at a table's item
  let s = atStore(started({ players: 1 }), "p0", 0);
  s = give(s, "p0", item(2), item(4), item(8));
  const buy = contextActions(s, "p0").find((a) => a.id === "buy")!;
  assert.equal(english(buy.disabled), "Backpack full!");
  assert.deepEqual(texts(act(s, "p0", "buy").events, "p0"), [
    english(buy.disabled),
  ]);
  // too little money
  const poor = edit(
    atStore(started({ players: 1 }), "p0", 0),
    (d) => (d.money = 0),
  );
  assert.deepEqual(
    contextActions(poor, "p0").find((a) => a.id === "buy")!.disabled,
    { key: "why.money" },
  );
  // a topping onto a topping, a busy oven; dough onto a topping is fine
  const table = stationId(started(), "table");
  let t = atStation(started({ players: 1 }), "p0", table);
  t = edit(t, (d) => (d.stations[table].item = item(4)));
  t = give(t, "p0", item(2), item(1));
  const [onTopping, dough] = contextActions(t, "p0").filter((a) =>
    a.id.startsWith("drop:")
  );
  assert.equal(
    english(onTopping.disabled),
    "Toppings go on dough: put dough down first!",
  );
  assert.equal(dough.disabled, undefined);
  assert.deepEqual(texts(act(t, "p0", "drop:0").events, "p0"), [
    english(onTopping.disabled),
  ]);
  const oven = stationId(started(), "oven");
  let o = atStation(started({ players: 1 }), "p0", oven);
  o = edit(o, (d) => (d.stations[oven].item = item(1)));
  o = give(o, "p0", item(3));
  assert.equal(
    english(contextActions(o, "p0").find((a) => a.id === "drop:0")!.disabled),
    "The oven is busy!",
  );
});

Deno.test("contextActions() gives the VIP a button per level, by level (the phone says its name and what it adds)", () => {
  const levels = contextActions(lobby(), "p0").filter((a) =>
    a.id.startsWith("difficulty:")
  );
  assert.deepEqual(
    levels.map((a) => a.say),
    [0, 1, 2, 3].map((level) => ({
      key: "act.level",
      level,
    })),
  );
});
