/**
 * What the host tells a phone in words, as data: a catalogue key from a known
 * set plus its parameters (ingredient ids, an item, numbers, a level, an
 * event id), never a sentence. The phone says it in its own language
 * (`src/phone/host_words.ts`). Every key here has a message in each phone
 * catalogue (`static/i18n/<lang>.json`).
 *
 * @module
 */
import * as v from "valibot";

/** The ingredient ids, in the game's canonical order. */
export const INGREDIENT_IDS = [
  "dough",
  "tomato",
  "cheese",
  "spice",
  "mushroom",
] as const;

/** The audience events' ids. */
export const EVENT_IDS = [
  "rush_hour",
  "generous_tips",
  "rain",
  "road_works",
  "free_delivery",
] as const;

/** The town flavours the audience votes on between rounds. */
export const TOWN_IDS = ["classic", "compact", "spread"] as const;

/** Keys that take no parameters. */
export const PLAIN_KEYS = [
  "act.start",
  "act.restart",
  "act.take_order",
  "act.enter_vehicle",
  "act.leave_vehicle",
  "why.backpack_full",
  "why.money",
  "why.oven_busy",
  "why.oven_dough",
  "why.has_that",
  "why.dough_first",
  "why.not_here",
  "why.wrong_toppings",
  "why.burned",
  "why.needs_baking",
  "error.room_full",
  "error.game_started",
  "note.order_failed",
  "note.withdrawn",
  "note.welcome",
  "note.welcome_vip",
  "note.welcome_next",
  "note.welcome_jump",
  "note.welcome_back",
  "note.go",
] as const;

/** Keys whose one parameter is an ingredient id. */
export const INGREDIENT_KEYS = ["why.allergic", "note.bought"] as const;

/** Keys whose one parameter is an item. */
export const ITEM_KEYS = [
  "act.deliver",
  "act.pick_up",
  "act.bake",
  "act.add",
  "act.put_down",
  "backpack.throw",
  "say.picked",
  "note.threw_away",
  "note.made",
  "note.order_taken",
] as const;

/** Keys whose one parameter is a count of coins. */
export const COUNT_KEYS = ["say.delivered", "note.order_failed_fine"] as const;

const Ingredient = v.picklist(INGREDIENT_IDS);
const Count = v.pipe(v.number(), v.safeInteger(), v.minValue(0));

/** An item as words name it: its ingredients, and whether baked or burned. */
export const ItemWordsSchema = v.object({
  ingredients: v.pipe(
    v.array(Ingredient),
    v.minLength(1),
    v.maxLength(INGREDIENT_IDS.length),
  ),
  baked: v.optional(v.literal(true)),
  burned: v.optional(v.literal(true)),
});

/** An item as words name it. */
export type ItemWords = v.InferOutput<typeof ItemWordsSchema>;

/** One thing the host says to a phone: a key and its parameters. */
export const PhoneWordsSchema = v.variant("key", [
  v.object({ key: v.picklist(PLAIN_KEYS) }),
  v.object({ key: v.picklist(INGREDIENT_KEYS), ingredient: Ingredient }),
  v.object({
    key: v.literal("act.buy"),
    ingredient: Ingredient,
    price: Count,
  }),
  v.object({ key: v.picklist(ITEM_KEYS), item: ItemWordsSchema }),
  v.object({ key: v.picklist(COUNT_KEYS), count: Count }),
  v.object({
    key: v.picklist(["act.level", "note.level"]),
    level: v.pipe(Count, v.maxValue(3)),
  }),
  v.object({
    key: v.literal("note.event"),
    event: v.picklist(EVENT_IDS),
  }),
]);

/** One thing the host says to a phone. */
export type PhoneWords = v.InferOutput<typeof PhoneWordsSchema>;

/** Why a round ended (a key `outcome.<reason>` in the phone's catalogues). */
export const OUTCOME_REASONS = [
  "time_up",
  "nothing_delivered",
  "too_few_deliveries",
  "strikes",
  "bankrupt",
  "everyone_left",
] as const;

/** Which pizzas a player with allergies may still carry (GAME.md's exemption). */
export const ALLERGY_EXEMPTIONS = ["mixed", "everything"] as const;
