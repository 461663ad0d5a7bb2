/**
 * Pizza Peers rules engine: pure, deterministic TypeScript (no Deno, DOM or
 * Phaser; no `Math.random` or `Date.now`). The host page owns a `GameState`
 * and replaces it with what each call returns.
 *
 * World coordinates: pixels of a fixed logical world of 40 x 30 tiles of
 * 32 px (1280 x 960), origin top-left, y down; scale it to fit the screen.
 * Player, vehicle positions are centres in px; town things are tile
 * coordinates (`tx`, `ty`; centre px = (tx + 0.5) * 32).
 *
 * Lifecycle:
 * ```ts ignore
 * let state = createGame({ seed, dropIn: true });    // lobby, town ready
 * state = joinPlayer(state, { id, name }).state;    // first = VIP; max 12;
 *   // also at game over (waits for the next round) and mid-round (drop-in)
 * state = startGame(state).state;                   // host key, or VIP "start"
 * const r = step(state, commands, dtMs);            // every frame
 * state = r.state; // r.events: feedback for phones, world events for sounds
 * playerView(state, id);                            // push when it changes
 * ```
 *
 * What a renderer reads from `GameState`:
 * - `town.tiles` (row-major `TileKind` values; names in `TILE_KIND_NAMES`),
 *   `town.stores` (ingredient, price, rect, door), `town.houses` (rect,
 *   door), `town.kitchens` (rect, openings, tableIds, ovenIds),
 *   `town.stations` (tile of each table/oven);
 * - `players` (x, y, name, color, facing, moving, connected, vehicleId),
 *   `vehicles` (x, y, facing, driverId), `stations` (item with heat,
 *   `isBaked(item)`, burned);
 * - `houseStatuses(state)` for order bubbles (stage, wanted, progress,
 *   hourglass); `hud(state)` for time left, money, strikes, phase, outcome
 *   (with its star grade) and, at game over, every player's stats.
 *
 * Fairness (`fairness.ts`): no order is placed that the team cannot carry to
 * the door; drop-ins get an allergy that keeps open orders deliverable. The
 * saved shape of the state is one valibot schema (`state_schema.ts`); the
 * types are inferred from it.
 *
 * @module
 */

export * from "./constants.ts";
export {
  AMATEUR,
  CHEF,
  COOK,
  type Difficulty,
  DIFFICULTY_BLURBS,
  DIFFICULTY_NAMES,
  MASTER_CHEF,
} from "./difficulty.ts";
export {
  ALL_INGREDIENTS_MASK,
  describeItem,
  describeMask,
  type Ingredient,
  ingredientNames,
  INGREDIENTS,
  isBaked,
  type Item,
} from "./items.ts";
export {
  TILE_KIND_NAMES,
  tileCenterPx,
  TileKind,
  type TilePos,
} from "./tiles.ts";
export {
  generateTown,
  type House,
  type Kitchen,
  type StationSpot,
  type Store,
  type TileRect,
  type Town,
  TOWN_FLAVOURS,
  type TownFlavour,
} from "./town.ts";
export type {
  EngineError,
  EngineResult,
  Facing,
  FeedbackEvent,
  GameEvent,
  GameState,
  Order,
  Outcome,
  OutcomeReason,
  Phase,
  Player,
  PlayerCommand,
  PlayerInput,
  PlayerStats,
  SavedState,
  Station,
  TimelineEntry,
  Tone,
  Vehicle,
  WorldEvent,
  WorldEventName,
} from "./types.ts";
export {
  closeAudienceVote,
  createGame,
  disconnectPlayer,
  type GameOptions,
  joinPlayer,
  leavePlayer,
  openTownVote,
  reconnectPlayer,
  restartGame,
  setDifficulty,
  setDropIn,
  startAudienceEvent,
  startGame,
  step,
} from "./engine.ts";
export { type ContextAction, contextActions } from "./actions.ts";
export {
  englishSay,
  type ItemSay,
  itemSay,
  type Say,
  wantedSay,
} from "./words.ts";
export {
  type AllergyExempt,
  allergyExempt,
  houseLabel,
  type HouseStatus,
  houseStatuses,
  type Hud,
  hud,
  type ItemView,
  MAX_ORDER_CHIPS,
  type OrderChip,
  orderChips,
  type PlayerView,
  playerView,
  sameView,
  type StatsRow,
  teamStats,
} from "./view.ts";
export {
  blockingIngredient,
  dealMasks,
  dropInMask,
  orderDeliverable,
} from "./fairness.ts";
export { starGrade } from "./outcome.ts";
export * from "./state_schema.ts";
export {
  AUDIENCE_EVENTS,
  type AudienceEventKind,
  type AudienceState,
  EVENT_WORDS,
  FLAVOUR_WORDS,
  townOfSaved,
} from "./audience.ts";
export { eventAt } from "./audience_effects.ts";
export {
  type Ballot,
  castVote,
  closeBallot,
  createBallot,
  memberLeft,
  type Tally,
  tallyOf,
  voteWinner,
} from "./vote.ts";
