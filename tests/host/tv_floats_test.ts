import assert from "node:assert/strict";
import { createGame, joinPlayer, startGame } from "../../src/game/mod.ts";
import type { GameEvent } from "../../src/game/mod.ts";
import { newItem } from "../../src/game/items.ts";
import { tvFloats } from "../../src/host/tv_floats.ts";

/** The tomato's bit (dough = 1, tomato = 2, …). */
const TOMATO = 2;

function playing() {
  let state = createGame({ seed: 3 });
  for (const [id, name] of [["a", "Ann"], ["b", "Bob"]]) {
    state = joinPlayer(state, { id, name }).state;
  }
  return startGame(state);
}

Deno.test("tvFloats() says the round's start once over the middle, from the engine's events", () => {
  const { state, events } = playing();
  const floats = tvFloats(events, state);
  assert.deepEqual(
    floats.filter((f) => f.place.at === "middle").map((f) => f.said.key),
    ["float.go"],
  );
  // Never the engine's English: every float is a TV key.
  for (const f of floats) assert.match(f.said.key, /^(float|event)\./);
});

Deno.test("tvFloats() words a failed order with its fine, a delivery with its pay, and keeps info quiet in the lobby", () => {
  const { state } = playing();
  const events: GameEvent[] = [
    {
      type: "world",
      name: "order_failed",
      x: 100,
      y: 200,
      text: "Strike! -40",
    },
    { type: "world", name: "order_failed", x: 300, y: 200, text: "Strike!" },
    {
      type: "world",
      name: "delivered",
      x: 5,
      y: 5,
      playerId: "a",
      text: "+23",
    },
    { type: "world", name: "refused", x: 5, y: 5, playerId: "b" },
    {
      type: "feedback",
      playerId: "a",
      say: { key: "why.money" },
      text: "Not enough money!",
      tone: "bad",
    },
  ];
  assert.deepEqual(
    tvFloats(events, state).map((f) => [f.said.key, f.said.params, f.place.at]),
    [
      ["float.order_failed", {}, "middle"],
      ["float.strike_fine", { coins: 40 }, "spot"],
      ["float.strike", {}, "spot"],
      ["float.delivered", { coins: 23 }, "player"],
      ["float.refused", {}, "player"],
    ],
  );
  const lobby = { ...state, phase: "lobby" as const };
  const welcome: GameEvent[] = [
    { type: "world", name: "player_joined", x: 0, y: 0, playerId: "a" },
    { type: "world", name: "refused", x: 0, y: 0, playerId: "a" },
  ];
  assert.deepEqual(tvFloats(welcome, lobby).map((f) => f.said.key), [
    "float.refused",
  ]);
  assert.deepEqual(tvFloats(welcome, state).map((f) => f.said.key), [
    "float.welcome",
    "float.refused",
  ]);
});

Deno.test("tvFloats() names what was bought, from the buyer's newest item", () => {
  const { state } = playing();
  const withTomato = {
    ...state,
    players: state.players.map((p) =>
      p.id === "a" ? { ...p, backpack: [...p.backpack, newItem(TOMATO)] } : p
    ),
  };
  const bought: GameEvent[] = [
    { type: "world", name: "bought", x: 0, y: 0, playerId: "a", text: "-3" },
  ];
  assert.deepEqual(tvFloats(bought, withTomato).map((f) => f.said.key), [
    "float.bought.tomato",
  ]);
});
