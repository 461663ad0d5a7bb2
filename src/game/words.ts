/**
 * What the engine says to a player, as data: a key and its parameters
 * (`{ key: "act.buy", ingredient: "cheese", price: 3 }`), never a sentence,
 * so each phone says it in its own language. {@link englishSay} gives the
 * English sentence for the big screen's floating text and for tests.
 *
 * @module
 */

import type * as v from "valibot";
import { EVENT_WORDS } from "./event_words.ts";
import type { AudienceEventKindSchema } from "./state_schema.ts";
import { DIFFICULTY_NAMES } from "./difficulty.ts";
import {
  type Ingredient,
  ingredientNames,
  INGREDIENTS,
  isBaked,
  type Item,
} from "./items.ts";

/** An item as words name it: its ingredients, and whether baked or burned. */
export interface ItemSay {
  /** Ingredients, canonical order (at least one). */
  ingredients: Ingredient[];
  /** Set when baked (and not burned). */
  baked?: true;
  /** Set when burned. */
  burned?: true;
}

/** Keys without parameters, with their English. */
const PLAIN = {
  "act.start": "Start game",
  "act.restart": "Play again",
  "act.take_order": "Take order",
  "act.enter_vehicle": "Get in the car",
  "act.leave_vehicle": "Get out",
  "why.backpack_full": "Backpack full!",
  "why.money": "Not enough money!",
  "why.oven_busy": "The oven is busy!",
  "why.oven_dough": "Only pizzas with dough go in the oven!",
  "why.has_that": "It already has that!",
  "why.dough_first": "Toppings go on dough: put dough down first!",
  "why.not_here": "You can't do that here.",
  "why.wrong_toppings": "Wrong toppings!",
  "why.burned": "That's burned: throw it away!",
  "why.needs_baking": "Needs baking!",
  "error.room_full": "The game is full.",
  "error.game_started": "The game is already on: wait for the next round.",
  "note.order_failed": "An order failed: Strike!",
  "note.withdrawn": "An order was withdrawn: nobody left can carry it.",
  "note.welcome": "Welcome!",
  "note.welcome_vip": "Welcome! You are the VIP.",
  "note.welcome_next": "Welcome! You play from the next round.",
  "note.welcome_jump": "Welcome! Jump in: the round is on.",
  "note.welcome_back": "Welcome back!",
  "note.go": "Go! Fill the orders.",
} as const;

/** Keys whose parameter is an item, with their English (`{item}`). */
const WITH_ITEM = {
  "act.deliver": "Deliver {item}",
  "act.pick_up": "Pick up {item}",
  "act.bake": "Bake {item}",
  "act.add": "Add {item}",
  "act.put_down": "Put down {item}",
  "backpack.throw": "Throw away {item}",
  "say.picked": "Picked up {item}",
  "note.threw_away": "Threw away {item}",
  "note.made": "Made {item}",
  "note.order_taken": "Order taken: {item}",
} as const;

/** A key without parameters. */
export type PlainKey = keyof typeof PLAIN;
/** A key whose parameter is an item. */
export type ItemKey = keyof typeof WITH_ITEM;

/** One thing the engine says to a player. */
export type Say =
  | { key: PlainKey }
  | { key: "why.allergic" | "note.bought"; ingredient: Ingredient }
  | { key: "act.buy"; ingredient: Ingredient; price: number }
  | { key: ItemKey; item: ItemSay }
  | { key: "say.delivered" | "note.order_failed_fine"; count: number }
  | { key: "act.level" | "note.level"; level: number }
  | {
    key: "note.event";
    event: v.InferOutput<typeof AudienceEventKindSchema>;
  };

/**
 * An item as words name it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { itemSay } from "./words.ts";
 * assert.deepEqual(itemSay({ mask: 0b101, heat: 1, burned: false }), {
 *   ingredients: ["dough", "cheese"], baked: true,
 * });
 * ```
 */
export function itemSay(item: Item): ItemSay {
  return {
    ingredients: ingredientNames(item.mask),
    ...(item.burned ? { burned: true as const } : {}),
    ...(isBaked(item) ? { baked: true as const } : {}),
  };
}

/** A wanted pizza (an order) as words name it. */
export function wantedSay(mask: number, baked: boolean): ItemSay {
  return {
    ingredients: ingredientNames(mask),
    ...(baked ? { baked: true as const } : {}),
  };
}

/** An item in English: "baked dough + cheese", "pizza with everything". */
function englishItem(item: ItemSay): string {
  const base = item.ingredients.length === INGREDIENTS.length
    ? "pizza with everything"
    : item.ingredients.join(" + ");
  if (item.burned) return `burned ${base}`;
  return item.baked ? `baked ${base}` : base;
}

/**
 * The English sentence of a {@link Say}, for the big screen and tests.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { englishSay } from "./words.ts";
 * assert.equal(englishSay({ key: "act.buy", ingredient: "cheese", price: 3 }), "Buy cheese for 3");
 * assert.equal(englishSay({ key: "why.allergic", ingredient: "cheese" }), "You're allergic to cheese!");
 * assert.equal(englishSay({ key: "act.bake", item: { ingredients: ["dough", "tomato"] } }), "Bake dough + tomato");
 * ```
 */
export function englishSay(say: Say): string {
  switch (say.key) {
    case "why.allergic":
      return `You're allergic to ${say.ingredient}!`;
    case "note.bought":
      return `Bought ${say.ingredient}`;
    case "act.buy":
      return `Buy ${say.ingredient} for ${say.price}`;
    case "say.delivered":
      return `Delivered! +${say.count}`;
    case "note.order_failed_fine":
      return `An order failed: Strike! -${say.count}`;
    case "act.level":
      return DIFFICULTY_NAMES[say.level];
    case "note.level":
      return `Difficulty: ${DIFFICULTY_NAMES[say.level]}`;
    case "note.event": {
      const words = EVENT_WORDS[say.event];
      return `${words.title}! ${words.blurb}`;
    }
    default:
      return "item" in say
        ? WITH_ITEM[say.key].replace("{item}", englishItem(say.item))
        : PLAIN[say.key];
  }
}
