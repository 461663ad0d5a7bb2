/**
 * The bots' planner: decides what each bot of a team does next (which order
 * it leads, which store, table, oven or house it goes to, what it does
 * there), from the game state and the team's memory of who does what. It
 * never moves anyone: the actor (`actor.ts`) turns plans into commands.
 *
 * A team shares one memory: who leads which order (claims), which table and
 * oven each order uses, who fetches an ingredient for another bot's order,
 * and which pizzas are built ahead. Bots respect allergies: a bot leads only
 * an order it may carry, buys only what it may hold, and leaves an
 * ingredient it may not hold to a teammate who may. An order goes to the
 * free bot that can buy most of it; a lead that cannot buy what its pizza
 * still needs hands the order to a free teammate who can; bots with nothing
 * to lead build pizzas ahead on free tables for orders whose possible leads
 * are busy; a lead waiting for its oven takes orders, fetches or builds
 * ahead meanwhile (not on Master Chef, where pizzas burn), unless its
 * deadline is near. Orders few players may carry are led first, and a lead
 * waiting for its oven carries pizzas built ahead that only it is free to
 * carry to other ovens (side jobs), so that a team whose allergies leave one
 * carrier for many orders bakes them side by side. An order nobody takes is
 * taken in time for the walk to its door.
 *
 * Pure: {@link planTeam} copies the memory it is given and returns the new
 * one; the path cache is only a memo of distance fields.
 *
 * @module
 */

import {
  BACKPACK_SLOTS,
  BAKED_HEAT,
  OVEN_HEAT_PER_S,
  TILE_SIZE_PX,
  WALK_SPEED_PX_PER_S,
} from "../game/constants.ts";
import { type Target } from "../game/actions.ts";
import { coolingAndBurning } from "../game/difficulty.ts";
import {
  DOUGH_MASK,
  ingredientCount,
  INGREDIENTS,
  type Item,
} from "../game/items.ts";
import { deliveryTimeMs, matchesOrder } from "../game/orders.ts";
import {
  distanceAt,
  distanceField,
  type PathCache,
  stationAccessTiles,
} from "./pathfinding.ts";
import { allergyBlock, findPlayer } from "../game/players.ts";
import type { TilePos } from "../game/tiles.ts";
import type { GameState, Order, Player } from "../game/types.ts";

/** Heat at which a bot takes a pizza out of the oven on Master Chef (burns at 1). */
const HARD_PICKUP_HEAT = 0.92;
/** Heat at which a bot takes a pizza out of the oven otherwise. */
const PICKUP_HEAT = BAKED_HEAT + 0.01;
/** Money a team keeps before building a pizza ahead, coins. */
const PREP_RESERVE = 20;
/** An order this close to being due is led before any other, ms. */
const URGENT_LEAD_MS = 70_000;
/** A delivery this close to its deadline goes before work in the kitchen, ms. */
const URGENT_DELIVERY_MS = 30_000;
/** A lead leaves its baking pizza for other work only with this much to spare, ms. */
const LEAVE_OVEN_SLACK_MS = 30_000;
/** Walking estimates are multiplied by this (detours, giving way). */
const WALK_MARGIN = 1.4;
/** Take an unclaimed order at the latest this long before the walk there would end, ms. */
const RESCUE_MARGIN_MS = 12_000;
/** Take an unclaimed order when its take deadline is this close, ms. */
const RESCUE_TAKE_MS = 25_000;

/** One order a bot leads: it brings the pizza to the door. */
interface Job {
  orderId: number;
  tableId: number | null;
  ovenId: number | null;
}

/** An ingredient a bot fetches for another bot's order. */
interface Errand {
  orderId: number;
  ingredient: number;
}

/** One bot's planning memory. */
export interface BotMemory {
  playerId: string;
  job: Job | null;
  errand: Errand | null;
  /** Ingredient the bot is on its way to buy for its own job, or null. */
  buying: number | null;
  /** Unclaimed order the bot is on its way to take, or null. */
  rescuing: number | null;
  /**
   * More orders the bot leads while its own pizza bakes: pizzas built ahead
   * that only it (or busy teammates) may carry, each to its own oven.
   */
  side?: Job[];
}

/** Every order a bot leads: its job first, then its side jobs. */
function jobsOf(bot: BotMemory): Job[] {
  return bot.job ? [bot.job, ...(bot.side ?? [])] : [...(bot.side ?? [])];
}

/** Ids of the orders the team's bots lead. */
function ledOrders(team: Work): Set<number> {
  return new Set(team.bots.flatMap((b) => jobsOf(b).map((j) => j.orderId)));
}

/**
 * A combined pizza that free bots build on a table for an order no bot
 * leads yet: its lead, once one is free, only picks it up.
 */
export interface Prep {
  orderId: number;
  tableId: number;
}

/** Planning memory of a team of bots: who leads and fetches what. */
export interface TeamMemory {
  /** One memory per bot, in the order given. */
  bots: BotMemory[];
  /** Pizzas built ahead for orders nobody leads yet (none if absent). */
  preps?: Prep[];
}

/**
 * What a bot wants now: where to stand (any of `tiles`, from which `target`
 * is in reach) and what to do there; with no tiles, act where it stands.
 */
export interface BotPlan {
  /** The store, house or station to use, or null. */
  target: Target | null;
  /** Tiles to walk to. */
  tiles: TilePos[];
  /** Action id to send there, or null to wait there. */
  action: string | null;
}

/** An ingredient a lead cannot buy because of an allergy. */
interface HelpRequest {
  orderId: number;
  ingredient: number;
  tableId: number;
}

/**
 * When an order must be delivered at the latest: its deadline, or for an
 * order not taken yet, its take deadline and the time it then gets, ms.
 */
function dueMs(order: Order): number {
  return order.stage === "waiting"
    ? order.deadlineMs
    : order.deadlineMs + deliveryTimeMs(order.mask, order.needsBaking);
}

/** Drops jobs and errands whose order is gone. */
function forgetStale(team: Work, state: GameState): void {
  const open = new Set(state.orders.map((o) => o.id));
  for (const bot of team.bots) {
    if (bot.job && !open.has(bot.job.orderId)) bot.job = null;
    bot.side = (bot.side ?? []).filter((j) => open.has(j.orderId));
    // The next side job becomes the job once the job is done.
    if (!bot.job && bot.side.length > 0) bot.job = bot.side.shift() ?? null;
    if (bot.errand && !open.has(bot.errand.orderId)) bot.errand = null;
  }
  const led = ledOrders(team);
  team.preps = team.preps.filter((p) => {
    const order = orderOf(state, p.orderId);
    const item = state.stations[p.tableId]?.item;
    return order !== undefined && !led.has(p.orderId) &&
      (!item || goodStart(item, order.mask));
  });
  const requests = helpRequests(team, state);
  for (const bot of team.bots) {
    const e = bot.errand;
    if (
      e &&
      !requests.some((r) =>
        r.orderId === e.orderId && r.ingredient === e.ingredient
      )
    ) bot.errand = null;
  }
}

function orderOf(state: GameState, id: number): Order | undefined {
  return state.orders.find((o) => o.id === id);
}

function isSingle(item: Item): boolean {
  return !item.burned && ingredientCount(item.mask) === 1;
}

function tableItemMask(state: GameState, job: Job | null): number {
  if (!job || job.tableId === null) return 0;
  return state.stations[job.tableId]?.item?.mask ?? 0;
}

/** A backpack slot holding something the bot has no use for, or -1. */
function junkSlot(
  state: GameState,
  bot: BotMemory,
  player: Player,
): number {
  const order = bot.job ? orderOf(state, bot.job.orderId) : undefined;
  const onTable = tableItemMask(state, bot.job);
  const kept = new Set<number>();
  const pizzas = new Set(
    jobsOf(bot).flatMap((j) => orderOf(state, j.orderId)?.mask ?? []),
  );
  for (let slot = 0; slot < player.backpack.length; slot++) {
    const item = player.backpack[slot];
    let useful = !item.burned && !isSingle(item) && pizzas.has(item.mask);
    if (!useful && order && !item.burned) {
      if (item.mask === order.mask) useful = true;
      else if (
        isSingle(item) && (item.mask & order.mask) !== 0 &&
        (item.mask & onTable) === 0 && !kept.has(item.mask)
      ) useful = true;
    }
    if (
      !useful && bot.errand && isSingle(item) &&
      item.mask === 1 << bot.errand.ingredient && !kept.has(item.mask)
    ) useful = true;
    if (!useful && spare(state, player, item)) continue;
    if (!useful) return slot;
    kept.add(item.mask);
  }
  return -1;
}

/**
 * Whether a single ingredient is worth keeping although the bot has no use
 * for it now: some open order needs it and the backpack has room (money is
 * short; a teammate's order or the next one may use it).
 */
function spare(state: GameState, player: Player, item: Item): boolean {
  if (!isSingle(item) || player.backpack.length >= BACKPACK_SLOTS) return false;
  return state.orders.some((o) =>
    o.stage === "waiting" && (o.mask & item.mask) !== 0
  );
}

/**
 * Ingredients the team's combined pizzas still need that their lead neither
 * carries nor is on the way to buy: the lead's allergies, or simply work a
 * free bot can share.
 */
function helpRequests(team: Work, state: GameState): HelpRequest[] {
  const out: HelpRequest[] = [];
  for (const bot of team.bots) {
    const job = bot.job;
    if (!job || job.tableId === null) continue;
    const order = orderOf(state, job.orderId);
    const lead = findPlayer(state, bot.playerId);
    if (!order || !lead || assembled(state, job, order, lead)) continue;
    const need = order.mask & ~tableItemMask(state, job) &
      ~carriedSingles(lead);
    for (let i = 0; i < INGREDIENTS.length; i++) {
      if ((need & (1 << i)) === 0 || bot.buying === i) continue;
      out.push({ orderId: order.id, ingredient: i, tableId: job.tableId });
    }
  }
  for (const prep of team.preps) {
    const order = orderOf(state, prep.orderId);
    if (!order) continue;
    const need = order.mask & ~(state.stations[prep.tableId].item?.mask ?? 0);
    for (let i = 0; i < INGREDIENTS.length; i++) {
      if ((need & (1 << i)) === 0) continue;
      out.push({ orderId: order.id, ingredient: i, tableId: prep.tableId });
    }
  }
  return out;
}

/** Whether a job's pizza is complete: carried by its lead or in its oven. */
function assembled(
  state: GameState,
  job: Job,
  order: Order,
  lead: Player,
): boolean {
  if (lead.backpack.some((i) => i.mask === order.mask)) return true;
  const inOven = job.ovenId === null ? null : state.stations[job.ovenId].item;
  return inOven?.mask === order.mask;
}

/** Mask of the single ingredients in a backpack. */
function carriedSingles(player: Player): number {
  return player.backpack.reduce(
    (acc, i) => isSingle(i) ? acc | i.mask : acc,
    0,
  );
}

function choosePlan(
  team: Work,
  state: GameState,
  bot: BotMemory,
  player: Player,
): BotPlan | null {
  bot.buying = null;
  if (!bot.job && !bot.errand) claimOrder(team, state, bot, player);
  // Waiting for an oven to bake: use the time unless the pizza could burn.
  const hard = coolingAndBurning(state.difficulty);
  let wait: BotPlan | null = null;
  if (bot.job) {
    let plan = jobPlan(team, state, bot, player);
    if (plan && (!isBaking(state, plan) || hard)) return plan;
    // Meanwhile carry a pizza built ahead that only this bot is free to
    // carry to another oven: a teammate's busy lead would come too late.
    if (!hard && claimSide(team, state, bot, player)) {
      plan = jobPlan(team, state, bot, player);
      if (plan && !isBaking(state, plan)) return plan;
    }
    // Too close to a deadline to leave the oven for other work.
    if (plan && bakingSlackMs(team, state, bot) < LEAVE_OVEN_SLACK_MS) {
      return plan;
    }
    wait = plan;
  }
  // Free, or waiting on something: save an order nobody took, else fetch an
  // ingredient for someone else, else build a pizza ahead.
  const rescue = rescueOrder(
    team,
    state,
    bot,
    player,
    wait ? Infinity : RESCUE_TAKE_MS,
  );
  if (rescue) return rescue;
  if (!bot.errand) bot.errand = pickErrand(team, state, bot, player);
  if (
    !bot.errand && (!bot.job || wait) && startPrep(team, state, bot, player)
  ) {
    bot.errand = pickErrand(team, state, bot, player);
  }
  if (bot.errand) {
    const plan = planErrand(team, state, bot, player, bot.errand);
    if (plan) return plan;
  }
  return wait ?? waitAtJob(state, bot);
}

/** Walking time over `tiles` tiles, with room for detours and waits, ms. */
function walkMs(tiles: number): number {
  return tiles * TILE_SIZE_PX / WALK_SPEED_PX_PER_S * 1000 * WALK_MARGIN;
}

/**
 * The least time to spare over the bot's pizzas baking in their ovens: the
 * deadline less the baking left and the walk from the oven to the door, ms.
 */
function bakingSlackMs(team: Work, state: GameState, bot: BotMemory): number {
  let least = Infinity;
  for (const job of jobsOf(bot)) {
    const order = orderOf(state, job.orderId);
    if (!order || job.ovenId === null) continue;
    const item = state.stations[job.ovenId].item;
    if (!item || item.mask !== order.mask) continue;
    const bakeMs = Math.max(0, PICKUP_HEAT - item.heat) / OVEN_HEAT_PER_S *
      1000;
    const tile = stationAccessTiles(state.town, job.ovenId)[0];
    const door = state.town.houses[order.houseId].door;
    const d = tile
      ? distanceAt(
        distanceField(team.cache, state.town, [door]),
        (tile.tx + 0.5) * TILE_SIZE_PX,
        (tile.ty + 0.5) * TILE_SIZE_PX,
      )
      : 0;
    const slack = order.deadlineMs - state.clockMs - bakeMs -
      walkMs(Math.max(0, d));
    least = Math.min(least, slack);
  }
  return least;
}

/** Whether a plan only waits at an oven for a pizza to bake. */
function isBaking(state: GameState, plan: BotPlan): boolean {
  return plan.action === null && plan.target?.kind === "station" &&
    state.stations[plan.target.id]?.kind === "oven";
}

/** How soon a lead should do a step: lower first. */
function urgency(state: GameState, plan: BotPlan, order: Order): number {
  const left = order.deadlineMs - state.clockMs;
  if (plan.action === "deliver") {
    return (left < URGENT_DELIVERY_MS ? 0 : 2) + left / 1e9;
  }
  if (plan.target?.kind === "station") return 1;
  return 3 + left / 1e9;
}

/**
 * The next step over every order a bot leads: an urgent delivery, else work
 * in the kitchen (ovens and tables are near each other), else deliveries by
 * deadline, else the rest; waiting at an oven only when nothing else can be
 * done.
 */
function jobPlan(
  team: Work,
  state: GameState,
  bot: BotMemory,
  player: Player,
): BotPlan | null {
  let best: BotPlan | null = null;
  let bestRank = Infinity;
  let buying: number | null = null;
  let wait: BotPlan | null = null;
  for (const job of jobsOf(bot)) {
    const order = orderOf(state, job.orderId);
    bot.buying = null;
    const plan = planJob(team, state, bot, player, job);
    if (!plan || !order) continue;
    if (plan.action === null) {
      wait ??= plan;
      continue;
    }
    const rank = urgency(state, plan, order);
    if (rank < bestRank) {
      best = plan;
      bestRank = rank;
      buying = bot.buying;
    }
  }
  bot.buying = best ? buying : null;
  return best ?? wait;
}

/**
 * Takes a pizza built ahead, complete on its table, as a side job: for an
 * order no bot leads, that this bot may carry and no free teammate may, with
 * a free oven and room in the backpack. Returns whether one was taken.
 */
function claimSide(
  team: Work,
  state: GameState,
  bot: BotMemory,
  player: Player,
): boolean {
  const jobs = jobsOf(bot);
  const masks = jobs.map((j) => orderOf(state, j.orderId)?.mask ?? -1);
  const loose = player.backpack.filter((i) => !masks.includes(i.mask)).length;
  if (jobs.length + loose >= BACKPACK_SLOTS) return false;
  const led = ledOrders(team);
  const freeLeads = team.bots.flatMap((b) => {
    if (b === bot || b.job) return [];
    const p = findPlayer(state, b.playerId);
    return p && p.vehicleId === null ? [p] : [];
  });
  const prep = team.preps
    .filter((p) => {
      const o = orderOf(state, p.orderId);
      return o !== undefined && !led.has(o.id) &&
        state.stations[p.tableId].item?.mask === o.mask &&
        canLead(state, player, o) &&
        !freeLeads.some((f) => canLead(state, f, o));
    })
    .sort((a, b) =>
      (orderOf(state, a.orderId)?.deadlineMs ?? 0) -
      (orderOf(state, b.orderId)?.deadlineMs ?? 0)
    )[0];
  if (!prep) return false;
  const job: Job = {
    orderId: prep.orderId,
    tableId: prep.tableId,
    ovenId: null,
  };
  const oven = chooseOven(team, state, job, player);
  if (oven === null || state.stations[oven].item) return false;
  bot.side = [...(bot.side ?? []), job];
  team.preps = team.preps.filter((p) => p !== prep);
  return true;
}

function canLead(state: GameState, player: Player, order: Order): boolean {
  return allergyBlock(player, order.mask, state.players.length) === null;
}

function claimOrder(
  team: Work,
  state: GameState,
  bot: BotMemory,
  player: Player,
): void {
  const claimed = ledOrders(team);
  // Orders whose ingredients this bot may buy itself first, then the nearest
  // deadline: a lead who must wait for every ingredient wastes its time.
  const prepOf = (o: Order) => team.preps.find((p) => p.orderId === o.id);
  const left = (o: Order) => {
    const prep = prepOf(o);
    return prep
      ? o.mask & ~(state.stations[prep.tableId].item?.mask ?? 0)
      : o.mask;
  };
  const cannotBuy = (o: Order) => unbuyable(state, player, left(o));
  // Orders few players may carry first: the others can go to teammates;
  // but an order near its deadline goes first whoever may carry it.
  const carriers = (o: Order) =>
    state.players.filter((p) => canLead(state, p, o)).length;
  const urgent = (o: Order) => dueMs(o) - state.clockMs < URGENT_LEAD_MS;
  const others = team.bots.flatMap((b) => {
    if (b === bot || b.job) return [];
    const p = findPlayer(state, b.playerId);
    return p && p.vehicleId === null ? [p] : [];
  });
  const free = state.orders
    .filter((o) => !claimed.has(o.id) && canLead(state, player, o))
    // Leave an order to a free teammate who can buy more of it.
    .filter((o) =>
      !others.some((p) =>
        canLead(state, p, o) && unbuyable(state, p, left(o)) < cannotBuy(o)
      )
    )
    .sort((a, b) =>
      Number(urgent(b)) - Number(urgent(a)) ||
      (urgent(a) ? dueMs(a) - dueMs(b) : 0) ||
      cannotBuy(a) - cannotBuy(b) || carriers(a) - carriers(b) ||
      dueMs(a) - dueMs(b) || a.id - b.id
    );
  if (free.length === 0) return;
  // A bot that would depend on teammates' errands helps them first.
  if (cannotBuy(free[0]) > 0 && pickErrand(team, state, bot, player)) return;
  const prep = prepOf(free[0]);
  bot.job = {
    orderId: free[0].id,
    tableId: prep?.tableId ?? null,
    ovenId: null,
  };
  if (prep) team.preps = team.preps.filter((p) => p !== prep);
}

/**
 * Starts building a combined pizza ahead for the most urgent order that no
 * bot leads or builds, on the free table nearest the bot. Returns whether
 * one was started.
 */
function startPrep(
  team: Work,
  state: GameState,
  bot: BotMemory,
  player: Player,
): boolean {
  const busy = new Set([
    ...ledOrders(team),
    ...team.preps.map((p) => p.orderId),
  ]);
  const order = state.orders
    .filter((o) =>
      !busy.has(o.id) && o.stage === "waiting" &&
      ingredientCount(o.mask) > 1 &&
      state.players.some((p) => canLead(state, p, o))
    )
    .sort((a, b) => a.deadlineMs - b.deadlineMs || a.id - b.id)[0];
  // Keep money for the orders being led: building ahead is a bonus.
  if (!order || state.money < PREP_RESERVE + 5 * ingredientCount(order.mask)) {
    return false;
  }
  const tableId = chooseTable(team, state, bot, player, order);
  if (tableId === null) return false;
  const item = state.stations[tableId].item;
  if (item && !goodStart(item, order.mask)) return false;
  team.preps.push({ orderId: order.id, tableId });
  return true;
}

/** How many ingredients of `mask` the player may not buy. */
function unbuyable(state: GameState, player: Player, mask: number): number {
  let n = 0;
  for (let i = 0; i < INGREDIENTS.length; i++) {
    const bit = 1 << i;
    if ((mask & bit) === 0) continue;
    if (allergyBlock(player, bit, state.players.length) !== null) n++;
  }
  return n;
}

/**
 * Hands a job whose lead may not buy what the pizza still needs to a free
 * teammate (no job) who may buy all of it and carry the pizza: the old lead
 * then fetches for it or takes another order.
 */
function handOver(team: Work, state: GameState): void {
  for (const bot of team.bots) {
    const job = bot.job;
    if (!job) continue;
    const order = orderOf(state, job.orderId);
    const lead = findPlayer(state, bot.playerId);
    if (!order || !lead || ingredientCount(order.mask) === 1) continue;
    if (order.stage !== "waiting" || assembled(state, job, order, lead)) {
      continue;
    }
    if (lead.backpack.some((i) => !isSingle(i) && i.mask !== 0)) continue;
    // Only a lead that carries nothing for the pizza yet, to an heir who can
    // buy all it still needs (so the job never comes back).
    if ((carriedSingles(lead) & order.mask) !== 0) continue;
    const need = order.mask & ~tableItemMask(state, job);
    if (need === 0 || unbuyable(state, lead, need) === 0) continue;
    const heir = team.bots.find((b) => {
      if (b.job || b === bot) return false;
      const p = findPlayer(state, b.playerId);
      return p !== undefined && p.vehicleId === null &&
        canLead(state, p, order) &&
        unbuyable(state, p, need) === 0;
    });
    if (!heir) continue;
    heir.job = job;
    heir.errand = null;
    heir.rescuing = null;
    bot.job = null;
    bot.buying = null;
  }
}

function doorPlan(tile: TilePos, target: Target, id: string | null): BotPlan {
  return { target, tiles: [tile], action: id };
}

function stationPlan(
  state: GameState,
  stationId: number,
  id: string | null,
): BotPlan {
  return {
    target: { kind: "station", id: stationId },
    tiles: stationAccessTiles(state.town, stationId),
    action: id,
  };
}

/** The store selling an ingredient nearest to the player, as a "buy" plan. */
function buyPlan(
  team: Work,
  state: GameState,
  player: Player,
  ingredient: number,
): BotPlan | null {
  let best: BotPlan | null = null;
  let bestD = Infinity;
  for (const store of state.town.stores) {
    if (store.ingredientIndex !== ingredient) continue;
    if (store.price > state.money) continue;
    const field = distanceField(team.cache, state.town, [store.door]);
    const d = distanceAt(field, player.x, player.y);
    if (d >= 0 && d < bestD) {
      bestD = d;
      best = doorPlan(store.door, { kind: "store", id: store.id }, "buy");
    }
  }
  return best;
}

function nearestStation(
  team: Work,
  state: GameState,
  player: Player,
  ids: readonly number[],
  penalty: (id: number) => number,
): number | null {
  let best: number | null = null;
  let bestD = Infinity;
  for (const id of ids) {
    const extra = penalty(id);
    if (!Number.isFinite(extra)) continue;
    const tiles = stationAccessTiles(state.town, id);
    if (tiles.length === 0) continue;
    const d = distanceAt(
      distanceField(team.cache, state.town, tiles),
      player.x,
      player.y,
    );
    if (d >= 0 && d + extra < bestD) {
      bestD = d + extra;
      best = id;
    }
  }
  return best;
}

/** Whether a table item can grow into `mask` (a valid start on the way). */
function goodStart(item: Item, mask: number): boolean {
  return !item.burned && (item.mask & ~mask) === 0;
}

function chooseTable(
  team: Work,
  state: GameState,
  bot: BotMemory,
  player: Player,
  order: Order,
): number | null {
  const taken = new Set([
    ...team.bots.flatMap((b) =>
      jobsOf(b).flatMap((j) =>
        j.tableId !== null && (b !== bot || j !== bot.job) ? [j.tableId] : []
      )
    ),
    ...team.preps.map((p) => p.tableId),
  ]);
  const tables = state.town.stations.filter((s) => s.kind === "table").map((
    s,
  ) => s.id);
  return nearestStation(team, state, player, tables, (id) => {
    if (taken.has(id)) return Infinity;
    const item = state.stations[id].item;
    if (!item) return 0;
    if (goodStart(item, order.mask)) return -4;
    return allergyBlock(player, item.mask, state.players.length) === null
      ? 12
      : Infinity;
  });
}

function chooseOven(
  team: Work,
  state: GameState,
  job: Job,
  player: Player,
): number | null {
  const taken = new Set(
    team.bots.flatMap((b) =>
      jobsOf(b).flatMap((j) => j.ovenId !== null && j !== job ? [j.ovenId] : [])
    ),
  );
  const ovens = state.town.stations.filter((s) => s.kind === "oven").map((s) =>
    s.id
  );
  return nearestStation(team, state, player, ovens, (id) => {
    if (taken.has(id)) return Infinity;
    const item = state.stations[id].item;
    if (!item) return 0;
    return allergyBlock(player, item.mask, state.players.length) === null
      ? 12
      : Infinity;
  });
}

function freeSlots(player: Player): number {
  return BACKPACK_SLOTS - player.backpack.length;
}

/** The lead's next step for its order, or null when it can only wait. */
function planJob(
  team: Work,
  state: GameState,
  bot: BotMemory,
  player: Player,
  job: Job,
): BotPlan | null {
  const order = orderOf(state, job.orderId);
  if (!order) return null;
  const house = state.town.houses[order.houseId];
  const houseTarget: Target = { kind: "house", id: house.id };
  const m = order.mask;
  if (order.stage === "ordering") {
    return doorPlan(house.door, houseTarget, "take_order");
  }
  if (player.backpack.some((item) => matchesOrder(item, order))) {
    // A side job's pizza like this one may be ready in this job's oven:
    // take it first, so that both go out on one trip.
    const inOven = job.ovenId === null ? null : state.stations[job.ovenId].item;
    if (
      inOven?.mask === m && !inOven.burned && inOven.heat >= PICKUP_HEAT &&
      freeSlots(player) > 0 && !coolingAndBurning(state.difficulty)
    ) return stationPlan(state, job.ovenId as number, "pickup");
    return doorPlan(house.door, houseTarget, "deliver");
  }
  if (order.needsBaking) {
    if (job.ovenId !== null) {
      const item = state.stations[job.ovenId].item;
      if (item && item.mask === m && !item.burned) {
        const ready = coolingAndBurning(state.difficulty)
          ? HARD_PICKUP_HEAT
          : PICKUP_HEAT;
        if (item.heat >= ready && freeSlots(player) > 0) {
          return stationPlan(state, job.ovenId, "pickup");
        }
        return stationPlan(state, job.ovenId, null);
      }
      job.ovenId = null;
    }
    const slot = player.backpack.findIndex((i) => i.mask === m && !i.burned);
    if (slot >= 0) {
      job.ovenId = chooseOven(team, state, job, player);
      if (job.ovenId === null) return null;
      const inOven = state.stations[job.ovenId].item;
      if (inOven) {
        return freeSlots(player) > 0
          ? stationPlan(state, job.ovenId, "pickup")
          : null;
      }
      return stationPlan(state, job.ovenId, `drop:${slot}`);
    }
  }
  if (ingredientCount(m) === 1) {
    const i = Math.log2(m);
    if (freeSlots(player) === 0) return null;
    return buyPlan(team, state, player, i);
  }
  // A combined pizza: build it on a table, dough first.
  if (job.tableId === null) {
    job.tableId = chooseTable(team, state, bot, player, order);
    if (job.tableId === null) return null;
  }
  const tableId = job.tableId;
  const onTable = state.stations[tableId].item;
  if (onTable && !goodStart(onTable, m)) {
    if (allergyBlock(player, onTable.mask, state.players.length) !== null) {
      job.tableId = null;
      return null;
    }
    return freeSlots(player) > 0 ? stationPlan(state, tableId, "pickup") : null;
  }
  if (onTable && onTable.mask === m) {
    return freeSlots(player) > 0 ? stationPlan(state, tableId, "pickup") : null;
  }
  const tableMask = onTable?.mask ?? 0;
  const need = m & ~tableMask;
  if (freeSlots(player) > 0) {
    const fetched = team.bots.reduce(
      (acc, b) =>
        b !== bot && b.errand?.orderId === order.id
          ? acc | (1 << b.errand.ingredient)
          : acc,
      0,
    );
    const toBuy = need & ~carriedSingles(player) & ~fetched;
    let best: BotPlan | null = null;
    let bestD = Infinity;
    for (let i = 0; i < INGREDIENTS.length; i++) {
      const bit = 1 << i;
      if ((toBuy & bit) === 0) continue;
      if (allergyBlock(player, bit, state.players.length) !== null) continue;
      const plan = buyPlan(team, state, player, i);
      const d = plan ? planDistance(team, state, player, plan) : -1;
      if (plan && d >= 0 && d < bestD) {
        best = plan;
        bestD = d;
        bot.buying = i;
      }
    }
    if (best) return best;
  }
  const dropSlot = droppableSlot(player, need, tableMask);
  if (dropSlot >= 0) return stationPlan(state, tableId, `drop:${dropSlot}`);
  return null;
}

function planDistance(
  team: Work,
  state: GameState,
  player: Player,
  plan: BotPlan,
): number {
  return distanceAt(
    distanceField(team.cache, state.town, plan.tiles),
    player.x,
    player.y,
  );
}

/** A slot with a single ingredient that can go on the table now, dough first. */
function droppableSlot(
  player: Player,
  need: number,
  tableMask: number,
): number {
  let best = -1;
  player.backpack.forEach((item, slot) => {
    if (!isSingle(item) || (item.mask & need) === 0) return;
    const ok = tableMask === 0 || (tableMask & DOUGH_MASK) !== 0 ||
      item.mask === DOUGH_MASK;
    if (!ok) return;
    if (best < 0 || item.mask === DOUGH_MASK) best = slot;
  });
  return best;
}

function pickErrand(
  team: Work,
  state: GameState,
  bot: BotMemory,
  player: Player,
): Errand | null {
  const busy = new Set(
    team.bots.flatMap((b) =>
      b.errand ? [`${b.errand.orderId}:${b.errand.ingredient}`] : []
    ),
  );
  const carried = carriedSingles(player);
  const requests = helpRequests(team, state).sort((a, b) =>
    ((carried >> b.ingredient) & 1) - ((carried >> a.ingredient) & 1)
  );
  for (const r of requests) {
    if (bot.job?.orderId === r.orderId) continue;
    if (busy.has(`${r.orderId}:${r.ingredient}`)) continue;
    if (
      allergyBlock(player, 1 << r.ingredient, state.players.length) !== null
    ) {
      continue;
    }
    if (freeSlots(player) === 0 && ((carried >> r.ingredient) & 1) === 0) {
      continue;
    }
    return { orderId: r.orderId, ingredient: r.ingredient };
  }
  return null;
}

function planErrand(
  team: Work,
  state: GameState,
  _bot: BotMemory,
  player: Player,
  errand: Errand,
): BotPlan | null {
  const request = helpRequests(team, state).find((r) =>
    r.orderId === errand.orderId && r.ingredient === errand.ingredient
  );
  if (!request) return null;
  const bit = 1 << errand.ingredient;
  const slot = player.backpack.findIndex((i) => isSingle(i) && i.mask === bit);
  if (slot < 0) {
    return freeSlots(player) > 0
      ? buyPlan(team, state, player, errand.ingredient)
      : null;
  }
  const tableMask = state.stations[request.tableId].item?.mask ?? 0;
  const ok = tableMask === 0 || (tableMask & DOUGH_MASK) !== 0 ||
    bit === DOUGH_MASK;
  // Until the dough is there, wait wherever the bot is: a crowd waiting at
  // the table's few access tiles jams the kitchen.
  return ok ? stationPlan(state, request.tableId, `drop:${slot}`) : null;
}

/**
 * Takes an unclaimed order whose take deadline is within `withinMs`, to buy
 * it time; the nearest free bot goes, one bot per order.
 */
function rescueOrder(
  team: Work,
  state: GameState,
  bot: BotMemory,
  player: Player,
  withinMs: number,
): BotPlan | null {
  const claimed = ledOrders(team);
  // An order whose lead would reach the door too late is anyone's to take.
  for (const b of team.bots) {
    const o = b.job ? orderOf(state, b.job.orderId) : undefined;
    const lead = findPlayer(state, b.playerId);
    if (!o || !lead || o.stage !== "ordering" || b === bot) continue;
    const door = state.town.houses[o.houseId].door;
    const d = distanceAt(
      distanceField(team.cache, state.town, [door]),
      lead.x,
      lead.y,
    );
    if (d < 0 || walkMs(d) + RESCUE_MARGIN_MS > o.deadlineMs - state.clockMs) {
      claimed.delete(o.id);
    }
  }
  const rescuers = new Set(
    team.bots.flatMap((b) =>
      b !== bot && b.rescuing !== null ? [b.rescuing] : []
    ),
  );
  if (
    bot.rescuing !== null &&
    !state.orders.some((o) => o.id === bot.rescuing && o.stage === "ordering")
  ) bot.rescuing = null;
  let best: BotPlan | null = null;
  let bestD = Infinity;
  for (const o of state.orders) {
    if (o.stage !== "ordering" || claimed.has(o.id) || rescuers.has(o.id)) {
      continue;
    }
    if (bot.rescuing !== null && bot.rescuing !== o.id) continue;
    const house = state.town.houses[o.houseId];
    const d = distanceAt(
      distanceField(team.cache, state.town, [house.door]),
      player.x,
      player.y,
    );
    const left = o.deadlineMs - state.clockMs;
    if (left > withinMs && left > walkMs(d) + RESCUE_MARGIN_MS) continue;
    if (d >= 0 && d < bestD) {
      bestD = d;
      best = doorPlan(
        house.door,
        { kind: "house", id: house.id },
        "take_order",
      );
      bot.rescuing = o.id;
    }
  }
  if (!best) bot.rescuing = null;
  return best;
}

function waitAtJob(state: GameState, bot: BotMemory): BotPlan | null {
  const job = bot.job;
  if (!job) return null;
  if (job.ovenId !== null) return stationPlan(state, job.ovenId, null);
  if (job.tableId !== null) return stationPlan(state, job.tableId, null);
  return null;
}

/** The memory being worked on, with the path cache. */
interface Work extends TeamMemory {
  preps: Prep[];
  cache: PathCache;
}

/** A fresh memory for one bot. */
export function botMemory(playerId: string): BotMemory {
  return { playerId, job: null, errand: null, buying: null, rescuing: null };
}

/** What {@link planTeam} returns. */
export interface TeamPlan {
  /** The team's memory for the next step. */
  memory: TeamMemory;
  /** Each bot's plan by player id (null: nothing to do; stand still). */
  plans: Map<string, BotPlan | null>;
}

/**
 * Plans every bot of a team for this step while a round runs: first out of
 * a car, then throw away what nobody needs, then the order it leads, an order
 * about to expire untaken, or an ingredient for a teammate's order.
 */
export function planTeam(
  state: GameState,
  memory: TeamMemory,
  cache: PathCache,
): TeamPlan {
  const copy = structuredClone(memory);
  const team: Work = { ...copy, preps: copy.preps ?? [], cache };
  const plans = new Map<string, BotPlan | null>();
  forgetStale(team, state);
  handOver(team, state);
  for (const bot of team.bots) {
    const player = findPlayer(state, bot.playerId);
    if (!player) continue;
    if (player.vehicleId !== null) {
      plans.set(bot.playerId, {
        target: null,
        tiles: [],
        action: "leave_vehicle",
      });
      continue;
    }
    const junk = junkSlot(state, bot, player);
    if (junk >= 0) {
      plans.set(bot.playerId, {
        target: null,
        tiles: [],
        action: `discard:${junk}`,
      });
      continue;
    }
    const plan = choosePlan(team, state, bot, player);
    plans.set(bot.playerId, plan);
    // A rescue given up for other work leaves the order to the others.
    const rescued = bot.rescuing === null
      ? undefined
      : orderOf(state, bot.rescuing);
    if (
      rescued && !(plan?.action === "take_order" &&
        plan.target?.kind === "house" && plan.target.id === rescued.houseId)
    ) bot.rescuing = null;
  }
  return { memory: { bots: team.bots, preps: team.preps }, plans };
}
