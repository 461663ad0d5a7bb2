import assert from "node:assert/strict";
import type { AudienceView } from "../../src/protocol/mod.ts";
import { EVERYTHING_PIZZA, REACTION_KINDS } from "../../src/protocol/mod.ts";
import { ALL_INGREDIENTS_MASK, describeMask } from "../../src/game/items.ts";
import {
  audienceLines,
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

Deno.test("audienceLines() keeps the host's event words and words the orders in the phone's language", () => {
  const lines = audienceLines(
    update({
      event: { title: "Rain", blurb: "everyone walks slower", leftMs: 42_000 },
      orders: [
        { wanted: "baked dough + tomato", leftMs: 30_000 },
        { wanted: "pizza with everything", leftMs: 5_500 },
      ],
    }),
    words("nl"),
  );
  assert.equal(lines.event, "Rain: everyone walks slower (0:42)");
  assert.deepEqual(lines.orders, [
    "Gebakken deeg + tomaat · 0:30",
    "Pizza met alles · 0:06",
  ]);
});

Deno.test("orderWords() leaves words it does not know as the host sent them", () => {
  assert.equal(orderWords("cheese", en), "Cheese");
  assert.equal(orderWords("cheese", words("es")), "Queso");
  assert.equal(orderWords("baked nothing", en), "Baked nothing");
  assert.equal(orderWords("dough + pineapple", en), "Dough + pineapple");
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

Deno.test("EVERYTHING_PIZZA is how the host's describeMask names the pizza with all five ingredients", () => {
  assert.equal(describeMask(ALL_INGREDIENTS_MASK), EVERYTHING_PIZZA);
});
