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
 * The planner is split by job: `team_memory.ts` holds the team's memory and
 * the plan type, `teamwork.ts` decides who leads, fetches, builds ahead or
 * rescues what, `places.ts` picks the store, table or oven to go to; this
 * file turns each bot's share into its next step.
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
} from "../game/constants.ts";
import { type Target } from "../game/actions.ts";
import { coolingAndBurning } from "../game/difficulty.ts";
import {
  DOUGH_MASK,
  ingredientCount,
  INGREDIENTS,
  type Item,
} from "../game/items.ts";
import { matchesOrder } from "../game/orders.ts";
import { allergyBlock, findPlayer } from "../game/players.ts";
import type { GameState, Order, Player } from "../game/types.ts";
import {
  distanceAt,
  distanceField,
  type PathCache,
  stationAccessTiles,
} from "./pathfinding.ts";
import {
  buyPlan,
  chooseOven,
  chooseTable,
  doorPlan,
  planDistance,
  stationPlan,
  walkMs,
} from "./places.ts";
import {
  type BotMemory,
  type BotPlan,
  carriedSingles,
  EXPERT_STYLE,
  freeSlots,
  goodStart,
  isSingle,
  type Job,
  jobsOf,
  orderOf,
  type PlanStyle,
  tableItemMask,
  type TeamMemory,
  type Work,
} from "./team_memory.ts";
import {
  claimOrder,
  claimSide,
  forgetStale,
  handOver,
  pickErrand,
  planErrand,
  rescueOrder,
  startPrep,
} from "./teamwork.ts";

export {
  type BotMemory,
  botMemory,
  type BotPlan,
  EXPERT_STYLE,
  type PlanStyle,
  type TeamMemory,
} from "./team_memory.ts";

/** Heat at which a bot takes a pizza out of the oven on Master Chef (burns at 1). */
const HARD_PICKUP_HEAT = 0.92;

/** Heat at which a bot takes a pizza out of the oven otherwise. */
const PICKUP_HEAT = BAKED_HEAT + 0.01;

/** A delivery this close to its deadline goes before work in the kitchen, ms. */
const URGENT_DELIVERY_MS = 30_000;

/** A lead leaves its baking pizza for other work only with this much to spare, ms. */
const LEAVE_OVEN_SLACK_MS = 30_000;

/** Take an unclaimed order when its take deadline is this close, ms. */
const RESCUE_TAKE_MS = 25_000;

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
    if (plan && (!isBaking(state, plan) || hard || !team.style.ahead)) {
      return plan;
    }
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
    !bot.errand && (!bot.job || wait) && team.style.ahead &&
    startPrep(team, state, bot, player)
  ) {
    bot.errand = pickErrand(team, state, bot, player);
  }
  if (bot.errand) {
    const plan = planErrand(team, state, bot, player, bot.errand);
    if (plan) return plan;
  }
  return wait ?? waitAtJob(state, bot);
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
  // A first-timer puts each ingredient on the table before buying the next.
  const first = team.style.oneAtATime
    ? droppableSlot(player, need, tableMask)
    : -1;
  if (first >= 0) return stationPlan(state, tableId, `drop:${first}`);
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

function waitAtJob(state: GameState, bot: BotMemory): BotPlan | null {
  const job = bot.job;
  if (!job) return null;
  if (job.ovenId !== null) return stationPlan(state, job.ovenId, null);
  if (job.tableId !== null) return stationPlan(state, job.tableId, null);
  return null;
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
  style: PlanStyle = EXPERT_STYLE,
): TeamPlan {
  const copy = structuredClone(memory);
  const team: Work = { ...copy, preps: copy.preps ?? [], cache, style };
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
