/**
 * Tunables of the Pizza Peers rules engine. Every number the rules use lives
 * here, with its unit in the name. Facts marked "GAME.md" are the original
 * game's; the others are our choices.
 *
 * @module
 */

// ---- World ------------------------------------------------------------------

/** Size of one tile, in pixels of the logical world (GAME.md). */
export const TILE_SIZE_PX = 32;
/** Town width in tiles; fixed, independent of the host window. */
export const TOWN_WIDTH_TILES = 40;
/** Town height in tiles; fixed, independent of the host window. */
export const TOWN_HEIGHT_TILES = 30;
/** Town width in pixels (40 x 32 = 1280). */
export const WORLD_WIDTH_PX = TOWN_WIDTH_TILES * TILE_SIZE_PX;
/** Town height in pixels (30 x 32 = 960). */
export const WORLD_HEIGHT_PX = TOWN_HEIGHT_TILES * TILE_SIZE_PX;

/** Number of kitchens in a town (GAME.md). */
export const KITCHEN_COUNT = 3;
/** Tables per kitchen (GAME.md). */
export const TABLES_PER_KITCHEN = 3;
/** Ovens per kitchen (GAME.md). */
export const OVENS_PER_KITCHEN = 3;
/** Ingredient stores in a town (GAME.md). */
export const STORE_COUNT = 8;
/** Cheapest ingredient price, in coins (GAME.md). */
export const MIN_PRICE_COINS = 1;
/** Dearest ingredient price, in coins (GAME.md). */
export const MAX_PRICE_COINS = 5;
/** Fewest houses in a town (GAME.md). */
export const MIN_HOUSES = 30;
/** Most houses in a town (GAME.md). */
export const MAX_HOUSES = 50;
/** Vehicles parked on roads at the start (GAME.md). */
export const VEHICLE_COUNT = 5;
/** Attempts at a random kitchen layout before the fixed fallback layout. */
export const KITCHEN_LAYOUT_ATTEMPTS = 40;

// ---- Players and movement ------------------------------------------------------

/** Most players in one game; joins beyond are refused. */
export const MAX_PLAYERS = 12;
/** Longest player name, in characters (DESIGN.md). */
export const MAX_NAME_CHARS = 20;
/** Walking speed at full stick, in px/s (GAME.md). */
export const WALK_SPEED_PX_PER_S = 120;
/** Driving speed at full stick, in px/s (GAME.md). */
export const DRIVE_SPEED_PX_PER_S = 240;
/** Half the side of a player's square hitbox against tiles, in px. */
export const PLAYER_RADIUS_PX = 10;
/** Half the side of a vehicle's square hitbox against tiles, in px. */
export const VEHICLE_RADIUS_PX = 12;
/** Stick magnitudes below this count as released (dead zone). */
export const STICK_DEAD_ZONE = 0.05;
/** Longest movement sub-step, in px, so nothing tunnels through a tile. */
export const MAX_MOVE_SUBSTEP_PX = 8;
/** Longest simulated step; larger `dtMs` is clamped (a sleeping tab). */
export const MAX_STEP_MS = 250;

/** How close a player's centre must be to a door tile's centre, in px. */
export const DOOR_RANGE_PX = 28;
/** How close a player's centre must be to a table or oven centre, in px. */
export const STATION_RANGE_PX = 44;
/** How close a player's centre must be to a parked vehicle, in px. */
export const VEHICLE_RANGE_PX = 36;

/** Player colours (CSS hex), handed out in join order, first free first. */
export const PLAYER_COLORS: readonly string[] = [
  "#e6194b",
  "#3cb44b",
  "#ffe119",
  "#4363d8",
  "#f58231",
  "#911eb4",
  "#42d4f4",
  "#f032e6",
  "#bfef45",
  "#fabed4",
  "#469990",
  "#dcbeff",
];

// ---- Items ---------------------------------------------------------------------

/** Backpack slots per player (GAME.md). */
export const BACKPACK_SLOTS = 3;
/** Heat an oven adds per second (GAME.md: 1/25). */
export const OVEN_HEAT_PER_S = 1 / 25;
/** Heat at which an item counts as baked (GAME.md: 7/9). */
export const BAKED_HEAT = 7 / 9;
/** Highest oven heat below Master Chef: "just short of full" (GAME.md). */
export const MAX_SAFE_HEAT = 0.99;
/** Heat lost per second outside ovens in hard mode (GAME.md: 1/150). */
export const COOLING_PER_S = 1 / 150;

// ---- Orders and money -------------------------------------------------------------

/** Shortest gap between two order attempts, in ms (GAME.md). */
export const ORDER_INTERVAL_MIN_MS = 2_000;
/** Longest gap between two order attempts, in ms (GAME.md). */
export const ORDER_INTERVAL_MAX_MS = 4_000;
/** Delay from the start of a round to the first order attempt, in ms. */
export const FIRST_ORDER_DELAY_MS = 2_000;
/** Chance of one order more than the number of players (GAME.md: 10 %). */
export const EXTRA_ORDER_CHANCE = 0.1;
/** Chance of each topping on a combined order (GAME.md: 50 %). */
export const TOPPING_CHANCE = 0.5;
/** Time to take an order before the hourglass, in ms (GAME.md: 30 s). */
export const TAKE_TIME_MS = 30_000;
/** Hourglass time to take an order, in ms (GAME.md: + 15 s). */
export const TAKE_WARNING_MS = 15_000;
/** Delivery time per ingredient, in ms (GAME.md: 20 s). */
export const DELIVER_PER_INGREDIENT_MS = 20_000;
/** Extra delivery time when baking is required, in ms (GAME.md: 30 s). */
export const DELIVER_BAKING_MS = 30_000;
/** Hourglass time to deliver, in ms (GAME.md: + 30 s). */
export const DELIVER_WARNING_MS = 30_000;
/** Pay per ingredient of a delivered pizza, in coins (GAME.md). */
export const PAY_PER_INGREDIENT_COINS = 5;
/** Base pay of a delivered pizza, in coins (GAME.md). */
export const PAY_BASE_COINS = 5;
/** Largest tip, in coins; tips are 0..this (GAME.md). */
export const MAX_TIP_COINS = 14;
/** Strikes that lose the game (GAME.md). */
export const MAX_STRIKES = 3;
/** Smallest hard-mode penalty for a failed order, in coins (GAME.md). */
export const MIN_PENALTY_COINS = 10;
/** Largest hard-mode penalty for a failed order, in coins (GAME.md). */
export const MAX_PENALTY_COINS = 19;
/** Penalty multiplier when the failed order had been taken (GAME.md). */
export const TAKEN_PENALTY_FACTOR = 2;
/** Money at the start of a round before players are counted (GAME.md). */
export const START_MONEY_COINS = 25;
/** Extra starting money per player, in coins (GAME.md). */
export const START_MONEY_PER_PLAYER_COINS = 5;
/** Round length, in ms (GAME.md: 6:00). */
export const ROUND_LENGTH_MS = 360_000;
/** Player count from which allergies are dealt (GAME.md). */
export const MIN_PLAYERS_FOR_ALLERGIES = 2;
/** Up to this many players, combined items are exempt from allergies (GAME.md). */
export const MAX_PLAYERS_COMBINED_EXEMPT = 3;

/** Deliveries per player per 6:00 round for a second star (ours). */
export const STAR2_DELIVERIES_PER_PLAYER = 2;
/** Deliveries per player per 6:00 round, with no strike, for a third star (ours). */
export const STAR3_DELIVERIES_PER_PLAYER = 4;

// ---- Views -------------------------------------------------------------------------

/** Heat in views is rounded to this step so views change rarely. */
export const VIEW_HEAT_STEP = 0.05;
/** Time left in views is rounded up to this step, in ms. */
export const VIEW_TIME_STEP_MS = 1_000;

// ---- The audience ------------------------------------------------------------------

/** A vote of the audience opens every this many ms of round time (GAME.md: 60 s). */
export const VOTE_EVERY_MS = 60_000;
/** How long a vote stays open, ms of round time. */
export const VOTE_OPEN_MS = 15_000;
/** How long the winning event lasts, ms of round time (GAME.md: the next minute). */
export const EVENT_LENGTH_MS = 60_000;
/** Events offered in one vote (GAME.md: three). */
export const VOTE_OPTION_COUNT = 3;
/** Rush hour: gaps between order attempts are multiplied by this (twice as often). */
export const RUSH_HOUR_GAP_FACTOR = 0.5;
/** Generous tips: tips are multiplied by this (GAME.md: × 2). */
export const GENEROUS_TIP_FACTOR = 2;
/** Rain: walking speed is multiplied by this; cars are unaffected (GAME.md: 75 %). */
export const RAIN_WALK_FACTOR = 0.75;
/** Free delivery: extra time for the oldest open order, ms (GAME.md: 30 s). */
export const FREE_DELIVERY_EXTRA_MS = 30_000;
/** Road works: road tiles in the one closed street segment. */
export const ROAD_WORKS_TILES = 2;
/** Road works: candidate segments tried before giving up, bounded. */
export const ROAD_WORKS_ATTEMPTS = 60;
