/**
 * Difficulty levels and what each one adds (GAME.md table). Each level keeps
 * everything the easier levels add.
 *
 * @module
 */

/** Difficulty level: 0 Amateur, 1 Cook, 2 Chef, 3 Master Chef. */
export type Difficulty = 0 | 1 | 2 | 3;

/** Display names of the difficulty levels, indexed by level. */
export const DIFFICULTY_NAMES: readonly string[] = [
  "Amateur",
  "Cook",
  "Chef",
  "Master Chef",
];

/**
 * What each level adds, in one line a first-timer understands (the VIP's
 * level buttons say it), indexed by level.
 */
export const DIFFICULTY_BLURBS: readonly string[] = [
  "One ingredient per order; orders are taken for you",
  "Adds allergies and pizzas with toppings on dough",
  "Adds baking, and taking each order at its door",
  "Adds cooling, burning and fines for failed orders",
];

/** Amateur. */
export const AMATEUR: Difficulty = 0;
/** Cook: allergies; combined pizzas. */
export const COOK: Difficulty = 1;
/** Chef: baking required; orders must be taken by hand. */
export const CHEF: Difficulty = 2;
/** Master Chef: cooling and burning; money penalty. */
export const MASTER_CHEF: Difficulty = 3;

/** Narrows any value to a difficulty level, or null if it is not one. */
export function toDifficulty(value: unknown): Difficulty | null {
  return value === 0 || value === 1 || value === 2 || value === 3
    ? value
    : null;
}

/** Whether orders are taken automatically (Amateur and Cook). */
export function ordersTakenAutomatically(d: Difficulty): boolean {
  return d < CHEF;
}

/** Whether orders are combined pizzas (dough plus toppings) rather than one ingredient. */
export function combinedOrders(d: Difficulty): boolean {
  return d >= COOK;
}

/** Whether allergies are dealt (from Cook, with 2+ players). */
export function allergiesEnabled(d: Difficulty): boolean {
  return d >= COOK;
}

/** Whether orders must be baked (from Chef). */
export function bakingRequired(d: Difficulty): boolean {
  return d >= CHEF;
}

/** Whether items cool outside ovens and burn in them (Master Chef). */
export function coolingAndBurning(d: Difficulty): boolean {
  return d >= MASTER_CHEF;
}

/** Whether failed orders cost money (Master Chef). */
export function moneyPenalty(d: Difficulty): boolean {
  return d >= MASTER_CHEF;
}
