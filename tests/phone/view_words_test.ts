import assert from "node:assert/strict";
import {
  allergyChange,
  buttonActions,
  discardBySlot,
  outcomeTitle,
  phaseNote,
  starGrade,
  statsCells,
} from "../../src/phone/view_words.ts";
import {
  ingredientColour,
  ingredientIcon,
  ingredientStripe,
  UNKNOWN_INGREDIENT_COLOUR,
} from "../../src/phone/ingredient_look.ts";
import { INGREDIENTS } from "../../src/game/mod.ts";
import { words } from "./_english.ts";

const en = words();

Deno.test("phaseNote() tells a late friend at game over that they play from the next round", () => {
  assert.match(
    phaseNote({ phase: "over", vip: false, waiting: true }, en),
    /next round/,
  );
  assert.doesNotMatch(
    phaseNote({ phase: "over", vip: false, waiting: false }, en),
    /next round/,
  );
  assert.match(phaseNote({ phase: "lobby", vip: true }, en), /VIP/);
  assert.match(
    phaseNote({ phase: "lobby", vip: false }, en),
    /Waiting for the VIP/,
  );
  assert.equal(phaseNote({ phase: "playing", vip: true }, en), "");
});

Deno.test("outcomeTitle() and starGrade(, en) say win or lose and the grade", () => {
  assert.equal(
    outcomeTitle({ won: false }, en),
    "Game over",
  );
  assert.equal(outcomeTitle({ won: true }, en), "You win!");
  assert.deepEqual(starGrade(0, en), { stars: "☆☆☆", words: "0 of 3 stars" });
  assert.deepEqual(starGrade(1, en), { stars: "★☆☆", words: "1 of 3 stars" });
  assert.deepEqual(starGrade(3, en), { stars: "★★★", words: "3 of 3 stars" });
  assert.deepEqual(
    starGrade(undefined, en),
    starGrade(0, en),
    "an old host sends none",
  );
  assert.deepEqual(starGrade(9, en), starGrade(3, en));
});

Deno.test("statsCells() counts pizzas, coins and the distance walked and driven", () => {
  assert.deepEqual(
    statsCells({
      name: "Bo",
      color: "#123456",
      deliveries: 0,
      moneyEarned: 0,
      walkedTiles: 1,
      drivenTiles: 0,
    }, en),
    ["0 pizzas", "0 coins", "1 tile"],
  );
  assert.deepEqual(
    statsCells({
      name: "Bo",
      color: "#123456",
      deliveries: 1,
      moneyEarned: 1200,
      walkedTiles: 2,
      drivenTiles: 0,
    }, words("de")),
    ["1 Pizza", "1.200 Münzen", "2 Felder"],
  );
});

Deno.test("discardBySlot() binds throw-away actions to slots; buttonActions() leaves them out", () => {
  const dough = { ingredients: ["dough" as const] };
  const actions = [
    { id: "drop:0", say: { key: "act.put_down" as const, item: dough } },
    { id: "discard:0", say: { key: "backpack.throw" as const, item: dough } },
    { id: "discard:2", say: { key: "backpack.throw" as const, item: dough } },
    { id: "discard:x", say: { key: "backpack.throw" as const, item: dough } },
    { id: "enter_vehicle", say: { key: "act.enter_vehicle" as const } },
  ];
  const bySlot = discardBySlot(actions);
  assert.deepEqual([...bySlot.keys()], [0, 2]);
  assert.deepEqual(buttonActions(actions).map((a) => a.id), [
    "drop:0",
    "enter_vehicle",
  ]);
});

Deno.test("ingredientColour() and ingredientIcon() cover every engine ingredient with its own colour", () => {
  const colours = INGREDIENTS.map(ingredientColour);
  assert.equal(new Set(colours).size, INGREDIENTS.length);
  assert.ok(!colours.includes(UNKNOWN_INGREDIENT_COLOUR));
  for (const name of INGREDIENTS) {
    assert.match(
      ingredientIcon(name),
      /^<svg class="ing" viewBox="0 0 24 24" aria-hidden="true">.+<\/svg>$/,
    );
  }
  assert.equal(ingredientColour("toString"), UNKNOWN_INGREDIENT_COLOUR);
  assert.match(ingredientIcon("caviar"), /<circle/);
  assert.equal(
    ingredientStripe(["dough", "tomato"]),
    "linear-gradient(90deg, #f3d9a4 0.0% 50.0%, #e63946 50.0% 100.0%)",
  );
});

Deno.test("allergyChange() speaks up only when the rule changes mid-round", () => {
  type Exempt = "mixed" | "everything" | undefined;
  const playing = (allergyExempt: Exempt) => ({
    phase: "playing" as const,
    allergies: allergyExempt ? ["cheese"] : [],
    allergyExempt,
  });
  const full =
    "Allergic to cheese, but you may carry the pizza with everything";
  assert.equal(
    allergyChange(
      playing("mixed"),
      { ...playing("everything"), phase: "paused" },
      en,
    ),
    `New allergy rule: ${full}`,
  );
  assert.equal(allergyChange(playing("mixed"), playing("mixed"), en), null);
  assert.equal(allergyChange(null, playing("everything"), en), null);
  assert.equal(
    allergyChange(
      { phase: "lobby", allergies: [] },
      playing("everything"),
      en,
    ),
    null,
    "the start of a round",
  );
  assert.equal(
    allergyChange(playing("mixed"), playing(undefined), en),
    "New allergy rule: you may carry everything now",
  );
  assert.equal(
    allergyChange(playing("mixed"), playing("everything"), words("de")),
    "Neue Allergieregel: Allergisch gegen Käse, aber du darfst die Pizza mit allem tragen",
    "in the phone's language",
  );
});
