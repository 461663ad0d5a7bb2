/**
 * How the phone draws ingredients: each one's colour (the host's art uses the
 * same ones, as the original's stores and toppings did) and a small inline
 * SVG icon, so a button reads at a glance ("red = tomato") without images to
 * download. Pure data: the page turns the markup into elements.
 *
 * @module
 */

/** Colour of each ingredient, as on the big screen. */
export const INGREDIENT_COLOURS: Readonly<Record<string, string>> = {
  dough: "#f3d9a4",
  tomato: "#e63946",
  cheese: "#ffd23f",
  spice: "#3fa34d",
  mushroom: "#9c6b4e",
};

/** Colour for a name the phone does not know (a newer host). */
export const UNKNOWN_INGREDIENT_COLOUR = "#b3a8d6";

/** Inner SVG markup of each icon, drawn in a 24 x 24 box. */
const ICON_SHAPES: Readonly<Record<string, string>> = {
  dough: '<ellipse cx="12" cy="13" rx="9" ry="7" fill="#f3d9a4" ' +
    'stroke="#b8955a" stroke-width="1.5"/><path d="M7 12q5 -3 10 0" ' +
    'stroke="#d9b77a" stroke-width="1.5" fill="none"/>',
  tomato: '<circle cx="12" cy="13.5" r="8" fill="#e63946"/>' +
    '<path d="M8 6l4 2.5L16 6l-2 3.5h-4z" fill="#3fa34d"/>' +
    '<circle cx="9" cy="11" r="1.8" fill="#ff8a93"/>',
  cheese: '<path d="M3 17L19 6l2 11z" fill="#ffd23f" stroke="#d9a400" ' +
    'stroke-width="1.2" stroke-linejoin="round"/><circle cx="15" cy="13" ' +
    'r="1.6" fill="#d9a400"/><circle cx="10" cy="15" r="1.1" fill="#d9a400"/>',
  spice: '<path d="M12 21C5 16 5 8 12 3c7 5 7 13 0 18z" fill="#3fa34d"/>' +
    '<path d="M12 20V6" stroke="#a7e07a" stroke-width="1.4"/>',
  mushroom: '<path d="M3 12a9 7 0 0 1 18 0z" fill="#9c6b4e"/>' +
    '<rect x="9.5" y="12" width="5" height="8" rx="2" fill="#f1e3cf"/>' +
    '<circle cx="9" cy="8.5" r="1.3" fill="#f1e3cf"/>' +
    '<circle cx="15" cy="9" r="1" fill="#f1e3cf"/>',
};

/**
 * The colour of an ingredient by name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ingredientColour } from "./ingredient_look.ts";
 * assert.equal(ingredientColour("tomato"), "#e63946");
 * ```
 */
export function ingredientColour(name: string): string {
  return Object.hasOwn(INGREDIENT_COLOURS, name)
    ? INGREDIENT_COLOURS[name]
    : UNKNOWN_INGREDIENT_COLOUR;
}

/**
 * A whole `<svg>` icon for an ingredient (a plain dot for an unknown name),
 * decorative: the button's words say what it is.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ingredientIcon } from "./ingredient_look.ts";
 * assert.match(ingredientIcon("cheese"), /^<svg[^>]*aria-hidden="true"/);
 * ```
 */
export function ingredientIcon(name: string): string {
  const shape = Object.hasOwn(ICON_SHAPES, name)
    ? ICON_SHAPES[name]
    : `<circle cx="12" cy="12" r="8" fill="${UNKNOWN_INGREDIENT_COLOUR}"/>`;
  return `<svg class="ing" viewBox="0 0 24 24" aria-hidden="true">${shape}</svg>`;
}

/**
 * A CSS background for something made of `ingredients`: the one colour, or
 * hard stripes of each (a mixed pizza), or "" for none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ingredientStripe } from "./ingredient_look.ts";
 * assert.equal(ingredientStripe(["spice"]), "#3fa34d");
 * assert.equal(ingredientStripe([]), "");
 * ```
 */
export function ingredientStripe(ingredients: readonly string[]): string {
  if (ingredients.length === 0) return "";
  if (ingredients.length === 1) return ingredientColour(ingredients[0]);
  const step = 100 / ingredients.length;
  const stops = ingredients.map((name, i) =>
    `${ingredientColour(name)} ${(i * step).toFixed(1)}% ${
      ((i + 1) * step).toFixed(1)
    }%`
  );
  return `linear-gradient(90deg, ${stops.join(", ")})`;
}
