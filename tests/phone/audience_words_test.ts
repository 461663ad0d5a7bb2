import assert from "node:assert/strict";
import type { AudienceView } from "../../src/protocol/mod.ts";
import { REACTION_KINDS } from "../../src/protocol/mod.ts";
import {
  audienceLines,
  optionWords,
  orderWords,
  reactionKey,
} from "../../src/phone/audience_words.ts";
import { audienceErrorWords } from "../../src/phone/audience_session.ts";
import { LANGUAGES } from "../../src/phone/translator.ts";
import { catalogue, words } from "./_english.ts";

const en = words();

/** An audience update mid-round; `change` overrides fields. */
function update(change: Partial<AudienceView> = {}): AudienceView {
  return {
    phase: "playing",
    paused: false,
    money: 1250,
    timeLeftMs: 200_000,
    strikes: 1,
    maxStrikes: 3,
    delivered: 2,
    orders: [],
    event: null,
    ...change,
  };
}

Deno.test("audienceLines() words the game panel from the catalogue, numbers in the phone's language", () => {
  const lines = audienceLines(update(), en);
  assert.equal(lines.money, "Money 1,250");
  assert.equal(lines.time, "3:20 left");
  assert.equal(lines.strikes, "Strikes 1/3");
  assert.equal(lines.note, null);
  const de = audienceLines(update(), words("de"));
  assert.equal(de.money, "Geld 1.250");
  assert.equal(de.time, "noch 3:20");
  assert.equal(de.strikes, "Fehler 1/3");
});

Deno.test("audienceLines() says what the game is doing before the first update, in the lobby, paused and at round over", () => {
  const waiting = audienceLines(null, en);
  assert.equal(waiting.note, "Waiting for the big screen…");
  assert.equal(waiting.money, "Money –");
  assert.equal(waiting.strikes, "Strikes –");
  assert.equal(
    audienceLines(update({ phase: "lobby" }), en).note,
    "The players are getting ready.",
  );
  assert.equal(
    audienceLines(update({ paused: true }), words("nl")).note,
    "Gepauzeerd: een speler is de verbinding kwijt.",
  );
  // Round over: the count picks the plural form of each language.
  const over = (delivered: number, lang: string) =>
    audienceLines(update({ phase: "over", delivered }), words(lang)).note;
  assert.equal(over(1, "en"), "Round over: 1 pizza delivered.");
  assert.equal(over(3, "en"), "Round over: 3 pizzas delivered.");
  assert.equal(over(1, "es"), "Ronda terminada: 1 pizza entregada.");
  assert.equal(over(0, "nl"), "Ronde voorbij: 0 pizza's bezorgd.");
});

Deno.test("audienceLines() words the event and the orders the host sends as ids in the phone's language", () => {
  const lines = audienceLines(
    update({
      event: { event: "rain", leftMs: 42_000 },
      orders: [
        { ingredients: ["dough", "tomato"], baked: true, leftMs: 30_000 },
        {
          ingredients: ["dough", "tomato", "cheese", "spice", "mushroom"],
          baked: false,
          leftMs: 5_500,
        },
      ],
    }),
    words("nl"),
  );
  assert.equal(
    lines.event,
    "Regen: Iedereen loopt langzamer; auto's merken er niets van. (0:42)",
  );
  assert.deepEqual(lines.orders, [
    "Gebakken deeg + tomaat · 0:30",
    "Pizza met alles · 0:06",
  ]);
});

Deno.test("orderWords() and optionWords() say orders, events and towns from the catalogue", () => {
  assert.equal(
    orderWords({ ingredients: ["cheese"], baked: false }, en),
    "Cheese",
  );
  assert.equal(
    orderWords({ ingredients: ["cheese"], baked: false }, words("es")),
    "Queso",
  );
  assert.deepEqual(optionWords("rush_hour", words("de")), {
    title: "Stoßzeit",
    blurb: "Bestellungen kommen doppelt so oft.",
  });
  assert.deepEqual(optionWords("spread", en), {
    title: "Spread-out town",
    blurb: "",
  });
});

Deno.test("The audience's refusals and reactions have words in every language", () => {
  const keys = [
    audienceErrorWords("audience full"),
    audienceErrorWords("vote closed"),
    ...REACTION_KINDS.map(reactionKey),
  ];
  assert.equal(audienceErrorWords("room full"), "error.room_full");
  assert.equal(audienceErrorWords("no such code"), "error.generic");
  for (const lang of LANGUAGES) {
    const own = catalogue(lang);
    assert.deepEqual(keys.filter((key) => !Object.hasOwn(own, key)), [], lang);
  }
  assert.equal(
    words("de").t(audienceErrorWords("vote closed")),
    "Diese Abstimmung ist vorbei. Warte auf die nächste!",
  );
});
