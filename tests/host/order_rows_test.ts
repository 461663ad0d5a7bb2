import assert from "node:assert/strict";
import {
  createGame,
  type GameState,
  joinPlayer,
  type Order,
  startGame,
} from "../../src/game/mod.ts";
import { orderRows } from "../../src/host/order_rows.ts";

/** A round of 4 players with set allergies and the given open orders. */
function round(orders: Order[], allergies: number[]): GameState {
  let state = createGame({ seed: 3 });
  for (const name of ["Ann", "Bo", "Cy", "Di"]) {
    state = joinPlayer(state, { id: name.toLowerCase(), name }).state;
  }
  state = startGame(state).state;
  return {
    ...state,
    players: state.players.map((p, i) => ({
      ...p,
      allergyMask: allergies[i],
    })),
    orders,
  };
}

const order = (over: Partial<Order>): Order => ({
  id: 1,
  houseId: 2,
  mask: 0b00101,
  needsBaking: true,
  stage: "waiting",
  startedMs: 0,
  deadlineMs: 90_000,
  warningMs: 30_000,
  takenBy: "bo",
  ...over,
});

Deno.test("orderRows() lists a taken order's house label, ingredients, baking, time left, taker and carriers", () => {
  // dough + cheese; Ann is allergic to cheese, Cy to dough (4 players: no exemption)
  const state = round([order({})], [0b00100, 0b00010, 0b00001, 0b01000]);
  const [row] = orderRows({ ...state, clockMs: 70_500 });
  assert.equal(row.house, "3", "house id 2 is labelled 3, as on its bubble");
  assert.deepEqual(row.ingredients, ["dough", "cheese"]);
  assert.equal(row.needsBaking, true);
  assert.equal(row.stage, "waiting");
  assert.equal(row.secondsLeft, 20);
  assert.equal(row.hurry, true);
  assert.equal(row.takenBy, "Bo");
  assert.deepEqual(row.carriers.map((c) => c.name), ["Bo", "Di"]);
  assert.equal(row.anyone, false);
});

Deno.test("orderRows() says anyone may carry an order nobody is allergic to", () => {
  const state = round([order({ mask: 0b00001 })], [0b00100, 0b00010, 0, 0]);
  const [row] = orderRows({ ...state, clockMs: 0 });
  assert.equal(row.anyone, true);
  assert.equal(row.carriers.length, 4);
});

Deno.test("orderRows() hides what an order still at the door wants", () => {
  const state = round(
    [order({ stage: "ordering", takenBy: null, id: 4 })],
    [0, 0, 0, 0],
  );
  const [row] = orderRows({ ...state, clockMs: 0 });
  assert.equal(row.stage, "ordering");
  assert.deepEqual(row.ingredients, []);
  assert.deepEqual(row.carriers, []);
  assert.equal(row.takenBy, null);
  assert.equal(row.hurry, false);
});

Deno.test("orderRows() is empty in the lobby and at game over", () => {
  const state = round([order({})], [0, 0, 0, 0]);
  assert.deepEqual(orderRows({ ...state, phase: "lobby" }), []);
  assert.deepEqual(orderRows({ ...state, phase: "over" }), []);
});
