import assert from "node:assert/strict";
import {
  type AnnouncedView,
  announcements,
} from "../../src/phone/announcements.ts";
import { words } from "./_english.ts";

const en = words();
const say = (before: AnnouncedView | null, next: AnnouncedView) =>
  announcements(before, next, en);

const item = (ingredients: string[], baked = false) => ({
  ingredients,
  heat: baked ? 0.8 : 0,
  baked,
  burned: false,
});
const playing: AnnouncedView = { phase: "playing", backpack: [], money: 10 };

Deno.test("announcements() says each item picked up, once", () => {
  const one = { ...playing, backpack: [item(["tomato"])] };
  assert.deepEqual(say(playing, one), ["You picked up tomato"]);
  const two = { ...one, backpack: [item(["tomato"]), item(["tomato"])] };
  assert.deepEqual(say(one, two), ["You picked up tomato"]);
  assert.deepEqual(say(two, two), [], "nothing new");
  const baked = { ...playing, backpack: [item(["dough", "cheese"], true)] };
  assert.deepEqual(say(one, baked), [
    "You picked up baked dough + cheese",
  ]);
  assert.deepEqual(say(one, playing), [], "dropping is not news");
});

Deno.test("announcements() says an order was delivered when money rises", () => {
  assert.deepEqual(say(playing, { ...playing, money: 27 }), [
    "Order delivered: 17 coins",
  ]);
  assert.deepEqual(say(playing, { ...playing, money: 7 }), []);
});

Deno.test("announcements() says who a paused round waits for, and when it goes on", () => {
  const paused = { ...playing, phase: "paused" as const, pausedFor: ["Ann"] };
  assert.deepEqual(say(playing, paused), [
    "Game paused: waiting for Ann",
  ]);
  assert.deepEqual(
    say(playing, { ...paused, pausedFor: ["Ann", "Bob", "Cy"] }),
    ["Game paused: waiting for Ann, Bob, and Cy"],
  );
  assert.deepEqual(say(paused, playing), ["Game on again"]);
});

Deno.test("announcements() says the round's start and end, not the lobby's items", () => {
  const lobby: AnnouncedView = { phase: "lobby", backpack: [], money: 0 };
  assert.deepEqual(say(null, lobby), []);
  assert.deepEqual(say(lobby, playing), ["Round started"]);
  const over: AnnouncedView = {
    ...playing,
    phase: "over",
    outcome: {
      won: true,
      reason: "time_up",
      stars: 2,
      delivered: 3,
      players: 2,
      need: 1,
    },
  };
  assert.deepEqual(say(playing, over), ["Game over: you win!"]);
  assert.deepEqual(
    say(playing, {
      ...over,
      outcome: { ...over.outcome!, won: false, reason: "strikes" },
    }),
    ["Game over"],
  );
});

Deno.test("announcements() speak the phone's language", () => {
  const de = words("de");
  const tomato = {
    ingredients: ["tomato"],
    heat: 0,
    baked: false,
    burned: false,
  };
  assert.deepEqual(
    announcements(playing, { ...playing, backpack: [tomato] }, de),
    ["Du hast Tomate genommen"],
  );
  assert.deepEqual(
    announcements(playing, {
      ...playing,
      phase: "paused",
      pausedFor: ["Ann", "Bob"],
    }, words("es")),
    ["Juego en pausa: esperando a Ann y Bob"],
  );
  assert.deepEqual(
    announcements(playing, { ...playing, money: 11 }, words("nl")),
    ["Bestelling bezorgd: 1 munt"],
  );
});
