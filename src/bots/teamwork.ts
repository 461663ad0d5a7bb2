/**
 * Who does what in a team of bots: which bot leads which order, hands it
 * over when it cannot buy what is missing, fetches an ingredient for a
 * teammate, builds a pizza ahead, carries a side job while its own pizza
 * bakes, or takes an order nobody took before it expires. Each function
 * changes the team's working memory in place; the planner calls them.
 *
 * @module
 */

import { BACKPACK_SLOTS } from "../game/constants.ts";
import { DOUGH_MASK, ingredientCount, INGREDIENTS } from "../game/items.ts";
import { allergyBlock, findPlayer } from "../game/players.ts";
import type { GameState, Order, Player } from "../game/types.ts";
import { distanceAt, distanceField } from "./pathfinding.ts";
import {
  buyPlan,
  chooseOven,
  chooseTable,
  doorPlan,
  stationPlan,
  walkMs,
} from "./places.ts";
import {
  assembled,
  type BotMemory,
  type BotPlan,
  canLead,
  carriedSingles,
  dueMs,
  type Errand,
  freeSlots,
  goodStart,
  isSingle,
  type Job,
  jobsOf,
  ledOrders,
  orderOf,
  tableItemMask,
  unbuyable,
  type Work,
} from "./team_memory.ts";

/** Money a team keeps before building a pizza ahead, coins. */
const PREP_RESERVE = 20;

/** An order this close to being due is led before any other, ms. */
const URGENT_LEAD_MS = 70_000;

/** Take an unclaimed order at the latest this long before the walk there would end, ms. */
const RESCUE_MARGIN_MS = 12_000;

/** An ingredient a lead cannot buy because of an allergy. */
export interface HelpRequest {
  orderId: number;
  ingredient: number;
  tableId: number;
}

/** Drops jobs and errands whose order is gone. */
export function forgetStale(team: Work, state: GameState): void {
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

/**
 * Ingredients the team's combined pizzas still need that their lead neither
 * carries nor is on the way to buy: the lead's allergies, or simply work a
 * free bot can share.
 */
export function helpRequests(team: Work, state: GameState): HelpRequest[] {
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

/**
 * Takes a pizza built ahead, complete on its table, as a side job: for an
 * order no bot leads, that this bot may carry and no free teammate may, with
 * a free oven and room in the backpack. Returns whether one was taken.
 */
export function claimSide(
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

/** Gives a free bot an order to lead (its job), if one suits it. */
export function claimOrder(
  team: Work,
  state: GameState,
  bot: BotMemory,
  player: Player,
): void {
  const claimed = ledOrders(team);
  if (!team.style.ahead) {
    // A first-timer takes the oldest order it may carry, nothing cleverer.
    const oldest = state.orders.find((o) =>
      !claimed.has(o.id) && canLead(state, player, o)
    );
    if (oldest) bot.job = { orderId: oldest.id, tableId: null, ovenId: null };
    return;
  }
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
export function startPrep(
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

/**
 * Hands a job whose lead may not buy what the pizza still needs to a free
 * teammate (no job) who may buy all of it and carry the pizza: the old lead
 * then fetches for it or takes another order.
 */
export function handOver(team: Work, state: GameState): void {
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

/** An ingredient this bot may fetch for a teammate's pizza, or null. */
export function pickErrand(
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

/** The step of an errand: buy the ingredient, then drop it on the table once it can go on. */
export function planErrand(
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
export function rescueOrder(
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
