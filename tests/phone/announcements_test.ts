import assert from "node:assert/strict";
import {
  type AnnouncedView,
  announcements,
} from "../../src/phone/announcements.ts";

const item = (ingredients: string[], baked = false) => ({
  ingredients,
  heat: baked ? 0.8 : 0,
  baked,
  burned: false,
});
const playing: AnnouncedView = { phase: "playing", backpack: [], money: 10 };

Deno.test("announcements() says each item picked up, once", () => {
  const one = { ...playing, backpack: [item(["tomato"])] };
  assert.deepEqual(announcements(playing, one), ["You picked up tomato"]);
  const two = { ...one, backpack: [item(["tomato"]), item(["tomato"])] };
  assert.deepEqual(announcements(one, two), ["You picked up tomato"]);
  assert.deepEqual(announcements(two, two), [], "nothing new");
  const baked = { ...playing, backpack: [item(["dough", "cheese"], true)] };
  assert.deepEqual(announcements(one, baked), [
    "You picked up baked dough + cheese",
  ]);
  assert.deepEqual(announcements(one, playing), [], "dropping is not news");
});

Deno.test("announcements() says an order was delivered when money rises", () => {
  assert.deepEqual(announcements(playing, { ...playing, money: 27 }), [
    "Order delivered: 17 coins",
  ]);
  assert.deepEqual(announcements(playing, { ...playing, money: 7 }), []);
});

Deno.test("announcements() says who a paused round waits for, and when it goes on", () => {
  const paused = { ...playing, phase: "paused" as const, pausedFor: ["Ann"] };
  assert.deepEqual(announcements(playing, paused), [
    "Game paused: waiting for Ann",
  ]);
  assert.deepEqual(
    announcements(playing, { ...paused, pausedFor: ["Ann", "Bob", "Cy"] }),
    ["Game paused: waiting for Ann, Bob and Cy"],
  );
  assert.deepEqual(announcements(paused, playing), ["Game on again"]);
});

Deno.test("announcements() says the round's start and end, not the lobby's items", () => {
  const lobby: AnnouncedView = { phase: "lobby", backpack: [], money: 0 };
  assert.deepEqual(announcements(null, lobby), []);
  assert.deepEqual(announcements(lobby, playing), ["Round started"]);
  const over: AnnouncedView = {
    ...playing,
    phase: "over",
    outcome: { won: true, reason: "", stars: 2 },
  };
  assert.deepEqual(announcements(playing, over), ["Game over: you win!"]);
  assert.deepEqual(
    announcements(playing, { ...over, outcome: { won: false, reason: "" } }),
    ["Game over"],
  );
});
