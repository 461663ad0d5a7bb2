import assert from "node:assert/strict";
import { stripChips as chipsIn } from "../../src/phone/order_strip.ts";
import { words } from "./_english.ts";

const en = words();
const stripChips = (view: Parameters<typeof chipsIn>[0]) => chipsIn(view, en);

const chip = {
  house: "12",
  stage: "waiting" as const,
  ingredients: ["dough", "tomato"],
  baked: false,
  dueLeftMs: 100_000,
  hurryMs: 30_000,
  mine: false,
};

Deno.test("stripChips() counts each order down from the view's clock, hurrying in its last part", () => {
  const at = (timeLeftMs: number) =>
    stripChips({ phase: "playing", timeLeftMs, orders: [chip] })[0];
  assert.equal(at(190_000).time, "1:30");
  assert.equal(at(190_000).hurry, false);
  assert.equal(at(125_000).time, "0:25");
  assert.equal(at(125_000).hurry, true);
  assert.equal(at(90_000).time, "0:00", "never below zero");
});

Deno.test("stripChips() hides what an order at the door wants and marks the player's own", () => {
  const [door, mine] = stripChips({
    phase: "paused",
    timeLeftMs: 150_000,
    orders: [
      { ...chip, stage: "ordering", ingredients: [], baked: true },
      { ...chip, mine: true, baked: true },
    ],
  });
  assert.equal(door.ordering, true);
  assert.equal(door.baked, false, "not known until taken");
  assert.match(door.words, /^House 12: an order to take/);
  assert.equal(mine.mine, true);
  assert.match(mine.words, /baked dough \+ tomato, 0:50 left, yours$/);
});

Deno.test("stripChips() is empty outside a round or without orders", () => {
  assert.deepEqual(
    stripChips({ phase: "over", timeLeftMs: 0, orders: [chip] }),
    [],
  );
  assert.deepEqual(stripChips({ phase: "lobby", timeLeftMs: 0 }), []);
  assert.deepEqual(stripChips({ phase: "playing", timeLeftMs: 9 }), []);
});

Deno.test("stripChips() says a chip in the phone's language", () => {
  const [mine] = chipsIn({
    phase: "playing",
    timeLeftMs: 150_000,
    orders: [{ ...chip, mine: true, baked: true }],
  }, words("de"));
  assert.equal(
    mine.words,
    "Haus 12: gebackene(s) Teig + Tomate, noch 0:50, deine",
  );
});
