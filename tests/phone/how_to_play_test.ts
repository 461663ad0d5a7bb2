import assert from "node:assert/strict";
import { catalogue } from "./_english.ts";
import {
  HOW_TO_STEPS,
  HowToCard,
  showHowTo,
} from "../../src/phone/how_to_play.ts";

Deno.test("showHowTo() shows the card before a player first moves (lobby, dropping in, waiting for the next round), until seen", () => {
  assert.equal(showHowTo({ phase: "lobby" }, false), true);
  assert.equal(showHowTo({ phase: "over", waiting: true }, false), true);
  assert.equal(showHowTo({ phase: "over", waiting: false }, false), false);
  assert.equal(showHowTo({ phase: "playing" }, false), false);
  assert.equal(showHowTo({ phase: "paused" }, false), false);
  assert.equal(showHowTo({ phase: "playing" }, false, true), true, "drop-in");
  assert.equal(showHowTo({ phase: "paused" }, false, true), true, "drop-in");
  for (const phase of ["lobby", "playing", "paused", "over"] as const) {
    assert.equal(showHowTo({ phase, waiting: true }, true), false, phase);
  }
});

Deno.test("HowToCard walks four steps (toppings go on dough among them), then is done; skip ends it at once", () => {
  assert.equal(HOW_TO_STEPS.length, 4);
  const english = catalogue("en");
  assert.ok(
    HOW_TO_STEPS.some((s) =>
      /toppings go on dough/i.test(String(english[s.text]))
    ),
    "a step teaches that toppings go on dough",
  );
  const card = new HowToCard();
  const titles = [];
  while (!card.done) {
    titles.push(card.step.title);
    card.next();
  }
  assert.deepEqual(titles, HOW_TO_STEPS.map((s) => s.title));
  assert.equal(card.index, 3);
  const skipped = new HowToCard();
  skipped.skip();
  assert.equal(skipped.done, true);
  assert.equal(skipped.index, 0);
});
